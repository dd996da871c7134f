/* blocking-in-async: the barista who stops serving to wait for the milk.
 *
 * ## What it does
 * Reports a call that blocks the thread (model `blocking`: `usleep`, `poll`, `read`,
 * `sem_wait`...; an await that does not suspend: `pthread_join`, `MPI_Wait`; or a start
 * made synchronous by a NULL callback, model `blocks-without-callback`: `uv_fs_*`) made on
 * the loop thread: in an async function, in a loop callback (`tk_then`'s callback), or in
 * a helper that only such functions call (`analyzer/asyncctx.h`). The finding is at the
 * blocking call. When the loop reaches it through a helper that also runs elsewhere (it
 * is called from `main` too, or runs on a worker), the helper's blocking call is fine in
 * itself, so the finding is at the call in the function on the loop instead, with a note
 * at each call of the chain down to the blocking call. A timer (`usleep`, `nanosleep`) is
 * no exception: on the loop it freezes it just the same.
 *
 * ## Why is this bad?
 * One cashier serves every customer. An async function that sleeps, reads a socket or
 * joins a thread keeps the loop thread for itself: no other ticket makes progress, timers
 * fire late, and with enough of them the shop serves one customer at a time.
 *
 * ## Example
 * ```c
 * TK_ASYNC static int barista(void *arg, void **result) {
 *   ...
 *   usleep(120000);                       // the whole shop waits 120 ms
 *   ...
 * }
 * ```
 *
 * ## Use instead
 * ```c
 * TK_ASYNC static int barista(void *arg, void **result) {
 *   ...
 *   int err = tk_await(tk_sleep(loop, 120), NULL);             // a timer: the loop serves on
 *   err = tk_await(tk_work(loop, grind, NULL), &beans);        // or blocking work on a worker
 *   ...
 * }
 * ```
 * Blocking in `main` before or after the loop runs, or in a function run on a worker
 * (`tk_work`'s function, a thread's start routine), is fine.
 *
 * ## Known limitations
 * Only calls the models know as blocking are seen: a busy loop spinning on the clock, or
 * a long computation, blocks the loop as much and is not reported (the runtime's checked
 * mode measures it). Only direct calls in the file are followed: a blocking function
 * reached through a function pointer or another file is not seen, and a helper used only
 * through a pointer is not known to run on the loop. An extern helper called here only
 * from the loop is taken to run only there.
 */
#include <stdio.h>
#include <string.h>

#include "asyncctx.h"
#include "rule.h"
#include "rule_docs.h"

/* State: none of its own; the unit's async context (asyncctx.h). */

/* ---- messages -------------------------------------------------------------------------- */

/* "," after a description ending in a relative clause ("'f', which runs on the loop"). */
static const char *comma(const char *where) {
  return strstr(where, ", which") ? "," : "";
}

static const char *advice(const struct tl_event *ev) {
  return ev->model && ev->model->timer ? "await a timer instead" : "run it on a worker instead";
}

static const char *fn_name(const struct tl_asyncctx *ac, uint32_t f) {
  return f < ac->nfuncs && ac->unit->funcs[f].name ? ac->unit->funcs[f].name : "?";
}

/* Notes from helper g down to its blocking call, one per call of the chain. */
static void note_chain(struct tl_rctx *cx, struct tl_diag *d, const struct tl_asyncctx *ac,
                       uint32_t g) {
  for (uint32_t steps = 0; g < ac->nfuncs && ac->fns[g].blocks && steps <= ac->nfuncs;
       steps++) {
    const struct tl_actx_fn *a = &ac->fns[g];
    if (a->via_fn >= ac->nfuncs) {
      tl_note(cx, d, a->via->loc, "'%s' blocks the thread here",
              a->via->callee ? a->via->callee : "?");
      return;
    }
    tl_note(cx, d, a->via->loc, "'%s' calls '%s' here", fn_name(ac, g), fn_name(ac, a->via_fn));
    g = a->via_fn;
  }
}

/* The blocking call at the end of helper g's chain. */
static const struct tl_event *chain_end(const struct tl_asyncctx *ac, uint32_t g) {
  for (uint32_t steps = 0; g < ac->nfuncs && ac->fns[g].blocks && steps <= ac->nfuncs;
       steps++) {
    if (ac->fns[g].via_fn >= ac->nfuncs) return ac->fns[g].via;
    g = ac->fns[g].via_fn;
  }
  return NULL;
}

/* ---- the function hook ----------------------------------------------------------------- */

static void check_event(struct tl_rctx *cx, const struct tl_asyncctx *ac, uint32_t f,
                        const struct tl_event *ev) {
  char where[256];
  if (ev->model && (tl_model_fn_blocks(ev->model) || ev->kind == TL_EV_BLOCKING)) {
    tl_asyncctx_describe(ac, f, where, sizeof where);
    tl_report(cx, ev->loc, "blocking call '%s' in %s%s blocks the loop; %s",
              ev->callee ? ev->callee : "?", where, comma(where), advice(ev));
    return;
  }
  if (ev->kind != TL_EV_CALL) return;
  uint32_t g = tl_asyncctx_find(ac, ev->callee);
  const struct tl_event *end = g < ac->nfuncs && ac->fns[g].blocks ? chain_end(ac, g) : NULL;
  if (!end) return;
  tl_asyncctx_describe(ac, f, where, sizeof where);
  struct tl_diag *d = tl_report(cx, ev->loc, "call to '%s' in %s%s blocks the loop: it "
                                "reaches blocking call '%s'; %s", fn_name(ac, g), where,
                                comma(where), end->callee ? end->callee : "?", advice(end));
  note_chain(cx, d, ac, g);
}

static void check_function(struct tl_rctx *cx, const struct tl_func *fn) {
  const struct tl_asyncctx *ac = tl_asyncctx_of(cx);
  uint32_t f = tl_asyncctx_index(ac, fn);
  if (!ac || f >= ac->nfuncs || !ac->fns[f].loop) return;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++)
      check_event(cx, ac, f, &fn->blocks[b].events[i]);
}

const struct tl_rule tl_rule_blocking_in_async = {
  .id = "blocking-in-async",
  .summary = "a call that blocks the thread, made on the loop (in an async function or a "
             "loop callback)",
  .doc = tl_rule_doc_blocking_in_async,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .function = check_function,
};
