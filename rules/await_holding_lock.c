/* await-holding-lock: an async function suspends while it holds a mutex.
 *
 * ## What it does
 * Reports an await that suspends the calling async function (model `suspends`: `tk_await`,
 * `tk_await_all`) while a lock it took (model `lock`: `pthread_mutex_lock`,
 * `pthread_rwlock_wrlock`, `mtx_lock`...) may still be held, that is, not yet released
 * (model `unlock`) on some path from the lock to the await. The finding is at the await,
 * with a note where the lock was taken. The unlock that counts is the one in the code: an
 * await after an explicit unlock is fine, whatever the lock's scope.
 *
 * ## Why is this bad?
 * You lock the shop's till, then stand in the queue for your own coffee with the key in
 * your pocket. An await hands the thread back to the loop, which runs the other async
 * functions on the same thread; the first one that needs the till blocks the loop thread
 * on a mutex whose owner is suspended behind it: a deadlock (or, for an error-checking
 * mutex, `EDEADLK`; for a recursive one, two coroutines inside one critical section). Even
 * without a second taker, every other thread waits on the lock for as long as the await
 * takes.
 *
 * ## Example
 * ```c
 * pthread_mutex_lock(&shop->till);
 * shop->orders++;
 * int err = tk_await(tk_work(loop, brew, o), NULL);   // suspends holding the till
 * shop->served++;
 * pthread_mutex_unlock(&shop->till);
 * ```
 *
 * ## Use instead
 * ```c
 * pthread_mutex_lock(&shop->till);
 * shop->orders++;
 * pthread_mutex_unlock(&shop->till);                  // let go before waiting
 * int err = tk_await(tk_work(loop, brew, o), NULL);
 * pthread_mutex_lock(&shop->till);
 * shop->served++;
 * pthread_mutex_unlock(&shop->till);
 * ```
 * An await in a function that is no async function (`main`, a loop callback, a worker
 * function) does not suspend (it fails with `TK_ENOTASYNC`) and is not reported here, nor
 * is an await that blocks the thread (`pthread_join`, `MPI_Wait`): blocking while holding a
 * lock is another matter.
 *
 * ## Known limitations
 * A lock is known by the expression that names it: unlocking it through another pointer
 * (`pthread_mutex_lock(&s->m); ... pthread_mutex_unlock(m)`) is not seen as its unlock. A
 * call to a function of the same file that unlocks some lock releases the locks inside its
 * arguments (`shop_close(shop)` releases `shop->till`); any other call is assumed to leave
 * locks alone. Locks taken by a caller, or by a helper function (`lock_shop(shop)`), and
 * awaits inside a helper the function calls while it holds a lock, are not followed
 * (the analysis is per function). `pthread_mutex_trylock` and friends are not modelled.
 */
#include <stdint.h>
#include <string.h>

#include "rule.h"
#include "rule_docs.h"

/* ---- abstract state: one per slot ------------------------------------------------------ */

/* A lock slot: `lock` is the LOCK that took it (the first in the source when several paths
 * did), NULL when it is released on every path; `all_paths` is 1 when it is held on every
 * path reaching this point. */
struct ahl_fact {
  const struct tl_event *lock;
  uint32_t all_paths;
  uint32_t pad;              /* zero: facts are compared with memcmp */
};

static struct ahl_fact *fact(struct tl_rctx *cx, void *facts, tl_slot_id s) {
  return TL_FACT(cx, facts, struct ahl_fact, s);
}

static const char *slot_name(const struct tl_func *fn, tl_slot_id s) {
  return s != TL_SLOT_NONE && s < fn->nslots && fn->slots[s].name ? fn->slots[s].name : "?";
}

static const char *callee(const struct tl_event *ev) {
  return ev->callee ? ev->callee : "?";
}

