/* ir.c — building, checking and printing the IR (ir.h). All memory comes from the unit's
 * arena; growable arrays double into fresh arena memory (the old copy is left behind, which
 * costs at most as much again and is freed with the arena).
 *
 * Not done here: the CFG analyses (cfg.c) and string interning (callee and slot names are
 * copied into the arena, not deduplicated). */
#include "ir.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "model.h"
#include "tl_errno.h"

static const char *const ev_names[] = {
#define TL_EV(name, doc) #name,
#include "ir_events.def"
#undef TL_EV
};

const char *tl_ev_name(enum tl_ev_kind kind) {
  if ((unsigned)kind >= TL_EV__COUNT) return "?";
  return ev_names[kind];
}

int tl_cond_holds(const struct tl_cond *c, long long v) {
  switch (c->cmp) {
  case TL_CMP_NONZERO: return v != 0;
  case TL_CMP_ZERO:    return v == 0;
  case TL_CMP_EQ:      return v == c->value;
  case TL_CMP_NE:      return v != c->value;
  case TL_CMP_LT:      return v < c->value;
  case TL_CMP_LE:      return v <= c->value;
  case TL_CMP_GT:      return v > c->value;
  case TL_CMP_GE:      return v >= c->value;
  case TL_CMP_NONE:    break;
  }
  return -1;
}

/* Grow the arena array *data (capacity *cap, elements of `elem` bytes, `used` of them live)
 * to hold `need` elements. 0 or TL_ENOMEM; *data and *cap untouched on failure. */
static int arena_grow(tl_arena *a, void **data, uint32_t *cap, uint32_t used, uint32_t need,
                      size_t elem) {
  if (need <= *cap) return 0;
  uint32_t ncap = *cap ? *cap * 2 : 4;
  while (ncap < need) ncap *= 2;
  void *p = tl_arena_alloc(a, (size_t)ncap * elem);
  if (!p) return TL_ENOMEM;
  if (used) memcpy(p, *data, (size_t)used * elem);
  *data = p;
  *cap = ncap;
  return 0;
}

#define ARENA_GROW(a, arr, cap, used, need) \
  arena_grow((a), (void **)&(arr), &(cap), (used), (need), sizeof(*(arr)))

/* ---- building ------------------------------------------------------------------------- */

int tl_unit_init(struct tl_unit *self, const char *file) {
  memset(self, 0, sizeof *self);
  self->arena = tl_arena_new();
  if (!self->arena) return TL_ENOMEM;
  if (file) {
    self->file = tl_arena_strdup(self->arena, file);
    if (!self->file) goto fail;
  }
  return 0;
fail:
  tl_arena_free(self->arena);
  self->arena = NULL;
  return TL_ENOMEM;
}

void tl_unit_close(struct tl_unit *self) {
  tl_arena_free(self->arena);
  memset(self, 0, sizeof *self);
}

