# cli/sarif_fingerprints — partialFingerprints["ticketlint/v1"] does not depend on line
# numbers: inserting lines above the findings, reindenting, or editing another function
# keeps every fingerprint while startLine moves; editing the flagged line changes its
# fingerprint; identical flagged lines get distinct ones (:0, :1); the same code in another
# file gets other fingerprints.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null 2>&1 || fail "node not found: run cmake/install-deps.sh"
cd "$TMP"
mkdir -p proj/.git
# prints FILE OUT: "ruleId startLine fingerprint" per result of ticketlint's SARIF for FILE.
prints() {
  cd proj
  run --format=sarif "$1" -- -I"$INC"
  cd "$TMP"
  [ "$status" -le 1 ] || { show; fail "ticketlint exited $status on $1"; }
  node "$TL_REPO/tests/sarif/query.js" "$TMP/out" \
    'results.map(r => r.ruleId + " " + r.locations[0].physicalLocation.region.startLine + " " + r.partialFingerprints["ticketlint/v1"])' \
    >"$2"
  [ -s "$2" ] || { show; fail "no results for $1"; }
}
body() {
  cat <<'C'
TK_ASYNC static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void dropped(tk_loop *loop) {
  tk_async(loop, work, 0);
  tk_async(loop, work, 0);
}

TK_ASYNC static int twice(void *arg, void **result) {
  tk_promise *p = tk_async(arg, work, 0);
  if (tk_await(p, result) != 0) return 1;
  return tk_await(p, result);
}
C
}
{ echo '#include "ticket.h"'; body; } >proj/shop.c
prints shop.c before
cut -d' ' -f1,2 before | tr '\n' , >"$TMP/lines"
[ "$(cat "$TMP/lines")" = "unawaited-ticket 5,unawaited-ticket 6,double-await 12," ] ||
  { cat before >&2; fail "unexpected findings"; }
[ "$(cut -d' ' -f3 before | sort -u | wc -l)" = 3 ] || { cat before >&2; fail "fingerprints not distinct"; }
cut -d' ' -f3 before | sed -n 1,2p | cut -d: -f2 | tr '\n' , >"$TMP/occ"
[ "$(cat "$TMP/occ")" = "0,1," ] || { cat before >&2; fail "identical lines: occurrences 0 and 1"; }

# Lines inserted above, a new function in between, the flagged lines reindented.
{
  echo '#include "ticket.h"'
  echo '/* a new comment'
  echo ' * of three lines */'
  echo 'static int helper(int x) { return x + 1; }'
  echo
  body | sed 's/^  tk_async(loop, work, 0);$/\ttk_async( loop, work, 0 );/'
} >proj/shop.c
prints shop.c after
cut -d' ' -f3 before >"$TMP/fp-before"
cut -d' ' -f3 after >"$TMP/fp-after"
diff "$TMP/fp-before" "$TMP/fp-after" >&2 || { cat before after >&2; fail "fingerprints changed"; }
[ "$(cut -d' ' -f2 after | tr '\n' ,)" = "9,10,16," ] || { cat after >&2; fail "lines did not move"; }

# The flagged line itself edited: that finding gets a new fingerprint, the others keep theirs.
{ echo '#include "ticket.h"'; body | sed 's/return tk_await(p, result);/return tk_await(p, result) + 0;/'; } >proj/shop.c
prints shop.c edited
[ "$(sed -n 3p edited | cut -d' ' -f3)" != "$(sed -n 3p before | cut -d' ' -f3)" ] ||
  fail "editing the flagged line kept its fingerprint"
[ "$(sed -n 1,2p edited | cut -d' ' -f3)" = "$(sed -n 1,2p before | cut -d' ' -f3)" ] ||
  fail "editing another function changed the fingerprints"

# The same code in another file: other fingerprints.
{ echo '#include "ticket.h"'; body; } >proj/other.c
prints other.c other
[ "$(sed -n 1p other | cut -d' ' -f3)" != "$(sed -n 1p before | cut -d' ' -f3)" ] ||
  fail "two files share a fingerprint"
echo "ok"
