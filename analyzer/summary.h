/* summary.h — interprocedural summaries within a translation unit: what a call to one of the
 * unit's own functions does to tickets, so that a wrapper around a library call is that
 * library call for its callers. docs/summaries.md is the full account.
 *
 * Computed bottom-up over the unit's call graph (asyncctx.h, tl_callgraph_build), one
 * strongly connected component at a time, callees first; a recursive component is iterated
 * to a fixed point (at most TL_SUMMARY_ROUNDS rounds, else it gets no summary). What a
 * function does, read from its IR with its own calls already seen through their summaries:
 *
 *   START ret   every return hands out a ticket the function issued (`return tk_async(...)`,
 *               `return open_inner(...)`)
 *   START *N    it issues a ticket into what parameter N points to (`*out = tk_async(...)`,
 *               `MPI_Isend(..., out)`), and neither hands it in nor lets it escape
 *               (a start of either kind keeps the owner= of the start inside when that is
 *               a parameter or what one points to)
 *   AWAIT N     it hands parameter N in on every path to its end (await; CONSUME and
 *               DETACH likewise, the first hand-in names the kind); *N for a pointed-to
 *               ticket
 *   ESCAPE N    it stores parameter N into longer-lived memory, returns it, passes it on to
 *               an unmodelled call, or hands it in on some paths only
 *   READ N      it reads parameter N's value (model `read`) and does none of the above
 *
 * The summary becomes a synthetic model entry (`struct tl_model_fn`, `synthesized` set,
 * model name "summary"): tl_summary_run() rewrites every CALL of the unit to a summarised
 * function into the event of its primary effect — START (ret first, then *N), then the
 * hand-in of the first parameter handed in, then the read — with the callee, location,
 * uses and arguments kept, and drops the ESCAPE the front-end put before the call for the
 * argument that now plays the ticket role. Rules then see START/AWAIT/... and know nothing
 * of summaries; `tl_summary_of_model()` gives the chain for notes.
 *
 * Not done: several effects of one call (only the primary one becomes an event; the
 * other ticket arguments keep escaping), tickets inside a struct a parameter points to,
 * function pointers, other translation units. */
#ifndef TL_SUMMARY_H
#define TL_SUMMARY_H

#include <stdint.h>

#include "arena.h"
#include "ir.h"
#include "model.h"

#define TL_SUMMARY_ROUNDS 8
#define TL_SUMMARY_MODEL "summary"   /* the model name of every synthesized entry */

enum tl_sum_effect {
  TL_SUM_NONE,      /* nothing known: a ticket argument escapes, as for any call */
  TL_SUM_START,     /* issues a ticket into it (ret or *N) */
  TL_SUM_AWAIT,     /* hands it in on every path: await */
  TL_SUM_CONSUME,   /* ... by a consuming call (tk_then) */
  TL_SUM_DETACH,    /* ... by detaching it */
  TL_SUM_READ,      /* reads its value */
  TL_SUM_ESCAPE     /* keeps it, returns it, passes it on, or hands it in on some paths */
};

/* What the function does with one place: its return value, a parameter, or the ticket a
 * parameter points to. */
struct tl_sum_role {
  uint8_t effect;                /* enum tl_sum_effect */
  const struct tl_event *via;    /* the event of the function that does it */
  uint32_t via_fn;               /* via is a call to this summarised function of the unit,
                                    or UINT32_MAX */
};

struct tl_summary {
  const char *name;
  uint32_t fn;                   /* index in unit->funcs */
  struct tl_sum_role ret;        /* START or NONE */
  uint32_t nparams;
  struct tl_sum_role *params;    /* role N */
  struct tl_sum_role *pointee;   /* role *N */
  int has_model;                 /* calls to it are rewritten into model.event */
  struct tl_model_fn model;      /* the primary effect as a model entry */
  const struct tl_event *via;    /* the primary effect's event inside the function */
  int fails_exit;                /* a nonzero result ends the process in failure (below) */
  uint64_t owner_rests;          /* bit k: the owner handed in as parameter k rests after
                                    every call (tl_summary_owner_rests) */
  uint64_t owner_rests_fail;     /* ... after every call whose result is nonzero */
  uint64_t owner_rests_neg;      /* ... after every call whose result is negative */
  uint64_t owner_rests_zero;     /* ... after every call whose result is 0 */
  tl_slot_id rest_flag;          /* a global one of its returns sets to a nonzero constant
                                    just before (`no_msg = 1; return 0;`), or NONE */
  uint64_t owner_rests_flag;     /* ... after every call, on the paths where rest_flag is
                                    still nonzero */  uint64_t zero_guards;          /* bit p: every call after which an owner it waits on does
                                    not rest passes the constant 0 as parameter p */
  const char *rest_member;       /* a thread function whose owner is what this pointer
                                    member of its argument points to (`td->ring`) that rests
                                    after every start (tl_summary_owner_rests), or NULL */
};

struct tl_summaries {
  uint32_t n;
  struct tl_summary *fns;        /* indexed like unit->funcs */
  const struct tl_unit *unit;    /* whose functions they are (name look-ups) */
};

