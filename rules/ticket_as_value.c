/* ticket-as-value: reading the ticket as if it were the drink.
 *
 * ## What it does
 * Reports a value read while its ticket may still be pending on some path: a read of the
 * ticket's value or error (model `read`: `tk_value`, `tk_error`) before the ticket is
 * handed in, and a read of a buffer an operation fills (model `fill=`: the buffer of
 * `MPI_Irecv`) before that operation's ticket is handed in. Also reports a ticket used as a
 * plain value: compared with a value, cast to a non-ticket type, or in arithmetic. Checking
 * a ticket against NULL, or whether it is the same object as another pointer (`t == u`,
 * `*weak_pointer == task`), is a question about the ticket and stays quiet. So does storing
 * a ticket into the place a call then registers as holding it (model `holder=`: `*weak =
 * task; g_object_add_weak_pointer(G_OBJECT(task), weak);`): the place keeps the ticket.
 *
 * ## Why is this bad?
 * Ordering hands you a ticket, not the coffee. Until the ticket is handed in the value is
 * not there: `tk_value()` returns NULL, `tk_error()` returns `TK_EPENDING` (which looks
 * like "no error" to a careless check), and a receive buffer holds whatever was there
 * before, or half a message. A ticket cast to a number is an address, not a result.
 *
 * ## Example
 * ```c
 * tk_promise *t = tk_async(loop, brew, NULL);
 * const char *coffee = tk_value(t);        // still pending: NULL
 *
 * MPI_Irecv(buf, n, MPI_INT, src, 0, comm, &req);
 * total += buf[0];                         // the message may not be there yet
 * ```
 *
 * ## Use instead
 * ```c
 * void *coffee;
 * if (tk_await(t, &coffee) < 0)
 *   return -1;
 *
 * MPI_Wait(&req, MPI_STATUS_IGNORE);
 * total += buf[0];
 * ```
 * A read guarded by a poll that saw completion is fine, on the branch where the model's
 * `done=` predicate holds: `if (tk_state(t) != TK_PENDING) use(tk_value(t));`. So is a read
 * after `tk_resolve()`. An operation started with a callback (GIO's `*_async`, libuv's
 * requests) is waited for by running the event loop (model `runs-loop`): its buffer may be
 * read after `g_main_loop_run()`, or after `while (!result) g_main_context_iteration(NULL,
 * TRUE);`. Reading a ticket after it was collected is double-await's business, and a
 * buffer lent to an operation (`lend=`) is not this rule. On the branch of a test of a
 * start's returned status (model `status=ret`) where the start failed, it issued nothing:
 * its buffer may be read there (`if (pthread_create(&t, NULL, fn, &job)) { use(job); }`).
 *
 * A thread's argument (`pthread_create`'s `fill=`) is shared with a running thread: once
 * the creator has *acquired* (taken a lock, or made a blocking call that is not a timer: a
 * semaphore or condition wait, a barrier, a pipe read), or left a loop that does so on
 * every turn (`while (!ready) { lock; ready = r.ready; unlock; }`), what the thread wrote
 * before it released may be handed over on purpose, and reads of the argument are no longer
 * reported. A mutex inside the argument is a synchronisation object: locking or unlocking
 * it is not a read. A sleep synchronises nothing; nor does a lock taken before the create
 * and still held (the thread cannot have handed anything back under it). A thread whose
 * function (in the file) never writes through its parameter only reads its argument: it is
 * lent, not filled (docs/summaries.md), and reading it is fine. A `volatile` or `_Atomic`
 * object inside the argument is made to be shared with the running thread (a progress
 * counter, a flag): reading it is not reported. Handing the argument to a function of the
 * file that acquires before it touches it (`do_send(&rd)` locks `rd->mutex` first) is not
 * a read either: its reads come after synchronising.
 *
 * ## Known limitations
 * Only tickets issued in the function are followed: a ticket parameter, or one returned by
 * another function, is taken as settled, and so is a ticket passed to an unmodelled call.
 * A `switch` on a poll's answer does not settle the ticket in its cases. For a predicate
 * `done=ne:NAME`, a test `== OTHER` with another named constant is taken as done (the two
 * names are assumed to differ in value). A buffer read through an alias (`p = buf; *p`) or
 * as part of its enclosing struct (`use(&s)` while `s.data` is filled) is not seen. An array's
 * elements are one summarised slot: an array handed in whole (`MPI_Irecv(buf, ...)`) claims
 * every element, but a buffer that is one element (`MPI_Irecv(&val[0], ...)`) claims "some
 * element", and a read of an element (`val[1]`, or `val[0]` itself) while it is filled is not
 * seen. After
 * any acquire, a thread's argument is no longer followed, also when the acquire had nothing
 * to do with the thread; a semaphore posted or a condition signalled on an object inside the
 * argument (an unmodelled call) counts as a read of it; a field the thread never writes
 * (its input, `d.fd`) is still taken as being filled when the thread writes another one.
 */
