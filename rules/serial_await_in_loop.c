/* serial-await-in-loop: one customer at a time, though nobody needed to wait.
 *
 * ## What it does
 * Reports a ticket issued and awaited within one iteration of a loop whose iterations do
 * not depend on each other: each operation starts only once the previous one finished.
 *
 * Iterations depend on each other, and nothing is reported, when the awaited result (the
 * value, the status, or anything computed from them in the loop) decides an exit of the
 * loop (pagination, search until found, retry until success), feeds the arguments of a
 * later start (chained ids; also what the operation filled, model `fill=`: a communicator
 * MPI_Comm_idup made, used by the next call, or the buffer a later start lends: a block
 * fetched by MPI_Rget, then put back by MPI_Rput), or decides whether a later start happens.
 * A ticket that is an array element (`MPI_Wait(&reqs[0], ...)`) names some element: what any
 * start of the loop into that array fills is taken as its result.
 * An exit taken only on failure (`if (tk_await(t, &r) < 0) return -1;`,
 * `if (rc != 0) break;`, or a check whose failing side ends the run: `if (r != want)
 * abort();`, `errs++` of a project's failure counter, docs/config.md) is fail-fast error
 * handling and does not count; neither do results
 * that only accumulate (`sum += r`, `out[i] = r`). A loop that only a failure ends
 * (`for (;;)` serving connections) has no "all" to start first and is not reported.
 *
 * Nor is a reusable ticket restarted: a `persistent` start (MPI_Start) activates a handle
 * made once before the loop (model `create`: MPI_Recv_init), and one handle cannot be active
 * twice, so its activations are serial by nature. Restarting array elements
 * (`MPI_Start(&reqs[i])`) is still reported: there each iteration may activate another handle.
 *
 * Nor is a batch: when the starts run in one inner loop and the awaits in another (`for (i...)
 * MPI_Irecv(..., &r[i]); for (i...) MPI_Wait(&r[i], ...);`, inside an outer loop of rounds),
 * every operation of the round is started before the first is awaited. That is what this
 * rule asks for.
 *
 * Nor when every iteration reuses one buffer: a start that fills one whole buffer (`rbuf`,
 * what a pointer variable points to, an array passed whole, a variable declared before the
 * loop and passed by its address, such as a thread's one argument `&d`, or a fixed place of
 * such a variable, reached by constant indices and offsets only: `&buf[0]`, `&t[0][0]`,
 * `(char *)p + 16`; not `bufs[i]`, `&buf[i]` or a variable of the loop's body; or by one
 * index or offset read from a local or parameter declared before the loop that the loop
 * keeps: `(char *)recv.buf + recv.off`, `&buf[k]`, where nothing in the loop assigns the
 * offset (`off += n`, `k++`) or hands its address to a call (`advance(&off)`)),
 * which the next iteration's start fills again, or that lends one the loop writes (the next
 * message, a new allocation). Two such operations cannot be in flight at once: the buffer
 * orders them (ping-pong and latency loops). A whole buffer lent unchanged to every
 * iteration is still reported: those sends could all be in flight together. The buffer of a
 * persistent start (MPI_Start) is the one its `create` named (MPI_Scatter_init's receive
 * buffer, docs/ir.md): one collective per root, each made over the same `row`, started and
 * waited one root at a time, is ordered by `row`.
 *
 * Nor is a loop paced on purpose. Awaiting a timer (model `timer`: `tk_sleep`) in a polling
 * loop, one whose exit looks at the world (what a call or poll in the loop returned, or
 * global or long-lived state), is the pause between looks; in a loop that starts other
 * operations too, it spaces them out. Awaiting anything else in a loop that also starts a
 * timer or sleeps (a blocking call the models mark `timer`: `usleep`) is rate limiting.
 * Other blocking calls are not pacing (they are blocking-in-async's business), and a loop
 * that only counts timers is reported: there the timers are the work.
 *
 * ## Why is this bad?
 * The point of a ticket is to place the next order while the first one is being made.
 * Awaiting inside the loop serves the orders one at a time: n independent operations cost
 * the sum of their latencies instead of the longest one.
 *
 * ## Example
 * ```c
 * for (int i = 0; i < n; i++) {
 *   tk_promise *t = tk_async(loop, brew, &orders[i]);
 *   if (tk_await(t, &coffees[i]) < 0)     // one at a time
 *     return -1;
 * }
 * ```
 *
 * ## Use instead
 * ```c
 * for (int i = 0; i < n; i++)
 *   tickets[i] = tk_async(loop, brew, &orders[i]);
 * if (tk_await_all(tickets, n, coffees) < 0)
 *   return -1;
 * ```
 * The message names the batch await of the start's model (its first `await-all` function)
 * and gives generic advice when the model has none.
 *
 * ## Known limitations
 * A ticket copied to another variable before the await (`u = t; tk_await(u, ...)`) is not
 * followed. Results written through out-parameters of calls (`parse(r, &next)`) are not
 * seen as derived, nor are effects of the operation on shared state (an async function
 * that pops the queue the loop tests). A `switch` exit on the status counts as depending
 * on the result. A loop of timers bounded by long-lived state (`i < cfg->n`) passes for
 * polling. Nested loops: only the innermost loop holding both the start and the await is
 * considered. One buffer reached another way than the forms above is taken as a buffer per
 * iteration, and the loop is reported although the buffer orders it: an offset read through
 * a pointer (`p->buf + p->off`) or computed (`buf + k * n`). The other way, the variables
 * that name a buffer are taken to keep their values unless the loop assigns them: a call
 * handed the whole struct (`next(&cursor)`, which may step `cursor.off`, or remake the
 * buffer as MPICH's `MTest_dtp_create(&recv)` does) is not seen to move the place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps.h"
#include "lifecycle.h"
#include "rule.h"
#include "rule_docs.h"

/* ---- what the loop does ---------------------------------------------------------------- */

