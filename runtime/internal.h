/* internal.h — the runtime's private structures, shared by its translation units.
 *
 * Every runtime .c file includes this header first; it defines TK_NO_SITES so that the
 * call-site macros of ticket.h do not expand inside the runtime's own definitions.
 *
 * Ownership, in one paragraph: the loop owns every ticket (tk_promise), coroutine (tk__coro),
 * work item (tk__work) and timer it ever issued. A ticket is linked into the loop's list from
 * issue until it is released; a released ticket is freed, or, in checked mode, kept as a
 * tombstone (flag TK__P_RELEASED) until tk_loop_free() so that a double await reads valid
 * memory and is reported instead of being a use-after-free.
 */
#ifndef TK_INTERNAL_H
#define TK_INTERNAL_H

#define TK_NO_SITES
#include "ticket.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "fiber.h"

/* ---- allocator (alloc.c) --------------------------------------------------------------- */

void *tk__malloc(size_t size);
void *tk__calloc(size_t size);          /* zeroed */
void *tk__realloc(void *ptr, size_t size);
void  tk__free(void *ptr);

/* ---- call sites and checked-mode reports (check.c) ------------------------------------- */

typedef struct tk__callsite {
  const char *file;                     /* NULL when unknown (TK_NO_SITES caller) */
  int line;
} tk__callsite;

/* Read and clear the call site recorded by tk__site() on this thread. */
tk__callsite tk__site_take(void);