#include <stdint.h>
#include <string.h>

#include "deps.h"
#include "lifecycle.h"
#include "rule.h"
#include "rule_docs.h"
#include "summary.h"

/* ---- abstract state: one per slot ------------------------------------------------------ */

enum tav_what {
  TAV_NONE,      /* nothing known: settled, never issued here, or not a ticket */
  TAV_TICKET,    /* a ticket that may be pending; ev is the START */
  TAV_BUFFER,    /* a buffer an operation may still be filling; ev the START, of its ticket */
  TAV_FLAG,      /* the answer of the POLL ev about ticket `of` */
  TAV_FLAG_ANY   /* the answer of different polls on different paths: useless */
};

struct tav_fact {
  uint32_t what;                 /* enum tav_what */
  tl_slot_id of;
  const struct tl_event *ev;
};

static int pending(const struct tav_fact *f) {
  return f->what == TAV_TICKET || f->what == TAV_BUFFER;
}

static struct tav_fact *fact(struct tl_rctx *cx, void *facts, tl_slot_id s) {
  return TL_FACT(cx, facts, struct tav_fact, s);
}

static const char *slot_name(const struct tl_func *fn, tl_slot_id s) {
  return s != TL_SLOT_NONE && s < fn->nslots && fn->slots[s].name ? fn->slots[s].name : "?";
}

/* 1 when s is `anc` or one of its FIELD/ELEM/DEREF descendants. */
static int within(const struct tl_func *fn, tl_slot_id s, tl_slot_id anc) {
  for (; s != TL_SLOT_NONE && s < fn->nslots; s = fn->slots[s].parent) {
    if (s == anc) return 1;
    if (fn->slots[s].parent >= s) return 0;
  }
  return 0;
}

/* Ticket t is settled (awaited, consumed, settled, given away): so are its copies (same
 * START) and the buffers its operation fills. */
static void settle(struct tl_rctx *cx, void *facts, tl_slot_id t) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (t == TL_SLOT_NONE || t >= fn->nslots) return;
  struct tav_fact tf = *fact(cx, facts, t);
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    struct tav_fact *f = fact(cx, facts, s);
    if (!pending(f)) continue;
    if (within(fn, s, t) || f->of == t || (tf.what == TAV_TICKET && f->ev == tf.ev))
      memset(f, 0, sizeof *f);
  }
}

static void forget(struct tl_rctx *cx, void *facts, tl_slot_id s) {
  if (s != TL_SLOT_NONE) memset(fact(cx, facts, s), 0, sizeof(struct tav_fact));
}

/* ---- messages -------------------------------------------------------------------------- */

static void note_issued(struct tl_rctx *cx, struct tl_diag *d, const struct tav_fact *f) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (!d || !f->ev) return;
  if (f->what == TAV_BUFFER)
    tl_note(cx, d, f->ev->loc, "'%s' fills it once its ticket completes; await '%s' first",
            f->ev->callee ? f->ev->callee : "the operation",
            f->ev->ticket ? slot_name(fn, f->ev->ticket) : "it");
  else
    tl_note(cx, d, f->ev->loc, "ticket '%s' issued here", slot_name(fn, f->ev->ticket));
}

/* 1 when slot u is an argument of the CALL ev only where ev's callee, a function of the
 * unit, acquires before it touches that parameter (summary.h): the callee reads what a
 * running thread shares with it after synchronising (`do_send(&rd)` locks `rd->mutex`
 * first), as the creator's own reads after an acquire. */
