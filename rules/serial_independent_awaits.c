/* serial-independent-awaits: order one drink, wait for it, then order the next.
 *
 * ## What it does
 * Reports two start→await pairs in a row, outside loops, where the second ticket is
 * issued only after the first was awaited although its operation needs nothing from the
 * first: each operation starts only once the previous one finished. "In a row" means the
 * first await is the last await on every path to the second start (it dominates it).
 *
 * The second start depends on the first, and nothing is reported, when its arguments read
 * the first await's value or status, the first operation's filled buffer, a local the
 * first operation was lent by address (`&req`, an array), or anything computed from them
 * (`id = r->next`, `b.name = r`); or when a condition that decides whether the second
 * start happens reads them (`if (r == NULL) return`, a fallback run only on failure). A
 * test of the status whose only way around the second start is taken on failure
 * (`if (tk_await(t, &r) < 0) return -1;`, `if (rc != 0) goto fail;`) is fail-fast error
 * handling and does not count. Awaits of timers (model `timer`: `tk_sleep`) on either side
 * are pacing on purpose and are not reported.
 *
 * The finding is at the second await, where the series completes (the second result comes
 * a whole operation after the first); notes point at the first await and at the second
 * start, the call to move before it. A chain of n independent pairs gives n - 1 findings,
 * one per link. The rule is in group `perf` and off by default: `--enable=<rule|perf|all>`.
 *
 * ## Why is this bad?
 * The point of a ticket is to place the next order while the first one is being made.
 * Waiting for the first coffee before ordering the second makes two independent
 * operations cost the sum of their latencies instead of the longer one.
 *
 * ## Example
 * ```c
 * tk_promise *t1 = tk_async(loop, brew, &espresso);
 * if (tk_await(t1, &c1) < 0)
 *   return -1;
 * tk_promise *t2 = tk_async(loop, brew, &latte);
 * if (tk_await(t2, &c2) < 0)     // served one after the other
 *   return -1;
 * ```
 *
 * ## Use instead
 * ```c
 * tk_promise *tickets[2] = { tk_async(loop, brew, &espresso), tk_async(loop, brew, &latte) };
 * if (tk_await_all(tickets, 2, coffees) < 0)
 *   return -1;
 * ```
 * The message names the batch await of the start's model (its first `await-all` function)
 * and gives generic advice when the model has none.
 *
 * ## Known limitations
 * Only pairs outside every loop are considered (serial-await-in-loop covers loops), and only
 * a start that the first await dominates: an await on one branch before a start after the
 * join is not reported. Effects of the first operation on shared state that the second
 * reads (a global, memory behind a pointer both receive) are not seen, nor are results
 * written through out-parameters of calls (`parse(r, &next)`), nor a value chosen by a
 * branch on the result (`if (r) a = x; else a = y;`): those give false positives. Any
 * local lent by address to the first start counts as its result, even when both only read
 * it (a shared `&config`): a false negative. Ordering needed for side effects (write a
 * file, then read it back) is invisible to the rule: that is why it is off by default.
 */
#include <stdio.h>
#include <string.h>

#include "deps.h"
#include "rule.h"
#include "rule_docs.h"

/* State: none kept across events; a `function` hook over the whole CFG, with its scratch
 * in the rule's arena. deps.h works on "one iteration of a loop": a loop of every block with
 * no header (`whole`) makes its closure and reachability run over the whole function. */
struct scan {
  const struct tl_func *fn;
  struct tl_loop whole;
  unsigned char *in_loop;          /* per block: inside some natural loop */
  unsigned char *result, *status;  /* per slot: derived from the first pair, its status */
  unsigned char *after, *before;   /* per block: reached from the first await's block;
                                      reaching the second start's block */
  uint32_t *stack;
};

static int is_timer(const struct tl_event *ev) {
  return (ev->flags & TL_F_TIMER) || (ev->model && ev->model->timer);
}

static int is_await(const struct tl_event *ev) {
  return ev->kind == TL_EV_AWAIT || ev->kind == TL_EV_AWAIT_ALL;
}

static const struct tl_event *event_at(const struct tl_func *fn, struct tl_evpos p) {
  return &fn->blocks[p.block].events[p.index];
}

static int block_dominates(const struct tl_func *fn, uint32_t a, uint32_t b) {
  for (;;) {
    if (a == b) return 1;
    if (b >= fn->nblocks || fn->idom[b] == UINT32_MAX || fn->idom[b] == b) return 0;
    b = fn->idom[b];
  }
}

/* 1 when event p runs before q on every path to q. */
static int pos_dominates(const struct tl_func *fn, struct tl_evpos p, struct tl_evpos q) {
  if (p.block == q.block) return p.index < q.index;
  return block_dominates(fn, p.block, q.block);
}

/* Mark in `set` every block reached from `from` (itself included) along successors, or
 * along predecessors when `backward`. */
