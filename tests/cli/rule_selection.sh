# cli/rule_selection — --enable/--disable by rule id, group or "all", applied in order over
# the rules' defaults; an unknown name is a usage error (exit 2) that suggests close ids.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
write_unawaited bad.c

run bad.c -- -I"$INC"
expect_status 1 "defaults: unawaited-ticket runs"
expect_grep "$TMP/out" '\[unawaited-ticket\]' "default finding"

run --disable=unawaited-ticket bad.c -- -I"$INC"
expect_status 0 "--disable=<id>"
[ -s "$TMP/out" ] && { show; fail "--disable=unawaited-ticket still printed findings"; }

run --disable=correctness bad.c -- -I"$INC"
expect_status 0 "--disable=<group>"

run --disable=all --enable=unawaited-ticket bad.c -- -I"$INC"
expect_status 1 "--disable=all then --enable=<id>: order matters"
expect_grep "$TMP/out" '\[unawaited-ticket\]' "re-enabled rule reports"

run --enable=unawaited-ticket --disable=all bad.c -- -I"$INC"
expect_status 0 "--enable=<id> then --disable=all: the last step wins"

run --disable all --enable correctness bad.c -- -I"$INC"
expect_status 1 "separate-value forms, group enable"

run --enable=unawaited-tickets bad.c
expect_status 2 "unknown rule id"
expect_grep "$TMP/err" "unknown rule or group 'unawaited-tickets'" "names the bad id"
expect_grep "$TMP/err" "did you mean 'unawaited-ticket'" "suggests the close id"
echo "ok"