static int is_timer(const struct tl_event *ev) {
  return ev->kind == TL_EV_START &&
         ((ev->flags & TL_F_TIMER) || (ev->model && ev->model->timer));
}

/* In loop l: a timer started or a sleep (a blocking call the models mark `timer`), when
 * `timers` is set; a start of anything else when not. */
static int loop_starts(const struct tl_func *fn, const struct tl_loop *l, int timers) {
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    for (uint32_t e = 0; e < b->nevents; e++) {
      const struct tl_event *ev = &b->events[e];
      if (timers ? is_timer(ev) || (ev->kind == TL_EV_BLOCKING && ev->model && ev->model->timer)
                 : ev->kind == TL_EV_START && !is_timer(ev))
        return 1;
    }
  }
  return 0;
}

/* Does some exit of l look at the world: a condition deciding an exit that reads what a
 * call or a poll in the loop returned (or anything computed from it), or long-lived state?
 * A timer awaited in such a loop gives the world time to change: polling, not work. */
static int exit_observes_world(const struct tl_func *fn, const struct tl_loop *l) {
  int seen = 1;
  unsigned char *world = calloc(fn->nslots + 1, 1);
  if (!world) return 1;
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    world[s] = (fn->slots[s].flags & (TL_SLOT_LONGLIVED | TL_SLOT_STATIC)) != 0 ||
               fn->slots[s].kind == TL_SLOT_GLOBAL;
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    for (uint32_t e = 0; e < b->nevents; e++) {
      const struct tl_event *ev = &b->events[e];
      if ((ev->kind == TL_EV_CALL || ev->kind == TL_EV_POLL) && ev->dst) world[ev->dst] = 1;
    }
  }
  tl_deps_close(fn, l, world, 0);
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    for (uint32_t k = 0; k < b->nsuccs; k++)
      if (!tl_loop_contains(l, b->succs[k]) &&
          tl_slotset_covers_any(fn, world, b->cond.uses, b->cond.nuses))
        goto done;
  }
  seen = 0;
done:
  free(world);
  return seen;
}

/* Paced on purpose: awaiting a timer in a polling loop (the timer is the pause between
 * looks) or in a loop that does other work (the timer spaces it out), or awaiting anything
 * else in a loop that also starts a timer or sleeps (rate limiting). A loop that only
 * counts timers is not paced: the timers are the work. */
static int loop_paced(const struct tl_func *fn, const struct tl_loop *l,
                      const struct tl_event *st) {
  if (is_timer(st)) return exit_observes_world(fn, l) || loop_starts(fn, l, 0);
  return loop_starts(fn, l, 1);
}

