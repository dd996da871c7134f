# cli/parallel_isolation — -j N: output identical whatever N (files in the order given); a
# file whose worker crashes or hangs is reported (ticketlint: error: <file>: analysis crashed
# (signal N) / timed out after S s) while the others keep their findings; exit 2, or with
# --keep-going the findings' status. Crashes and hangs come from the test hooks of
# ticketlint-testing (analyzer/main.c built with -DTL_TESTING); the release binary has none.
. "$(dirname "$0")/lib.sh"
: "${TICKETLINT_TESTING:?path of ticketlint-testing (built with -DTL_TESTING)}"
cd "$TMP"
ulimit -c 0 2>/dev/null || true   # the simulated crash must not leave a core file

run_testing() {
  set +e
  "$TICKETLINT_TESTING" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
  set -e
}

write_unawaited a.c
write_clean b.c
write_unawaited c.c
write_clean d.c
write_unawaited e.c
cat >f.c <<'C'
#include "ticket.h"
TK_ASYNC static int twice(void *arg, void **result) {
  tk_promise *t = arg;
  tk_await(t, result);
  return tk_await(t, result);
}
C
files="e.c a.c f.c b.c c.c d.c"   # not sorted: the order given is the order printed

# Deterministic: -j1, -j2, -j4 and a default -j print the same bytes, text and JSON.
# shellcheck disable=SC2086
run -j1 $files -- -I"$INC"
expect_status 1 "-j1 with findings"
cp out text.j1
# shellcheck disable=SC2086
for j in -j2 -j4 "--jobs=3" ""; do
  run $j $files -- -I"$INC"
  expect_status 1 "$j with findings"
  cmp -s out text.j1 || { diff text.j1 out >&2; fail "text output of '$j' differs from -j1"; }
done
first=$(grep -n 'warning:' text.j1 | head -n 1)
case "$first" in *e.c:5:3:*) ;; *) fail "files not in the order given: $first";; esac
last=$(grep 'warning:' text.j1 | tail -n 1)
case "$last" in c.c:5:3:*) ;; *) fail "files not in the order given: $last";; esac
# shellcheck disable=SC2086
run -j1 --format=json $files -- -I"$INC"
cp out json.j1
# shellcheck disable=SC2086
run -j2 --format=json $files -- -I"$INC"
cmp -s out json.j1 || fail "JSON output of -j2 differs from -j1"

# A crash: reported, the other files keep their findings, exit 2.
TICKETLINT_TEST_CRASH_ON=a.c
export TICKETLINT_TEST_CRASH_ON
run_testing -j2 a.c b.c c.c -- -I"$INC"
expect_status 2 "a crashed file"
expect_grep "$TMP/err" "^ticketlint: error: a\.c: analysis crashed (signal [0-9][0-9]*)$" \
  "the crash, by file"
expect_grep "$TMP/out" '^c\.c:5:3: warning: .*\[unawaited-ticket\]$' "later files still linted"
expect_no_grep "$TMP/out" '^a\.c:' "nothing of the crashed file"

run_testing -j2 --keep-going a.c b.c c.c -- -I"$INC"
expect_status 1 "--keep-going: the findings decide"
expect_grep "$TMP/err" "a\.c: analysis crashed" "still reported with --keep-going"
run_testing -j2 --keep-going a.c b.c -- -I"$INC"
expect_status 0 "--keep-going, no finding elsewhere"
run_testing -j1 a.c b.c -- -I"$INC"
expect_status 2 "-j1 isolates a crash too"
unset TICKETLINT_TEST_CRASH_ON

# The release binary has no hook.
TICKETLINT_TEST_CRASH_ON=a.c TICKETLINT_TEST_HANG_ON=c.c "$TICKETLINT" a.c c.c -- -I"$INC" \
  >out 2>err && fail "release ticketlint: findings expected" || true
expect_no_grep "$TMP/err" "analysis" "the release binary ignores the test hooks"
expect_grep "$TMP/out" '^a\.c:5:3: ' "release binary lints a.c"

# A hang: killed after --tu-timeout, the others complete meanwhile.
TICKETLINT_TEST_HANG_ON=b.c
export TICKETLINT_TEST_HANG_ON
start=$(date +%s)
run_testing -j2 --tu-timeout 2 a.c b.c c.c d.c e.c -- -I"$INC"
elapsed=$(( $(date +%s) - start ))
expect_status 2 "a timed-out file"
expect_grep "$TMP/err" "^ticketlint: error: b\.c: analysis timed out after 2 s$" "the timeout"
expect_grep "$TMP/out" '^a\.c:5:3: ' "a.c linted"
expect_grep "$TMP/out" '^e\.c:5:3: ' "e.c linted"
[ "$elapsed" -lt 60 ] || fail "the hung worker was not killed in time (${elapsed}s)"
run_testing -j2 --tu-timeout 1 --keep-going b.c d.c -- -I"$INC"
expect_status 0 "--keep-going over a timeout"
unset TICKETLINT_TEST_HANG_ON

run -j 0 a.c
expect_status 2 "-j 0"
run --tu-timeout=soon a.c
expect_status 2 "--tu-timeout needs seconds"
echo "ok"
