/* summary.c — interprocedural summaries within a translation unit (summary.h,
 * docs/summaries.md): Tarjan's strongly connected components over the unit's call graph
 * (asyncctx.h), callees first; per function one walk over its events seen through the
 * summaries known so far, and one must-analysis ("handed in on every path") over its
 * blocks; then the calls are rewritten.
 *
 * Recursion. A component with a cycle starts optimistic: a call to one of its own functions
 * that has no summary yet issues a ticket into its result and hands in every ticket it is
 * given. Rounds recompute every member from the previous round's summaries until nothing
 * changes (at most TL_SUMMARY_ROUNDS; past that the component gets no summary). A summary
 * must be grounded: its effect comes, through the chain of `via` calls, from a model event;
 * `int f(tk_promise *p) { return f(p); }` is not an await.
 *
 * Everything but the added child slots lives in the arena given. */
#include "summary.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "asyncctx.h"
#include "lifecycle.h"
#include "tl_errno.h"

#define NONE UINT32_MAX
#define MAX_PARAMS 32              /* parameters looked at; the rest are NONE */
#define MAX_EFFECTS (MAX_PARAMS + 1)

/* The model name of synthesized entries; tl_summary_of_model() knows them by its address. */
static const char summary_model[] = TL_SUMMARY_MODEL;

/* What one event does to one slot, as the function's callers will see the event. */
struct effect {
  enum tl_ev_kind kind;            /* START, AWAIT, AWAIT_ALL, CONSUME, DETACH, READ */
  tl_slot_id ticket;
  const struct tl_event *ev;       /* the event of the function (a call, or a model event) */
  uint32_t callee;                 /* ev calls this summarised function, or NONE */
};

struct name_ix {
  const char *name;
  uint32_t fn;
};

struct ctx {
  struct tl_unit *u;
  tl_arena *arena;
  struct tl_summaries *ss;
  struct name_ix *names;           /* sorted by name */
  uint32_t nnames;
  uint8_t *pending;                /* in the component being solved, no summary yet */
  uint32_t *comp;                  /* component id of each function */
  int err;
};

/* ---- names and slots --------------------------------------------------------------------- */

static int name_cmp(const void *a, const void *b) {
  return strcmp(((const struct name_ix *)a)->name, ((const struct name_ix *)b)->name);
}

static uint32_t find_fn(const struct ctx *c, const char *name) {
  if (!name || !c->nnames) return NONE;
  struct name_ix key = {name, 0};
  const struct name_ix *hit = bsearch(&key, c->names, c->nnames, sizeof key, name_cmp);
  return hit ? hit->fn : NONE;
}

static int live(const struct tl_func *fn, uint32_t b) {
  return !fn->idom || fn->idom[b] != UINT32_MAX;
}

/* The i-th parameter's slot: the front-end adds parameter slots first, in order. */
static tl_slot_id param_slot(const struct tl_func *fn, uint32_t i) {
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    if (fn->slots[s].kind == TL_SLOT_PARAM && i-- == 0) return s;
  return TL_SLOT_NONE;
}

/* The index of fn's parameter whose slot is p, when below max; else -1. */
static int param_index(const struct tl_func *fn, tl_slot_id p, uint32_t max) {
  uint32_t k = 0;
  for (tl_slot_id s = 1; s < fn->nslots && k < max; s++) {
    if (fn->slots[s].kind != TL_SLOT_PARAM) continue;
    if (s == p) return (int)k;
    k++;
  }
  return -1;
}

static uint32_t count_params(const struct tl_func *fn) {
  uint32_t n = 0;
  for (tl_slot_id s = 1; s < fn->nslots; s++) n += fn->slots[s].kind == TL_SLOT_PARAM;
  return n;
}

/* The pointee (`*p`) or element (`p[]`) slot of p; created (as a ticket) when `create`. */
static tl_slot_id pointee_of(struct ctx *c, struct tl_func *fn, tl_slot_id p, int create) {
  if (p == TL_SLOT_NONE || p >= fn->nslots) return TL_SLOT_NONE;
  for (tl_slot_id s = p + 1; s < fn->nslots; s++)
    if (fn->slots[s].parent == p &&
        (fn->slots[s].kind == TL_SLOT_DEREF || fn->slots[s].kind == TL_SLOT_ELEM))
      return s;
  if (!create) return TL_SLOT_NONE;
  enum tl_slot_kind k = (fn->slots[p].flags & TL_SLOT_ARRAY) ? TL_SLOT_ELEM : TL_SLOT_DEREF;
  tl_slot_id s = TL_SLOT_NONE;
  if (tl_func_child_slot(c->u, fn, k, p, NULL, &s)) {
    c->err = TL_ENOMEM;
    return TL_SLOT_NONE;
  }
  fn->slots[s].flags |= TL_SLOT_TICKET;
  return s;
}

/* ---- calls seen through summaries -------------------------------------------------------- */

static enum tl_ev_kind ev_of_effect(uint8_t e) {
  switch (e) {
  case TL_SUM_START:   return TL_EV_START;
  case TL_SUM_AWAIT:   return TL_EV_AWAIT;
  case TL_SUM_CONSUME: return TL_EV_CONSUME;
  case TL_SUM_DETACH:  return TL_EV_DETACH;
  case TL_SUM_READ:    return TL_EV_READ;
  default:             return TL_EV_CALL;
  }
}

static uint8_t effect_of_ev(enum tl_ev_kind k) {
  switch (k) {
  case TL_EV_AWAIT: case TL_EV_AWAIT_ALL: return TL_SUM_AWAIT;
  case TL_EV_CONSUME:                     return TL_SUM_CONSUME;
  case TL_EV_DETACH:                      return TL_SUM_DETACH;
  default:                                return TL_SUM_NONE;
  }
}

static uint8_t effect_of_model(const struct tl_summary *s) {
  switch (s->model.event) {
  case TL_ME_START:   return TL_SUM_START;
  case TL_ME_AWAIT:   return TL_SUM_AWAIT;
  case TL_ME_CONSUME: return TL_SUM_CONSUME;
  case TL_ME_DETACH:  return TL_SUM_DETACH;
  case TL_ME_READ:    return TL_SUM_READ;
  default:            return TL_SUM_NONE;
  }
}

/* The slot playing role r at call ev: its result, an argument, or what an argument points
 * to (created when needed); NONE when the call did not record its arguments. */
static tl_slot_id role_at_call(struct ctx *c, struct tl_func *fn, const struct tl_event *ev,
                               struct tl_argref r) {
  if (r.index == TL_ARG_RET) return ev->dst;
  if (r.index < 0 || !ev->args || (uint32_t)r.index >= ev->nargs) return TL_SLOT_NONE;
  const struct tl_arg *a = &ev->args[r.index];
  if (!r.deref) return a->slot ? a->slot : a->addr;
  if (a->addr) return a->addr;
  return pointee_of(c, fn, a->slot, 1);
}

/* The callee of a CALL (or of an already rewritten call) when it is a function of the unit. */
static uint32_t callee_of(const struct ctx *c, const struct tl_event *ev) {
  if (ev->kind != TL_EV_CALL && !(ev->model && ev->model->synthesized)) return NONE;
  return find_fn(c, ev->callee);
}

/* The effects of event ev of fn, into out (at most MAX_EFFECTS); their number. A model
 * event is its own effect; a call to a summarised function is its primary effect; a call
 * to a function of the component being solved that has no summary yet is optimistic: it
 * issues into its result and hands in every ticket argument. */
static uint32_t effects_of(struct ctx *c, struct tl_func *fn, const struct tl_event *ev,
                           struct effect *out) {
  uint32_t g = callee_of(c, ev);
  if (g == NONE) {
    if (ev->kind == TL_EV_CALL || ev->ticket == TL_SLOT_NONE) return 0;
    out[0] = (struct effect){ev->kind, ev->ticket, ev, NONE};
    return 1;
  }
  if (c->pending[g]) {
    uint32_t n = 0;
    if (ev->dst) out[n++] = (struct effect){TL_EV_START, ev->dst, ev, g};
    for (uint32_t i = 0; ev->args && i < ev->nargs && n < MAX_EFFECTS; i++) {
      tl_slot_id s = ev->args[i].slot ? ev->args[i].slot : ev->args[i].addr;
      if (s && s < fn->nslots && (fn->slots[s].flags & TL_SLOT_TICKET))
        out[n++] = (struct effect){TL_EV_AWAIT, s, ev, g};
    }
    return n;
  }
  const struct tl_summary *s = &c->ss->fns[g];
  if (!s->has_model) return 0;
  tl_slot_id t = role_at_call(c, fn, ev, s->model.ticket);
  if (!t || !(fn->slots[t].flags & TL_SLOT_TICKET)) return 0;   /* as rewrite() decides */
  out[0] = (struct effect){ev_of_effect(effect_of_model(s)), t, ev, g};
  return 1;
}

/* 1 when the ESCAPE at events[i] of blk is the one the front-end put before a call for an
 * argument that the call's effects now name: the rewrite drops it. */
static int dropped_escape(struct ctx *c, struct tl_func *fn, const struct tl_block *blk,
                          uint32_t i) {
  const struct tl_event *esc = &blk->events[i];
  if (esc->kind != TL_EV_ESCAPE) return 0;
  uint32_t j = i;
  while (j < blk->nevents && blk->events[j].kind == TL_EV_ESCAPE) j++;
  if (j == blk->nevents || callee_of(c, &blk->events[j]) == NONE) return 0;
  struct effect fx[MAX_EFFECTS];
  uint32_t n = effects_of(c, fn, &blk->events[j], fx);
  for (uint32_t k = 0; k < n; k++)
    if (fx[k].ticket == esc->ticket && fx[k].ticket != blk->events[j].dst) return 1;
  return 0;
}

/* ---- one function ------------------------------------------------------------------------ */

/* What the walk over one function found about one place (a parameter, or what it points
 * to). */
struct seen {
  struct effect start;             /* first START into it */
  struct effect handin;            /* first hand-in */
  struct effect read;              /* first READ */
  struct effect escape;            /* first escape (an ESCAPE, a RETURN, a store) */
};

static void keep(struct effect *dst, const struct effect *e) {
  /* prefer an effect of the function itself over one through a call: it grounds */
  if (!dst->ev || (dst->callee != NONE && e->callee == NONE)) *dst = *e;
}

static void set_role(struct tl_sum_role *r, uint8_t effect, const struct effect *e) {
  r->effect = effect;
  r->via = e ? e->ev : NULL;
  r->via_fn = e ? e->callee : NONE;
}

/* The must-analysis: bit k of the result is set when place k (params 0..MAX_PARAMS-1, then
 * their pointees) is handed in on every path from the entry to the exit. */
static uint64_t handed_in_everywhere(const struct tl_func *fn, const uint64_t *gen,
                                     uint64_t *in) {
  const uint64_t all = ~(uint64_t)0;
  if (fn->exit >= fn->nblocks || fn->blocks[fn->exit].npreds == 0) return 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) in[b] = b == 0 ? 0 : all;
  for (uint32_t round = 0, changed = 1; changed && round <= fn->nblocks + 1; round++) {
    changed = 0;
    for (uint32_t b = 1; b < fn->nblocks; b++) {
      if (!live(fn, b)) continue;
      uint64_t v = all;
      for (uint32_t p = 0; p < fn->blocks[b].npreds; p++) {
        uint32_t q = fn->blocks[b].preds[p];
        if (live(fn, q)) v &= in[q] | gen[q];
      }
      if (v != in[b]) in[b] = v, changed = 1;
    }
  }
  return in[fn->exit];
}

/* Which place k an effect's slot is: 0..np-1 a parameter, MAX_PARAMS + k its pointee. */
static int place_of(const tl_slot_id *params, const tl_slot_id *pointees, uint32_t np,
                    tl_slot_id s) {
  for (uint32_t k = 0; s && k < np; k++) {
    if (s == params[k]) return (int)k;
    if (s == pointees[k]) return MAX_PARAMS + (int)k;
  }
  return -1;
}

/* 1 when some RETURN of fn reads slot s. */
static int returns_slot(const struct tl_func *fn, tl_slot_id s) {
  for (uint32_t b = 0; s && b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (blk->term != TL_TERM_RETURN || !blk->nevents || !live(fn, b)) continue;
    const struct tl_event *r = &blk->events[blk->nevents - 1];
    for (uint32_t i = 0; i < r->nuses; i++)
      if (r->uses[i] == s) return 1;
  }
  return 0;
}

/* 1 when some return of fn may pass a failure back: a nonzero constant (`return
 * TK_EINVAL;`) or a computed value (`return err;`, `return *out ? 0 : TK_ENOMEM;`). */
static int returns_status(const struct tl_func *fn) {
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (blk->term != TL_TERM_RETURN || !blk->nevents || !live(fn, b)) continue;
    const struct tl_event *r = &blk->events[blk->nevents - 1];
    if ((r->flags & TL_F_NONZERO) || r->nuses) return 1;
  }
  return 0;
}

