/* test_core.c — the loop, async functions, awaits, timers, the worker pool, then-callbacks,
 * detach and reads, outside checked mode. Every test checks that the runtime gave back all
 * its memory (test_loop_free); ASan/LSan watch the rest.
 */
#include "helpers.h"

#include <stdint.h>

static tk_loop *new_loop(int virtual_clock) {
  if (virtual_clock)
    setenv("TK_CLOCK", "virtual", 1);
  else
    unsetenv("TK_CLOCK");
  unsetenv("TK_CHECK");
  unsetenv("TK_TRACE");
  test_count_allocations(0);
  tk_loop *loop = tk_loop_new();
  cr_assert(loop);
  return loop;
}

/* The top-level ticket's outcome, handed in with tk_then. */
typedef struct outcome {
  int called;
  int err;
  void *value;
} outcome;

static void record(int err, void *value, void *arg) {
  outcome *o = arg;
  o->called++;
  o->err = err;
  o->value = value;
}

static outcome run_async(tk_loop *loop, tk_fn fn, void *arg) {
  outcome o = {0, 0, NULL};
  cr_assert_eq(tk_then(tk_async(loop, fn, arg), record, &o), 0);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(o.called, 1);
  return o;
}

/* ---- small async and work functions ---------------------------------------------------- */

static int return_arg(void *arg, void **result) {
  *result = arg;
  return 0;
}

static int fail_with(void *arg, void **result) {
  (void)result;
  return (int)(intptr_t)arg;
}

static int square_work(void *arg, void **result) {
  intptr_t n = (intptr_t)arg;
  *result = (void *)(n * n);
  return 0;
}

static int busy_work(void *arg, void **result) {
  usleep((useconds_t)(intptr_t)arg * 1000u);
  *result = arg;
  return 0;
}

/* ---- loop ------------------------------------------------------------------------------ */

Test(loop, runs_async_functions_and_returns_zero) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, return_arg, (void *)42);
  cr_assert_eq(o.err, 0);
  cr_assert_eq((intptr_t)o.value, 42);
  test_loop_free(loop);
}

Test(loop, empty_loop_returns_at_once) {
  tk_loop *loop = new_loop(0);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(tk_loop_run(loop), 0);
  test_loop_free(loop);
}

static int count_up(void *arg, void **result) {
  (void)result;
  ++*(int *)arg;
  return 0;
}

Test(loop, async_starts_at_next_turn_not_inside_tk_async) {
  tk_loop *loop = new_loop(1);
  int ran = 0;
  tk_promise *p = tk_async(loop, count_up, &ran);
  cr_assert_eq(ran, 0);
  cr_assert_eq(tk_state(p), TK_PENDING);
  tk_detach(p);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(ran, 1);
  test_loop_free(loop);
}

static int nested_run(void *arg, void **result) {
  (void)result;
  return tk_loop_run(arg);
}

Test(loop, run_inside_async_is_ebusy) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, nested_run, loop);
  cr_assert_eq(o.err, TK_EBUSY);
  test_loop_free(loop);
}

Test(loop, null_arguments_are_errors) {
  tk_loop *loop = new_loop(1);
  cr_assert_eq(tk_loop_run(NULL), TK_EINVAL);
  cr_assert_null(tk_async(NULL, return_arg, NULL));
  cr_assert_null(tk_async(loop, NULL, NULL));
  cr_assert_null(tk_work(loop, NULL, NULL));
  cr_assert_null(tk_sleep(NULL, 1));
  cr_assert_eq(tk_await(NULL, NULL), TK_EINVAL);
  cr_assert_eq(tk_then(NULL, record, NULL), TK_EINVAL);
  cr_assert_eq(tk_state(NULL), TK_EINVAL);
  cr_assert_eq(tk_error(NULL), TK_EINVAL);
  cr_assert_null(tk_value(NULL));
  tk_detach(NULL);
  tk_loop_free(NULL);
  test_loop_free(loop);
}