/* 1 when every path from block b reaches a call that never returns (exit, abort, an
 * increment of a failure counter) within a few blocks: the run fails there. */
static int ends_in_failure(const struct tl_func *fn, uint32_t b, unsigned depth) {
  const struct tl_block *blk = &fn->blocks[b];
  for (uint32_t e = 0; e < blk->nevents; e++)
    if (blk->events[e].kind == TL_EV_CALL && (blk->events[e].flags & TL_F_NORETURN)) return 1;
  if (depth >= 6 || b == fn->exit || blk->nsuccs == 0) return 0;
  for (uint32_t k = 0; k < blk->nsuccs; k++)
    if (!ends_in_failure(fn, blk->succs[k], depth + 1)) return 0;
  return 1;
}

/* An exit of block b taken only on failure: fail-fast error handling. Each way out of the
 * loop is decided by the status (set `status`) and taken only when it is not 0, or ends
 * the run in failure (`if (val != exp) abort();`, `errs++` of a failure counter). */
static int exit_fails_fast(const struct tl_func *fn, const struct tl_loop *l,
                           const struct tl_block *b, const unsigned char *status) {
  int on_status = b->term == TL_TERM_BRANCH && tl_slotset_covers(fn, status, b->cond.slot);
  for (uint32_t k = 0; k < b->nsuccs; k++) {
    if (tl_loop_contains(l, b->succs[k]) || ends_in_failure(fn, b->succs[k], 0)) continue;
    if (!on_status) return 0;
    enum tl_cmp op = tl_cond_on_edge(b, k);
    if (op == TL_CMP_NONE || !tl_cmp_excludes(op, b->cond.value, 0)) return 0;
  }
  return 1;
}

/* Does branch b (all successors inside l) decide whether some START of l runs? */
static int guards_start(const struct tl_func *fn, const struct tl_loop *l,
                        const struct tl_block *b) {
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *sb = &fn->blocks[l->blocks[i]];
    int has_start = 0;
    for (uint32_t e = 0; e < sb->nevents; e++) has_start |= sb->events[e].kind == TL_EV_START;
    if (!has_start) continue;
    int first = -1;
    for (uint32_t k = 0; k < b->nsuccs; k++) {
      int in = 0;
      if (tl_deps_iter_enters(fn, l, b->succs[k], l->blocks[i], &in) < 0) return 1;
      if (first < 0) first = in;
      else if (in != first) return 1;
    }
  }
  return 0;
}

/* 1 when start ev reads a slot of `set`, other than its own ticket and the buffer it fills
 * (`&jobs[i]` names where the next operation goes, it does not read what the last one
 * filled). A buffer it lends it does read: sending on what a receive filled (`MPI_Rget(data[j],
 * ...)`, wait, `MPI_Rput(data[j], ...)`) depends on that receive. */
static int start_reads(const struct tl_func *fn, const unsigned char *set,
                       const struct tl_event *ev) {
  if ((ev->flags & TL_F_LENDS) && ev->aux && tl_slotset_covers(fn, set, ev->aux)) return 1;
  for (uint32_t i = 0; i < ev->nuses; i++)
    if (ev->uses[i] != ev->aux && ev->uses[i] != ev->ticket &&
        tl_slotset_covers(fn, set, ev->uses[i]))
      return 1;
  return 0;
}

/* 1 when the next iteration needs the result of the await `aw`, or when nothing but a
 * failure ends the loop (an endless accept/serve loop cannot start "all" first); also on
 * out of memory: then say nothing rather than something wrong. */