/* The model entry of s's primary effect. */
/* The start `via` of fn names an owner (model owner=: the ring of a cqe) that is a parameter
 * of fn, or what one points to: the same role for fn's callers (`wait_one(&ring)` waits on
 * `ring`). Else none. */
static struct tl_argref owner_param(const struct tl_func *fn, const struct tl_event *via) {
  tl_slot_id o = via->kind == TL_EV_START ? via->owner : TL_SLOT_NONE;
  if (o == TL_SLOT_NONE || o >= fn->nslots) return (struct tl_argref){TL_ARG_NONE, 0};
  int deref = fn->slots[o].kind == TL_SLOT_DEREF;
  int k = param_index(fn, deref ? fn->slots[o].parent : o, MAX_PARAMS);
  return k >= 0 ? (struct tl_argref){k, deref} : (struct tl_argref){TL_ARG_NONE, 0};
}

static void make_model(struct tl_summary *s, const struct tl_func *fn, const char *file) {
  static const struct tl_argref none = {TL_ARG_NONE, 0};
  struct tl_model_fn *m = &s->model;
  const struct tl_sum_role *primary = NULL;
  struct tl_argref at = none;
  tl_model_fn_clear(m);
  m->name = s->name;
  m->synthesized = 1;
  m->model = summary_model;
  m->file = file;
  m->line = (int)fn->loc.line;
  if (s->ret.effect == TL_SUM_START) primary = &s->ret, at = (struct tl_argref){TL_ARG_RET, 0};
  for (uint32_t k = 0; !primary && k < s->nparams; k++)
    if (s->pointee[k].effect == TL_SUM_START)
      primary = &s->pointee[k], at = (struct tl_argref){(int)k, 1};
  for (int want = TL_SUM_AWAIT; want <= TL_SUM_READ && !primary; want++)
    for (uint32_t k = 0; !primary && k < s->nparams; k++) {
      if (want != TL_SUM_READ && s->params[k].effect >= TL_SUM_AWAIT &&
          s->params[k].effect <= TL_SUM_DETACH)
        primary = &s->params[k], at = (struct tl_argref){(int)k, 0};
      else if (want != TL_SUM_READ && s->pointee[k].effect >= TL_SUM_AWAIT &&
               s->pointee[k].effect <= TL_SUM_DETACH)
        primary = &s->pointee[k], at = (struct tl_argref){(int)k, 1};
      else if (want == TL_SUM_READ && s->params[k].effect == TL_SUM_READ)
        primary = &s->params[k], at = (struct tl_argref){(int)k, 0};
    }
  s->has_model = primary != NULL;
  s->via = primary ? primary->via : NULL;
  if (!primary) return;
  m->ticket = at;
  switch (primary->effect) {
  case TL_SUM_START:  m->event = TL_ME_START; break;
  case TL_SUM_AWAIT:  m->event = TL_ME_AWAIT; break;
  case TL_SUM_CONSUME: m->event = TL_ME_CONSUME; break;
  case TL_SUM_DETACH: m->event = TL_ME_DETACH; break;
  default:            m->event = TL_ME_READ; break;
  }
  /* The status comes back to the caller: a start that may fail with an error code, an
   * await whose status the function returns. */
  if (primary->effect == TL_SUM_START && at.index != TL_ARG_RET && returns_status(fn))
    m->status = (struct tl_argref){TL_ARG_RET, 0};
  if (primary->effect == TL_SUM_START && primary->via) m->owner = owner_param(fn, primary->via);
  if (primary->effect == TL_SUM_AWAIT && primary->via && primary->via->aux &&
      returns_slot(fn, primary->via->aux))
    m->status = (struct tl_argref){TL_ARG_RET, 0};
}

/* 1 when ev writes slot t: a start into it, or an assignment to it. */
static int writes(const struct tl_event *ev, tl_slot_id t) {
  return t && ((ev->kind == TL_EV_START && ev->ticket == t) ||
               (ev->kind == TL_EV_ASSIGN && ev->dst == t));
}

/* Summarise function f from the summaries known now. */
static void summarise(struct ctx *c, uint32_t f) {
  struct tl_func *fn = &c->u->funcs[f];
  struct tl_summary *s = &c->ss->fns[f];
  uint32_t np = s->nparams < MAX_PARAMS ? s->nparams : MAX_PARAMS;
  tl_slot_id params[MAX_PARAMS] = {0}, pointees[MAX_PARAMS] = {0};
  struct seen seen[2 * MAX_PARAMS];
  struct effect fx[MAX_EFFECTS];
  memset(seen, 0, sizeof seen);
  for (uint32_t k = 0; k < np; k++) {
    params[k] = param_slot(fn, k);
    tl_slot_id pt = pointee_of(c, fn, params[k], 0);
    if (pt && (fn->slots[pt].flags & TL_SLOT_TICKET)) pointees[k] = pt;
    if (!(fn->slots[params[k]].flags & TL_SLOT_TICKET)) params[k] = TL_SLOT_NONE;
  }
  uint64_t *gen = tl_arena_alloc(c->arena, (fn->nblocks + 1) * 2 * sizeof *gen);
  if (!gen) {
    c->err = TL_ENOMEM;
    return;
  }
  memset(gen, 0, (fn->nblocks + 1) * sizeof *gen);

  /* every start, for `return t` and `*out = t` */
  uint32_t nev = 0, nstarts = 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) nev += fn->blocks[b].nevents;
  struct effect *starts =
      tl_arena_alloc(c->arena, ((size_t)nev * MAX_EFFECTS + 1) * sizeof *starts);
  if (!starts) {
    c->err = TL_ENOMEM;
    return;
  }
  struct effect ret_start = {0};
  int all_returns_fresh = 1, nreturns = 0;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t b = 0; b < fn->nblocks; b++) {
      if (!live(fn, b)) continue;
      const struct tl_block *blk = &fn->blocks[b];
      for (uint32_t i = 0; i < blk->nevents; i++) {
        const struct tl_event *ev = &blk->events[i];
        if (pass == 1) {          /* returns and stores, once every start is known */
          if (ev->kind == TL_EV_RETURN) {
            nreturns++;
            const struct effect *st = NULL;
            for (uint32_t j = 0; ev->ticket && j < nstarts && !st; j++)
              if (starts[j].ticket == ev->ticket && tl_lc_slot_owned(fn, ev->ticket))
                st = &starts[j];
            if (st) keep(&ret_start, st);
            else all_returns_fresh = 0;
          } else if (ev->kind == TL_EV_ASSIGN && ev->nuses == 1) {
            int k = place_of(params, pointees, np, ev->dst);
            for (uint32_t j = 0; k >= MAX_PARAMS && j < nstarts; j++)
              if (starts[j].ticket == ev->uses[0]) keep(&seen[k].start, &starts[j]);
          }
          continue;
        }
        if (dropped_escape(c, fn, blk, i)) continue;
        if (ev->kind == TL_EV_ESCAPE && i > 0 && writes(&blk->events[i - 1], ev->ticket))
          continue;               /* `*out = ...`: the store the caller will see, no escape */
        if (ev->kind == TL_EV_ESCAPE || ev->kind == TL_EV_RETURN) {
          for (uint32_t k = 0; k < np; k++) {
            int hit = ev->ticket && (ev->ticket == params[k] || ev->ticket == pointees[k] ||
                                     tl_lc_slot_within(fn, pointees[k], ev->ticket));
            for (uint32_t u = 0; ev->kind == TL_EV_RETURN && u < ev->nuses; u++)
              hit |= ev->uses[u] && ev->uses[u] == params[k];
            struct effect e = {TL_EV_ESCAPE, ev->ticket, ev, NONE};
            if (hit && params[k]) keep(&seen[k].escape, &e);
            if (hit && pointees[k] && ev->ticket != params[k])
              keep(&seen[MAX_PARAMS + k].escape, &e);
          }
          continue;
        }
        uint32_t n = effects_of(c, fn, ev, fx);
        for (uint32_t e = 0; e < n; e++) {
          if (fx[e].kind == TL_EV_START) starts[nstarts++] = fx[e];
          int k = place_of(params, pointees, np, fx[e].ticket);
          if (k < 0) continue;
          struct seen *sn = &seen[k];
          switch (fx[e].kind) {
          case TL_EV_START: keep(&sn->start, &fx[e]); break;
          case TL_EV_READ:  keep(&sn->read, &fx[e]); break;
          case TL_EV_AWAIT: case TL_EV_AWAIT_ALL: case TL_EV_CONSUME: case TL_EV_DETACH:
            keep(&sn->handin, &fx[e]);
            gen[b] |= (uint64_t)1 << k;
            break;
          default: break;
          }
        }
      }
    }
  uint64_t must = handed_in_everywhere(fn, gen, gen + fn->nblocks + 1);

  /* the return value */
  set_role(&s->ret, TL_SUM_NONE, NULL);
  if (nreturns && all_returns_fresh && ret_start.ev) set_role(&s->ret, TL_SUM_START, &ret_start);
  /* each place */
  for (uint32_t k = 0; k < 2 * MAX_PARAMS; k++) {
    uint32_t pk = k % MAX_PARAMS;
    if (pk >= np) continue;
    struct tl_sum_role *r = k < MAX_PARAMS ? &s->params[pk] : &s->pointee[pk];
    const struct seen *sn = &seen[k];
    set_role(r, TL_SUM_NONE, NULL);
    if ((k < MAX_PARAMS ? params[pk] : pointees[pk]) == TL_SLOT_NONE) continue;
    if (k >= MAX_PARAMS && sn->start.ev && !sn->handin.ev && !sn->escape.ev && !sn->read.ev)
      set_role(r, TL_SUM_START, &sn->start);
    else if (sn->handin.ev && (must & ((uint64_t)1 << k)) && !sn->escape.ev)
      set_role(r, effect_of_ev(sn->handin.kind), &sn->handin);
    else if (sn->escape.ev || sn->handin.ev)
      set_role(r, TL_SUM_ESCAPE, sn->escape.ev ? &sn->escape : &sn->handin);
    else if (sn->read.ev)
      set_role(r, TL_SUM_READ, &sn->read);
  }
  make_model(s, fn, c->u->file ? c->u->file : fn->file);
}

/* ---- the unit ---------------------------------------------------------------------------- */

static int same_role(const struct tl_sum_role *a, const struct tl_sum_role *b) {
  return a->effect == b->effect && a->via == b->via && a->via_fn == b->via_fn;
}

static int same_summary(const struct tl_summary *a, const struct tl_summary *b) {
  if (!same_role(&a->ret, &b->ret) || a->has_model != b->has_model) return 0;
  for (uint32_t k = 0; k < a->nparams; k++)
    if (!same_role(&a->params[k], &b->params[k]) || !same_role(&a->pointee[k], &b->pointee[k]))
      return 0;
  return 1;
}

/* Copy of a summary's roles (into the arena), to compare rounds. */
static int snapshot(struct ctx *c, const struct tl_summary *s, struct tl_summary *out) {
  *out = *s;
  size_t sz = (s->nparams + 1) * sizeof *s->params;
  out->params = tl_arena_alloc(c->arena, sz);
  out->pointee = tl_arena_alloc(c->arena, sz);
  if (!out->params || !out->pointee) return TL_ENOMEM;
  memcpy(out->params, s->params, s->nparams * sizeof *s->params);
  memcpy(out->pointee, s->pointee, s->nparams * sizeof *s->pointee);
  return 0;
}

static void clear(struct tl_summary *s) {
  set_role(&s->ret, TL_SUM_NONE, NULL);
  for (uint32_t k = 0; k < s->nparams; k++) {
    set_role(&s->params[k], TL_SUM_NONE, NULL);
    set_role(&s->pointee[k], TL_SUM_NONE, NULL);
  }
  s->has_model = 0;
  s->via = NULL;
}

/* Solve one component (members[0..n)): once, or in rounds when it is recursive. */
static int solve(struct ctx *c, const uint32_t *members, uint32_t n, int cyclic) {
  if (!cyclic) {
    summarise(c, members[0]);
    return c->err;
  }
  for (uint32_t i = 0; i < n; i++) c->pending[members[i]] = 1;
  struct tl_summary *prev = tl_arena_alloc(c->arena, (n + 1) * sizeof *prev);
  if (!prev) return TL_ENOMEM;
  int stable = 0;
  for (uint32_t round = 0; round < TL_SUMMARY_ROUNDS && !stable; round++) {
    for (uint32_t i = 0; i < n; i++)
      if (snapshot(c, &c->ss->fns[members[i]], &prev[i])) return TL_ENOMEM;
    for (uint32_t i = 0; i < n; i++) summarise(c, members[i]);
    if (c->err) return c->err;
    for (uint32_t i = 0; i < n; i++) c->pending[members[i]] = 0;
    stable = round > 0;
    for (uint32_t i = 0; i < n; i++)
      stable &= same_summary(&prev[i], &c->ss->fns[members[i]]);
  }
  if (!stable) {
    for (uint32_t i = 0; i < n; i++) clear(&c->ss->fns[members[i]]);
    return 0;
  }
  /* Grounding: a primary effect must come from a model event, maybe through calls. */
  uint8_t *grounded = tl_arena_alloc(c->arena, n + 1);
  if (!grounded) return TL_ENOMEM;
  memset(grounded, 0, n + 1);
  for (int changed = 1; changed;) {
    changed = 0;
    for (uint32_t i = 0; i < n; i++) {
      const struct tl_summary *s = &c->ss->fns[members[i]];
      if (grounded[i] || !s->has_model) continue;
      uint32_t via_fn = NONE;
      for (uint32_t k = 0; k < s->nparams && via_fn == NONE; k++)
        if (s->params[k].via == s->via) via_fn = s->params[k].via_fn;
        else if (s->pointee[k].via == s->via) via_fn = s->pointee[k].via_fn;
      if (s->ret.via == s->via && s->ret.effect) via_fn = s->ret.via_fn;
      int ok = via_fn == NONE || c->comp[via_fn] != c->comp[members[i]];
      for (uint32_t j = 0; !ok && j < n; j++) ok = members[j] == via_fn && grounded[j];
      if (ok) grounded[i] = 1, changed = 1;
    }
  }
  for (uint32_t i = 0; i < n; i++)
    if (!grounded[i]) clear(&c->ss->fns[members[i]]);
  return 0;
}