/* ---- await ----------------------------------------------------------------------------- */

typedef struct ctx {
  tk_loop *loop;
  intptr_t n;
  void *out[8];
  int rc;
} ctx;

static int await_async(void *arg, void **result) {
  ctx *c = arg;
  return tk_await(tk_async(c->loop, return_arg, (void *)c->n), result);
}

Test(await, async_function_result) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop, .n = 7};
  outcome o = run_async(loop, await_async, &c);
  cr_assert_eq(o.err, 0);
  cr_assert_eq((intptr_t)o.value, 7);
  test_loop_free(loop);
}

static int await_work(void *arg, void **result) {
  ctx *c = arg;
  return tk_await(tk_work(c->loop, square_work, (void *)c->n), result);
}

Test(await, work_result) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop, .n = 12};
  outcome o = run_async(loop, await_work, &c);
  cr_assert_eq(o.err, 0);
  cr_assert_eq((intptr_t)o.value, 144);
  test_loop_free(loop);
}

static int await_sleep(void *arg, void **result) {
  ctx *c = arg;
  void *v = (void *)1;
  int rc = tk_await(tk_sleep(c->loop, (uint64_t)c->n), &v);
  *result = (void *)(uintptr_t)tk_loop_now(c->loop);
  c->out[0] = v;
  return rc;
}

Test(await, sleep_fulfils_with_null_after_its_time) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop, .n = 250};
  outcome o = run_async(loop, await_sleep, &c);
  cr_assert_eq(o.err, 0);
  cr_assert_null(c.out[0]);
  cr_assert_eq((uintptr_t)o.value, 250);
  test_loop_free(loop);
}

Test(await, real_clock_sleep_waits) {
  tk_loop *loop = new_loop(0);
  ctx c = {.loop = loop, .n = 20};
  outcome o = run_async(loop, await_sleep, &c);
  cr_assert_eq(o.err, 0);
  cr_assert_geq((uintptr_t)o.value, 20);
  cr_assert_geq(tk_loop_now(loop), 20);
  test_loop_free(loop);
}

static int await_promise_new(void *arg, void **result) {
  ctx *c = arg;
  tk_promise *p = tk_promise_new(c->loop);
  tk_resolve(p, (void *)c->n);
  tk_resolve(p, NULL);                  /* settled once: ignored */
  tk_reject(p, TK_EFAILED);
  return tk_await(p, result);
}

Test(await, resolved_promise_gives_its_value) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop, .n = 5};
  outcome o = run_async(loop, await_promise_new, &c);
  cr_assert_eq(o.err, 0);
  cr_assert_eq((intptr_t)o.value, 5);
  test_loop_free(loop);
}

static void resolve_later(int err, void *value, void *arg) {
  (void)err;
  (void)value;
  tk_reject(arg, TK_ECANCELED);
}

static int await_rejected_later(void *arg, void **result) {
  ctx *c = arg;
  tk_promise *p = tk_promise_new(c->loop);
  tk_then(tk_sleep(c->loop, 10), resolve_later, p);
  return tk_await(p, result);
}

Test(await, rejected_promise_gives_its_code) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop};
  outcome o = run_async(loop, await_rejected_later, &c);
  cr_assert_eq(o.err, TK_ECANCELED);
  test_loop_free(loop);
}

Test(await, outside_async_returns_enotasync_and_leaves_ticket) {
  tk_loop *loop = new_loop(1);
  tk_promise *p = tk_sleep(loop, 5);
  void *v = (void *)9;
  cr_assert_eq(tk_await(p, &v), TK_ENOTASYNC);
  cr_assert_eq((intptr_t)v, 9);
  outcome o = {0, 0, NULL};
  cr_assert_eq(tk_then(p, record, &o), 0);  /* still uncollected */
  cr_assert_eq(tk_loop_run(loop), 0);
  test_loop_free(loop);
}

/* ---- await_all ------------------------------------------------------------------------- */

