# cli/nolint — NOLINT, NOLINTNEXTLINE, NOLINTBEGIN/END (with lists and bare), in // and /* */
# comments, never inside strings; unmatched BEGIN/END are [nolint-unmatched] warnings;
# --show-suppressed prints what was silenced, marked (text) or "suppressed": true (JSON).
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir -p proj/.git          # a repository root: no .ticketlint from above applies
cat >proj/n.c <<'C'
#include "ticket.h"
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void silenced(tk_loop *loop) {
  tk_async(loop, work, 0);  // NOLINT(unawaited-ticket)
  tk_async(loop, work, 0);  /* NOLINT */
  // NOLINTNEXTLINE(ticket-reuse, unawaited-ticket)
  tk_async(loop, work, 0);
  /* NOLINTBEGIN(unawaited-*) */
  tk_async(loop, work, 0);
  tk_async(loop, work, 0);
  /* NOLINTEND(unawaited-*) */
  // NOLINTBEGIN
  tk_async(loop, work, 0);
  // NOLINTEND
}

void reported(tk_loop *loop) {
  tk_async(loop, work, 0);  // NOLINT(ticket-reuse)
  const char *s = "// NOLINT"; (void)s; tk_async(loop, work, 0);
  // NOLINTNEXTLINE(unawaited-ticket)

  tk_async(loop, work, 0);
}
C
run proj/n.c -- -I"$INC"
expect_status 1 "unsilenced findings remain"
grep -c '\[unawaited-ticket\]$' "$TMP/out" >"$TMP/count" || true
[ "$(cat "$TMP/count")" = 3 ] || { show; fail "expected 3 unsilenced findings (lines 19, 20, 23)"; }
expect_grep "$TMP/out" '^proj/n\.c:19:3: warning: .*\[unawaited-ticket\]$' "NOLINT of another rule"
expect_grep "$TMP/out" '^proj/n\.c:20:41: warning: .*\[unawaited-ticket\]$' "NOLINT in a string"
expect_grep "$TMP/out" '^proj/n\.c:23:3: warning: .*\[unawaited-ticket\]$' "NEXTLINE is one line"
expect_no_grep "$TMP/out" 'suppressed' "silenced findings are hidden by default"
expect_no_grep "$TMP/out" 'nolint-unmatched' "every BEGIN has its END"

run --show-suppressed proj/n.c -- -I"$INC"
expect_status 1 "--show-suppressed keeps the exit status"
for l in 5 6 8 10 11 14; do
  expect_grep "$TMP/out" "^proj/n\\.c:$l:3: warning: .*\\[unawaited-ticket\\] (suppressed by NOLINT[A-Z]* on line [0-9]*)\$" \
    "line $l shown as suppressed"
done
expect_grep "$TMP/out" '\[unawaited-ticket\] (suppressed by NOLINTNEXTLINE on line 7)$' "kind and line"
expect_grep "$TMP/out" '\[unawaited-ticket\] (suppressed by NOLINTBEGIN on line 9)$' "block start"
expect_grep "$TMP/out" '^proj/n\.c:19:3: warning: .*\[unawaited-ticket\]$' "unsilenced ones unmarked"

run --show-suppressed --format=json proj/n.c -- -I"$INC"
expect_status 1 "JSON with --show-suppressed"
if [ -n "${TL_JSON_CHECK:-}" ]; then
  "$TL_JSON_CHECK" <"$TMP/out" >&2 || { show; fail "JSON shape"; }
fi
[ "$(grep -c '"suppressed": true' "$TMP/out")" = 6 ] || { show; fail "6 suppressed in JSON"; }
expect_grep "$TMP/out" '"kind": "NOLINTBEGIN"' "JSON names the mark"
run --format=json proj/n.c -- -I"$INC"
expect_no_grep "$TMP/out" '"suppressed"' "JSON hides silenced findings by default"

cat >proj/u.c <<'C'
int add(int a, int b) {
  // NOLINTBEGIN(unawaited-ticket)
  return a + b;
  /* NOLINTEND(double-await) */
}
C
run proj/u.c
expect_status 1 "unmatched BEGIN/END are findings"
expect_grep "$TMP/out" "^proj/u\\.c:2:6: warning: 'NOLINTBEGIN(unawaited-ticket)' has no matching 'NOLINTEND' after it; it suppresses nothing \\[nolint-unmatched\\]\$" "unmatched BEGIN"
expect_grep "$TMP/out" "^proj/u\\.c:4:6: warning: 'NOLINTEND(double-await)' has no matching 'NOLINTBEGIN' before it \\[nolint-unmatched\\]\$" "unmatched END"
echo "ok"
