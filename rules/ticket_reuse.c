/* ticket-reuse: a new ticket is stored over one that is still pending.
 *
 * ## What it does
 * Reports a call that issues a ticket into a variable (or struct field) that may still
 * hold an earlier ticket nobody handed in: the earlier ticket is lost. Typical cases are
 * one `MPI_Request` reused for two `MPI_Isend`s, and a loop that starts into the same
 * variable each iteration but awaits only after the loop. The finding is at the second
 * start, with a note at the first.
 *
 * ## Why is this bad?
 * You place a second order and write its number over the first ticket. The first coffee
 * is still being made, but the only proof you ordered it is gone: it can never be
 * collected, its errors are never seen, and whatever buffer it uses stays lent to it while
 * your code believes it is free.
 *
 * ## Example
 * ```c
 * MPI_Request req;
 * MPI_Isend(a, n, MPI_INT, 1, 0, comm, &req);
 * MPI_Isend(b, n, MPI_INT, 1, 1, comm, &req);   // the first send's request is lost
 * MPI_Wait(&req, MPI_STATUS_IGNORE);
 * ```
 *
 * ## Use instead
 * ```c
 * MPI_Request reqs[2];
 * MPI_Isend(a, n, MPI_INT, 1, 0, comm, &reqs[0]);
 * MPI_Isend(b, n, MPI_INT, 1, 1, comm, &reqs[1]);
 * MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
 * ```
 * Starting into the same variable in a loop is fine when each iteration awaits (or
 * detaches, or stores elsewhere) the ticket before the next start; so is copying it out
 * first (`all[i] = t;`).
 *
 * A start whose model says `refetch` hands out the head of its owner's queue
 * (`io_uring_peek_cqe`): while the ticket fetched last into the same place is pending and
 * nobody read it since, it returns that same ticket, and nothing is lost (`wait_cqes(ring,
 * &cqe, ...)`, then `while (!io_uring_peek_cqe(ring, &cqe)) { ...; seen }`). Once the first
 * ticket was read (`cqe->res`), fetching again into the place is reported: the code takes
 * the same completion for a new one.
 *
 * ## Known limitations
 * Array elements are one summarised slot, and starts into them are never reported: filling
 * `reqs[i]` in a loop cannot be told from starting into the same element twice. The
 * runtime cannot see the reuse itself; it reports the lost ticket as `unawaited-ticket` at
 * the first start when the loop ends.
 */
#include "lifecycle.h"
#include "rule_docs.h"

/* State: the shared lifecycle lattice (analyzer/lifecycle.h), one fact per slot. */

/* ---- messages ---------------------------------------------------------------------- */

static void report_reuse(struct tl_rctx *cx, const struct tl_func *fn,
                         const struct tl_event *ev, const struct tl_event *first) {
  struct tl_diag *d = tl_report(cx, ev->loc, "'%s' issues a ticket into '%s' while its "
                                "previous ticket is still pending", tl_lc_callee(ev),
                                tl_lc_slot_name(fn, ev->ticket));
  tl_note(cx, d, first->loc, "the previous ticket was issued here by '%s'",
          tl_lc_callee(first));
}

/* ---- refetching the head of a queue ---------------------------------------------------- */

#define REFETCH_BLOCKS_MAX 64

/* 1 when event ev reads or writes slot t, or something inside it. */
static int touches(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id t) {
  tl_slot_id w[3] = {ev->ticket, ev->dst, ev->aux};
  for (int k = 0; k < 3; k++)
    if (w[k] != TL_SLOT_NONE && tl_lc_slot_within(fn, w[k], t)) return 1;
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (tl_lc_slot_within(fn, ev->uses[i], t)) return 1;
  return 0;
}

/* Walking back from a fetch: 1 when ev ends the path well (it fetched into t, or handed
 * t's ticket in: what was there is not pending from before it), -1 when it touches t, 0 to
 * go on. */
static int step_back(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id t) {
  if (ev->kind == TL_EV_START && ev->ticket == t) return 1;
  if ((ev->kind == TL_EV_AWAIT || ev->kind == TL_EV_CONSUME || ev->kind == TL_EV_DETACH) &&
      ev->ticket == t)
    return 1;
  return touches(fn, ev, t) ? -1 : 0;
}

