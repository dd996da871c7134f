/* test_oom.c — out of memory is an error, never a crash or a leak. A failing allocator
 * refuses allocation number 1, 2, 3, ... in turn (as Lua's ltests.c); a representative
 * program must report an error each time, give every byte back, and finally succeed.
 */
#include "helpers.h"

#include <stdint.h>

static int child(void *arg, void **result) {
  *result = arg;
  return 0;
}

static int square(void *arg, void **result) {
  intptr_t n = (intptr_t)arg;
  *result = (void *)(n * n);
  return 0;
}

static void add_to(int err, void *value, void *arg) {
  if (err == 0)
    *(intptr_t *)arg += (intptr_t)value;
}

/* Issues every kind of ticket, awaits them together and apart, nests async functions, uses
 * then-callbacks and detach; 100 + 5 + 9 + 7 + 1000 = 1121 when nothing fails. */
static int program(void *arg, void **result) {
  tk_loop *loop = arg;
  static intptr_t then_sum;
  then_sum = 0;
  tk_promise *ps[4] = {tk_sleep(loop, 10), tk_async(loop, child, (void *)5),
                       tk_work(loop, square, (void *)3), tk_promise_new(loop)};
  for (int i = 0; i < 4; i++) {
    if (!ps[i]) {
      for (int j = 0; j < 4; j++)
        tk_detach(ps[j]);
      return TK_ENOMEM;
    }
  }
  tk_resolve(ps[3], (void *)7);
  void *out[4];
  int rc = tk_await_all(ps, 4, out);
  if (rc != 0)
    return rc;
  tk_promise *timer = tk_sleep(loop, 20);
  if (!timer)
    return TK_ENOMEM;
  tk_detach(timer);
  tk_promise *later = tk_promise_new(loop);
  if (!later)
    return TK_ENOMEM;
  if ((rc = tk_then(later, add_to, &then_sum)) != 0)
    return rc;
  tk_resolve(later, (void *)1000);
  void *nested = NULL;
  rc = tk_await(tk_async(loop, child, (void *)100), &nested);
  if (rc != 0)
    return rc;
  rc = tk_await(tk_sleep(loop, 1), NULL);  /* lets the then-callback run */
  if (rc != 0)
    return rc;
  *result = (void *)((intptr_t)nested + (intptr_t)out[1] + (intptr_t)out[2] +
                     (intptr_t)out[3] + then_sum);
  return 0;
}

typedef struct outcome {
  int called, err;
  void *value;
} outcome;

static void record(int err, void *value, void *arg) {
  outcome *o = arg;
  o->called++;
  o->err = err;
  o->value = value;
}

static void sweep(int checked) {
  setenv("TK_CLOCK", "virtual", 1);
  unsetenv("TK_TRACE");
  if (checked)
    setenv("TK_CHECK", "1", 1);
  else
    unsetenv("TK_CHECK");
  test_capture cap;
  int errors = 0;
  for (long n = 1;; n++) {
    cr_assert_lt(n, 10000, "never succeeded");
    test_count_allocations(n);
    test_capture_begin(&cap);           /* checked mode may report the abandoned tickets */
    tk_loop *loop = tk_loop_new();
    outcome o = {0, 0, NULL};
    int issued = 0;
    if (loop) {
      tk_promise *p = tk_async(loop, program, loop);
      if (p) {
        issued = 1;
        cr_assert_eq(tk_then(p, record, &o), 0);
        cr_assert_eq(tk_loop_run(loop), 0);
      }
      tk_loop_free(loop);
    }
    test_capture_end(&cap);
    cr_assert_eq(test_live, 0, "allocation %ld failed: %ld block(s) leaked", n, test_live);
    if (test_failed == 0) {             /* the allocator never had to fail: the full run */
      cr_assert(issued);
      cr_assert_eq(o.called, 1);
      cr_assert_eq(o.err, 0);
      cr_assert_eq((intptr_t)o.value, 1121);
      cr_assert_gt(errors, 3);
      return;
    }
    if (issued) {
      cr_assert_eq(o.called, 1, "allocation %ld failed: the program never finished", n);
      /* TK_ENOMEM, or TK_EINVAL where the program awaited the NULL of a failed issue */
      cr_assert(o.err == TK_ENOMEM || o.err == TK_EINVAL, "allocation %ld failed: got %d", n,
                o.err);
    }
    errors++;
  }
}

Test(oom, every_failing_allocation_is_an_error_never_a_crash_or_leak) {
  sweep(0);
}

Test(oom, same_in_checked_mode_with_tombstones) {
  sweep(1);
}