/* Tarjan's algorithm, iteratively: components are found callees first. */
static int components(struct ctx *c, const struct tl_callgraph *g) {
  uint32_t n = g->n, index = 0, sp = 0, cs = 0, ncomp = 0;
  uint32_t *idx = tl_arena_alloc(c->arena, (n + 1) * sizeof *idx);
  uint32_t *low = tl_arena_alloc(c->arena, (n + 1) * sizeof *low);
  uint32_t *stack = tl_arena_alloc(c->arena, (n + 1) * sizeof *stack);
  uint32_t *call = tl_arena_alloc(c->arena, (n + 1) * sizeof *call);    /* DFS: function */
  uint32_t *next = tl_arena_alloc(c->arena, (n + 1) * sizeof *next);    /* DFS: next edge */
  uint8_t *on = tl_arena_alloc(c->arena, n + 1);
  if (!idx || !low || !stack || !call || !next || !on) return TL_ENOMEM;
  for (uint32_t f = 0; f < n; f++) idx[f] = NONE, on[f] = 0;
  for (uint32_t root = 0; root < n; root++) {
    if (idx[root] != NONE) continue;
    call[cs] = root, next[cs++] = g->out_start[root];
    idx[root] = low[root] = index++, stack[sp++] = root, on[root] = 1;
    while (cs) {
      uint32_t f = call[cs - 1];
      if (next[cs - 1] < g->out_start[f + 1]) {
        uint32_t to = g->edges[next[cs - 1]++].to;
        if (idx[to] == NONE) {
          idx[to] = low[to] = index++, stack[sp++] = to, on[to] = 1;
          call[cs] = to, next[cs++] = g->out_start[to];
        } else if (on[to] && idx[to] < low[f]) {
          low[f] = idx[to];
        }
        continue;
      }
      cs--;
      if (cs && low[f] < low[call[cs - 1]]) low[call[cs - 1]] = low[f];
      if (low[f] != idx[f]) continue;
      uint32_t top = sp;
      do on[stack[--sp]] = 0, c->comp[stack[sp]] = ncomp; while (stack[sp] != f);
      uint32_t m = top - sp;
      int cyclic = m > 1;
      for (uint32_t e = g->out_start[f]; !cyclic && e < g->out_start[f + 1]; e++)
        cyclic = g->edges[e].to == f;
      ncomp++;
      int err = solve(c, stack + sp, m, cyclic);
      if (err) return err;
    }
  }
  return 0;
}

int tl_summaries_compute(struct tl_unit *unit, tl_arena *arena,
                         const struct tl_summaries **out) {
  struct ctx c = {.u = unit, .arena = arena};
  struct tl_callgraph g;
  uint32_t n = unit->nfuncs;
  c.ss = tl_arena_alloc(arena, sizeof *c.ss);
  struct tl_summary *fns = tl_arena_alloc(arena, (n + 1) * sizeof *fns);
  c.names = tl_arena_alloc(arena, (n + 1) * sizeof *c.names);
  c.pending = tl_arena_alloc(arena, n + 1);
  c.comp = tl_arena_alloc(arena, (n + 1) * sizeof *c.comp);
  if (!c.ss || !fns || !c.names || !c.pending || !c.comp) return TL_ENOMEM;
  memset(c.pending, 0, n + 1);
  for (uint32_t f = 0; f < n; f++) {
    struct tl_func *fn = &unit->funcs[f];
    if (!fn->idom && fn->nblocks && tl_func_finish(unit, fn)) return TL_ENOMEM;
    uint32_t np = count_params(fn);
    fns[f] = (struct tl_summary){.name = fn->name, .fn = f, .nparams = np};
    fns[f].params = tl_arena_alloc(arena, (np + 1) * sizeof *fns[f].params);
    fns[f].pointee = tl_arena_alloc(arena, (np + 1) * sizeof *fns[f].pointee);
    if (!fns[f].params || !fns[f].pointee) return TL_ENOMEM;
    clear(&fns[f]);
    if (fn->name) c.names[c.nnames++] = (struct name_ix){fn->name, f};
  }
  if (c.nnames) qsort(c.names, c.nnames, sizeof *c.names, name_cmp);
  *c.ss = (struct tl_summaries){n, fns, unit};
  if (tl_callgraph_build(unit, arena, &g)) return TL_ENOMEM;
  int err = components(&c, &g);
  if (err) return err;
  *out = c.ss;
  return 0;
}

/* ---- rewriting --------------------------------------------------------------------------- */

/* Rewrite call ev of fn (a CALL to summarised function s) into s's primary effect. */
static void rewrite(struct ctx *c, struct tl_func *fn, struct tl_event *ev,
                    const struct tl_summary *s) {
  const struct tl_model_fn *m = &s->model;
  tl_slot_id t = role_at_call(c, fn, ev, m->ticket);
  if (m->ticket.index != TL_ARG_RET && t == TL_SLOT_NONE) return;
  if (t && !(fn->slots[t].flags & TL_SLOT_TICKET)) return;
  tl_slot_id res = ev->dst;
  uint32_t discarded = ev->flags & (TL_F_DISCARDED | TL_F_VOID_CAST);
  ev->flags &= ~(uint32_t)(TL_F_DISCARDED | TL_F_VOID_CAST);
  ev->model = m;
  ev->ticket = t;
  ev->dst = ev->aux = TL_SLOT_NONE;
  switch (m->event) {
  case TL_ME_START:
    ev->kind = TL_EV_START;
    if (m->ticket.index == TL_ARG_RET) ev->flags |= discarded;
    else ev->dst = res;
    if (m->owner.index != TL_ARG_NONE) ev->owner = role_at_call(c, fn, ev, m->owner);
    break;
  case TL_ME_AWAIT:
    ev->kind = TL_EV_AWAIT;
    if (m->status.index == TL_ARG_RET) {
      ev->aux = res;
      if (discarded) ev->flags |= TL_F_STATUS_DISCARDED | (discarded & TL_F_VOID_CAST);
    }
    break;
  default:
    ev->kind = ev_of_effect(effect_of_model(s));
    ev->dst = res;
    break;
  }
}

int tl_summaries_apply(struct tl_unit *unit, const struct tl_summaries *self) {
  tl_arena *scratch = tl_arena_new();
  if (!scratch) return TL_ENOMEM;
  struct ctx c = {.u = unit, .arena = scratch, .ss = (struct tl_summaries *)self};
  int err = TL_ENOMEM;
  c.names = tl_arena_alloc(scratch, (unit->nfuncs + 1) * sizeof *c.names);
  c.pending = tl_arena_alloc(scratch, unit->nfuncs + 1);
  if (!c.names || !c.pending) goto fail;
  memset(c.pending, 0, unit->nfuncs + 1);
  for (uint32_t f = 0; f < unit->nfuncs; f++)
    if (unit->funcs[f].name) c.names[c.nnames++] = (struct name_ix){unit->funcs[f].name, f};
  if (c.nnames) qsort(c.names, c.nnames, sizeof *c.names, name_cmp);
  for (uint32_t f = 0; f < unit->nfuncs; f++) {
    struct tl_func *fn = &unit->funcs[f];
    for (uint32_t b = 0; b < fn->nblocks; b++) {
      struct tl_block *blk = &fn->blocks[b];
      /* drop the escapes first (they look at the calls as they still are), then rewrite */
      uint32_t w = 0;
      for (uint32_t i = 0; i < blk->nevents; i++)
        if (!dropped_escape(&c, fn, blk, i)) blk->events[w++] = blk->events[i];
      blk->nevents = w;
      for (uint32_t i = 0; i < blk->nevents; i++) {
        struct tl_event *ev = &blk->events[i];
        uint32_t g = ev->kind == TL_EV_CALL ? find_fn(&c, ev->callee) : NONE;
        if (g != NONE && self->fns[g].has_model) rewrite(&c, fn, ev, &self->fns[g]);
      }
    }
  }
  err = c.err;
fail:
  tl_arena_free(scratch);
  return err;
}

/* ---- returns of a variable known nonzero --------------------------------------------------
 * `if (ret) return ret;`, `ret = T_EXIT_FAIL; ... return ret;`: the RETURN of a plain integer
 * local or parameter x gets TL_F_NONZERO_VAR when every path from the entry to it leaves x
 * nonzero: walking back, the last write of x on the path assigns a nonzero constant, or the
 * path took the side of a branch on x that implies x != 0 (`x`, `!x` false, `x != 0`,
 * `x == 5`, `x < 0`...). A path that reaches the entry, a loop (a block met again), any other
 * write of x or a call given &x answers no, as does a walk past NZ_BUDGET blocks. */

enum { NZ_UNSEEN, NZ_VISITING, NZ_YES, NZ_NO };

#define NZ_BUDGET 256         /* blocks one return's walk may visit; past it the answer is no */

struct nz {
  const struct tl_func *fn;
  tl_slot_id x;
  uint8_t *memo;              /* [block]: x nonzero at the block's end, on every path */
  uint32_t budget;
};

/* 1 when taking succs[k] of p implies x != 0. */
static int nz_edge(const struct tl_block *p, uint32_t k, tl_slot_id x) {
  const struct tl_cond *c = &p->cond;
  if (p->term != TL_TERM_BRANCH || p->nsuccs != 2 || c->slot != x ||
      p->succs[0] == p->succs[1])
    return 0;
  int taken = k == 0;
  switch (c->cmp) {
  case TL_CMP_NONZERO: return taken;
  case TL_CMP_ZERO:    return !taken;
  case TL_CMP_NE:      return c->value == 0 ? taken : !taken;   /* not taken: x == c */
  case TL_CMP_EQ:      return c->value == 0 ? !taken : taken;
  case TL_CMP_LT:      return taken && c->value <= 0;
  case TL_CMP_LE:      return taken && c->value < 0;
  case TL_CMP_GT:      return taken && c->value >= 0;
  case TL_CMP_GE:      return taken && c->value > 0;
  default:             return 0;
  }
}

static int nz_block(struct nz *d, uint32_t b);

/* x nonzero just before event `upto` of block b, on every path from the entry. */
static int nz_before(struct nz *d, uint32_t b, uint32_t upto) {
  const struct tl_block *blk = &d->fn->blocks[b];
  for (uint32_t i = upto; i-- > 0;) {
    const struct tl_event *ev = &blk->events[i];
    if (ev->dst == d->x) return ev->kind == TL_EV_ASSIGN && (ev->flags & TL_F_NONZERO);
    if (ev->aux == d->x || ev->ticket == d->x) return 0;
    for (uint32_t a = 0; a < ev->nargs; a++)
      if (ev->args[a].addr == d->x) return 0;
  }
  if (b == 0 || blk->npreds == 0) return 0;
  for (uint32_t p = 0; p < blk->npreds; p++) {
    uint32_t pb = blk->preds[p];
    if (pb >= d->fn->nblocks) return 0;
    const struct tl_block *pred = &d->fn->blocks[pb];
    for (uint32_t k = 0; k < pred->nsuccs; k++)
      if (pred->succs[k] == b && !nz_edge(pred, k, d->x) && !nz_block(d, pb)) return 0;
  }
  return 1;
}

static int nz_block(struct nz *d, uint32_t b) {
  uint8_t *m = &d->memo[b];
  if (*m == NZ_VISITING) return 0;
  if (*m != NZ_UNSEEN) return *m == NZ_YES;
  if (d->budget == 0) return 0;
  d->budget--;
  *m = NZ_VISITING;
  int yes = nz_before(d, b, d->fn->blocks[b].nevents);
  *m = yes ? NZ_YES : NZ_NO;
  return yes;
}

