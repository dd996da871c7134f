# cli/output_file — --output FILE, for every format: the output goes to FILE (nothing on
# stdout), the exit status is unchanged, FILE is replaced by a rename (no temporary file is
# left beside it, the mode follows the umask), and when ticketlint stops before writing
# (a configuration error, an unwritable place, --dump-ir) FILE keeps its old contents.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null 2>&1 || fail "node not found: run cmake/install-deps.sh"
cd "$TMP"
mkdir -p proj/.git reports
write_unawaited proj/bad.c
write_clean proj/clean.c
umask 027

for fmt in sarif json text codeclimate; do
  run --format=$fmt --output reports/report.$fmt proj/bad.c -- -I"$INC"
  expect_status 1 "--output keeps the exit status ($fmt)"
  [ ! -s "$TMP/out" ] || { show; fail "--output $fmt: something on stdout"; }
  [ -s reports/report.$fmt ] || fail "--output $fmt: no file"
  [ "$(stat -c %a reports/report.$fmt)" = 640 ] || fail "--output $fmt: mode $(stat -c %a reports/report.$fmt), umask 027"
done
node "$TL_REPO/tests/sarif/query.js" reports/report.sarif 'results[0].ruleId' >"$TMP/rule" ||
  fail "the SARIF file does not parse"
[ "$(cat "$TMP/rule")" = unawaited-ticket ] || fail "the SARIF file lacks the finding"
node "$TL_REPO/tests/sarif/query.js" reports/report.json 'log[0].rule' >"$TMP/rule" ||
  fail "the JSON file does not parse"
grep -q '^proj/bad\.c:5:3: warning: .*\[unawaited-ticket\]$' reports/report.text ||
  fail "the text file lacks the finding"
grep -q "$(printf '\033')" reports/report.text && fail "colour in a file with --color=auto"

# Replaced whole: a clean run leaves an empty result list, not the old findings.
run --format=sarif --output reports/report.sarif proj/clean.c
expect_status 0 "clean run"
node "$TL_REPO/tests/sarif/query.js" reports/report.sarif 'results.length' >"$TMP/n"
[ "$(cat "$TMP/n")" = 0 ] || fail "the old findings survived the rewrite"
[ "$(ls -A reports | wc -l)" = 4 ] || { ls -A reports >&2; fail "a temporary file was left behind"; }

# Stopped before writing: the old file stays as it was.
cp reports/report.sarif "$TMP/saved"
printf 'fn tk_async frobnicate\n' >"$TMP/broken.model"
run --format=sarif --output reports/report.sarif --model "$TMP/broken.model" proj/bad.c -- -I"$INC"
expect_status 2 "malformed model"
cmp -s reports/report.sarif "$TMP/saved" || fail "a configuration error touched the file"
run --dump-ir --output reports/report.sarif proj/bad.c -- -I"$INC"
expect_status 0 "--dump-ir"
cmp -s reports/report.sarif "$TMP/saved" || fail "--dump-ir touched the file"
[ "$(ls -A reports | wc -l)" = 4 ] || { ls -A reports >&2; fail "--dump-ir left a temporary file"; }

# Unwritable places: exit 2 before any linting, with the reason.
run --output "$TMP/nowhere/report.txt" proj/bad.c -- -I"$INC"
expect_status 2 "a missing directory"
expect_grep "$TMP/err" "cannot write '$TMP/nowhere/report.txt': No such file or directory" "says why"
run --output reports proj/bad.c -- -I"$INC"
expect_status 2 "a directory"
expect_grep "$TMP/err" "cannot write 'reports': is a directory" "says why"
run --output= proj/bad.c
expect_status 2 "an empty --output"

# With a compilation database: libclang may move the process into the entry's directory
# while parsing; a relative --output (and SARIF's relative URIs) still mean the directory
# ticketlint was started in.
mkdir -p proj/build
cat >proj/build/compile_commands.json <<JSON
[{"directory": "$TMP/proj/build", "file": "../bad.c", "arguments": ["cc", "-I$INC", "-c", "../bad.c"]}]
JSON
run -p proj/build --format=sarif --sarif-root . --output reports/db.sarif
expect_status 1 "findings through the database"
[ -s reports/db.sarif ] || { show; ls -A reports proj/build >&2; fail "relative --output with -p"; }
node "$TL_REPO/tests/sarif/query.js" reports/db.sarif \
  'results[0].locations[0].physicalLocation.artifactLocation.uri' >"$TMP/uri"
[ "$(cat "$TMP/uri")" = proj/bad.c ] || fail "URI with -p: $(cat "$TMP/uri")"
rm reports/db.sarif

# A file that cannot be read: exit 2, and the others' findings are still written.
run --format=sarif --output reports/partial.sarif proj/missing.c proj/bad.c -- -I"$INC"
expect_status 2 "a missing input"
node "$TL_REPO/tests/sarif/query.js" reports/partial.sarif 'results.length' >"$TMP/n"
[ "$(cat "$TMP/n")" = 1 ] || fail "the other file's findings were not written"
echo "ok"
