# cli/malformed_model — a model with an error: file:line:col: error: ..., exit 2, no linting.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
write_clean clean.c

printf 'model broken\nfn tk_async frobnicate ticket=ret\n' >broken.model
run --model broken.model clean.c
expect_status 2 "unknown event in --model"
expect_grep "$TMP/err" '^broken\.model:2:[0-9][0-9]*: error: ' "file:line:col: error:"

printf 'model lexical\nheader "unterminated\n' >lexical.model
run --model lexical.model clean.c
expect_status 2 "unterminated string in --model"
expect_grep "$TMP/err" '^lexical\.model:2:[0-9][0-9]*: error: ' "file:line:col: error:"

run --model missing.model clean.c
expect_status 2 "missing --model file"
expect_grep "$TMP/err" 'missing\.model' "names the file"

mkdir models
cp broken.model models/
TICKETLINT_MODEL_DIR="$TMP/models"
run clean.c
expect_status 2 "malformed default model"
expect_grep "$TMP/err" 'models/broken\.model:2:[0-9][0-9]*: error: ' "file:line:col: error:"

TICKETLINT_MODEL_DIR="$TMP/no-such-dir"
run clean.c
expect_status 2 "TICKETLINT_MODEL_DIR not a directory"
expect_grep "$TMP/err" 'no-such-dir' "names the directory"
echo "ok"
