/* jobs.c — forked workers with pipes, poll() and timeouts (jobs.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "tl_errno.h"

struct slot {
  pid_t pid;          /* 0: free */
  int fd;             /* read end of the child's pipe; -1 once at EOF */
  uint32_t job;
  double start, deadline;   /* monotonic seconds; deadline 0: none */
  char *buf;
  size_t len, cap;
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned tl_jobs_default_workers(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

int tl_jobs_write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return TL_EIO;
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

/* Start job `job` in slot s. 0, TL_EIO or TL_ENOMEM. */
static int slot_start(const struct tl_jobs *self, struct slot *slots, unsigned nslots,
                      struct slot *s, uint32_t job) {
  int p[2];
  if (pipe(p) < 0) return TL_EIO;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return TL_EIO;
  }
  if (pid == 0) {
    close(p[0]);
    for (unsigned i = 0; i < nslots; i++)   /* other children's pipes */
      if (slots[i].pid && slots[i].fd >= 0) close(slots[i].fd);
    signal(SIGPIPE, SIG_DFL);
    int code = self->work(self->ctx, job, p[1]);
    _exit(code);
  }
  close(p[1]);
  memset(s, 0, sizeof *s);
  s->pid = pid;
  s->fd = p[0];
  s->job = job;
  s->start = now_s();
  s->deadline = self->timeout_s ? s->start + self->timeout_s : 0;
  return 0;
}

/* Read what is there; at EOF, close fd. 0 or TL_ENOMEM. */
static int slot_read(struct slot *s) {
  for (;;) {
    if (s->cap - s->len < 4096) {
      size_t ncap = s->cap ? s->cap * 2 : 16384;
      char *nb = realloc(s->buf, ncap);
      if (!nb) return TL_ENOMEM;
      s->buf = nb;
      s->cap = ncap;
    }
    ssize_t r = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (r <= 0) {   /* EOF (or a read error: the result is what came) */
      close(s->fd);
      s->fd = -1;
      return 0;
    }
    s->len += (size_t)r;
    return 0;   /* poll again before the next read: never block on a live pipe */
  }
}

/* Reap the slot's child (killing it first when `kill_it`), report it, free the slot. */
static int slot_finish(const struct tl_jobs *self, struct slot *s, int kill_it, int timed_out) {
  int st = 0;
  if (kill_it) kill(s->pid, SIGKILL);
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
  }
  while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {}
  struct tl_job_result res = {0};
  if (timed_out) {
    res.status = TL_JOB_TIMED_OUT;
  } else if (WIFSIGNALED(st)) {
    res.status = TL_JOB_CRASHED;
    res.signal = WTERMSIG(st);
  } else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    res.status = TL_JOB_DONE;
  } else {
    res.status = TL_JOB_FAILED;
    res.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  if (s->buf) s->buf[s->len] = '\0';
  res.data = s->buf ? s->buf : "";
  res.len = s->len;
  res.seconds = now_s() - s->start;
  int rc = self->done ? self->done(self->ctx, s->job, &res) : 0;
  free(s->buf);
  memset(s, 0, sizeof *s);
  s->fd = -1;
  return rc;
}

static void kill_all(const struct tl_jobs *self, struct slot *slots, unsigned n) {
  (void)self;
  for (unsigned i = 0; i < n; i++) {
    if (!slots[i].pid) continue;
    kill(slots[i].pid, SIGKILL);
    if (slots[i].fd >= 0) close(slots[i].fd);
    while (waitpid(slots[i].pid, NULL, 0) < 0 && errno == EINTR) {}
    free(slots[i].buf);
    memset(&slots[i], 0, sizeof slots[i]);
  }
}

int tl_jobs_run(const struct tl_jobs *self, uint32_t njobs) {
  unsigned n = self->max_workers ? self->max_workers : 1;
  if (n > njobs) n = njobs ? njobs : 1;
  struct slot *slots = calloc(n, sizeof *slots);
  struct pollfd *pfd = calloc(n, sizeof *pfd);
  unsigned *which = calloc(n, sizeof *which);
  uint32_t next = 0;
  unsigned active = 0;
  int rc = 0;
  if (!slots || !pfd || !which) {
    rc = TL_ENOMEM;
    goto done;
  }
  for (unsigned i = 0; i < n; i++) slots[i].fd = -1;

  while (next < njobs || active > 0) {
    for (unsigned i = 0; i < n && next < njobs; i++) {
      if (slots[i].pid) continue;
      if ((rc = slot_start(self, slots, n, &slots[i], next)) < 0) goto fail;
      next++;
      active++;
    }
    /* wait for output, an EOF or the nearest deadline */
    double t = now_s(), nearest = 0;
    nfds_t np = 0;
    for (unsigned i = 0; i < n; i++) {
      if (!slots[i].pid) continue;
      if (slots[i].deadline && (!nearest || slots[i].deadline < nearest))
        nearest = slots[i].deadline;
      pfd[np].fd = slots[i].fd;
      pfd[np].events = POLLIN;
      pfd[np].revents = 0;
      which[np++] = i;
    }
    int timeout_ms = -1;
    if (nearest) {
      double ms = (nearest - t) * 1000.0 + 1;
      timeout_ms = ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
    }
    int pr = poll(pfd, np, timeout_ms);
    if (pr < 0 && errno != EINTR) {
      rc = TL_EIO;
      goto fail;
    }
    for (nfds_t k = 0; pr > 0 && k < np; k++) {
      struct slot *s = &slots[which[k]];
      if (!pfd[k].revents) continue;
      if ((rc = slot_read(s)) < 0) goto fail;
      if (s->fd < 0) {
        active--;
        if ((rc = slot_finish(self, s, 0, 0)) < 0) goto fail;
      }
    }
    t = now_s();
    for (unsigned i = 0; i < n; i++) {
      if (!slots[i].pid || !slots[i].deadline || t < slots[i].deadline) continue;
      active--;
      if ((rc = slot_finish(self, &slots[i], 1, 1)) < 0) goto fail;
    }
  }
  goto done;

fail:
  kill_all(self, slots, n);
done:
  free(slots);
  free(pfd);
  free(which);
  return rc;
}
