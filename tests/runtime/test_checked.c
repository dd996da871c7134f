/* test_checked.c — every checked-mode report, with its exact text and line, and silence for
 * a clean run. Reports are read from stderr (test_capture); the expected line numbers are
 * taken with __LINE__ on the very line of the call (`L = __LINE__; call(...);`).
 */
#include "helpers.h"

#include <stdarg.h>
#include <stdint.h>
#include <time.h>

static char want[4096];

/* Append one expected report line to `want`. */
__attribute__((format(printf, 3, 4))) static void expect(const char *rule, int line,
                                                         const char *fmt, ...) {
  size_t used = strlen(want);
  used += (size_t)snprintf(want + used, sizeof want - used, "ticket: %s: %s:%d: ", rule,
                           __FILE__, line);
  va_list ap;
  va_start(ap, fmt);
  used += (size_t)vsnprintf(want + used, sizeof want - used, fmt, ap);
  va_end(ap);
  snprintf(want + used, sizeof want - used, "\n");
}

static test_capture cap;

static tk_loop *checked_loop(void) {
  setenv("TK_CLOCK", "virtual", 1);
  unsetenv("TK_CHECK");
  unsetenv("TK_SLOW_MS");
  unsetenv("TK_TRACE");
  test_count_allocations(0);
  want[0] = '\0';
  tk_loop *loop = tk_loop_new();
  cr_assert(loop);
  tk_loop_set_checked(loop, 1);
  tk_loop_set_slow_ms(loop, 10000);     /* a loaded test machine must not look blocking */
  test_capture_begin(&cap);
  return loop;
}

/* Run, free, and compare the reports with `want`. */
static void run_and_compare(tk_loop *loop) {
  cr_assert_eq(tk_loop_run(loop), 0);
  tk_loop_free(loop);
  const char *got = test_capture_end(&cap);
  cr_assert_str_eq(got, want);
  cr_assert_eq(test_live, 0, "%ld runtime allocation(s) leaked", test_live);
}

typedef struct lines {
  tk_loop *loop;
  int a, b, c;
  int rc, rc2;
} lines;

static int return_arg(void *arg, void **result) {
  *result = arg;
  return 0;
}

static int fail_canceled(void *arg, void **result) {
  (void)arg;
  (void)result;
  return TK_ECANCELED;
}

static void ignore(int err, void *value, void *arg) {
  (void)err;
  (void)value;
  (void)arg;
}

/* ---- a clean run ----------------------------------------------------------------------- */

static int clean_program(void *arg, void **result) {
  tk_loop *loop = arg;
  tk_promise *ps[3] = {tk_sleep(loop, 10), tk_async(loop, return_arg, NULL),
                       tk_promise_new(loop)};
  tk_resolve(ps[2], NULL);
  int rc = tk_await_all(ps, 3, NULL);
  if (rc == 0)
    rc = tk_await(tk_async(loop, return_arg, (void *)1), result);
  tk_detach(tk_sleep(loop, 5));
  tk_promise *p = tk_async(loop, fail_canceled, NULL);
  tk_then(p, ignore, NULL);             /* a rejection handed to a callback is handled */
  return rc;
}

Test(checked, clean_run_reports_nothing) {
  tk_loop *loop = checked_loop();
  tk_then(tk_async(loop, clean_program, loop), ignore, NULL);
  run_and_compare(loop);
}

Test(checked, env_tk_check_turns_it_on) {
  setenv("TK_CHECK", "1", 1);
  setenv("TK_SLOW_MS", "10000", 1);
  test_count_allocations(0);
  want[0] = '\0';
  tk_loop *loop = tk_loop_new();
  test_capture_begin(&cap);
  int L = __LINE__; tk_sleep(loop, 1);
  expect("unawaited-ticket", L, "ticket from 'tk_sleep' is never awaited nor detached");
  run_and_compare(loop);
}

Test(checked, off_by_default) {
  unsetenv("TK_CHECK");
  test_count_allocations(0);
  tk_loop *loop = tk_loop_new();
  test_capture_begin(&cap);
  tk_sleep(loop, 1);
  tk_value(tk_promise_new(loop));
  want[0] = '\0';
  run_and_compare(loop);
}

/* ---- unawaited-ticket and unhandled-rejection ------------------------------------------ */

static int forgets_tickets(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  l->a = __LINE__; tk_sleep(l->loop, 10);
  l->b = __LINE__; tk_async(l->loop, fail_canceled, NULL);
  return 0;
}

