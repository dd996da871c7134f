/* deps.c — def-use dependencies inside a loop, and what a branch edge says (deps.h).
 *
 * Everything here is small and iterative: slot sets are byte arrays, reachability is a
 * worklist over block ids with a malloc'ed visited array, freed before returning. */
#include "deps.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tl_errno.h"

/* ---- slot sets ------------------------------------------------------------------------- */

int tl_slotset_covers(const struct tl_func *fn, const unsigned char *set, tl_slot_id s) {
  /* Parents precede their children (tl_func_verify), so the walk ends. */
  while (s != TL_SLOT_NONE && s < fn->nslots) {
    if (set[s]) return 1;
    const struct tl_slot *sl = &fn->slots[s];
    if (sl->kind != TL_SLOT_FIELD && sl->kind != TL_SLOT_ELEM && sl->kind != TL_SLOT_DEREF)
      return 0;
    if (sl->parent >= s) return 0;
    s = sl->parent;
  }
  return 0;
}

int tl_slotset_covers_any(const struct tl_func *fn, const unsigned char *set,
                          const tl_slot_id *slots, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (tl_slotset_covers(fn, set, slots[i])) return 1;
  return 0;
}

/* 1 when ev makes its dst derived from set. */
static int derives(const struct tl_func *fn, const unsigned char *set,
                   const struct tl_event *ev, int copies_only) {
  if (ev->dst == TL_SLOT_NONE || ev->dst >= fn->nslots || set[ev->dst]) return 0;
  if (copies_only)
    return ev->kind == TL_EV_ASSIGN && ev->nuses == 1 &&
           !(ev->flags & (TL_F_CONST | TL_F_NULL)) && tl_slotset_covers(fn, set, ev->uses[0]);
  switch (ev->kind) {
  case TL_EV_READ:
    if (tl_slotset_covers(fn, set, ev->ticket)) return 1;
    /* fall through */
  case TL_EV_ASSIGN:
  case TL_EV_CALL:
    return tl_slotset_covers_any(fn, set, ev->uses, ev->nuses);
  default:
    return 0;
  }
}

void tl_deps_close(const struct tl_func *fn, const struct tl_loop *l, unsigned char *set,
                   int copies_only) {
  for (int changed = 1; changed;) {
    changed = 0;
    for (uint32_t i = 0; i < l->nblocks; i++) {
      const struct tl_block *b = &fn->blocks[l->blocks[i]];
      for (uint32_t e = 0; e < b->nevents; e++)
        if (derives(fn, set, &b->events[e], copies_only)) {
          set[b->events[e].dst] = 1;
          changed = 1;
        }
    }
  }
}

/* ---- reachability in one iteration ----------------------------------------------------- */

const struct tl_loop *tl_loop_innermost_common(const struct tl_func *fn, uint32_t a,
                                               uint32_t b) {
  const struct tl_loop *best = NULL;
  for (uint32_t i = 0; i < fn->nloops; i++) {
    const struct tl_loop *l = &fn->loops[i];
    if (tl_loop_contains(l, a) && tl_loop_contains(l, b) &&
        (!best || l->nblocks < best->nblocks))
      best = l;
  }
  return best;
}

/* 1 when an event of b in [lo, hi) writes slot. */
static int writes(const struct tl_block *b, uint32_t lo, uint32_t hi, tl_slot_id slot) {
  if (slot == TL_SLOT_NONE) return 0;
  for (uint32_t i = lo; i < hi && i < b->nevents; i++) {
    const struct tl_event *ev = &b->events[i];
    if (ev->dst == slot || (ev->kind == TL_EV_START && ev->ticket == slot)) return 1;
  }
  return 0;
}

/* Push the successors of b that stay in this iteration of l. */
static void push_succs(const struct tl_func *fn, const struct tl_loop *l, uint32_t b,
                       uint32_t *stack, uint32_t *sp, unsigned char *seen) {
  const struct tl_block *blk = &fn->blocks[b];
  for (uint32_t k = 0; k < blk->nsuccs; k++) {
    uint32_t s = blk->succs[k];
    if (s == l->header || s >= fn->nblocks || seen[s] || !tl_loop_contains(l, s)) continue;
    seen[s] = 1;
    stack[(*sp)++] = s;
  }
}

