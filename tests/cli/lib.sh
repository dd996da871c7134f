# lib.sh — helpers for the tests/cli scripts (POSIX sh). Source it first.
# Environment (set by CMakeLists.txt): TICKETLINT, TL_JSON_CHECK, TL_REPO, TL_CC, TL_CMAKE.
set -eu
: "${TICKETLINT:?path of the ticketlint binary}"
: "${TL_REPO:?path of the repository}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tl-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# Models come from the source tree, whatever the binary's location.
TICKETLINT_MODEL_DIR="$TL_REPO/models"
export TICKETLINT_MODEL_DIR
INC="$TL_REPO/include"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run ARGS...: run ticketlint; stdout in $TMP/out, stderr in $TMP/err, exit status in $status.
run() {
  set +e
  "$TICKETLINT" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
  set -e
}

show() {
  echo "--- stdout" >&2; cat "$TMP/out" >&2
  echo "--- stderr" >&2; cat "$TMP/err" >&2
}

# expect_status N WHAT
expect_status() {
  if [ "$status" -ne "$1" ]; then
    show
    fail "exit status $status, expected $1: $2"
  fi
}

# expect_grep FILE REGEX WHAT / expect_no_grep FILE REGEX WHAT
expect_grep() {
  grep -q -e "$2" "$1" || { show; fail "$3 (no match for '$2' in $1)"; }
}
expect_no_grep() {
  if grep -q -e "$2" "$1"; then show; fail "$3 (unexpected '$2' in $1)"; fi
}

# Fixtures shared by several scripts.
write_clean() {   # write_clean FILE: no finding
  cat >"$1" <<'C'
int add(int a, int b) { return a + b; }
C
}
write_unawaited() {   # write_unawaited FILE: one [unawaited-ticket] on line 5
  cat >"$1" <<'C'
#include "ticket.h"
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void fire_and_forget(tk_loop *loop) {
  tk_async(loop, work, 0);
}
C
}