Test(checked, unawaited_ticket_at_its_issuing_line) {
  tk_loop *loop = checked_loop();
  lines l = {.loop = loop};
  int L = __LINE__; tk_async(loop, forgets_tickets, &l);
  cr_assert_eq(tk_loop_run(loop), 0);
  expect("unawaited-ticket", L, "ticket from 'tk_async' is never awaited nor detached");
  expect("unawaited-ticket", l.a, "ticket from 'tk_sleep' is never awaited nor detached");
  expect("unawaited-ticket", l.b, "ticket from 'tk_async' is never awaited nor detached");
  expect("unhandled-rejection", l.b,
         "rejection of ticket from 'tk_async' is never handled (operation canceled)");
  cr_assert_eq(tk_loop_run(loop), 0);   /* reported once, not at every run */
  run_and_compare(loop);
}

Test(checked, examined_rejection_is_only_unawaited) {
  tk_loop *loop = checked_loop();
  int L = __LINE__; tk_promise *p = tk_promise_new(loop);
  tk_reject(p, TK_EFAILED);
  cr_assert_eq(tk_error(p), TK_EFAILED);
  expect("unawaited-ticket", L, "ticket from 'tk_promise_new' is never awaited nor detached");
  run_and_compare(loop);
}

Test(checked, detached_rejection_is_unhandled_rejection) {
  tk_loop *loop = checked_loop();
  int L = __LINE__; tk_promise *p = tk_work(loop, fail_canceled, NULL);
  tk_detach(p);
  tk_detach(tk_async(loop, return_arg, NULL));  /* fulfilled: quiet */
  expect("unhandled-rejection", L,
         "rejection of detached ticket from 'tk_work' is never handled (operation canceled)");
  run_and_compare(loop);
}

Test(checked, detach_of_settled_rejection_reports_at_once) {
  tk_loop *loop = checked_loop();
  int L = __LINE__; tk_promise *p = tk_promise_new(loop);
  tk_reject(p, TK_ESYS);
  tk_detach(p);
  expect("unhandled-rejection", L,
         "rejection of detached ticket from 'tk_promise_new' is never handled "
         "(system call failed)");
  run_and_compare(loop);
}

/* ---- ticket-as-value ------------------------------------------------------------------- */

static int reads_too_early(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  tk_promise *p = tk_sleep(l->loop, 10);
  l->a = __LINE__; void *v = tk_value(p);
  l->b = __LINE__; l->rc = tk_error(p);
  l->rc2 = v == NULL;
  return tk_await(p, NULL);
}

Test(checked, value_and_error_of_pending_ticket) {
  tk_loop *loop = checked_loop();
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, reads_too_early, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(l.rc, TK_EPENDING);
  cr_assert_eq(l.rc2, 1);
  expect("ticket-as-value", l.a, "value of ticket from 'tk_sleep' read while it is still pending");
  expect("ticket-as-value", l.b, "error of ticket from 'tk_sleep' read while it is still pending");
  run_and_compare(loop);
}

/* ---- await-outside-async --------------------------------------------------------------- */

Test(checked, await_outside_async) {
  tk_loop *loop = checked_loop();
  tk_promise *p = tk_sleep(loop, 1);
  int L = __LINE__; int rc = tk_await(p, NULL);
  cr_assert_eq(rc, TK_ENOTASYNC);
  tk_promise *ps[2] = {p, tk_sleep(loop, 2)};
  int M = __LINE__; rc = tk_await_all(ps, 2, NULL);
  cr_assert_eq(rc, TK_ENOTASYNC);
  tk_detach(ps[0]);                     /* neither await collected them */
  tk_detach(ps[1]);
  expect("await-outside-async", L, "'tk_await' called outside an async function");
  expect("await-outside-async", M, "'tk_await_all' called outside an async function");
  run_and_compare(loop);
}

static lines then_lines;

static void awaits_in_callback(int err, void *value, void *arg) {
  (void)err;
  (void)value;
  tk_promise *p = arg;
  then_lines.a = __LINE__; then_lines.rc = tk_await(p, NULL);
  tk_detach(p);
}

Test(checked, await_in_then_callback_is_outside_async) {
  tk_loop *loop = checked_loop();
  tk_then(tk_sleep(loop, 1), awaits_in_callback, tk_sleep(loop, 2));
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(then_lines.rc, TK_ENOTASYNC);
  expect("await-outside-async", then_lines.a, "'tk_await' called outside an async function");
  run_and_compare(loop);
}

/* ---- invalid-ticket: NULL where a ticket is needed ------------------------------------- */

static int hands_in_null(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  tk_promise *none[2] = {tk_sleep(l->loop, 1), NULL};
  l->a = __LINE__; l->rc = tk_await(NULL, NULL);
  l->b = __LINE__; l->rc2 = tk_await_all(none, 2, NULL);
  l->c = __LINE__; tk_detach(NULL);
  tk_detach(none[0]);                   /* tk_await_all collected nothing */
  return tk_await_all(NULL, 0, NULL);   /* nothing to wait for: not a misuse */
}

