/* lifecycle.h — the ticket-lifecycle lattice shared by the rules unawaited-ticket,
 * double-await, await-without-start and ticket-reuse.
 *
 * Per slot, a may-set of states (which of them the slot can be in on some path reaching this
 * point) plus where the states came from, for notes:
 *
 *   NOT_ISSUED  declared and never started, set to NULL, or NULL on this branch (a null
 *               pointer *to* tickets, `MPI_Request *reqs = 0`, points at none: what lies
 *               behind it is UNKNOWN)
 *   PENDING     issued here and owned here: someone must hand it in
 *   COLLECTED   handed in: awaited, awaited with its array, or given to a consuming call
 *   DETACHED    given up on purpose (fire-and-forget)
 *   ESCAPED     left the function's control: returned, stored into longer-lived memory,
 *               passed to an unmodelled call, address taken (an assignment or return that
 *               only reads through a pointer ticket into a scalar, `int n = cqe->res;`,
 *               `return cqe->res;`, is no escape)
 *   UNKNOWN     came from outside: parameters, globals, memory behind pointers, results of
 *               unmodelled calls
 *   INACTIVE    a reusable ticket with no operation running: made by a `create` function
 *               (MPI_Send_init), or a `persistent` start's activation completed. Nothing is
 *               owed on it but its final release (a detach: MPI_Request_free); a `persistent`
 *               start (MPI_Start) makes it PENDING again
 *
 * The empty set is bottom (an unreachable point, or a slot nobody can reach any more).
 * Join is the union of the sets; each "where" pointer keeps the smallest source location of
 * the two sides (ties: the lower address), a commutative, idempotent choice, so the result
 * does not depend on the engine's join order. Invariant: `origin` is set only while PENDING
 * is in the set, `collect` only while COLLECTED or DETACHED is, `unissued` only while
 * NOT_ISSUED is.
 *
 * Updates are strong everywhere, also on summarised array elements (`reqs[]`): the element
 * slot stands for "the element touched last". That keeps "fill an array in a loop, then
 * tk_await_all it (or await each element in a second loop)" clean, at the price that an
 * element slot never proves anything about *another* element: rules that detect "twice"
 * (double-await, ticket-reuse, await-without-start) ask tl_lc_slot_summary() and stay
 * quiet on element slots except for whole-array operations.
 *
 * Awaits outside async functions: an await whose model `suspends`, in main, a loop
 * callback, a worker function or a helper with a caller that is not async (asyncctx.h),
 * returns TK_ENOTASYNC and collects nothing; the ticket may be handed in otherwise on that
 * error path, so it becomes PENDING|ESCAPED (weak).
 *
 * Running the event loop: a call whose model `runs-loop` (uv_run, g_main_loop_run), and the
 * exit of a loop whose body makes one at a point the exit dominates (`while (!done)
 * g_main_context_iteration(NULL, TRUE);`), makes every ticket PENDING from a start with a
 * `callback=` ESCAPED: its callback runs in the loop and hands it in. Other starts stay.
 * The end of an inner block (SCOPE_END) makes its local UNKNOWN: nothing more is known of it.
 * A call of a function of the same file that runs the loop counts as a run (tl_lc_runs_loop),
 * and so does one of a project header's function whose body runs it (the front-end sets
 * TL_F_RUNS_LOOP on that CALL).
 *
 * Reusable tickets: an await, await-all, consume (or a completing poll, below) of a ticket
 * that is INACTIVE, or PENDING from a `persistent` start, leaves it INACTIVE, not COLLECTED:
 * the handle lives on, and freeing it afterwards is no second hand-in.
 *
 * An await-all of `some` of the array (model `some`: MPI_Waitany, MPI_Waitsome) collects an
 * unknown part of it: each pending element may now be collected too (a weak update).
 * An await-all whose model is `partial-on-error` (MPI_Waitall) may leave tickets pending
 * when it fails: on the branch of a test of its returned code that says failure, what it
 * collected becomes UNKNOWN (neither collected nor owed; per-ticket statuses tell which).
 * The count of an await-all (`if (n != 0) MPI_Waitall(n, reqs, ...)`: its event's `owner`)
 * counts the array's outstanding tickets: where a test says it is 0, none of them is PENDING.
 *
 * Completing polls: a poll whose model says `completes` (MPI_Test) has collected its ticket
 * when its answer says done. On the edge of a branch on that answer that means done, the
 * ticket is handed in, when the answer's slot is written only by completing polls of that
 * one ticket and by constants (`for (done = 0; !done;) MPI_Test(&r, &done, ...)`).
 *
 * Owners: a start whose model names an `owner=` (the io_uring a cqe belongs to) records the
 * owner's slot on its event (tl_event.owner). A `free` call of the owner (or of what holds
 * it: io_uring_queue_exit(&ring)) releases every ticket it owns: they become DETACHED. A
 * `reap` call of the owner (io_uring_cq_advance(&ring, n)) collects them: COLLECTED.
 *
 * Calls: a call to a function of the same file that issues, awaits, detaches or reads a
 * ticket is already an event of that kind (the summary pass, summary.h, rewrote it before
 * any rule ran), with the call as its origin; any other call's result is UNKNOWN.
 *
 * Aliases: `t2 = t` copies t's fact into t2. A ticket is identified by its origin (the START
 * that issued it): handing in one slot hands in every other slot PENDING with the same
 * origin, so `t2 = t; tk_await(t2, 0);` leaves neither pending, and a second await through
 * the other name is a double await. Moving a pointer (`p++`, `p += n`) makes what lies
 * behind it (`p->req`, `*p`) UNKNOWN: the same slot names other memory from there on (a
 * request array walked by a pointer).
 *
 * The transfer (tl_lc_event) and edge refinement (tl_lc_edge) are the same for all four
 * rules: each rule's handler looks at the facts *before* the event, reports, then calls
 * tl_lc_event. */
