/* tsan_pool.c — the worker pool under ThreadSanitizer (runtime/tsan_pool): many jobs from
 * many async functions, results checked, then the pool is joined by tk_loop_free(). A plain
 * main (not Criterion) so that only instrumented code runs; TSan fails the test on a race.
 */
#include "ticket.h"

#include <stdint.h>
#include <stdio.h>

#define FNS 8
#define JOBS 64

static int square(void *arg, void **result) {
  intptr_t n = (intptr_t)arg;
  *result = (void *)(n * n);
  return 0;
}

static int fan_out(void *arg, void **result) {
  tk_loop *loop = arg;
  tk_promise *ps[JOBS];
  void *out[JOBS];
  for (intptr_t i = 0; i < JOBS; i++)
    ps[i] = tk_work(loop, square, (void *)i);
  int rc = tk_await_all(ps, JOBS, out);
  intptr_t sum = 0;
  for (int i = 0; i < JOBS && rc == 0; i++)
    sum += (intptr_t)out[i];
  /* and one at a time, interleaved with timers */
  for (intptr_t i = 0; i < 8 && rc == 0; i++) {
    void *v;
    rc = tk_await(tk_work(loop, square, (void *)i), &v);
    if (rc == 0)
      rc = tk_await(tk_sleep(loop, 1), NULL);
    sum += rc == 0 ? (intptr_t)v : 0;
  }
  *result = (void *)sum;
  return rc;
}

static intptr_t total;
static int failures;

static void add(int err, void *value, void *arg) {
  (void)arg;
  if (err != 0)
    failures++;
  total += (intptr_t)value;
}

int main(void) {
  for (int round = 0; round < 3; round++) {
    tk_loop *loop = tk_loop_new();
    if (!loop)
      return 1;
    total = 0;
    for (int i = 0; i < FNS; i++)
      tk_then(tk_async(loop, fan_out, loop), add, NULL);
    if (tk_loop_run(loop) != 0)
      return 1;
    tk_work(loop, square, (void *)3);   /* never run: tk_loop_free joins the pool */
    tk_loop_free(loop);
    intptr_t want = 0;
    for (intptr_t i = 0; i < JOBS; i++)
      want += i * i;
    for (intptr_t i = 0; i < 8; i++)
      want += i * i;
    if (failures || total != FNS * want) {
      fprintf(stderr, "tsan_pool: round %d: total %ld, want %ld, failures %d\n", round,
              (long)total, (long)(FNS * want), failures);
      return 1;
    }
  }
  puts("tsan_pool: ok");
  return 0;
}