/* 1 when no path that reaches event ev (in block b) from the last fetch into t (or a
 * hand-in of it) reads or writes t on the way: a `refetch` start then gets the same ticket
 * again. Searched backwards, at most REFETCH_BLOCKS_MAX blocks (past it: 0). */
static int unread_since_fetch(const struct tl_func *fn, uint32_t b, const struct tl_event *ev,
                              tl_slot_id t) {
  uint32_t seen[REFETCH_BLOCKS_MAX], nseen = 0, todo[REFETCH_BLOCKS_MAX], ntodo = 0;
  uint32_t end = (uint32_t)(ev - fn->blocks[b].events);
  seen[nseen++] = b;
  for (;;) {
    const struct tl_block *blk = &fn->blocks[b];
    int done = 0;
    for (uint32_t i = end; i-- > 0 && !done;) {
      int r = step_back(fn, &blk->events[i], t);
      if (r < 0) return 0;
      done = r;
    }
    if (!done) {
      for (uint32_t p = 0; p < blk->npreds; p++) {
        uint32_t pb = blk->preds[p], k = 0;
        while (k < nseen && seen[k] != pb) k++;
        if (k < nseen) continue;
        if (nseen == REFETCH_BLOCKS_MAX || pb >= fn->nblocks) return 0;
        const struct tl_cond *c = &fn->blocks[pb].cond;
        for (uint32_t i = 0; i < c->nuses; i++)
          if (tl_lc_slot_within(fn, c->uses[i], t)) return 0;    /* `if (cqe->res < 0)` */
        seen[nseen++] = todo[ntodo++] = pb;
      }
    }
    if (ntodo == 0) return 1;
    b = todo[--ntodo];
    end = fn->blocks[b].nevents;
  }
}

/* 1 when ev is a `refetch` start into t of the owner of the ticket pending there, read by
 * nobody since it was fetched: the same ticket comes back. */
static int refetches(const struct tl_func *fn, const struct tl_event *ev,
                     const struct tl_lc_fact *f) {
  if (!ev->model || !ev->model->refetch || !ev->owner || !f->origin->owner ||
      tl_slot_root(fn, ev->owner) != tl_slot_root(fn, f->origin->owner))
    return 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (ev >= blk->events && ev < blk->events + blk->nevents)
      return unread_since_fetch(fn, b, ev, ev->ticket);
  }
  return 0;
}

/* ---- handlers ---------------------------------------------------------------------- */

static void on_start(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_slot_id t = ev->ticket;
  if (t != TL_SLOT_NONE && t < lc.fn->nslots && tl_rctx_reporting(cx) &&
      lc.fn->slots[tl_slot_root(lc.fn, t)].kind != TL_SLOT_TEMP &&
      !tl_lc_slot_summary(lc.fn, t)) {
    const struct tl_lc_fact *f = tl_lc_fact(&lc, t);
    /* lost only when no copy (`all[i] = t`, `saved = t`) still holds it */
    if ((f->states & TL_LC_PENDING) && f->origin && !tl_lc_alias_pending(&lc, f, t) &&
        !refetches(lc.fn, ev, f))
      report_reuse(cx, lc.fn, ev, f->origin);
  }
  tl_lc_event(cx, facts, ev);
}

const struct tl_rule tl_rule_ticket_reuse = {
  .id = "ticket-reuse",
  .summary = "a ticket is issued into a variable whose previous ticket is still pending",
  .doc = tl_rule_doc_ticket_reuse,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct tl_lc_fact),
  .init = tl_lc_init,
  .handlers = {
    [TL_EV_START] = on_start,
    [TL_EV_CREATE] = tl_lc_event,
    [TL_EV_AWAIT] = tl_lc_event,
    [TL_EV_AWAIT_ALL] = tl_lc_event,
    [TL_EV_POLL] = tl_lc_event,
    [TL_EV_READ] = tl_lc_event,
    [TL_EV_DETACH] = tl_lc_event,
    [TL_EV_CONSUME] = tl_lc_event,
    [TL_EV_ESCAPE] = tl_lc_event,
    [TL_EV_BLOCKING] = tl_lc_event,   /* a run of the event loop hands callbacks' tickets in */
    [TL_EV_ASSIGN] = tl_lc_event,
    [TL_EV_CALL] = tl_lc_event,
    [TL_EV_RETURN] = tl_lc_event,
  },
  .edge = tl_lc_edge,
  .join = tl_lc_join,
};