static int handed_to_synchronising_helper(struct tl_rctx *cx, const struct tl_event *ev,
                                          tl_slot_id u) {
  if (!ev || ev->kind != TL_EV_CALL || ev->model || !ev->callee || !ev->args) return 0;
  int handed = 0;
  for (uint32_t k = 0; k < ev->nargs; k++)
    if (ev->args[k].slot == u || ev->args[k].addr == u) {
      if (!tl_summary_acquires_first(tl_rctx_unit(cx), ev->callee, k)) return 0;
      handed = 1;
    }
  return handed;
}

/* A read of a buffer still being filled, among `uses` (skip: the slot a START fills; call:
 * the CALL the uses are the arguments of, or NULL). */
static void check_uses(struct tl_rctx *cx, void *facts, const tl_slot_id *uses, uint32_t n,
                       tl_slot_id skip, struct tl_loc loc, const struct tl_event *call) {
  if (!tl_rctx_reporting(cx)) return;
  const struct tl_func *fn = tl_rctx_func(cx);
  for (uint32_t i = 0; i < n; i++)
    for (tl_slot_id s = uses[i]; s != TL_SLOT_NONE && s < fn->nslots;
         s = fn->slots[s].parent) {
      const struct tav_fact *f = fact(cx, facts, s);
      /* A volatile or _Atomic object inside a thread's argument is made to be shared with
       * the running thread (a flag it sets): reading it is not reading a result early. */
      if (f->what == TAV_BUFFER && f->ev && (f->ev->flags & TL_F_OFFLOAD) &&
          ((fn->slots[uses[i]].flags & TL_SLOT_SHARED) ||
           handed_to_synchronising_helper(cx, call, uses[i])))
        break;
      /* An element slot (`val[]`) filled through one element (`&val[1]`) names "some
       * element": a read of it may be of another one (lifecycle.h), so it proves nothing. */
      if (f->what == TAV_BUFFER && s != skip && !tl_lc_slot_summary(fn, s)) {
        struct tl_diag *d = tl_report(cx, loc, "buffer '%s' read while the operation filling "
                                      "it is still pending on some path", slot_name(fn, s));
        note_issued(cx, d, f);
        return;
      }
      if (fn->slots[s].parent >= s) break;
    }
}

static void check_event(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_uses(cx, facts, ev->uses, ev->nuses, TL_SLOT_NONE, ev->loc, ev);
}

/* ---- handlers -------------------------------------------------------------------------- */

/* The slot a START fills. An array variable handed in whole (`MPI_Irecv(buf, ...)`: the
 * array itself is among the uses) is filled whole: the array's slot, so that a read of any element is
 * seen. A buffer that is one element (`&val[1]`) stays on the element slot `val[]`, which
 * stands for "some element": a read of `val[k]` may be of another one and proves nothing
 * (check_uses). */
static tl_slot_id filled(const struct tl_func *fn, const struct tl_event *ev) {
  if (!(ev->flags & TL_F_FILLS) || !ev->aux || ev->aux >= fn->nslots) return TL_SLOT_NONE;
  tl_slot_id array = fn->slots[ev->aux].parent;
  if (fn->slots[ev->aux].kind == TL_SLOT_ELEM && array != TL_SLOT_NONE && array < ev->aux &&
      (fn->slots[array].flags & TL_SLOT_ARRAY))       /* not a pointer moved on: `p + n` */
    for (uint32_t i = 0; i < ev->nuses; i++)
      if (ev->uses[i] == array) return array;
  return ev->aux;
}

static void on_start(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  tl_slot_id buf = filled(tl_rctx_func(cx), ev);
  /* A thread's argument is handed to the thread, not read here, whether the thread fills
   * it or only reads it (docs/summaries.md): its own reads are not the creator's. */
  tl_slot_id handed = buf;
  if (!handed && (ev->flags & TL_F_OFFLOAD) && (ev->flags & TL_F_LENDS)) handed = ev->aux;
  check_uses(cx, facts, ev->uses, ev->nuses, handed, ev->loc, NULL);
  if (ev->ticket) *fact(cx, facts, ev->ticket) = (struct tav_fact){TAV_TICKET, 0, ev};
  if (buf != TL_SLOT_NONE) *fact(cx, facts, buf) = (struct tav_fact){TAV_BUFFER, ev->ticket, ev};
}

static void on_await(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  settle(cx, facts, ev->ticket);
  forget(cx, facts, ev->dst);
  forget(cx, facts, ev->aux);
}