static int mark_nonzero_returns(struct tl_unit *unit) {
  uint32_t most = 0;
  for (uint32_t g = 0; g < unit->nfuncs; g++)
    if (unit->funcs[g].nblocks > most) most = unit->funcs[g].nblocks;
  uint8_t *memo = malloc((size_t)most + 1);
  if (!memo) return TL_ENOMEM;
  for (uint32_t g = 0; g < unit->nfuncs; g++) {
    struct tl_func *fn = &unit->funcs[g];
    for (uint32_t b = 0; b < fn->nblocks; b++) {
      struct tl_block *blk = &fn->blocks[b];
      if (blk->term != TL_TERM_RETURN || !blk->nevents) continue;
      struct tl_event *r = &blk->events[blk->nevents - 1];
      if (r->kind != TL_EV_RETURN || (r->flags & (TL_F_NONZERO | TL_F_NONZERO_VAR)) ||
          r->nuses != 1 ||
          r->ticket != TL_SLOT_NONE || r->uses[0] >= fn->nslots)
        continue;
      const struct tl_slot *xs = &fn->slots[r->uses[0]];
      if ((xs->kind != TL_SLOT_LOCAL && xs->kind != TL_SLOT_PARAM) ||
          (xs->flags & (TL_SLOT_POINTER | TL_SLOT_TICKET)))
        continue;
      struct nz d = {fn, r->uses[0], memo, NZ_BUDGET};
      memset(memo, NZ_UNSEEN, (size_t)fn->nblocks);
      if (nz_before(&d, b, blk->nevents - 1)) r->flags |= TL_F_NONZERO_VAR;
    }
  }
  free(memo);
  return 0;
}

/* ---- failing exits and owners at rest --------------------------------------------------
 * Two questions about one call of a function of the unit, answered by one depth-first walk
 * from the call over the caller's blocks, with r the call's result: either still it
 * (`intact`: a branch on it prunes the side where it is zero, and, when every nonzero
 * return of the callee is the same constant c, `r == c` prunes its false side; `return r`
 * counts) or overwritten since. A plain local set to a nonzero constant on the path (`err:
 * ret = 1; goto done;`) and returned unchanged counts as a nonzero constant (DOOM_NZ).
 *  - Failing exits (tl_summary_fails_exit), owner NONE: does every path on which r may be
 *    nonzero end the process in failure? A block met again (a loop) answers no.
 *  - Owners at rest (tl_summary_owner_rests): an owner (model owner=: the ring of a cqe)
 *    handed to the callee rests after the call when no path from the call uses it again
 *    before it is freed (`io_uring_queue_exit(&ring)`), dies (a local of the caller, not
 *    returned) or the process ends (a call that never returns, a failing exit of the
 *    caller). A ticket of that owner the callee leaves pending is never met again: an unseen
 *    cqe only does harm at its ring's next wait or peek. Any other use of the owner (a wait,
 *    a peek, a call that may wait inside) counts as meeting it, but a model `use` naming it
 *    as owner= (io_uring_unregister_buffers: reaps nothing). With a result r the walk
 *    takes only the paths on which r may be nonzero (negative with `negative`, 0 with
 *    `zero`: a branch on r takes the side 0 takes); without, every path. The walk is a
 *    conjunction: the first path that uses the owner ends it with no, so a block met again
 *    (a loop) answers yes: the loop's own uses are on the walk already.
 * A walk past DOOM_BUDGET blocks answers no; the failing-exit fixed point stops after
 * DOOM_ROUNDS rounds (both prove less, never more: a 100k-line function or a deep chain of
 * helpers stays linear). */

enum { DOOM_UNSEEN, DOOM_VISITING, DOOM_YES, DOOM_NO };

#define DOOM_BUDGET 512       /* blocks one call's walk may visit; past it the answer is no */
#define DOOM_ROUNDS 16        /* rounds of the fixed point; stopping early proves less */

struct doom {
  const struct tl_func *fn;
  tl_slot_id r;                    /* the call's result (NONE: every path) */
  int caller_fails;                /* the caller's own failing returns end the process */
  uint8_t *memo;                   /* [block * 4 + state] (DOOM_INTACT, DOOM_NZ) */
  uint32_t budget;                 /* blocks left to visit */
  int has_only;                    /* the callee's only nonzero result is `only` */
  long long only;
  tl_slot_id owner;                /* owners at rest: root slot of the owner in the caller */
  int negative;                    /* r is negative (`return -EINVAL;`), not only nonzero */
  int zero;                        /* r is 0 (`return ret == -EAGAIN;` after a peek that
                                      issued its cqe): the paths a zero result takes */
  tl_slot_id nzv;                  /* a local the walk saw set to a nonzero constant (the
                                      first one): `ret = 1; goto done; done: return ret;` */
  tl_slot_id flag;                 /* owners at rest after a return that set this global to a
                                      nonzero constant (r is NONE): DOOM_INTACT says the
                                      flag still holds it */
  tl_slot_id alias;                /* a local struct whose pointer `member` points to the
                                      owner (`td.ring = &ring`): an event that may reach the
                                      member through it meets the owner (leaves_member) */
  const char *member;
  const struct tl_unit *unit;      /* for the unit's functions the walk's calls reach */
  const struct tl_summaries *ss;
  const struct call_index *calls;  /* owners at rest: a return with the owner in a parameter
                                      asks the function's own callers (passed_on_rests) */
  int depth;                       /* functions up the walk has followed such a return */
  int passed;                      /* passed_on_rests's answer for this walk (-1: not asked) */
};

/* The state a walk carries along a path: r is still the call's result; nzv still holds the
 * nonzero constant it was set to. */
enum { DOOM_INTACT = 1, DOOM_NZ = 2 };

/* 1 when ev sets nzv-candidate x to a nonzero constant: x a plain integer local whose
 * address is never taken, so nothing but its own assignments writes it. */
static int sets_nonzero_local(const struct tl_func *fn, const struct tl_event *ev) {
  if (ev->kind != TL_EV_ASSIGN || !(ev->flags & TL_F_NONZERO) || !ev->dst ||
      ev->dst >= fn->nslots)
    return 0;
  const struct tl_slot *x = &fn->slots[ev->dst];
  return x->kind == TL_SLOT_LOCAL &&
         !(x->flags & (TL_SLOT_ADDR | TL_SLOT_POINTER | TL_SLOT_ARRAY | TL_SLOT_STATIC));
}

/* One call of a function of the unit: caller, block, event. */
struct call_site { uint32_t fn, block, event; };

/* The calls of each function f of the unit: sites[first[f] .. first[f + 1]). */
struct call_index {
  uint32_t *first;
  struct call_site *sites;
  uint8_t *memo;                   /* room for a walk of the unit's longest function, one
                                      for each depth of passed_on_rests: stride bytes each */
  size_t stride;
  uint32_t *passes;                /* walks passed_on_rests may still start in this unit */
};

#define PASS_DEPTH 4          /* functions up a return with the owner in a parameter is followed */
#define PASS_BUDGET 4096      /* walks passed_on_rests may start in a unit; past it: no */

static int doom_block(struct doom *d, uint32_t b, uint32_t from, int st);

/* The successors of a branch on r a negative r may take (`r < 0`, `r >= 0`, `r == 1`). */
static uint32_t negative_succs(const struct tl_cond *c, uint32_t all) {
  switch (c->cmp) {
  case TL_CMP_NONZERO: return 1u;
  case TL_CMP_ZERO:    return 2u;
  case TL_CMP_LT:      return c->value >= 0 ? 1u : all;
  case TL_CMP_LE:      return c->value >= -1 ? 1u : all;
  case TL_CMP_GT:      return c->value >= -1 ? 2u : all;
  case TL_CMP_GE:      return c->value >= 0 ? 2u : all;
  case TL_CMP_EQ:      return c->value >= 0 ? 2u : all;
  case TL_CMP_NE:      return c->value >= 0 ? 1u : all;
  default:             return all;
  }
}

/* The successors of a branch on r a zero r takes (`r`: the false side, `r == -1`: the false
 * side, `r >= 0`: the true side). */
static uint32_t zero_succs(const struct tl_cond *c, uint32_t all) {
  int holds = tl_cond_holds(c, 0);
  return holds < 0 ? all : holds ? 1u : 2u;
}

/* The successors of block b a nonzero r may take (a mask over the first 32). */
static uint32_t doom_succs(const struct doom *d, const struct tl_block *blk, int intact) {
  uint32_t all = blk->nsuccs >= 32 ? UINT32_MAX : (1u << blk->nsuccs) - 1;
  const struct tl_cond *c = &blk->cond;
  tl_slot_id tested = d->flag ? d->flag : d->r;
  if (!intact || blk->term != TL_TERM_BRANCH || c->slot != tested || blk->nsuccs != 2) return all;
  if (d->negative) return negative_succs(c, all);
  if (d->zero) return zero_succs(c, all);
  if (d->flag && (c->nuses != 1 || c->uses[0] != d->flag)) return all;
  int only = d->has_only && c->value == d->only;    /* r nonzero is r == c */
  switch (c->cmp) {
  case TL_CMP_NONZERO: return 1u;
  case TL_CMP_ZERO:    return 2u;
  case TL_CMP_NE:      return c->value == 0 ? 1u : only ? 2u : all;
  case TL_CMP_EQ:      return c->value == 0 ? 2u : only ? 1u : all;
  default:             return all;
  }
}

/* 1 and *only when every return of fn is a constant (`return 0;`, `return -1;`) and its
 * nonzero ones all return the same value: a nonzero result of a call of fn is that value,
 * and `if (ret == -1)` splits its failures from its successes. */
static int only_nonzero_result(const struct tl_func *fn, long long *only) {
  int seen = 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (blk->term != TL_TERM_RETURN || !blk->nevents) continue;
    const struct tl_event *r = &blk->events[blk->nevents - 1];
    if (r->kind != TL_EV_RETURN || r->nuses || r->ticket != TL_SLOT_NONE) return 0;
    if (!(r->flags & TL_F_NONZERO)) continue;     /* `return 0;` (no slot read) */
    if (seen && r->value != *only) return 0;
    *only = r->value;
    seen = 1;
  }
  return seen;
}

/* 1 when event ev uses slot o (its root). */
static int touches(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id o) {
  if ((ev->owner && tl_slot_root(fn, ev->owner) == o) ||
      (ev->ticket && tl_slot_root(fn, ev->ticket) == o) ||
      (ev->aux && tl_slot_root(fn, ev->aux) == o) || (ev->dst && tl_slot_root(fn, ev->dst) == o))
    return 1;
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (ev->uses[i] && tl_slot_root(fn, ev->uses[i]) == o) return 1;
  for (uint32_t i = 0; ev->args && i < ev->nargs; i++)
    if ((ev->args[i].slot && tl_slot_root(fn, ev->args[i].slot) == o) ||
        (ev->args[i].addr && tl_slot_root(fn, ev->args[i].addr) == o))
      return 1;
  return 0;
}

/* 1 when ev writes the variable x or lends its address: x (or a part of it) is its
 * destination, aux or ticket, or the address of x goes to a call. */
static int writes_root(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id x) {
  if ((ev->dst && tl_slot_root(fn, ev->dst) == x) || (ev->aux && tl_slot_root(fn, ev->aux) == x) ||
      (ev->ticket && tl_slot_root(fn, ev->ticket) == x))
    return 1;
  for (uint32_t i = 0; ev->args && i < ev->nargs; i++)
    if (ev->args[i].addr && tl_slot_root(fn, ev->args[i].addr) == x) return 1;
  return 0;
}

/* 1 when ev may write the global flag: assigns it, takes its address, or calls a function
 * with no model (a function of the unit may set it again). */
static int writes_flag(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id flag) {
  return (ev->kind == TL_EV_CALL && !ev->model) || writes_root(fn, ev, flag);
}

#define LEAVES_DEPTH 4        /* unit functions deep a call's leaving of an owner is followed */

static int call_leaves_owner(const struct tl_unit *unit, const struct tl_func *fn,
                             const struct tl_event *ev, tl_slot_id o, int depth);

/* 1 when fn never reaps through parameter k: no event of a model but `use` has an owner in
 * the object it points to (or a copy of it), no call of a function with no model that is not
 * a function of the unit leaving it (call_leaves_owner) is given it, it is never stored
 * elsewhere nor returned. Any doubt: 0. */
