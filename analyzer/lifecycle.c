/* lifecycle.c — the ticket-lifecycle lattice and its transfer (lifecycle.h).
 *
 * Not done here: path sensitivity (the engine's ESP handles correlated branches), and any
 * index reasoning on arrays (element slots are summaries, see lifecycle.h). */
#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

#include "asyncctx.h"
#include "deps.h"
#include "summary.h"
#include "tl_errno.h"

#define HANDED_IN (TL_LC_COLLECTED | TL_LC_DETACHED)

struct tl_lc tl_lc_of(struct tl_rctx *cx, void *facts) {
  struct tl_lc lc = { tl_rctx_func(cx), cx, facts, tl_rctx_unit(cx) };
  return lc;
}

struct tl_lc_fact *tl_lc_fact(const struct tl_lc *lc, tl_slot_id s) {
  if (lc->cx) return TL_FACT(lc->cx, lc->facts, struct tl_lc_fact, s);
  return (struct tl_lc_fact *)lc->facts + s;
}

/* ---- the lattice ----------------------------------------------------------------------- */

/* 1 when a sorts before b: by source position, then by address (stable within a run). */
static int loc_before(const struct tl_loc *a, const struct tl_loc *b) {
  if (a->line != b->line) return a->line < b->line;
  if (a->col != b->col) return a->col < b->col;
  if (a->end_line != b->end_line) return a->end_line < b->end_line;
  if (a->end_col != b->end_col) return a->end_col < b->end_col;
  return (uintptr_t)a < (uintptr_t)b;
}

static const struct tl_event *pick_event(const struct tl_event *a, const struct tl_event *b) {
  if (!a) return b;
  if (!b) return a;
  return loc_before(&b->loc, &a->loc) ? b : a;
}

static const struct tl_loc *pick_loc(const struct tl_loc *a, const struct tl_loc *b) {
  if (!a) return b;
  if (!b) return a;
  return loc_before(b, a) ? b : a;
}

void tl_lc_fact_join(struct tl_lc_fact *dst, const struct tl_lc_fact *src) {
  dst->states |= src->states;
  dst->origin = pick_event(dst->origin, src->origin);
  dst->collect = pick_event(dst->collect, src->collect);
  const struct tl_loc *u = pick_loc(dst->unissued, src->unissued);
  if (u != dst->unissued) dst->why = src->why;
  dst->unissued = u;
}

void tl_lc_fact_set(struct tl_lc_fact *f, uint32_t states) {
  f->states = states;
  if (!(states & TL_LC_PENDING)) f->origin = NULL;
  if (!(states & HANDED_IN)) f->collect = NULL;
  if (!(states & TL_LC_NOT_ISSUED)) {
    f->unissued = NULL;
    f->why = TL_LC_WHY_NONE;
  }
}

const char *tl_lc_states_name(uint32_t states, char *buf, size_t len) {
  static const char *const names[] = { "NOT_ISSUED", "PENDING", "COLLECTED", "DETACHED",
                                       "ESCAPED", "UNKNOWN", "INACTIVE" };
  size_t at = 0;
  if (len == 0) return buf;
  buf[0] = '\0';
  if (states == 0) {
    snprintf(buf, len, "bottom");
    return buf;
  }
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(states & (1u << i))) continue;
    int n = snprintf(buf + at, len - at, "%s%s", at ? "|" : "", names[i]);
    if (n < 0 || (size_t)n >= len - at) break;
    at += (size_t)n;
  }
  return buf;
}

/* ---- slots ----------------------------------------------------------------------------- */

int tl_lc_slot_owned(const struct tl_func *fn, tl_slot_id s) {
  while (s != TL_SLOT_NONE && s < fn->nslots) {
    const struct tl_slot *sl = &fn->slots[s];
    if (sl->flags & (TL_SLOT_STATIC | TL_SLOT_LONGLIVED)) return 0;
    switch (sl->kind) {
    case TL_SLOT_LOCAL:
    case TL_SLOT_TEMP:
      return 1;
    case TL_SLOT_FIELD:
    case TL_SLOT_ELEM:
      if (sl->parent >= s || (fn->slots[sl->parent].flags & TL_SLOT_POINTER)) return 0;
      s = sl->parent;
      break;
    default:                            /* PARAM, GLOBAL, DEREF */
      return 0;
    }
  }
  return 0;
}

int tl_lc_slot_summary(const struct tl_func *fn, tl_slot_id s) {
  while (s != TL_SLOT_NONE && s < fn->nslots) {
    const struct tl_slot *sl = &fn->slots[s];
    if (sl->kind == TL_SLOT_ELEM) return 1;
    if (sl->parent >= s) return 0;
    s = sl->parent;
  }
  return 0;
}

int tl_lc_slot_in_summary(const struct tl_func *fn, tl_slot_id s) {
  if (s == TL_SLOT_NONE || s >= fn->nslots) return 0;
  tl_slot_id p = fn->slots[s].parent;
  return p != TL_SLOT_NONE && p < s && tl_lc_slot_summary(fn, p);
}

int tl_lc_slot_ever_started(const struct tl_func *fn, tl_slot_id s) {
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if (ev->kind == TL_EV_START && ev->ticket && tl_lc_slot_within(fn, ev->ticket, s))
        return 1;
    }
  return 0;
}

int tl_lc_slot_within(const struct tl_func *fn, tl_slot_id s, tl_slot_id anc) {
  if (anc == TL_SLOT_NONE) return 0;
  while (s != TL_SLOT_NONE && s < fn->nslots) {
    if (s == anc) return 1;
    tl_slot_id p = fn->slots[s].parent;
    if (p >= s) return 0;
    s = p;
  }
  return 0;
}

/* ---- transfer -------------------------------------------------------------------------- */