static int await_all_mixed(void *arg, void **result) {
  ctx *c = arg;
  (void)result;
  tk_promise *ps[4] = {
      tk_sleep(c->loop, 30),
      tk_async(c->loop, return_arg, (void *)2),
      tk_work(c->loop, square_work, (void *)3),
      tk_promise_new(c->loop),
  };
  tk_resolve(ps[3], (void *)4);
  for (int i = 0; i < 8; i++)
    c->out[i] = (void *)-1;
  return tk_await_all(ps, 4, c->out);
}

Test(await_all, results_in_order) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop};
  outcome o = run_async(loop, await_all_mixed, &c);
  cr_assert_eq(o.err, 0);
  cr_assert_null(c.out[0]);
  cr_assert_eq((intptr_t)c.out[1], 2);
  cr_assert_eq((intptr_t)c.out[2], 9);
  cr_assert_eq((intptr_t)c.out[3], 4);
  cr_assert_eq(tk_loop_now(loop), 30);
  test_loop_free(loop);
}

static int await_all_rejections(void *arg, void **result) {
  ctx *c = arg;
  (void)result;
  tk_promise *ps[4] = {
      tk_async(c->loop, return_arg, (void *)1),
      tk_async(c->loop, fail_with, (void *)(intptr_t)TK_ECANCELED),
      tk_promise_new(c->loop),
      tk_async(c->loop, fail_with, (void *)(intptr_t)TK_EINVAL),
  };
  tk_reject(ps[2], TK_EFAILED);         /* settles first, but index 1 comes first */
  return tk_await_all(ps, 4, c->out);
}

Test(await_all, first_rejection_in_index_order) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop};
  outcome o = run_async(loop, await_all_rejections, &c);
  cr_assert_eq(o.err, TK_ECANCELED);
  cr_assert_eq((intptr_t)c.out[0], 1);  /* fulfilled values are still handed out */
  cr_assert_null(c.out[1]);
  test_loop_free(loop);
}

static int await_all_none(void *arg, void **result) {
  (void)arg;
  (void)result;
  return tk_await_all(NULL, 0, NULL);
}

Test(await_all, empty_list_is_fulfilled) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, await_all_none, NULL);
  cr_assert_eq(o.err, 0);
  test_loop_free(loop);
}

static int await_all_null_entry(void *arg, void **result) {
  ctx *c = arg;
  (void)result;
  tk_promise *ps[2] = {tk_sleep(c->loop, 1), NULL};
  int rc = tk_await_all(ps, 2, NULL);
  tk_detach(ps[0]);                     /* EINVAL collected nothing */
  return rc;
}

Test(await_all, null_entry_is_einval_and_collects_nothing) {
  tk_loop *loop = new_loop(1);
  ctx c = {.loop = loop};
  outcome o = run_async(loop, await_all_null_entry, &c);
  cr_assert_eq(o.err, TK_EINVAL);
  test_loop_free(loop);
}

/* ---- timers ---------------------------------------------------------------------------- */

typedef struct order {
  tk_loop *loop;
  int log[8];
  uint64_t at[8];
  int n;
} order;

typedef struct sleeper {
  order *order;
  int id;
  uint64_t ms;
} sleeper;

static int sleep_and_log(void *arg, void **result) {
  sleeper *s = arg;
  (void)result;
  int rc = tk_await(tk_sleep(s->order->loop, s->ms), NULL);
  s->order->at[s->order->n] = tk_loop_now(s->order->loop);
  s->order->log[s->order->n++] = s->id;
  return rc;
}

Test(timer, fire_in_due_order) {
  tk_loop *loop = new_loop(1);
  order o = {.loop = loop};
  sleeper s[4] = {{&o, 0, 300}, {&o, 1, 100}, {&o, 2, 400}, {&o, 3, 200}};
  for (int i = 0; i < 4; i++)
    tk_detach(tk_async(loop, sleep_and_log, &s[i]));
  cr_assert_eq(tk_loop_run(loop), 0);
  int want[4] = {1, 3, 0, 2};
  uint64_t at[4] = {100, 200, 300, 400};
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(o.log[i], want[i]);
    cr_assert_eq(o.at[i], at[i]);
  }
  test_loop_free(loop);
}