static int param_left(const struct tl_unit *unit, const struct tl_func *fn, uint32_t k,
                      int depth) {
  tl_slot_id pk = param_slot(fn, k);
  if (pk == TL_SLOT_NONE || fn->nslots > 4096) return 0;
  uint8_t p[4096] = {0};
  p[pk] = 1;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t b = 0; b < fn->nblocks; b++)
      for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
        const struct tl_event *ev = &fn->blocks[b].events[i];
        int uses_p = 0;
        for (uint32_t u = 0; u < ev->nuses; u++)
          if (ev->uses[u] && ev->uses[u] < fn->nslots && p[tl_slot_root(fn, ev->uses[u])])
            uses_p = 1;
        if (ev->kind == TL_EV_ASSIGN) {
          if (!uses_p) continue;
          const struct tl_slot *d = ev->dst && ev->dst < fn->nslots ? &fn->slots[ev->dst] : 0;
          if (d && (d->kind == TL_SLOT_LOCAL || d->kind == TL_SLOT_TEMP) &&
              !(d->flags & TL_SLOT_ADDR) && (d->flags & TL_SLOT_POINTER))
            p[ev->dst] = 1;                                   /* `struct io_uring *r = t;` */
          else if (!d || (d->flags & TL_SLOT_POINTER) ||
                   (d->kind != TL_SLOT_LOCAL && d->kind != TL_SLOT_TEMP))
            return 0;                                         /* stored elsewhere */
          continue;
        }
        if (ev->kind == TL_EV_RETURN) {
          if (uses_p) return 0;
          continue;
        }
        tl_slot_id own = ev->owner && ev->owner < fn->nslots ? tl_slot_root(fn, ev->owner) : 0;
        if (ev->model) {
          if (own && p[own] && ev->model->event != TL_ME_USE) return 0;
          continue;
        }
        if (ev->kind != TL_EV_CALL) {
          if (own && p[own]) return 0;
          continue;
        }
        if (uses_p && !ev->args) return 0;
        int given = 0;             /* a scalar read from the object (`t->ring_fd`) is a copy */
        for (uint32_t a = 0; ev->args && a < ev->nargs; a++) {
          tl_slot_id as = ev->args[a].slot;
          if ((ev->args[a].addr && p[tl_slot_root(fn, ev->args[a].addr)]) ||
              (as && as < fn->nslots && p[tl_slot_root(fn, as)] &&
               (p[as] || (fn->slots[as].flags & (TL_SLOT_POINTER | TL_SLOT_ARRAY)))))
            given = 1;
        }
        if (!given) continue;
        for (tl_slot_id s = 1; s < fn->nslots; s++)
          if (p[s] && !call_leaves_owner(unit, fn, ev, s, depth - 1)) return 0;
      }
  return 1;
}

/* 1 when ev calls a function of the unit (no model) that never waits for, peeks at or
 * submits on the owner o (root slot of the caller) it is given: each parameter o reaches
 * is left by it (param_left), followed LEAVES_DEPTH functions deep. Such a call only reads
 * the owner (`target->ring_fd`): it does not meet the owner's cqes. */
static int call_leaves_owner(const struct tl_unit *unit, const struct tl_func *fn,
                             const struct tl_event *ev, tl_slot_id o, int depth) {
  if (!unit || depth <= 0 || ev->kind != TL_EV_CALL || ev->model || !ev->callee || !ev->args)
    return 0;
  if ((ev->owner && tl_slot_root(fn, ev->owner) == o) ||
      (ev->ticket && tl_slot_root(fn, ev->ticket) == o) ||
      (ev->aux && tl_slot_root(fn, ev->aux) == o) || (ev->dst && tl_slot_root(fn, ev->dst) == o))
    return 0;
  uint32_t g = tl_unit_find_func(unit, ev->callee);
  if (g >= unit->nfuncs || !unit->funcs[g].nblocks) return 0;
  const struct tl_func *callee = &unit->funcs[g];
  for (uint32_t a = 0; a < ev->nargs; a++)
    if (((ev->args[a].slot && tl_slot_root(fn, ev->args[a].slot) == o) ||
         (ev->args[a].addr && tl_slot_root(fn, ev->args[a].addr) == o)) &&
        (a >= count_params(callee) || !param_left(unit, callee, a, depth)))
      return 0;
  return 1;
}

static int only_reads_param(const struct tl_func *fn, uint8_t *p);
static int rooted_in(const struct tl_func *fn, const uint8_t *p, tl_slot_id s);

/* The member a field slot names (`td.ring`, `r->ring`: "ring"). */
static const char *member_of(const struct tl_slot *s) {
  const char *dot = strrchr(s->name, '.'), *arrow = strrchr(s->name, '>');
  const char *at = dot > arrow ? dot : arrow;
  return at ? at + 1 : s->name;
}

/* 1 when slot s is the field `member` of the variable x (`td.ring` of td) or lies in it. */
static int in_member(const struct tl_func *fn, tl_slot_id s, tl_slot_id x, const char *member) {
  for (; s != TL_SLOT_NONE && s < fn->nslots; s = fn->slots[s].parent) {
    const struct tl_slot *sl = &fn->slots[s];
    if (sl->parent == x)
      return sl->kind == TL_SLOT_FIELD && sl->name && strcmp(member_of(sl), member) == 0;
    if (sl->parent == TL_SLOT_NONE || sl->parent >= s) return 0;
  }
  return 0;
}

/* 1 when the unit's function `name`, run as a thread on the address of a struct, never
 * reaches the struct's pointer `member`: it only reads its parameter (only_reads_param:
 * never hands it to a call, stores or writes through it) and names no field `member` in
 * the object it points to. */
static int thread_leaves_member(const struct tl_unit *unit, const char *name,
                                const char *member) {
  uint32_t g = name ? tl_unit_find_func(unit, name) : UINT32_MAX;
  if (g >= unit->nfuncs || !unit->funcs[g].nblocks || unit->funcs[g].nslots > 4096) return 0;
  const struct tl_func *fn = &unit->funcs[g];
  uint8_t p[4096];
  if (!only_reads_param(fn, p)) return 0;
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    if (fn->slots[s].kind == TL_SLOT_FIELD && fn->slots[s].name &&
        strcmp(member_of(&fn->slots[s]), member) == 0 && rooted_in(fn, p, s))
      return 0;
  return 1;
}

/* 1 when event ev of fn, which touches the local struct x whose pointer `member` points to
 * an owner, does not reach that pointer: it writes or reads other fields of x only
 * (`td.write_fd = fds[1]`), or starts a thread with `&x` whose function leaves the member
 * (thread_leaves_member). Copying x, its address or the member anywhere reaches it. */
static int leaves_member(const struct tl_unit *unit, const struct tl_func *fn,
                         const struct tl_event *ev, tl_slot_id x, const char *member) {
  if (!unit || (ev->owner && tl_slot_root(fn, ev->owner) == x) ||
      (ev->ticket && tl_slot_root(fn, ev->ticket) == x))
    return 0;
  int thread = ev->kind == TL_EV_START && (ev->flags & TL_F_OFFLOAD);
  for (uint32_t a = 0; ev->args && a < ev->nargs; a++)
    if ((ev->args[a].slot && (ev->args[a].slot == x || in_member(fn, ev->args[a].slot, x, member))) ||
        (ev->args[a].addr && tl_slot_root(fn, ev->args[a].addr) == x &&
         (!thread || ev->args[a].addr != x)))
      return 0;
  if (thread) return thread_leaves_member(unit, ev->fn_arg, member);
  if ((ev->aux && tl_slot_root(fn, ev->aux) == x) ||
      (ev->dst && (ev->dst == x || in_member(fn, ev->dst, x, member))))
    return 0;
  for (uint32_t u = 0; u < ev->nuses; u++)
    if (ev->uses[u] && (ev->uses[u] == x || in_member(fn, ev->uses[u], x, member))) return 0;
  return 1;
}

static int passed_on_rests(struct doom *d);

/* From event `from` of block b on, in state st (DOOM_INTACT: r is still the call's result;
 * DOOM_NZ: nzv still holds its nonzero constant). */
static int doom_walk(struct doom *d, uint32_t b, uint32_t from, int st) {
  const struct tl_func *fn = d->fn;
  const struct tl_block *blk = &fn->blocks[b];
  int intact = st & DOOM_INTACT, nz = (st & DOOM_NZ) != 0;
  for (uint32_t i = from; i < blk->nevents; i++) {
    const struct tl_event *ev = &blk->events[i];
    if (ev->kind == TL_EV_CALL && (ev->flags & TL_F_NORETURN)) return 1;
    if (ev->kind == TL_EV_RETURN) {
      if (d->owner && touches(fn, ev, d->owner)) return 0;     /* the owner is returned */
      if (d->owner && tl_lc_slot_owned(fn, d->owner)) return 1;  /* it dies here */
      if (d->owner && passed_on_rests(d)) return 1;    /* its callers leave it at rest */
      return d->caller_fails && ((ev->flags & (TL_F_NONZERO | TL_F_NONZERO_VAR)) ||
                                 (intact && d->r && !d->zero && ev->nuses == 1 &&
                                  ev->uses[0] == d->r) ||
                                 (nz && ev->nuses == 1 && ev->uses[0] == d->nzv));
    }
    if (d->owner) {
      if (ev->model && ev->model->event == TL_ME_FREE && ev->aux != TL_SLOT_NONE &&
          tl_slot_root(fn, ev->aux) == d->owner)
        return 1;                                                /* freed */
      /* A model `use` of an owner (io_uring_register_buffers) works with the ring and never
       * waits for or peeks at its completions: it does not meet the cqe. */
      int reaps = !ev->model || ev->model->event != TL_ME_USE ||
                  ev->model->owner.index == TL_ARG_NONE;
      if (reaps && touches(fn, ev, d->owner) &&
          !call_leaves_owner(d->unit, fn, ev, d->owner, LEAVES_DEPTH))
        return 0;
      if (d->alias && touches(fn, ev, d->alias) &&
          !leaves_member(d->unit, fn, ev, d->alias, d->member))
        return 0;                                 /* the owner reached through the struct */
    }
    if (d->r && ev->kind == TL_EV_ASSIGN && ev->dst == d->r && (ev->flags & TL_F_NONZERO))
      intact = d->zero       ? 0                          /* no longer 0 */
               : d->negative ? ev->value < 0                /* `ret = -EIO;`: still negative */
                             : !d->has_only || ev->value == d->only;  /* `ret = T_EXIT_FAIL;` */
    else if (d->r && (ev->dst == d->r || ev->aux == d->r || ev->ticket == d->r)) intact = 0;
    if (d->flag && writes_flag(fn, ev, d->flag)) intact = 0;
    if (sets_nonzero_local(fn, ev) && ev->dst != d->r && (!d->nzv || d->nzv == ev->dst))
      d->nzv = ev->dst, nz = 1;                          /* `ret = 1;` on this path */
    else if (d->nzv && (ev->dst == d->nzv || ev->aux == d->nzv || ev->ticket == d->nzv))
      nz = 0;
  }
  if (blk->nsuccs == 0 || b == fn->exit) return 0;
  uint32_t may = doom_succs(d, blk, intact);
  int next = (intact ? DOOM_INTACT : 0) | (nz ? DOOM_NZ : 0);
  for (uint32_t k = 0; k < blk->nsuccs && k < 32; k++)
    if ((may & (1u << k)) && !doom_block(d, blk->succs[k], 0, next)) return 0;
  return blk->nsuccs <= 32;
}

static int doom_block(struct doom *d, uint32_t b, uint32_t from, int st) {
  if (b >= d->fn->nblocks) return 0;
  uint8_t *m = &d->memo[b * 4 + (uint32_t)st];
  if (*m == DOOM_VISITING) return d->owner != TL_SLOT_NONE;     /* a loop: see above */
  if (*m != DOOM_UNSEEN) return *m == DOOM_YES;
  if (d->budget == 0) return 0;
  d->budget--;
  *m = DOOM_VISITING;
  int yes = doom_walk(d, b, from, st);
  *m = yes ? DOOM_YES : DOOM_NO;
  return yes;
}

/* Walk from the event after the call site c (its own block is not memoised: the walk starts
 * mid-block) with what the prototype p says: its result r (NONE: every path), owner (NONE:
 * failing exits), negative, flag and only; the rest is filled here. */
static int walk_call(const struct tl_unit *unit, const struct tl_summaries *ss, uint8_t *memo,
                     const struct call_site *c, const struct doom *p) {
  struct doom d = *p;
  d.fn = &unit->funcs[c->fn];
  d.caller_fails = c->fn < ss->n && ss->fns[c->fn].fails_exit;
  d.memo = memo;
  d.budget = DOOM_BUDGET;
  d.nzv = TL_SLOT_NONE;
  d.unit = unit;
  d.ss = ss;
  d.passed = -1;
  memset(memo, DOOM_UNSEEN, (size_t)d.fn->nblocks * 4);
  return doom_walk(&d, c->block, c->event + 1, d.r || d.flag ? DOOM_INTACT : 0);
}

/* The ways owner o may rest after a call of a helper (find_resting_owners): after every
 * call, on the paths where its result is nonzero, where it is negative (`if (ret < 0) goto
 * err;`), where the caller's global flag still holds the nonzero constant the callee's
 * return set it to (`if (no_msg) return T_EXIT_SKIP;`), where it is 0
 * (`assert(cq_empty(&ring));`). */
enum { REST_ALL, REST_FAIL, REST_NEG, REST_FLAG, REST_ZERO, REST_WAYS };

/* 1 when owner o (root slot of the caller) rests after the call ev of callee at c, the way
 * `way`; flag is the caller's slot of the callee's return flag (REST_FLAG). */
static int rests_after(const struct tl_unit *unit, const struct tl_summaries *ss,
                       const struct call_index *x, const struct call_site *c,
                       const struct tl_func *callee, const struct tl_event *ev, tl_slot_id o,
                       tl_slot_id flag, int way) {
  struct doom d = {.owner = o, .calls = x};
  if (!o || ((way == REST_FAIL || way == REST_NEG || way == REST_ZERO) && !ev->dst)) return 0;
  if (way == REST_FAIL) d.r = ev->dst, d.has_only = only_nonzero_result(callee, &d.only);
  if (way == REST_NEG) d.r = ev->dst, d.negative = 1;
  if (way == REST_FLAG) d.flag = flag;
  if (way == REST_ZERO) d.r = ev->dst, d.zero = 1;
  return walk_call(unit, ss, x->memo, c, &d);
}

