/* unhandled-rejection: a ticket's error is never looked at.
 *
 * ## What it does
 * Reports an await (`tk_await`, `tk_await_all`) whose returned status is thrown away, or
 * kept in a variable that is not examined on some path before the awaited value is used,
 * before it is overwritten, or before the function returns (an await whose model has no
 * `status=`, such as `pthread_join`, whose errors say nothing about the thread's work, has
 * no status to examine). Returning a status (`return tk_await(...)`,
 * `return err != 0 ? err : err2;`) passes the failure up, and counts as handling every
 * status of that path.
 *
 * Also reports the call that issued a ticket when the async or worker function it runs can
 * fail (a function of the same file that returns a nonzero integer constant, an error code,
 * on some path) and the ticket is dropped at the call, cast to `(void)`, detached, or lost
 * on some path before the end of the function; and a hand-over to a callback (`tk_then`)
 * whose callback, a function of the same file, never reads its error parameter (the model's
 * `callback-err=`).
 *
 * ## Why is this bad?
 * The coffee shop calls your number to say the machine is broken. If you are not listening,
 * you wait forever, or walk off with an empty cup believing it is coffee. A rejected
 * ticket's error is the only news that the work failed; the value next to it is NULL or
 * stale, and code that reads it anyway goes on as if nothing happened.
 *
 * ## Example
 * ```c
 * void *coffee = NULL;
 * tk_await(tk_async(loop, brew, NULL), &coffee);   // the status is thrown away
 * serve(coffee);
 * tk_detach(tk_async(loop, brew, NULL));           // brew can fail: nobody will know
 * ```
 *
 * ## Use instead
 * ```c
 * void *coffee = NULL;
 * int err = tk_await(tk_async(loop, brew, NULL), &coffee);
 * if (err != 0)
 *   return err;                                    // or plan B
 * serve(coffee);
 * tk_then(tk_async(loop, brew, NULL), report_failure, NULL);
 * ```
 * Work that cannot fail has no rejection to handle: a timer (`tk_sleep`), or an async or
 * worker function of the same file that never returns an error code. Detaching its ticket,
 * or ignoring the status of its await, stays quiet, as does a callback that reads its error
 * parameter anywhere. Each value of an await-all (`tk_await_all`) is there whatever the
 * other tickets did, so reading the values before the status is fine.
 *
 * ## Known limitations
 * Any read of the status counts as examining it: copying it to another variable, or
 * printing it. An async function that fails only by passing on a status or a variable
 * (`return err;`), or through a function it calls, is taken as one that never fails; one
 * defined in another file, or run through a function pointer, is not known at all (its
 * awaits are judged, its detached tickets are not). Tickets of an array are followed as
 * one element (the one started last). A ticket from `tk_promise_new` is settled by whoever
 * holds it, so whether it can be rejected is unknown: dropping or detaching it is never
 * reported here. A status written through a pointer the function was given belongs to its
 * caller and is not followed.
 */
#include <string.h>

#include "lifecycle.h"
#include "rule_docs.h"

/* ---- abstract state: the ticket lifecycle, plus awaits' statuses and values ------------- */

struct ur_fact {
  struct tl_lc_fact lc;              /* first: the lifecycle helpers read it in place */
  const struct tl_event *status_of;  /* holds the status of this await, not examined on some
                                        path */
  const struct tl_event *value_of;   /* holds the value of this await */
};

static struct ur_fact *fact(struct tl_rctx *cx, void *facts, tl_slot_id s) {
  return TL_FACT(cx, facts, struct ur_fact, s);
}

static const struct tl_func *unit_func(struct tl_rctx *cx, const char *name) {
  const struct tl_unit *u = tl_rctx_unit(cx);
  for (uint32_t i = 0; u && name && i < u->nfuncs; i++)
    if (u->funcs[i].name && strcmp(u->funcs[i].name, name) == 0) return &u->funcs[i];
  return NULL;
}

/* 1 when the return ev passes a status on: it reads an await's status, or a slot computed
 * from one (`return err != 0 ? err : err2;`), found flow-insensitively. */
