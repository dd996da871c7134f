# cli/sarif_github_action — the "Run ticketlint" step of plugins/github/action.yml, taken
# from the file and run as GitHub would (bash, inputs in the environment, GITHUB_OUTPUT):
# it writes the SARIF log, records the exit status for the later steps (1 does not stop
# the job before the upload, 2 does), derives helpUri from the action's repository and ref,
# and passes args and files through.
. "$(dirname "$0")/lib.sh"
command -v bash >/dev/null 2>&1 || fail "bash not found"
command -v node >/dev/null 2>&1 || fail "node not found: run cmake/install-deps.sh"
action="$TL_REPO/plugins/github/action.yml"
awk '/- name: Run ticketlint/ { f = 1 }
     f && /^      run: \|/ { r = 1; next }
     r && /^    - / { exit }
     r { sub(/^        /, ""); print }' "$action" >"$TMP/step.sh"
grep -q -- '--format=sarif --output "\$TL_SARIF"' "$TMP/step.sh" || { cat "$TMP/step.sh" >&2; fail "step not found in $action"; }

cd "$TMP"
mkdir -p repo/.git repo/build
write_unawaited repo/bad.c
write_clean repo/clean.c
cat >repo/build/compile_commands.json <<JSON
[{"directory": "$TMP/repo", "file": "bad.c", "arguments": ["cc", "-I$INC", "-c", "bad.c"]},
 {"directory": "$TMP/repo", "file": "clean.c", "arguments": ["cc", "-c", "clean.c"]}]
JSON
# step ENV...: run the step in repo/ with these inputs; $status, $TMP/gh_output.
step() {
  : >"$TMP/gh_output"
  set +e
  (cd repo && env TL="$TICKETLINT" TL_BUILD_DIR=build TL_FILES= TL_ARGS= TL_SARIF=ticketlint.sarif \
     TL_DOCS_URL= TL_ACTION_REPO= TL_ACTION_REF= GITHUB_SERVER_URL=https://github.com \
     GITHUB_OUTPUT="$TMP/gh_output" "$@" bash "$TMP/step.sh") >"$TMP/out" 2>"$TMP/err"
  status=$?
  set -e
}
q() { node "$TL_REPO/tests/sarif/query.js" repo/ticketlint.sarif "$1"; }

step TL_ACTION_REPO=octo/ticketlint TL_ACTION_REF=v1.2
expect_status 0 "findings do not stop the job before the upload"
expect_grep "$TMP/gh_output" '^status=1$' "status output"
expect_grep "$TMP/gh_output" '^sarif-file=ticketlint.sarif$' "sarif-file output"
[ "$(q 'results.map(r => r.ruleId + " " + r.locations[0].physicalLocation.artifactLocation.uri).join()')" = \
  "unawaited-ticket bad.c" ] || { show; fail "the log's results"; }
[ "$(q 'run.tool.driver.rules[0].helpUri')" = \
  "https://github.com/octo/ticketlint/blob/v1.2/docs/rules/$(q 'run.tool.driver.rules[0].id').md" ] ||
  fail "helpUri from the action's repository and ref"

step TL_FILES=clean.c TL_DOCS_URL=https://docs.example/rules/ TL_ARGS="--disable=all --enable=unawaited-ticket"
expect_status 0 "a clean file"
expect_grep "$TMP/gh_output" '^status=0$' "status 0"
[ "$(q 'results.length')" = 0 ] || fail "files input not passed"
[ "$(q 'run.tool.driver.rules[0].helpUri')" = "https://docs.example/rules/$(q 'run.tool.driver.rules[0].id').md" ] ||
  fail "docs-url input"

step TL_ARGS=--no-such-option
expect_status 2 "a ticketlint error fails the step"
expect_grep "$TMP/out" '^::error::ticketlint exited 2' "annotated"
echo "ok"