static void mark(const struct scan *sc, unsigned char *set, uint32_t from, int backward) {
  uint32_t sp = 0;
  memset(set, 0, sc->fn->nblocks);
  set[from] = 1;
  sc->stack[sp++] = from;
  while (sp) {
    const struct tl_block *b = &sc->fn->blocks[sc->stack[--sp]];
    uint32_t n = backward ? b->npreds : b->nsuccs;
    for (uint32_t k = 0; k < n; k++) {
      uint32_t next = backward ? b->preds[k] : b->succs[k];
      if (next < sc->fn->nblocks && !set[next]) {
        set[next] = 1;
        sc->stack[sp++] = next;
      }
    }
  }
}

/* The START outside loops whose ticket reaches the await at `aw` unchanged, or NULL. */
static const struct tl_event *start_of(const struct scan *sc, struct tl_evpos aw,
                                       struct tl_evpos *out) {
  const struct tl_func *fn = sc->fn;
  tl_slot_id t = event_at(fn, aw)->ticket;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; !sc->in_loop[b] && e < fn->blocks[b].nevents; e++) {
      const struct tl_event *ev = &fn->blocks[b].events[e];
      int reaches = 0;
      if (ev->kind != TL_EV_START || ev->ticket != t || t == TL_SLOT_NONE) continue;
      if (tl_deps_iter_reaches(fn, &sc->whole, (struct tl_evpos){b, e}, aw, t, &reaches) ==
              0 && reaches) {
        *out = (struct tl_evpos){b, e};
        return ev;
      }
    }
  return NULL;
}

/* The last await before the event at p on every path to it, or {UINT32_MAX, 0}. */
static struct tl_evpos last_await_before(const struct tl_func *fn, struct tl_evpos p) {
  struct tl_evpos best = {UINT32_MAX, 0};
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; e < fn->blocks[b].nevents; e++) {
      struct tl_evpos q = {b, e};
      if (is_await(&fn->blocks[b].events[e]) && pos_dominates(fn, q, p) &&
          (best.block == UINT32_MAX || pos_dominates(fn, best, q)))
        best = q;
    }
  return best;
}

/* ---- does the second start need the first? -------------------------------------------- */

/* s is covered by set, or holds a member (`b` when `b.name` is derived). */
static int reads(const struct tl_func *fn, const unsigned char *set, tl_slot_id s) {
  if (tl_slotset_covers(fn, set, s)) return 1;
  for (tl_slot_id m = s + 1; s != TL_SLOT_NONE && m < fn->nslots; m++) {
    if (!set[m]) continue;
    for (tl_slot_id p = fn->slots[m].parent; p != TL_SLOT_NONE && p < m;
         p = fn->slots[p].parent)                 /* parents precede their children */
      if (p == s) return 1;
  }
  return 0;
}

static int reads_any(const struct tl_func *fn, const unsigned char *set,
                     const tl_slot_id *slots, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (reads(fn, set, slots[i])) return 1;
  return 0;
}

/* Branch b reads the result; does it decide whether the second start runs, other than by
 * leaving on failure (a status test whose every edge around the start excludes 0)? */
static int guards(const struct scan *sc, const struct tl_block *b) {
  int fail_fast = b->term == TL_TERM_BRANCH &&
                  tl_slotset_covers(sc->fn, sc->status, b->cond.slot);
  int around = 0, through = 0;
  for (uint32_t k = 0; k < b->nsuccs; k++) {
    if (sc->before[b->succs[k]]) {
      through = 1;
      continue;
    }
    around = 1;
    enum tl_cmp op = tl_cond_on_edge(b, k);
    if (op == TL_CMP_NONE || !tl_cmp_excludes(op, b->cond.value, 0)) fail_fast = 0;
  }
  return around && through && !fail_fast;
}

/* 1 when the START st2 at s2 needs what the pair (st1, the await at a1) produced. */
static int depends(const struct scan *sc, const struct tl_event *st1, struct tl_evpos a1,
                   const struct tl_event *st2, struct tl_evpos s2) {
  const struct tl_func *fn = sc->fn;
  const struct tl_event *aw = event_at(fn, a1);
  memset(sc->result, 0, fn->nslots);
  memset(sc->status, 0, fn->nslots);
  sc->result[aw->ticket] = sc->result[aw->dst] = sc->result[aw->aux] = 1;
  sc->status[aw->aux] = 1;
  if (st1->flags & TL_F_FILLS) sc->result[st1->aux] = 1;
  for (uint32_t i = 0; i < st1->nuses; i++)
    if (fn->slots[st1->uses[i]].flags & (TL_SLOT_ADDR | TL_SLOT_ARRAY))
      sc->result[st1->uses[i]] = 1;                   /* lent by address: may be written */
  sc->result[TL_SLOT_NONE] = sc->status[TL_SLOT_NONE] = 0;
  tl_deps_close(fn, &sc->whole, sc->result, 0);
  tl_deps_close(fn, &sc->whole, sc->status, 1);
  if (reads_any(fn, sc->result, st2->uses, st2->nuses)) return 1;
  mark(sc, sc->after, a1.block, 0);
  mark(sc, sc->before, s2.block, 1);
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (!sc->after[b] || b == s2.block ||     /* s2's own terminator comes after it */
        (blk->term != TL_TERM_BRANCH && blk->term != TL_TERM_SWITCH) ||
        !reads_any(fn, sc->result, blk->cond.uses, blk->cond.nuses))
      continue;
    if (guards(sc, blk)) return 1;
  }
  return 0;
}

