# cli/config — .ticketlint found from each file's folder upward (the nearest wins; the
# search stops at a folder holding .git), --config FILE instead, every directive's effect
# (enable/disable, severity, model, fire-and-forget, ticket-type, blocking), --enable after
# the config, and malformed files: file:line:col: error: ..., exit 2, before any linting.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir -p outer/repo/.git outer/repo/src/quiet outer/repo/models
echo "disable all" >outer/.ticketlint          # above the repository root: never used
write_unawaited outer/repo/src/a.c
write_unawaited outer/repo/src/quiet/b.c
cat >outer/repo/src/log.c <<'C'
#include "ticket.h"
tk_promise *log_async(tk_loop *loop, const char *msg);
tk_promise *shop_order_async(tk_loop *loop);

void logs(tk_loop *loop) {
  log_async(loop, "hello");
  shop_order_async(loop);
}
C

# No .ticketlint in the repository: defaults (the one above .git is not read).
run outer/repo/src/a.c -- -I"$INC"
expect_status 1 "no configuration: defaults"
expect_grep "$TMP/out" '^outer/repo/src/a\.c:5:3: warning: .*\[unawaited-ticket\]$' "default"

# At the repository root: applies to every file below; severity raised to error.
cat >outer/repo/.ticketlint <<'CFG'
# the project's configuration
severity unawaited-ticket error
model models/shop.model
fire-and-forget log_async
CFG
cat >outer/repo/models/shop.model <<'M'
model shop
fn log_async         start ticket=ret
fn shop_order_async  start ticket=ret
M
# A nearer one in src/quiet: disables the rule for that folder only.
echo "disable unawaited-ticket" >outer/repo/src/quiet/.ticketlint

run outer/repo/src/a.c outer/repo/src/quiet/b.c outer/repo/src/log.c -- -I"$INC"
expect_status 1 "configurations found upward"
expect_grep "$TMP/out" '^outer/repo/src/a\.c:5:3: error: .*\[unawaited-ticket\]$' "severity error"
expect_no_grep "$TMP/out" 'quiet/b\.c' "the nearest .ticketlint wins (rule disabled there)"
expect_no_grep "$TMP/out" "log_async" "fire-and-forget: log_async's ticket is not reported"
expect_grep "$TMP/out" "^outer/repo/src/log\\.c:7:3: error: ticket from 'shop_order_async' is discarded" \
  "the config's model file is loaded (relative to the config)"

# --enable after the configuration wins over its disable.
run --enable=unawaited-ticket outer/repo/src/quiet/b.c -- -I"$INC"
expect_status 1 "--enable after the config"
expect_grep "$TMP/out" 'quiet/b\.c:5:3: warning: .*\[unawaited-ticket\]$' "re-enabled"

# severity note: printed, but not a failing finding.
printf 'severity unawaited-ticket note\n' >note.cfg
run --config note.cfg outer/repo/src/a.c -- -I"$INC"
expect_status 0 "--config FILE replaces discovery; a note does not fail"
expect_grep "$TMP/out" '^outer/repo/src/a\.c:5:3: note: .*\[unawaited-ticket\]$' "as a note"

# ticket-type and blocking: entries of a model made from the configuration.
cat >tt.c <<'C'
typedef struct job *job_t;
job_t job_begin(void);
void job_end(job_t j);
void job_sleep(void);
void work(void) {
  job_t j = job_begin();
  job_sleep();
  (void)j;
}
C
printf 'model jobs.model\nticket-type job_t\nblocking job_sleep\n' >jobs.cfg
printf 'model jobs\nfn job_begin start ticket=ret\nfn job_end await ticket=0\n' >jobs.model
run --config jobs.cfg --dump-ir tt.c
expect_status 0 "--dump-ir with a config"
expect_grep "$TMP/out" 'job_sleep' "the function is in the IR"
run --config jobs.cfg tt.c
expect_status 1 "a ticket of a config ticket-type is tracked"
expect_grep "$TMP/out" "^tt\\.c:6:.*ticket 'j' from 'job_begin' is never awaited \\[unawaited-ticket\\]\$" \
  "ticket-type from the configuration"

# Malformed configurations: exit 2 with file:line:col, nothing linted.
printf 'enable perf\nfrobnicate x\n' >bad1.cfg
run --config bad1.cfg outer/repo/src/a.c -- -I"$INC"
expect_status 2 "unknown directive"
expect_grep "$TMP/err" "^bad1\\.cfg:2:1: error: unknown directive 'frobnicate'" "file:line:col"
[ -s "$TMP/out" ] && { show; fail "a broken configuration still linted"; }
printf 'disable ticket-resue\n' >bad2.cfg
run --config bad2.cfg outer/repo/src/a.c
expect_status 2 "unknown rule id"
expect_grep "$TMP/err" "^bad2\\.cfg:1:9: error: unknown rule or group 'ticket-resue'; did you mean 'ticket-reuse'" "close id"
printf 'model /bin/sh\n' >bad3.cfg
run --config bad3.cfg outer/repo/src/a.c
expect_status 2 "a model must be a model file"
expect_grep "$TMP/err" "^bad3\\.cfg:1:7: error: '/bin/sh' is not a model file" "not a program"
printf 'severity unawaited-ticket error extra=1\n' >bad4.cfg
run --config bad4.cfg outer/repo/src/a.c
expect_status 2 "a key"
expect_grep "$TMP/err" "^bad4\\.cfg:1:33: error: unknown key 'extra'" "unknown key"
run --config missing.cfg outer/repo/src/a.c
expect_status 2 "--config of a missing file"
expect_grep "$TMP/err" "missing\\.cfg: error: cannot open configuration file" "names the file"
printf 'frobnicate\n' >outer/repo/src/quiet/.ticketlint
run outer/repo/src/a.c outer/repo/src/quiet/b.c -- -I"$INC"
expect_status 2 "a discovered configuration is broken"
expect_grep "$TMP/err" "/outer/repo/src/quiet/\\.ticketlint:1:1: error: unknown directive" "found one"
[ -s "$TMP/out" ] && { show; fail "a broken discovered configuration still linted"; }
echo "ok"
