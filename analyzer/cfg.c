/* cfg.c — analyses on a function's control-flow graph (ir.h): compaction, reverse
 * post-order, immediate dominators (Cooper, Harvey and Kennedy, "A Simple, Fast Dominance
 * Algorithm", 2001) and natural loops from back edges.
 *
 * Results live in the unit's arena; temporaries are malloc'ed and freed before returning.
 * Every traversal is iterative (no recursion), so deep CFGs cannot overflow the stack.
 *
 * Not done: irreducible regions are not loops (a retreating edge whose target does not
 * dominate its source is ignored), and loops sharing a header are merged into one. */
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "tl_errno.h"

#define UNDEF UINT32_MAX

/* Post-order of the blocks reachable from the entry into po (returns how many). A block's
 * successors are visited in succs order. stack needs 2*nblocks entries; seen nblocks. */
static uint32_t postorder(const struct tl_func *f, uint32_t *po, uint32_t *stack,
                          unsigned char *seen) {
  uint32_t n = 0, sp = 0;
  memset(seen, 0, f->nblocks);
  if (f->nblocks == 0) return 0;
  seen[0] = 1;
  stack[sp++] = 0;
  stack[sp++] = 0;                     /* (block, index of the next successor) pairs */
  while (sp) {
    uint32_t b = stack[sp - 2], *next = &stack[sp - 1];
    const struct tl_block *blk = &f->blocks[b];
    if (*next < blk->nsuccs) {
      uint32_t s = blk->succs[(*next)++];
      if (s < f->nblocks && !seen[s]) {
        seen[s] = 1;
        stack[sp++] = s;
        stack[sp++] = 0;
      }
      continue;
    }
    po[n++] = b;
    sp -= 2;
  }
  return n;
}

/* The reverse post-order, unreachable blocks last, into rpo (nblocks entries); returns the
 * number of reachable blocks. */
static int compute_rpo(const struct tl_func *f, uint32_t *rpo, uint32_t *nreach) {
  uint32_t *po = malloc(((size_t)f->nblocks * 3 + 1) * sizeof *po);
  unsigned char *seen = malloc(f->nblocks + 1);
  if (!po || !seen) goto fail;
  uint32_t n = postorder(f, po, po + f->nblocks, seen);
  for (uint32_t i = 0; i < n; i++) rpo[i] = po[n - 1 - i];
  uint32_t k = n;
  for (uint32_t b = 0; b < f->nblocks; b++)
    if (!seen[b]) rpo[k++] = b;
  *nreach = n;
  free(po);
  free(seen);
  return 0;
fail:
  free(po);
  free(seen);
  return TL_ENOMEM;
}

int tl_cfg_rpo(struct tl_unit *u, const struct tl_func *self, uint32_t **out) {
  uint32_t *rpo = tl_arena_alloc(u->arena, ((size_t)self->nblocks + 1) * sizeof *rpo);
  uint32_t n;
  if (!rpo || compute_rpo(self, rpo, &n)) return TL_ENOMEM;
  *out = rpo;
  return 0;
}

int tl_cfg_compact(struct tl_unit *u, struct tl_func *self) {
  struct tl_func *f = self;
  if (f->nblocks == 0) return 0;
  uint32_t *map = malloc(((size_t)f->nblocks * 3 + 1) * sizeof *map);
  unsigned char *seen = malloc(f->nblocks + 1);
  if (!map || !seen) goto fail;
  postorder(f, map, map + f->nblocks, seen);
  if (f->exit < f->nblocks) seen[f->exit] = 1;   /* the exit stays, reachable or not */
  uint32_t n = 0;
  for (uint32_t b = 0; b < f->nblocks; b++) map[b] = seen[b] ? n++ : UNDEF;
  /* map is increasing, so blocks move down in place. */
  for (uint32_t b = 0; b < f->nblocks; b++) {
    if (map[b] == UNDEF) continue;
    struct tl_block *dst = &f->blocks[map[b]];
    if (map[b] != b) *dst = f->blocks[b];
    dst->id = map[b];
    uint32_t m = 0;                /* only an unreachable exit can have a dropped successor */
    for (uint32_t k = 0; k < dst->nsuccs; k++)
      if (dst->succs[k] < f->nblocks && map[dst->succs[k]] != UNDEF)
        dst->succs[m++] = map[dst->succs[k]];
    dst->nsuccs = m;
  }
  f->nblocks = n;
  f->exit = map[f->exit];
  /* Rebuild preds from succs, in increasing id order. With mirrored lists the new ones are
   * sub-multisets of the old ones and fit in the arrays already there; grow them anyway
   * when they do not, so that a broken IR cannot write out of bounds. */
  for (uint32_t b = 0; b < n; b++) f->blocks[b].npreds = 0;
  for (uint32_t b = 0; b < n; b++) {
    const struct tl_block *blk = &f->blocks[b];
    for (uint32_t k = 0; k < blk->nsuccs; k++) {
      struct tl_block *s = &f->blocks[blk->succs[k]];
      if (s->npreds == s->cap_preds) {
        uint32_t ncap = s->cap_preds ? s->cap_preds * 2 : 4;
        uint32_t *p = tl_arena_alloc(u->arena, ncap * sizeof *p);
        if (!p) goto fail;
        if (s->npreds) memcpy(p, s->preds, s->npreds * sizeof *p);
        s->preds = p;
        s->cap_preds = ncap;
      }
      s->preds[s->npreds++] = b;
    }
  }
  f->idom = NULL;
  f->loops = NULL;
  f->nloops = 0;
  free(map);
  free(seen);
  return 0;
fail:
  free(map);
  free(seen);
  return TL_ENOMEM;
}

