/* unawaited-ticket: a ticket is issued and then never handed in.
 *
 * ## What it does
 * Reports a call that issues a ticket (`tk_async`, `MPI_Isend`, `pthread_create`...) when
 * the ticket is thrown away at the call, or kept in a local variable, a local struct field
 * or a local array and then, on some path to the end of the function (early returns and
 * error paths included), neither awaited, returned, stored into longer-lived memory,
 * handed to a consuming call (`tk_then`) nor detached. A ticket overwritten while still
 * held counts as lost too, and so does one held by a local of an inner block (`if (x) {
 * uv_write_t w; uv_write(&w, ...); }`) when the block ends: the local is gone before a later
 * `uv_run` could hand it in (a ticket its owner holds, the cqe of a ring, is not lost so).
 *
 * ## Why is this bad?
 * You ordered a coffee, took the ticket, and left the shop. The barista still makes the
 * coffee; nobody picks it up. The work runs with nobody to see its result or its error,
 * it holds its resources until the runtime gives up on it, and any buffer it lent or fills
 * may be gone by the time it finishes.
 *
 * ## Example
 * ```c
 * int fetch(tk_loop *loop) {
 *   tk_promise *p = tk_async(loop, download, NULL);
 *   if (!ready)
 *     return -1;             // leaves without awaiting p
 *   return tk_await(p, NULL);
 * }
 * ```
 *
 * ## Use instead
 * ```c
 * int fetch(tk_loop *loop) {
 *   tk_promise *p = tk_async(loop, download, NULL);
 *   if (!ready) {
 *     tk_detach(p);          // or await it: hand the ticket in on every path
 *     return -1;
 *   }
 *   return tk_await(p, NULL);
 * }
 * ```
 * A call cast to `(void)` and `tk_detach()` are explicit fire-and-forget and stay quiet,
 * as do the tickets of functions a `.ticketlint` lists as fire-and-forget by design
 * (`fire-and-forget log_async`, docs/config.md). A ticket whose operation hands it to a
 * callback (libuv's requests, `uv_close`) is waited for by running the event loop (model
 * `runs-loop`: `uv_run`): a request on the stack of a function that runs the loop before it
 * returns is fine.
 *
 * Two kinds of exit lose nothing. A ticket that belongs to an object (model `owner=`: the
 * ring of an io_uring cqe) dies with it: when the owner is a local of the function, not
 * returned, or was freed (`io_uring_queue_exit(&ring)`), its pending tickets are not lost.
 * And a path that ends the process in failure is a sink, as a call that never returns is
 * for the Clang Static Analyzer: `exit()`, `abort()`, `err()`, `__assert_fail`, any
 * `_Noreturn` or `noreturn` function; an increment of a project's failure counter
 * (`failure-counter errs` in `.ticketlint`: `errs++` records a failed run, docs/config.md);
 * `return <nonzero constant>` from `main`; and
 * `return <nonzero constant>` from a static helper whose every call in the file turns a
 * nonzero result into such an exit (`if (test_read(&ring)) return 1;` in main;
 * docs/summaries.md, "Failing exits"). Returning a variable every path leaves nonzero
 * counts as a nonzero constant (`if (ret) return ret;`, `ret = 1; goto out; out: return
 * ret;`, also when only the paths from the failing call set it), and so does a result
 * overwritten with one (`if (ret == 1) ret = T_EXIT_FAIL;` before `return ret;`). A
 * successful end (`return 0` from main) with a ticket pending, or a helper's failure that
 * one caller survives, is still reported.
 *
 * A ticket of an owner the function was handed (a cqe of the ring a helper's caller passed
 * in) does harm only at that owner's next use: an unseen cqe is returned again by the
 * ring's next wait or peek. When every caller of a static helper frees the ring, lets it
 * die or fails after the call, and never uses it again (for a nonzero return: on the
 * caller's paths where the result is nonzero; for a return right after the helper sets a
 * file-scope flag, `no_msg = 1; return 0;`: on the caller's paths where that flag is still
 * set, `if (no_msg) return T_EXIT_SKIP;`; for a return reached only when an integer
 * parameter is nonzero, `if (expect_fail && ...) return 0;`: the calls passing another
 * value than the constant 0; for a return that is 0 wherever the wait or peek issued its
 * cqe, `return ret == -EAGAIN;`: on the caller's paths where the result is 0, the false
 * side of `assert(cq_empty(&ring))`), the cqe is not reported
 * (docs/summaries.md, "Owners at rest"). A model `use` of the ring as `owner=`
 * (`io_uring_unregister_buffers`) reaps nothing and does not count as a use. One caller
 * that waits on the ring again keeps the finding at the helper. A static thread function
 * started only by `pthread_create` calls of the unit is such a helper, its callers the
 * starts and its parameter their argument (`&ring`), or the ring a pointer member of
 * it points to (`&td` with `td.ring = &ring` written once, the struct reaching nothing else).
 * A caller that only hands the ring on to the helper counts when its own callers leave
 * it at rest.
 *
 * ## Known limitations
 * An array of tickets is one summarised slot: awaiting one element counts for all of them,
 * so an array filled and then only partly awaited is missed. The analysis does not count
 * loop iterations: a ticket issued before a loop and handed in inside it is taken as
 * handed in when the loop's condition ends it, even though the loop might run zero times.
 * Functions of the same file are followed through their summaries (docs/summaries.md): a
 * helper that returns or writes out a ticket it issued is itself a start; functions of
 * other files are not followed, and a helper that runs the event loop is not taken as a run
 * of it. Tickets reached through pointers, parameters and globals belong to someone else
 * and are never reported. Two tickets from the same call that are lost on different paths
 * give one finding, with the
 * note of the first path found. A failing exit must be a constant or a variable known
 * nonzero on every path to the return, and a helper's failure is followed only through direct
 * calls branching on its result; a helper whose address is taken, or that is not `static`,
 * may have callers elsewhere and never counts. A helper's failure that the caller turns
 * into `return ret;` from main counts; one tested with `< 0` does not (a positive failure
 * code would go on).
 */
