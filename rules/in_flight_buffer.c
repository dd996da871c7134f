/* in-flight-buffer: a buffer lent to an operation is touched before the operation is awaited.
 *
 * ## What it does
 * Reports a buffer that an operation still in flight reads (model `lend=`: the buffer of
 * `MPI_Isend`, the `arg` of `tk_work` and `tk_async`) or fills (model `fill=`: the buffer of
 * `MPI_Irecv`) when, before the operation's ticket is handed in, the buffer is
 * - written: assigned, or a field, element or `*p` inside it assigned;
 * - freed (model `free`: `free`, `realloc`);
 * - or left behind: the function returns while the buffer is one of its own locals (or a
 *   parameter passed by value), also when it returns the ticket itself; not when the
 *   return ends the process in failure (`return 1;` or `if (ret) return ret;` from
 *   `main`, or from a helper whose every caller then fails: docs/summaries.md, "Failing
 *   exits"), as a call to `exit()` does not: the operation, or the thread, goes with the
 *   process.
 * The finding is at the write, the free or the return, with a note where the buffer was
 * lent. "In flight" means: the ticket may still be pending on some path.
 *
 * ## Why is this bad?
 * You hand the barista your order slip and, while the coffee is being made, scribble over
 * it, throw it away, or walk off with the table it lies on. The operation reads the buffer
 * whenever it gets to it: a write before the await changes what it sends (or races with
 * the worker thread that reads it), a freed buffer is a use after free, and a local
 * buffer dies with its function's stack frame while the operation still points into it.
 * For a buffer being filled, a write is overwritten by the operation, or mixes with what
 * it writes. Rust's borrow checker refuses all three at compile time; C compiles them.
 *
 * ## Example
 * ```c
 * struct order o = { "espresso", 1 };
 * tk_promise *t = tk_work(loop, brew, &o);
 * o.drink = "latte";                     // brew may not have read the order yet
 *
 * char *msg = make_message();
 * MPI_Isend(msg, n, MPI_CHAR, 1, 0, comm, &req);
 * free(msg);                             // MPI still reads it
 * ```
 *
 * ## Use instead
 * ```c
 * struct order o = { "espresso", 1 };
 * tk_promise *t = tk_work(loop, brew, &o);
 * int err = tk_await(t, NULL);           // the order is back in your hands
 * o.drink = "latte";
 *
 * MPI_Isend(msg, n, MPI_CHAR, 1, 0, comm, &req);
 * MPI_Wait(&req, MPI_STATUS_IGNORE);
 * free(msg);
 * ```
 * A start that failed lent nothing: returning on `if (!t)` is fine. A buffer reached
 * through a pointer parameter belongs to the caller and may outlive the function with its
 * ticket. Reading a lent buffer is fine; reading a buffer being filled is ticket-as-value's
 * business. A thread's argument (`pthread_create`'s `fill=`) written while the creator
 * holds a lock, on every path, is shared on purpose: the thread cannot be inside that lock
 * (`pthread_mutex_lock(&w->lock); w->state = IDLE;`); freeing it, or leaving it behind,
 * is still reported. A `volatile` or `_Atomic` object inside a thread's argument is made to
 * be shared with it (`data.do_exit = 1;` to stop a thread that polls it): writing it is not
 * reported. A thread that never writes through its parameter only reads its argument: it
 * is lent to the thread, not filled (docs/summaries.md), and writing it is still reported.
 *
 * ## Known limitations
 * Only tickets issued in the function are followed, and only while this function owns
 * them: a ticket that is detached, handed to a consuming call (`tk_then`), stored in
 * longer-lived memory or passed to an unmodelled function ends the loan, since something
 * else may await it (so does a discarded ticket). A buffer is known by one name: writes
 * through another pointer (`q = p; q[0] = 1`) and writes inside unmodelled calls
 * (`memset`, `strcpy`) are not seen; after the pointer naming a lent buffer is reassigned,
 * the buffer is no longer followed. Array elements are one summarised slot: when an element
 * is lent inside a loop (`tk_work(loop, f, &jobs[i])`), writes to elements of that array
 * are not reported (they may be other elements), while freeing the array is. A local
 * declared inside a loop body is taken to live until the function returns. Any held lock
 * excuses a write to a thread's argument, whether or not the thread takes the same one.
 */