int tl_deps_iter_reaches(const struct tl_func *fn, const struct tl_loop *l,
                         struct tl_evpos from, struct tl_evpos to, tl_slot_id slot, int *out) {
  const struct tl_block *fb = &fn->blocks[from.block];
  if (from.block == to.block && to.index > from.index) {
    *out = !writes(fb, from.index + 1, to.index, slot);
    return 0;
  }
  if (writes(fb, from.index + 1, fb->nevents, slot)) {
    *out = 0;
    return 0;
  }
  unsigned char *seen = calloc(fn->nblocks + 1, 1);
  uint32_t *stack = malloc(((size_t)fn->nblocks + 1) * sizeof *stack);
  if (!seen || !stack) goto fail;
  uint32_t sp = 0;
  int found = 0;
  push_succs(fn, l, from.block, stack, &sp, seen);
  while (sp && !found) {
    uint32_t b = stack[--sp];
    const struct tl_block *blk = &fn->blocks[b];
    if (b == to.block && !writes(blk, 0, to.index, slot)) found = 1;
    else if (!writes(blk, 0, blk->nevents, slot)) push_succs(fn, l, b, stack, &sp, seen);
  }
  free(seen);
  free(stack);
  *out = found;
  return 0;
fail:
  free(seen);
  free(stack);
  return TL_ENOMEM;
}

int tl_deps_iter_enters(const struct tl_func *fn, const struct tl_loop *l, uint32_t from,
                        uint32_t to, int *out) {
  if (from == l->header || from >= fn->nblocks || !tl_loop_contains(l, from)) {
    *out = 0;
    return 0;
  }
  unsigned char *seen = calloc(fn->nblocks + 1, 1);
  uint32_t *stack = malloc(((size_t)fn->nblocks + 1) * sizeof *stack);
  if (!seen || !stack) {
    free(seen);
    free(stack);
    return TL_ENOMEM;
  }
  uint32_t sp = 0;
  int found = 0;
  seen[from] = 1;
  stack[sp++] = from;
  while (sp && !found) {
    uint32_t b = stack[--sp];
    if (b == to) found = 1;
    else push_succs(fn, l, b, stack, &sp, seen);
  }
  free(seen);
  free(stack);
  *out = found;
  return 0;
}

/* ---- what an edge says ----------------------------------------------------------------- */

static enum tl_cmp cmp_negate(enum tl_cmp op) {
  switch (op) {
  case TL_CMP_NONZERO: return TL_CMP_ZERO;
  case TL_CMP_ZERO:    return TL_CMP_NONZERO;
  case TL_CMP_EQ:      return TL_CMP_NE;
  case TL_CMP_NE:      return TL_CMP_EQ;
  case TL_CMP_LT:      return TL_CMP_GE;
  case TL_CMP_LE:      return TL_CMP_GT;
  case TL_CMP_GT:      return TL_CMP_LE;
  case TL_CMP_GE:      return TL_CMP_LT;
  default:             return TL_CMP_NONE;
  }
}

enum tl_cmp tl_cond_on_edge(const struct tl_block *b, uint32_t succ) {
  if (b->term != TL_TERM_BRANCH || b->cond.slot == TL_SLOT_NONE || succ > 1)
    return TL_CMP_NONE;
  return succ == 0 ? b->cond.cmp : cmp_negate(b->cond.cmp);
}

int tl_cmp_excludes(enum tl_cmp op, long long v, long long other) {
  switch (op) {
  case TL_CMP_NONZERO: return other == 0;
  case TL_CMP_ZERO:    return other != 0;
  case TL_CMP_EQ:      return v != other;
  case TL_CMP_NE:      return v == other;
  case TL_CMP_LT:      return other >= v;
  case TL_CMP_LE:      return other > v;
  case TL_CMP_GT:      return other <= v;
  case TL_CMP_GE:      return other < v;
  default:             return 0;
  }
}

int tl_cmp_forces(enum tl_cmp op, long long v, long long other) {
  switch (op) {
  case TL_CMP_ZERO: return other == 0;
  case TL_CMP_EQ:   return v == other;
  default:          return 0;
  }
}

int tl_edge_means_done(const struct tl_block *b, uint32_t succ,
                       const struct tl_model_fn *poll) {
  enum tl_cmp op = tl_cond_on_edge(b, succ);
  if (!poll || op == TL_CMP_NONE) return 0;
  const struct tl_cond *c = &b->cond;
  const char *mc = poll->done_constant;
  char *end = NULL;
  long long mv = mc ? strtoll(mc, &end, 0) : 0;
  int mnum = mc && *mc && end && *end == '\0';
  int same = mc && c->constant && strcmp(mc, c->constant) == 0;
  int named = c->constant && (isalpha((unsigned char)c->constant[0]) || c->constant[0] == '_');
  switch (poll->done) {
  case TL_DONE_NONZERO: return tl_cmp_excludes(op, c->value, 0);
  case TL_DONE_ZERO:    return tl_cmp_forces(op, c->value, 0);
  case TL_DONE_EQ:
    return (mnum && tl_cmp_forces(op, c->value, mv)) || (op == TL_CMP_EQ && same);
  case TL_DONE_NE:
    if (mnum) return tl_cmp_excludes(op, c->value, mv);
    return (op == TL_CMP_NE && same) || (op == TL_CMP_EQ && named && !same);
  default:
    return 0;
  }
}
