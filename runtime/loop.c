/* loop.c — the loop (the cashier): turns, coroutines, timers, the clock, issuing tickets.
 *
 * A turn runs the tasks queued before it began (coroutines to start or resume,
 * then-callbacks), in order; what they queue runs at the next turn. Between turns the loop
 * settles finished work, fires due timers, and when nothing is runnable it waits: for a
 * worker, for the next real timer, or, on the virtual clock with no work outstanding, it
 * jumps to the next timer's due time.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Thread_local tk__coro *tk__current;     /* the coroutine running on this thread */
static _Thread_local tk_loop *tk__running_loop; /* the loop in tk_loop_run on this thread */
static _Thread_local tk_loop *tk__newest_loop;  /* made last on this thread, until freed */

tk__coro *tk__coro_current(void) {
  return tk__current;
}

tk_loop *tk__loop_here(void) {
  if (tk__current)
    return tk__current->loop;
  return tk__running_loop ? tk__running_loop : tk__newest_loop;
}

/* ---- the task queue -------------------------------------------------------------------- */

void tk__loop_enqueue(tk_loop *loop, tk__task *task) {
  task->next = NULL;
  if (loop->ready.tail)
    loop->ready.tail->next = task;
  else
    loop->ready.head = task;
  loop->ready.tail = task;
}

/* ---- the clock ------------------------------------------------------------------------- */

uint64_t tk_loop_now(const tk_loop *loop) {
  if (!loop)
    return 0;
  if (loop->virtual_clock)
    return loop->virtual_ms;
  return (tk__real_ns() - loop->t0_ns) / 1000000u;
}

/* ---- timers: a binary min-heap ordered by (due, seq) ----------------------------------- */

static int timer_before(const tk__timer *a, const tk__timer *b) {
  return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static int timer_push(tk_loop *loop, uint64_t due, tk_promise *promise) {
  if (loop->ntimers == loop->timers_cap) {
    size_t cap = loop->timers_cap ? loop->timers_cap * 2 : 16;
    tk__timer *timers = tk__realloc(loop->timers, cap * sizeof *timers);
    if (!timers)
      return TK_ENOMEM;
    loop->timers = timers;
    loop->timers_cap = cap;
  }
  size_t i = loop->ntimers++;
  tk__timer t = {due, loop->timer_seq++, promise};
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!timer_before(&t, &loop->timers[parent]))
      break;
    loop->timers[i] = loop->timers[parent];
    i = parent;
  }
  loop->timers[i] = t;
  return 0;
}

static tk__timer timer_pop(tk_loop *loop) {
  tk__timer top = loop->timers[0];
  tk__timer last = loop->timers[--loop->ntimers];
  size_t n = loop->ntimers, i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n)
      break;
    if (child + 1 < n && timer_before(&loop->timers[child + 1], &loop->timers[child]))
      child++;
    if (!timer_before(&loop->timers[child], &last))
      break;
    loop->timers[i] = loop->timers[child];
    i = child;
  }
  if (n > 0)
    loop->timers[i] = last;
  return top;
}

static void timers_fire(tk_loop *loop) {
  uint64_t now = tk_loop_now(loop);
  while (loop->ntimers > 0 && loop->timers[0].due <= now) {
    tk__timer t = timer_pop(loop);
    tk__promise_settle(t.promise, 0, NULL);
  }
}

tk_promise *tk_sleep(tk_loop *loop, uint64_t ms) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!loop)
    return NULL;
  tk_promise *p = tk__promise_alloc(loop, TK__P_SLEEP, site);
  if (!p)
    return NULL;
  uint64_t now = tk_loop_now(loop);
  uint64_t due = ms > UINT64_MAX - now ? UINT64_MAX : now + ms;
  if (timer_push(loop, due, p) != 0) {
    tk__promise_destroy(p);
    return NULL;
  }
  return p;
}

/* ---- coroutines ------------------------------------------------------------------------ */

static void coro_entry(void) {
  tk__coro *co = tk__current;
  tk__fiber_enter(&co->fiber);
  co->mark_ns = tk__real_ns();
  void *result = NULL;
  int rc = co->fn(co->arg, &result);
  tk__callsite end = {NULL, 0};
  tk__slow_check(end);
  co->out_ns = tk__real_ns();
  tk__promise_settle(co->promise, rc, result);
  co->done = 1;
  tk__fiber_exit(&co->fiber, &co->loop->main_fiber);
}

void tk__coro_suspend(tk__coro *co, tk__callsite site) {
  tk_loop *loop = co->loop;
  uint64_t begin = tk__real_ns();
  co->out_ns = begin;
  tk__fiber_switch(&co->fiber, &loop->main_fiber);
  /* resumed by the loop, which set in_ns and mark_ns */
  if (loop->trace.file)
    tk__trace_span(&loop->trace, co->id, "await", begin, co->in_ns, NULL, site);
}