static int iterations_depend(const struct tl_func *fn, const struct tl_loop *l,
                             const struct tl_event *st, const struct tl_event *aw) {
  int dep = 1, bounded = 0;
  unsigned char *result = calloc(fn->nslots + 1, 1), *status = calloc(fn->nslots + 1, 1);
  if (!result || !status) goto done;
  if (aw->dst) result[aw->dst] = 1;
  if ((st->flags & TL_F_FILLS) && st->aux) result[st->aux] = 1;   /* what it filled */
  if (fn->slots[aw->ticket].kind == TL_SLOT_ELEM)   /* `reqs[]`: some element, any start */
    for (uint32_t i = 0; i < l->nblocks; i++) {
      const struct tl_block *b = &fn->blocks[l->blocks[i]];
      for (uint32_t e = 0; e < b->nevents; e++) {
        const struct tl_event *ev = &b->events[e];
        if (ev->kind == TL_EV_START && ev->ticket == aw->ticket && (ev->flags & TL_F_FILLS) &&
            ev->aux)
          result[ev->aux] = 1;
      }
    }
  if (aw->aux) result[aw->aux] = status[aw->aux] = 1;
  tl_deps_close(fn, l, result, 0);
  tl_deps_close(fn, l, status, 1);
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    for (uint32_t e = 0; e < b->nevents; e++)
      if (b->events[e].kind == TL_EV_START && start_reads(fn, result, &b->events[e]))
        goto done;                                    /* feeds a later start */
    if (b->term != TL_TERM_BRANCH && b->term != TL_TERM_SWITCH) continue;
    int exits = 0;
    for (uint32_t k = 0; k < b->nsuccs; k++) exits |= !tl_loop_contains(l, b->succs[k]);
    if (!tl_slotset_covers_any(fn, result, b->cond.uses, b->cond.nuses)) {
      bounded |= exits;                               /* a counter, a list's end */
      continue;
    }
    if (exits ? !exit_fails_fast(fn, l, b, status) : guards_start(fn, l, b))
      goto done;                                      /* decides the exit or a start */
  }
  dep = !bounded;
done:
  free(result);
  free(status);
  return dep;
}

/* A `persistent` start (MPI_Start) activating one reusable ticket that is no array element:
 * one handle cannot be active twice, so its activations are serial by nature. Into an array
 * element (`MPI_Start(&reqs[i])`) another iteration may activate another handle. */
static int restarts_one_handle(const struct tl_func *fn, const struct tl_event *st) {
  if (!st->model || !st->model->persistent) return 0;
  for (tl_slot_id s = st->ticket; s != TL_SLOT_NONE && s < fn->nslots; s = fn->slots[s].parent) {
    if (fn->slots[s].kind == TL_SLOT_ELEM) return 0;
    if (fn->slots[s].parent >= s) break;
  }
  return 1;
}

/* The first source line of loop l (its header's condition, or its first statement). */
static uint32_t loop_first_line(const struct tl_func *fn, const struct tl_loop *l) {
  uint32_t first = UINT32_MAX;
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    if (b->loc.line && b->loc.line < first) first = b->loc.line;
    for (uint32_t e = 0; e < b->nevents; e++)
      if (b->events[e].loc.line && b->events[e].loc.line < first) first = b->events[e].loc.line;
  }
  return first;
}

/* The offset variable `off` of a start's buffer (`&buf[k]`, `(char *)s.buf + s.off`) keeps
 * its value through loop l: a local or parameter declared before the loop (a global may be
 * stepped by any call), and nothing in the loop assigns the offset or what holds it
 * (`off += n`, `s.off = i * n`, `s = next`), fills it, or is handed its own address
 * (`advance(&off)`). The loop does not step it: each iteration names the same place. */
static int offset_kept(const struct tl_func *fn, const struct tl_loop *l, tl_slot_id off) {
  const struct tl_slot *rs = &fn->slots[tl_slot_root(fn, off)];
  if ((rs->kind != TL_SLOT_LOCAL && rs->kind != TL_SLOT_PARAM) ||
      rs->decl.line >= loop_first_line(fn, l))
    return 0;
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    for (uint32_t e = 0; e < b->nevents; e++) {
      const struct tl_event *ev = &b->events[e];
      if (tl_lc_slot_within(fn, off, ev->dst) ||
          ((ev->flags & TL_F_FILLS) && tl_lc_slot_within(fn, off, ev->aux)))
        return 0;
      for (uint32_t a = 0; ev->args && a < ev->nargs; a++)
        if (ev->args[a].addr == off) return 0;
    }
  }
  return 1;
}