static int returns_status(struct tl_rctx *cx, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  unsigned char *st = tl_arena_alloc(tl_rctx_arena(cx), fn->nslots);
  if (!st) return 0;
  for (int changed = 1; changed;) {
    changed = 0;
    for (uint32_t b = 0; b < fn->nblocks; b++)
      for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
        const struct tl_event *e = &fn->blocks[b].events[i];
        tl_slot_id d = TL_SLOT_NONE;
        if (e->kind == TL_EV_AWAIT || e->kind == TL_EV_AWAIT_ALL) d = e->aux;
        for (uint32_t k = 0; e->kind == TL_EV_ASSIGN && k < e->nuses && !d; k++)
          if (e->uses[k] < fn->nslots && st[e->uses[k]]) d = e->dst;
        if (d != TL_SLOT_NONE && d < fn->nslots && !st[d]) st[d] = 1, changed = 1;
      }
  }
  for (uint32_t k = 0; k < ev->nuses; k++)
    if (ev->uses[k] < fn->nslots && st[ev->uses[k]]) return 1;
  return 0;
}

/* The RETURN of fn that rejects its ticket (a nonzero error code), or NULL. */
static const struct tl_event *failing_return(const struct tl_func *fn) {
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if (ev->kind == TL_EV_RETURN && (ev->flags & TL_F_NONZERO)) return ev;
    }
  return NULL;
}

/* The function a START runs as an async or worker function, when it is in this file. */
static const struct tl_func *runs(struct tl_rctx *cx, const struct tl_event *start) {
  if (!start || start->kind != TL_EV_START || !start->model || !start->fn_arg) return NULL;
  if (start->model->async_fn.index < 0 && start->model->offload_fn.index < 0) return NULL;
  return unit_func(cx, start->fn_arg);
}

static const struct tl_event *can_fail(struct tl_rctx *cx, const struct tl_event *start) {
  const struct tl_func *f = runs(cx, start);
  return f ? failing_return(f) : NULL;
}

static int never_fails(struct tl_rctx *cx, const struct tl_event *start) {
  if (start && start->kind == TL_EV_START && (start->flags & TL_F_TIMER)) return 1;
  const struct tl_func *f = runs(cx, start);
  return f && !failing_return(f);
}

/* Slot t holds, on every path, a ticket issued here whose work never fails. */
static int holds_unfailing(struct tl_rctx *cx, void *facts, tl_slot_id t) {
  const struct tl_lc_fact *f = &fact(cx, facts, t)->lc;
  return t != TL_SLOT_NONE && (f->states & TL_LC_PENDING) &&
         !(f->states & (TL_LC_UNKNOWN | TL_LC_ESCAPED)) && never_fails(cx, f->origin);
}

/* ---- messages -------------------------------------------------------------------------- */

static void note_fails(struct tl_rctx *cx, struct tl_diag *d, const struct tl_event *start) {
  const struct tl_event *r = can_fail(cx, start);
  if (r) tl_note(cx, d, r->loc, "'%s' fails here", start->fn_arg);
}

static void report_status(struct tl_rctx *cx, const struct tl_event *aw, struct tl_loc at,
                          const char *what) {
  const struct tl_func *fn = tl_rctx_func(cx);
  struct tl_diag *d = tl_report(cx, aw->loc, "status of '%s' is not checked %s: a rejection of "
                                "ticket '%s' is never handled", tl_lc_callee(aw), what,
                                tl_lc_slot_name(fn, aw->ticket));
  tl_note(cx, d, at, "%s", what[0] == 'b' ? "here" : "overwritten here");
}

/* ---- reads and writes ------------------------------------------------------------------ */

/* Slots read at `at`: a status read is examined; a value read while its await's status is
 * not is reported (skip: the await's own out-parameter). */
static void reads(struct tl_rctx *cx, void *facts, const tl_slot_id *uses, uint32_t n,
                  tl_slot_id skip, struct tl_loc at) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (uint32_t i = 0; i < n; i++)
    for (tl_slot_id s = uses[i]; s != TL_SLOT_NONE && s < fn->nslots;
         s = fn->slots[s].parent) {
      fact(cx, facts, s)->status_of = NULL;
      if (fn->slots[s].parent >= s) break;
    }
  if (!tl_rctx_reporting(cx)) return;
  for (uint32_t i = 0; i < n; i++)
    for (tl_slot_id s = uses[i]; s != TL_SLOT_NONE && s < fn->nslots;
         s = fn->slots[s].parent) {
      const struct tl_event *aw = s != skip ? fact(cx, facts, s)->value_of : NULL;
      if (aw && aw->aux && fact(cx, facts, aw->aux)->status_of == aw)
        report_status(cx, aw, at, "before its value is used");
      if (fn->slots[s].parent >= s) break;
    }
}

