# cli/json_output — --format=json is one array over all files, of the documented shape.
. "$(dirname "$0")/lib.sh"
: "${TL_JSON_CHECK:?}"
cd "$TMP"
write_clean clean.c
write_unawaited bad.c

run --format=json bad.c clean.c -- -I"$INC"
expect_status 1 "findings in JSON"
"$TL_JSON_CHECK" <"$TMP/out" >"$TMP/rules" || { show; fail "JSON shape"; }
grep -q -x 'unawaited-ticket 5' "$TMP/rules" || { show; fail "finding missing from JSON"; }
[ "$(head -c 1 "$TMP/out")" = "[" ] || fail "stdout holds only the JSON array"

run --format=json --color=always clean.c -- -I"$INC"
expect_status 0 "clean file in JSON"
"$TL_JSON_CHECK" <"$TMP/out" >"$TMP/rules" || { show; fail "JSON shape"; }
[ ! -s "$TMP/rules" ] || { show; fail "findings for a clean file"; }
echo "ok"
