/* dataflow.c — the one dataflow engine (rule.h): a worklist solver over reverse post-order,
 * path-sensitive on branch conditions in the manner of ESP (Das, Lerner and Seigle, "ESP:
 * Path-Sensitive Program Verification in Polynomial Time", PLDI 2002).
 *
 * State. Each block has an IN state: up to TL_ESP_MAX entries, each an assumption set
 * (pairs "condition `key` is true/false", at most ASSUME_MAX of them, oldest dropped first)
 * and one fact of fact_size bytes per slot. Slot 0 (TL_SLOT_NONE) has a fact too: scratch,
 * zeroed after every handler, so rules may write TL_FACT(cx, facts, ev->ticket) blindly.
 *
 * Transfer. A block's entries run its events through the rule's handlers one at a time. An
 * event that writes a slot forgets every assumption whose condition reads a slot with the
 * same root variable (tl_slot_root): writes are every event's `dst` (a value, a start's
 * status: `ret = io_uring_wait_cqe(...)` after `if (ret != 1)` on a submit's count), `aux` of
 * ASSIGN, CALL, READ, POLL, AWAIT and AWAIT_ALL, `ticket` (and a FILLS `aux`) of START,
 * `ticket` of CREATE, and every slot of an ESCAPE (an address escaping counts as a write).
 *
 * An ASSIGN of a nonzero integer constant (TL_F_NONZERO) to a variable or a field of one then
 * assumes every condition of the function that tests exactly that slot against a constant
 * (`flag`, `!flag`, `flag == 2`) as the constant decides it: after `closed = 1`, `if
 * (!closed)` is known false (a flag that makes something happen once).
 *
 * Edges. On succs[0] of a BRANCH whose cond has a key, "key true" is assumed, on succs[1]
 * "key false"; an entry already assuming the opposite is infeasible on that edge and
 * dropped, and so is one whose assumption on another comparison of the same slot with a
 * constant contradicts it (`i < n` assumed true: `i != n` cannot be false; `implied`).
 * SWITCH and GOTO edges add nothing. Then rule->edge (if any) sees the entry's facts, for
 * every edge.
 *
 * Join. An entry arriving at a block joins (rule->join per slot; bytewise OR when the rule
 * has none) the entry with the same assumption set; otherwise it is added; a block that
 * would exceed TL_ESP_MAX entries collapses for good into one entry: the join of all, under
 * the intersection of their assumptions. Later arrivals join that entry (intersecting its
 * assumptions again), which keeps every block's state growing monotonically: with a
 * monotone join over a finite lattice the solver terminates.
 *
 * Limits. A rule gets at most VISITS_PER_BLOCK * nblocks + VISITS_SLACK block visits per
 * function, and at most FACTS_BYTES_MAX bytes of facts per IN entry times blocks; past
 * either, the rule is skipped on that function, a note "function 'f' too complex to
 * analyse; rule 'r' skipped" is reported with rule id "analysis-limit" at the function, and
 * tl_rules_run returns TL_ELIMIT once the other rules and functions have run.
 *
 * Memory. One scratch arena per tl_rules_run call, reset before each (function, rule) pair,
 * and one arena for the per-unit memo (tl_rctx_memo), freed when the run ends.
 *
 * Not done: calls are not assumed to write globals or address-taken locals (only the writes
 * the front-end spells as events invalidate assumptions); conditions are matched by key, or
 * by one earlier comparison of the same slot with a constant (`x > 1` then `x > 0`: true),
 * never by two together (`x >= 0` and `x <= 0` do not make `x == 0`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "summary.h"
#include "tl_errno.h"

#define ASSUME_MAX 16
#define VISITS_PER_BLOCK 50u
#define VISITS_SLACK 200u
#define FACTS_BYTES_MAX ((size_t)64 << 20)
#define LIMIT_RULE_ID "analysis-limit"

struct assume {
  uint32_t key;
  uint32_t holds;                  /* 1: the condition is true on this path */
  const struct tl_cond *cond;      /* any condition with this key: for the slots it reads */
};

struct entry {
  uint32_t nas;
  struct assume as[ASSUME_MAX];    /* oldest first */
  unsigned char *facts;            /* nslots * fact_size */
};

