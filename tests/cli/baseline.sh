# cli/baseline — --write-baseline records the findings (repository-relative files, no line
# numbers); --baseline hides them, also after lines are inserted above and from another
# working directory, while new findings are reported; stale entries are counted and
# --prune-baseline drops them; a malformed baseline exits 2 with its position.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir -p repo/.git repo/src repo/ci
cat >repo/src/shop.c <<'C'
#include "ticket.h"
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void first(tk_loop *loop) {
  tk_async(loop, work, 0);
}

void second(tk_loop *loop) {
  tk_async(loop, work, 0);
}

void third(tk_loop *loop) {
  tk_async(loop, work, 0);
}
C
write_unawaited repo/src/other.c
cd repo

run --write-baseline ci/baseline.txt src/shop.c -- -I"$INC"
expect_status 0 "writing a baseline"
[ -s "$TMP/out" ] && { show; fail "--write-baseline prints no finding"; }
expect_grep "$TMP/err" "wrote 3 findings to baseline 'ci/baseline.txt'" "says what it wrote"
expect_grep ci/baseline.txt '^baseline version=1$' "header"
[ "$(grep -c '^finding rule=unawaited-ticket file=src/shop\.c fingerprint=[0-9a-f]* occurrence=1 ' ci/baseline.txt)" = 3 ] ||
  { cat ci/baseline.txt >&2; fail "three entries, repository-relative"; }

run --baseline ci/baseline.txt src/shop.c -- -I"$INC"
expect_status 0 "every finding in the baseline"
[ -s "$TMP/out" ] && { show; fail "baselined findings are not printed"; }
expect_no_grep "$TMP/err" "no longer match" "nothing stale"

# Lines inserted above, indentation changed, another working directory: still matched.
{ printf '/* a new header comment */\n\n#define UNUSED 1\n'; sed 's/^  tk_async/    tk_async/' src/shop.c; } >src/shop.c.new
mv src/shop.c.new src/shop.c
(cd src && "$TICKETLINT" --baseline ../ci/baseline.txt shop.c -- -I"$INC" >"$TMP/out" 2>"$TMP/err") ||
  { show; fail "inserted lines must not resurrect baselined findings"; }

# A new finding is reported; baselined ones stay quiet.
cat >>src/shop.c <<'C'

void fourth(tk_loop *loop) {
  tk_async(loop, work, 1);
}
C
run --baseline ci/baseline.txt src/shop.c src/other.c -- -I"$INC"
expect_status 1 "new findings"
[ "$(grep -c 'warning:' "$TMP/out")" = 2 ] || { show; fail "only the two new findings"; }
expect_grep "$TMP/out" '^src/shop\.c:20:3: warning: ' "the new one in shop.c"
expect_grep "$TMP/out" '^src/other\.c:5:3: warning: ' "other.c is not in the baseline"

# Fixing two baselined findings leaves two stale entries.
sed -i -e '/^void first/,/^}/d' -e '/^void third/,/^}/d' src/shop.c
run --baseline ci/baseline.txt --disable=all src/other.c -- -I"$INC"
expect_no_grep "$TMP/err" "no longer match" "entries of files not linted are never stale"
run --baseline ci/baseline.txt src/shop.c -- -I"$INC"
expect_status 1 "fourth is still new"
expect_grep "$TMP/err" '^ticketlint: note: 2 baseline entries no longer match (--prune-baseline to drop them)$' \
  "stale count"
run --baseline ci/baseline.txt --prune-baseline src/shop.c -- -I"$INC"
expect_grep "$TMP/err" "dropped 2 stale baseline entries" "prune says so"
[ "$(grep -c '^finding ' ci/baseline.txt)" = 1 ] || { cat ci/baseline.txt >&2; fail "one entry left"; }
run --baseline ci/baseline.txt src/shop.c -- -I"$INC"
expect_no_grep "$TMP/err" "no longer match" "nothing stale after pruning"
expect_grep "$TMP/out" 'src/shop\.c:.*warning:' "fourth still reported"

# Usage and malformed files.
run --prune-baseline src/shop.c
expect_status 2 "--prune-baseline without --baseline"
run --baseline ci/missing.txt src/shop.c
expect_status 2 "a missing baseline"
expect_grep "$TMP/err" "cannot read baseline 'ci/missing.txt'" "names it"
printf 'baseline version=1\nfinding rule=x file=y fingerprint=nothex occurrence=1\n' >ci/bad.txt
run --baseline ci/bad.txt src/shop.c
expect_status 2 "a malformed baseline"
expect_grep "$TMP/err" '^ci/bad\.txt:2:23: error: ' "file:line:col"
echo "ok"
