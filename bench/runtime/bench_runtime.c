/* bench_runtime — what an await and a context switch cost in the reference runtime.
 *
 *   awaits/s (fulfilled)   tk_await() of a ticket already fulfilled (tk_promise_new +
 *                          tk_resolve + tk_await): the fast path, no switch
 *   awaits/s (tk_async)    tk_await() of a trivial async function: issue, start a coroutine,
 *                          run it, settle, resume the awaiter (two round trips)
 *   yield ns (tk_sleep 0)  an async function awaiting tk_sleep(loop, 0): one loop turn
 *   switch ns              one raw fiber switch (half of a loop -> coroutine -> loop trip)
 *
 * Usage: bench_runtime [iterations]   (default 1000000)
 */
#include "ticket.h"
#include "fiber.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct bench {
  tk_loop *loop;
  long n;
  double seconds;
} bench;

static int await_fulfilled(void *arg, void **result) {
  bench *b = arg;
  (void)result;
  double t0 = now_s();
  for (long i = 0; i < b->n; i++) {
    tk_promise *p = tk_promise_new(b->loop);
    tk_resolve(p, p);
    void *v;
    if (tk_await(p, &v) != 0)
      return TK_EFAILED;
  }
  b->seconds = now_s() - t0;
  return 0;
}

static int trivial(void *arg, void **result) {
  *result = arg;
  return 0;
}

static int await_async(void *arg, void **result) {
  bench *b = arg;
  (void)result;
  double t0 = now_s();
  for (long i = 0; i < b->n; i++)
    if (tk_await(tk_async(b->loop, trivial, NULL), NULL) != 0)
      return TK_EFAILED;
  b->seconds = now_s() - t0;
  return 0;
}

static int await_sleep0(void *arg, void **result) {
  bench *b = arg;
  (void)result;
  double t0 = now_s();
  for (long i = 0; i < b->n; i++)
    if (tk_await(tk_sleep(b->loop, 0), NULL) != 0)
      return TK_EFAILED;
  b->seconds = now_s() - t0;
  return 0;
}

static double run(tk_fn fn, long n) {
  bench b = {tk_loop_new(), n, 0};
  if (!b.loop)
    return -1;
  tk_detach(tk_async(b.loop, fn, &b));
  tk_loop_run(b.loop);
  tk_loop_free(b.loop);
  return b.seconds;
}

/* Raw switches through the runtime's fiber layer (internal API, see runtime/fiber.h). */
static tk__fiber main_fiber, coro_fiber;
static long switch_count;

static void ping(void) {
  tk__fiber_enter(&coro_fiber);
  for (;;)
    tk__fiber_switch(&coro_fiber, &main_fiber);
}

static double raw_switch_ns(long n) {
  tk__stack stack;
  if (tk__stack_map(&stack, 64 * 1024) != 0)
    return -1;
  tk__fiber_thread(&main_fiber);
  if (tk__fiber_init(&coro_fiber, &stack, ping, &main_fiber) != 0)
    return -1;
  double t0 = now_s();
  for (switch_count = 0; switch_count < n; switch_count++)
    tk__fiber_switch(&main_fiber, &coro_fiber);
  double s = now_s() - t0;
  tk__fiber_close(&coro_fiber);
  tk__stack_unmap(&stack);
  return s * 1e9 / (2.0 * (double)n);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  if (n <= 0)
    n = 1000000;
  double fulfilled = run(await_fulfilled, n);
  double async = run(await_async, n / 4 ? n / 4 : 1);
  double sleep0 = run(await_sleep0, n / 4 ? n / 4 : 1);
  double sw = raw_switch_ns(n);
  printf("awaits/s (fulfilled):  %.0f\n", (double)n / fulfilled);
  printf("awaits/s (tk_async):   %.0f\n", (double)(n / 4) / async);
  printf("yield ns (tk_sleep 0): %.1f\n", sleep0 > 0 ? sleep0 * 1e9 / (double)(n / 4) : 0);
  printf("switch ns:             %.1f\n", sw);
  return 0;
}
