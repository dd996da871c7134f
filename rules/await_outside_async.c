/* await-outside-async: waiting at the counter without having placed an order.
 *
 * ## What it does
 * Reports an await that suspends the calling async function (model `suspends`:
 * `tk_await`, `tk_await_all`) in a function that is not an async function: `main`, a loop
 * callback (`tk_then`'s callback), a function run on a worker (`tk_work`'s function), a
 * helper called from any of those, or a function nothing in the file calls. A function is
 * async when it carries the async marker (`TK_ASYNC`), is passed as the async function of
 * a start (`tk_async`), or is called in the file only from async functions, through any
 * chain of calls (`analyzer/asyncctx.h`). The finding is at the await; when a caller that
 * is not async makes a helper not async, a note points at that call.
 *
 * ## Why is this bad?
 * You can only wait at the counter if you placed an order. A suspending await parks the
 * async function it runs in and lets the loop serve others; outside one there is nothing
 * to park. The reference runtime returns `TK_ENOTASYNC` at once and collects nothing:
 * the value is not there, and the ticket is still pending. Code that ignores that status
 * reads garbage; code that blocks instead would freeze the loop.
 *
 * ## Example
 * ```c
 * int main(void) {
 *   tk_loop *loop = tk_loop_new();
 *   tk_promise *order = tk_async(loop, brew, NULL);
 *   void *coffee;
 *   tk_await(order, &coffee);          // main is not async: TK_ENOTASYNC
 *   ...
 * }
 * ```
 *
 * ## Use instead
 * ```c
 * int main(void) {
 *   tk_loop *loop = tk_loop_new();
 *   tk_then(tk_async(loop, brew, NULL), pick_up, NULL);   // collected by a callback
 *   return tk_loop_run(loop);
 * }
 * ```
 * or move the waiting into an async function started with `tk_async`. A plain helper
 * that awaits is fine when only async functions call it.
 *
 * ## Known limitations
 * Only direct calls in the file are followed. A function called only through a function
 * pointer, or only from another file, has no caller here and is reported unless it
 * carries the async marker: mark it. Conversely an extern helper called here only from
 * async functions is taken as async, though another file may call it from elsewhere.
 * Awaits that do not suspend (`pthread_join`, `MPI_Wait`) are blocking-in-async's
 * business, not this rule's.
 */
#include <stdio.h>

#include "asyncctx.h"
#include "rule.h"
#include "rule_docs.h"

/* State: none of its own; the unit's async context (asyncctx.h). */

/* ---- messages -------------------------------------------------------------------------- */

/* How the function's kind reads after "outside an async function: ". */
static const char *who(const struct tl_func *fn, const struct tl_actx_fn *a, char *buf,
                       size_t len) {
  const char *name = fn->name ? fn->name : "?";
  switch (a->why) {
  case TL_ACTX_CALLBACK: snprintf(buf, len, "loop callback '%s'", name); break;
  case TL_ACTX_OFFLOADED: snprintf(buf, len, "worker function '%s'", name); break;
  default: snprintf(buf, len, "'%s'", name); break;
  }
  return buf;
}

static void note_why(struct tl_rctx *cx, struct tl_diag *d, const struct tl_asyncctx *ac,
                     const struct tl_func *fn, const struct tl_actx_fn *a) {
  const char *name = fn->name ? fn->name : "?";
  if (a->why == TL_ACTX_CALLER && a->witness && a->witness_fn < ac->nfuncs) {
    const char *caller = ac->unit->funcs[a->witness_fn].name;
    tl_note(cx, d, a->witness->loc, "'%s' is called here from '%s', which is not an async "
            "function", name, caller ? caller : "?");
  } else if (a->why == TL_ACTX_UNCALLED) {
    tl_note(cx, d, fn->loc, "'%s' is not marked async, and no async function of this file "
            "calls it", name);
  }
}

/* ---- the function hook ----------------------------------------------------------------- */

static void check_function(struct tl_rctx *cx, const struct tl_func *fn) {
  const struct tl_asyncctx *ac = tl_asyncctx_of(cx);
  const struct tl_actx_fn *a = tl_asyncctx_fn(ac, fn);
  if (!a || a->async) return;
  char buf[256];
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if ((ev->kind != TL_EV_AWAIT && ev->kind != TL_EV_AWAIT_ALL) || !ev->model ||
          !ev->model->suspends)
        continue;
      struct tl_diag *d = tl_report(cx, ev->loc, "'%s' outside an async function: %s is "
                                    "not one, so the await fails at once and collects "
                                    "nothing", ev->callee ? ev->callee : "?",
                                    who(fn, a, buf, sizeof buf));
      note_why(cx, d, ac, fn, a);
    }
}

const struct tl_rule tl_rule_await_outside_async = {
  .id = "await-outside-async",
  .summary = "a suspending await in a function that is not an async function",
  .doc = tl_rule_doc_await_outside_async,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .function = check_function,
};