void tl_lc_init_facts(const struct tl_lc *lc) {
  for (tl_slot_id s = 1; s < lc->fn->nslots; s++) {
    struct tl_lc_fact *f = tl_lc_fact(lc, s);
    memset(f, 0, sizeof *f);
    /* A temporary exists only once its call ran: nothing to say before that. Slots that
     * are not tickets (the struct around a ticket field) say nothing either. */
    if (tl_lc_slot_owned(lc->fn, s) && (lc->fn->slots[s].flags & TL_SLOT_TICKET) &&
        lc->fn->slots[tl_slot_root(lc->fn, s)].kind != TL_SLOT_TEMP) {
      f->states = TL_LC_NOT_ISSUED;
      f->unissued = &lc->fn->slots[s].decl;
      f->why = TL_LC_WHY_DECL;
    } else {
      f->states = TL_LC_UNKNOWN;
    }
  }
}

/* Every slot within `anc` (itself and what lies inside it) becomes exactly `states`. */
static void set_within(const struct tl_lc *lc, tl_slot_id anc, uint32_t states,
                       const struct tl_loc *unissued, enum tl_lc_why why) {
  if (anc == TL_SLOT_NONE || anc >= lc->fn->nslots) return;
  for (tl_slot_id s = anc; s < lc->fn->nslots; s++) {
    if (!tl_lc_slot_within(lc->fn, s, anc)) continue;
    struct tl_lc_fact *f = tl_lc_fact(lc, s);
    tl_lc_fact_set(f, states);
    if (states & TL_LC_NOT_ISSUED) {
      f->unissued = unissued;
      f->why = why;
    }
  }
}

/* A reusable ticket: inactive, or active from a `persistent` start (lifecycle.h). */
static int reusable(const struct tl_lc_fact *f) {
  return (f->states & TL_LC_INACTIVE) ||
         ((f->states & TL_LC_PENDING) && f->origin && f->origin->model &&
          f->origin->model->persistent);
}

/* Slot s is handed in (`state` COLLECTED or DETACHED, with event ev) or escapes (ESCAPED):
 * a strong update; every alias (a slot PENDING with the same origin) follows weakly. A
 * reusable ticket that is collected becomes INACTIVE instead. */
static void hand_in(const struct tl_lc *lc, tl_slot_id s, uint32_t state,
                    const struct tl_event *ev) {
  if (s == TL_SLOT_NONE || s >= lc->fn->nslots) return;
  struct tl_lc_fact *f = tl_lc_fact(lc, s);
  const struct tl_event *origin = (f->states & TL_LC_PENDING) ? f->origin : NULL;
  if (state == TL_LC_COLLECTED && reusable(f)) state = TL_LC_INACTIVE;
  tl_lc_fact_set(f, state);
  if (state & HANDED_IN) f->collect = ev;
  if (!origin) return;
  for (tl_slot_id y = 1; y < lc->fn->nslots; y++) {
    struct tl_lc_fact *a = tl_lc_fact(lc, y);
    if (y == s || !(a->states & TL_LC_PENDING) || a->origin != origin) continue;
    tl_lc_fact_set(a, (a->states & ~(uint32_t)TL_LC_PENDING) | state);
    if (state & HANDED_IN) a->collect = pick_event(a->collect, ev);
  }
}

static void hand_in_within(const struct tl_lc *lc, tl_slot_id anc, uint32_t state,
                           const struct tl_event *ev) {
  if (anc == TL_SLOT_NONE || anc >= lc->fn->nslots) return;
  for (tl_slot_id s = anc; s < lc->fn->nslots; s++)
    if (tl_lc_slot_within(lc->fn, s, anc)) hand_in(lc, s, state, ev);
}

/* The name of s relative to its ancestor anc ("s.req" under "s" -> ".req"), or NULL. */
static const char *relative_name(const struct tl_func *fn, tl_slot_id s, tl_slot_id anc) {
  const char *n = fn->slots[s].name, *a = fn->slots[anc].name;
  size_t la = a ? strlen(a) : 0;
  if (!n || !a || strncmp(n, a, la) != 0) return NULL;
  return n + la;
}

/* dst = src: dst (and what lies inside it) takes src's facts, field by field. */
static void assign_copy(const struct tl_lc *lc, tl_slot_id dst, tl_slot_id src) {
  const struct tl_func *fn = lc->fn;
  if (dst == src) return;
  for (tl_slot_id d = dst; d < fn->nslots; d++) {
    if (!tl_lc_slot_within(fn, d, dst)) continue;
    const char *rel = d == dst ? "" : relative_name(fn, d, dst);
    tl_slot_id from = TL_SLOT_NONE;
    for (tl_slot_id s = src; rel && s < fn->nslots && from == TL_SLOT_NONE; s++) {
      if (!tl_lc_slot_within(fn, s, src)) continue;
      const char *r = s == src ? "" : relative_name(fn, s, src);
      if (r && strcmp(r, rel) == 0) from = s;
    }
    if (from != TL_SLOT_NONE) *tl_lc_fact(lc, d) = *tl_lc_fact(lc, from);
    else tl_lc_fact_set(tl_lc_fact(lc, d), TL_LC_UNKNOWN);
  }
}

static int is_ticket(const struct tl_func *fn, tl_slot_id s) {
  return s != TL_SLOT_NONE && s < fn->nslots && (fn->slots[s].flags & TL_SLOT_TICKET);
}

/* The only ticket slot strictly inside d, or NONE when there are none or several. */
static tl_slot_id only_ticket_inside(const struct tl_func *fn, tl_slot_id d) {
  tl_slot_id found = TL_SLOT_NONE;
  for (tl_slot_id s = d + 1; s < fn->nslots; s++) {
    if (!is_ticket(fn, s) || !tl_lc_slot_within(fn, s, d)) continue;
    if (found) return TL_SLOT_NONE;
    found = s;
  }
  return found;
}

/* 1 when ev, an assignment or a return, only reads through the pointer ticket t (`int n =
 * cqe->res;`, `return cqe->res;`, `struct io_uring_cqe c = *cqe;`): it also reads a slot
 * inside t, and what it writes (the destination, no pointer, array or ticket; the value a
 * return gives, TL_F_SCALAR) cannot hold t itself. The ticket is dereferenced, not copied:
 * it stays where it was (a copy into an integer, `x = (uintptr_t)cqe`, still escapes). */