Test(timer, equal_due_times_fire_in_creation_order) {
  tk_loop *loop = new_loop(1);
  order o = {.loop = loop};
  sleeper s[6];
  for (int i = 0; i < 6; i++) {
    s[i] = (sleeper){&o, i, 50};
    tk_detach(tk_async(loop, sleep_and_log, &s[i]));
  }
  cr_assert_eq(tk_loop_run(loop), 0);
  for (int i = 0; i < 6; i++)
    cr_assert_eq(o.log[i], i);
  test_loop_free(loop);
}

static int five_serial_sleeps(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  for (int i = 0; i < 5; i++) {
    int rc = tk_await(tk_sleep(loop, 100), NULL);
    if (rc != 0)
      return rc;
  }
  return 0;
}

Test(timer, five_serial_sleeps_take_500_virtual_ms) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, five_serial_sleeps, loop);
  cr_assert_eq(o.err, 0);
  cr_assert_eq(tk_loop_now(loop), 500);
  test_loop_free(loop);
}

static int five_concurrent_sleeps(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  tk_promise *ps[5];
  for (int i = 0; i < 5; i++)
    ps[i] = tk_sleep(loop, 100);
  return tk_await_all(ps, 5, NULL);
}

Test(timer, five_concurrent_sleeps_take_100_virtual_ms) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, five_concurrent_sleeps, loop);
  cr_assert_eq(o.err, 0);
  cr_assert_eq(tk_loop_now(loop), 100);
  test_loop_free(loop);
}

static int work_then_sleep(void *arg, void **result) {
  tk_loop *loop = arg;
  tk_promise *ps[2] = {tk_work(loop, busy_work, (void *)30), tk_sleep(loop, 10)};
  int rc = tk_await_all(ps, 2, NULL);
  *result = (void *)(uintptr_t)tk_loop_now(loop);
  return rc;
}

Test(timer, virtual_clock_waits_for_work_without_advancing) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, work_then_sleep, loop);
  cr_assert_eq(o.err, 0);
  cr_assert_eq((uintptr_t)o.value, 10);  /* 30 real ms of work cost no virtual time */
  test_loop_free(loop);
}

/* ---- worker pool ----------------------------------------------------------------------- */

#define MANY 200

static int many_jobs(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  tk_promise *ps[MANY];
  void *out[MANY];
  for (intptr_t i = 0; i < MANY; i++)
    ps[i] = tk_work(loop, square_work, (void *)i);
  int rc = tk_await_all(ps, MANY, out);
  for (intptr_t i = 0; i < MANY && rc == 0; i++)
    if ((intptr_t)out[i] != i * i)
      rc = TK_EFAILED;
  return rc;
}

Test(pool, many_jobs_results_correct) {
  tk_loop *loop = new_loop(0);
  outcome o = run_async(loop, many_jobs, loop);
  cr_assert_eq(o.err, 0);
  test_loop_free(loop);
}

static int work_fails(void *arg, void **result) {
  tk_loop *loop = arg;
  (void)result;
  return tk_await(tk_work(loop, fail_with, (void *)(intptr_t)TK_ESYS), NULL);
}

Test(pool, work_rejection_reaches_the_awaiter) {
  tk_loop *loop = new_loop(0);
  outcome o = run_async(loop, work_fails, loop);
  cr_assert_eq(o.err, TK_ESYS);
  test_loop_free(loop);
}

Test(pool, loop_free_with_unrun_work_frees_everything) {
  tk_loop *loop = new_loop(0);
  for (int i = 0; i < 20; i++)
    tk_work(loop, busy_work, (void *)1);
  test_loop_free(loop);                 /* never run: started jobs finish, queued ones go */
}

/* ---- rejection ------------------------------------------------------------------------- */