#ifndef TL_LIFECYCLE_H
#define TL_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "ir.h"
#include "rule.h"

enum {
  TL_LC_NOT_ISSUED = 1u << 0,
  TL_LC_PENDING    = 1u << 1,
  TL_LC_COLLECTED  = 1u << 2,
  TL_LC_DETACHED   = 1u << 3,
  TL_LC_ESCAPED    = 1u << 4,
  TL_LC_UNKNOWN    = 1u << 5,
  TL_LC_INACTIVE   = 1u << 6
};

/* Why a slot is NOT_ISSUED, for the note at `unissued`. */
enum tl_lc_why { TL_LC_WHY_NONE, TL_LC_WHY_DECL, TL_LC_WHY_NULL, TL_LC_WHY_TEST };

/* One slot's fact. Compared with memcmp by the engine: no padding. */
struct tl_lc_fact {
  uint32_t states;                   /* TL_LC_* may-set; 0 = bottom */
  uint32_t why;                      /* enum tl_lc_why of `unissued` */
  const struct tl_event *origin;     /* the START of the pending ticket */
  const struct tl_event *collect;    /* the event that handed it in (await, then, detach) */
  const struct tl_loc *unissued;     /* where it became NOT_ISSUED (decl, `= NULL`, a test) */
};

/* Where the facts live. Rules use tl_lc_of(cx, facts); unit tests may point `array` at
 * nslots facts indexed by slot id and leave cx NULL. */
struct tl_lc {
  const struct tl_func *fn;
  struct tl_rctx *cx;
  void *facts;
  const struct tl_unit *unit;   /* for calls to functions of the same file; may be NULL */
};

struct tl_lc tl_lc_of(struct tl_rctx *cx, void *facts);
struct tl_lc_fact *tl_lc_fact(const struct tl_lc *lc, tl_slot_id s);

/* ---- the lattice ----------------------------------------------------------------------- */

void tl_lc_fact_join(struct tl_lc_fact *dst, const struct tl_lc_fact *src);
/* Set f to exactly `states` (strong update); where-pointers kept only where still valid. */
void tl_lc_fact_set(struct tl_lc_fact *f, uint32_t states);
/* "PENDING|COLLECTED" into buf, for tests and debugging. */
const char *tl_lc_states_name(uint32_t states, char *buf, size_t len);

/* ---- slots ----------------------------------------------------------------------------- */

/* 1 when the function owns what the slot holds: its root is a local or a temporary, and the
 * way down goes through no pointer, no dereference and nothing static or long-lived. Only
 * owned slots start NOT_ISSUED and can leak. */
int tl_lc_slot_owned(const struct tl_func *fn, tl_slot_id s);
/* 1 when the slot is, or lies inside, a summarised array element (`reqs[]`, `reqs[].r`). */
int tl_lc_slot_summary(const struct tl_func *fn, tl_slot_id s);
/* 1 when s lies strictly inside a summarised element (`rows[][]`, `reqs[].r`): an await of
 * it names one row or one field of an unknown element. */
int tl_lc_slot_in_summary(const struct tl_func *fn, tl_slot_id s);
/* 1 when some START of the function issues into s or into a slot inside it. */
int tl_lc_slot_ever_started(const struct tl_func *fn, tl_slot_id s);
/* 1 when s is `anc` or lies inside it (follows parents). */
int tl_lc_slot_within(const struct tl_func *fn, tl_slot_id s, tl_slot_id anc);

/* ---- transfer -------------------------------------------------------------------------- */

/* Entry facts: owned slots NOT_ISSUED (unissued = their declaration), others UNKNOWN
 * (temporaries too: they exist only once their call ran). */
