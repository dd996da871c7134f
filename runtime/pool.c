/* pool.c — the worker pool behind tk_work(): the baristas.
 *
 * A few threads, started at the first tk_work(), take jobs from a FIFO under one mutex and
 * put finished jobs on a done list under the same mutex, signalling done_cond so that a loop
 * sleeping in tk__pool_take_done() wakes up. Workers never allocate and never touch a
 * ticket: the loop settles tickets when it takes the done list.
 */
#include "internal.h"

#include <errno.h>
#include <time.h>

int tk__pool_init(tk__pool *self) {
  pthread_condattr_t attr;
  if (pthread_mutex_init(&self->mutex, NULL) != 0)
    return TK_ESYS;
  if (pthread_condattr_init(&attr) != 0)
    goto fail_mutex;
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  if (pthread_cond_init(&self->done_cond, &attr) != 0)
    goto fail_attr;
  if (pthread_cond_init(&self->jobs_cond, NULL) != 0)
    goto fail_done;
  pthread_condattr_destroy(&attr);
  return 0;
fail_done:
  pthread_cond_destroy(&self->done_cond);
fail_attr:
  pthread_condattr_destroy(&attr);
fail_mutex:
  pthread_mutex_destroy(&self->mutex);
  return TK_ESYS;
}

static void *worker_main(void *varg) {
  struct tk__pool_arg *arg = varg;
  tk__pool *self = arg->pool;
  pthread_mutex_lock(&self->mutex);
  for (;;) {
    while (!self->jobs_head && !self->stop)
      pthread_cond_wait(&self->jobs_cond, &self->mutex);
    if (self->stop)
      break;
    tk__work *work = self->jobs_head;
    self->jobs_head = work->next;
    if (!self->jobs_head)
      self->jobs_tail = NULL;
    pthread_mutex_unlock(&self->mutex);

    work->worker = arg->index;
    work->start_ns = tk__real_ns();
    work->result = NULL;
    work->rc = work->fn(work->arg, &work->result);
    work->end_ns = tk__real_ns();

    pthread_mutex_lock(&self->mutex);
    work->next = NULL;
    if (self->done_tail)
      self->done_tail->next = work;
    else
      self->done_head = work;
    self->done_tail = work;
    pthread_cond_signal(&self->done_cond);
  }
  pthread_mutex_unlock(&self->mutex);
  return NULL;
}

int tk__pool_start(tk__pool *self) {
  while (self->nthreads < TK__POOL_THREADS) {
    int i = self->nthreads;
    self->args[i].pool = self;
    self->args[i].index = i;
    if (pthread_create(&self->threads[i], NULL, worker_main, &self->args[i]) != 0)
      break;
    self->nthreads++;
  }
  return self->nthreads > 0 ? 0 : TK_ESYS;  /* fewer threads than asked still works */
}

void tk__pool_submit(tk__pool *self, tk__work *work) {
  work->next = NULL;
  pthread_mutex_lock(&self->mutex);
  if (self->jobs_tail)
    self->jobs_tail->next = work;
  else
    self->jobs_head = work;
  self->jobs_tail = work;
  pthread_cond_signal(&self->jobs_cond);
  pthread_mutex_unlock(&self->mutex);
}

tk__work *tk__pool_take_done(tk__pool *self, int wait, uint64_t deadline_ns) {
  struct timespec ts;
  ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
  ts.tv_nsec = (long)(deadline_ns % 1000000000u);
  pthread_mutex_lock(&self->mutex);
  while (wait && !self->done_head) {
    if (deadline_ns == 0) {
      pthread_cond_wait(&self->done_cond, &self->mutex);
    } else if (pthread_cond_timedwait(&self->done_cond, &self->mutex, &ts) == ETIMEDOUT) {
      break;
    }
  }
  tk__work *done = self->done_head;
  self->done_head = self->done_tail = NULL;
  pthread_mutex_unlock(&self->mutex);
  return done;
}

tk__work *tk__pool_close(tk__pool *self) {
  pthread_mutex_lock(&self->mutex);
  self->stop = 1;
  pthread_cond_broadcast(&self->jobs_cond);
  pthread_mutex_unlock(&self->mutex);
  for (int i = 0; i < self->nthreads; i++)
    pthread_join(self->threads[i], NULL);
  self->nthreads = 0;
  /* Queued jobs never started; finished ones were never taken. Hand both back. */
  tk__work *left = self->done_head;
  if (self->done_tail)
    self->done_tail->next = self->jobs_head;
  else
    left = self->jobs_head;
  self->jobs_head = self->jobs_tail = self->done_head = self->done_tail = NULL;
  pthread_cond_destroy(&self->jobs_cond);
  pthread_cond_destroy(&self->done_cond);
  pthread_mutex_destroy(&self->mutex);
  return left;
}