struct bstate {
  uint32_t n;
  unsigned char collapsed, queued;
  struct entry *e;                 /* TL_ESP_MAX entries, allocated on first arrival */
};

struct tl_rctx {
  const struct tl_run *run;
  const struct tl_unit *unit;
  const struct tl_func *fn;
  const struct tl_rule *rule;
  const struct tl_block *block;
  const char *file;
  int reporting;
  int err;                         /* first TL_ENOMEM seen by tl_report/tl_note */
  uint32_t diag_start;             /* first diagnostic of this (function, rule) */
  tl_arena *scratch;

  /* the per-unit memo (tl_rctx_memo): lives for the whole tl_rules_run */
  tl_arena *unit_arena;            /* created on first use */
  uint32_t nmemo;
  struct { const void *key; void *value; } memo[TL_MEMO_MAX];

  /* the solver's state */
  size_t fsz;                      /* bytes of one facts array */
  struct bstate *bs;
  uint32_t *rpo, *pos;             /* pos[b]: b's index in rpo */
  uint32_t *heap, nheap;           /* the worklist: rpo indices, smallest first */
  struct entry snap[TL_ESP_MAX];   /* copies of the IN entries of the block being run */
  struct entry work, edge;
  unsigned char *tmp;              /* one slot's fact */
};

/* ---- accessors -------------------------------------------------------------------------- */

const struct tl_func *tl_rctx_func(const struct tl_rctx *cx) { return cx->fn; }
const struct tl_unit *tl_rctx_unit(const struct tl_rctx *cx) { return cx->unit; }
const struct tl_summaries *tl_rctx_summaries(const struct tl_rctx *cx) {
  return cx->unit->summaries;
}
const tl_models *tl_rctx_models(const struct tl_rctx *cx) { return cx->run->models; }
const struct tl_config *tl_rctx_config(const struct tl_rctx *cx) { return cx->run->config; }
const struct tl_block *tl_rctx_block(const struct tl_rctx *cx) { return cx->block; }
int tl_rctx_reporting(const struct tl_rctx *cx) { return cx->reporting; }
tl_arena *tl_rctx_arena(const struct tl_rctx *cx) { return cx->scratch; }

int tl_rctx_memo(struct tl_rctx *cx, const void *key, tl_memo_fn compute, void **out) {
  for (uint32_t i = 0; i < cx->nmemo; i++)
    if (cx->memo[i].key == key) {
      *out = cx->memo[i].value;
      return 0;
    }
  int err = TL_ELIMIT;
  void *value = NULL;
  if (cx->nmemo == TL_MEMO_MAX) goto fail;
  err = TL_ENOMEM;
  if (!cx->unit_arena && !(cx->unit_arena = tl_arena_new())) goto fail;
  if ((err = compute(cx->unit, cx->unit_arena, &value))) goto fail;
  cx->memo[cx->nmemo].key = key;
  cx->memo[cx->nmemo++].value = value;
  *out = value;
  return 0;
fail:
  if (!cx->err) cx->err = err;
  return err;
}

void *tl_fact(const struct tl_rctx *cx, void *facts, tl_slot_id s) {
  if (s >= cx->fn->nslots) s = TL_SLOT_NONE;
  return (unsigned char *)facts + (size_t)s * cx->rule->fact_size;
}

/* ---- reporting ------------------------------------------------------------------------- */

/* printf into a heap string; NULL when out of memory. */
static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *s = malloc((size_t)n + 1);
  if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

static int loc_eq(struct tl_loc a, struct tl_loc b) {
  return a.line == b.line && a.col == b.col && a.end_line == b.end_line
         && a.end_col == b.end_col;
}

/* Add a diagnostic unless this (function, rule) already reported the same one. */
static struct tl_diag *report(struct tl_rctx *cx, const char *rule, enum tl_severity sev,
                              struct tl_loc loc, const char *msg) {
  struct tl_diags *ds = cx->run->diags;
  for (uint32_t i = cx->diag_start; i < ds->size; i++) {
    const struct tl_diag *d = &ds->data[i];
    if (loc_eq(d->loc, loc) && strcmp(d->rule, rule) == 0 && strcmp(d->message, msg) == 0)
      return NULL;
  }
  struct tl_diag *d;
  if (tl_diags_add(ds, cx->file, loc, rule, sev, msg, &d)) {
    cx->err = TL_ENOMEM;
    return NULL;
  }
  return d;
}