static uint32_t name_hash(const char *s) {
  uint32_t h = 2166136261u;                 /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* Put function f in the name index (the first function of a name wins). */
static void name_index_put(struct tl_unit *self, uint32_t f) {
  const char *name = self->funcs[f].name;
  uint32_t mask = self->cap_index - 1;
  for (uint32_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
    if (!self->name_index[i]) {
      self->name_index[i] = f + 1;
      return;
    }
    if (strcmp(self->funcs[self->name_index[i] - 1].name, name) == 0) return;
  }
}

/* Keep the index at most half full; rebuilt in the arena when it grows. */
static int name_index_add(struct tl_unit *self, uint32_t f) {
  if (2 * (f + 1) > self->cap_index) {
    uint32_t cap = self->cap_index ? 2 * self->cap_index : 64;
    while (2 * (f + 1) > cap) cap *= 2;
    uint32_t *ix = tl_arena_alloc(self->arena, (size_t)cap * sizeof *ix);
    if (!ix) return TL_ENOMEM;
    self->name_index = ix;
    self->cap_index = cap;
    for (uint32_t g = 0; g < f; g++) name_index_put(self, g);
  }
  name_index_put(self, f);
  return 0;
}

uint32_t tl_unit_find_func(const struct tl_unit *self, const char *name) {
  if (!self || !name) return UINT32_MAX;
  if (!self->name_index) {
    for (uint32_t f = 0; f < self->nfuncs; f++)
      if (self->funcs[f].name && strcmp(self->funcs[f].name, name) == 0) return f;
    return UINT32_MAX;
  }
  uint32_t mask = self->cap_index - 1;
  for (uint32_t i = name_hash(name) & mask; self->name_index[i]; i = (i + 1) & mask) {
    uint32_t f = self->name_index[i] - 1;
    if (f < self->nfuncs && strcmp(self->funcs[f].name, name) == 0) return f;
  }
  return UINT32_MAX;
}

int tl_unit_add_func(struct tl_unit *self, const char *name, struct tl_func **out) {
  const char *n = tl_arena_strdup(self->arena, name ? name : "");
  struct tl_slot *slots = tl_arena_alloc(self->arena, 8 * sizeof *slots);
  if (!n || !slots) return TL_ENOMEM;
  if (ARENA_GROW(self->arena, self->funcs, self->cap_funcs, self->nfuncs, self->nfuncs + 1))
    return TL_ENOMEM;
  struct tl_func *f = &self->funcs[self->nfuncs++];
  memset(f, 0, sizeof *f);
  f->name = n;
  f->file = self->file;
  f->slots = slots;
  f->cap_slots = 8;
  f->nslots = 1;                         /* slots[0]: TL_SLOT_NONE */
  f->slots[0].kind = TL_SLOT_TEMP;
  f->slots[0].name = "<none>";
  if (name_index_add(self, self->nfuncs - 1) < 0) return TL_ENOMEM;
  *out = f;
  return 0;
}

int tl_func_add_block(struct tl_unit *u, struct tl_func *self, uint32_t *out) {
  if (ARENA_GROW(u->arena, self->blocks, self->cap_blocks, self->nblocks, self->nblocks + 1))
    return TL_ENOMEM;
  struct tl_block *b = &self->blocks[self->nblocks];
  memset(b, 0, sizeof *b);
  b->id = self->nblocks++;
  b->term = TL_TERM_GOTO;
  *out = b->id;
  return 0;
}

int tl_func_add_slot(struct tl_unit *u, struct tl_func *self, const struct tl_slot *slot,
                     tl_slot_id *out) {
  const char *name = tl_arena_strdup(u->arena, slot->name ? slot->name : "");
  if (!name) return TL_ENOMEM;
  if (ARENA_GROW(u->arena, self->slots, self->cap_slots, self->nslots, self->nslots + 1))
    return TL_ENOMEM;
  struct tl_slot *s = &self->slots[self->nslots];
  *s = *slot;
  s->name = name;
  *out = self->nslots++;
  return 0;
}

/* The name of a child slot: "s.f", "p->f", "(*p)" -> "p->f", "a[]", "*p". */
static char *child_name(tl_arena *a, const struct tl_func *fn, enum tl_slot_kind kind,
                        tl_slot_id parent, const char *field) {
  const struct tl_slot *p = &fn->slots[parent];
  const char *pn = p->name;
  const char *sep = ".";
  if (kind == TL_SLOT_FIELD && p->kind == TL_SLOT_DEREF && p->parent) {
    pn = fn->slots[p->parent].name;
    sep = "->";
  } else if (kind == TL_SLOT_FIELD && (p->flags & TL_SLOT_POINTER)) {
    sep = "->";
  }
  size_t len = strlen(pn) + (field ? strlen(field) : 0) + 4;
  char *buf = tl_arena_alloc(a, len);
  if (!buf) return NULL;
  switch (kind) {
  case TL_SLOT_FIELD: snprintf(buf, len, "%s%s%s", pn, sep, field ? field : "?"); break;
  case TL_SLOT_ELEM:  snprintf(buf, len, "%s[]", pn); break;
  case TL_SLOT_DEREF: snprintf(buf, len, "*%s", pn); break;
  default:            snprintf(buf, len, "%s", pn); break;
  }
  return buf;
}

int tl_func_child_slot(struct tl_unit *u, struct tl_func *self, enum tl_slot_kind kind,
                       tl_slot_id parent, const char *field, tl_slot_id *out) {
  if (parent == TL_SLOT_NONE || parent >= self->nslots) return TL_EINVAL;
  if (kind != TL_SLOT_FIELD && kind != TL_SLOT_ELEM && kind != TL_SLOT_DEREF) return TL_EINVAL;
  char *name = child_name(u->arena, self, kind, parent, field);
  if (!name) return TL_ENOMEM;
  for (tl_slot_id i = parent + 1; i < self->nslots; i++) {
    const struct tl_slot *s = &self->slots[i];
    if (s->parent == parent && s->kind == kind && strcmp(s->name, name) == 0) {
      *out = i;
      return 0;
    }
  }
  const struct tl_slot *p = &self->slots[parent];
  struct tl_slot child = {.kind = kind, .name = name, .parent = parent, .decl = p->decl};
  child.flags = p->flags & (TL_SLOT_STATIC | TL_SLOT_LONGLIVED);
  int through_pointer = kind == TL_SLOT_DEREF || kind == TL_SLOT_ELEM
                        || (p->flags & TL_SLOT_POINTER) || p->kind == TL_SLOT_DEREF;
  if (through_pointer && (p->kind == TL_SLOT_PARAM || (p->flags & TL_SLOT_LONGLIVED))
      && (p->flags & (TL_SLOT_POINTER | TL_SLOT_ARRAY)))
    child.flags |= TL_SLOT_LONGLIVED;
  if (ARENA_GROW(u->arena, self->slots, self->cap_slots, self->nslots, self->nslots + 1))
    return TL_ENOMEM;
  self->slots[self->nslots] = child;
  *out = self->nslots++;
  return 0;
}

static int push_id(tl_arena *a, uint32_t **arr, uint32_t *n, uint32_t *cap, uint32_t v) {
  if (arena_grow(a, (void **)arr, cap, *n, *n + 1, sizeof **arr)) return TL_ENOMEM;
  (*arr)[(*n)++] = v;
  return 0;
}

int tl_func_add_edge(struct tl_unit *u, struct tl_func *self, uint32_t from, uint32_t to) {
  if (from >= self->nblocks || to >= self->nblocks) return TL_EINVAL;
  struct tl_block *f = &self->blocks[from], *t = &self->blocks[to];
  /* Reserve both first so that a failure leaves the lists mirrored. */
  if (arena_grow(u->arena, (void **)&f->succs, &f->cap_succs, f->nsuccs, f->nsuccs + 1,
                 sizeof *f->succs)
      || arena_grow(u->arena, (void **)&t->preds, &t->cap_preds, t->npreds, t->npreds + 1,
                    sizeof *t->preds))
    return TL_ENOMEM;
  push_id(u->arena, &f->succs, &f->nsuccs, &f->cap_succs, to);
  push_id(u->arena, &t->preds, &t->npreds, &t->cap_preds, from);
  return 0;
}

static int copy_ids(tl_arena *a, tl_slot_id **dst, const tl_slot_id *src, uint32_t n) {
  *dst = NULL;
  if (!n) return 0;
  *dst = tl_arena_alloc(a, n * sizeof **dst);
  if (!*dst) return TL_ENOMEM;
  memcpy(*dst, src, n * sizeof **dst);
  return 0;
}

int tl_func_add_event(struct tl_unit *u, struct tl_func *self, uint32_t b,
                      const struct tl_event *ev) {
  if (b >= self->nblocks) return TL_EINVAL;
  struct tl_event copy = *ev;
  if (copy_ids(u->arena, &copy.uses, ev->uses, ev->nuses)) return TL_ENOMEM;
  if (ev->callee && !(copy.callee = tl_arena_strdup(u->arena, ev->callee))) return TL_ENOMEM;
  if (ev->fn_arg && !(copy.fn_arg = tl_arena_strdup(u->arena, ev->fn_arg))) return TL_ENOMEM;
  copy.args = NULL;
  if (ev->nargs && ev->args) {
    if (!(copy.args = tl_arena_alloc(u->arena, ev->nargs * sizeof *copy.args))) return TL_ENOMEM;
    memcpy(copy.args, ev->args, ev->nargs * sizeof *copy.args);
  } else {
    copy.nargs = 0;
  }
  struct tl_block *blk = &self->blocks[b];
  if (ARENA_GROW(u->arena, blk->events, blk->cap_events, blk->nevents, blk->nevents + 1))
    return TL_ENOMEM;
  blk->events[blk->nevents++] = copy;
  return 0;
}

int tl_func_set_term(struct tl_unit *u, struct tl_func *self, uint32_t b, enum tl_term term,
                     const struct tl_cond *cond) {
  if (b >= self->nblocks) return TL_EINVAL;
  struct tl_cond c = {0};
  if (cond) {
    c = *cond;
    if (copy_ids(u->arena, &c.uses, cond->uses, cond->nuses)) return TL_ENOMEM;
    if (cond->constant && !(c.constant = tl_arena_strdup(u->arena, cond->constant)))
      return TL_ENOMEM;
  }
  self->blocks[b].term = term;
  self->blocks[b].cond = c;
  return 0;
}

/* ---- verification --------------------------------------------------------------------- */

static int fail(char *buf, size_t len, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int fail(char *buf, size_t len, const char *fmt, ...) {
  if (buf && len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
  }
  return TL_EINVAL;
}

static uint32_t count_id(const uint32_t *ids, uint32_t n, uint32_t v) {
  uint32_t c = 0;
  for (uint32_t i = 0; i < n; i++) c += ids[i] == v;
  return c;
}

static int slot_ok(const struct tl_func *f, tl_slot_id s) { return s < f->nslots; }

int tl_func_verify(const struct tl_func *self, char *buf, size_t len) {
  const struct tl_func *f = self;
  if (buf && len) buf[0] = '\0';
  if (f->nblocks == 0) return fail(buf, len, "%s: no blocks", f->name);
  if (f->exit >= f->nblocks)
    return fail(buf, len, "%s: exit bb%" PRIu32 " out of range", f->name, f->exit);
  if (f->nslots == 0) return fail(buf, len, "%s: no slot 0", f->name);
  for (tl_slot_id s = 1; s < f->nslots; s++) {
    const struct tl_slot *sl = &f->slots[s];
    int child = sl->kind == TL_SLOT_FIELD || sl->kind == TL_SLOT_ELEM
                || sl->kind == TL_SLOT_DEREF;
    if (child && (sl->parent == TL_SLOT_NONE || sl->parent >= s))
      return fail(buf, len, "%s: slot %%%" PRIu32 " '%s' has bad parent %%%" PRIu32,
                  f->name, s, sl->name, sl->parent);
    if (!child && sl->parent != TL_SLOT_NONE)
      return fail(buf, len, "%s: slot %%%" PRIu32 " '%s' is not a child but has a parent",
                  f->name, s, sl->name);
  }
  for (uint32_t i = 0; i < f->nblocks; i++) {
    const struct tl_block *b = &f->blocks[i];
    if (b->id != i)
      return fail(buf, len, "%s: block %" PRIu32 " has id %" PRIu32, f->name, i, b->id);
    for (uint32_t k = 0; k < b->nsuccs; k++) {
      uint32_t s = b->succs[k];
      if (s >= f->nblocks)
        return fail(buf, len, "%s: bb%" PRIu32 " has successor %" PRIu32 " out of range",
                    f->name, i, s);
      if (count_id(b->succs, b->nsuccs, s) != count_id(f->blocks[s].preds,
                                                       f->blocks[s].npreds, i))
        return fail(buf, len, "%s: bb%" PRIu32 " -> bb%" PRIu32
                    " not mirrored in bb%" PRIu32 "'s preds", f->name, i, s, s);
    }
    for (uint32_t k = 0; k < b->npreds; k++) {
      uint32_t p = b->preds[k];
      if (p >= f->nblocks)
        return fail(buf, len, "%s: bb%" PRIu32 " has predecessor %" PRIu32 " out of range",
                    f->name, i, p);
      if (count_id(b->preds, b->npreds, p) != count_id(f->blocks[p].succs,
                                                       f->blocks[p].nsuccs, i))
        return fail(buf, len, "%s: bb%" PRIu32 " <- bb%" PRIu32
                    " not mirrored in bb%" PRIu32 "'s succs", f->name, i, p, p);
    }
    if (i == f->exit && b->nsuccs != 0)
      return fail(buf, len, "%s: exit bb%" PRIu32 " has successors", f->name, i);
    switch (b->term) {
    case TL_TERM_GOTO:
      if (i != f->exit && b->nsuccs != 1)
        return fail(buf, len, "%s: goto bb%" PRIu32 " has %" PRIu32 " successors", f->name,
                    i, b->nsuccs);
      break;
    case TL_TERM_BRANCH:
      if (b->nsuccs != 2)
        return fail(buf, len, "%s: branch bb%" PRIu32 " has %" PRIu32 " successors",
                    f->name, i, b->nsuccs);
      break;
    case TL_TERM_SWITCH:
      if (b->nsuccs == 0)
        return fail(buf, len, "%s: switch bb%" PRIu32 " has no successors", f->name, i);
      break;
    case TL_TERM_RETURN:
      if (b->nsuccs != 1 || b->succs[0] != f->exit)
        return fail(buf, len, "%s: return bb%" PRIu32 " must jump to the exit only",
                    f->name, i);
      if (b->nevents == 0 || b->events[b->nevents - 1].kind != TL_EV_RETURN)
        return fail(buf, len, "%s: return bb%" PRIu32 " does not end with RETURN", f->name,
                    i);
      break;
    default:
      return fail(buf, len, "%s: bb%" PRIu32 " has a bad terminator", f->name, i);
    }
    if (b->term == TL_TERM_BRANCH || b->term == TL_TERM_SWITCH) {
      if (!slot_ok(f, b->cond.slot))
        return fail(buf, len, "%s: bb%" PRIu32 " condition slot out of range", f->name, i);
      for (uint32_t k = 0; k < b->cond.nuses; k++)
        if (!slot_ok(f, b->cond.uses[k]))
          return fail(buf, len, "%s: bb%" PRIu32 " condition use out of range", f->name, i);
    }
    for (uint32_t e = 0; e < b->nevents; e++) {
      const struct tl_event *ev = &b->events[e];
      if ((unsigned)ev->kind >= TL_EV__COUNT)
        return fail(buf, len, "%s: bb%" PRIu32 " event %" PRIu32 " has a bad kind", f->name,
                    i, e);
      if (!slot_ok(f, ev->ticket) || !slot_ok(f, ev->dst) || !slot_ok(f, ev->aux) ||
          !slot_ok(f, ev->owner) || !slot_ok(f, ev->offset))
        return fail(buf, len, "%s: bb%" PRIu32 " event %" PRIu32 " (%s): slot out of range",
                    f->name, i, e, tl_ev_name(ev->kind));
      for (uint32_t k = 0; k < ev->nuses; k++)
        if (!slot_ok(f, ev->uses[k]))
          return fail(buf, len, "%s: bb%" PRIu32 " event %" PRIu32 " (%s): use out of range",
                      f->name, i, e, tl_ev_name(ev->kind));
      if (ev->kind == TL_EV_RETURN && !(b->term == TL_TERM_RETURN && e == b->nevents - 1))
        return fail(buf, len, "%s: bb%" PRIu32 ": RETURN is not the block's last event of a "
                    "return block", f->name, i);
    }
  }
  if (f->idom && f->idom[0] != 0)
    return fail(buf, len, "%s: idom[entry] is not the entry", f->name);
  for (uint32_t l = 0; l < f->nloops; l++) {
    const struct tl_loop *lp = &f->loops[l];
    uint32_t k = 0;
    while (k < lp->nblocks && lp->blocks[k] != lp->header) k++;
    if (k == lp->nblocks)
      return fail(buf, len, "%s: loop %" PRIu32 " does not contain its header", f->name, l);
    if (lp->parent > f->nloops || lp->parent == l + 1)
      return fail(buf, len, "%s: loop %" PRIu32 " has a bad parent", f->name, l);
  }
  return 0;
}

/* ---- printing ------------------------------------------------------------------------- */

static const char *const slot_kind_names[] = {
  [TL_SLOT_LOCAL] = "local", [TL_SLOT_PARAM] = "param", [TL_SLOT_GLOBAL] = "global",
  [TL_SLOT_FIELD] = "field", [TL_SLOT_ELEM] = "elem",   [TL_SLOT_DEREF] = "deref",
  [TL_SLOT_TEMP] = "temp",
};

static const char *const slot_flag_names[] = {
  "ticket", "array", "pointer", "addr", "static", "longlived", "shared",
};

static const char *const ev_flag_names[] = {
  "discarded", "void-cast", "lends", "fills", "status-discarded", "const", "null", "in-cond",
  "compare", "cast", "arith", "timer", "offload", "macro", "noreturn", "not-ticket", "nonzero",
  "runs-loop", "nonzero-var", "fixed-buffer", "zero-if-zero", "addr-of", "scalar",
};

static const char *const fn_flag_names[] = {
  "async-marked", "async-passed", "callback", "offloaded", "static", "addr-taken",
  "undeclared", "only-offloaded",
};

static const char *const cmp_names[] = {
  [TL_CMP_NONE] = "?", [TL_CMP_NONZERO] = "nonzero", [TL_CMP_ZERO] = "zero",
  [TL_CMP_EQ] = "==",  [TL_CMP_NE] = "!=", [TL_CMP_LT] = "<", [TL_CMP_LE] = "<=",
  [TL_CMP_GT] = ">",   [TL_CMP_GE] = ">=",
};

/* " [a,b]" for the set bits of flags, nothing when none is set. */
static void dump_flags(FILE *out, uint32_t flags, const char *const *names, size_t n) {
  const char *sep = " [";
  for (size_t i = 0; i < 32; i++) {
    if (!(flags & (1u << i))) continue;
    if (i < n) fprintf(out, "%s%s", sep, names[i]);
    else fprintf(out, "%sbit%zu", sep, i);
    sep = ",";
  }
  if (sep[0] == ',') fputc(']', out);
}

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void dump_slot_ref(FILE *out, const struct tl_func *f, tl_slot_id s) {
  if (s < f->nslots) fprintf(out, "%%%" PRIu32 ":%s", s, f->slots[s].name);
  else fprintf(out, "%%%" PRIu32 ":?", s);
}

static void dump_uses(FILE *out, const struct tl_func *f, const tl_slot_id *uses, uint32_t n) {
  if (!n) return;
  fputs(" uses(", out);
  for (uint32_t i = 0; i < n; i++) {
    if (i) fputc(' ', out);
    dump_slot_ref(out, f, uses[i]);
  }
  fputc(')', out);
}

static void dump_ids(FILE *out, const char *what, const uint32_t *ids, uint32_t n) {
  fprintf(out, " %s(", what);
  for (uint32_t i = 0; i < n; i++) fprintf(out, "%sbb%" PRIu32, i ? " " : "", ids[i]);
  fputc(')', out);
}

static void dump_cond(FILE *out, const struct tl_func *f, const struct tl_cond *c) {
  fprintf(out, "key=%" PRIu32, c->key);
  if (c->cmp != TL_CMP_NONE && (unsigned)c->cmp < NELEMS(cmp_names)) {
    fputc(' ', out);
    dump_slot_ref(out, f, c->slot);
    fprintf(out, " %s", cmp_names[c->cmp]);
    if (c->cmp != TL_CMP_NONZERO && c->cmp != TL_CMP_ZERO) {
      if (c->constant) fprintf(out, " %s", c->constant);
      else fprintf(out, " %lld", c->value);
    }
  }
  dump_uses(out, f, c->uses, c->nuses);
}

static void dump_event(FILE *out, const struct tl_func *f, const struct tl_event *ev) {
  fprintf(out, "    %" PRIu32 ":%" PRIu32 " %s", ev->loc.line, ev->loc.col,
          tl_ev_name(ev->kind));
  if (ev->ticket) { fputs(" ticket=", out); dump_slot_ref(out, f, ev->ticket); }
  if (ev->dst)    { fputs(" dst=", out);    dump_slot_ref(out, f, ev->dst); }
  if (ev->aux)    { fputs(" aux=", out);    dump_slot_ref(out, f, ev->aux); }
  if (ev->owner)  { fputs(" owner=", out);  dump_slot_ref(out, f, ev->owner); }
  if (ev->offset) { fputs(" offset=", out); dump_slot_ref(out, f, ev->offset); }
  dump_uses(out, f, ev->uses, ev->nuses);
  if (ev->callee) fprintf(out, " callee=%s", ev->callee);
  if (ev->fn_arg) fprintf(out, " fn=%s", ev->fn_arg);
  if (ev->model) fprintf(out, " model=%s", ev->model->model ? ev->model->model : "?");
  dump_flags(out, ev->flags, ev_flag_names, NELEMS(ev_flag_names));
  fputc('\n', out);
}

static void dump_term(FILE *out, const struct tl_func *f, const struct tl_block *b) {
  fputs("    ", out);
  switch (b->term) {
  case TL_TERM_GOTO:
    if (b->nsuccs) fprintf(out, "goto bb%" PRIu32 "\n", b->succs[0]);
    else fputs("end\n", out);
    return;
  case TL_TERM_BRANCH:
    fputs("branch ", out);
    dump_cond(out, f, &b->cond);
    fputs(" ?", out);
    for (uint32_t i = 0; i < b->nsuccs; i++)
      fprintf(out, "%s bb%" PRIu32, i ? " :" : "", b->succs[i]);
    fputc('\n', out);
    return;
  case TL_TERM_SWITCH:
    fputs("switch ", out);
    dump_cond(out, f, &b->cond);
    fputs(" ->", out);
    for (uint32_t i = 0; i < b->nsuccs; i++) fprintf(out, " bb%" PRIu32, b->succs[i]);
    fputc('\n', out);
    return;
  case TL_TERM_RETURN:
    fputs("return", out);
    for (uint32_t i = 0; i < b->nsuccs; i++) fprintf(out, " -> bb%" PRIu32, b->succs[i]);
    fputc('\n', out);
    return;
  }
  fputs("?\n", out);
}

void tl_func_dump(const struct tl_func *self, FILE *out) {
  const struct tl_func *f = self;
  fprintf(out, "func %s %s:%" PRIu32 ":%" PRIu32, f->name, f->file ? f->file : "-",
          f->loc.line, f->loc.col);
  dump_flags(out, f->flags, fn_flag_names, NELEMS(fn_flag_names));
  fputc('\n', out);
  for (tl_slot_id s = 1; s < f->nslots; s++) {
    const struct tl_slot *sl = &f->slots[s];
    fprintf(out, "  slot %%%" PRIu32 " %s '%s'", s,
            (unsigned)sl->kind < NELEMS(slot_kind_names) ? slot_kind_names[sl->kind] : "?",
            sl->name);
    if (sl->parent) fprintf(out, " parent=%%%" PRIu32, sl->parent);
    dump_flags(out, sl->flags, slot_flag_names, NELEMS(slot_flag_names));
    fputc('\n', out);
  }
  for (uint32_t i = 0; i < f->nblocks; i++) {
    const struct tl_block *b = &f->blocks[i];
    fprintf(out, "  bb%" PRIu32 ":", i);
    if (i == 0) fputs(" entry", out);
    if (i == f->exit) fputs(" exit", out);
    dump_ids(out, "preds", b->preds, b->npreds);
    if (f->idom) {
      if (f->idom[i] == UINT32_MAX) fputs(" idom=-", out);
      else fprintf(out, " idom=bb%" PRIu32, f->idom[i]);
    }
    fputc('\n', out);
    for (uint32_t e = 0; e < b->nevents; e++) dump_event(out, f, &b->events[e]);
    dump_term(out, f, b);
  }
  for (uint32_t l = 0; l < f->nloops; l++) {
    const struct tl_loop *lp = &f->loops[l];
    fprintf(out, "  loop %" PRIu32 ": header=bb%" PRIu32, l, lp->header);
    if (lp->parent) fprintf(out, " parent=%" PRIu32, lp->parent - 1);
    dump_ids(out, "blocks", lp->blocks, lp->nblocks);
    fputc('\n', out);
  }
}