static int read_through(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id t) {
  if (t == TL_SLOT_NONE || t >= fn->nslots || !(fn->slots[t].flags & TL_SLOT_POINTER))
    return 0;
  if (ev->kind == TL_EV_RETURN ? !(ev->flags & TL_F_SCALAR)
                               : (fn->slots[ev->dst].flags &
                                  (TL_SLOT_POINTER | TL_SLOT_ARRAY | TL_SLOT_TICKET)))
    return 0;
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (ev->uses[i] != t && ev->uses[i] < fn->nslots && tl_lc_slot_within(fn, ev->uses[i], t))
      return 1;
  return 0;
}

/* `t2 = t` and `s2 = s` copy; `struct order o = { "ada", t }` puts t into o's only ticket
 * field; anything else we cannot follow makes dst unknown and the tickets it reads escape
 * (held by dst somewhere we do not track). */
static void apply_assign(const struct tl_lc *lc, const struct tl_event *ev) {
  const struct tl_func *fn = lc->fn;
  tl_slot_id d = ev->dst;
  if (d == TL_SLOT_NONE || d >= fn->nslots) return;
  if ((ev->flags & TL_F_NULL) && (fn->slots[d].flags & TL_SLOT_POINTER) && !is_ticket(fn, d)) {
    /* `MPI_Request *reqs = 0`: a null pointer to tickets points at none, and no ticket is
     * unissued (waiting for zero of them is fine, more is a null dereference). */
    set_within(lc, d, TL_LC_UNKNOWN, NULL, TL_LC_WHY_NONE);
    return;
  }
  if (ev->flags & TL_F_NULL) {
    set_within(lc, d, TL_LC_NOT_ISSUED, &ev->loc, TL_LC_WHY_NULL);
    return;
  }
  if (ev->flags & TL_F_CONST) {
    set_within(lc, d, TL_LC_UNKNOWN, NULL, TL_LC_WHY_NONE);
    return;
  }
  if ((fn->slots[d].flags & TL_SLOT_POINTER) && !is_ticket(fn, d) && ev->nuses == 1 &&
      ev->uses[0] == d) {
    /* `p++`, `p += n`: what lies behind p (`p->req`, `*p`) is other memory from here on. */
    for (tl_slot_id s = d + 1; s < fn->nslots; s++)
      if (tl_lc_slot_within(fn, s, d)) tl_lc_fact_set(tl_lc_fact(lc, s), TL_LC_UNKNOWN);
    return;
  }
  tl_slot_id src = TL_SLOT_NONE, field = TL_SLOT_NONE;
  uint32_t ntickets = 0;
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (is_ticket(fn, ev->uses[i]) && ev->uses[i] != d) {
      src = ev->uses[i];
      ntickets++;
    }
  if (ev->nuses == 1 && ev->uses[0] < fn->nslots && ev->uses[0] != TL_SLOT_NONE &&
      is_ticket(fn, d) == is_ticket(fn, ev->uses[0])) {
    assign_copy(lc, d, ev->uses[0]);
    return;
  }
  if (ntickets == 1 && !is_ticket(fn, d)) field = only_ticket_inside(fn, d);
  const struct tl_lc_fact from = src ? *tl_lc_fact(lc, src) : (struct tl_lc_fact){0};
  set_within(lc, d, TL_LC_UNKNOWN, NULL, TL_LC_WHY_NONE);
  if (field) {
    *tl_lc_fact(lc, field) = from;
    return;
  }
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (is_ticket(fn, ev->uses[i]) && ev->uses[i] != d && !read_through(fn, ev, ev->uses[i]))
      hand_in(lc, ev->uses[i], TL_LC_ESCAPED, NULL);
}

/* An unmodelled call: what lies inside its arguments may be started, awaited or kept by the
 * callee (`conn_start(&c)`, `conn_finish(c)`); its result is unknown. */
static void apply_call(const struct tl_lc *lc, const struct tl_event *ev) {
  const struct tl_func *fn = lc->fn;
  if (ev->flags & TL_F_NORETURN) {
    for (tl_slot_id s = 1; s < fn->nslots; s++) tl_lc_fact_set(tl_lc_fact(lc, s), 0);
    return;
  }
  if (ev->model && ev->model->event == TL_ME_FREE && ev->aux != TL_SLOT_NONE)
    for (tl_slot_id s = 1; s < fn->nslots; s++) {      /* freeing the owner releases its tickets */
      const struct tl_lc_fact *f = tl_lc_fact(lc, s);
      if ((f->states & TL_LC_PENDING) && f->origin && f->origin->owner &&
          tl_lc_slot_within(fn, f->origin->owner, ev->aux))
        hand_in(lc, s, TL_LC_DETACHED, ev);
    }
  if (ev->model && ev->model->event == TL_ME_REAP && ev->owner != TL_SLOT_NONE)
    for (tl_slot_id s = 1; s < fn->nslots; s++) {      /* reaping the owner collects them */
      const struct tl_lc_fact *f = tl_lc_fact(lc, s);
      if ((f->states & TL_LC_PENDING) && f->origin && f->origin->owner &&
          tl_lc_slot_within(fn, f->origin->owner, ev->owner))
        hand_in(lc, s, TL_LC_COLLECTED, ev);
    }
  for (uint32_t i = 0; i < ev->nuses; i++) {
    tl_slot_id u = ev->uses[i];
    if (u == TL_SLOT_NONE || u >= fn->nslots) continue;
    for (tl_slot_id s = u + 1; s < fn->nslots; s++) {
      if (!tl_lc_slot_within(fn, s, u)) continue;
      struct tl_lc_fact *f = tl_lc_fact(lc, s);
      const struct tl_lc_fact was = *f;
      uint32_t st = was.states;
      if (!(st & (TL_LC_NOT_ISSUED | TL_LC_PENDING))) continue;
      if (st & TL_LC_NOT_ISSUED) st = (st & ~(uint32_t)TL_LC_NOT_ISSUED) | TL_LC_UNKNOWN;
      if (st & TL_LC_PENDING) {
        hand_in(lc, s, TL_LC_ESCAPED, NULL);     /* its aliases escape with it */
        st = (st & ~(uint32_t)TL_LC_PENDING) | TL_LC_ESCAPED;
      }
      f->collect = was.collect;
      tl_lc_fact_set(f, st);
    }
  }
  if (ev->dst == TL_SLOT_NONE || ev->dst >= fn->nslots) return;
  set_within(lc, ev->dst, TL_LC_UNKNOWN, NULL, TL_LC_WHY_NONE);
}