Test(checked, null_handed_in_is_not_a_ticket) {
  tk_loop *loop = checked_loop();
  lines l = {.loop = loop};
  int M = __LINE__; int rc = tk_then(NULL, ignore, NULL);   /* main, before the loop runs */
  cr_assert_eq(rc, TK_EINVAL);
  tk_then(tk_async(loop, hands_in_null, &l), ignore, NULL);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(l.rc, TK_EINVAL);
  cr_assert_eq(l.rc2, TK_EINVAL);
  expect("invalid-ticket", M, "'tk_then' on NULL, which is not a ticket");
  expect("invalid-ticket", l.a, "'tk_await' on NULL, which is not a ticket");
  expect("invalid-ticket", l.b, "'tk_await_all' on an array holding NULL, which is not a ticket");
  expect("invalid-ticket", l.c, "'tk_detach' on NULL, which is not a ticket");
  run_and_compare(loop);
}

Test(checked, null_handed_in_is_quiet_unchecked) {
  tk_loop *loop = checked_loop();
  tk_loop_set_checked(loop, 0);
  cr_assert_eq(tk_await(NULL, NULL), TK_EINVAL);
  cr_assert_eq(tk_await_all(NULL, 1, NULL), TK_EINVAL);
  cr_assert_eq(tk_then(NULL, ignore, NULL), TK_EINVAL);
  tk_detach(NULL);
  run_and_compare(loop);
}

Test(checked, null_handed_in_with_no_loop_is_quiet) {
  test_capture_begin(&cap);
  cr_assert_eq(tk_await(NULL, NULL), TK_EINVAL);   /* no loop on this thread: no checked mode */
  tk_detach(NULL);
  cr_assert_str_eq(test_capture_end(&cap), "");
}

/* ---- double-await (ASan watches that the second await reads no freed memory) ----------- */

static int awaits_twice(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  tk_promise *p = tk_sleep(l->loop, 10);
  int rc = tk_await(p, NULL);
  l->a = __LINE__; l->rc = tk_await(p, NULL);
  l->b = __LINE__; l->rc2 = tk_then(p, ignore, NULL);
  l->c = __LINE__; tk_detach(p);
  return rc;
}

Test(checked, double_await_is_reported_not_a_use_after_free) {
  tk_loop *loop = checked_loop();
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, awaits_twice, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(l.rc, TK_ECOLLECTED);
  cr_assert_eq(l.rc2, TK_ECOLLECTED);
  expect("double-await", l.a, "'tk_await' on a ticket from 'tk_sleep' that is already collected");
  expect("double-await", l.b, "'tk_then' on a ticket from 'tk_sleep' that is already collected");
  expect("double-await", l.c,
         "'tk_detach' on a ticket from 'tk_sleep' that is already collected");
  run_and_compare(loop);
}

static int await_all_twice(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  tk_promise *p = tk_async(l->loop, return_arg, NULL);
  tk_promise *q = tk_sleep(l->loop, 1);
  tk_promise *ps[3] = {p, q, p};
  l->a = __LINE__; l->rc = tk_await_all(ps, 3, NULL);  /* p twice: nothing collected */
  int rc = tk_await_all(ps, 2, NULL);
  l->b = __LINE__; l->rc2 = tk_await_all(ps, 2, NULL);
  return rc;
}

Test(checked, await_all_detects_a_ticket_given_twice) {
  tk_loop *loop = checked_loop();
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, await_all_twice, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(l.rc, TK_ECOLLECTED);
  cr_assert_eq(l.rc2, TK_ECOLLECTED);
  expect("double-await", l.a,
         "'tk_await_all' on a ticket from 'tk_async' that is already collected");
  expect("double-await", l.b,
         "'tk_await_all' on a ticket from 'tk_async' that is already collected");
  run_and_compare(loop);
}

Test(checked, reading_a_collected_ticket_is_double_await) {
  tk_loop *loop = checked_loop();
  tk_promise *p = tk_promise_new(loop);
  tk_then(p, ignore, NULL);
  tk_resolve(p, NULL);
  cr_assert_eq(tk_loop_run(loop), 0);   /* p released: a tombstone in checked mode */
  int L = __LINE__; cr_assert_null(tk_value(p));
  int M = __LINE__; cr_assert_eq(tk_state(p), TK_ECOLLECTED);
  expect("double-await", L, "'tk_value' on a ticket from 'tk_promise_new' that is already collected");
  expect("double-await", M, "'tk_state' on a ticket from 'tk_promise_new' that is already collected");
  run_and_compare(loop);
}

/* ---- blocking-in-async ----------------------------------------------------------------- */