/* The block's global flag set to a nonzero constant before its event `last` with nothing
 * written or called in between (`no_msg = 1; return 0;`), or NONE. Only a file-scope or
 * static variable whose address is never taken. */
static tl_slot_id flag_set_before(const struct tl_func *fn, const struct tl_block *blk,
                                  uint32_t last) {
  for (uint32_t i = last; i-- > 0;) {
    const struct tl_event *ev = &blk->events[i];
    tl_slot_id g = ev->dst;
    if (ev->kind == TL_EV_ASSIGN && (ev->flags & TL_F_NONZERO) && g && g < fn->nslots &&
        fn->slots[g].kind == TL_SLOT_GLOBAL && !(fn->slots[g].flags & TL_SLOT_ADDR))
      return g;
    if (ev->kind == TL_EV_CALL || ev->kind == TL_EV_ASSIGN) return TL_SLOT_NONE;
  }
  return TL_SLOT_NONE;
}

/* The first global flag a return of fn sets just before (flag_set_before), or NONE. */
static tl_slot_id return_flag(const struct tl_func *fn) {
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    for (uint32_t i = 0; i < blk->nevents; i++)
      if (blk->events[i].kind == TL_EV_RETURN) {
        tl_slot_id g = flag_set_before(fn, blk, i);
        if (g) return g;
      }
  }
  return TL_SLOT_NONE;
}

/* The slot of fn naming the same global variable as slot g of `of`, or NONE. */
static tl_slot_id same_global(const struct tl_func *fn, const struct tl_func *of, tl_slot_id g) {
  const struct tl_slot *x = &of->slots[g];
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    const struct tl_slot *y = &fn->slots[s];
    if (y->kind == TL_SLOT_GLOBAL && y->name && x->name && strcmp(y->name, x->name) == 0 &&
        y->decl.line == x->decl.line && y->decl.col == x->decl.col)
      return s;
  }
  return TL_SLOT_NONE;
}

/* Bit p: the call passes the integer constant 0 as its argument p. */
static uint64_t zero_args(const struct tl_event *ev) {
  uint64_t m = 0;
  for (uint32_t p = 0; ev->args && p < ev->nargs && p < 64; p++)
    if (ev->args[p].has_value && ev->args[p].value == 0 && !ev->args[p].addr)
      m |= (uint64_t)1 << p;
  return m;
}

/* 1 when no path from fn's entry reaches block `to` without taking the nonzero side of a
 * branch on parameter slot p alone (`if (p)`, `if (!p)`, `p != 0`, `p == 0`). */
static int behind_nonzero(const struct tl_func *fn, tl_slot_id p, uint32_t to) {
  uint8_t *seen = calloc(fn->nblocks, 1);
  uint32_t *stack = malloc((size_t)fn->nblocks * sizeof *stack);
  int yes = seen && stack && fn->nblocks > 0;
  uint32_t n = 0;
  if (yes) stack[n++] = 0, seen[0] = 1;
  while (yes && n > 0) {
    uint32_t b = stack[--n];
    if (b == to) yes = 0;
    const struct tl_block *blk = &fn->blocks[b];
    const struct tl_cond *c = &blk->cond;
    int cut = -1;                  /* the successor a nonzero p takes */
    if (blk->term == TL_TERM_BRANCH && blk->nsuccs == 2 && c->slot == p && c->nuses == 1 &&
        c->uses[0] == p) {
      if (c->cmp == TL_CMP_NONZERO || (c->cmp == TL_CMP_NE && c->value == 0)) cut = 0;
      if (c->cmp == TL_CMP_ZERO || (c->cmp == TL_CMP_EQ && c->value == 0)) cut = 1;
    }
    for (uint32_t k = 0; k < blk->nsuccs && yes; k++)
      if ((int)k != cut && blk->succs[k] < fn->nblocks && !seen[blk->succs[k]])
        seen[blk->succs[k]] = 1, stack[n++] = blk->succs[k];
  }
  free(seen);
  free(stack);
  return yes;
}

/* 1 when fn may write its integer parameter slot p (assigns it, takes its address). */
static int param_written(const struct tl_func *fn, tl_slot_id p) {
  if (fn->slots[p].flags & (TL_SLOT_ADDR | TL_SLOT_POINTER | TL_SLOT_ARRAY)) return 1;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++)
      if (writes_root(fn, &fn->blocks[b].events[i], p)) return 1;
  return 0;
}

static void call_index_free(struct call_index *x) {
  free(x->first);
  free(x->sites);
  free(x->memo);
  free(x->passes);
}

/* Index the calls of the unit's functions by callee (every event naming one). */
static int call_index_build(const struct tl_unit *unit, uint32_t n, struct call_index *x) {
  uint32_t most = 0;
  for (uint32_t g = 0; g < unit->nfuncs; g++)
    if (unit->funcs[g].nblocks > most) most = unit->funcs[g].nblocks;
  *x = (struct call_index){calloc((size_t)n + 2, sizeof *x->first), NULL,
                           malloc(((size_t)most * 4 + 4) * (PASS_DEPTH + 1)),
                           (size_t)most * 4 + 4, malloc(sizeof *x->passes)};
  if (x->passes) *x->passes = PASS_BUDGET;
  uint32_t *fill = calloc((size_t)n + 1, sizeof *fill);
  int err = x->first && x->memo && x->passes && fill ? 0 : TL_ENOMEM;
  for (int pass = 0; !err && pass < 2; pass++) {   /* count each callee's calls, place them */
    if (pass == 1) {
      for (uint32_t f = 0; f < n; f++) x->first[f + 1] += x->first[f];
      x->sites = malloc(((size_t)x->first[n] + 1) * sizeof *x->sites);
      if (!x->sites) err = TL_ENOMEM;
    }
    for (uint32_t g = 0; !err && g < unit->nfuncs; g++) {
      const struct tl_func *fn = &unit->funcs[g];
      for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
          uint32_t f = tl_unit_find_func(unit, fn->blocks[b].events[i].callee);
          if (f >= n) continue;
          if (pass == 0) x->first[f + 1]++;
          else x->sites[x->first[f] + fill[f]++] = (struct call_site){g, b, i};
        }
    }
  }
  free(fill);
  if (err) call_index_free(x);
  return err;
}

/* 1 when every call of fn is in the unit: fn is static, or the unit is a program's main
 * file (it defines main) and no header declares fn (TL_FN_UNDECLARED): another file could
 * only call it through a declaration of its own, which -Wmissing-prototypes exists to
 * prevent. And fn's address is never taken. */
static int calls_all_seen(const struct tl_unit *unit, const struct tl_func *fn) {
  if (!fn->name || (fn->flags & TL_FN_ADDR_TAKEN)) return 0;
  if (fn->flags & TL_FN_STATIC) return 1;
  return (fn->flags & TL_FN_UNDECLARED) && tl_unit_find_func(unit, "main") < unit->nfuncs;
}

static void find_fails_exits(const struct tl_unit *unit, struct tl_summaries *ss,
                             const struct call_index *x, uint32_t n) {
  for (uint32_t f = 0; f < n; f++)
    ss->fns[f].fails_exit = unit->funcs[f].name && strcmp(unit->funcs[f].name, "main") == 0;
  for (int changed = 1, round = 0; changed && round < DOOM_ROUNDS; round++) {
    changed = 0;
    for (uint32_t f = 0; f < n; f++) {
      const struct tl_func *callee = &unit->funcs[f];
      if (ss->fns[f].fails_exit || !calls_all_seen(unit, callee) || x->first[f] == x->first[f + 1])
        continue;
      int ok = 1;
      for (uint32_t s = x->first[f]; s < x->first[f + 1] && ok; s++) {
        const struct call_site *c = &x->sites[s];
        const struct tl_event *ev = &unit->funcs[c->fn].blocks[c->block].events[c->event];
        struct doom d = {.r = ev->dst};
        ok = ev->kind == TL_EV_CALL && ev->dst != TL_SLOT_NONE &&
             (d.has_only = only_nonzero_result(callee, &d.only), 1) &&
             walk_call(unit, ss, x->memo, c, &d);
      }
      if (ok) ss->fns[f].fails_exit = changed = 1;
    }
  }
}

int tl_summary_fails_exit(const struct tl_summaries *self, const struct tl_func *fn) {
  if (!self || !fn || !self->unit || fn < self->unit->funcs ||
      fn >= self->unit->funcs + self->unit->nfuncs)
    return fn && fn->name && strcmp(fn->name, "main") == 0;
  uint32_t f = (uint32_t)(fn - self->unit->funcs);
  return f < self->n && self->fns[f].fails_exit;
}

int tl_summary_return_fails(const struct tl_summaries *self, const struct tl_func *fn,
                            const struct tl_event *ret) {
  return ret && ret->kind == TL_EV_RETURN && (ret->flags & (TL_F_NONZERO | TL_F_NONZERO_VAR)) &&
         tl_summary_fails_exit(self, fn);
}

/* The parameter a pointer local is a copy of (`struct io_uring *ring = data;`): every write
 * of it in fn copies that parameter, and its address is never taken. Else s itself. */
static tl_slot_id param_copied_into(const struct tl_func *fn, tl_slot_id s) {
  const struct tl_slot *sl = &fn->slots[s];
  if (sl->kind != TL_SLOT_LOCAL || !(sl->flags & TL_SLOT_POINTER) || (sl->flags & TL_SLOT_ADDR))
    return s;
  tl_slot_id from = TL_SLOT_NONE;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if (ev->dst != s && ev->ticket != s && ev->aux != s && ev->owner != s) continue;
      if (ev->kind != TL_EV_ASSIGN || ev->dst != s || ev->nuses != 1 || !ev->uses[0] ||
          ev->uses[0] >= fn->nslots || fn->slots[ev->uses[0]].kind != TL_SLOT_PARAM ||
          (from && from != ev->uses[0]))
        return s;
      from = ev->uses[0];
    }
  return from ? from : s;
}

/* The parameter of fn the owner slot o belongs to (o is it, or what it points to, directly
 * or through a pointer local copied from it), or -1. An object reached through a pointer
 * stored inside (`td->ring`) is another object than the caller's argument: -1. */
static int owner_param_of(const struct tl_func *fn, tl_slot_id o) {
  if (o == TL_SLOT_NONE || o >= fn->nslots) return -1;
  tl_slot_id top = tl_slot_root(fn, o);
  for (tl_slot_id s = o; s != top && s < fn->nslots; s = fn->slots[s].parent)
    if (fn->slots[s].kind == TL_SLOT_DEREF && fn->slots[s].parent != top) return -1;
  return param_index(fn, param_copied_into(fn, top), 64);
}

/* The parameter of fn whose struct holds a pointer to the owner slot o in a member
 * (`*td->ring`: what member `ring` of the object parameter k points to, directly or through
 * a pointer local copied from it), with the member's name in *member, or -1. */
static int owner_member_of(const struct tl_func *fn, tl_slot_id o, const char **member) {
  if (o == TL_SLOT_NONE || o >= fn->nslots || fn->slots[o].kind != TL_SLOT_DEREF) return -1;
  tl_slot_id f = fn->slots[o].parent;
  if (f == TL_SLOT_NONE || f >= fn->nslots) return -1;
  const struct tl_slot *fs = &fn->slots[f];
  tl_slot_id top = tl_slot_root(fn, f);
  if (fs->kind != TL_SLOT_FIELD || fs->parent != top || !(fs->flags & TL_SLOT_POINTER) ||
      !fs->name)
    return -1;
  int k = param_index(fn, param_copied_into(fn, top), 64);
  if (k >= 0) *member = member_of(fs);
  return k;
}

/* The root slot of the owner that a thread started at event `start` of fn on `&x` (a local
 * struct) reaches through x's pointer `member`: fn assigns the member once, the address of
 * a variable (`td.ring = &ring`, TL_F_ADDR_OF), and every other event of fn that touches x
 * leaves the member (leaves_member: another thread that only reads another field, writes
 * of other fields). Else NONE: written twice, copied, or handed to a call. */
static tl_slot_id member_pointee(const struct tl_unit *unit, const struct tl_func *fn,
                                 const struct tl_event *start, tl_slot_id x,
                                 const char *member) {
  const struct tl_slot *xs = &fn->slots[x];
  if (xs->kind != TL_SLOT_LOCAL || (xs->flags & (TL_SLOT_STATIC | TL_SLOT_POINTER | TL_SLOT_ARRAY)))
    return TL_SLOT_NONE;
  tl_slot_id o = TL_SLOT_NONE;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if (ev == start || !touches(fn, ev, x)) continue;
      if (ev->kind == TL_EV_ASSIGN && ev->dst && ev->dst < fn->nslots &&
          fn->slots[ev->dst].parent == x && in_member(fn, ev->dst, x, member)) {
        if (o || !(ev->flags & TL_F_ADDR_OF) || ev->nuses != 1 || !ev->uses[0]) return TL_SLOT_NONE;
        o = tl_slot_root(fn, ev->uses[0]);
        if (o == x) return TL_SLOT_NONE;
        continue;
      }
      if (!leaves_member(unit, fn, ev, x, member)) return TL_SLOT_NONE;
    }
  return o;
}

