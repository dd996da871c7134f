# cli/codeclimate_output — --format=codeclimate (GitLab Code Quality): one JSON array of
# issues with check_name, description, severity, a fingerprint equal to SARIF's
# partialFingerprints["ticketlint/v1"], and a repository-relative location.path with
# lines.begin; NOLINT-silenced findings are left out; a clean run is [].
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null 2>&1 || fail "node not found: run cmake/install-deps.sh"
q() { node "$TL_REPO/tests/sarif/query.js" "$1" "$2"; }
cd "$TMP"
mkdir -p proj/.git proj/src
cat >proj/src/shop.c <<'C'
#include "ticket.h"
TK_ASYNC static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void dropped(tk_loop *loop) {
  tk_async(loop, work, 0);
  tk_async(loop, work, 0);
  tk_async(loop, work, 0);  // NOLINT(unawaited-ticket)
}
C
cd proj
run --format=codeclimate src/shop.c -- -I"$INC"
expect_status 1 "findings"
cp "$TMP/out" "$TMP/cc.json"
run --format=sarif src/shop.c -- -I"$INC"
cp "$TMP/out" "$TMP/sarif.json"
cd "$TMP"
[ "$(q cc.json 'log.length')" = 2 ] || { cat cc.json >&2; fail "two issues (the silenced one left out)"; }
[ "$(q cc.json 'log.map(i => i.check_name + " " + i.severity + " " + i.location.path + ":" + i.location.lines.begin).join()')" = \
  "unawaited-ticket minor src/shop.c:5,unawaited-ticket minor src/shop.c:6" ] || { cat cc.json >&2; fail "issues"; }
[ "$(q cc.json 'log[0].description')" = "ticket from 'tk_async' is discarded and never awaited" ] ||
  fail "description"
[ "$(q cc.json 'log.map(i => i.fingerprint).join()')" = \
  "$(q sarif.json 'results.slice(0, 2).map(r => r.partialFingerprints["ticketlint/v1"]).join()')" ] ||
  fail "fingerprints differ from SARIF's"
[ "$(q cc.json 'new Set(log.map(i => i.fingerprint)).size')" = 2 ] || fail "fingerprints not unique"

printf 'severity unawaited-ticket error\n' >proj/.ticketlint
cd proj
run --format=codeclimate src/shop.c -- -I"$INC"
cd "$TMP"
[ "$(q "$TMP/out" 'log[0].severity')" = major ] || fail "error is major"

write_clean proj/clean.c
cd proj
run --format=codeclimate clean.c
cd "$TMP"
expect_status 0 "clean"
[ "$(cat "$TMP/out")" = "[]" ] || { show; fail "a clean run is []"; }
echo "ok"
