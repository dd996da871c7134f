/* mixed.c — a little of everything, lowered and verified by test_front_clang. */
#include <assert.h>
#include <stdlib.h>

#include "ticket.h"

struct batch {
  tk_promise *ps[8];
  size_t n;
};

static tk_loop *loop;

static int fetch(void *arg, void **result) {
  *result = arg;
  return 0;
}

TK_ASYNC static int fan_out(void *arg, void **result) {
  struct batch *b = arg;
  for (size_t i = 0; i < b->n; i++) b->ps[i] = tk_async(loop, fetch, NULL);
  int rc = tk_await_all(b->ps, b->n, NULL);
  *result = NULL;
  return rc < 0 ? rc : 0;
}

int drain(tk_promise **ps, int n) {
  int bad = 0;
  for (int i = 0; i < n; i++) {
    switch (tk_state(ps[i])) {
    case TK_PENDING:
      continue;
    case TK_REJECTED:
      bad++;
      /* fall through */
    default:
      tk_detach(ps[i]);
    }
  }
  assert(bad >= 0);
  if (bad > n) abort();
  return bad;
}

int main(void) {
  loop = tk_loop_new();
  if (!loop) return 1;
  struct batch b = {.n = 2};
  tk_promise *t = tk_async(loop, fan_out, &b);
  tk_detach(t);
  int rc = tk_loop_run(loop);
  tk_loop_free(loop);
  return rc;
}