static void spin_ms(int ms) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  int64_t end = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec + (int64_t)ms * 1000000;
  do
    clock_gettime(CLOCK_MONOTONIC, &t);
  while ((int64_t)t.tv_sec * 1000000000 + t.tv_nsec < end);
}

static int blocks_between_calls(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  l->a = __LINE__; tk_promise *p = tk_sleep(l->loop, 10);
  spin_ms(40);                          /* the blocking stretch */
  l->b = __LINE__; return tk_await(p, NULL);
}

static int blocks_at_start(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  spin_ms(40);
  l->b = __LINE__; return tk_await(tk_sleep(l->loop, 1), NULL);
}

static int blocks_after_resume_until_return(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  l->a = __LINE__; int rc = tk_await(tk_sleep(l->loop, 1000), NULL);
  spin_ms(40);                          /* virtual 1000 ms asleep do not count; this does */
  return rc;
}

/* The one report line must be "<prefix>N<suffix>" with N >= 40. */
static void check_blocking(tk_loop *loop, int at, const char *span) {
  cr_assert_eq(tk_loop_run(loop), 0);
  tk_loop_free(loop);
  const char *got = test_capture_end(&cap);
  char prefix[512], suffix[256];
  snprintf(prefix, sizeof prefix, "ticket: blocking-in-async: %s:%d: async function ran ",
           __FILE__, at);
  snprintf(suffix, sizeof suffix, " ms without yielding: it blocks the loop (%s)\n", span);
  cr_assert(strncmp(got, prefix, strlen(prefix)) == 0, "got: %s", got);
  char *end;
  long ms = strtol(got + strlen(prefix), &end, 10);
  cr_assert_geq(ms, 40);
  cr_assert_str_eq(end, suffix);
  cr_assert_eq(test_live, 0);
}

Test(checked, blocking_between_two_runtime_calls) {
  tk_loop *loop = checked_loop();
  tk_loop_set_slow_ms(loop, 20);
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, blocks_between_calls, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  char span[64];
  snprintf(span, sizeof span, "between line %d and line %d", l.a, l.b);
  check_blocking(loop, l.a, span);
}

Test(checked, blocking_from_start_reports_at_the_next_call) {
  tk_loop *loop = checked_loop();
  tk_loop_set_slow_ms(loop, 20);
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, blocks_at_start, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  char span[64];
  snprintf(span, sizeof span, "between line ? and line %d", l.b);
  check_blocking(loop, l.b, span);
}

Test(checked, blocking_until_return_after_an_await) {
  setenv("TK_SLOW_MS", "20", 1);
  setenv("TK_CLOCK", "virtual", 1);
  setenv("TK_CHECK", "1", 1);
  test_count_allocations(0);
  tk_loop *loop = tk_loop_new();
  test_capture_begin(&cap);
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, blocks_after_resume_until_return, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  char span[64];
  snprintf(span, sizeof span, "between line %d and line ?", l.a);
  check_blocking(loop, l.a, span);
}

static int quick_steps(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  for (int i = 0; i < 5; i++) {
    spin_ms(5);
    int rc = tk_await(tk_sleep(l->loop, 100), NULL);
    if (rc != 0)
      return rc;
  }
  return 0;
}

Test(checked, short_stretches_are_not_blocking) {
  tk_loop *loop = checked_loop();
  tk_loop_set_slow_ms(loop, 200);       /* 5 ms stretches, with room for a busy machine */
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, quick_steps, &l));
  run_and_compare(loop);
}

/* ---- call sites of nested calls -------------------------------------------------------- */

static int nested_calls(void *arg, void **result) {
  lines *l = arg;
  (void)result;
  l->a = __LINE__; int rc = tk_await(tk_sleep(l->loop, 1), NULL);
  l->b = __LINE__; tk_detach(tk_async(l->loop, fail_canceled, NULL));
  l->c = __LINE__; l->rc = tk_await(tk_promise_new(l->loop), NULL) + tk_error(tk_sleep(l->loop, 2));
  return rc;
}

Test(checked, nested_calls_each_get_their_own_line) {
  tk_loop *loop = checked_loop();
  lines l = {.loop = loop};
  tk_detach(tk_async(loop, nested_calls, &l));
  cr_assert_eq(tk_loop_run(loop), 0);
  /* the tk_await on line c suspends forever (nobody resolves it): its tk_error never runs */
  expect("unhandled-rejection", l.b,
         "rejection of detached ticket from 'tk_async' is never handled (operation canceled)");
  run_and_compare(loop);
}

Test(checked, sites_without_the_macro_are_unknown) {
  tk_loop *loop = checked_loop();
  (tk_sleep)(loop, 1);                  /* no site recorded */
  snprintf(want, sizeof want,
           "ticket: unawaited-ticket: ?:0: ticket from 'tk_sleep' is never awaited nor detached\n");
  run_and_compare(loop);
}