#include <stdint.h>
#include <string.h>

#include "lifecycle.h"
#include "rule_docs.h"
#include "summary.h"

/* ---- abstract state: one per slot ------------------------------------------------------ */

/* The lifecycle fact comes first: the lifecycle hooks see only it (tl_lc_fact indexes with
 * this rule's fact_size). `loan` is the START that lends or fills the slot, kept while its
 * ticket may still be pending on some path. `held`: the slot is a lock held on every path
 * (taken by a LOCK on it, not released since). */
struct ifb_fact {
  struct tl_lc_fact lc;
  const struct tl_event *loan;
  uint64_t held;
};

static struct ifb_fact *fact(struct tl_rctx *cx, void *facts, tl_slot_id s) {
  return TL_FACT(cx, facts, struct ifb_fact, s);
}

/* ---- which memory a slot names --------------------------------------------------------- */

/* A slot as a path from its variable: the root, then steps. `*` crosses a pointer (DEREF or
 * ELEM of a pointer, `p->f`'s arrow), `[]` stays inside an array, `.f` names a field. Two
 * slots overlap when one path extends the other without crossing a pointer. */
enum step_kind { STEP_STAR, STEP_ELEM, STEP_FIELD };
struct step { enum step_kind kind; const char *field; };
#define MAX_STEPS 32

struct path {
  tl_slot_id root;
  uint32_t n;
  struct step steps[MAX_STEPS];
};

static const char *field_name(const char *name) {
  const char *dot = strrchr(name, '.'), *arrow = strstr(name, "->"), *a = NULL;
  while (arrow) { a = arrow; arrow = strstr(arrow + 2, "->"); }
  if (a && (!dot || a > dot)) return a + 2;
  return dot ? dot + 1 : name;
}

/* 0 when the slot is not a well-formed chain (then nothing overlaps it). */
static int path_of(const struct tl_func *fn, tl_slot_id s, struct path *p) {
  tl_slot_id chain[MAX_STEPS + 1];
  uint32_t n = 0;
  if (s == TL_SLOT_NONE || s >= fn->nslots) return 0;
  while (fn->slots[s].parent != TL_SLOT_NONE) {
    if (n == MAX_STEPS || fn->slots[s].parent >= s) return 0;
    chain[n++] = s;
    s = fn->slots[s].parent;
  }
  p->root = s;
  p->n = 0;
  while (n-- > 0) {
    const struct tl_slot *c = &fn->slots[chain[n]], *par = &fn->slots[c->parent];
    int array = (par->flags & TL_SLOT_ARRAY) != 0;
    if (c->kind == TL_SLOT_FIELD) {
      if ((par->flags & TL_SLOT_POINTER) && p->n < MAX_STEPS)
        p->steps[p->n++] = (struct step){STEP_STAR, NULL};
      if (p->n == MAX_STEPS) return 0;
      p->steps[p->n++] = (struct step){STEP_FIELD, field_name(c->name)};
    } else {
      if (p->n == MAX_STEPS) return 0;
      p->steps[p->n++] = (struct step){array ? STEP_ELEM : STEP_STAR, NULL};
    }
  }
  return 1;
}

static int step_eq(const struct step *a, const struct step *b) {
  return a->kind == b->kind && (a->kind != STEP_FIELD || strcmp(a->field, b->field) == 0);
}

static int crosses_pointer(const struct path *p, uint32_t from) {
  for (uint32_t i = from; i < p->n; i++)
    if (p->steps[i].kind == STEP_STAR) return 1;
  return 0;
}

/* How a write (or free) of w relates to buffer b. */
enum reach { REACH_NONE, REACH_OVERLAP, REACH_REPOINT };

static enum reach reach_of(const struct tl_func *fn, tl_slot_id w, tl_slot_id b) {
  struct path pw, pb;
  if (!path_of(fn, w, &pw) || !path_of(fn, b, &pb) || pw.root != pb.root) return REACH_NONE;
  uint32_t n = pw.n < pb.n ? pw.n : pb.n;
  for (uint32_t i = 0; i < n; i++)
    if (!step_eq(&pw.steps[i], &pb.steps[i])) return REACH_NONE;
  if (pw.n <= pb.n)         /* w contains b, or holds a pointer on the way to it */
    return crosses_pointer(&pb, pw.n) ? REACH_REPOINT : REACH_OVERLAP;
  return crosses_pointer(&pw, pb.n) ? REACH_NONE : REACH_OVERLAP;   /* inside b */
}