/* A finding at a call the summary pass rewrote (summary.h) gets the chain down to the
 * library call as notes: "'open_order' starts a ticket via 'tk_async' here". */
static void summary_notes(struct tl_rctx *cx, struct tl_diag *d, struct tl_loc loc) {
  const struct tl_event *ev = NULL;
  for (uint32_t b = 0; b < cx->fn->nblocks && !ev; b++)
    for (uint32_t i = 0; i < cx->fn->blocks[b].nevents && !ev; i++) {
      const struct tl_event *e = &cx->fn->blocks[b].events[i];
      if (loc_eq(e->loc, loc) && tl_summary_of_model(e->model)) ev = e;
    }
  const struct tl_summary *s;
  for (int depth = 0; ev && depth < 16 && (s = tl_summary_of_model(ev->model)); depth++) {
    const struct tl_event *via = s->via;
    if (!via) break;
    char msg[512];
    snprintf(msg, sizeof msg, "'%s' %s via '%s' here", s->name ? s->name : "?",
             tl_summary_describe(s), via->callee ? via->callee : "?");
    if (tl_diag_add_note(d, cx->file, via->loc, msg)) cx->err = TL_ENOMEM;
    ev = via;
  }
}

struct tl_diag *tl_report(struct tl_rctx *cx, struct tl_loc loc, const char *fmt, ...) {
  if (!cx->reporting) return NULL;
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  if (!msg) {
    cx->err = TL_ENOMEM;
    return NULL;
  }
  struct tl_diag *d = report(cx, cx->rule->id, cx->rule->severity, loc, msg);
  free(msg);
  if (d) summary_notes(cx, d, loc);
  return d;
}

void tl_note(struct tl_rctx *cx, struct tl_diag *d, struct tl_loc loc, const char *fmt, ...) {
  if (!cx->reporting || !d) return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  if (!msg || tl_diag_add_note(d, cx->file, loc, msg)) cx->err = TL_ENOMEM;
  free(msg);
}

/* ---- assumption sets --------------------------------------------------------------------- */

/* 1: the set assumes key with this polarity; -1: the opposite; 0: nothing about key. */
static int assumes(const struct entry *e, uint32_t key, uint32_t holds) {
  for (uint32_t i = 0; i < e->nas; i++)
    if (e->as[i].key == key) return e->as[i].holds == holds ? 1 : -1;
  return 0;
}

static void assume_add(struct entry *e, uint32_t key, uint32_t holds,
                       const struct tl_cond *cond) {
  if (e->nas == ASSUME_MAX) {
    memmove(e->as, e->as + 1, (ASSUME_MAX - 1) * sizeof e->as[0]);
    e->nas--;
  }
  e->as[e->nas++] = (struct assume){key, holds, cond};
}

static int same_set(const struct entry *a, const struct entry *b) {
  if (a->nas != b->nas) return 0;
  for (uint32_t i = 0; i < a->nas; i++)
    if (assumes(b, a->as[i].key, a->as[i].holds) != 1) return 0;
  return 1;
}

/* dst's assumptions &= src's; 1 when dst lost some. */
static int intersect(struct entry *dst, const struct entry *src) {
  uint32_t w = 0;
  for (uint32_t i = 0; i < dst->nas; i++)
    if (assumes(src, dst->as[i].key, dst->as[i].holds) == 1) dst->as[w++] = dst->as[i];
  int changed = w != dst->nas;
  dst->nas = w;
  return changed;
}

static int cond_reads_root(const struct tl_func *fn, const struct tl_cond *c, tl_slot_id root) {
  if (c->slot && tl_slot_root(fn, c->slot) == root) return 1;
  for (uint32_t i = 0; i < c->nuses; i++)
    if (c->uses[i] && tl_slot_root(fn, c->uses[i]) == root) return 1;
  return 0;
}