#include "config.h"
#include "lifecycle.h"
#include "rule_docs.h"
#include "summary.h"

/* State: the shared lifecycle lattice (analyzer/lifecycle.h), one fact per slot. */

/* ---- messages ---------------------------------------------------------------------- */

/* A start through a function the configuration lists as fire-and-forget: never reported. */
static int fire_and_forget(const struct tl_rctx *cx, const struct tl_event *start) {
  return start && tl_config_fire_and_forget(tl_rctx_config(cx), start->callee);
}

static struct tl_diag *report_lost(struct tl_rctx *cx, const struct tl_func *fn,
                                   tl_slot_id s, const struct tl_event *origin) {
  if (fire_and_forget(cx, origin)) return NULL;
  if (fn->slots[s].kind == TL_SLOT_TEMP)
    return tl_report(cx, origin->loc, "ticket from '%s' is never awaited",
                     tl_lc_callee(origin));
  return tl_report(cx, origin->loc, "ticket '%s' from '%s' is never awaited",
                   tl_lc_slot_name(fn, s), tl_lc_callee(origin));
}

/* 1 when slot s is the first of the slots that hold its pending ticket and all of them
 * are owned by this function: leaving the function loses the ticket. One report per
 * ticket. */
static int sole_owner(const struct tl_lc *lc, tl_slot_id s) {
  const struct tl_lc_fact *f = tl_lc_fact(lc, s);
  if (!(f->states & TL_LC_PENDING) || !f->origin || !tl_lc_slot_owned(lc->fn, s)) return 0;
  for (tl_slot_id y = 1; y < lc->fn->nslots; y++) {
    const struct tl_lc_fact *a = tl_lc_fact(lc, y);
    if (y == s || !(a->states & TL_LC_PENDING) || a->origin != f->origin) continue;
    if (y < s || !tl_lc_slot_owned(lc->fn, y)) return 0;
  }
  return 1;
}

/* 1 when the ticket of `origin` belongs to an object that dies as the function is left by
 * `ret` (NULL: the end of the body): the start names an owner (model `owner=`: the ring of a
 * cqe) that is a local object of this function, not returned. The ticket goes with it; an
 * owner abandoned without its teardown is a resource leak, not a lost ticket. */