/* Slot d (and what lies inside it) is overwritten at ev. */
static void writes(struct tl_rctx *cx, void *facts, tl_slot_id d, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id s = d; d != TL_SLOT_NONE && s < fn->nslots; s++) {
    if (!tl_lc_slot_within(fn, s, d)) continue;
    struct ur_fact *f = fact(cx, facts, s);
    if (f->status_of && f->status_of != ev && tl_rctx_reporting(cx))
      report_status(cx, f->status_of, ev->loc, "before it is overwritten");
    f->status_of = f->value_of = NULL;
  }
}

/* ---- handlers -------------------------------------------------------------------------- */

static void on_event(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  reads(cx, facts, ev->uses, ev->nuses, TL_SLOT_NONE, ev->loc);
  writes(cx, facts, ev->dst, ev);
  if (ev->kind == TL_EV_START) {
    writes(cx, facts, ev->ticket, ev);
    if (ev->flags & TL_F_FILLS) writes(cx, facts, ev->aux, ev);
    if ((ev->flags & (TL_F_DISCARDED | TL_F_VOID_CAST)) && tl_rctx_reporting(cx) &&
        can_fail(cx, ev)) {
      struct tl_diag *d = tl_report(cx, ev->loc, "ticket from '%s' is dropped, and '%s' can "
                                    "fail: its rejection is never handled", tl_lc_callee(ev),
                                    ev->fn_arg);
      note_fails(cx, d, ev);
    }
  }
  tl_lc_event(cx, facts, ev);
}

static void on_await(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  int quiet = (ev->flags & TL_F_NOT_TICKET) ||      /* invalid-ticket's finding */
              holds_unfailing(cx, facts, ev->ticket);
  reads(cx, facts, ev->uses, ev->nuses, ev->dst, ev->loc);
  writes(cx, facts, ev->dst, ev);
  writes(cx, facts, ev->aux, ev);
  tl_lc_event(cx, facts, ev);
  if (quiet) return;
  if (ev->flags & TL_F_STATUS_DISCARDED) {
    tl_report(cx, ev->loc, "status of '%s' is discarded: a rejection of ticket '%s' is never "
              "handled", tl_lc_callee(ev), tl_lc_slot_name(fn, ev->ticket));
    return;
  }
  if (ev->aux == TL_SLOT_NONE || !tl_lc_slot_owned(fn, ev->aux)) return;
  if (ev->model && ev->model->status.index == TL_ARG_NONE) return;  /* no status= role */
  fact(cx, facts, ev->aux)->status_of = ev;
  /* each value of an await-all is there whatever the others did: only its status matters */
  if (ev->kind == TL_EV_AWAIT && ev->dst != TL_SLOT_NONE && ev->dst != ev->aux)
    fact(cx, facts, ev->dst)->value_of = ev;
}

static void on_detach(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_lc_fact *f = &fact(cx, facts, ev->ticket)->lc;
  if (ev->ticket && (f->states & TL_LC_PENDING) && tl_rctx_reporting(cx) &&
      can_fail(cx, f->origin)) {
    struct tl_diag *d = tl_report(cx, f->origin->loc, "ticket from '%s' is detached, and '%s' "
                                  "can fail: its rejection is never handled",
                                  tl_lc_callee(f->origin), f->origin->fn_arg);
    tl_note(cx, d, ev->loc, "detached here");
    note_fails(cx, d, f->origin);
  }
  on_event(cx, facts, ev);
}

/* The callback of a hand-over never reads the parameter that receives the error. */
static void on_consume(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_model_fn *m = ev->model;
  const struct tl_func *cb = m && m->callback_err >= 0 ? unit_func(cx, ev->fn_arg) : NULL;
  const struct tl_lc_fact *f = &fact(cx, facts, ev->ticket)->lc;
  tl_slot_id err = TL_SLOT_NONE;
  int k = 0;
  for (tl_slot_id s = 1; cb && s < cb->nslots && !err; s++)
    if (cb->slots[s].kind == TL_SLOT_PARAM && !cb->slots[s].parent && k++ == m->callback_err)
      err = s;
  int read = 0;
  for (uint32_t b = 0; err && b < cb->nblocks && !read; b++) {
    const struct tl_block *blk = &cb->blocks[b];
    for (uint32_t i = 0; i < blk->cond.nuses; i++) read |= blk->cond.uses[i] == err;
    for (uint32_t e = 0; e < blk->nevents; e++)
      for (uint32_t i = 0; i < blk->events[e].nuses; i++)
        read |= blk->events[e].uses[i] == err;
  }
  if (err && !read && tl_rctx_reporting(cx) &&
      !(ev->ticket && f->states == TL_LC_PENDING && never_fails(cx, f->origin))) {
    struct tl_diag *d = tl_report(cx, ev->loc, "callback '%s' never reads its error parameter "
                                  "'%s': a rejection of the ticket handed to '%s' is never "
                                  "handled", cb->name, cb->slots[err].name, tl_lc_callee(ev));
    tl_note(cx, d, cb->loc, "'%s' is defined here", cb->name);
  }
  on_event(cx, facts, ev);
}

