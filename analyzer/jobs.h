/* jobs.h — running jobs (translation units) in forked worker processes, a few at a time, so
 * that one unit's crash or hang costs only that unit.
 *
 *   struct tl_jobs jobs = {.max_workers = 4, .timeout_s = 300,
 *                          .work = lint_one, .done = collect, .ctx = &driver};
 *   rc = tl_jobs_run(&jobs, nfiles);
 *
 * Each job runs in a child forked from the caller (fork after loading models and
 * configuration: the child sees them as they are, without reloading). The child calls
 * work(ctx, job, fd), writes its result to fd (a pipe), and exits with work's return value
 * without running atexit handlers or flushing the parent's stdio buffers (_exit). The parent
 * reads every pipe with poll(); when a child ends it calls done(ctx, job, result), in
 * completion order, never concurrently. A child that overruns its timeout is killed
 * (SIGKILL). No threads, no global state: jobs can nest in tests.
 *
 * The caller flushes its stdio streams before tl_jobs_run (tl_jobs_run does too). */
#ifndef TL_JOBS_H
#define TL_JOBS_H

#include <stddef.h>
#include <stdint.h>

enum tl_job_status {
  TL_JOB_DONE,       /* exited with status 0: data is its whole result */
  TL_JOB_FAILED,     /* exited with a non-zero status (exit_code) */
  TL_JOB_CRASHED,    /* killed by a signal (signal) */
  TL_JOB_TIMED_OUT   /* overran the timeout and was killed */
};

struct tl_job_result {
  enum tl_job_status status;
  int exit_code;      /* TL_JOB_FAILED */
  int signal;         /* TL_JOB_CRASHED */
  const char *data;   /* what the child wrote (NUL-terminated; may be partial unless DONE) */
  size_t len;
  double seconds;     /* wall time the job took */
};

/* In the child: do job `job`, write its result to fd; the return value is the exit status. */
typedef int (*tl_job_work_fn)(void *ctx, uint32_t job, int fd);
/* In the parent: job `job` ended; res and its data live until the call returns. 0, or a
 * negative code that stops tl_jobs_run (running children are killed) and is returned. */
typedef int (*tl_job_done_fn)(void *ctx, uint32_t job, const struct tl_job_result *res);

struct tl_jobs {
  unsigned max_workers;   /* children at a time; 0 means 1 */
  unsigned timeout_s;     /* per job; 0: none */
  tl_job_work_fn work;
  tl_job_done_fn done;
  void *ctx;
};

/* Run jobs 0..njobs-1, in order of their indexes (started in order, finished in any).
 * 0 when every job ended (whatever its status), a negative code from done, TL_ENOMEM, or
 * TL_EIO when a pipe or a child cannot be made (children already started are killed and
 * reaped first). */
int tl_jobs_run(const struct tl_jobs *self, uint32_t njobs);

/* Write all of buf to fd (retrying short writes and EINTR). 0 or TL_EIO. For work. */
int tl_jobs_write_all(int fd, const void *buf, size_t len);

/* The number of online processors (at least 1): the default for max_workers. */
unsigned tl_jobs_default_workers(void);

#endif /* TL_JOBS_H */