static void apply_return(const struct tl_lc *lc, const struct tl_event *ev) {
  hand_in_within(lc, ev->ticket, TL_LC_ESCAPED, ev);
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (!read_through(lc->fn, ev, ev->uses[i]))
      hand_in_within(lc, ev->uses[i], TL_LC_ESCAPED, ev);
}

/* An await that only works inside async functions (model `suspends`), in a function that
 * runs outside any: main, a loop callback, a worker function, or a helper some caller of
 * which is not async (the unit's async context, asyncctx.h). It returns at once
 * (TK_ENOTASYNC) and the ticket stays uncollected; the code usually hands it in some other
 * way on that error path. A function nothing in the unit calls may be called from async
 * code elsewhere: its awaits collect. Without an engine context (unit tests on bare facts)
 * only the function's own flags and name are looked at. */
static int await_outside_async(const struct tl_lc *lc, const struct tl_event *ev) {
  const struct tl_func *fn = lc->fn;
  const struct tl_summary *s = tl_summary_of_model(ev->model);
  if (s) {
    /* A helper that awaits its argument (summary.h): its own await decides, in the
     * helper's context. */
    const struct tl_event *via = s->via;
    uint32_t f = s->fn;
    for (int depth = 0; depth < 16 && via && tl_summary_of_model(via->model); depth++) {
      f = tl_summary_of_model(via->model)->fn;
      via = tl_summary_of_model(via->model)->via;
    }
    if (!via || !via->model || !via->model->suspends || !lc->cx) return 0;
    const struct tl_asyncctx *ac = tl_asyncctx_of(lc->cx);
    const struct tl_actx_fn *a = ac && f < ac->nfuncs ? &ac->fns[f] : NULL;
    return a && !a->async && a->why != TL_ACTX_UNCALLED;
  }
  if (!ev->model || !ev->model->suspends) return 0;
  if (fn->flags & (TL_FN_ASYNC_MARKED | TL_FN_ASYNC_PASSED)) return 0;
  const struct tl_actx_fn *a = lc->cx ? tl_asyncctx_fn(tl_asyncctx_of(lc->cx), fn) : NULL;
  if (a) return !a->async && a->why != TL_ACTX_UNCALLED;
  return (fn->flags & (TL_FN_CALLBACK | TL_FN_OFFLOADED)) ||
         (fn->name && strcmp(fn->name, "main") == 0);
}

/* An await-all of `some` of the array (MPI_Waitany): each element within anc that was
 * pending or inactive may now be collected too (a weak update); the others are ignored. */
static void some_handed_in(const struct tl_lc *lc, tl_slot_id anc, const struct tl_event *ev) {
  if (anc == TL_SLOT_NONE || anc >= lc->fn->nslots) return;
  for (tl_slot_id s = anc; s < lc->fn->nslots; s++) {
    if (!tl_lc_slot_within(lc->fn, s, anc)) continue;
    struct tl_lc_fact *f = tl_lc_fact(lc, s);
    if (!(f->states & TL_LC_PENDING)) continue;
    f->states |= reusable(f) ? TL_LC_INACTIVE : TL_LC_COLLECTED;
    f->collect = ev;
  }
}

/* Every slot within anc may also have been given away: a weak update. */
static void maybe_escaped_within(const struct tl_lc *lc, tl_slot_id anc) {
  if (anc == TL_SLOT_NONE || anc >= lc->fn->nslots) return;
  for (tl_slot_id s = anc; s < lc->fn->nslots; s++)
    if (tl_lc_slot_within(lc->fn, s, anc)) tl_lc_fact(lc, s)->states |= TL_LC_ESCAPED;
}

/* The event loop runs here (model `runs-loop`: uv_run, g_main_loop_run): the operations
 * started before it with a callback (model `callback=`) complete in it, and their callbacks
 * hand their tickets in (uv_fs_req_cleanup, *_finish). Running the loop is how a function
 * waits for them; the tickets are now the loop's: ESCAPED where they were PENDING. */
static void loop_runs_callbacks(const struct tl_lc *lc) {
  for (tl_slot_id s = 1; s < lc->fn->nslots; s++) {
    struct tl_lc_fact *f = tl_lc_fact(lc, s);
    if ((f->states & TL_LC_PENDING) && f->origin && f->origin->model &&
        f->origin->model->callback.index != TL_ARG_NONE)
      tl_lc_fact_set(f, (f->states & ~(uint32_t)TL_LC_PENDING) | TL_LC_ESCAPED);
  }
}

/* 1 when function f of the unit runs the event loop itself, or through a function of the
 * unit it calls (depth levels down). */
static int func_runs_loop(const struct tl_unit *u, uint32_t f, int depth) {
  const struct tl_func *fn = &u->funcs[f];
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; e < fn->blocks[b].nevents; e++) {
      const struct tl_event *ev = &fn->blocks[b].events[e];
      if (ev->flags & TL_F_RUNS_LOOP) return 1;
      if (depth > 0 && ev->kind == TL_EV_CALL && ev->callee && !ev->model) {
        uint32_t g = tl_unit_find_func(u, ev->callee);
        if (g < u->nfuncs && g != f && func_runs_loop(u, g, depth - 1)) return 1;
      }
    }
  return 0;
}

int tl_lc_runs_loop(const struct tl_unit *unit, const struct tl_event *ev) {
  if (ev->flags & TL_F_RUNS_LOOP) return 1;
  if (!unit || ev->kind != TL_EV_CALL || !ev->callee || ev->model) return 0;
  uint32_t f = tl_unit_find_func(unit, ev->callee);
  return f < unit->nfuncs && func_runs_loop(unit, f, 2);
}