static void on_poll(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  if (!ev->dst) return;
  if (ev->ticket && ev->model && ev->model->done != TL_DONE_NONE)
    *fact(cx, facts, ev->dst) = (struct tav_fact){TAV_FLAG, ev->ticket, ev};
  else
    forget(cx, facts, ev->dst);
}

static void on_read(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  const struct tav_fact *f = ev->ticket ? fact(cx, facts, ev->ticket) : NULL;
  if (f && f->what == TAV_TICKET) {
    struct tl_diag *d = tl_report(cx, ev->loc, "value of ticket '%s' read while the ticket is "
                                  "still pending on some path: await it first",
                                  slot_name(tl_rctx_func(cx), ev->ticket));
    note_issued(cx, d, f);
  }
  forget(cx, facts, ev->dst);
}

/* ---- synchronising with a running thread ------------------------------------------------ */

/* 1 when ev waits for another thread: a lock taken, or a blocking call that is not a timer
 * (a condition variable, a semaphore, a barrier, a pipe read). What a thread wrote before it
 * released what we waited for is ours to read after it (a sleep promises nothing). */
static int acquires(const struct tl_event *ev) {
  if (ev->kind == TL_EV_LOCK) return 1;
  return ev->kind == TL_EV_BLOCKING && !(ev->model && ev->model->timer);
}

/* A thread's argument (an offloading start's `fill=`), still claimed. */
static int shared_with_thread(const struct tav_fact *f) {
  return f->what == TAV_BUFFER && f->ev && (f->ev->flags & TL_F_OFFLOAD);
}

/* 1 when some slot is a thread's argument still claimed. */
static int thread_claims(struct tl_rctx *cx, void *facts) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    if (shared_with_thread(fact(cx, facts, s))) return 1;
  return 0;
}

/* After an acquire, what a thread's argument holds may have been handed over on purpose:
 * the claim "still being filled" ends. The thread's ticket stays pending, and an
 * operation's buffer (not a thread's) stays claimed. */
static void synchronise(struct tl_rctx *cx, void *facts) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    if (shared_with_thread(fact(cx, facts, s))) forget(cx, facts, s);
}

/* LOCK, UNLOCK: the mutex is a synchronisation object, not data; taking it is an acquire. */
static void on_lock(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (ev->kind == TL_EV_LOCK) synchronise(cx, facts);
  forget(cx, facts, ev->dst);
}

static void on_other(struct tl_rctx *cx, void *facts, const struct tl_event *ev);

static void on_blocking(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (acquires(ev)) synchronise(cx, facts);
  on_other(cx, facts, ev);
}

static int acquires_q(const void *ctx, const struct tl_block *b, const struct tl_event *ev) {
  (void)ctx, (void)b;
  return acquires(ev);
}

/* 1 when the edge from `from` to `to` leaves a loop whose body acquires (`while (!ready)
 * { lock; ...; unlock; }`): taking this exit, the loop most likely ran and waited. */
static int leaves_waiting_loop(const struct tl_func *fn, uint32_t from, uint32_t to) {
  return tl_loop_exit_any(fn, from, to, acquires_q, NULL);
}

/* CONSUME, DETACH, SETTLE, ESCAPE: the ticket is out of our hands, or settled. */
static void on_handover(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  settle(cx, facts, ev->ticket);
  forget(cx, facts, ev->dst);
}

static void on_assign(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  if (!ev->dst) return;
  struct tav_fact copy = {0};
  if (ev->nuses == 1 && !(ev->flags & (TL_F_CONST | TL_F_NULL))) {
    const struct tav_fact *f = fact(cx, facts, ev->uses[0]);
    if (f->what == TAV_TICKET || f->what == TAV_FLAG || f->what == TAV_FLAG_ANY) copy = *f;
  }
  *fact(cx, facts, ev->dst) = copy;
}

static void on_value_use(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  if (!ev->ticket) return;
  const struct tav_fact *f = fact(cx, facts, ev->ticket);
  struct tl_diag *d = tl_report(cx, ev->loc, "ticket '%s' used as its value: the value is "
                                "not there while the ticket is still pending",
                                slot_name(tl_rctx_func(cx), ev->ticket));
  if (f->what == TAV_TICKET) note_issued(cx, d, f);
}

/* CALL, BLOCKING, LOCK, UNLOCK, RETURN: reads, and perhaps a write. A call that runs the
 * event loop (TL_F_RUNS_LOOP) completes the operations started with a callback: their
 * tickets and buffers are settled. */
