# cli/fail_on — --fail-on=note|warning|error: exit 1 only for findings at or above it (the
# default is warning); findings below it are still printed; --exit-zero wins; unknown levels
# exit 2.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir -p repo/.git
write_unawaited repo/bad.c
cd repo

run bad.c -- -I"$INC"
expect_status 1 "a warning, default --fail-on"
run --fail-on=error bad.c -- -I"$INC"
expect_status 0 "a warning under --fail-on=error"
expect_grep "$TMP/out" 'warning: .*\[unawaited-ticket\]' "still printed"
run --fail-on warning bad.c -- -I"$INC"
expect_status 1 "--fail-on warning"

echo "severity unawaited-ticket note" >.ticketlint
run bad.c -- -I"$INC"
expect_status 0 "a note does not fail by default"
expect_grep "$TMP/out" 'note: .*\[unawaited-ticket\]' "the note is printed"
run --fail-on=note bad.c -- -I"$INC"
expect_status 1 "--fail-on=note"
run --fail-on=note --exit-zero bad.c -- -I"$INC"
expect_status 0 "--exit-zero wins"

echo "severity unawaited-ticket error" >.ticketlint
run --fail-on=error bad.c -- -I"$INC"
expect_status 1 "an error under --fail-on=error"

run --fail-on=fatal bad.c
expect_status 2 "unknown level"
expect_grep "$TMP/err" "unknown severity 'fatal' for '--fail-on'" "names it"
echo "ok"