static int level3(void *arg, void **result) {
  (void)arg;
  (void)result;
  return TK_ECANCELED;
}

static int level2(void *arg, void **result) {
  void *v = (void *)1;
  int rc = tk_await(tk_async(arg, level3, NULL), &v);
  *result = v;                          /* untouched on failure */
  return rc;
}

static int level1(void *arg, void **result) {
  return tk_await(tk_async(arg, level2, arg), result);
}

Test(rejection, propagates_through_nested_async_functions) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, level1, loop);
  cr_assert_eq(o.err, TK_ECANCELED);
  cr_assert_null(o.value);
  test_loop_free(loop);
}

Test(rejection, positive_return_code_becomes_efailed) {
  tk_loop *loop = new_loop(1);
  outcome o = run_async(loop, fail_with, (void *)7);
  cr_assert_eq(o.err, TK_EFAILED);
  test_loop_free(loop);
}

/* ---- then ------------------------------------------------------------------------------ */

typedef struct then_probe {
  tk_loop *loop;
  int calls;
  int err;
  void *value;
  int await_rc;
  int in_tk_then;
} then_probe;

static void probe(int err, void *value, void *arg) {
  then_probe *t = arg;
  t->calls++;
  t->err = err;
  t->value = value;
  t->await_rc = tk_await(tk_sleep(t->loop, 1), NULL);  /* not an async function */
}

Test(then, callback_gets_value_on_the_loop) {
  tk_loop *loop = new_loop(1);
  then_probe t = {.loop = loop};
  cr_assert_eq(tk_then(tk_async(loop, return_arg, (void *)3), probe, &t), 0);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(t.calls, 1);
  cr_assert_eq(t.err, 0);
  cr_assert_eq((intptr_t)t.value, 3);
  cr_assert_eq(t.await_rc, TK_ENOTASYNC);
  test_loop_free(loop);
}

Test(then, callback_gets_rejection_code_and_null) {
  tk_loop *loop = new_loop(1);
  then_probe t = {.loop = loop};
  tk_then(tk_work(loop, fail_with, (void *)(intptr_t)TK_EINVAL), probe, &t);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(t.calls, 1);
  cr_assert_eq(t.err, TK_EINVAL);
  cr_assert_null(t.value);
  test_loop_free(loop);
}

Test(then, on_settled_ticket_runs_at_next_turn_not_inside) {
  tk_loop *loop = new_loop(1);
  then_probe t = {.loop = loop};
  tk_promise *p = tk_promise_new(loop);
  tk_resolve(p, (void *)8);
  cr_assert_eq(tk_then(p, probe, &t), 0);
  cr_assert_eq(t.calls, 0);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(t.calls, 1);
  cr_assert_eq((intptr_t)t.value, 8);
  test_loop_free(loop);
}

Test(then, null_callback_is_einval) {
  tk_loop *loop = new_loop(1);
  tk_promise *p = tk_sleep(loop, 1);
  cr_assert_eq(tk_then(p, NULL, NULL), TK_EINVAL);
  tk_detach(p);
  cr_assert_eq(tk_loop_run(loop), 0);
  test_loop_free(loop);
}

/* ---- detach ---------------------------------------------------------------------------- */

Test(detach, released_once_settled) {
  tk_loop *loop = new_loop(1);
  tk_detach(tk_sleep(loop, 1));         /* warm up: the timer heap stays allocated */
  cr_assert_eq(tk_loop_run(loop), 0);
  long before = test_live;
  tk_detach(tk_sleep(loop, 10));
  tk_detach(tk_work(loop, square_work, (void *)2));
  int ran = 0;
  tk_detach(tk_async(loop, count_up, &ran));
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(ran, 1);
  cr_assert_eq(test_live, before, "detached tickets are freed when they settle");
  test_loop_free(loop);
}

