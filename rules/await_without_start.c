/* await-without-start: waiting for a ticket that was never issued.
 *
 * ## What it does
 * Reports an await (`tk_await`, `MPI_Wait`, `pthread_join`), an await of a whole array or
 * a hand-over to a consuming call (`tk_then`) of a ticket variable that holds no ticket on
 * some path: a local declared and never started, one set to `NULL` (or
 * `MPI_REQUEST_NULL`), or one on the branch where a null test said it is null. A note says
 * where it got no ticket.
 *
 * ## Why is this bad?
 * You walk up to the counter and ask for the coffee of a ticket you never got, because the
 * order was only placed on the other branch. At best the runtime says "invalid argument"
 * (`tk_await(NULL, ...)` returns `TK_EINVAL`) and the error is ignored; at worst the handle
 * is uninitialised memory and the wait reads garbage or blocks forever.
 *
 * ## Example
 * ```c
 * tk_promise *p = NULL;
 * if (want_thumbnail)
 *   p = tk_async(loop, render, img);
 * save(img);
 * tk_await(p, NULL);          // p is NULL when want_thumbnail is 0
 * ```
 *
 * ## Use instead
 * ```c
 * tk_promise *p = NULL;
 * if (want_thumbnail)
 *   p = tk_async(loop, render, img);
 * save(img);
 * if (p)
 *   tk_await(p, NULL);
 * ```
 * A test of the same condition (`if (want_thumbnail) tk_await(p, NULL);`) is fine too: the
 * analysis follows correlated branches.
 *
 * ## Known limitations
 * The analysis does not count loop iterations: a ticket started only inside a loop and
 * awaited after it is reported, since the loop may run zero times. Array elements are one
 * summarised slot and are reported only when no element is started anywhere in the
 * function.
 * Detaching a never-issued ticket is harmless (`tk_detach(NULL)` does nothing) and is not
 * reported. A null pointer to tickets (`MPI_Request *reqs = NULL`) points at no ticket: an
 * await of the whole array through it is not reported (MPI defines `MPI_Waitall(0, NULL,
 * ...)`; with a nonzero count it is a null dereference, which this rule does not claim).
 */
#include "lifecycle.h"
#include "rule_docs.h"

/* State: the shared lifecycle lattice (analyzer/lifecycle.h), one fact per slot. */

/* ---- messages ---------------------------------------------------------------------- */

static void note_unissued(struct tl_rctx *cx, struct tl_diag *d, const struct tl_func *fn,
                          tl_slot_id s, const struct tl_lc_fact *f) {
  const char *name = tl_lc_slot_name(fn, s);
  if (!f->unissued) return;
  switch ((enum tl_lc_why)f->why) {
  case TL_LC_WHY_NULL:
    tl_note(cx, d, *f->unissued, "'%s' is set to null here", name);
    break;
  case TL_LC_WHY_TEST:
    tl_note(cx, d, *f->unissued, "'%s' is null on this branch of the test", name);
    break;
  default:
    tl_note(cx, d, *f->unissued, "'%s' is declared here and no ticket is stored in it", name);
    break;
  }
}

/* Slot s holds no ticket on some path; an array summary only when no element is started
 * anywhere in the function (a loop that fills it may, for all we know, run zero times). */
static int unissued(const struct tl_lc *lc, tl_slot_id s) {
  const struct tl_lc_fact *f = tl_lc_fact(lc, s);
  if (!tl_lc_slot_summary(lc->fn, s)) return (f->states & TL_LC_NOT_ISSUED) != 0;
  return f->states == TL_LC_NOT_ISSUED && !tl_lc_slot_ever_started(lc->fn, s);
}

/* ---- handlers ---------------------------------------------------------------------- */

static void on_await(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_slot_id t = ev->ticket;
  if (t != TL_SLOT_NONE && t < lc.fn->nslots && tl_rctx_reporting(cx)) {
    for (tl_slot_id s = t; s < lc.fn->nslots; s++) {
      if (!tl_lc_slot_within(lc.fn, s, t) || !unissued(&lc, s)) continue;
      /* a whole-array await names the array's elements, a single await its ticket */
      if (ev->kind == TL_EV_AWAIT_ALL ? !tl_lc_slot_summary(lc.fn, s) : s != t) continue;
      const struct tl_lc_fact *f = tl_lc_fact(&lc, s);
      struct tl_diag *d = tl_report(cx, ev->loc, "'%s' waits for '%s', which was never "
                                    "issued", tl_lc_callee(ev), tl_lc_slot_name(lc.fn, s));
      note_unissued(cx, d, lc.fn, s, f);
      break;
    }
  }
  tl_lc_event(cx, facts, ev);
}

const struct tl_rule tl_rule_await_without_start = {
  .id = "await-without-start",
  .summary = "a ticket variable is awaited on a path where no ticket was ever issued into it",
  .doc = tl_rule_doc_await_without_start,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct tl_lc_fact),
  .init = tl_lc_init,
  .handlers = {
    [TL_EV_START] = tl_lc_event,
    [TL_EV_CREATE] = tl_lc_event,
    [TL_EV_AWAIT] = on_await,
    [TL_EV_AWAIT_ALL] = on_await,
    [TL_EV_POLL] = tl_lc_event,
    [TL_EV_READ] = tl_lc_event,
    [TL_EV_DETACH] = tl_lc_event,
    [TL_EV_CONSUME] = on_await,
    [TL_EV_ESCAPE] = tl_lc_event,
    [TL_EV_BLOCKING] = tl_lc_event,   /* a run of the event loop hands callbacks' tickets in */
    [TL_EV_ASSIGN] = tl_lc_event,
    [TL_EV_CALL] = tl_lc_event,
    [TL_EV_RETURN] = tl_lc_event,
  },
  .edge = tl_lc_edge,
  .join = tl_lc_join,
};