/* ---- messages -------------------------------------------------------------------------- */

static const char *what(const struct tl_func *fn, tl_slot_id t) {
  return fn->slots[t].kind == TL_SLOT_TEMP ? "the ticket of" : "ticket";
}

static const char *name(const struct tl_func *fn, tl_slot_id t) {
  return fn->slots[t].name ? fn->slots[t].name : "?";
}

static void report(struct tl_rctx *cx, const struct tl_func *fn, const struct tl_event *a1,
                   const struct tl_event *s2, const struct tl_event *a2) {
  const char *all = tl_models_batch_await(tl_rctx_models(cx), s2->model ? s2->model : a2->model);
  const char *n1 = name(fn, a1->ticket), *n2 = name(fn, a2->ticket);
  char eg[160] = "";
  if (all) snprintf(eg, sizeof eg, " (e.g. '%s')", all);
  struct tl_diag *d = tl_report(cx, a2->loc, "%s '%s' is issued only once %s '%s' was "
                                "awaited, though it needs nothing from it, so the two are "
                                "served one after the other: start both, then await them "
                                "together%s", what(fn, a2->ticket), n2, what(fn, a1->ticket),
                                n1, eg);
  tl_note(cx, d, a1->loc, "'%s' awaited here, before '%s' is issued", n1, n2);
  tl_note(cx, d, s2->loc, "'%s' issued here: it could be issued before that await", n2);
}

/* ---- the function hook ----------------------------------------------------------------- */

/* The pair whose await is at a2: its start, the await before that start, and that await's
 * own start; reported when all are outside loops, no timer, and independent. */
static void check_await(struct tl_rctx *cx, const struct scan *sc, struct tl_evpos a2) {
  const struct tl_func *fn = sc->fn;
  struct tl_evpos s2, s1;
  const struct tl_event *st2 = start_of(sc, a2, &s2);
  if (!st2 || is_timer(st2)) return;
  struct tl_evpos a1 = last_await_before(fn, s2);
  if (a1.block == UINT32_MAX || sc->in_loop[a1.block]) return;
  const struct tl_event *aw1 = event_at(fn, a1);
  if (aw1->kind != TL_EV_AWAIT) return;
  const struct tl_event *st1 = start_of(sc, a1, &s1);
  if (!st1 || is_timer(st1) || depends(sc, st1, a1, st2, s2)) return;
  report(cx, fn, aw1, st2, event_at(fn, a2));
}

static void sia_function(struct tl_rctx *cx, const struct tl_func *fn) {
  tl_arena *a = tl_rctx_arena(cx);
  size_t nb = (size_t)fn->nblocks + 1, ns = (size_t)fn->nslots + 1;
  uint32_t *blocks = tl_arena_alloc(a, nb * sizeof *blocks);
  struct scan sc = {
    .fn = fn,
    .whole = {.header = UINT32_MAX, .nblocks = fn->nblocks, .blocks = blocks},
    .in_loop = tl_arena_alloc(a, nb), .after = tl_arena_alloc(a, nb),
    .before = tl_arena_alloc(a, nb), .result = tl_arena_alloc(a, ns),
    .status = tl_arena_alloc(a, ns), .stack = tl_arena_alloc(a, nb * sizeof(uint32_t)),
  };
  if (!blocks || !sc.in_loop || !sc.after || !sc.before || !sc.result || !sc.status ||
      !sc.stack || !fn->idom)
    return;                                  /* out of memory: say nothing */
  for (uint32_t b = 0; b < fn->nblocks; b++) blocks[b] = b;
  for (uint32_t l = 0; l < fn->nloops; l++)
    for (uint32_t i = 0; i < fn->loops[l].nblocks; i++) sc.in_loop[fn->loops[l].blocks[i]] = 1;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; !sc.in_loop[b] && e < fn->blocks[b].nevents; e++)
      if (fn->blocks[b].events[e].kind == TL_EV_AWAIT &&
          fn->blocks[b].events[e].ticket != TL_SLOT_NONE)
        check_await(cx, &sc, (struct tl_evpos){b, e});
}

const struct tl_rule tl_rule_serial_independent_awaits = {
  .id = "serial-independent-awaits",
  .summary = "a ticket issued only after an earlier, independent ticket was awaited, outside "
             "loops",
  .doc = tl_rule_doc_serial_independent_awaits,
  .group = "perf",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 0,
  .function = sia_function,
};
