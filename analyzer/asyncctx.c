/* asyncctx.c — the async context of a translation unit (asyncctx.h): a call graph of the
 * unit's functions, two greatest fixpoints over it (ASYNC, LOOP) and breadth-first blocking
 * summaries. Linear in the unit's events apart from sorting the names; everything lives in
 * the arena it is given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asyncctx.h"
#include "tl_errno.h"

#define NONE UINT32_MAX

/* Edges: struct tl_cg_edge (asyncctx.h), a call from `from` to `to` at event `ev`. */

struct name_ix {
  const char *name;
  uint32_t fn;
};

/* The working state of one computation. */
struct graph {
  const struct tl_unit *unit;
  uint32_t n;
  struct name_ix *names;           /* sorted by name */
  uint32_t nedges;
  struct tl_cg_edge *edges;              /* by caller, each caller's calls in block order */
  uint32_t *out_start;             /* edges[out_start[f] .. out_start[f+1]) are f's calls */
  uint32_t *in_start, *in_edges;   /* in_edges[in_start[g] ..]: edge ids of calls to g */
  uint32_t *queue;
  uint8_t *root, *cand, *in, *queued;
};

static int name_cmp(const void *a, const void *b) {
  return strcmp(((const struct name_ix *)a)->name, ((const struct name_ix *)b)->name);
}

static uint32_t find_name(const struct name_ix *names, uint32_t n, const char *name) {
  if (!name) return NONE;
  struct name_ix key = {name, 0};
  const struct name_ix *hit = n ? bsearch(&key, names, n, sizeof *names, name_cmp) : NULL;
  return hit ? hit->fn : NONE;
}

/* 1 when block b of fn can run: dead blocks (known once dominators exist) call nothing. */
static int block_live(const struct tl_func *fn, uint32_t b) {
  return !fn->idom || fn->idom[b] != UINT32_MAX;
}

static int is_main(const struct tl_func *fn) {
  return fn->name && strcmp(fn->name, "main") == 0;
}

/* The calls of every function to functions of the unit, in both directions. */
static int build_graph(struct graph *g, tl_arena *a) {
  const struct tl_unit *u = g->unit;
  uint32_t n = g->n, nnames = 0;
  g->names = tl_arena_alloc(a, (n + 1) * sizeof *g->names);
  g->out_start = tl_arena_alloc(a, (n + 1) * sizeof *g->out_start);
  g->in_start = tl_arena_alloc(a, (n + 2) * sizeof *g->in_start);
  g->queue = tl_arena_alloc(a, (n + 1) * sizeof *g->queue);
  g->root = tl_arena_alloc(a, n + 1);
  g->cand = tl_arena_alloc(a, n + 1);
  g->in = tl_arena_alloc(a, n + 1);
  g->queued = tl_arena_alloc(a, n + 1);
  if (!g->names || !g->out_start || !g->in_start || !g->queue || !g->root || !g->cand ||
      !g->in || !g->queued)
    return TL_ENOMEM;
  for (uint32_t f = 0; f < n; f++)
    if (u->funcs[f].name) g->names[nnames++] = (struct name_ix){u->funcs[f].name, f};
  if (nnames) qsort(g->names, nnames, sizeof *g->names, name_cmp);

  /* two passes: count, then fill */
  for (int pass = 0; pass < 2; pass++) {
    uint32_t k = 0;
    for (uint32_t f = 0; f < n; f++) {
      const struct tl_func *fn = &u->funcs[f];
      g->out_start[f] = k;
      for (uint32_t b = 0; b < fn->nblocks; b++) {
        if (!block_live(fn, b)) continue;
        for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
          const struct tl_event *ev = &fn->blocks[b].events[i];
          if (ev->kind != TL_EV_CALL &&
              !(ev->model && (ev->model->synthesized || ev->model->annotated)))
            continue;
          uint32_t to = find_name(g->names, nnames, ev->callee);
          if (to == NONE) continue;
          if (pass) g->edges[k] = (struct tl_cg_edge){f, to, ev};
          k++;
        }
      }
    }
    g->out_start[n] = k;
    if (!pass) {
      g->nedges = k;
      g->edges = tl_arena_alloc(a, (k + 1) * sizeof *g->edges);
      g->in_edges = tl_arena_alloc(a, (k + 1) * sizeof *g->in_edges);
      if (!g->edges || !g->in_edges) return TL_ENOMEM;
    }
  }
  /* callers: counting sort of the edges by callee, keeping caller order */
  for (uint32_t e = 0; e < g->nedges; e++) g->in_start[g->edges[e].to + 2]++;
  for (uint32_t f = 0; f < n; f++) g->in_start[f + 2] += g->in_start[f + 1];
  for (uint32_t e = 0; e < g->nedges; e++) g->in_edges[g->in_start[g->edges[e].to + 1]++] = e;
  return 0;
}