static void coro_free(tk_loop *loop, tk__coro *co) {
  if (co->prev)
    co->prev->next = co->next;
  else
    loop->coros = co->next;
  if (co->next)
    co->next->prev = co->prev;
  tk__fiber_close(&co->fiber);
  if (loop->nstacks < TK__STACK_CACHE) {
    tk__stack_scrub(&co->fiber.stack);
    loop->stacks[loop->nstacks++] = co->fiber.stack;
  } else {
    tk__stack_unmap(&co->fiber.stack);
  }
  tk__free(co);
}

static void coro_run(tk_loop *loop, tk__coro *co) {
  uint64_t now = tk__real_ns();
  if (co->in_ns == 0 && loop->trace.file) {
    char name[256];
    if (co->site.file)
      snprintf(name, sizeof name, "async #%u %s:%d", co->id, co->site.file, co->site.line);
    else
      snprintf(name, sizeof name, "async #%u", co->id);
    tk__trace_thread_name(&loop->trace, co->id, name, co->site);
  }
  co->in_ns = now;
  co->mark_ns = now;                    /* time spent suspended is not blocking */
  tk__current = co;
  tk__fiber_switch(&loop->main_fiber, &co->fiber);
  tk__current = NULL;
  if (loop->trace.file)
    tk__trace_span(&loop->trace, co->id, "run", co->in_ns, co->out_ns, NULL, co->site);
  if (co->done)
    coro_free(loop, co);
}

tk_promise *tk_async(tk_loop *loop, tk_fn fn, void *arg) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!loop || !fn)
    return NULL;
  tk_promise *p = tk__promise_alloc(loop, TK__P_ASYNC, site);
  if (!p)
    return NULL;
  tk__coro *co = tk__calloc(sizeof *co);
  if (!co)
    goto fail_promise;
  tk__stack stack;
  if (loop->nstacks > 0) {
    stack = loop->stacks[--loop->nstacks];
  } else if (tk__stack_map(&stack, TK__STACK_SIZE) != 0) {
    goto fail_coro;
  }
  if (tk__fiber_init(&co->fiber, &stack, coro_entry, &loop->main_fiber) != 0) {
    tk__stack_unmap(&stack);
    goto fail_coro;
  }
  co->task.kind = TK__TASK_CORO;
  co->loop = loop;
  co->fn = fn;
  co->arg = arg;
  co->promise = p;
  co->site = site;
  co->id = ++loop->next_coro_id;
  co->next = loop->coros;
  if (loop->coros)
    loop->coros->prev = co;
  loop->coros = co;
  tk__loop_enqueue(loop, &co->task);    /* starts at the next turn, never in here */
  return p;
fail_coro:
  tk__free(co);
fail_promise:
  tk__promise_destroy(p);
  return NULL;
}

/* ---- work ------------------------------------------------------------------------------ */

tk_promise *tk_work(tk_loop *loop, tk_fn fn, void *arg) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!loop || !fn)
    return NULL;
  if (!loop->pool_started) {
    if (tk__pool_start(&loop->pool) != 0)
      return NULL;
    loop->pool_started = 1;
    if (loop->trace.file) {
      for (int i = 0; i < loop->pool.nthreads; i++) {
        char name[32];
        snprintf(name, sizeof name, "worker %d", i);
        tk__trace_thread_name(&loop->trace, TK__TRACE_WORKER_TID + (unsigned)i, name,
                              (tk__callsite){NULL, 0});
      }
    }
  }
  tk_promise *p = tk__promise_alloc(loop, TK__P_WORK, site);
  if (!p)
    return NULL;
  tk__work *work = tk__calloc(sizeof *work);
  if (!work) {
    tk__promise_destroy(p);
    return NULL;
  }
  work->fn = fn;
  work->arg = arg;
  work->promise = p;
  loop->outstanding++;
  tk__pool_submit(&loop->pool, work);
  return p;
}

static void work_settle(tk_loop *loop, tk__work *list) {
  while (list) {
    tk__work *work = list;
    list = work->next;
    loop->outstanding--;
    if (loop->trace.file)
      tk__trace_span(&loop->trace, TK__TRACE_WORKER_TID + (unsigned)work->worker, "work",
                     work->start_ns, work->end_ns, NULL, work->promise->site);
    tk__promise_settle(work->promise, work->rc, work->result);
    tk__free(work);
  }
}

/* ---- the loop -------------------------------------------------------------------------- */

static uint64_t env_u64(const char *name, uint64_t fallback) {
  const char *text = getenv(name);
  if (!text || !*text)
    return fallback;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0')
    return fallback;
  return (uint64_t)v;
}