/* Forget the assumptions whose condition reads a slot ev writes. */
static void invalidate(const struct tl_func *fn, struct entry *e, const struct tl_event *ev) {
  if (e->nas == 0) return;
  tl_slot_id w[3] = {ev->dst, 0, 0};         /* every event's dst: a value, a status */
  switch (ev->kind) {
  case TL_EV_ASSIGN: case TL_EV_CALL: case TL_EV_READ: case TL_EV_POLL:
  case TL_EV_AWAIT: case TL_EV_AWAIT_ALL:
    w[1] = ev->aux;
    break;
  case TL_EV_START:
    w[1] = ev->ticket;
    if (ev->flags & TL_F_FILLS) w[2] = ev->aux;
    break;
  case TL_EV_CREATE:
    w[1] = ev->ticket;
    break;
  case TL_EV_ESCAPE:
    w[1] = ev->ticket;
    w[2] = ev->aux;
    break;
  default:
    break;
  }
  for (int k = 0; k < 3; k++) {
    if (!w[k]) continue;
    tl_slot_id root = tl_slot_root(fn, w[k]);
    uint32_t keep = 0;
    for (uint32_t i = 0; i < e->nas; i++)
      if (!cond_reads_root(fn, e->as[i].cond, root)) e->as[keep++] = e->as[i];
    e->nas = keep;
  }
}

/* 1 when `fn`'s slot s is a variable or a field of one (no element, no `*p`). */
static int slot_is_plain(const struct tl_func *fn, tl_slot_id s) {
  for (uint32_t depth = 0; s != TL_SLOT_NONE && s < fn->nslots && depth < 64; depth++) {
    const struct tl_slot *sl = &fn->slots[s];
    if (sl->kind == TL_SLOT_ELEM || sl->kind == TL_SLOT_DEREF) return 0;
    if (sl->kind != TL_SLOT_FIELD) return 1;
    s = sl->parent;
  }
  return 0;
}

/* The values of its slot for which comparison c comes out `holds`, as an interval [lo, hi];
 * 0 when they are no interval (`x != 3` holding) or c is no comparison with a constant. */
static int cond_range(const struct tl_cond *c, uint32_t holds, long long *lo, long long *hi) {
  enum tl_cmp k = c->cmp;
  long long v = c->value;
  if (k == TL_CMP_NONZERO || k == TL_CMP_ZERO) {
    v = 0;
    k = k == TL_CMP_ZERO ? TL_CMP_EQ : TL_CMP_NE;
  }
  if (!holds) {                                    /* the negation */
    static const enum tl_cmp neg[] = {[TL_CMP_EQ] = TL_CMP_NE, [TL_CMP_NE] = TL_CMP_EQ,
                                      [TL_CMP_LT] = TL_CMP_GE, [TL_CMP_LE] = TL_CMP_GT,
                                      [TL_CMP_GT] = TL_CMP_LE, [TL_CMP_GE] = TL_CMP_LT};
    if (k < TL_CMP_EQ || k > TL_CMP_GE) return 0;
    k = neg[k];
  }
  if (v <= INT32_MIN || v >= INT32_MAX) return 0;  /* no edge of a type's range */
  *lo = INT64_MIN, *hi = INT64_MAX;
  switch (k) {
  case TL_CMP_EQ: *lo = *hi = v; return 1;
  case TL_CMP_LT: *hi = v - 1; return 1;
  case TL_CMP_LE: *hi = v; return 1;
  case TL_CMP_GT: *lo = v + 1; return 1;
  case TL_CMP_GE: *lo = v; return 1;
  default:        return 0;
  }
}

/* What the set's assumptions on other conditions of the same slot say of condition c: 1 it
 * holds, 0 it fails, -1 nothing. After `for (i = 0; i < n; i++) { ... break; }` the break's
 * path still assumes `i < n` (nothing wrote i since: writes forget it), so a later `if (i !=
 * n)` holds there. Comparisons with constants only, each assumption on its own, and never a
 * negative constant with a nonnegative one (the IR does not say whether the slot is
 * unsigned, where `x == -1` is `x == UINT_MAX`). */
