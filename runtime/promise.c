/* promise.c — tickets: issue, settle, hand in (await, await_all, then, detach), look at.
 *
 * A ticket's life: issued (linked into its loop, pending) -> settled (fulfilled or
 * rejected) -> handed in (collected by tk_await/tk_await_all/tk_then, or detached) ->
 * released once both happened. Released tickets are freed; in checked mode they stay as
 * tombstones until tk_loop_free(), so a second hand-in is reported, not a use-after-free.
 */
#include "internal.h"

#include <string.h>

/* ---- life cycle ------------------------------------------------------------------------ */

tk_promise *tk__promise_alloc(tk_loop *loop, int kind, tk__callsite site) {
  tk_promise *self = tk__calloc(sizeof *self);
  if (!self)
    return NULL;
  self->task.kind = TK__TASK_THEN;
  self->loop = loop;
  self->kind = kind;
  self->state = TK_PENDING;
  self->site = site;
  self->prev = loop->last;
  if (loop->last)
    loop->last->next = self;
  else
    loop->first = self;
  loop->last = self;
  return self;
}

void tk__promise_destroy(tk_promise *self) {
  tk_loop *loop = self->loop;
  if (self->prev)
    self->prev->next = self->next;
  else
    loop->first = self->next;
  if (self->next)
    self->next->prev = self->prev;
  else
    loop->last = self->prev;
  tk__free(self);
}

void tk__promise_release(tk_promise *self) {
  if (self->loop->checked) {
    self->flags |= TK__P_RELEASED;      /* tombstone: freed by tk_loop_free() */
    self->waiter = NULL;
    return;
  }
  tk__promise_destroy(self);
}

static void report_unhandled_detached(tk_promise *self) {
  if (self->loop->checked && self->state == TK_REJECTED && !(self->flags & TK__P_EXAMINED))
    tk__report("unhandled-rejection", self->site,
               "rejection of detached ticket from '%s' is never handled (%s)",
               tk__kind_name(self->kind), tk_strerror(self->err));
}

void tk__promise_settle(tk_promise *self, int err, void *value) {
  if (self->state != TK_PENDING)
    return;
  if (err != 0) {
    self->state = TK_REJECTED;
    self->err = err < 0 ? err : TK_EFAILED;
  } else {
    self->state = TK_FULFILLED;
    self->value = value;
  }
  if (self->waiter) {
    tk__coro *co = self->waiter;
    self->waiter = NULL;
    if (--co->waits == 0)
      tk__loop_enqueue(self->loop, &co->task);
  } else if (self->then_cb) {
    tk__loop_enqueue(self->loop, &self->task);
  } else if (self->flags & TK__P_DETACHED) {
    report_unhandled_detached(self);
    tk__promise_release(self);
  }
}

void tk__promise_run_then(tk_promise *self) {
  int err = self->state == TK_REJECTED ? self->err : 0;
  void *value = self->state == TK_FULFILLED ? self->value : NULL;
  self->then_cb(err, value, self->then_arg);
  tk__promise_release(self);
}

/* ---- wrapping callback APIs ------------------------------------------------------------ */

tk_promise *tk_promise_new(tk_loop *loop) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!loop)
    return NULL;
  return tk__promise_alloc(loop, TK__P_NEW, site);
}

void tk_resolve(tk_promise *p, void *value) {
  if (p && p->kind == TK__P_NEW)
    tk__promise_settle(p, 0, value);
}

void tk_reject(tk_promise *p, int err) {
  if (p && p->kind == TK__P_NEW)
    tk__promise_settle(p, err < 0 ? err : TK_EFAILED, NULL);
}

/* ---- handing in ------------------------------------------------------------------------ */

static void report_collected(const tk_promise *p, const char *call, tk__callsite site) {
  if (p->loop->checked)
    tk__report("double-await", site, "'%s' on a ticket from '%s' that is already collected",
               call, tk__kind_name(p->kind));
}

/* NULL where a ticket is needed: no issuing call made it, so it is reported at the hand-in,
 * on the loop the caller runs on (there is no ticket to name one). */
static void report_not_ticket(const char *call, const char *what, tk__callsite site) {
  tk_loop *loop = tk__loop_here();
  if (loop && loop->checked)
    tk__report("invalid-ticket", site, "'%s' on %s, which is not a ticket", call, what);
}

static void report_outside(const tk_promise *p, const char *call, tk__callsite site) {
  if (p->loop->checked)
    tk__report("await-outside-async", site, "'%s' called outside an async function", call);
}

static int outcome(const tk_promise *p, void **result) {
  if (p->state == TK_REJECTED)
    return p->err;
  if (result)
    *result = p->value;
  return 0;
}

int tk_await(tk_promise *p, void **result) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!p) {
    report_not_ticket("tk_await", "NULL", site);
    return TK_EINVAL;
  }
  if (p->flags & TK__P_HANDED_IN) {
    report_collected(p, "tk_await", site);
    return TK_ECOLLECTED;
  }
  tk__coro *co = tk__coro_current();
  if (!co) {
    report_outside(p, "tk_await", site);
    return TK_ENOTASYNC;
  }
  if (co->loop != p->loop)
    return TK_EINVAL;
  p->flags |= TK__P_COLLECTED;
  if (p->state == TK_PENDING) {
    p->waiter = co;
    co->waits = 1;
    tk__coro_suspend(co, site);
  }
  int rc = outcome(p, result);
  tk__promise_release(p);
  return rc;
}