/* Storage that dies when the function returns: a local or by-value parameter, or a part
 * of one that crosses no pointer. */
static int on_stack(const struct tl_func *fn, tl_slot_id b) {
  struct path p;
  if (!path_of(fn, b, &p) || crosses_pointer(&p, 0)) return 0;
  const struct tl_slot *r = &fn->slots[p.root];
  if (r->flags & (TL_SLOT_STATIC | TL_SLOT_LONGLIVED)) return 0;
  return r->kind == TL_SLOT_LOCAL || r->kind == TL_SLOT_PARAM;
}

static int in_loop(const struct tl_func *fn, const struct tl_event *ev) {
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const struct tl_block *blk = &fn->blocks[b];
    if (blk->nevents == 0 || ev < blk->events || ev >= blk->events + blk->nevents) continue;
    for (uint32_t l = 0; l < fn->nloops; l++)
      if (tl_loop_contains(&fn->loops[l], b)) return 1;
    return 0;
  }
  return 0;
}

/* ---- loans ----------------------------------------------------------------------------- */

/* 1 when some slot holds the ticket of `start` as pending. */
static int in_flight(struct tl_rctx *cx, void *facts, const struct tl_event *start) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id y = 1; y < fn->nslots; y++) {
    const struct tl_lc_fact *f = &fact(cx, facts, y)->lc;
    if ((f->states & TL_LC_PENDING) && f->origin == start) return 1;
  }
  return 0;
}

/* Drop the loans whose ticket is no longer pending anywhere; 1 when some loan is left. */
static int sweep(struct tl_rctx *cx, void *facts) {
  const struct tl_func *fn = tl_rctx_func(cx);
  int left = 0;
  for (tl_slot_id s = 1; s < fn->nslots; s++) {
    struct ifb_fact *f = fact(cx, facts, s);
    if (f->loan && !in_flight(cx, facts, f->loan)) f->loan = NULL;
    left |= f->loan != NULL;
  }
  return left;
}

/* 1 when some lock is held on every path: a thread's argument written under it is shared
 * on purpose (the thread cannot be inside that lock), not scribbled over. */
static int lock_held(struct tl_rctx *cx, void *facts) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    if (fact(cx, facts, s)->held) return 1;
  return 0;
}

/* ---- messages -------------------------------------------------------------------------- */

static const char *slot_name(const struct tl_func *fn, tl_slot_id s) {
  return tl_lc_slot_name(fn, s);
}

/* "lent to 'tk_work' until ticket 't' is awaited" */
static void describe_loan(const struct tl_func *fn, const struct tl_event *start, char *buf,
                          size_t len) {
  const char *how = (start->flags & TL_F_FILLS) ? "filled by" : "lent to";
  tl_slot_id t = start->ticket;
  if (t != TL_SLOT_NONE && t < fn->nslots && fn->slots[t].kind != TL_SLOT_TEMP)
    snprintf(buf, len, "%s '%s' until ticket '%s' is awaited", how, tl_lc_callee(start),
             slot_name(fn, t));
  else
    snprintf(buf, len, "%s '%s' until its ticket is awaited", how, tl_lc_callee(start));
}

static void note_loan(struct tl_rctx *cx, struct tl_diag *d, const struct tl_event *start) {
  if (start->flags & TL_F_FILLS)
    tl_note(cx, d, start->loc, "'%s' fills it from here on", tl_lc_callee(start));
  else
    tl_note(cx, d, start->loc, "lent to '%s' here", tl_lc_callee(start));
}

/* ---- checks ---------------------------------------------------------------------------- */

/* Slot w is written (or, with freed_by, freed) at ev: report the loans it touches; a write
 * of a pointer on the way to a lent buffer ends that buffer's loan (we lose its name). */