int tl_cfg_dominators(struct tl_unit *u, struct tl_func *self) {
  const struct tl_func *f = self;
  uint32_t nb = f->nblocks;
  uint32_t *idom = tl_arena_alloc(u->arena, ((size_t)nb + 1) * sizeof *idom);
  uint32_t *rpo = malloc(((size_t)nb * 2 + 1) * sizeof *rpo);
  if (!idom || !rpo) goto fail;
  uint32_t *order = rpo + nb;                /* order[b]: b's index in rpo */
  uint32_t nreach;
  if (compute_rpo(f, rpo, &nreach)) goto fail;
  for (uint32_t b = 0; b < nb; b++) idom[b] = UNDEF;
  for (uint32_t i = 0; i < nb; i++) order[rpo[i]] = i;
  if (nb) idom[0] = 0;
  for (int changed = 1; changed;) {
    changed = 0;
    for (uint32_t i = 1; i < nreach; i++) {
      uint32_t b = rpo[i], nidom = UNDEF;
      const struct tl_block *blk = &f->blocks[b];
      for (uint32_t k = 0; k < blk->npreds; k++) {
        uint32_t p = blk->preds[k];
        if (idom[p] == UNDEF) continue;       /* unreachable, or not processed yet */
        if (nidom == UNDEF) { nidom = p; continue; }
        uint32_t a = p, c = nidom;            /* intersect: walk up to the common dominator */
        while (a != c) {
          while (order[a] > order[c]) a = idom[a];
          while (order[c] > order[a]) c = idom[c];
        }
        nidom = a;
      }
      if (nidom != UNDEF && idom[b] != nidom) {
        idom[b] = nidom;
        changed = 1;
      }
    }
  }
  self->idom = idom;
  free(rpo);
  return 0;
fail:
  free(rpo);
  return TL_ENOMEM;
}

