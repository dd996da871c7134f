# sarif/schema — ticketlint's SARIF validates against the official SARIF 2.1.0 schema
# (sarif-2.1.0.json of @microsoft/sarif-multitool-linux@5.7.0, ajv 8): every tk fixture at
# once (notes as relatedLocations), a file with NOLINT-silenced findings (suppressions), a
# compiler error (a pseudo-rule), a non-ASCII file name, a file outside SRCROOT (an absolute
# file:// URI), --sarif-docs-url (helpUri), a clean file (no results). And the check can
# fail: a committed broken sample and mutations of a real log must be rejected.
set -eu
: "${TICKETLINT:?}" "${TL_REPO:?}" "${TL_SARIF_CACHE:?}" "${TL_SARIF_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
node=${TL_NODE:-}
[ -n "$node" ] && [ -x "$node" ] || node=$(command -v node || true)
[ -n "$node" ] || fail "node not found: run cmake/install-deps.sh (it installs npm and nodejs)"
schema="$TL_SARIF_CACHE/sarif-2.1.0.json"
[ -s "$schema" ] || fail "$schema missing: run cmake/install-deps.sh"
[ -d "$TL_SARIF_CACHE/node_modules/ajv" ] || fail "ajv missing in $TL_SARIF_CACHE: run cmake/install-deps.sh"
NODE_PATH="$TL_SARIF_CACHE/node_modules"
TICKETLINT_MODEL_DIR="$TL_REPO/models"
export NODE_PATH TICKETLINT_MODEL_DIR

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tl-sarif.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
INC="$TL_REPO/include"

# lint OUT ARGS...: ticketlint --format=sarif ARGS > OUT; exit 0 or 1 (findings) expected.
lint() {
  out=$1
  shift
  set +e
  "$TICKETLINT" --format=sarif "$@" >"$out" 2>"$TMP/err"
  st=$?
  set -e
  [ "$st" -le 1 ] || { cat "$TMP/err" >&2; fail "ticketlint exited $st for $*"; }
}

# 1. Every fixture of the reference runtime (no library headers needed), in one log.
fixtures=$(cd "$TL_REPO" && ls fixtures/*/*.c | grep -v -E '/(aio|glib|liburing|libuv|mpi|pthread|cuda|thrd)_')
[ "$(echo "$fixtures" | wc -l)" -ge 20 ] || fail "expected at least 20 fixtures, got: $fixtures"
(cd "$TL_REPO" && lint "$TMP/fixtures.sarif" --enable=all $fixtures -- -I"$INC")
grep -q '"relatedLocations"' "$TMP/fixtures.sarif" || fail "no finding with notes among the fixtures"

# 2. NOLINT-silenced findings (kept, with suppressions), a compiler error, a non-ASCII name,
#    and helpUri. The project is its own git root.
mkdir -p "$TMP/proj/.git" "$TMP/proj/src" "$TMP/outside"
cat >"$TMP/proj/src/silenced.c" <<'C'
#include "ticket.h"
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void fire_and_forget(tk_loop *loop) {
  tk_async(loop, work, 0);  // NOLINT(unawaited-ticket)
  // NOLINTNEXTLINE
  tk_async(loop, work, 0);
  tk_async(loop, work, 0);
}
C
printf 'int broken(void) { return undeclared_name; }\n' >"$TMP/proj/src/broken.c"
cp "$TMP/proj/src/silenced.c" "$TMP/proj/src/café shop.c"
(cd "$TMP/proj" && lint "$TMP/suppressed.sarif" --sarif-docs-url=https://example.org/ticketlint/docs/rules/ \
   src/silenced.c src/broken.c "src/café shop.c" -- -I"$INC")
[ "$(grep -c '"kind": "inSource"' "$TMP/suppressed.sarif")" = 4 ] || fail "expected 4 suppressed results"
grep -q '"ruleId": "clang-diagnostic"' "$TMP/suppressed.sarif" || fail "no compiler error result"
grep -q '"uri": "src/caf%C3%A9%20shop.c"' "$TMP/suppressed.sarif" || fail "non-ASCII name not percent-encoded"
grep -q '"helpUri": "https://example.org/ticketlint/docs/rules/double-await.md"' "$TMP/suppressed.sarif" ||
  fail "no helpUri with --sarif-docs-url"

# 3. A file outside SRCROOT, and a clean file (an empty results array).
cp "$TMP/proj/src/silenced.c" "$TMP/outside/elsewhere.c"
(cd "$TMP/proj" && lint "$TMP/outside.sarif" --sarif-root src "$TMP/outside/elsewhere.c" -- -I"$INC")
grep -q '"uri": "file:///' "$TMP/outside.sarif" || fail "file outside SRCROOT has no absolute URI"
printf 'int add(int a, int b) { return a + b; }\n' >"$TMP/proj/clean.c"
(cd "$TMP/proj" && lint "$TMP/clean.sarif" clean.c)
grep -q '"results": \[\]' "$TMP/clean.sarif" || fail "clean file: results is not empty"

# 4. Broken on purpose: the committed sample, and real logs with one thing wrong each.
# mutate SRC DST SED-EXPRESSION: DST is SRC changed by the expression (which must match).
mutate() {
  sed "$3" "$TMP/$1.sarif" >"$TMP/$2.sarif"
  ! cmp -s "$TMP/$1.sarif" "$TMP/$2.sarif" || fail "$2: the mutation changed nothing"
}
mutate fixtures bad-level 's/"level": "warning"/"level": "warn"/'
mutate fixtures bad-line 's/"startLine": \([0-9]*\)/"startLine": "\1"/'
mutate suppressed bad-suppression 's/"kind": "inSource"/"kind": "inComment"/'
mutate clean bad-version 's/"version": "2.1.0"/"version": "2.0.0"/'

"$node" "$TL_SARIF_DIR/validate.js" "$schema" \
  "$TMP/fixtures.sarif" "$TMP/suppressed.sarif" "$TMP/outside.sarif" "$TMP/clean.sarif" \
  --invalid "$TL_SARIF_DIR/broken.sarif" "$TMP/bad-level.sarif" "$TMP/bad-line.sarif" \
  "$TMP/bad-suppression.sarif" "$TMP/bad-version.sarif"