/* A thread function whose every start the unit shows: static (or counting as static, as in
 * calls_all_seen), never called directly, its address given only to offloading starts
 * (pthread_create, thrd_create). */
static int runs_only_as_thread(const struct tl_unit *unit, const struct tl_func *fn) {
  if (!fn->name || !(fn->flags & TL_FN_ONLY_OFFLOADED)) return 0;
  if (!(fn->flags & TL_FN_STATIC) &&
      !((fn->flags & TL_FN_UNDECLARED) && tl_unit_find_func(unit, "main") < unit->nfuncs))
    return 0;
  return 1;
}

/* For a thread function t (runs_only_as_thread) that starts a ticket whose owner is its
 * parameter (the argument it is started with, `&ring`): 1 when after every start of it in
 * the unit, the creator's object passed as that argument rests (the walk of walk_call,
 * every path from the start: the thread's cqe may be left at any time after it), 0 when one
 * does not, -1 when the unit starts it nowhere or calls it directly. */
static int thread_owner_rests(const struct tl_unit *unit, const struct tl_summaries *ss,
                              const struct call_index *x, int depth, const struct tl_func *t,
                              int direct, const char *member) {
  uint8_t *memo = x->memo + (size_t)depth * x->stride;
  uint32_t tf = (uint32_t)(t - unit->funcs);
  if (tf < ss->n && x->first[tf] < x->first[tf + 1]) return -1;   /* also called directly */
  int seen = 0;
  for (uint32_t g = 0; g < unit->nfuncs; g++) {
    const struct tl_func *fn = &unit->funcs[g];
    for (uint32_t b = 0; b < fn->nblocks; b++)
      for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
        const struct tl_event *ev = &fn->blocks[b].events[i];
        if (ev->kind != TL_EV_START || !(ev->flags & TL_F_OFFLOAD) || !ev->fn_arg ||
            strcmp(ev->fn_arg, t->name) != 0 || !ev->model)
          continue;
        int k = ev->model->fill.index >= 0 ? ev->model->fill.index : ev->model->lend.index;
        tl_slot_id a = ev->args && k >= 0 && (uint32_t)k < ev->nargs
                         ? (ev->args[k].addr ? ev->args[k].addr : ev->args[k].slot)
                         : TL_SLOT_NONE;
        struct call_site c = {g, b, i};
        struct doom d = {.owner = a ? tl_slot_root(fn, a) : TL_SLOT_NONE, .calls = x,
                         .depth = depth};
        if (direct && (!d.owner || !walk_call(unit, ss, memo, &c, &d))) return 0;
        if (member) {                   /* `&td` with `td.ring = &ring`: the ring rests */
          tl_slot_id s = a && a == ev->args[k].addr && a == tl_slot_root(fn, a) ? a : TL_SLOT_NONE;
          struct doom m = {.owner = s ? member_pointee(unit, fn, ev, s, member) : TL_SLOT_NONE,
                           .alias = s, .member = member, .calls = x, .depth = depth};
          if (!m.owner || !walk_call(unit, ss, memo, &c, &m)) return 0;
        }
        seen = 1;
      }
  }
  return seen ? 1 : -1;
}

/* For a walk that reaches a return of its function with the owner in parameter k (or a
 * pointer local copied from it, `struct io_uring *ring = data;`): 1 when that parameter in
 * turn rests after every call of the function (a static one, calls_all_seen) or every start
 * of it as a thread (runs_only_as_thread): the walk goes on in the callers, PASS_DEPTH
 * functions up. A helper called by a thread function that only hands its argument on
 * (`return wait_one(data);`) leaves its cqe on the creator's ring. */
static int passed_on_rests(struct doom *d) {
  const struct tl_unit *unit = d->unit;
  const struct call_index *x = d->calls;
  if (!unit || !x || !d->ss || d->depth + 1 > PASS_DEPTH) return 0;
  if (d->passed >= 0) return d->passed;
  if (*x->passes == 0) return 0;
  --*x->passes;                                /* one per walk started, below too */
  const struct tl_func *fn = d->fn;
  uint32_t f = (uint32_t)(fn - unit->funcs);
  int k = param_index(fn, param_copied_into(fn, d->owner), MAX_PARAMS);
  int yes = 0;
  if (k < 0 || f >= d->ss->n) {
    yes = 0;
  } else if (runs_only_as_thread(unit, fn) && (fn->flags & TL_FN_ADDR_TAKEN)) {
    yes = k == 0 && thread_owner_rests(unit, d->ss, x, d->depth + 1, fn, 1, NULL) > 0;
  } else if (calls_all_seen(unit, fn) && x->first[f] < x->first[f + 1]) {
    uint8_t *memo = x->memo + (size_t)(d->depth + 1) * x->stride;
    yes = 1;
    for (uint32_t s = x->first[f]; s < x->first[f + 1] && yes; s++) {
      const struct call_site *c = &x->sites[s];
      const struct tl_func *g = &unit->funcs[c->fn];
      const struct tl_event *ev = &g->blocks[c->block].events[c->event];
      tl_slot_id a = ev->args && (uint32_t)k < ev->nargs
                       ? (ev->args[k].addr ? ev->args[k].addr : ev->args[k].slot)
                       : TL_SLOT_NONE;
      struct doom p = {.owner = a ? tl_slot_root(g, a) : TL_SLOT_NONE, .calls = x,
                       .depth = d->depth + 1};
      yes = p.owner && *x->passes > 0 && walk_call(unit, d->ss, memo, c, &p);
      if (*x->passes > 0) --*x->passes;
    }
  }
  d->passed = yes;
  return yes;
}

/* For each static helper of the unit (address never taken, called at least once) that waits
 * or peeks on an owner it was handed (parameter k, or what it points to): bit k of
 * owner_rests when that owner rests after every call, of owner_rests_fail when it rests on
 * the paths where the call's result is nonzero, of owner_rests_neg where it is negative. */
static void find_resting_owners(const struct tl_unit *unit, struct tl_summaries *ss,
                                const struct call_index *x, uint32_t n) {
  for (uint32_t f = 0; f < n; f++) {
    const struct tl_func *callee = &unit->funcs[f];
    uint64_t want = 0;
    ss->fns[f].owner_rests = ss->fns[f].owner_rests_fail = ss->fns[f].owner_rests_neg = 0;
    ss->fns[f].owner_rests_zero = 0;
    ss->fns[f].owner_rests_flag = 0, ss->fns[f].rest_flag = TL_SLOT_NONE;
    ss->fns[f].zero_guards = 0, ss->fns[f].rest_member = NULL;
    if (!calls_all_seen(unit, callee) && !runs_only_as_thread(unit, callee)) continue;
    const char *member = NULL;         /* a thread's owner in its argument's member */
    int members = 0;
    for (uint32_t b = 0; b < callee->nblocks; b++)
      for (uint32_t i = 0; i < callee->blocks[b].nevents; i++) {
        const struct tl_event *ev = &callee->blocks[b].events[i];
        int k = ev->kind == TL_EV_START ? owner_param_of(callee, ev->owner) : -1;
        const char *m = NULL;
        if (k >= 0) want |= (uint64_t)1 << k;
        else if (ev->kind == TL_EV_START && owner_member_of(callee, ev->owner, &m) == 0 &&
                 (!member || strcmp(member, m) != 0))
          member = m, members++;
      }
    if (callee->flags & TL_FN_ADDR_TAKEN) {   /* a thread function: its starts are its calls */
      uint8_t p[4096];                        /* one member, never written by the thread */
      if (members != 1 || callee->nslots > 4096 || !only_reads_param(callee, p)) member = NULL;
      if (((want & 1) || member) &&
          thread_owner_rests(unit, ss, x, 0, callee, (int)(want & 1), member) > 0) {
        ss->fns[f].owner_rests = ss->fns[f].owner_rests_fail = ss->fns[f].owner_rests_neg = want & 1;
        ss->fns[f].rest_member = member;
      }
      continue;
    }
    tl_slot_id hf = ss->fns[f].rest_flag = return_flag(callee);
    uint64_t m[REST_WAYS] = {want, want, want, hf ? want : 0, want};
    uint64_t guards = want ? UINT64_MAX : 0;   /* zero arguments of the calls it may not rest after */
    for (uint32_t s = x->first[f]; s < x->first[f + 1]; s++) {
      const struct call_site *c = &x->sites[s];
      const struct tl_func *fn = &unit->funcs[c->fn];
      const struct tl_event *ev = &fn->blocks[c->block].events[c->event];
      tl_slot_id cf = hf ? same_global(fn, callee, hf) : TL_SLOT_NONE;
      uint64_t live = (guards ? want : 0) | m[REST_ALL] | m[REST_FAIL] | m[REST_NEG] |
                      m[REST_FLAG] | m[REST_ZERO];
      if (!live) break;
      for (uint32_t k = 0; k < 64; k++) {
        uint64_t bit = (uint64_t)1 << k;
        if (!(live & bit)) continue;
        tl_slot_id a = ev->args && k < ev->nargs
                         ? (ev->args[k].addr ? ev->args[k].addr : ev->args[k].slot)
                         : TL_SLOT_NONE;
        tl_slot_id o = a ? tl_slot_root(fn, a) : TL_SLOT_NONE;
        if (((m[REST_ALL] | (guards ? want : 0)) & bit) &&
            !rests_after(unit, ss, x, c, callee, ev, o, cf, REST_ALL)) {
          m[REST_ALL] &= ~bit;
          if (want & bit) guards &= zero_args(ev);
        }
        for (int way = REST_FAIL; way < REST_WAYS; way++)
          if ((m[way] & bit) && !rests_after(unit, ss, x, c, callee, ev, o, cf, way))
            m[way] &= ~bit;
      }
    }
    if (x->first[f] < x->first[f + 1])
      ss->fns[f].owner_rests = m[REST_ALL], ss->fns[f].owner_rests_fail = m[REST_FAIL] | m[REST_ALL],
      ss->fns[f].owner_rests_neg = m[REST_NEG] | m[REST_FAIL] | m[REST_ALL],
      ss->fns[f].owner_rests_flag = m[REST_FLAG] | m[REST_ALL], ss->fns[f].zero_guards = guards,
      ss->fns[f].owner_rests_zero = m[REST_ZERO] | m[REST_ALL];
  }
}

int tl_summary_owner_rests(const struct tl_summaries *self, const struct tl_func *fn,
                           tl_slot_id owner, int failing) {
  if (!self || !fn || !self->unit || fn < self->unit->funcs ||
      fn >= self->unit->funcs + self->unit->nfuncs)
    return 0;
  uint32_t f = (uint32_t)(fn - self->unit->funcs);
  int k = owner_param_of(fn, owner);
  const char *m = NULL;
  if (f < self->n && k < 0 && self->fns[f].rest_member)    /* a thread's `td->ring` */
    return owner_member_of(fn, owner, &m) == 0 && strcmp(m, self->fns[f].rest_member) == 0;
  if (f >= self->n || k < 0) return 0;
  uint64_t bits = failing == 3 ? self->fns[f].owner_rests_zero
                 : failing == 2 ? self->fns[f].owner_rests_neg
                 : failing ? self->fns[f].owner_rests_fail : self->fns[f].owner_rests;
  return (int)((bits >> k) & 1);
}

int tl_summary_owner_rests_flagged(const struct tl_summaries *self, const struct tl_func *fn,
                                   tl_slot_id owner, const struct tl_event *ret) {
  if (!self || !fn || !ret || !self->unit || fn < self->unit->funcs ||
      fn >= self->unit->funcs + self->unit->nfuncs)
    return 0;
  uint32_t f = (uint32_t)(fn - self->unit->funcs);
  int k = owner_param_of(fn, owner);
  if (f >= self->n || k < 0 || !self->fns[f].rest_flag ||
      !((self->fns[f].owner_rests_flag >> k) & 1))
    return 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (blk->nevents && ret >= blk->events && ret < blk->events + blk->nevents)
      return flag_set_before(fn, blk, (uint32_t)(ret - blk->events)) == self->fns[f].rest_flag;
  }
  return 0;
}