static int implied(const struct entry *e, const struct tl_cond *c) {
  if (c->cmp == TL_CMP_NONE || !c->slot || c->nuses != 1 || c->uses[0] != c->slot) return -1;
  for (uint32_t i = 0; i < e->nas; i++) {
    const struct tl_cond *a = e->as[i].cond;
    long long lo, hi;
    if (!a || a->slot != c->slot || a->nuses != 1 || a->uses[0] != a->slot ||
        !cond_range(a, e->as[i].holds, &lo, &hi))
      continue;
    if ((a->cmp >= TL_CMP_EQ && a->value < 0) != (c->cmp >= TL_CMP_EQ && c->value < 0))
      continue;               /* an unsigned slot may hold what `-1` converts to: not mixed */
    for (uint32_t side = 0; side < 2; side++) {     /* c's values failing it, holding it */
      long long clo, chi;
      if (!cond_range(c, side, &clo, &chi)) continue;
      if (clo <= lo && hi <= chi) return (int)side;  /* all of the slot's values there */
      if (hi < clo || chi < lo) return (int)!side;   /* none of them */
    }
  }
  return -1;
}

/* After `x = c` (a nonzero integer constant): assume every condition of the function that
 * tests x alone against a constant as c decides it (invalidate has just forgotten them). */
static void decide(const struct tl_func *fn, struct entry *e, const struct tl_event *ev) {
  if (ev->kind != TL_EV_ASSIGN || !(ev->flags & TL_F_NONZERO) || !ev->dst) return;
  if (!slot_is_plain(fn, ev->dst)) return;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_cond *c = &fn->blocks[b].cond;
    if (fn->blocks[b].term != TL_TERM_BRANCH || !c->key || c->slot != ev->dst) continue;
    if (c->nuses != 1 || c->uses[0] != ev->dst) continue;
    int holds = tl_cond_holds(c, ev->value);
    if (holds >= 0 && assumes(e, c->key, (uint32_t)holds) == 0)
      assume_add(e, c->key, (uint32_t)holds, c);
  }
}

/* ---- facts ------------------------------------------------------------------------------- */

static void entry_copy(struct tl_rctx *cx, struct entry *dst, const struct entry *src) {
  dst->nas = src->nas;
  memcpy(dst->as, src->as, src->nas * sizeof src->as[0]);
  memcpy(dst->facts, src->facts, cx->fsz);
}

/* dst's facts joined with src's, slot by slot; 1 when dst changed. */
static int join_facts(struct tl_rctx *cx, unsigned char *dst, const unsigned char *src) {
  if (memcmp(dst, src, cx->fsz) == 0) return 0;
  size_t sz = cx->rule->fact_size;
  int changed = 0;
  for (tl_slot_id s = 1; s < cx->fn->nslots; s++) {
    unsigned char *d = dst + (size_t)s * sz;
    const unsigned char *x = src + (size_t)s * sz;
    if (memcmp(d, x, sz) == 0) continue;
    memcpy(cx->tmp, d, sz);
    if (cx->rule->join) cx->rule->join(d, x);
    else for (size_t i = 0; i < sz; i++) d[i] |= x[i];
    changed |= memcmp(cx->tmp, d, sz) != 0;
  }
  return changed;
}

/* Merge entry e into block b's IN state; 1 when it changed, -1 when out of memory. */
static int merge(struct tl_rctx *cx, uint32_t b, const struct entry *e) {
  struct bstate *st = &cx->bs[b];
  if (!st->e && !(st->e = tl_arena_alloc(cx->scratch, TL_ESP_MAX * sizeof *st->e))) return -1;
  if (st->collapsed) {
    int changed = intersect(&st->e[0], e);
    return join_facts(cx, st->e[0].facts, e->facts) | changed;
  }
  for (uint32_t i = 0; i < st->n; i++)
    if (same_set(&st->e[i], e)) return join_facts(cx, st->e[i].facts, e->facts);
  if (st->n < TL_ESP_MAX) {
    struct entry *n = &st->e[st->n];
    if (!n->facts && !(n->facts = tl_arena_alloc(cx->scratch, cx->fsz))) return -1;
    entry_copy(cx, n, e);
    st->n++;
    return 1;
  }
  struct entry *all = &st->e[0];
  for (uint32_t i = 1; i < st->n; i++) {
    intersect(all, &st->e[i]);
    join_facts(cx, all->facts, st->e[i].facts);
  }
  intersect(all, e);
  join_facts(cx, all->facts, e->facts);
  st->n = 1;
  st->collapsed = 1;
  return 1;
}

