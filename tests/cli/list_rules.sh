# cli/list_rules — one line per rule of rules/rules.def, in order: id<TAB>severity<TAB>summary.
. "$(dirname "$0")/lib.sh"
run --list-rules
expect_status 0 "--list-rules"
[ -s "$TMP/out" ] || fail "--list-rules printed nothing"
awk -F '\t' 'NF != 3 || $1 !~ /^[a-z0-9]+(-[a-z0-9]+)*$/ || $2 !~ /^(note|warning|error)$/ ||
             $3 == "" { print "bad line: " $0; bad = 1 } END { exit bad }' "$TMP/out" ||
  fail "malformed --list-rules line"
sed -n 's/^TL_RULE(\([a-z0-9_]*\)).*/\1/p' "$TL_REPO/rules/rules.def" | tr _ - >"$TMP/want"
cut -f1 "$TMP/out" >"$TMP/got"
diff "$TMP/want" "$TMP/got" >&2 || fail "--list-rules ids differ from rules/rules.def"
echo "ok"