void tl_lc_init_facts(const struct tl_lc *lc);
/* The effect of one event on every slot it touches. */
void tl_lc_apply(const struct tl_lc *lc, const struct tl_event *ev);
/* Refine the facts on the edge from `from` to its successor number `succ`: a null test of a
 * ticket (`if (!t)`, `if (t == NULL)`, `if (t)`) makes it NOT_ISSUED where it is null and
 * drops NOT_ISSUED where it is not; a test of a start's returned status (model
 * `status=ret`: `if (pthread_create(&t, ...) != 0)`) makes its ticket NOT_ISSUED where the
 * start failed; when paths from several starts meet before the test (`if (w) ret =
 * io_uring_wait_cqe(...); else ret = io_uring_peek_cqe(...); if (ret)`), the ticket of
 * whichever of them issued it on this path. A second test of the same status on a path where
 * an earlier one said the start failed (`ret == -ETIME`, `ret < 0`, `ret != 0`) makes its
 * side that says success (`ret >= 0`, `ret == 0`) infeasible when the values contradict: the
 * ticket's fact becomes bottom there. */
void tl_lc_refine(const struct tl_lc *lc, const struct tl_block *from, uint32_t succ);
/* The starts (model `status=ret`) whose returned status the branch ending `from` tests,
 * when its successor `succ` is the side where they failed and issued nothing: up to
 * TL_LC_STATUS_STARTS_MAX of them into out (every path's last write of the status: see
 * tl_lc_refine). 0 on the other side, or when the branch tests no such status. */
#define TL_LC_STATUS_STARTS_MAX 4
uint32_t tl_lc_failed_starts(const struct tl_func *fn, const struct tl_block *from,
                             uint32_t succ, const struct tl_event **out);
/* 1 when the edge from block `from` to block `to` leaves a loop whose body hands slot s in
 * (await, consume, detach, escape) at a point `from` dominates, and never starts into s:
 * taking this exit, the loop most likely ran and handed the ticket in. The analysis counts
 * no iterations, so without this every "issue, then await in a retry loop" would leak on
 * the zero-iteration path. Needs the dominators (tl_func_finish). */
int tl_lc_loop_exit_hands_in(const struct tl_func *fn, uint32_t from, uint32_t to,
                             tl_slot_id s);
/* 1 when the edge from block `from` to block `to` leaves a loop whose body runs the event
 * loop (an event with TL_F_RUNS_LOOP: `while (!done) g_main_context_iteration(NULL, TRUE);`)
 * at a point `from` dominates: such a loop waits for callbacks, and leaving it, it most
 * likely ran them. The operations started with a callback are then the loop's (ESCAPED),
 * as after a run outside a loop. Needs the dominators. */
int tl_lc_loop_exit_runs_loop(const struct tl_func *fn, const struct tl_unit *unit,
                              uint32_t from, uint32_t to);
/* 1 when event ev runs the event loop: it has TL_F_RUNS_LOOP, or it calls a function of the
 * unit (unit may be NULL: none) that makes such a call, itself or through the functions it
 * calls, two levels down (`wait_for_read()` spinning g_main_context_iteration). */
int tl_lc_runs_loop(const struct tl_unit *unit, const struct tl_event *ev);
/* 1 when the RETURN event `ret` of fn returns 0 wherever the ticket of the start `origin`
 * was issued: ret is 0 whenever its one use is 0 (TL_F_ZERO_IF_ZERO: `return ret ==
 * -EAGAIN;`), and on every path to ret the last write of that use is the returned status
 * (model `status=ret`) of a start into origin's ticket slot (`ret =
 * io_uring_peek_cqe(ring, &cqe);`): a start that issued its ticket returned 0 (a nonzero
 * status says it failed). */
int tl_lc_returns_zero_if_issued(const struct tl_func *fn, const struct tl_event *ret,
                                 const struct tl_event *origin);
/* 1 when some slot other than `except` is PENDING with the same origin as f (an alias
 * still holds the ticket). */
int tl_lc_alias_pending(const struct tl_lc *lc, const struct tl_lc_fact *f, tl_slot_id except);

/* ---- hooks with the engine's signatures, for `struct tl_rule` -------------------------- */

void tl_lc_init(struct tl_rctx *cx, void *facts);
void tl_lc_event(struct tl_rctx *cx, void *facts, const struct tl_event *ev);
void tl_lc_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from, uint32_t succ);
void tl_lc_join(void *dst, const void *src);

/* ---- for messages ---------------------------------------------------------------------- */

/* The callee of an event, or "?" */
const char *tl_lc_callee(const struct tl_event *ev);
/* A slot's name, or "?" */
const char *tl_lc_slot_name(const struct tl_func *fn, tl_slot_id s);

#endif /* TL_LIFECYCLE_H */