/* ---- worklist: a binary min-heap of rpo indices ------------------------------------------ */

static void push(struct tl_rctx *cx, uint32_t b) {
  if (cx->bs[b].queued) return;
  cx->bs[b].queued = 1;
  uint32_t i = cx->nheap++, v = cx->pos[b];
  while (i && cx->heap[(i - 1) / 2] > v) {
    cx->heap[i] = cx->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  cx->heap[i] = v;
}

static uint32_t pop(struct tl_rctx *cx) {
  uint32_t top = cx->heap[0], v = cx->heap[--cx->nheap], i = 0;
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= cx->nheap) break;
    if (c + 1 < cx->nheap && cx->heap[c + 1] < cx->heap[c]) c++;
    if (cx->heap[c] >= v) break;
    cx->heap[i] = cx->heap[c];
    i = c;
  }
  if (cx->nheap) cx->heap[i] = v;
  uint32_t b = cx->rpo[top];
  cx->bs[b].queued = 0;
  return b;
}

/* ---- running blocks ---------------------------------------------------------------------- */

/* Run block b's IN entries through its events and out along its edges: merged into the
 * successors while solving, only shown to handlers and edge hooks when reporting. */
static int run_block(struct tl_rctx *cx, uint32_t b) {
  const struct tl_func *fn = cx->fn;
  const struct tl_block *blk = &fn->blocks[b];
  const struct tl_rule *r = cx->rule;
  struct bstate *st = &cx->bs[b];
  uint32_t n = st->n;
  size_t sz = r->fact_size;
  for (uint32_t i = 0; i < n; i++) entry_copy(cx, &cx->snap[i], &st->e[i]);
  cx->block = blk;
  for (uint32_t i = 0; i < n; i++) {
    struct entry *w = &cx->work;
    entry_copy(cx, w, &cx->snap[i]);
    for (uint32_t k = 0; k < blk->nevents; k++) {
      const struct tl_event *ev = &blk->events[k];
      if (r->handlers[ev->kind]) {
        r->handlers[ev->kind](cx, w->facts, ev);
        memset(w->facts, 0, sz);
      }
      invalidate(fn, w, ev);
      decide(fn, w, ev);
    }
    for (uint32_t k = 0; k < blk->nsuccs; k++) {
      struct entry *e = &cx->edge;
      entry_copy(cx, e, w);
      if (blk->term == TL_TERM_BRANCH && blk->cond.key && k < 2) {
        uint32_t holds = k == 0;
        int a = assumes(e, blk->cond.key, holds);
        if (a < 0) continue;                        /* infeasible on this path */
        if (a == 0 && implied(e, &blk->cond) == (int)!holds) continue;   /* the same */
        if (a == 0) assume_add(e, blk->cond.key, holds, &blk->cond);
      }
      if (r->edge) {
        r->edge(cx, e->facts, blk, k);
        memset(e->facts, 0, sz);
      }
      if (cx->reporting) continue;
      int changed = merge(cx, blk->succs[k], e);
      if (changed < 0) return TL_ENOMEM;
      if (changed) push(cx, blk->succs[k]);
    }
  }
  return 0;
}

/* Allocate the solver's state and seed the entry. */
static int solver_init(struct tl_rctx *cx) {
  const struct tl_func *fn = cx->fn;
  uint32_t nb = fn->nblocks;
  struct tl_unit scratch_unit = {.arena = cx->scratch};
  cx->fsz = (size_t)fn->nslots * cx->rule->fact_size;
  cx->bs = tl_arena_alloc(cx->scratch, nb * sizeof *cx->bs);
  cx->pos = tl_arena_alloc(cx->scratch, nb * sizeof *cx->pos);
  cx->heap = tl_arena_alloc(cx->scratch, nb * sizeof *cx->heap);
  cx->tmp = tl_arena_alloc(cx->scratch, cx->rule->fact_size);
  cx->work.facts = tl_arena_alloc(cx->scratch, cx->fsz);
  cx->edge.facts = tl_arena_alloc(cx->scratch, cx->fsz);
  if (!cx->bs || !cx->pos || !cx->heap || !cx->tmp || !cx->work.facts || !cx->edge.facts)
    return TL_ENOMEM;
  for (int i = 0; i < TL_ESP_MAX; i++)
    if (!(cx->snap[i].facts = tl_arena_alloc(cx->scratch, cx->fsz))) return TL_ENOMEM;
  if (tl_cfg_rpo(&scratch_unit, fn, &cx->rpo)) return TL_ENOMEM;
  for (uint32_t i = 0; i < nb; i++) cx->pos[cx->rpo[i]] = i;
  cx->nheap = 0;

  struct entry *seed = &cx->work;           /* zeroed facts, no assumptions */
  seed->nas = 0;
  memset(seed->facts, 0, cx->fsz);
  cx->block = &fn->blocks[0];
  if (cx->rule->init) cx->rule->init(cx, seed->facts);
  memset(seed->facts, 0, cx->rule->fact_size);
  if (merge(cx, 0, seed) < 0) return TL_ENOMEM;
  push(cx, 0);
  return 0;
}

