# cli/result_cache — --cache-dir: a second run of unchanged files parses nothing and prints
# the same; editing an included header misses (only for the files including it); other flags
# miss; a corrupt entry is ignored and rewritten; nothing is written outside the cache, and
# without --cache-dir nothing at all.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir inc
cat >inc/shop.h <<'C'
#define SHOP_OPEN 1
C
cat >a.c <<'C'
#include "ticket.h"
#include "shop.h"
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void fire_and_forget(tk_loop *loop) {
#if SHOP_OPEN
  tk_async(loop, work, 0);
#endif
}
C
write_unawaited b.c
write_clean c.c

snapshot() {   # every path under $TMP but the cache and run()'s files
  (cd "$TMP" && find . | grep -v -e '^\./cache' -e '^\./out$' -e '^\./err$' -e '^\./snap' \
     -e '^\./cold' | LC_ALL=C sort)
}
cached() { sed -n 's/.*cached=\([0-9]*\).*/\1/p' "$TMP/err"; }

snapshot >snap.before
run --stats --cache-dir cache a.c b.c c.c -- -I"$INC" -Iinc
expect_status 1 "cold run"
[ "$(cached)" = 0 ] || { show; fail "cold run: nothing cached yet"; }
cp out cold
[ -f cache/CACHEDIR.TAG ] || fail "no CACHEDIR.TAG"

run --stats --cache-dir cache a.c b.c c.c -- -I"$INC" -Iinc
expect_status 1 "warm run"
[ "$(cached)" = 3 ] || { show; fail "warm run: every file from the cache"; }
expect_grep "$TMP/err" "parse-ms=0\.0 " "a warm run parses nothing"
cmp -s out cold || { diff cold out >&2; fail "warm output differs from the cold one"; }

# Editing the header a.c includes: a.c misses, b.c and c.c still hit.
cat >inc/shop.h <<'C'
#define SHOP_OPEN 0
C
run --stats --cache-dir cache a.c b.c c.c -- -I"$INC" -Iinc
expect_status 1 "after editing the header"
[ "$(cached)" = 2 ] || { show; fail "only a.c misses after editing its header"; }
expect_no_grep "$TMP/out" '^a\.c:' "a.c re-analysed with the new header"
expect_grep "$TMP/out" '^b\.c:5:3: ' "b.c from the cache"

# Other flags: other keys.
run --stats --cache-dir cache a.c b.c c.c -- -I"$INC" -Iinc -DEXTRA
[ "$(cached)" = 0 ] || { show; fail "other flags must miss"; }

# Corrupt entries are ignored, then rewritten.
for e in cache/*.json; do printf '{"format": 1, "key": "trunc' >"$e"; done
run --stats --cache-dir cache a.c b.c c.c -- -I"$INC" -Iinc
expect_status 1 "over corrupt entries"
[ "$(cached)" = 0 ] || { show; fail "corrupt entries must miss"; }
expect_grep "$TMP/out" '^b\.c:5:3: ' "findings despite corrupt entries"
run --stats --cache-dir cache a.c b.c c.c -- -I"$INC" -Iinc
[ "$(cached)" = 3 ] || { show; fail "corrupt entries rewritten"; }

snapshot >snap.after
cmp -s snap.before snap.after || { diff snap.before snap.after >&2; fail "written outside the cache"; }
[ -z "$(ls cache/tmp)" ] || fail "temporary files left in cache/tmp: $(ls cache/tmp)"

run a.c b.c c.c -- -I"$INC" -Iinc
snapshot >snap.none
cmp -s snap.before snap.none || fail "without --cache-dir something was written"
[ ! -e .ticketlint-cache ] || fail "no default cache without --cache-dir"

run --cache-dir "$TMP/no/such/parent" a.c -- -I"$INC"
expect_status 2 "a cache directory whose parent is missing"
expect_grep "$TMP/err" "cannot create cache directory" "says why"
echo "ok"