static void loop_ran(struct tl_rctx *cx, void *facts) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    struct tav_fact *f = fact(cx, facts, s);
    if (pending(f) && f->ev && f->ev->model && f->ev->model->callback.index != TL_ARG_NONE)
      memset(f, 0, sizeof *f);
  }
}

static void on_other(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  check_event(cx, facts, ev);
  forget(cx, facts, ev->dst);
  if (tl_lc_runs_loop(tl_rctx_unit(cx), ev)) loop_ran(cx, facts);
}

/* A branch reads its condition's slots; the edge where a poll's `done=` holds settles, and
 * so does leaving a loop that runs the event loop (`while (!done) iterate`). */
static void tav_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from,
                     uint32_t succ) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (succ == 0 && from->term != TL_TERM_GOTO && from->term != TL_TERM_RETURN)
    check_uses(cx, facts, from->cond.uses, from->cond.nuses, TL_SLOT_NONE, from->cond.loc,
               NULL);
  if (fn->nloops && tl_lc_loop_exit_runs_loop(fn, tl_rctx_unit(cx), from->id, from->succs[succ]))
    loop_ran(cx, facts);
  if (thread_claims(cx, facts) && leaves_waiting_loop(tl_rctx_func(cx), from->id,
                                                     from->succs[succ]))
    synchronise(cx, facts);
  if (from->term != TL_TERM_BRANCH || from->cond.slot == TL_SLOT_NONE) return;
  const struct tl_event *failed[TL_LC_STATUS_STARTS_MAX];
  uint32_t nfailed = tl_lc_failed_starts(fn, from, succ, failed);
  for (tl_slot_id s = 1; nfailed && s < fn->nslots; s++) {   /* the start issued nothing */
    struct tav_fact *p = fact(cx, facts, s);
    for (uint32_t k = 0; k < nfailed && pending(p); k++)
      if (p->ev == failed[k]) memset(p, 0, sizeof *p);
  }
  const struct tav_fact *f = fact(cx, facts, from->cond.slot);
  if (f->what == TAV_FLAG && tl_edge_means_done(from, succ, f->ev->model))
    settle(cx, facts, f->of);
}

/* ---- join ------------------------------------------------------------------------------ */

/* Pending wins (may be pending on some path), keeping the earliest START as the witness;
 * a poll answer survives a path that knows nothing, two different ones cancel out. */
static void tav_join(void *dst, const void *src) {
  struct tav_fact *d = dst;
  const struct tav_fact *s = src;
  if (s->what == TAV_NONE || memcmp(d, s, sizeof *d) == 0) return;
  if (d->what == TAV_NONE) {
    *d = *s;
  } else if (pending(d) && pending(s)) {
    if ((uintptr_t)s->ev < (uintptr_t)d->ev ||
        (s->ev == d->ev && (s->what < d->what || (s->what == d->what && s->of < d->of))))
      *d = *s;
  } else if (pending(s)) {
    *d = *s;
  } else if (!pending(d)) {
    *d = (struct tav_fact){TAV_FLAG_ANY, 0, NULL};
  }
}

const struct tl_rule tl_rule_ticket_as_value = {
  .id = "ticket-as-value",
  .summary = "a value read while its ticket may still be pending",
  .doc = tl_rule_doc_ticket_as_value,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct tav_fact),
  .handlers = {
    [TL_EV_START] = on_start,
    [TL_EV_AWAIT] = on_await,
    [TL_EV_AWAIT_ALL] = on_await,
    [TL_EV_POLL] = on_poll,
    [TL_EV_READ] = on_read,
    [TL_EV_DETACH] = on_handover,
    [TL_EV_CONSUME] = on_handover,
    [TL_EV_SETTLE] = on_handover,
    [TL_EV_ESCAPE] = on_handover,
    [TL_EV_ASSIGN] = on_assign,
    [TL_EV_VALUE_USE] = on_value_use,
    [TL_EV_CALL] = on_other,
    [TL_EV_BLOCKING] = on_blocking,
    [TL_EV_LOCK] = on_lock,
    [TL_EV_UNLOCK] = on_lock,
    [TL_EV_RETURN] = on_other,
  },
  .edge = tav_edge,
  .join = tav_join,
};