void tl_lc_apply(const struct tl_lc *lc, const struct tl_event *ev) {
  const struct tl_func *fn = lc->fn;
  if (tl_lc_runs_loop(lc->unit, ev)) loop_runs_callbacks(lc);
  if ((ev->kind == TL_EV_AWAIT || ev->kind == TL_EV_AWAIT_ALL) && await_outside_async(lc, ev)) {
    maybe_escaped_within(lc, ev->ticket);
    return;
  }
  switch (ev->kind) {
  case TL_EV_START:
    if (ev->ticket != TL_SLOT_NONE && ev->ticket < fn->nslots) {
      struct tl_lc_fact *f = tl_lc_fact(lc, ev->ticket);
      tl_lc_fact_set(f, TL_LC_PENDING);
      f->origin = ev;
    }
    return;
  case TL_EV_CREATE:
    if (ev->ticket != TL_SLOT_NONE && ev->ticket < fn->nslots)
      tl_lc_fact_set(tl_lc_fact(lc, ev->ticket), TL_LC_INACTIVE);
    break;
  case TL_EV_AWAIT:
  case TL_EV_CONSUME:
    hand_in(lc, ev->ticket, TL_LC_COLLECTED, ev);
    break;
  case TL_EV_AWAIT_ALL:
    if (ev->model && ev->model->some) {
      some_handed_in(lc, ev->ticket, ev);
      return;
    }
    hand_in_within(lc, ev->ticket, TL_LC_COLLECTED, ev);
    break;
  case TL_EV_DETACH:
    hand_in(lc, ev->ticket, TL_LC_DETACHED, ev);
    break;
  case TL_EV_ESCAPE:
    hand_in_within(lc, ev->ticket, TL_LC_ESCAPED, ev);
    break;
  case TL_EV_RETURN:
    apply_return(lc, ev);
    return;
  case TL_EV_SCOPE_END:            /* the local is gone: nothing more is known of it */
    if (ev->dst != TL_SLOT_NONE && ev->dst < fn->nslots)
      set_within(lc, ev->dst, TL_LC_UNKNOWN, NULL, TL_LC_WHY_NONE);
    return;
  case TL_EV_ASSIGN:
    apply_assign(lc, ev);
    return;
  case TL_EV_CALL:
    apply_call(lc, ev);
    return;
  default:
    break;
  }
  /* Any other write of a ticket slot (an await's value, a poll's flag) is an unknown value. */
  if (ev->dst != TL_SLOT_NONE && ev->dst < fn->nslots && ev->dst != ev->ticket &&
      (fn->slots[ev->dst].flags & TL_SLOT_TICKET))
    set_within(lc, ev->dst, TL_LC_UNKNOWN, NULL, TL_LC_WHY_NONE);
}

/* 1 when the constant of a comparison is a null pointer (0, NULL, MPI_REQUEST_NULL). */
static int null_constant(const struct tl_cond *c) {
  if (c->constant) return strstr(c->constant, "NULL") || strcmp(c->constant, "0") == 0 ||
                         strcmp(c->constant, "nullptr") == 0;
  return c->value == 0;
}

/* The STARTs whose returned status slot s may hold at the end of block b (`if
 * (pthread_create(&t, ...) != 0)`, `rc = MPI_Isend(...); if (rc)`, `r = uv_udp_send(...);
 * ASSERT(r == 0);` with the macro's `do { if` a block of its own): searched backwards through
 * the predecessors, each path ending at the last write of s before b. Several when the paths
 * meet after different starts (`if (w) ret = io_uring_wait_cqe(...); else ret =
 * io_uring_peek_cqe(...); if (ret)`). Returns how many (at most STATUS_STARTS_MAX, into
 * out), 0 when some path reaches a write of s that is no such start, the function's entry,
 * or more than STATUS_BLOCKS_MAX blocks. */
#define STATUS_STARTS_MAX TL_LC_STATUS_STARTS_MAX
#define STATUS_BLOCKS_MAX 16

static uint32_t starts_of_status(const struct tl_func *fn, const struct tl_block *b,
                                 tl_slot_id s, const struct tl_event **out) {
  uint32_t seen[STATUS_BLOCKS_MAX], nseen = 0, todo[STATUS_BLOCKS_MAX], ntodo = 0, n = 0;
  seen[nseen++] = b->id;
  for (;;) {
    const struct tl_event *found = NULL;
    for (uint32_t i = b->nevents; i-- > 0 && !found;) {
      const struct tl_event *ev = &b->events[i];
      if (ev->kind == TL_EV_START && ev->dst == s && ev->ticket != s && ev->model &&
          ev->model->status.index == TL_ARG_RET)
        found = ev;
      else if (ev->dst == s || ev->aux == s)
        return 0;
    }
    if (found) {
      uint32_t k = 0;
      while (k < n && out[k] != found) k++;
      if (k == n && n == STATUS_STARTS_MAX) return 0;
      if (k == n) out[n++] = found;
    } else {
      if (b->id == 0 || b->npreds == 0) return 0;
      for (uint32_t p = 0; p < b->npreds; p++) {
        uint32_t pb = b->preds[p], k = 0;
        if (pb >= fn->nblocks) return 0;
        while (k < nseen && seen[k] != pb) k++;
        if (k < nseen) continue;         /* a cycle writes nothing new */
        if (nseen == STATUS_BLOCKS_MAX) return 0;
        seen[nseen++] = todo[ntodo++] = pb;
      }
    }
    if (ntodo == 0) return n;
    b = &fn->blocks[todo[--ntodo]];
  }
}

int tl_lc_returns_zero_if_issued(const struct tl_func *fn, const struct tl_event *ret,
                                 const struct tl_event *origin) {
  if (!fn || !ret || !origin || !(ret->flags & TL_F_ZERO_IF_ZERO) || ret->nuses != 1 ||
      !origin->ticket)
    return 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (!blk->nevents || ret < blk->events || ret >= blk->events + blk->nevents) continue;
    const struct tl_event *sts[STATUS_STARTS_MAX];
    uint32_t n = starts_of_status(fn, blk, ret->uses[0], sts);
    for (uint32_t i = 0; i < n; i++)
      if (!sts[i]->ticket ||
          tl_slot_root(fn, sts[i]->ticket) != tl_slot_root(fn, origin->ticket))
        return 0;
    return n > 0;
  }
  return 0;
}