/* Leaving the function: statuses not examined, and tickets of failing work never collected. */
static void on_return(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  const uint32_t given = TL_LC_COLLECTED | TL_LC_DETACHED | TL_LC_ESCAPED;
  on_event(cx, facts, ev);
  if (!tl_rctx_reporting(cx)) return;
  int passes_on = -1;              /* returning one status passes the failure on: handled */
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    const struct ur_fact *f = fact(cx, facts, s);
    if (f->status_of && passes_on < 0) passes_on = returns_status(cx, ev);
    if (f->status_of && !passes_on)
      report_status(cx, f->status_of, ev->loc, "before the function returns");
    if (!(f->lc.states & TL_LC_PENDING) || (f->lc.states & given) ||
        !tl_lc_slot_owned(fn, s) || !can_fail(cx, f->lc.origin))
      continue;                    /* aliases of one ticket give one finding (same text) */
    struct tl_diag *d = tl_report(cx, f->lc.origin->loc, "ticket from '%s' is never awaited, "
                                  "and '%s' can fail: its rejection is never handled",
                                  tl_lc_callee(f->lc.origin), f->lc.origin->fn_arg);
    tl_note(cx, d, ev->loc, "returns here without awaiting it");
    note_fails(cx, d, f->lc.origin);
  }
}

/* A branch reads its condition; a loop exit hands in what the loop body handed in. */
static void on_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from,
                    uint32_t succ) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (from->term == TL_TERM_BRANCH || from->term == TL_TERM_SWITCH)
    reads(cx, facts, from->cond.uses, from->cond.nuses, TL_SLOT_NONE, from->cond.loc);
  tl_lc_edge(cx, facts, from, succ);
  for (tl_slot_id s = 1; s < fn->nslots && fn->nloops; s++) {
    struct tl_lc_fact *f = &fact(cx, facts, s)->lc;
    if ((f->states & TL_LC_PENDING) &&
        tl_lc_loop_exit_hands_in(fn, from->id, from->succs[succ], s))
      tl_lc_fact_set(f, (f->states & ~(uint32_t)TL_LC_PENDING) | TL_LC_COLLECTED);
  }
}

/* ---- join ------------------------------------------------------------------------------ */

/* The earlier of two events by source position (then address): commutative, idempotent. */
static const struct tl_event *pick(const struct tl_event *a, const struct tl_event *b) {
  if (!a || !b) return a ? a : b;
  if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line ? a : b;
  if (a->loc.col != b->loc.col) return a->loc.col < b->loc.col ? a : b;
  return (uintptr_t)a <= (uintptr_t)b ? a : b;
}

/* May-join: unexamined on some path stays unexamined. */
static void ur_join(void *dst, const void *src) {
  struct ur_fact *d = dst;
  const struct ur_fact *s = src;
  tl_lc_fact_join(&d->lc, &s->lc);
  d->status_of = pick(d->status_of, s->status_of);
  d->value_of = pick(d->value_of, s->value_of);
}

const struct tl_rule tl_rule_unhandled_rejection = {
  .id = "unhandled-rejection",
  .summary = "a ticket's error is thrown away, not checked before its value is used, or lost "
             "with a ticket that can fail",
  .doc = tl_rule_doc_unhandled_rejection,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct ur_fact),
  .init = tl_lc_init,
  .handlers = {
    [TL_EV_START] = on_event,
    [TL_EV_CREATE] = on_event,
    [TL_EV_AWAIT] = on_await,
    [TL_EV_AWAIT_ALL] = on_await,
    [TL_EV_POLL] = on_event,
    [TL_EV_READ] = on_event,
    [TL_EV_DETACH] = on_detach,
    [TL_EV_CONSUME] = on_consume,
    [TL_EV_SETTLE] = on_event,
    [TL_EV_ESCAPE] = on_event,
    [TL_EV_ASSIGN] = on_event,
    [TL_EV_CALL] = on_event,
    [TL_EV_BLOCKING] = on_event,
    [TL_EV_LOCK] = on_event,
    [TL_EV_UNLOCK] = on_event,
    [TL_EV_RETURN] = on_return,
  },
  .edge = on_edge,
  .join = ur_join,
};
