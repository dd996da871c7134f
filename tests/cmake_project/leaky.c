/* leaky.c — one finding: a ticket issued and never awaited (line 11). */
#include "demo.h"

static int work(void *arg, void **result) {
  (void)arg;
  *result = 0;
  return 0;
}

#if DEMO_FIRE_AND_FORGET
void demo_fire(tk_loop *loop) { tk_async(loop, work, 0); }
#endif