/* The status test of fn whose condition's location is loc (a fact's `unissued`), or NULL. */
static const struct tl_cond *test_at(const struct tl_func *fn, const struct tl_loc *loc) {
  for (uint32_t b = 0; b < fn->nblocks; b++)
    if (&fn->blocks[b].cond.loc == loc) return &fn->blocks[b].cond;
  return NULL;
}

/* The side of the status test c where the start did not fail: when it says
 * the status is 0 (`!ret`, `ret == 0`) or not negative (`ret >= 0`, the false side of
 * `ret < 0`), and an earlier test of the same status on this path (no write of it between:
 * the starts sts are its last writers) said the start failed with a value that contradicts
 * it (`ret == -ETIME`, `ret < 0`, or, against 0, any failure), the path is infeasible for
 * the start's ticket: its fact becomes bottom (`if (ret == -ETIME && flag) ...; else if (ret
 * < 0) return; io_uring_cqe_seen(ring, cqe);`). */
static void success_seen_failed(const struct tl_lc *lc, const struct tl_cond *c,
                                const struct tl_event *const *sts, uint32_t nsts) {
  if (c->value != 0) return;       /* `ret != -ETIME` says nothing about success */
  /* this side says status == 0 (`!ret`, `ret == 0`), else status >= 0 (`ret < 0`, `>= 0`) */
  int zero = c->cmp != TL_CMP_LT && c->cmp != TL_CMP_GE;
  for (uint32_t k = 0; k < nsts; k++) {
    const struct tl_event *st = sts[k];
    if (st->ticket == TL_SLOT_NONE || st->ticket >= lc->fn->nslots) continue;
    struct tl_lc_fact *f = tl_lc_fact(lc, st->ticket);
    if (f->states != TL_LC_NOT_ISSUED || f->why != TL_LC_WHY_TEST || !f->unissued) continue;
    const struct tl_cond *was = test_at(lc->fn, f->unissued);
    if (!was || was->slot != c->slot || was == c) continue;
    int negative;                  /* the earlier failure said status < 0 */
    switch (was->cmp) {
    case TL_CMP_EQ:      negative = was->value < 0; break;      /* `ret == -ETIME` */
    case TL_CMP_NE:      negative = was->value < 0; break;      /* false side of `!= -ETIME` */
    case TL_CMP_LT:      negative = was->value == 0; break;     /* `ret < 0` */
    case TL_CMP_GE:      negative = was->value == 0; break;     /* false side of `>= 0` */
    default:             negative = 0; break;                   /* `ret`, `ret != 0` */
    }
    if (zero || negative) tl_lc_fact_set(f, 0);                  /* infeasible */
  }
}

/* The successor of a branch testing a start's status on which the start failed (nonzero,
 * or negative), or -1. A status equal to a nonzero code (`ret == -ETIME`, `== EAGAIN`) is a
 * failure too: success is 0. A named constant counts by its value (`!= thrd_success`). */
static int status_fail_succ(const struct tl_cond *c) {
  int zero = c->value == 0;        /* a status: its value counts (thrd_success is 0) */
  switch (c->cmp) {
  case TL_CMP_NONZERO: return 0;
  case TL_CMP_ZERO:    return 1;
  case TL_CMP_NE:      return zero ? 0 : 1;
  case TL_CMP_EQ:      return zero ? 1 : 0;
  case TL_CMP_LT:      return zero ? 0 : -1;
  case TL_CMP_GE:      return zero ? 1 : -1;
  default:             return -1;
  }
}

uint32_t tl_lc_failed_starts(const struct tl_func *fn, const struct tl_block *from,
                             uint32_t succ, const struct tl_event **out) {
  const struct tl_cond *c = &from->cond;
  if (from->term != TL_TERM_BRANCH || c->slot == TL_SLOT_NONE || c->slot >= fn->nslots ||
      (fn->slots[c->slot].flags & TL_SLOT_TICKET) || status_fail_succ(c) != (int)succ)
    return 0;
  return starts_of_status(fn, from, c->slot, out);
}

/* A test of a start's status: on the branch where it failed, the start issued nothing. */
static void refine_status(const struct tl_lc *lc, const struct tl_block *from, uint32_t succ) {
  const struct tl_cond *c = &from->cond;
  const struct tl_event *sts[STATUS_STARTS_MAX];
  uint32_t nsts = starts_of_status(lc->fn, from, c->slot, sts);
  int fail_succ = status_fail_succ(c);     /* the successor on which the start failed */
  if (nsts == 0 || fail_succ < 0) return;
  if ((int)succ != fail_succ) {
    success_seen_failed(lc, c, sts, nsts);
    return;
  }
  for (uint32_t k = 0; k < nsts; k++) {
    const struct tl_event *st = sts[k];
    if (st->ticket == TL_SLOT_NONE || st->ticket >= lc->fn->nslots) continue;
    struct tl_lc_fact *f = tl_lc_fact(lc, st->ticket);
    if (!(f->states & TL_LC_PENDING) || f->origin != st) continue;
    tl_lc_fact_set(f, TL_LC_NOT_ISSUED);
    f->unissued = &c->loc;
    f->why = TL_LC_WHY_TEST;
  }
}

/* The await-all whose returned code slot s holds at the end of block b: the last write of s
 * on the way back through blocks with a single predecessor is an AWAIT_ALL whose model says
 * `partial-on-error`, with s its returned code (`aux`); else NULL. */
static const struct tl_event *partial_await_of(const struct tl_func *fn,
                                               const struct tl_block *b, tl_slot_id s) {
  for (int depth = 0; depth < STATUS_BLOCKS_MAX; depth++) {
    for (uint32_t i = b->nevents; i-- > 0;) {
      const struct tl_event *ev = &b->events[i];
      if (ev->kind == TL_EV_AWAIT_ALL && ev->aux == s && ev->model &&
          ev->model->partial_on_error)
        return ev;
      if (ev->dst == s || ev->aux == s || (ev->kind == TL_EV_START && ev->ticket == s))
        return NULL;
    }
    if (b->id == 0 || b->npreds != 1 || b->preds[0] >= fn->nblocks) return NULL;
    b = &fn->blocks[b->preds[0]];
  }
  return NULL;
}