static void check_write(struct tl_rctx *cx, void *facts, const struct tl_event *ev,
                        tl_slot_id w, const char *freed_by) {
  const struct tl_func *fn = tl_rctx_func(cx);
  if (w == TL_SLOT_NONE || w >= fn->nslots) return;
  for (tl_slot_id b = 1; b < fn->nslots; b++) {
    struct ifb_fact *f = fact(cx, facts, b);
    if (!f->loan || f->loan == ev) continue;
    enum reach r = reach_of(fn, w, b);
    if (r == REACH_REPOINT && !freed_by) f->loan = NULL;
    if (r != REACH_OVERLAP || !tl_rctx_reporting(cx)) continue;
    if (!freed_by && tl_lc_slot_summary(fn, b) && in_loop(fn, f->loan)) continue;
    if (!freed_by && (f->loan->flags & TL_F_OFFLOAD) && lock_held(cx, facts)) continue;
    if (!freed_by && (f->loan->flags & TL_F_OFFLOAD) && (fn->slots[w].flags & TL_SLOT_SHARED))
      continue;                           /* a volatile or _Atomic flag the thread polls */
    char loan[256];
    describe_loan(fn, f->loan, loan, sizeof loan);
    struct tl_diag *d;
    if (freed_by)
      d = tl_report(cx, ev->loc, "buffer '%s' freed by '%s' while still in flight: %s",
                    slot_name(fn, b), freed_by, loan);
    else if (w == b)
      d = tl_report(cx, ev->loc, "buffer '%s' written while still in flight: %s",
                    slot_name(fn, b), loan);
    else
      d = tl_report(cx, ev->loc, "'%s' written while buffer '%s' is still in flight: %s",
                    slot_name(fn, w), slot_name(fn, b), loan);
    note_loan(cx, d, f->loan);
  }
}

/* The function is left at `where`: a local buffer whose operation may still be in flight
 * dies with the frame. Tickets handed in, given away or escaped on some path get the
 * benefit of the doubt (as for unawaited-ticket); the ticket being returned does not. */
static void check_exit(struct tl_rctx *cx, void *facts, struct tl_loc where,
                       tl_slot_id returned) {
  const struct tl_func *fn = tl_rctx_func(cx);
  const uint32_t given = TL_LC_COLLECTED | TL_LC_DETACHED | TL_LC_ESCAPED;
  if (!tl_rctx_reporting(cx)) return;
  for (tl_slot_id b = 1; b < fn->nslots; b++) {
    const struct ifb_fact *f = fact(cx, facts, b);
    if (!f->loan || !on_stack(fn, b)) continue;
    int lost = 0;
    for (tl_slot_id y = 1; y < fn->nslots && !lost; y++) {
      const struct tl_lc_fact *t = &fact(cx, facts, y)->lc;
      if (!(t->states & TL_LC_PENDING) || t->origin != f->loan) continue;
      lost = !(t->states & given) || (returned && tl_lc_slot_within(fn, y, returned));
    }
    if (!lost) continue;
    char loan[256];
    describe_loan(fn, f->loan, loan, sizeof loan);
    struct tl_diag *d = tl_report(cx, where, "buffer '%s' goes out of scope while still in "
                                  "flight: %s", slot_name(fn, b), loan);
    note_loan(cx, d, f->loan);
  }
}

/* ---- handlers -------------------------------------------------------------------------- */

/* Every event: the ticket changes first (an await ends its loan before its value is
 * stored), then the writes are checked, then a start lends its buffer. */
static void on_event(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  tl_lc_event(cx, facts, ev);
  if ((ev->kind == TL_EV_LOCK || ev->kind == TL_EV_UNLOCK) && ev->aux < fn->nslots)
    fact(cx, facts, ev->aux)->held = ev->kind == TL_EV_LOCK;
  if (sweep(cx, facts)) {
    if (ev->kind == TL_EV_START) check_write(cx, facts, ev, ev->ticket, NULL);
    if (ev->kind == TL_EV_CALL && ev->model && ev->model->event == TL_ME_FREE)
      check_write(cx, facts, ev, ev->aux, tl_lc_callee(ev));
    if (ev->kind != TL_EV_LOCK && ev->kind != TL_EV_UNLOCK && ev->kind != TL_EV_CALL &&
        ev->kind != TL_EV_START && ev->aux != ev->dst)
      check_write(cx, facts, ev, ev->aux, NULL);    /* an await's returned status */
    if (!(ev->flags & TL_F_NORETURN)) check_write(cx, facts, ev, ev->dst, NULL);
  }
  if (ev->kind == TL_EV_START && (ev->flags & (TL_F_LENDS | TL_F_FILLS)) &&
      ev->aux != TL_SLOT_NONE && ev->aux < fn->nslots && ev->ticket != TL_SLOT_NONE &&
      in_flight(cx, facts, ev))
    fact(cx, facts, ev->aux)->loan = ev;
}

