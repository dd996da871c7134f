/* double-await: a ticket is handed in a second time.
 *
 * ## What it does
 * Reports an await (`tk_await`, `MPI_Wait`, `pthread_join`), an await of a whole array
 * (`tk_await_all`, `MPI_Waitall`), a hand-over to a consuming call (`tk_then`) or a detach
 * of a ticket that may already have been collected on some path: awaited, consumed or
 * detached before. The finding is at the second hand-in, with a note at the first. Copies
 * of a ticket (`t2 = t`) are the same ticket.
 *
 * ## Why is this bad?
 * A ticket is exchanged for one coffee. Once you collected it, the counter has torn the
 * ticket up; waving it again gets you someone else's order or a shrug. Runtimes free or
 * reuse a collected handle: a second `tk_await` reads a released ticket, a second
 * `MPI_Wait` waits on whatever request now has that slot, a second `pthread_join` is
 * undefined behaviour.
 *
 * ## Example
 * ```c
 * tk_promise *p = tk_async(loop, job, NULL);
 * int rc = tk_await(p, &v);
 * if (rc != 0)
 *   rc = tk_await(p, &v);    // retrying a collected ticket
 * ```
 *
 * ## Use instead
 * ```c
 * tk_promise *p = tk_async(loop, job, NULL);
 * int rc = tk_await(p, &v);
 * if (rc != 0) {
 *   p = tk_async(loop, job, NULL);   // a retry is a new order with a new ticket
 *   rc = tk_await(p, &v);
 * }
 * ```
 *
 * ## Known limitations
 * Array elements are one summarised slot, so awaiting `reqs[i]` twice in a loop cannot be
 * told from awaiting each element once: on elements only a whole-array await after the
 * elements were collected, or an element awaited after a whole-array await, is reported,
 * and only when nothing was started into the array in between on any path (also a path the
 * analysis keeps apart: the one that skips a loop of starts, which a counted loop never
 * takes). Rows of a two-dimensional array (`tk_await_all(rows[i], ...)`) are never
 * reported. Reading a collected ticket (`tk_value`, `tk_state`) is not reported here.
 */
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "rule_docs.h"

/* State: the shared lifecycle lattice (analyzer/lifecycle.h), one fact per slot. */

#define HANDED_IN (TL_LC_COLLECTED | TL_LC_DETACHED)

/* ---- messages ---------------------------------------------------------------------- */

static void note_first(struct tl_rctx *cx, struct tl_diag *d, const struct tl_event *first) {
  if (!first) return;
  switch (first->kind) {
  case TL_EV_DETACH:
    tl_note(cx, d, first->loc, "detached here by '%s'", tl_lc_callee(first));
    break;
  case TL_EV_CONSUME:
    tl_note(cx, d, first->loc, "handed to '%s' here", tl_lc_callee(first));
    break;
  case TL_EV_AWAIT_ALL:
    tl_note(cx, d, first->loc, "collected here with its array by '%s'", tl_lc_callee(first));
    break;
  default:
    tl_note(cx, d, first->loc, "first collected here by '%s'", tl_lc_callee(first));
    break;
  }
}

/* Where event ev lies in fn: its block and index; 0 when it is no event of fn. */
static int event_pos(const struct tl_func *fn, const struct tl_event *ev, uint32_t *b,
                     uint32_t *i) {
  for (uint32_t k = 0; k < fn->nblocks; k++) {
    const struct tl_block *blk = &fn->blocks[k];
    if (blk->nevents && ev >= blk->events && ev < blk->events + blk->nevents) {
      *b = k;
      *i = (uint32_t)(ev - blk->events);
      return 1;
    }
  }
  return 0;
}

/* Marks in `seen` every block reachable from the successors of block `from` without passing
 * through block `stop` (marked when reached, not left; each block is pushed once: `stack`
 * holds nblocks ids). */
static void mark_reachable(const struct tl_func *fn, uint32_t from, uint32_t stop,
                           unsigned char *seen, uint32_t *stack) {
  uint32_t n = 0, b = from;
  for (;;) {
    for (uint32_t k = 0; k < fn->blocks[b].nsuccs; k++) {
      uint32_t s = fn->blocks[b].succs[k];
      if (s < fn->nblocks && !seen[s]) {
        seen[s] = 1;
        if (s != stop) stack[n++] = s;
      }
    }
    if (!n) return;
    b = stack[--n];
  }
}

/* 1 when some path from event `first` (at fb:fi) to event `ev` (at eb:ei) passes a START into
 * the array whose summarised element is `elem`, without passing `first` again (or on out of
 * memory: then say nothing). The element slot is "the element touched last"; the engine
 * keeps paths apart by their branch conditions, so the path that skips a loop of starts
 * (`for (i = 0; i < N; i++) MPI_Irecv(..., &r[i]);`, which runs when N > 0) reaches the
 * second await alone, with the array still collected. Another element may have been started
 * there: a whole-array await is only a second hand-in when no path between the two starts
 * anything into the array. */