/* A test of an await-all's returned code (model `partial-on-error`, MPI_Waitall): on the
 * branch where it failed, each ticket it collected may have completed or may still be
 * pending (MPI_ERR_IN_STATUS: MPI_ERR_PENDING in its status). Which, only the statuses
 * tell: what it collected becomes UNKNOWN there, neither collected nor owed. */
static void refine_partial(const struct tl_lc *lc, const struct tl_block *from, uint32_t succ) {
  const struct tl_cond *c = &from->cond;
  const struct tl_event *aw = partial_await_of(lc->fn, from, c->slot);
  if (!aw) return;
  int zero = c->value == 0;
  uint32_t fail_succ;              /* the successor on which the await-all failed */
  switch (c->cmp) {
  case TL_CMP_NONZERO: fail_succ = 0; break;
  case TL_CMP_ZERO:    fail_succ = 1; break;
  case TL_CMP_NE:      if (!zero) return; fail_succ = 0; break;
  case TL_CMP_EQ:      if (!zero) return; fail_succ = 1; break;
  default:             return;
  }
  if (succ != fail_succ) return;
  for (tl_slot_id s = 1; s < lc->fn->nslots; s++) {
    struct tl_lc_fact *f = tl_lc_fact(lc, s);
    if ((f->states & TL_LC_COLLECTED) && f->collect == aw)
      tl_lc_fact_set(f, (f->states & ~(uint32_t)TL_LC_COLLECTED) | TL_LC_UNKNOWN);
  }
}

/* A test of the count of an await-all (`if (n != 0) MPI_Waitall(n, reqs, ...)`, the
 * event's `owner`): the count says how many tickets of its array are outstanding, so on the
 * branch where it is 0 none of them is pending. A path on which an element was started and
 * the count still says 0 is one the program rules out (the batch counter `reqs[n++]`). */
static void refine_count(const struct tl_lc *lc, const struct tl_block *from, uint32_t succ) {
  const struct tl_cond *c = &from->cond;
  uint32_t zero_succ;              /* the successor on which the count is 0 */
  switch (c->cmp) {
  case TL_CMP_NONZERO: zero_succ = 1; break;
  case TL_CMP_ZERO:    zero_succ = 0; break;
  case TL_CMP_NE:      if (c->value != 0) return; zero_succ = 1; break;
  case TL_CMP_EQ:      if (c->value != 0) return; zero_succ = 0; break;
  default:             return;
  }
  if (succ != zero_succ) return;
  const struct tl_func *fn = lc->fn;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *aw = &fn->blocks[b].events[i];
      if (aw->kind != TL_EV_AWAIT_ALL || aw->owner != c->slot || aw->ticket == TL_SLOT_NONE ||
          aw->ticket >= fn->nslots)
        continue;
      for (tl_slot_id s = aw->ticket; s < fn->nslots; s++) {
        struct tl_lc_fact *f = tl_lc_fact(lc, s);
        if (tl_lc_slot_within(fn, s, aw->ticket) && (f->states & TL_LC_PENDING))
          tl_lc_fact_set(f, f->states & ~(uint32_t)TL_LC_PENDING);
      }
    }
}

/* The answers of completing polls (model `completes`), per function of the unit: for each
 * slot, the one poll event whose `dst` it is, when every write of the slot in the function
 * is such a poll of the same ticket slot or a constant; else NULL. */
struct poll_answers {
  uint32_t nfuncs;
  const struct tl_event ***by_slot;       /* [function][slot] */
};

static const struct tl_event *const CONFLICT = (const struct tl_event *)&CONFLICT;

static void answers_of(const struct tl_func *fn, const struct tl_event **by_slot) {
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      tl_slot_id w[3] = {ev->dst, ev->aux, ev->kind == TL_EV_START ? ev->ticket : 0};
      for (int k = 0; k < 3; k++) {
        tl_slot_id s = w[k];
        if (s == TL_SLOT_NONE || s >= fn->nslots) continue;
        if (ev->kind == TL_EV_POLL && k == 0 && ev->model && ev->model->completes &&
            ev->ticket != TL_SLOT_NONE) {
          if (!by_slot[s]) by_slot[s] = ev;
          else if (by_slot[s] != CONFLICT && by_slot[s]->ticket != ev->ticket)
            by_slot[s] = CONFLICT;
        } else if (!(ev->kind == TL_EV_ASSIGN && k == 0 && (ev->flags & TL_F_CONST))) {
          if (ev->kind == TL_EV_POLL && k == 1) continue;     /* the poll's own status */
          by_slot[s] = CONFLICT;
        }
      }
    }
  for (tl_slot_id s = 0; s < fn->nslots; s++)
    if (by_slot[s] == CONFLICT) by_slot[s] = NULL;
}

static int compute_answers(const struct tl_unit *unit, tl_arena *arena, void **out) {
  struct poll_answers *pa = tl_arena_alloc(arena, sizeof *pa);
  if (!pa) return TL_ENOMEM;
  pa->nfuncs = unit->nfuncs;
  pa->by_slot = tl_arena_alloc(arena, (unit->nfuncs + 1) * sizeof *pa->by_slot);
  if (!pa->by_slot) return TL_ENOMEM;
  for (uint32_t f = 0; f < unit->nfuncs; f++) {
    const struct tl_func *fn = &unit->funcs[f];
    pa->by_slot[f] = tl_arena_alloc(arena, (fn->nslots + 1) * sizeof **pa->by_slot);
    if (!pa->by_slot[f]) return TL_ENOMEM;
    answers_of(fn, pa->by_slot[f]);
  }
  *out = pa;
  return 0;
}

static int answers_key;

/* The completing poll whose answer slot s holds, or NULL (see struct poll_answers). */
static const struct tl_event *poll_answered_in(const struct tl_lc *lc, tl_slot_id s) {
  const struct tl_func *fn = lc->fn;
  void *v = NULL;
  if (lc->cx && lc->unit && fn >= lc->unit->funcs && fn < lc->unit->funcs + lc->unit->nfuncs &&
      tl_rctx_memo(lc->cx, &answers_key, compute_answers, &v) == 0 && v) {
    const struct poll_answers *pa = v;
    uint32_t f = (uint32_t)(fn - lc->unit->funcs);
    return f < pa->nfuncs ? pa->by_slot[f][s] : NULL;
  }
  return NULL;                     /* bare facts (unit tests): not refined */
}