/* Solve to the fixed point, then run the reporting pass. */
static int solve(struct tl_rctx *cx) {
  const struct tl_func *fn = cx->fn;
  if (cx->rule->fact_size && (size_t)fn->nslots > FACTS_BYTES_MAX / cx->rule->fact_size
      / (fn->nblocks ? fn->nblocks : 1))
    return TL_ELIMIT;
  int err = solver_init(cx);
  if (err) return err;
  uint64_t visits = 0, cap = (uint64_t)VISITS_PER_BLOCK * fn->nblocks + VISITS_SLACK;
  while (cx->nheap) {
    if (++visits > cap) return TL_ELIMIT;
    if ((err = run_block(cx, pop(cx)))) return err;
  }
  cx->reporting = 1;
  for (uint32_t i = 0; i < fn->nblocks; i++)
    if ((err = run_block(cx, cx->rpo[i]))) return err;
  return 0;
}

/* ---- the driver's entry point ------------------------------------------------------------ */

static int run_rule(struct tl_rctx *cx) {
  const struct tl_rule *r = cx->rule;
  int err = 0;
  tl_arena_reset(cx->scratch);
  cx->reporting = 0;
  cx->err = 0;
  cx->block = NULL;
  cx->diag_start = cx->run->diags->size;
  if (r->fact_size && cx->fn->nblocks) {
    err = solve(cx);
    if (err == TL_ELIMIT) {
      char msg[512];
      snprintf(msg, sizeof msg, "function '%s' too complex to analyse; rule '%s' skipped",
               cx->fn->name, r->id);
      cx->reporting = 1;
      report(cx, LIMIT_RULE_ID, TL_SEV_NOTE, cx->fn->loc, msg);
    } else if (err) {
      return err;
    }
  }
  if (r->function) {
    cx->reporting = 1;
    cx->block = NULL;
    r->function(cx, cx->fn);
  }
  cx->reporting = 0;
  return cx->err ? cx->err : err;
}

int tl_rules_run(const struct tl_run *run, const struct tl_unit *unit) {
  struct tl_rctx cx = {.run = run, .unit = unit};
  int rc = 0;
  if (!(cx.scratch = tl_arena_new())) return TL_ENOMEM;
  /* Calls to the unit's own functions become what they do (summary.h), once per unit. */
  if (tl_summary_run((struct tl_unit *)unit)) {
    rc = TL_ENOMEM;
    goto done;
  }
  for (uint32_t f = 0; f < unit->nfuncs; f++) {
    /* The unit is const for rules; the CFG analyses are computed here once, in place. */
    struct tl_func *fn = &unit->funcs[f];
    if (!fn->idom && fn->nblocks && tl_func_finish((struct tl_unit *)unit, fn)) {
      rc = TL_ENOMEM;
      goto done;
    }
    cx.fn = fn;
    cx.file = unit->file ? unit->file : fn->file ? fn->file : "";
    for (size_t i = 0; i < run->nrules; i++) {
      cx.rule = run->rules[i];
      int err = run_rule(&cx);
      if (err == TL_ELIMIT) rc = TL_ELIMIT;
      else if (err) {
        rc = err;
        goto done;
      }
    }
  }
done:
  tl_arena_free(cx.scratch);
  tl_arena_free(cx.unit_arena);
  return rc;
}