/* A nonzero constant (or a variable known nonzero: TL_F_NONZERO_VAR) returned where that
 * ends the process in failure (main, or a helper whose every caller then fails: summary.h,
 * tl_summary_fails_exit) is a sink, as a call to exit() is: the process goes, and the
 * threads and operations with it. */
static void on_return(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  if (!tl_summary_return_fails(tl_rctx_summaries(cx), tl_rctx_func(cx), ev))
    check_exit(cx, facts, ev->loc, ev->ticket);
  tl_lc_event(cx, facts, ev);
  sweep(cx, facts);
}

/* As unawaited-ticket: null tests and failed starts issue nothing; leaving a loop that
 * hands the ticket in most likely handed it in. Falling off the end leaves the function. */
static void ifb_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from,
                     uint32_t succ) {
  const struct tl_func *fn = tl_rctx_func(cx);
  tl_lc_edge(cx, facts, from, succ);
  for (tl_slot_id s = 1; s < fn->nslots && fn->nloops; s++) {
    struct tl_lc_fact *f = &fact(cx, facts, s)->lc;
    if ((f->states & TL_LC_PENDING) &&
        tl_lc_loop_exit_hands_in(fn, from->id, from->succs[succ], s))
      tl_lc_fact_set(f, (f->states & ~(uint32_t)TL_LC_PENDING) | TL_LC_COLLECTED);
  }
  sweep(cx, facts);
  if (from->succs[succ] != fn->exit || from->term == TL_TERM_RETURN) return;
  struct tl_loc end = { fn->loc.end_line, fn->loc.end_col, fn->loc.end_line, fn->loc.end_col };
  check_exit(cx, facts, end, TL_SLOT_NONE);
}

/* ---- join ------------------------------------------------------------------------------ */

/* The lifecycle's union; of two loans the one lent first in the source is kept; a lock is
 * held where it is held on both sides. */
static void ifb_join(void *dst, const void *src) {
  struct ifb_fact *d = dst;
  const struct ifb_fact *s = src;
  tl_lc_fact_join(&d->lc, &s->lc);
  d->held = d->held && s->held;
  if (!d->loan || (s->loan && (s->loan->loc.line < d->loan->loc.line ||
                               (s->loan->loc.line == d->loan->loc.line &&
                                s->loan->loc.col < d->loan->loc.col))))
    if (s->loan) d->loan = s->loan;
}

const struct tl_rule tl_rule_in_flight_buffer = {
  .id = "in-flight-buffer",
  .summary = "a buffer lent to an operation is written, freed or left behind before the "
             "operation is awaited",
  .doc = tl_rule_doc_in_flight_buffer,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .fact_size = sizeof(struct ifb_fact),
  .init = tl_lc_init,
  .handlers = {
    [TL_EV_START] = on_event,
    [TL_EV_CREATE] = on_event,
    [TL_EV_AWAIT] = on_event,
    [TL_EV_AWAIT_ALL] = on_event,
    [TL_EV_POLL] = on_event,
    [TL_EV_READ] = on_event,
    [TL_EV_DETACH] = on_event,
    [TL_EV_CONSUME] = on_event,
    [TL_EV_SETTLE] = on_event,
    [TL_EV_ESCAPE] = on_event,
    [TL_EV_ASSIGN] = on_event,
    [TL_EV_CALL] = on_event,
    [TL_EV_BLOCKING] = on_event,
    [TL_EV_LOCK] = on_event,
    [TL_EV_UNLOCK] = on_event,
    [TL_EV_RETURN] = on_return,
  },
  .edge = ifb_edge,
  .join = ifb_join,
};