/* A test of a completing poll's answer: on the edge where it says done, the poll has
 * collected its ticket (a reusable one becomes INACTIVE). */
static void refine_poll(const struct tl_lc *lc, const struct tl_block *from, uint32_t succ) {
  const struct tl_event *poll = poll_answered_in(lc, from->cond.slot);
  if (!poll || !tl_edge_means_done(from, succ, poll->model)) return;
  const struct tl_lc_fact *f = tl_lc_fact(lc, poll->ticket);
  if (f->states & (TL_LC_PENDING | TL_LC_INACTIVE))
    hand_in(lc, poll->ticket, TL_LC_COLLECTED, poll);
}

void tl_lc_refine(const struct tl_lc *lc, const struct tl_block *from, uint32_t succ) {
  const struct tl_cond *c = &from->cond;
  if (from->term != TL_TERM_BRANCH || c->slot == TL_SLOT_NONE || c->slot >= lc->fn->nslots)
    return;
  if (!(lc->fn->slots[c->slot].flags & TL_SLOT_TICKET)) {
    refine_status(lc, from, succ);
    refine_partial(lc, from, succ);
    refine_count(lc, from, succ);
    refine_poll(lc, from, succ);
    return;
  }
  uint32_t null_succ;              /* the successor on which the ticket is null */
  switch (c->cmp) {
  case TL_CMP_ZERO:    null_succ = 0; break;
  case TL_CMP_NONZERO: null_succ = 1; break;
  case TL_CMP_EQ:      if (!null_constant(c)) return; null_succ = 0; break;
  case TL_CMP_NE:      if (!null_constant(c)) return; null_succ = 1; break;
  default:             return;
  }
  struct tl_lc_fact *f = tl_lc_fact(lc, c->slot);
  if (f->states == 0) return;
  if (succ == null_succ) {
    /* A null ticket holds nothing: a start that failed issued nothing. */
    tl_lc_fact_set(f, TL_LC_NOT_ISSUED);
    f->unissued = &c->loc;
    f->why = TL_LC_WHY_TEST;
  } else {
    tl_lc_fact_set(f, f->states & ~(uint32_t)TL_LC_NOT_ISSUED);   /* 0: infeasible */
  }
}

static int dominates(const struct tl_func *fn, uint32_t a, uint32_t b) {
  if (!fn->idom) return 0;
  for (uint32_t steps = 0; steps <= fn->nblocks; steps++) {
    if (b == a) return 1;
    if (b >= fn->nblocks || fn->idom[b] == UINT32_MAX || fn->idom[b] == b) return 0;
    b = fn->idom[b];
  }
  return 0;
}

static int hands_in(const struct tl_func *fn, const struct tl_event *ev, tl_slot_id s) {
  switch (ev->kind) {
  case TL_EV_AWAIT: case TL_EV_AWAIT_ALL: case TL_EV_CONSUME: case TL_EV_DETACH:
  case TL_EV_ESCAPE:
    return ev->ticket != TL_SLOT_NONE && tl_lc_slot_within(fn, s, ev->ticket);
  default:
    return 0;
  }
}

/* What tl_loop_exit_any asks for the two loop exits below. */
struct exit_q {
  const struct tl_func *fn;
  const struct tl_unit *unit;
  uint32_t from;
  tl_slot_id s;
};

static int hands_in_q(const void *ctx, const struct tl_block *b, const struct tl_event *ev) {
  const struct exit_q *q = ctx;
  if (ev->kind == TL_EV_START && ev->ticket == q->s) return -1;
  return hands_in(q->fn, ev, q->s) && dominates(q->fn, q->from, b->id);
}

int tl_lc_loop_exit_hands_in(const struct tl_func *fn, uint32_t from, uint32_t to,
                             tl_slot_id s) {
  const struct exit_q q = {fn, NULL, from, s};
  return tl_loop_exit_any(fn, from, to, hands_in_q, &q);
}

static int runs_loop_q(const void *ctx, const struct tl_block *b, const struct tl_event *ev) {
  const struct exit_q *q = ctx;
  return tl_lc_runs_loop(q->unit, ev) && dominates(q->fn, q->from, b->id);
}

int tl_lc_loop_exit_runs_loop(const struct tl_func *fn, const struct tl_unit *unit,
                              uint32_t from, uint32_t to) {
  const struct exit_q q = {fn, unit, from, TL_SLOT_NONE};
  return tl_loop_exit_any(fn, from, to, runs_loop_q, &q);
}

int tl_lc_alias_pending(const struct tl_lc *lc, const struct tl_lc_fact *f, tl_slot_id except) {
  if (!(f->states & TL_LC_PENDING) || !f->origin) return 0;
  for (tl_slot_id y = 1; y < lc->fn->nslots; y++) {
    if (y == except) continue;
    const struct tl_lc_fact *a = tl_lc_fact(lc, y);
    if ((a->states & TL_LC_PENDING) && a->origin == f->origin) return 1;
  }
  return 0;
}

/* ---- hooks ----------------------------------------------------------------------------- */

void tl_lc_init(struct tl_rctx *cx, void *facts) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_lc_init_facts(&lc);
}

void tl_lc_event(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_lc_apply(&lc, ev);
}

void tl_lc_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from, uint32_t succ) {
  struct tl_lc lc = tl_lc_of(cx, facts);
  tl_lc_refine(&lc, from, succ);
  if (lc.fn->nloops && tl_lc_loop_exit_runs_loop(lc.fn, lc.unit, from->id, from->succs[succ]))
    loop_runs_callbacks(&lc);
}

void tl_lc_join(void *dst, const void *src) {
  tl_lc_fact_join(dst, src);
}

/* ---- for messages ---------------------------------------------------------------------- */

const char *tl_lc_callee(const struct tl_event *ev) {
  return ev && ev->callee ? ev->callee : "?";
}

const char *tl_lc_slot_name(const struct tl_func *fn, tl_slot_id s) {
  if (s == TL_SLOT_NONE || s >= fn->nslots || !fn->slots[s].name) return "?";
  return fn->slots[s].name;
}