/* One checked-mode line on stderr: "ticket: <rule>: <file>:<line>: <message>". */
void tk__report(const char *rule, tk__callsite site, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* blocking-in-async: called at the entry of every call-site API function. */
void tk__slow_check(tk__callsite site);

uint64_t tk__real_ns(void);             /* CLOCK_MONOTONIC in nanoseconds */

/* ---- the loop's task queue ------------------------------------------------------------- */

/* A unit of loop work: a coroutine to start or resume, or a then-callback to call. Embedded
 * in its owner, so queueing never allocates. */
typedef struct tk__task {
  struct tk__task *next;
  int kind;                             /* TK__TASK_CORO or TK__TASK_THEN */
} tk__task;

enum { TK__TASK_CORO, TK__TASK_THEN };

typedef struct tk__queue {
  tk__task *head;
  tk__task *tail;
} tk__queue;

/* ---- tickets --------------------------------------------------------------------------- */

/* What issued a ticket; indexes tk__kind_name(). */
enum { TK__P_ASYNC, TK__P_WORK, TK__P_SLEEP, TK__P_NEW };

/* Ticket flags. */
enum {
  TK__P_COLLECTED = 1u << 0,            /* handed in: tk_await, tk_await_all or tk_then */
  TK__P_DETACHED  = 1u << 1,            /* handed in: tk_detach */
  TK__P_EXAMINED  = 1u << 2,            /* its outcome was looked at (tk_error, tk_state) */
  TK__P_RELEASED  = 1u << 3,            /* a tombstone (checked mode only) */
  TK__P_REPORTED  = 1u << 4,            /* end-of-run reports already made */
  TK__P_MARK      = 1u << 5,            /* scratch: duplicate detection in tk_await_all */
};
#define TK__P_HANDED_IN (TK__P_COLLECTED | TK__P_DETACHED)

struct tk__coro;

struct tk_promise {
  tk__task task;                        /* queued while its then-callback is due */
  tk_loop *loop;
  struct tk_promise *prev, *next;       /* the loop's list, in issue order */
  int kind;
  int state;                            /* TK_PENDING, TK_FULFILLED, TK_REJECTED */
  int err;                              /* rejection code when TK_REJECTED */
  unsigned flags;
  void *value;
  tk__callsite site;                        /* the issuing call */
  struct tk__coro *waiter;              /* coroutine blocked in tk_await/tk_await_all */
  tk_then_cb then_cb;
  void *then_arg;
  tk__callsite then_site;
};

const char *tk__kind_name(int kind);

/* Allocate a pending ticket linked into the loop; NULL when out of memory. */
tk_promise *tk__promise_alloc(tk_loop *loop, int kind, tk__callsite site);
/* Unlink and free at once (issue failed half way, or tk_loop_free). */
void tk__promise_destroy(tk_promise *self);
/* Settle a pending ticket and wake whoever handed it in; no-op when already settled. */
void tk__promise_settle(tk_promise *self, int err, void *value);
/* The ticket was handed in and consumed: free it, or keep a tombstone in checked mode. */
void tk__promise_release(tk_promise *self);
/* Run a then-callback task. */
void tk__promise_run_then(tk_promise *self);

/* ---- coroutines (loop.c) --------------------------------------------------------------- */

typedef struct tk__coro {
  tk__task task;                        /* queued while runnable */
  struct tk__coro *prev, *next;         /* the loop's live coroutines */
  tk_loop *loop;
  tk__fiber fiber;
  tk_fn fn;
  void *arg;
  tk_promise *promise;                  /* its own ticket, settled when fn returns */
  tk__callsite site;                    /* where it was issued (the ticket may go first) */
  size_t waits;                         /* tickets still pending in the current await */
  int done;
  /* checked mode, blocking-in-async: the last runtime call (or resume) and its time */
  uint64_t mark_ns;
  tk__callsite mark;
  /* trace */
  unsigned id;
  uint64_t in_ns;                       /* when the current running slice began */
  uint64_t out_ns;                      /* when it ended (set by tk__coro_suspend) */
} tk__coro;

/* The coroutine running on this thread, or NULL (loop code, then-callbacks, main). */
tk__coro *tk__coro_current(void);
/* The loop a call that names none belongs to (tk_await(NULL, ...)), for checked mode: the
 * running coroutine's, else the one in tk_loop_run on this thread, else the one made last
 * on this thread and not yet freed; NULL when there is none. */
tk_loop *tk__loop_here(void);
/* Suspend the current coroutine until co->waits drops to 0; `site` names the await. */
void tk__coro_suspend(tk__coro *co, tk__callsite site);
/* Make a suspended coroutine runnable (its waits reached 0). */
void tk__loop_enqueue(tk_loop *loop, tk__task *task);

/* ---- worker pool (pool.c) -------------------------------------------------------------- */

#define TK__POOL_THREADS 4

typedef struct tk__work {
  struct tk__work *next;
  tk_fn fn;
  void *arg;
  void *result;
  int rc;
  int worker;                           /* index of the worker that ran it (trace) */
  uint64_t start_ns, end_ns;            /* set by the worker (trace) */
  tk_promise *promise;
} tk__work;

typedef struct tk__pool {
  pthread_mutex_t mutex;
  pthread_cond_t jobs_cond;             /* workers wait here for jobs or stop */
  pthread_cond_t done_cond;             /* the loop waits here for completions */
  tk__work *jobs_head, *jobs_tail;      /* submitted, not started */
  tk__work *done_head, *done_tail;      /* finished, not yet settled on the loop */
  int stop;
  int nthreads;
  pthread_t threads[TK__POOL_THREADS];
  struct tk__pool_arg {
    struct tk__pool *pool;
    int index;
  } args[TK__POOL_THREADS];
} tk__pool;

int  tk__pool_init(tk__pool *self);
int  tk__pool_start(tk__pool *self);    /* lazily, at the first tk_work(); 0 or TK_ESYS */
void tk__pool_submit(tk__pool *self, tk__work *work);
/* Take the finished work items; if `wait`, block until one exists or `deadline_ns` (real
 * monotonic, 0 = none) passes. Returns the list (linked through next), possibly NULL. */
tk__work *tk__pool_take_done(tk__pool *self, int wait, uint64_t deadline_ns);
/* Stop and join the workers; returns every item not yet settled (queued, done). */
tk__work *tk__pool_close(tk__pool *self);

/* ---- trace (trace.c) ------------------------------------------------------------------- */

typedef struct tk__trace {
  FILE *file;
  int first;                            /* no event written yet (comma placement) */
  int pid;
  uint64_t t0_ns;
} tk__trace;

int  tk__trace_open(tk__trace *self, const char *path, uint64_t t0_ns);
void tk__trace_thread_name(tk__trace *self, unsigned tid, const char *name, tk__callsite site);
void tk__trace_span(tk__trace *self, unsigned tid, const char *name, uint64_t begin_ns,
                    uint64_t end_ns, const char *call, tk__callsite site);
void tk__trace_close(tk__trace *self);

#define TK__TRACE_LOOP_TID   0u
#define TK__TRACE_WORKER_TID 100000u    /* + worker index */

/* ---- timers (loop.c) ------------------------------------------------------------------- */

typedef struct tk__timer {
  uint64_t due;                         /* ms, loop time */
  uint64_t seq;                         /* creation order: ties fire first-come first-served */
  tk_promise *promise;
} tk__timer;

/* ---- the loop -------------------------------------------------------------------------- */

#define TK__STACK_SIZE (256u * 1024u)
#define TK__STACK_CACHE 16

struct tk_loop {
  int running;
  int checked;
  int virtual_clock;
  uint64_t slow_ms;
  uint64_t t0_ns;                       /* real monotonic time at tk_loop_new */
  uint64_t virtual_ms;                  /* virtual clock */

  tk__queue ready;                      /* tasks of the next turn */
  tk_promise *first, *last;             /* every attached ticket, tombstones included */
  tk__coro *coros;                      /* live coroutines */
  tk__fiber main_fiber;                 /* the thread that runs tk_loop_run */
  unsigned next_coro_id;

  tk__timer *timers;                    /* min-heap by (due, seq) */
  size_t ntimers, timers_cap;
  uint64_t timer_seq;

  tk__pool pool;
  int pool_started;
  size_t outstanding;                   /* work items submitted and not yet settled */

  tk__stack stacks[TK__STACK_CACHE];    /* coroutine stacks ready for reuse */
  size_t nstacks;

  tk__trace trace;
};

#endif /* TK_INTERNAL_H */