static int owner_dies(const struct tl_func *fn, const struct tl_event *origin,
                      const struct tl_event *ret) {
  if (!origin || origin->owner == TL_SLOT_NONE || !tl_lc_slot_owned(fn, origin->owner))
    return 0;
  tl_slot_id root = tl_slot_root(fn, origin->owner);
  for (uint32_t i = 0; ret && i < ret->nuses; i++)
    if (ret->uses[i] && tl_slot_root(fn, ret->uses[i]) == root) return 0;
  return 1;
}

/* 1 when the ticket of `origin` belongs to an owner the function was handed (the ring of a
 * cqe, a parameter or what one points to) that every caller leaves at rest after the call
 * (summary.h, tl_summary_owner_rests): it frees the ring, lets it die or fails, and never
 * waits or peeks on it again. A cqe left unseen on it is never met again: no harm. When
 * `ret` returns a nonzero result, only the callers' paths that see a nonzero result count;
 * a negative constant (`return -EINVAL;`), only those that see a negative one; a return
 * right after setting a global flag (`no_msg = 1; return 0;`), only those on which the
 * flag is still set (`if (no_msg) return T_EXIT_SKIP;`); a return behind the nonzero side
 * of a branch on a parameter, only the calls that do not pass the constant 0; a return
 * that is 0 wherever the ticket was issued (`ret = io_uring_peek_cqe(ring, &cqe); return
 * ret == -EAGAIN;`), only those that see 0 (`assert(cq_empty(&ring));` fails there). */
static int owner_rests(struct tl_rctx *cx, const struct tl_func *fn,
                       const struct tl_event *origin, const struct tl_event *ret) {
  if (!origin || origin->owner == TL_SLOT_NONE) return 0;
  const struct tl_summaries *ss = tl_rctx_summaries(cx);
  if (tl_summary_owner_rests(ss, fn, origin->owner, 0)) return 1;
  if (ret && (ret->flags & (TL_F_NONZERO | TL_F_NONZERO_VAR)) &&
      tl_summary_owner_rests(ss, fn, origin->owner, 1))
    return 1;
  if (tl_summary_owner_rests_flagged(ss, fn, origin->owner, ret)) return 1;
  if (tl_summary_owner_rests_guarded(ss, fn, origin->owner, ret)) return 1;
  if (tl_lc_returns_zero_if_issued(fn, ret, origin) &&
      tl_summary_owner_rests(ss, fn, origin->owner, 3))
    return 1;
  return ret && (ret->flags & TL_F_NONZERO) && ret->value < 0 &&
         tl_summary_owner_rests(ss, fn, origin->owner, 2);
}

/* The function is left at `where`: every ticket still pending here is lost. The engine
 * keeps the paths of different branch conditions apart, so a fact that is both pending and
 * handed in comes from paths merged at a loop: handed in inside a loop that may, for all
 * the analysis knows, run zero times. Such a ticket gets the benefit of the doubt. */
static void check_exit(struct tl_rctx *cx, void *facts, const struct tl_event *ret,
                       struct tl_loc where, const char *how) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  const uint32_t given = TL_LC_COLLECTED | TL_LC_DETACHED | TL_LC_ESCAPED;
  if (!tl_rctx_reporting(cx)) return;
  for (tl_slot_id s = 1; s < lc.fn->nslots; s++) {
    if (!sole_owner(&lc, s) || (tl_lc_fact(&lc, s)->states & given) ||
        owner_dies(lc.fn, tl_lc_fact(&lc, s)->origin, ret) ||
        owner_rests(cx, lc.fn, tl_lc_fact(&lc, s)->origin, ret))
      continue;
    struct tl_diag *d = report_lost(cx, lc.fn, s, tl_lc_fact(&lc, s)->origin);
    tl_note(cx, d, where, "%s without awaiting it", how);
  }
}