static int started_between(const struct tl_func *fn, const struct tl_event *first,
                           const struct tl_event *ev, tl_slot_id elem) {
  uint32_t fb, fi, eb, ei;
  if (!first || !event_pos(fn, first, &fb, &fi) || !event_pos(fn, ev, &eb, &ei)) return 0;
  tl_slot_id array = fn->slots[elem].parent;
  unsigned char *after = calloc(fn->nblocks, 1), *before = calloc(fn->nblocks, 1);
  uint32_t *stack = calloc(fn->nblocks + 1, sizeof *stack);
  int found = 1;
  if (!after || !before || !stack) goto done;
  found = 0;
  mark_reachable(fn, fb, UINT32_MAX, after, stack);
  for (uint32_t b = 0; b < fn->nblocks && !found; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    for (uint32_t i = 0; i < blk->nevents && !found; i++) {
      const struct tl_event *st = &blk->events[i];
      if (st->kind != TL_EV_START || !tl_lc_slot_within(fn, st->ticket, array)) continue;
      if (!(after[b] || (b == fb && i > fi))) continue;          /* after the first */
      int first_next = b == fb && i < fi;                         /* first follows it here */
      if (b == eb && i < ei && !(first_next && fi < ei)) {       /* ev follows it here */
        found = 1;
        break;
      }
      if (first_next) continue;
      memset(before, 0, fn->nblocks);
      mark_reachable(fn, b, fb, before, stack);
      found = before[eb] && (eb != fb || ei < fi);
    }
  }
done:
  free(after);
  free(before);
  free(stack);
  return found;
}

/* The summarised element slot s lies in: s itself or its nearest ELEM ancestor. */
static tl_slot_id elem_of(const struct tl_func *fn, tl_slot_id s) {
  while (s != TL_SLOT_NONE && s < fn->nslots && fn->slots[s].kind != TL_SLOT_ELEM) {
    if (fn->slots[s].parent >= s) return TL_SLOT_NONE;
    s = fn->slots[s].parent;
  }
  return s;
}

/* Does slot s hold a ticket that is (summaries: must be) already handed in, as seen by
 * the hand-in ev? */
static int collected(const struct tl_lc *lc, tl_slot_id s, const struct tl_event *ev) {
  const struct tl_lc_fact *f = tl_lc_fact(lc, s);
  if (!(f->states & HANDED_IN)) return 0;
  /* An await of `some` of an array (MPI_Waitany) skips what is already complete. */
  if (ev->model && ev->model->some) return 0;
  /* A completing poll said done: waiting on the handle then returns at once (model
   * `completes`: MPI_Test sets it to MPI_REQUEST_NULL). Freeing it is still a second
   * hand-in. */
  if (f->collect && f->collect->kind == TL_EV_POLL &&
      (ev->kind == TL_EV_AWAIT || ev->kind == TL_EV_AWAIT_ALL))
    return 0;
  if (!tl_lc_slot_summary(lc->fn, s)) return 1;
  if (tl_lc_slot_in_summary(lc->fn, s)) return 0;     /* `rows[1]` after `rows[0]` */
  /* An element slot is "the element touched last", handed in on every path: a whole-array
   * await after it is a second hand-in; a single element after a whole-array await too;
   * a single element after a single element may be another element. */
  if (f->states & ~(uint32_t)HANDED_IN) return 0;
  if (ev->kind != TL_EV_AWAIT_ALL && !(f->collect && f->collect->kind == TL_EV_AWAIT_ALL))
    return 0;
  tl_slot_id e = elem_of(lc->fn, s);
  return e == TL_SLOT_NONE || !started_between(lc->fn, f->collect, ev, e);
}

/* ---- handlers ---------------------------------------------------------------------- */

static void on_hand_in(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_slot_id t = ev->ticket;
  if (t != TL_SLOT_NONE && t < lc.fn->nslots && tl_rctx_reporting(cx)) {
    for (tl_slot_id s = t; s < lc.fn->nslots; s++) {
      if (!tl_lc_slot_within(lc.fn, s, t) || !collected(&lc, s, ev)) continue;
      /* a whole-array await names the array's elements, a single await its ticket */
      if (ev->kind == TL_EV_AWAIT_ALL ? !tl_lc_slot_summary(lc.fn, s) : s != t) continue;
      const struct tl_lc_fact *f = tl_lc_fact(&lc, s);
      struct tl_diag *d = tl_report(cx, ev->loc, "'%s' on ticket '%s', which is already "
                                    "collected", tl_lc_callee(ev), tl_lc_slot_name(lc.fn, s));
      note_first(cx, d, f->collect);
      break;
    }
  }
  tl_lc_event(cx, facts, ev);
}

const struct tl_rule tl_rule_double_await = {
  .id = "double-await",
  .summary = "a ticket is awaited, consumed or detached after it was already collected",
  .doc = tl_rule_doc_double_await,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct tl_lc_fact),
  .init = tl_lc_init,
  .handlers = {
    [TL_EV_START] = tl_lc_event,
    [TL_EV_CREATE] = tl_lc_event,
    [TL_EV_AWAIT] = on_hand_in,
    [TL_EV_AWAIT_ALL] = on_hand_in,
    [TL_EV_POLL] = tl_lc_event,
    [TL_EV_READ] = tl_lc_event,
    [TL_EV_DETACH] = on_hand_in,
    [TL_EV_CONSUME] = on_hand_in,
    [TL_EV_ESCAPE] = tl_lc_event,
    [TL_EV_BLOCKING] = tl_lc_event,   /* a run of the event loop hands callbacks' tickets in */
    [TL_EV_ASSIGN] = tl_lc_event,
    [TL_EV_CALL] = tl_lc_event,
    [TL_EV_RETURN] = tl_lc_event,
  },
  .edge = tl_lc_edge,
  .join = tl_lc_join,
};