/* 1 when a dominates b (walks b's dominator chain). */
static int dominates(const struct tl_func *f, uint32_t a, uint32_t b) {
  for (;;) {
    if (b == a) return 1;
    if (b == UNDEF || f->idom[b] == b) return 0;
    b = f->idom[b];
  }
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Outermost first: larger loops before the loops they contain; ties by header. */
static int cmp_loop(const void *a, const void *b) {
  const struct tl_loop *x = a, *y = b;
  if (x->nblocks != y->nblocks) return x->nblocks > y->nblocks ? -1 : 1;
  return cmp_u32(&x->header, &y->header);
}

int tl_cfg_find_loops(struct tl_unit *u, struct tl_func *self) {
  struct tl_func *f = self;
  uint32_t nb = f->nblocks;
  if (!f->idom && tl_cfg_dominators(u, f)) return TL_ENOMEM;
  uint32_t *rpo = malloc(((size_t)nb * 4 + 1) * sizeof *rpo);
  struct tl_loop *loops = NULL;
  uint32_t nloops = 0;
  if (!rpo) goto fail;
  uint32_t *order = rpo + nb, *mark = rpo + 2 * nb, *stack = rpo + 3 * nb;
  uint32_t nreach;
  if (compute_rpo(f, rpo, &nreach)) goto fail;
  for (uint32_t i = 0; i < nb; i++) {
    order[rpo[i]] = i;
    mark[i] = 0;
  }
  /* One loop per header, in reverse post-order of headers. */
  for (uint32_t i = 0; i < nreach; i++) {
    uint32_t h = rpo[i], sp = 0;
    int back = 0;
    const struct tl_block *hb = &f->blocks[h];
    for (uint32_t k = 0; k < hb->npreds; k++) {
      uint32_t n = hb->preds[k];          /* a back edge n -> h: h dominates n */
      if (f->idom[n] == UNDEF || order[n] < order[h] || !dominates(f, h, n)) continue;
      back = 1;                           /* n == h: a self loop, the header alone */
      if (n != h && mark[n] != i + 1) {
        mark[n] = i + 1;
        stack[sp++] = n;
      }
    }
    if (!back) continue;
    mark[h] = i + 1;
    uint32_t count = 1;
    while (sp) {                          /* everything reaching a latch without h */
      uint32_t b = stack[--sp];
      count++;
      const struct tl_block *blk = &f->blocks[b];
      for (uint32_t k = 0; k < blk->npreds; k++) {
        uint32_t p = blk->preds[k];
        if (mark[p] == i + 1 || f->idom[p] == UNDEF) continue;
        mark[p] = i + 1;
        stack[sp++] = p;
      }
    }
    uint32_t *body = tl_arena_alloc(u->arena, count * sizeof *body);
    if (!body) goto fail;
    uint32_t m = 0;
    for (uint32_t b = 0; b < nb; b++)
      if (mark[b] == i + 1) body[m++] = b;      /* already sorted */
    if (nloops % 8 == 0) {
      struct tl_loop *nl = realloc(loops, (nloops + 8) * sizeof *nl);
      if (!nl) goto fail;
      loops = nl;
    }
    loops[nloops++] = (struct tl_loop){.header = h, .nblocks = m, .blocks = body};
  }
  if (nloops) qsort(loops, nloops, sizeof *loops, cmp_loop);
  /* The parent is the smallest earlier loop that contains the header. */
  for (uint32_t i = 0; i < nloops; i++)
    for (uint32_t j = i; j-- > 0;)
      if (loops[j].header != loops[i].header && tl_loop_contains(&loops[j], loops[i].header)) {
        loops[i].parent = j + 1;
        break;
      }
  f->loops = NULL;
  if (nloops) {
    f->loops = tl_arena_alloc(u->arena, nloops * sizeof *f->loops);
    if (!f->loops) goto fail;
    memcpy(f->loops, loops, nloops * sizeof *loops);
  }
  f->nloops = nloops;
  free(loops);
  free(rpo);
  return 0;
fail:
  free(loops);
  free(rpo);
  return TL_ENOMEM;
}

int tl_loop_contains(const struct tl_loop *l, uint32_t b) {
  uint32_t lo = 0, hi = l->nblocks;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (l->blocks[mid] == b) return 1;
    if (l->blocks[mid] < b) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

int tl_loop_exit_any(const struct tl_func *fn, uint32_t from, uint32_t to,
                     int (*pred)(const void *ctx, const struct tl_block *b,
                                 const struct tl_event *ev),
                     const void *ctx) {
  for (uint32_t i = 0; i < fn->nloops; i++) {
    const struct tl_loop *l = &fn->loops[i];
    if (!tl_loop_contains(l, from) || tl_loop_contains(l, to)) continue;
    int found = 0;
    for (uint32_t k = 0; k < l->nblocks; k++) {
      const struct tl_block *b = &fn->blocks[l->blocks[k]];
      for (uint32_t e = 0; e < b->nevents; e++) {
        int r = pred(ctx, b, &b->events[e]);
        if (r < 0) return 0;
        found |= r > 0;
      }
    }
    if (found) return 1;
  }
  return 0;
}

tl_slot_id tl_slot_root(const struct tl_func *self, tl_slot_id s) {
  for (uint32_t steps = 0; s != TL_SLOT_NONE && s < self->nslots && steps < self->nslots;
       steps++) {
    const struct tl_slot *sl = &self->slots[s];
    int child = sl->kind == TL_SLOT_FIELD || sl->kind == TL_SLOT_ELEM
                || sl->kind == TL_SLOT_DEREF;
    if (!child || sl->parent == TL_SLOT_NONE) return s;
    s = sl->parent;
  }
  return s;
}

int tl_func_finish(struct tl_unit *u, struct tl_func *self) {
  int err;
  if ((err = tl_cfg_compact(u, self))) return err;
  if ((err = tl_cfg_dominators(u, self))) return err;
  return tl_cfg_find_loops(u, self);
}
