/* asyncctx.h — which functions of a translation unit run as async functions, which run on
 * the loop thread, and which may block it: the "async context" the rules
 * await-outside-async and blocking-in-async (and the lifecycle lattice) stand on.
 *
 * C has no `async` keyword; the IR gives each function flags (ir.h, TL_FN_*) and its calls.
 * Computed once per unit (tl_asyncctx_of() memoises it in the engine's per-unit memo):
 *
 * ASYNC — may suspend (await with a model `suspends`):
 *   - roots: a function carrying the model's async marker (TL_FN_ASYNC_MARKED) or passed as
 *     a start's async-fn (TL_FN_ASYNC_PASSED);
 *   - derived: a function called directly in the unit, only from ASYNC functions, and
 *     neither `main`, a loop callback (TL_FN_CALLBACK) nor offloaded (TL_FN_OFFLOADED). The
 *     greatest fixpoint over the call graph restricted to what the roots reach, so recursion
 *     is fine (a helper calling itself, called from an async function, is async) while a
 *     cycle of helpers nothing async reaches is not.
 *   - `static` does not matter: an extern helper whose callers in the unit are all async
 *     counts as async, though another unit could call it from elsewhere. For
 *     await-outside-async that avoids false alarms on helpers meant for async callers; for
 *     blocking-in-async the blocking call really is reached from the loop through the
 *     callers this unit shows, whatever other units do.
 *   - a function with no caller in the unit that is neither marked nor passed is NOT async
 *     (`main`, an exported entry point, a function only used through a pointer).
 *
 * LOOP — runs on the loop thread while the loop runs, where blocking freezes every ticket:
 *   every ASYNC function, every loop callback (`tk_then`'s callback: not async, it cannot
 *   suspend, but it runs on the loop), and, by the same fixpoint, a function called only
 *   from LOOP functions (not `main`, not offloaded). Offloaded functions (`tk_work`'s fn)
 *   run on a worker: neither ASYNC nor LOOP.
 *
 * BLOCKS — for a function that is not LOOP: it may block the thread, either by a blocking
 *   call of its own (tl_model_fn_blocks(): model `blocking`, or an await without
 *   `suspends` such as pthread_join) or by calling another non-LOOP function of the unit
 *   that blocks. `via` is that call, the first in block order, chosen breadth first, so
 *   following `via` from function to function is the shortest chain down to the blocking
 *   call. LOOP functions get no summary: their blocking calls are reported where they are.
 *
 * Calls are the CALL events whose callee names a function of the unit. Not seen: calls
 * through function pointers, and functions whose address is taken other than as a modelled
 * async-fn, callback or offload-fn argument (their callers through pointers are unknown). */
#ifndef TL_ASYNCCTX_H
#define TL_ASYNCCTX_H

#include <stdint.h>

#include "arena.h"
#include "ir.h"
#include "rule.h"

/* Why a function is, or is not, async. */
enum tl_actx_why {
  TL_ACTX_MARKED,     /* async: carries the async marker */
  TL_ACTX_PASSED,     /* async: passed as the async-fn of a start */
  TL_ACTX_CALLED,     /* async: called only from async functions (`witness`: one such call) */
  TL_ACTX_MAIN,       /* not async: `main`, entered by the program */
  TL_ACTX_CALLBACK,   /* not async: a callback run by the loop */
  TL_ACTX_OFFLOADED,  /* not async: runs on a worker thread */
  TL_ACTX_UNCALLED,   /* not async: no async function of the unit reaches it */
  TL_ACTX_CALLER      /* not async: called from a function that is not (`witness`) */
};

/* What is known of one function, indexed like tl_unit.funcs. */
struct tl_actx_fn {
  uint8_t async;                    /* ASYNC */
  uint8_t loop;                     /* LOOP */
  uint8_t why;                      /* enum tl_actx_why */
  uint8_t blocks;                   /* BLOCKS (never for LOOP functions) */
  const struct tl_event *witness;   /* CALLED, CALLER: the call, in function witness_fn */
  uint32_t witness_fn;
  const struct tl_event *via;       /* BLOCKS: the blocking call, or the call to via_fn */
  uint32_t via_fn;                  /* the function `via` calls, or UINT32_MAX when `via`
                                       is itself the blocking call */
};

struct tl_asyncctx {
  const struct tl_unit *unit;
  uint32_t nfuncs;
  struct tl_actx_fn *fns;
};

/* The unit's call graph, the one the async context stands on (the summary pass, summary.h,
 * walks it too): an edge per call whose callee names a function of the unit — a CALL event,
 * an event the summary pass rewrote from one (its model is `synthesized`), or a call of an
 * annotated function defined here (`annotated`) — in live blocks, each caller's calls in
 * block order. */
struct tl_cg_edge {
  uint32_t from, to;
  const struct tl_event *ev;
};

struct tl_callgraph {
  uint32_t n, nedges;                /* n: the unit's functions */
  const struct tl_cg_edge *edges;    /* by caller */
  const uint32_t *out_start;         /* f's calls: edges[out_start[f] .. out_start[f + 1]) */
};

/* Build it into `arena`. 0 or TL_ENOMEM. */
int tl_callgraph_build(const struct tl_unit *unit, tl_arena *arena, struct tl_callgraph *out);

/* Compute the async context of `unit` into `arena` (everything, *out included, lives there).
 * 0 or TL_ENOMEM; *out untouched on failure. */
int tl_asyncctx_compute(const struct tl_unit *unit, tl_arena *arena,
                        const struct tl_asyncctx **out);
/* The running unit's async context, computed on the first call of a tl_rules_run and
 * memoised (tl_rctx_memo); NULL when out of memory (the engine then returns TL_ENOMEM). */
const struct tl_asyncctx *tl_asyncctx_of(struct tl_rctx *cx);

/* The index of fn in the unit (fn points into unit->funcs), or UINT32_MAX. */
uint32_t tl_asyncctx_index(const struct tl_asyncctx *self, const struct tl_func *fn);
/* The summary of fn; NULL when fn is not a function of the unit. */
const struct tl_actx_fn *tl_asyncctx_fn(const struct tl_asyncctx *self,
                                        const struct tl_func *fn);
/* The index of the unit's function named `name`, or UINT32_MAX. */
uint32_t tl_asyncctx_find(const struct tl_asyncctx *self, const char *name);

/* How function f's context reads in a message, into buf: "async function 'f'" (marked or
 * passed), "'f', which only async functions call", "loop callback 'f'", or "'f', which runs
 * on the loop". */
const char *tl_asyncctx_describe(const struct tl_asyncctx *self, uint32_t f, char *buf,
                                 size_t len);

#endif /* TL_ASYNCCTX_H */