/* Slot dst (and what lies inside it) is about to be overwritten, or its block ends. */
static void check_overwrite(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  if (!tl_rctx_reporting(cx) || ev->dst == TL_SLOT_NONE || ev->dst >= lc.fn->nslots) return;
  if (ev->kind == TL_EV_ASSIGN && ev->nuses == 1 && ev->uses[0] == ev->dst) return;
  for (tl_slot_id s = ev->dst; s < lc.fn->nslots; s++) {
    if (!tl_lc_slot_within(lc.fn, s, ev->dst) || tl_lc_slot_summary(lc.fn, s)) continue;
    const struct tl_lc_fact *f = tl_lc_fact(&lc, s);
    if (!(f->states & TL_LC_PENDING) || !f->origin || !tl_lc_slot_owned(lc.fn, s) ||
        tl_lc_alias_pending(&lc, f, s))
      continue;                    /* not ours, or a copy (`saved = t`) still holds it */
    if (ev->kind == TL_EV_SCOPE_END && f->origin->owner != TL_SLOT_NONE &&
        !tl_lc_slot_within(lc.fn, f->origin->owner, ev->dst))
      continue;                    /* its owner (the ring of a cqe) still holds it */
    struct tl_diag *d = report_lost(cx, lc.fn, s, tl_lc_fact(&lc, s)->origin);
    tl_note(cx, d, ev->loc, ev->kind == TL_EV_SCOPE_END
            ? "'%s' goes out of scope here while the ticket is still pending"
            : "'%s' is overwritten here while the ticket is still pending",
            tl_lc_slot_name(lc.fn, s));
  }
}

/* ---- handlers ---------------------------------------------------------------------- */

static int discarded(const struct tl_event *ev) {
  return (ev->flags & TL_F_DISCARDED) && !(ev->flags & TL_F_VOID_CAST);
}

static void on_start(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (discarded(ev) && !fire_and_forget(cx, ev))
    tl_report(cx, ev->loc, "ticket from '%s' is discarded and never awaited",
              tl_lc_callee(ev));
  tl_lc_event(cx, facts, ev);      /* a start over a pending ticket: ticket-reuse's finding */
}

/* ASSIGN and CALL. (Calls to same-file helpers that issue tickets arrive as START events:
 * the summaries rewrite them before any rule runs.) */
static void on_write(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (!(ev->flags & TL_F_NORETURN)) check_overwrite(cx, facts, ev);
  tl_lc_event(cx, facts, ev);
}

/* A nonzero constant returned where that ends the process in failure (from main, or from a
 * helper whose every caller then fails: summary.h, tl_summary_fails_exit), or a variable
 * known nonzero there (`if (ret) return ret;`: TL_F_NONZERO_VAR) is a sink, like a
 * call to exit(): nothing pending is lost that the process could still miss. */
static void on_return(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  tl_lc_event(cx, facts, ev);      /* what is returned escapes first */
  if (tl_summary_return_fails(tl_rctx_summaries(cx), tl_rctx_func(cx), ev)) return;
  check_exit(cx, facts, ev, ev->loc, "returns here");
}

static void on_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from,
                    uint32_t succ) {
  const struct tl_func *fn = tl_rctx_func(cx);
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_lc_edge(cx, facts, from, succ);
  for (tl_slot_id s = 1; s < fn->nslots && fn->nloops; s++) {
    struct tl_lc_fact *f = tl_lc_fact(&lc, s);
    if ((f->states & TL_LC_PENDING) &&
        tl_lc_loop_exit_hands_in(fn, from->id, from->succs[succ], s))
      tl_lc_fact_set(f, (f->states & ~(uint32_t)TL_LC_PENDING) | TL_LC_COLLECTED);
  }
  if (from->succs[succ] != fn->exit || from->term == TL_TERM_RETURN) return;
  struct tl_loc end = { fn->loc.end_line, fn->loc.end_col, fn->loc.end_line, fn->loc.end_col };
  check_exit(cx, facts, NULL, end, "the function ends here");
}

const struct tl_rule tl_rule_unawaited_ticket = {
  .id = "unawaited-ticket",
  .summary = "a ticket is issued and never awaited, returned, stored, consumed or detached",
  .doc = tl_rule_doc_unawaited_ticket,
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
    [TL_EV_ASSIGN] = on_write,
    [TL_EV_CALL] = on_write,
    [TL_EV_RETURN] = on_return,
    [TL_EV_SCOPE_END] = on_write,  /* a local of an inner block dies: as overwritten */
  },
  .edge = on_edge,
  .join = tl_lc_join,
};
