# cli/explain — `ticketlint --explain <id>` prints the rule's doc (struct tl_rule.doc, from its
# header comment), equal to docs/rules/<id>.md without the page's generator comment, for
# every rule of rules/rules.def; an unknown id exits 2 and lists close ids.
. "$(dirname "$0")/lib.sh"
ids=$(sed -n 's/^TL_RULE(\([a-z0-9_]*\)).*/\1/p' "$TL_REPO/rules/rules.def" | tr _ -)
[ -n "$ids" ] || fail "no rule in rules/rules.def"
for id in $ids; do
  run --explain "$id"
  expect_status 0 "--explain $id"
  page="$TL_REPO/docs/rules/$id.md"
  [ -f "$page" ] || fail "$page missing"
  head -n 1 "$page" | grep -q '^<!-- Generated' || fail "$page: no generator comment"
  tail -n +2 "$page" >"$TMP/want"
  diff "$TMP/want" "$TMP/out" >&2 || fail "--explain $id differs from docs/rules/$id.md"
  expect_grep "$TMP/out" "^# $id\$" "--explain $id starts with its id"
  expect_grep "$TMP/out" '^## Why is this bad?$' "--explain $id has its sections"
done

run --explain=unawaited-tickets
expect_status 2 "--explain with an unknown id"
expect_grep "$TMP/err" "unknown rule 'unawaited-tickets'" "names the unknown id"
expect_grep "$TMP/err" "did you mean 'unawaited-ticket'" "lists the close id"
[ -s "$TMP/out" ] && { show; fail "an unknown id printed a page"; }
run --explain
expect_status 2 "--explain without an id"
echo "ok"