static uint32_t ncallers(const struct graph *g, uint32_t f) {
  return g->in_start[f + 1] - g->in_start[f];
}

/* in = root, plus the greatest set of candidates reached from the roots whose callers are
 * all in. Reachability first (a cycle nothing reaches stays out), then demotion: a candidate
 * with a caller outside goes out, and its callees are looked at again. The queue is a ring
 * of n + 1 places holding each function at most once (`queued`). */
static void fixpoint(struct graph *g) {
  uint32_t head = 0, tail = 0, cap = g->n + 1, count = 0;
  for (uint32_t f = 0; f < g->n; f++) {
    g->in[f] = g->root[f];
    if (g->root[f]) g->queue[tail++] = f;
  }
  while (head < tail) {
    uint32_t f = g->queue[head++];
    for (uint32_t e = g->out_start[f]; e < g->out_start[f + 1]; e++) {
      uint32_t to = g->edges[e].to;
      if (g->cand[to] && !g->in[to]) {
        g->in[to] = 1;
        g->queue[tail++] = to;
      }
    }
  }
  head = 0;
  for (uint32_t f = 0; f < g->n; f++) {
    g->queued[f] = g->cand[f] && g->in[f];
    if (g->queued[f]) g->queue[count++] = f;
  }
  while (count) {
    uint32_t f = g->queue[head];
    head = (head + 1) % cap;
    count--;
    g->queued[f] = 0;
    int all_in = 1;
    for (uint32_t k = g->in_start[f]; k < g->in_start[f + 1] && all_in; k++)
      all_in = g->in[g->edges[g->in_edges[k]].from];
    if (all_in || !g->in[f]) continue;
    g->in[f] = 0;
    for (uint32_t e = g->out_start[f]; e < g->out_start[f + 1]; e++) {
      uint32_t to = g->edges[e].to;
      if (g->cand[to] && g->in[to] && !g->queued[to]) {
        g->queued[to] = 1;
        g->queue[(head + count++) % cap] = to;
      }
    }
  }
}

/* The first call to f (in function order, then block order) from an async caller. */
static const struct tl_cg_edge *first_async_caller(const struct graph *g, uint32_t f) {
  for (uint32_t k = g->in_start[f]; k < g->in_start[f + 1]; k++) {
    const struct tl_cg_edge *e = &g->edges[g->in_edges[k]];
    if (g->in[e->from]) return e;
  }
  return NULL;
}

/* The call that best explains why f is not async: from a caller that is not async for a
 * reason of its own (main, a callback, nothing calls it...), else from any other function
 * that is not async, else f's own recursive call. */
static const struct tl_cg_edge *best_outside_caller(const struct graph *g,
                                              const struct tl_actx_fn *fns, uint32_t f) {
  const struct tl_cg_edge *other = NULL, *self = NULL;
  for (uint32_t k = g->in_start[f]; k < g->in_start[f + 1]; k++) {
    const struct tl_cg_edge *e = &g->edges[g->in_edges[k]];
    if (g->in[e->from]) continue;
    if (e->from == f) {
      if (!self) self = e;
    } else if (fns[e->from].why != TL_ACTX_CALLER) {
      return e;
    } else if (!other) {
      other = e;
    }
  }
  return other ? other : self;
}