/* Compute the summaries of every function of `unit` into `arena`. The computation may add
 * child slots (`*p`) to functions (the unit is the caller's to change). 0 or TL_ENOMEM;
 * *out untouched on failure. */
int tl_summaries_compute(struct tl_unit *unit, tl_arena *arena,
                         const struct tl_summaries **out);
/* Rewrite the unit's calls to summarised functions into their primary effect. 0 or
 * TL_ENOMEM. */
int tl_summaries_apply(struct tl_unit *unit, const struct tl_summaries *self);
/* Both, once per unit, in the unit's arena; sets unit->summaries. Calling it again does
 * nothing. 0 or TL_ENOMEM. */
int tl_summary_run(struct tl_unit *unit);

/* 1 when `return <nonzero constant>` in fn ends the process in failure: fn is `main`, or a
 * static function whose address is never taken, called at least once, and every call of it
 * in the unit turns a nonzero result into a failing exit: the call's result is branched on
 * and every path on which it may be nonzero reaches a call that never returns (exit, abort,
 * a `_Noreturn` function) or a failing exit of the caller (a nonzero constant, or the result
 * itself, returned from a function for which this holds). A least fixed point over the
 * unit: recursion proves nothing. Computed by tl_summary_run after the rewrite. */
int tl_summary_fails_exit(const struct tl_summaries *self, const struct tl_func *fn);
/* 1 when the RETURN event `ret` of fn ends the process in failure: it returns a nonzero
 * constant (TL_F_NONZERO) or a variable known nonzero there (TL_F_NONZERO_VAR), and fn's
 * failing returns end the process (tl_summary_fails_exit). A sink for the rules, as a call
 * to exit() is. */
int tl_summary_return_fails(const struct tl_summaries *self, const struct tl_func *fn,
                            const struct tl_event *ret);

/* 1 when a ticket of `owner` (model owner=: the ring of a cqe), a slot of fn that is one of
 * its parameters or what one points to, may be left pending at fn's return: fn is a static
 * function whose address is never taken, called at least once, and after every call (with
 * `failing` 1: on every path where the call's result may be nonzero; 2: may be negative,
 * for a return of a negative constant, `return -EINVAL;`; 3: may be 0, for a return that is
 * 0 where the ticket was issued, tl_lc_returns_zero_if_issued) the caller never uses
 * the owner again before freeing it (model `free`), losing it (a local of the caller that
 * is not returned) or ending the process (a call that never returns, a failing exit). An
 * unseen cqe only does harm at its ring's next wait or peek, and there is none. Computed
 * by tl_summary_run after the failing exits. Owners passed on through several helpers are
 * not followed: the caller's own return with the owner a parameter answers no. A static
 * thread function whose address goes only to offloading starts (TL_FN_ONLY_OFFLOADED)
 * counts as called at those starts, its first parameter bound to their argument. */
int tl_summary_owner_rests(const struct tl_summaries *self, const struct tl_func *fn,
                           tl_slot_id owner, int failing);
/* The same for the RETURN event `ret` of fn when its block sets a global flag to a nonzero
 * constant before it (`no_msg = 1; return 0;`, nothing written or called in between): after
 * every call, on the paths where the caller's flag (the same variable) still holds a nonzero
 * value (`if (no_msg) return T_EXIT_SKIP;` takes its true side only), the owner rests. */
/* The same for the RETURN event `ret` of fn when ret is reached only through the nonzero
 * side of a branch on an integer parameter p that fn never writes (`if (expect_fail && ...)
 * return 0;`), and every call after which the owner does not rest passes the constant 0 as
 * p: on those calls no ticket is left at ret. */
int tl_summary_owner_rests_guarded(const struct tl_summaries *self, const struct tl_func *fn,
                                   tl_slot_id owner, const struct tl_event *ret);
int tl_summary_owner_rests_flagged(const struct tl_summaries *self, const struct tl_func *fn,
                                   tl_slot_id owner, const struct tl_event *ret);

/* 1 when the unit's function `name` (defined in it) acquires before it touches its
 * parameter k: on every path from its entry, a lock taken or a blocking call that is not a
 * timer (a semaphore or condition wait) comes before any event or branch that uses the
 * parameter or what it points to (`pthread_mutex_lock(&rd->mutex); port = rd->port;`), or
 * it never uses it. What it reads of a thread's argument handed to it, it reads after
 * synchronising (ticket-as-value). Computed on demand; 0 on allocation failure. */
int tl_summary_acquires_first(const struct tl_unit *unit, const char *name, uint32_t k);

/* The summary of the unit's function `name`, or NULL. */
const struct tl_summary *tl_summaries_find(const struct tl_summaries *self, const char *name);
/* The summary a synthesized model entry belongs to, or NULL for any other model. */
const struct tl_summary *tl_summary_of_model(const struct tl_model_fn *m);
/* "starts a ticket", "awaits its argument", ... for notes: what a call to `s` does. */
const char *tl_summary_describe(const struct tl_summary *s);

#endif /* TL_SUMMARY_H */
