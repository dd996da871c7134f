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

/* ---- handlers ---------------------------------------------------------------------- */

static void on_start(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_slot_id t = ev->ticket;
  if (t != TL_SLOT_NONE && t < lc.fn->nslots && tl_rctx_reporting(cx) &&
      lc.fn->slots[tl_slot_root(lc.fn, t)].kind != TL_SLOT_TEMP &&
      !tl_lc_slot_summary(lc.fn, t)) {
    const struct tl_lc_fact *f = tl_lc_fact(&lc, t);
    /* lost only when no copy (`all[i] = t`, `saved = t`) still holds it */
    if ((f->states & TL_LC_PENDING) && f->origin && !tl_lc_alias_pending(&lc, f, t))
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