static void compute_async(struct graph *g, struct tl_actx_fn *fns) {
  for (uint32_t f = 0; f < g->n; f++) {
    const struct tl_func *fn = &g->unit->funcs[f];
    g->root[f] = (fn->flags & (TL_FN_ASYNC_MARKED | TL_FN_ASYNC_PASSED)) != 0;
    int excluded = is_main(fn) || (fn->flags & (TL_FN_CALLBACK | TL_FN_OFFLOADED));
    g->cand[f] = !g->root[f] && !excluded && ncallers(g, f) > 0;
  }
  fixpoint(g);
  for (uint32_t f = 0; f < g->n; f++) {
    const struct tl_func *fn = &g->unit->funcs[f];
    struct tl_actx_fn *a = &fns[f];
    const struct tl_cg_edge *w = NULL;
    a->async = g->in[f];
    if (fn->flags & TL_FN_ASYNC_MARKED) a->why = TL_ACTX_MARKED;
    else if (fn->flags & TL_FN_ASYNC_PASSED) a->why = TL_ACTX_PASSED;
    else if (g->in[f]) a->why = TL_ACTX_CALLED, w = first_async_caller(g, f);
    else if (is_main(fn)) a->why = TL_ACTX_MAIN;
    else if (fn->flags & TL_FN_CALLBACK) a->why = TL_ACTX_CALLBACK;
    else if (fn->flags & TL_FN_OFFLOADED) a->why = TL_ACTX_OFFLOADED;
    else if (ncallers(g, f)) a->why = TL_ACTX_CALLER;
    else a->why = TL_ACTX_UNCALLED;
    a->witness = w ? w->ev : NULL;
    a->witness_fn = w ? w->from : NONE;
  }
  for (uint32_t f = 0; f < g->n; f++) {   /* once every function's own reason is known */
    const struct tl_cg_edge *w =
        fns[f].why == TL_ACTX_CALLER ? best_outside_caller(g, fns, f) : NULL;
    if (w) fns[f].witness = w->ev, fns[f].witness_fn = w->from;
  }
}

static void compute_loop(struct graph *g, struct tl_actx_fn *fns) {
  for (uint32_t f = 0; f < g->n; f++) {
    const struct tl_func *fn = &g->unit->funcs[f];
    g->root[f] = fns[f].async || (fn->flags & TL_FN_CALLBACK);
    int excluded = is_main(fn) || (fn->flags & TL_FN_OFFLOADED);
    g->cand[f] = !g->root[f] && !excluded && ncallers(g, f) > 0;
  }
  fixpoint(g);
  for (uint32_t f = 0; f < g->n; f++) fns[f].loop = g->in[f];
}

/* The first blocking call of fn in block order, or NULL. */
static const struct tl_event *first_blocking(const struct tl_func *fn) {
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    if (!block_live(fn, b)) continue;
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if (ev->model && (tl_model_fn_blocks(ev->model) || ev->kind == TL_EV_BLOCKING))
        return ev;                 /* also a start made synchronous (no callback) */
    }
  }
  return NULL;
}

/* Rounds: round 0 marks the non-LOOP functions with a blocking call of their own; round k
 * the ones calling, first in block order, a function marked in an earlier round. */