/* The start's buffer (lend= or fill=) is one whole object, the same in every iteration of l:
 * a variable declared before the loop and handed in by its address (`&d`, a thread's one
 * argument; one declared in the body is a new object each time), or at a fixed place of such
 * a variable (TL_F_FIXED_BUFFER: `&buf[0]`, `&table[0][0]`, `p + 16`; or moved by one
 * offset variable the loop keeps: `(char *)s.buf + s.off`, offset_kept), what a pointer
 * variable points to (`*rbuf`), or an array variable passed whole (`buf`), not an element
 * picked by an index (`bufs[i]`, `&buf[i]`). */
static int whole_buffer(const struct tl_func *fn, const struct tl_loop *l,
                        const struct tl_event *st) {
  tl_slot_id b = st->aux;
  if (!(st->flags & (TL_F_LENDS | TL_F_FILLS)) || b == TL_SLOT_NONE || b >= fn->nslots)
    return 0;
  const struct tl_slot *bs = &fn->slots[b];
  if ((st->flags & TL_F_FIXED_BUFFER) ||       /* `&buf[0]`, `buf + 16`: constant indices */
      (st->offset && offset_kept(fn, l, st->offset))) {           /* `s.buf + s.off` */
    const struct tl_slot *rs = &fn->slots[tl_slot_root(fn, b)];
    if ((rs->kind == TL_SLOT_LOCAL || rs->kind == TL_SLOT_PARAM ||
         rs->kind == TL_SLOT_GLOBAL) && rs->decl.line < loop_first_line(fn, l))
      return 1;
  }
  if (bs->parent == TL_SLOT_NONE)              /* `&d`: the variable itself */
    return (bs->kind == TL_SLOT_LOCAL || bs->kind == TL_SLOT_PARAM ||
            bs->kind == TL_SLOT_GLOBAL) && bs->decl.line < loop_first_line(fn, l);
  if (bs->parent >= b) return 0;
  const struct tl_slot *ps = &fn->slots[bs->parent];
  if (ps->kind == TL_SLOT_ELEM || ps->kind == TL_SLOT_DEREF || ps->parent != TL_SLOT_NONE)
    return 0;                                  /* a row, or deeper: picked by an index */
  if (bs->kind == TL_SLOT_DEREF) return 1;     /* `*rbuf`: a pointer variable's target */
  if (bs->kind != TL_SLOT_ELEM || !(ps->flags & TL_SLOT_ARRAY)) return 0;   /* `p + i` */
  for (uint32_t i = 0; i < st->nuses; i++)     /* `buf` itself handed in, not `&buf[i]` */
    if (st->uses[i] == bs->parent) return 1;
  return 0;
}

/* Each iteration reuses one buffer: the start fills a whole buffer (the next iteration's
 * start fills it again), or lends one that the loop writes (the next round's data, or a new
 * allocation). Two such operations cannot be in flight at once: the buffer orders them
 * (ping-pong and latency loops, a send buffer refilled for each message). */
static int reuses_one_buffer(const struct tl_func *fn, const struct tl_loop *l,
                             const struct tl_event *st) {
  if (!whole_buffer(fn, l, st)) return 0;
  if (st->flags & TL_F_FILLS) return 1;
  tl_slot_id root = tl_slot_root(fn, st->aux);
  for (uint32_t i = 0; i < l->nblocks; i++) {
    const struct tl_block *b = &fn->blocks[l->blocks[i]];
    for (uint32_t e = 0; e < b->nevents; e++) {
      const struct tl_event *ev = &b->events[e];
      if (ev == st) continue;
      tl_slot_id w[2] = {ev->dst, (ev->flags & TL_F_FILLS) ? ev->aux : TL_SLOT_NONE};
      for (int k = 0; k < 2; k++)
        if (w[k] != TL_SLOT_NONE && w[k] < fn->nslots && tl_slot_root(fn, w[k]) == root)
          return 1;
    }
  }
  return 0;
}

/* ---- messages -------------------------------------------------------------------------- */