/* 1 when s is `anc` or lies inside it. */
static int within(const struct tl_func *fn, tl_slot_id s, tl_slot_id anc) {
  for (; s != TL_SLOT_NONE && s < fn->nslots; s = fn->slots[s].parent) {
    if (s == anc) return 1;
    if (fn->slots[s].parent >= s) return 0;
  }
  return 0;
}

/* An await with `suspends` suspends only inside an async function: in main, a loop
 * callback or a worker function it fails at once (as lifecycle.c assumes). */
static int suspends_here(const struct tl_func *fn, const struct tl_event *ev) {
  if (!ev->model || !ev->model->suspends) return 0;
  if (fn->flags & (TL_FN_ASYNC_MARKED | TL_FN_ASYNC_PASSED)) return 1;
  return !(fn->flags & (TL_FN_CALLBACK | TL_FN_OFFLOADED)) &&
         !(fn->name && strcmp(fn->name, "main") == 0);
}

/* 1 when `name` is a function of the unit that releases a lock somewhere. */
static int unlocks_inside(const struct tl_unit *unit, const char *name) {
  uint32_t f = tl_unit_find_func(unit, name);
  if (f == UINT32_MAX) return 0;
  const struct tl_func *fn = &unit->funcs[f];
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; e < fn->blocks[b].nevents; e++)
      if (fn->blocks[b].events[e].kind == TL_EV_UNLOCK) return 1;
  return 0;
}

/* ---- handlers -------------------------------------------------------------------------- */

static void on_lock(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (ev->aux != TL_SLOT_NONE) *fact(cx, facts, ev->aux) = (struct ahl_fact){ev, 1, 0};
}

static void on_unlock(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (ev->aux != TL_SLOT_NONE) memset(fact(cx, facts, ev->aux), 0, sizeof(struct ahl_fact));
}

static void on_await(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (!tl_rctx_reporting(cx) || !suspends_here(fn, ev)) return;
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    const struct ahl_fact *f = fact(cx, facts, s);
    if (!f->lock) continue;
    struct tl_diag *d = tl_report(cx, ev->loc, "'%s' suspends while mutex '%s' is held%s",
                                  callee(ev), slot_name(fn, s),
                                  f->all_paths ? "" : " on some path");
    tl_note(cx, d, f->lock->loc, "'%s' locked here by '%s'", slot_name(fn, s),
            callee(f->lock));
  }
}

/* A helper of this file that unlocks: the locks inside its arguments are released. */
static void on_call(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (!unlocks_inside(tl_rctx_unit(cx), ev->callee)) return;
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    struct ahl_fact *f = fact(cx, facts, s);
    for (uint32_t i = 0; f->lock && i < ev->nuses; i++)
      if (within(fn, s, ev->uses[i])) memset(f, 0, sizeof *f);
  }
}

/* ---- join ------------------------------------------------------------------------------ */

/* Held on some path wins; held on every path only when both sides say so; the lock kept
 * for the note is the first in the source. */
static void ahl_join(void *dst, const void *src) {
  struct ahl_fact *d = dst;
  const struct ahl_fact *s = src;
  if (!s->lock) {
    d->all_paths = 0;
    return;
  }
  if (!d->lock) {
    d->lock = s->lock;
    d->all_paths = 0;
    return;
  }
  d->all_paths &= s->all_paths;
  if (s->lock->loc.line < d->lock->loc.line ||
      (s->lock->loc.line == d->lock->loc.line && s->lock->loc.col < d->lock->loc.col))
    d->lock = s->lock;
}

const struct tl_rule tl_rule_await_holding_lock = {
  .id = "await-holding-lock",
  .summary = "an async function suspends in an await while it holds a mutex",
  .doc = tl_rule_doc_await_holding_lock,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct ahl_fact),
  .handlers = {
    [TL_EV_AWAIT] = on_await,
    [TL_EV_AWAIT_ALL] = on_await,
    [TL_EV_LOCK] = on_lock,
    [TL_EV_UNLOCK] = on_unlock,
    [TL_EV_CALL] = on_call,
  },
  .join = ahl_join,
};