int tk_await_all(tk_promise **ps, size_t n, void **results) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (n == 0)
    return 0;
  if (!ps) {
    report_not_ticket("tk_await_all", "a NULL array", site);
    return TK_EINVAL;
  }
  for (size_t i = 0; i < n; i++)
    if (!ps[i]) {
      report_not_ticket("tk_await_all", "an array holding NULL", site);
      return TK_EINVAL;
    }
  for (size_t i = 0; i < n; i++)
    if (ps[i]->loop != ps[0]->loop)
      return TK_EINVAL;
  /* Validate everything before collecting anything: on error no ticket is collected. */
  size_t bad = n;
  for (size_t i = 0; i < n && bad == n; i++) {
    if (ps[i]->flags & (TK__P_HANDED_IN | TK__P_MARK))
      bad = i;
    ps[i]->flags |= TK__P_MARK;
  }
  for (size_t i = 0; i < n; i++)
    ps[i]->flags &= ~(unsigned)TK__P_MARK;
  if (bad != n) {
    report_collected(ps[bad], "tk_await_all", site);
    return TK_ECOLLECTED;
  }
  tk__coro *co = tk__coro_current();
  if (!co) {
    report_outside(ps[0], "tk_await_all", site);
    return TK_ENOTASYNC;
  }
  if (co->loop != ps[0]->loop)
    return TK_EINVAL;
  co->waits = 0;
  for (size_t i = 0; i < n; i++) {
    ps[i]->flags |= TK__P_COLLECTED;
    if (ps[i]->state == TK_PENDING) {
      ps[i]->waiter = co;
      co->waits++;
    }
  }
  if (co->waits > 0)
    tk__coro_suspend(co, site);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    void *value = NULL;
    int err = outcome(ps[i], &value);
    if (err != 0 && rc == 0)
      rc = err;
    if (results)
      results[i] = value;               /* every slot, even on error: values are not lost */
    tk__promise_release(ps[i]);
  }
  return rc;
}

int tk_then(tk_promise *p, tk_then_cb cb, void *arg) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!p)
    report_not_ticket("tk_then", "NULL", site);
  if (!p || !cb)
    return TK_EINVAL;
  if (p->flags & TK__P_HANDED_IN) {
    report_collected(p, "tk_then", site);
    return TK_ECOLLECTED;
  }
  p->flags |= TK__P_COLLECTED;
  p->then_cb = cb;
  p->then_arg = arg;
  p->then_site = site;
  if (p->state != TK_PENDING)
    tk__loop_enqueue(p->loop, &p->task);  /* never called from inside tk_then() */
  return 0;
}

void tk_detach(tk_promise *p) {
  tk__callsite site = tk__site_take();
  tk__slow_check(site);
  if (!p) {
    report_not_ticket("tk_detach", "NULL", site);
    return;
  }
  if (p->flags & TK__P_HANDED_IN) {
    report_collected(p, "tk_detach", site);
    return;
  }
  p->flags |= TK__P_DETACHED;
  if (p->state != TK_PENDING) {
    report_unhandled_detached(p);
    tk__promise_release(p);
  }
}

/* ---- looking at a ticket --------------------------------------------------------------- */

/* Reads never change what the caller sees, but they do record that the outcome was looked
 * at; the ticket is never a const object (the runtime allocated it), so the cast is sound. */
static tk_promise *readable(const tk_promise *cp, const char *call, tk__callsite site) {
  tk__slow_check(site);
  if (!cp)
    return NULL;
  tk_promise *p = (tk_promise *)cp;
  if (p->flags & TK__P_HANDED_IN) {
    report_collected(p, call, site);
    return NULL;
  }
  return p;
}

int tk_state(const tk_promise *cp) {
  tk__callsite site = tk__site_take();
  tk_promise *p = readable(cp, "tk_state", site);
  if (!p)
    return cp ? TK_ECOLLECTED : TK_EINVAL;
  if (p->state != TK_PENDING)
    p->flags |= TK__P_EXAMINED;
  return p->state;
}

void *tk_value(const tk_promise *cp) {
  tk__callsite site = tk__site_take();
  tk_promise *p = readable(cp, "tk_value", site);
  if (!p)
    return NULL;
  if (p->state == TK_PENDING) {
    if (p->loop->checked)
      tk__report("ticket-as-value", site,
                 "value of ticket from '%s' read while it is still pending",
                 tk__kind_name(p->kind));
    return NULL;
  }
  return p->state == TK_FULFILLED ? p->value : NULL;
}

int tk_error(const tk_promise *cp) {
  tk__callsite site = tk__site_take();
  tk_promise *p = readable(cp, "tk_error", site);
  if (!p)
    return cp ? TK_ECOLLECTED : TK_EINVAL;
  if (p->state == TK_PENDING) {
    if (p->loop->checked)
      tk__report("ticket-as-value", site,
                 "error of ticket from '%s' read while it is still pending",
                 tk__kind_name(p->kind));
    return TK_EPENDING;
  }
  p->flags |= TK__P_EXAMINED;
  return p->state == TK_REJECTED ? p->err : 0;
}