tk_loop *tk_loop_new(void) {
  tk_loop *loop = tk__calloc(sizeof *loop);
  if (!loop)
    return NULL;
  if (tk__pool_init(&loop->pool) != 0) {
    tk__free(loop);
    return NULL;
  }
  loop->t0_ns = tk__real_ns();
  const char *check = getenv("TK_CHECK");
  loop->checked = check && *check && strcmp(check, "0") != 0;
  loop->slow_ms = env_u64("TK_SLOW_MS", 50);
  const char *clock = getenv("TK_CLOCK");
  loop->virtual_clock = clock && strcmp(clock, "virtual") == 0;
  const char *trace = getenv("TK_TRACE");
  if (trace && *trace)
    tk__trace_open(&loop->trace, trace, loop->t0_ns);  /* failure: no trace, not an error */
  tk__newest_loop = loop;
  return loop;
}

void tk_loop_set_checked(tk_loop *loop, int checked) {
  if (loop)
    loop->checked = checked != 0;
}

void tk_loop_set_slow_ms(tk_loop *loop, uint64_t ms) {
  if (loop)
    loop->slow_ms = ms;
}

/* Nothing is runnable: wait for a worker or a timer, or jump the virtual clock. */
static void loop_wait(tk_loop *loop) {
  if (loop->outstanding > 0) {
    uint64_t deadline = 0;
    if (loop->ntimers > 0 && !loop->virtual_clock) {
      uint64_t due = loop->timers[0].due;
      deadline = due > (UINT64_MAX - loop->t0_ns) / 1000000u ? 0 : loop->t0_ns + due * 1000000u;
    }
    work_settle(loop, tk__pool_take_done(&loop->pool, 1, deadline));
    return;
  }
  if (loop->ntimers == 0)
    return;
  uint64_t due = loop->timers[0].due;
  if (loop->virtual_clock) {
    if (due > loop->virtual_ms)
      loop->virtual_ms = due;
    return;
  }
  uint64_t deadline = loop->t0_ns + due * 1000000u;
  struct timespec ts = {(time_t)(deadline / 1000000000u), (long)(deadline % 1000000000u)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

/* Checked mode, at the end of a run: every ticket not handed in is reported once. */
static void loop_report_unawaited(tk_loop *loop) {
  for (tk_promise *p = loop->first; p; p = p->next) {
    if (p->flags & (TK__P_HANDED_IN | TK__P_RELEASED | TK__P_REPORTED))
      continue;
    p->flags |= TK__P_REPORTED;
    const char *kind = tk__kind_name(p->kind);
    tk__report("unawaited-ticket", p->site, "ticket from '%s' is never awaited nor detached",
               kind);
    if (p->state == TK_REJECTED && !(p->flags & TK__P_EXAMINED))
      tk__report("unhandled-rejection", p->site,
                 "rejection of ticket from '%s' is never handled (%s)", kind,
                 tk_strerror(p->err));
  }
}

int tk_loop_run(tk_loop *loop) {
  if (!loop)
    return TK_EINVAL;
  if (loop->running || tk__running_loop || tk__current)
    return TK_EBUSY;
  loop->running = 1;
  tk__running_loop = loop;
  tk__fiber_thread(&loop->main_fiber);
  for (;;) {
    tk__task *task = loop->ready.head;  /* this turn: what was queued before it */
    loop->ready.head = loop->ready.tail = NULL;
    while (task) {
      tk__task *next = task->next;
      if (task->kind == TK__TASK_CORO) {
        coro_run(loop, (tk__coro *)task);
      } else {
        tk_promise *p = (tk_promise *)task;
        uint64_t begin = loop->trace.file ? tk__real_ns() : 0;
        tk__callsite then_site = p->then_site;
        tk__promise_run_then(p);
        if (loop->trace.file)
          tk__trace_span(&loop->trace, TK__TRACE_LOOP_TID, "then", begin, tk__real_ns(),
                         NULL, then_site);
      }
      task = next;
    }
    if (loop->outstanding > 0)
      work_settle(loop, tk__pool_take_done(&loop->pool, 0, 0));
    timers_fire(loop);
    if (loop->ready.head)
      continue;
    if (loop->ntimers == 0 && loop->outstanding == 0)
      break;
    loop_wait(loop);
    timers_fire(loop);
  }
  if (loop->checked)
    loop_report_unawaited(loop);
  if (loop->trace.file)
    fflush(loop->trace.file);
  tk__running_loop = NULL;
  loop->running = 0;
  return 0;
}

void tk_loop_free(tk_loop *loop) {
  if (!loop || loop->running)
    return;
  if (tk__newest_loop == loop)
    tk__newest_loop = NULL;
  tk__work *left = tk__pool_close(&loop->pool);
  while (left) {
    tk__work *next = left->next;
    tk__free(left);
    left = next;
  }
  while (loop->coros) {                 /* coroutines still suspended in an await */
    tk__coro *co = loop->coros;
    loop->coros = co->next;
    tk__fiber_close(&co->fiber);
    tk__stack_unmap(&co->fiber.stack);
    tk__free(co);
  }
  while (loop->nstacks > 0)
    tk__stack_unmap(&loop->stacks[--loop->nstacks]);
  while (loop->first)
    tk__promise_destroy(loop->first);
  tk__free(loop->timers);
  tk__trace_close(&loop->trace);
  tk__free(loop);
}
