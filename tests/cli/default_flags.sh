# cli/default_flags — without a database or '--', say once that default flags are used; a
# file missing from the database gets a note.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
write_clean a.c
write_clean b.c
msg="ticketlint: no compilation database or '--' flags; parsing with default flags"

run a.c b.c
expect_status 0 "clean files"
n=$(grep -c -F -x "$msg" "$TMP/err" || true)
[ "$n" -eq 1 ] || { show; fail "default-flags message printed $n times, expected once"; }

run --extra-arg=-DX a.c
expect_grep "$TMP/err" "parsing with default flags" "--extra-arg alone still means defaults"

run a.c -- -DX
expect_status 0 "'--' flags"
expect_no_grep "$TMP/err" "default flags" "no message with '--'"

mkdir build
printf '[{"directory": "%s", "command": "cc -c a.c", "file": "a.c"}]\n' "$TMP" \
  >build/compile_commands.json
run -p build a.c b.c
expect_status 0 "database"
expect_no_grep "$TMP/err" "no compilation database" "no global message with -p"
expect_grep "$TMP/err" "'b.c' is not in build/compile_commands.json; parsing with default flags" \
  "note for a file missing from the database"
expect_no_grep "$TMP/err" "'a.c' is not in" "no note for a listed file"
echo "ok"
