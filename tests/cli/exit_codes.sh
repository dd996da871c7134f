# cli/exit_codes — 0 no findings, 1 findings, 2 usage, configuration or parse errors; a bad
# file is reported and the others are still linted.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
write_clean clean.c
write_unawaited bad.c

run clean.c -- -I"$INC"
expect_status 0 "a clean file"
[ -s "$TMP/out" ] && { show; fail "a clean file printed findings"; }

run bad.c -- -I"$INC"
expect_status 1 "a file with a finding"
expect_grep "$TMP/out" '^bad\.c:5:3: warning: .*\[unawaited-ticket\]$' "finding in GCC format"
expect_grep "$TMP/out" '^  tk_async(loop, work, 0);$' "source line under the finding"
expect_grep "$TMP/out" '^  \^' "caret under the finding"

run --exit-zero bad.c -- -I"$INC"
expect_status 0 "--exit-zero"
expect_grep "$TMP/out" 'unawaited-ticket' "--exit-zero still prints findings"

run --no-such-option clean.c
expect_status 2 "unknown option"
expect_grep "$TMP/err" "unknown option '--no-such-option'" "names the option"

run
expect_status 2 "no input files"
run --format=xml clean.c
expect_status 2 "bad --format value"
run clean.c --model
expect_status 2 "option missing its value"

run missing.c bad.c -- -I"$INC"
expect_status 2 "a missing file"
expect_grep "$TMP/err" "cannot open 'missing.c'" "names the missing file"
expect_grep "$TMP/out" 'bad\.c:5:3: warning: .*\[unawaited-ticket\]' "other files still linted"

mkdir adir
run adir clean.c -- -I"$INC"
expect_status 2 "a directory"
expect_grep "$TMP/err" "'adir'" "names the directory"

run -p "$TMP/no-such-build-dir" clean.c
expect_status 2 "missing compilation database"
expect_grep "$TMP/err" "compile_commands.json" "names the database"

mkdir broken
printf '[\n  {"directory": "/x",\n' >broken/compile_commands.json
run -p broken clean.c
expect_status 2 "malformed compilation database"
expect_grep "$TMP/err" '^broken/compile_commands.json:[0-9][0-9]*:[0-9][0-9]*: error: ' \
  "file:line:col of the JSON error"

# libclang cannot parse at all with an unknown language standard.
run clean.c -- -std=c77
expect_status 2 "a file libclang cannot parse"
expect_grep "$TMP/err" "cannot parse 'clean.c'" "names the file"

echo "ok"