static void report(struct tl_rctx *cx, const struct tl_func *fn, const struct tl_event *st,
                   const struct tl_event *aw) {
  const struct tl_slot *ts = &fn->slots[aw->ticket];
  const char *what = ts->kind == TL_SLOT_TEMP ? "the ticket of" : "ticket";
  const char *t = ts->name ? ts->name : "?";
  const char *all = tl_models_batch_await(tl_rctx_models(cx), st->model ? st->model : aw->model);
  char eg[160] = "";
  if (all) snprintf(eg, sizeof eg, " (e.g. '%s')", all);
  struct tl_diag *d = tl_report(cx, aw->loc, "%s '%s' awaited inside the loop, so operations "
                                "are served one at a time: start them all, then await them "
                                "together%s", what, t, eg);
  tl_note(cx, d, st->loc, "'%s' issued here, in the same iteration", t);
}

/* ---- the function hook ----------------------------------------------------------------- */

/* 1 when some loop nested in l holds block `in` but not block `out`. */
static int inner_loop_apart(const struct tl_func *fn, const struct tl_loop *l, uint32_t in,
                            uint32_t out) {
  for (uint32_t i = 0; i < fn->nloops; i++) {
    const struct tl_loop *x = &fn->loops[i];
    if (x != l && tl_loop_contains(l, x->header) && tl_loop_contains(x, in) &&
        !tl_loop_contains(x, out))
      return 1;
  }
  return 0;
}

/* The starts come from one inner loop and the awaits from another, both inside l: every
 * operation of the batch is started before the first is awaited (`for (i...) MPI_Irecv(...,
 * &r[i]); for (i...) MPI_Wait(&r[i], ...);`). That is the fixed pattern, not a serial one. */
static int batch_then_awaited(const struct tl_func *fn, const struct tl_loop *l,
                              uint32_t st_block, uint32_t aw_block) {
  return inner_loop_apart(fn, l, st_block, aw_block) &&
         inner_loop_apart(fn, l, aw_block, st_block);
}

/* The START of aw's ticket that reaches aw within one iteration of a loop; NULL if none. */
static const struct tl_event *start_in_iteration(const struct tl_func *fn,
                                                 struct tl_evpos awp,
                                                 const struct tl_loop **loop) {
  tl_slot_id t = fn->blocks[awp.block].events[awp.index].ticket;
  /* A start sharing a loop with the await lies in the outermost loop around the await:
   * scan only that loop's blocks (sorted, so the order is the function's block order). */
  const struct tl_loop *outer = NULL;
  for (uint32_t i = 0; i < fn->nloops; i++)
    if (tl_loop_contains(&fn->loops[i], awp.block) &&
        (!outer || fn->loops[i].nblocks > outer->nblocks))
      outer = &fn->loops[i];
  if (!outer) return NULL;
  for (uint32_t k = 0; k < outer->nblocks; k++) {
    uint32_t b = outer->blocks[k];
    for (uint32_t e = 0; e < fn->blocks[b].nevents; e++) {
      const struct tl_event *ev = &fn->blocks[b].events[e];
      if (ev->kind != TL_EV_START || ev->ticket != t) continue;
      const struct tl_loop *l = tl_loop_innermost_common(fn, b, awp.block);
      int reaches = 0;
      if (l && tl_deps_iter_reaches(fn, l, (struct tl_evpos){b, e}, awp, t, &reaches) == 0 &&
          reaches && !batch_then_awaited(fn, l, b, awp.block)) {
        *loop = l;
        return ev;
      }
    }
  }
  return NULL;
}

static void salp_function(struct tl_rctx *cx, const struct tl_func *fn) {
  if (fn->nloops == 0) return;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; e < fn->blocks[b].nevents; e++) {
      const struct tl_event *aw = &fn->blocks[b].events[e];
      if (aw->kind != TL_EV_AWAIT || aw->ticket == TL_SLOT_NONE) continue;
      const struct tl_loop *l = NULL;
      const struct tl_event *st = start_in_iteration(fn, (struct tl_evpos){b, e}, &l);
      if (st && !restarts_one_handle(fn, st) && !reuses_one_buffer(fn, l, st) &&
          !loop_paced(fn, l, st) &&
          !iterations_depend(fn, l, st, aw))
        report(cx, fn, st, aw);
    }
}

const struct tl_rule tl_rule_serial_await_in_loop = {
  .id = "serial-await-in-loop",
  .summary = "a ticket awaited in the iteration that issued it, in a loop whose iterations "
             "are independent",
  .doc = tl_rule_doc_serial_await_in_loop,
  .group = "perf",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .function = salp_function,
};