int tl_summary_owner_rests_guarded(const struct tl_summaries *self, const struct tl_func *fn,
                                   tl_slot_id owner, const struct tl_event *ret) {
  if (!self || !fn || !ret || !self->unit || fn < self->unit->funcs ||
      fn >= self->unit->funcs + self->unit->nfuncs)
    return 0;
  uint32_t f = (uint32_t)(fn - self->unit->funcs);
  if (f >= self->n || owner_param_of(fn, owner) < 0 || !self->fns[f].zero_guards) return 0;
  uint32_t at = UINT32_MAX;
  for (uint32_t b = 0; b < fn->nblocks && at == UINT32_MAX; b++)
    if (fn->blocks[b].nevents && ret >= fn->blocks[b].events &&
        ret < fn->blocks[b].events + fn->blocks[b].nevents)
      at = b;
  for (uint32_t p = 0; p < 64 && at != UINT32_MAX; p++) {
    tl_slot_id ps = param_slot(fn, p);
    if (ps == TL_SLOT_NONE) break;
    if (((self->fns[f].zero_guards >> p) & 1) && !param_written(fn, ps) &&
        behind_nonzero(fn, ps, at))
      return 1;
  }
  return 0;
}

/* ---- a helper that synchronises before it touches a parameter -------------------------- */

/* A lock taken, or a blocking call that is not a timer: waits for another thread. */
static int acquire_event(const struct tl_event *ev) {
  if (ev->kind == TL_EV_LOCK) return 1;
  return ev->kind == TL_EV_BLOCKING && !(ev->model && ev->model->timer);
}

int tl_summary_acquires_first(const struct tl_unit *unit, const char *name, uint32_t k) {
  uint32_t f = tl_unit_find_func(unit, name);
  if (f >= unit->nfuncs || unit->funcs[f].nblocks == 0) return 0;
  const struct tl_func *fn = &unit->funcs[f];
  tl_slot_id p = param_slot(fn, k);
  if (p == TL_SLOT_NONE) return 0;
  uint8_t *seen = calloc(fn->nblocks, 1);
  uint32_t *stack = malloc((size_t)fn->nblocks * sizeof *stack);
  int yes = seen && stack;
  uint32_t n = 0;
  if (yes) stack[n++] = 0, seen[0] = 1;
  while (yes && n > 0) {                 /* every block reached before an acquire */
    const struct tl_block *blk = &fn->blocks[stack[--n]];
    int ends = 0;
    for (uint32_t i = 0; i < blk->nevents && !ends && yes; i++) {
      const struct tl_event *ev = &blk->events[i];
      if (acquire_event(ev)) ends = 1;
      else if (touches(fn, ev, p)) yes = 0;
      else if (ev->kind == TL_EV_RETURN || (ev->flags & TL_F_NORETURN)) ends = 1;
    }
    if (ends || !yes) continue;
    for (uint32_t u = 0; u < blk->cond.nuses && yes; u++)
      if (blk->cond.uses[u] && tl_slot_root(fn, blk->cond.uses[u]) == p) yes = 0;
    for (uint32_t s = 0; s < blk->nsuccs && yes; s++)
      if (blk->succs[s] < fn->nblocks && !seen[blk->succs[s]])
        seen[blk->succs[s]] = 1, stack[n++] = blk->succs[s];
  }
  free(seen);
  free(stack);
  return yes;
}

/* ---- helpers that never return -------------------------------------------------------------- */

/* 1 when no path from fn's entry returns: each reaches a call that does not return
 * (TL_F_NORETURN: exit(), MPI_Abort, a `_Noreturn` function) first, or never ends. */
static int never_returns(const struct tl_func *fn, uint8_t *seen, uint32_t *stack) {
  if (fn->nblocks == 0) return 0;
  memset(seen, 0, fn->nblocks);
  uint32_t n = 0;
  stack[n++] = 0;
  seen[0] = 1;
  while (n > 0) {
    const struct tl_block *blk = &fn->blocks[stack[--n]];
    int ends = 0;
    for (uint32_t i = 0; i < blk->nevents && !ends; i++) {
      const struct tl_event *ev = &blk->events[i];
      if (ev->kind == TL_EV_CALL && (ev->flags & TL_F_NORETURN)) ends = 1;
      else if (ev->kind == TL_EV_RETURN) return 0;
    }
    if (ends) continue;
    if (blk->id == fn->exit) return 0;
    for (uint32_t k = 0; k < blk->nsuccs; k++)
      if (blk->succs[k] < fn->nblocks && !seen[blk->succs[k]]) {
        seen[blk->succs[k]] = 1;
        stack[n++] = blk->succs[k];
      }
  }
  return 1;
}

/* A function of the unit that never returns (`static void die(const char *m) { ...;
 * MPI_Abort(...); }`) makes its calls TL_F_NORETURN, as a call of exit() is: the path ends
 * there. Repeated until nothing changes, for helpers that call such helpers. */
static int mark_noreturn_helpers(struct tl_unit *unit) {
  uint32_t most = 1;
  for (uint32_t g = 0; g < unit->nfuncs; g++)
    if (unit->funcs[g].nblocks > most) most = unit->funcs[g].nblocks;
  uint8_t *noret = calloc((size_t)unit->nfuncs + 1, 1), *seen = malloc(most);
  uint32_t *stack = malloc((size_t)most * sizeof *stack);
  int err = TL_ENOMEM;
  if (!noret || !seen || !stack) goto done;
  err = 0;
  for (int changed = 1, round = 0; changed && round < 64; round++) {
    changed = 0;
    for (uint32_t g = 0; g < unit->nfuncs; g++)
      if (!noret[g] && never_returns(&unit->funcs[g], seen, stack)) noret[g] = changed = 1;
    for (uint32_t g = 0; changed && g < unit->nfuncs; g++) {
      struct tl_func *fn = &unit->funcs[g];
      for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
          struct tl_event *ev = &fn->blocks[b].events[i];
          if (ev->kind != TL_EV_CALL || ev->model || !ev->callee) continue;
          uint32_t f = tl_unit_find_func(unit, ev->callee);
          if (f < unit->nfuncs && noret[f]) ev->flags |= TL_F_NORETURN;
        }
    }
  }
done:
  free(noret);
  free(seen);
  free(stack);
  return err;
}

/* ---- thread arguments the thread only reads ---------------------------------------------
 * pthread_create's model says the thread fills its argument (fill=*3): the creator must not
 * read it before the join. When the thread's function is in the unit and never writes
 * through the parameter the argument arrives in, the thread only reads it: the argument is
 * lent to the thread (the creator must not write it, free it or leave it behind before the
 * join), not filled, and reading it meanwhile is no race. */

/* 1 when slot s lies in the object a pointer of the set p points to: `*d`, `d->x`,
 * `d->fds[]`, `d->s.x`; not what a pointer stored in it points to (`*d->ring`,
 * `d->str[]`: another object). */
static int rooted_in(const struct tl_func *fn, const uint8_t *p, tl_slot_id s) {
  for (; s != TL_SLOT_NONE && s < fn->nslots; s = fn->slots[s].parent) {
    tl_slot_id up = fn->slots[s].parent;
    if (up == TL_SLOT_NONE || up >= s) return 0;
    if (p[up]) return 1;
    if (fn->slots[up].flags & TL_SLOT_POINTER) return 0;
  }
  return 0;
}

/* 1 when event ev of fn may write through a pointer of the set p (the parameter and its
 * copies): it assigns into the object, passes one of the pointers, an address inside, or an
 * array inside to a call, stores a pointer elsewhere (it escapes), or a model role of the
 * event lies inside.
 * A pointer local assigned from one of them joins the set. */
static int writes_through(const struct tl_func *fn, const struct tl_event *ev, uint8_t *p) {
  int uses_p = 0;
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (ev->uses[i] && ev->uses[i] < fn->nslots && p[ev->uses[i]]) uses_p = 1;
  if (ev->kind == TL_EV_ASSIGN) {
    const struct tl_slot *d = ev->dst && ev->dst < fn->nslots ? &fn->slots[ev->dst] : NULL;
    if (d && p[ev->dst]) return 0;                          /* the copy itself, reassigned */
    if (d && rooted_in(fn, p, ev->dst)) return 1;           /* `d->x = ...` */
    if (!uses_p) return 0;
    int local = d && (d->kind == TL_SLOT_LOCAL || d->kind == TL_SLOT_TEMP);
    if (local && (d->flags & TL_SLOT_POINTER) && !(d->flags & TL_SLOT_ADDR)) {
      p[ev->dst] = 1;                                       /* `struct data *d = arg;` */
      return 0;
    }
    /* `int fd = d->fd` reads through it; a copy anywhere else may be written through */
    return !local || (d->flags & TL_SLOT_POINTER) || ev->nuses == 1;
  }
  if (ev->kind == TL_EV_RETURN) return 0;
  if (ev->kind == TL_EV_LOCK || ev->kind == TL_EV_UNLOCK) return 0;  /* a mutex inside */
  if (rooted_in(fn, p, ev->ticket) || rooted_in(fn, p, ev->dst) || rooted_in(fn, p, ev->aux) ||
      rooted_in(fn, p, ev->owner))
    return 1;
  if (!ev->args) return ev->callee == NULL && ev->kind == TL_EV_CALL && uses_p;
  for (uint32_t i = 0; i < ev->nargs; i++) {
    tl_slot_id s = ev->args[i].slot, a = ev->args[i].addr;
    if (rooted_in(fn, p, a)) return 1;                      /* `&d->x` */
    if (s && s < fn->nslots && (p[s] || (rooted_in(fn, p, s) &&
                                         (fn->slots[s].flags & TL_SLOT_ARRAY))))
      return 1;                                             /* `d`, `d->fds` */
  }
  return 0;
}

/* 1 when fn never writes through its first parameter (the one a thread's argument arrives
 * in). A copy made before it is known as one (a block met out of order) is missed: the walk
 * goes over the blocks twice. */
static int only_reads_param(const struct tl_func *fn, uint8_t *p) {
  tl_slot_id arg = param_slot(fn, 0);
  if (arg == TL_SLOT_NONE) return 1;
  memset(p, 0, fn->nslots);
  p[arg] = 1;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t b = 0; b < fn->nblocks; b++)
      for (uint32_t i = 0; i < fn->blocks[b].nevents; i++)
        if (writes_through(fn, &fn->blocks[b].events[i], p)) return 0;
  return 1;
}

/* Every offloading start whose argument the thread only reads lends it instead of filling
 * it (TL_F_FILLS becomes TL_F_LENDS). */
static int lend_read_only_thread_args(struct tl_unit *unit) {
  uint32_t most = 1;
  for (uint32_t g = 0; g < unit->nfuncs; g++)
    if (unit->funcs[g].nslots > most) most = unit->funcs[g].nslots;
  uint8_t *p = malloc(most);
  if (!p) return TL_ENOMEM;
  for (uint32_t g = 0; g < unit->nfuncs; g++) {
    struct tl_func *fn = &unit->funcs[g];
    for (uint32_t b = 0; b < fn->nblocks; b++)
      for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
        struct tl_event *ev = &fn->blocks[b].events[i];
        if (ev->kind != TL_EV_START || (ev->flags & (TL_F_OFFLOAD | TL_F_FILLS)) !=
                                           (TL_F_OFFLOAD | TL_F_FILLS))
          continue;
        uint32_t t = tl_unit_find_func(unit, ev->fn_arg);
        if (t < unit->nfuncs && unit->funcs[t].nblocks && only_reads_param(&unit->funcs[t], p))
          ev->flags = (ev->flags & ~(uint32_t)TL_F_FILLS) | TL_F_LENDS;
      }
  }
  free(p);
  return 0;
}

int tl_summary_run(struct tl_unit *unit) {
  const struct tl_summaries *ss;
  if (unit->summaries) return 0;
  int err = mark_noreturn_helpers(unit);
  if (!err) err = tl_summaries_compute(unit, unit->arena, &ss);
  if (!err) err = tl_summaries_apply(unit, ss);
  if (!err) err = mark_nonzero_returns(unit);
  if (!err) err = lend_read_only_thread_args(unit);
  if (!err) {
    struct tl_summaries *w = (struct tl_summaries *)ss;
    uint32_t n = w->n < unit->nfuncs ? w->n : unit->nfuncs;
    struct call_index x;
    err = call_index_build(unit, n, &x);
    if (!err) {
      find_fails_exits(unit, w, &x, n);
      find_resting_owners(unit, w, &x, n);
      call_index_free(&x);
    }
  }
  if (!err) unit->summaries = ss;
  return err;
}

/* ---- for rules and notes ----------------------------------------------------------------- */

const struct tl_summary *tl_summaries_find(const struct tl_summaries *self, const char *name) {
  if (!self || !name || !self->unit) return NULL;
  uint32_t f = tl_unit_find_func(self->unit, name);   /* fns[f] is unit->funcs[f]'s */
  return f < self->n ? &self->fns[f] : NULL;
}

const struct tl_summary *tl_summary_of_model(const struct tl_model_fn *m) {
  if (!m || !m->synthesized || m->model != summary_model) return NULL;
  return (const struct tl_summary *)((const char *)m - offsetof(struct tl_summary, model));
}

const char *tl_summary_describe(const struct tl_summary *s) {
  if (!s || !s->has_model) return "does nothing to tickets";
  switch (s->model.event) {
  case TL_ME_START:   return "starts a ticket";
  case TL_ME_AWAIT:   return "awaits its argument";
  case TL_ME_CONSUME: return "hands its argument to a collecting call";
  case TL_ME_DETACH:  return "detaches its argument";
  default:            return "reads its argument's value";
  }
}
