/* rule.h — what a rule is, and the one dataflow engine that runs it.
 *
 * A dataflow rule keeps one fact of `fact_size` bytes per slot of the function. The engine
 * (dataflow.c) is a worklist solver over the CFG in reverse post-order:
 *   - the entry's facts are zeroed, then `init` may set them;
 *   - each block's events are passed to `handlers[kind]` in order (missing handler: no-op);
 *   - on each edge, `edge` sees the branch taken (b->cond, succ index) and may refine facts;
 *   - where paths meet, `join` merges one slot's fact into another (must be monotone, over a
 *     finite lattice); facts are compared with memcmp, so keep padding zeroed.
 * Correlated branches: the engine is path-sensitive on branch conditions (ESP style). Each
 * block holds up to TL_ESP_MAX (assumptions, facts) pairs; an edge of `if (c)` adds "c is
 * true/false" and drops pairs that assumed the opposite; writing a slot that c reads forgets
 * c. So `if (c) start(); ...; if (c) await();` never sees the start-without-await path.
 * Rules know nothing of this.
 *
 * Handlers run twice: while solving (tl_rctx_reporting() is 0, tl_report() returns NULL and
 * records nothing) and once more over the fixed point with reporting on. A `function` hook,
 * for rules that are not (only) dataflow, runs once per function after solving.
 *
 * No global mutable state: everything a rule needs is in the context.
 *
 * Details (docs/ir.md, "The engine", has the full account):
 *   - `edge` runs on every edge (GOTO, BRANCH, SWITCH, RETURN), after the engine has added
 *     the branch assumption; `succ` indexes from->succs;
 *   - slot 0 (TL_SLOT_NONE) has a fact, zeroed after every handler: writing it is harmless;
 *   - the CFG analyses (idom, loops) are computed before any rule runs (tl_func_finish);
 *   - a function whose solving exceeds the engine's limits gets a note-level diagnostic with
 *     rule id "analysis-limit" and the rule is skipped there (its `function` hook still runs);
 *   - the same (rule, location, message) is reported once per function. */
#ifndef TL_RULE_H
#define TL_RULE_H

#include <stdarg.h>
#include <stddef.h>

#include "diag.h"
#include "ir.h"
#include "model.h"

#define TL_ESP_MAX 8

struct tl_rctx;
struct tl_config;

typedef void (*tl_event_fn)(struct tl_rctx *cx, void *facts, const struct tl_event *ev);

struct tl_rule {
  const char *id;                 /* kebab-case: "unawaited-ticket" */
  const char *summary;            /* one line, for --list-rules and the README */
  const char *doc;                /* the header comment's text: What it does / Why is this bad?
                                     / Example / Use instead / Known limitations */
  const char *group;              /* "correctness", "perf" */
  enum tl_severity severity;
  int enabled_by_default;

  size_t fact_size;               /* 0: not a dataflow rule */
  void (*init)(struct tl_rctx *cx, void *facts);
  tl_event_fn handlers[TL_EV__COUNT];
  void (*edge)(struct tl_rctx *cx, void *facts, const struct tl_block *from, uint32_t succ);
  void (*join)(void *dst, const void *src);          /* one slot's fact */

  void (*function)(struct tl_rctx *cx, const struct tl_func *fn);
};

/* ---- for rules ------------------------------------------------------------------------- */

const struct tl_func  *tl_rctx_func(const struct tl_rctx *cx);
const struct tl_unit  *tl_rctx_unit(const struct tl_rctx *cx);
const tl_models       *tl_rctx_models(const struct tl_rctx *cx);
/* The unit's interprocedural summaries (summary.h), computed before any rule runs: calls to
 * summarised functions are already events of their kind (their model is `synthesized`;
 * tl_summary_of_model() gives the summary). tl_report() adds the chain as notes. */
const struct tl_summaries *tl_rctx_summaries(const struct tl_rctx *cx);
/* The .ticketlint configuration in force (config.h: tl_config_fire_and_forget...), or NULL
 * when there is none. */
const struct tl_config *tl_rctx_config(const struct tl_rctx *cx);
const struct tl_block *tl_rctx_block(const struct tl_rctx *cx);   /* block being visited */
int                    tl_rctx_reporting(const struct tl_rctx *cx);
/* Scratch memory for the rule, reset before each (function, rule): lives as long as the
 * running function's solving and reporting, e.g. for a `function` hook's side tables. */
tl_arena              *tl_rctx_arena(const struct tl_rctx *cx);

/* Data computed once per translation unit and shared by every rule and function of one
 * tl_rules_run (the async context, asyncctx.h). The first call with `key` (the address of a
 * static object of the module that owns the analysis) runs compute(unit, arena, &value) with
 * an arena that lives until tl_rules_run returns, and keeps the value; later calls, from any
 * rule or function of the run, return it. Returns 0, or compute's error, TL_ENOMEM, or
 * TL_ELIMIT past TL_MEMO_MAX keys; the error is also what the engine then returns, and
 * nothing is kept (a later call tries again). */
#define TL_MEMO_MAX 8
typedef int (*tl_memo_fn)(const struct tl_unit *unit, tl_arena *arena, void **out);
int tl_rctx_memo(struct tl_rctx *cx, const void *key, tl_memo_fn compute, void **out);

/* The fact of slot s inside a facts array. */
void *tl_fact(const struct tl_rctx *cx, void *facts, tl_slot_id s);
#define TL_FACT(cx, facts, type, s) ((type *)tl_fact((cx), (facts), (s)))

/* Report a finding of the running rule at loc (printf-style message: lower case, no final
 * period, identifiers in single quotes). Returns the diagnostic to attach notes to, or NULL
 * when not reporting, when this function already has the same finding (so notes are not
 * doubled), or out of memory (which the engine then returns as TL_ENOMEM). The pointer is
 * valid until the next tl_report(). tl_note() with d == NULL does nothing. */
struct tl_diag *tl_report(struct tl_rctx *cx, struct tl_loc loc, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void tl_note(struct tl_rctx *cx, struct tl_diag *d, struct tl_loc loc, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* ---- for the driver -------------------------------------------------------------------- */

struct tl_run {
  const struct tl_rule *const *rules;   /* the enabled rules */
  size_t nrules;
  const tl_models *models;
  const struct tl_config *config;       /* the .ticketlint in force, or NULL */
  struct tl_diags *diags;               /* findings are appended here */
};

/* Run every rule on every function of the unit. 0, TL_ENOMEM, or TL_ELIMIT when a function
 * was too large to solve (reported as a note-level diagnostic, the rest still runs). */
int tl_rules_run(const struct tl_run *run, const struct tl_unit *unit);

/* The registry (rules/rules.def), in order. */
extern const struct tl_rule *const tl_rules[];
extern const size_t tl_rules_count;
const struct tl_rule *tl_rule_find(const char *id);

#endif /* TL_RULE_H */