Test(detach, settled_ticket_is_released_at_once) {
  tk_loop *loop = new_loop(1);
  long before = test_live;
  tk_promise *p = tk_promise_new(loop);
  tk_resolve(p, NULL);
  tk_detach(p);
  cr_assert_eq(test_live, before);
  test_loop_free(loop);
}

/* ---- reads ----------------------------------------------------------------------------- */

Test(read, value_and_error_of_pending_ticket) {
  tk_loop *loop = new_loop(1);
  tk_promise *p = tk_promise_new(loop);
  cr_assert_eq(tk_state(p), TK_PENDING);
  cr_assert_null(tk_value(p));
  cr_assert_eq(tk_error(p), TK_EPENDING);
  tk_reject(p, TK_ECANCELED);
  cr_assert_eq(tk_state(p), TK_REJECTED);
  cr_assert_eq(tk_error(p), TK_ECANCELED);
  cr_assert_null(tk_value(p));
  tk_detach(p);
  test_loop_free(loop);
}

Test(read, value_of_fulfilled_ticket) {
  tk_loop *loop = new_loop(1);
  tk_promise *p = tk_promise_new(loop);
  tk_resolve(p, (void *)11);
  cr_assert_eq(tk_state(p), TK_FULFILLED);
  cr_assert_eq(tk_error(p), 0);
  cr_assert_eq((intptr_t)tk_value(p), 11);
  tk_detach(p);
  test_loop_free(loop);
}

Test(read, reject_with_nonnegative_code_is_efailed) {
  tk_loop *loop = new_loop(1);
  tk_promise *p = tk_promise_new(loop);
  tk_reject(p, 3);
  cr_assert_eq(tk_error(p), TK_EFAILED);
  tk_detach(p);
  test_loop_free(loop);
}

/* ---- errors and allocator -------------------------------------------------------------- */

Test(errors, strerror_names_every_code) {
#define XX(name, code, msg) cr_assert_str_eq(tk_strerror(TK_##name), msg);
  TK_ERRNO_MAP(XX)
#undef XX
  cr_assert_str_eq(tk_strerror(0), "success");
  cr_assert_str_eq(tk_strerror(-1000), "unknown error");
}

Test(allocator, replace_rejects_null_functions) {
  cr_assert_eq(tk_replace_allocator(NULL, realloc, free), TK_EINVAL);
  cr_assert_eq(tk_replace_allocator(malloc, NULL, free), TK_EINVAL);
  cr_assert_eq(tk_replace_allocator(malloc, realloc, NULL), TK_EINVAL);
  cr_assert_eq(tk_replace_allocator(malloc, realloc, free), 0);
}

/* ---- loop_free ------------------------------------------------------------------------- */

static int stuck_forever(void *arg, void **result) {
  tk_loop *loop = arg;
  return tk_await(tk_promise_new(loop), result);  /* nobody resolves it */
}

Test(loop_free, frees_forgotten_tickets_and_suspended_coroutines) {
  tk_loop *loop = new_loop(1);
  tk_sleep(loop, 10);
  tk_promise_new(loop);
  tk_async(loop, stuck_forever, loop);
  tk_async(loop, stuck_forever, loop);
  cr_assert_eq(tk_loop_run(loop), 0);
  tk_sleep(loop, 5);                    /* issued after the run, never run */
  tk_async(loop, return_arg, NULL);
  test_loop_free(loop);
}

/* Many coroutines alive at once, more than the stack cache holds. */
static int sleepy(void *arg, void **result) {
  (void)result;
  return tk_await(tk_sleep(arg, 5), NULL);
}

Test(loop, hundreds_of_coroutines_at_once) {
  tk_loop *loop = new_loop(1);
  tk_promise *ps[300];
  for (int i = 0; i < 300; i++)
    ps[i] = tk_async(loop, sleepy, loop);
  for (int i = 0; i < 300; i++)
    tk_detach(ps[i]);
  cr_assert_eq(tk_loop_run(loop), 0);
  cr_assert_eq(tk_loop_now(loop), 5);
  test_loop_free(loop);
}