static void compute_blocks(struct graph *g, struct tl_actx_fn *fns, uint32_t *round) {
  for (uint32_t f = 0; f < g->n; f++) {
    fns[f].via_fn = NONE;
    round[f] = NONE;
    if (fns[f].loop) continue;
    const struct tl_event *ev = first_blocking(&g->unit->funcs[f]);
    if (ev) fns[f].blocks = 1, fns[f].via = ev, round[f] = 0;
  }
  for (uint32_t k = 1, changed = 1; changed; k++) {
    changed = 0;
    for (uint32_t f = 0; f < g->n; f++) {
      if (fns[f].loop || fns[f].blocks) continue;
      for (uint32_t e = g->out_start[f]; e < g->out_start[f + 1]; e++) {
        uint32_t to = g->edges[e].to;
        if (round[to] < k) {
          fns[f].blocks = 1;
          fns[f].via = g->edges[e].ev;
          fns[f].via_fn = to;
          round[f] = k;
          changed = 1;
          break;
        }
      }
    }
  }
}

int tl_callgraph_build(const struct tl_unit *unit, tl_arena *arena, struct tl_callgraph *out) {
  struct graph g = {.unit = unit, .n = unit->nfuncs};
  if (build_graph(&g, arena)) return TL_ENOMEM;
  *out = (struct tl_callgraph){g.n, g.nedges, g.edges, g.out_start};
  return 0;
}

int tl_asyncctx_compute(const struct tl_unit *unit, tl_arena *arena,
                        const struct tl_asyncctx **out) {
  struct graph g = {.unit = unit, .n = unit->nfuncs};
  struct tl_asyncctx *cx = tl_arena_alloc(arena, sizeof *cx);
  struct tl_actx_fn *fns = tl_arena_alloc(arena, (g.n + 1) * sizeof *fns);
  if (!cx || !fns || build_graph(&g, arena)) return TL_ENOMEM;
  compute_async(&g, fns);
  compute_loop(&g, fns);
  compute_blocks(&g, fns, g.queue);          /* the queue is free again: rounds */
  *cx = (struct tl_asyncctx){unit, g.n, fns};
  *out = cx;
  return 0;
}

/* ---- for rules --------------------------------------------------------------------------- */

static const char memo_key = 0;   /* its address names the memo entry */

static int compute_memo(const struct tl_unit *unit, tl_arena *arena, void **out) {
  const struct tl_asyncctx *cx;
  int err = tl_asyncctx_compute(unit, arena, &cx);
  if (!err) *out = (void *)cx;
  return err;
}

const struct tl_asyncctx *tl_asyncctx_of(struct tl_rctx *cx) {
  void *v = NULL;
  return tl_rctx_memo(cx, &memo_key, compute_memo, &v) ? NULL : v;
}

uint32_t tl_asyncctx_index(const struct tl_asyncctx *self, const struct tl_func *fn) {
  if (!self || !fn || fn < self->unit->funcs || fn >= self->unit->funcs + self->nfuncs)
    return NONE;
  return (uint32_t)(fn - self->unit->funcs);
}

const struct tl_actx_fn *tl_asyncctx_fn(const struct tl_asyncctx *self,
                                        const struct tl_func *fn) {
  uint32_t f = tl_asyncctx_index(self, fn);
  return f == NONE ? NULL : &self->fns[f];
}

uint32_t tl_asyncctx_find(const struct tl_asyncctx *self, const char *name) {
  if (!self || !name) return NONE;
  uint32_t f = tl_unit_find_func(self->unit, name);
  return f < self->nfuncs ? f : NONE;
}

const char *tl_asyncctx_describe(const struct tl_asyncctx *self, uint32_t f, char *buf,
                                 size_t len) {
  const char *name = f < self->nfuncs && self->unit->funcs[f].name
                     ? self->unit->funcs[f].name : "?";
  const struct tl_actx_fn *a = f < self->nfuncs ? &self->fns[f] : NULL;
  if (a && a->async && a->why == TL_ACTX_CALLED)
    snprintf(buf, len, "'%s', which only async functions call", name);
  else if (a && a->async)
    snprintf(buf, len, "async function '%s'", name);
  else if (a && (self->unit->funcs[f].flags & TL_FN_CALLBACK))
    snprintf(buf, len, "loop callback '%s'", name);
  else
    snprintf(buf, len, "'%s', which runs on the loop", name);
  return buf;
}
