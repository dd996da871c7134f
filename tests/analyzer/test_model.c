/* test_model.c — model files (analyzer/model.h): the shipped models, every malformed-model
 * message with its file:line:col, transactional loading, lookups and ticket-type matching. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "tl_errno.h"

static tl_models *models;

static void setup(void) { cr_assert_eq(tl_models_new(&models), 0); }
static void teardown(void) { tl_models_free(models); }

TestSuite(model, .init = setup, .fini = teardown);

static void load_ok(const char *text) {
  struct tl_srcerr err = {0};
  int rc = tl_models_load_buffer(models, "t.model", text, strlen(text), &err);
  cr_assert_eq(rc, 0, "load failed: %s:%d:%d: %s", err.file, err.line, err.col, err.msg);
}

static void write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  cr_assert_not_null(fp, "cannot write %s", path);
  fputs(text, fp);
  fclose(fp);
}

/* ---- the shipped models ---------------------------------------------------------------- */

Test(model, shipped_models_load_cleanly) {
  struct tl_srcerr err = {0};
  int rc = tl_models_load_dir(models, TL_SOURCE_MODEL_DIR, &err);
  cr_assert_eq(rc, 0, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  cr_assert_gt(tl_models_count(models), 50);
  cr_assert_not_null(tl_models_find(models, "tk_await"));
  cr_assert_not_null(tl_models_find(models, "usleep"));
  for (size_t i = 0; i < tl_models_count(models); i++) {
    const struct tl_model_fn *fn = tl_models_at(models, i);
    cr_assert_eq(tl_models_find(models, fn->name), fn, "%s", fn->name);
    cr_assert_not_null(fn->model);
    cr_assert_gt(fn->line, 0);
  }
}

Test(model, ticket_model_describes_the_runtime) {
  struct tl_srcerr err = {0};
  int rc = tl_models_load_file(models, TL_SOURCE_MODEL_DIR "/ticket.model", &err);
  cr_assert_eq(rc, 0, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);

  const struct tl_model_fn *f = tl_models_find(models, "tk_async");
  cr_assert_not_null(f);
  cr_assert_eq(f->event, TL_ME_START);
  cr_assert_eq(f->ticket.index, TL_ARG_RET);
  cr_assert_eq(f->async_fn.index, 1);
  cr_assert_eq(f->offload_fn.index, TL_ARG_NONE);
  cr_assert_str_eq(f->model, "ticket");
  cr_assert(strstr(f->file, "ticket.model"));

  f = tl_models_find(models, "tk_work");
  cr_assert_eq(f->offload_fn.index, 1);
  f = tl_models_find(models, "tk_sleep");
  cr_assert_eq(f->event, TL_ME_START);
  cr_assert(f->timer);
  cr_assert_eq(tl_models_find(models, "tk_promise_new")->event, TL_ME_START);

  f = tl_models_find(models, "tk_await");
  cr_assert_eq(f->event, TL_ME_AWAIT);
  cr_assert_eq(f->ticket.index, 0);
  cr_assert_eq(f->ticket.deref, 0);
  cr_assert_eq(f->value.index, 1);
  cr_assert_eq(f->value.deref, 1);
  cr_assert_eq(f->status.index, TL_ARG_RET);
  cr_assert(f->suspends);
  cr_assert_not(tl_model_fn_blocks(f));

  f = tl_models_find(models, "tk_await_all");
  cr_assert_eq(f->event, TL_ME_AWAIT_ALL);
  cr_assert_eq(f->tickets.index, 0);
  cr_assert_eq(f->count.index, 1);
  cr_assert_eq(f->value.index, 2);
  cr_assert_eq(f->value.deref, 1);
  cr_assert(f->suspends);

  f = tl_models_find(models, "tk_then");
  cr_assert_eq(f->event, TL_ME_CONSUME);
  cr_assert_eq(f->callback.index, 1);
  cr_assert_eq(tl_models_find(models, "tk_detach")->event, TL_ME_DETACH);

  f = tl_models_find(models, "tk_state");
  cr_assert_eq(f->event, TL_ME_POLL);
  cr_assert_eq(f->flag.index, TL_ARG_RET);
  cr_assert_eq(f->done, TL_DONE_NE);
  cr_assert_str_eq(f->done_constant, "TK_PENDING");

  cr_assert_eq(tl_models_find(models, "tk_value")->event, TL_ME_READ);
  cr_assert_eq(tl_models_find(models, "tk_error")->event, TL_ME_READ);
  cr_assert_eq(tl_models_find(models, "tk_resolve")->event, TL_ME_SETTLE);
  cr_assert_eq(tl_models_find(models, "tk_reject")->event, TL_ME_SETTLE);
  cr_assert_null(tl_models_find(models, "tk__site"));

  cr_assert(tl_models_is_ticket_type(models, "tk_promise *"));
  cr_assert(tl_models_is_async_marker(models, "TK_ASYNC"));
  cr_assert_str_eq(tl_models_header_model(models, "ticket.h"), "ticket");
  cr_assert_str_eq(tl_models_header_model(models, "/work/include/ticket.h"), "ticket");
}

Test(model, libc_model_blocking_and_locks) {
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_models_load_file(models, TL_SOURCE_MODEL_DIR "/libc.model", &err), 0,
               "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  const char *blocking[] = { "sleep", "usleep", "nanosleep", "system", "fgets", "fread",
                             "getchar", "getline", "scanf", "sem_wait", "waitpid", "wait",
                             "read", "recv", "accept", "connect", "poll", "select" };
  for (size_t i = 0; i < sizeof blocking / sizeof blocking[0]; i++) {
    const struct tl_model_fn *f = tl_models_find(models, blocking[i]);
    cr_assert_not_null(f, "%s", blocking[i]);
    cr_assert_eq(f->event, TL_ME_BLOCKING, "%s", blocking[i]);
    cr_assert(tl_model_fn_blocks(f), "%s", blocking[i]);
  }
  cr_assert(tl_models_find(models, "usleep")->timer);
  cr_assert_null(tl_models_find(models, "pthread_join"), "threads are in pthread.model");
  cr_assert_null(tl_models_find(models, "write"), "write is left out on purpose");
  const struct tl_model_fn *lock = tl_models_find(models, "pthread_mutex_lock");
  cr_assert_eq(lock->event, TL_ME_LOCK);
  cr_assert_eq(lock->mutex.index, 0);
  cr_assert_eq(tl_models_find(models, "pthread_mutex_unlock")->event, TL_ME_UNLOCK);
  cr_assert_not(tl_model_fn_blocks(lock));
  cr_assert_str_eq(tl_models_header_model(models, "/usr/include/x86_64-linux-gnu/sys/wait.h"),
                   "libc");
  cr_assert_null(tl_models_header_model(models, "/usr/include/mywait.h"));
}

static void load_shipped(const char *file) {
  struct tl_srcerr err = {0};
  char path[512];
  snprintf(path, sizeof path, "%s/%s", TL_SOURCE_MODEL_DIR, file);
  cr_assert_eq(tl_models_load_file(models, path, &err), 0, "%s:%d:%d: %s", err.file,
               err.line, err.col, err.msg);
}

static const struct tl_model_fn *want_fn(const char *name, enum tl_model_event ev) {
  const struct tl_model_fn *f = tl_models_find(models, name);
  cr_assert_not_null(f, "%s is not modelled", name);
  cr_assert_eq(f->event, ev, "%s is a '%s', expected '%s'", name,
               tl_model_event_name(f->event), tl_model_event_name(ev));
  return f;
}

Test(model, pthread_model_threads_are_tickets) {
  load_shipped("pthread.model");
  const struct tl_model_fn *create = want_fn("pthread_create", TL_ME_START);
  cr_assert_eq(create->ticket.index, 0);
  cr_assert_eq(create->ticket.deref, 1);
  cr_assert_eq(create->offload_fn.index, 2);
  cr_assert_eq(create->fill.index, 3, "the thread's argument is its result until the join");
  const struct tl_model_fn *join = want_fn("pthread_join", TL_ME_AWAIT);
  cr_assert(tl_model_fn_blocks(join), "an await without suspends blocks");
  cr_assert_eq(join->value.index, 1);
  want_fn("pthread_detach", TL_ME_DETACH);
  cr_assert_eq(want_fn("thrd_create", TL_ME_START)->offload_fn.index, 1);
  cr_assert(tl_model_fn_blocks(want_fn("thrd_join", TL_ME_AWAIT)));
  want_fn("thrd_detach", TL_ME_DETACH);
  cr_assert(tl_models_is_ticket_type(models, "pthread_t"));
  cr_assert(tl_models_is_ticket_type(models, "thrd_t"));
}

/* The MPI-Checker's hard-coded list misses most of these: every nonblocking call of the
 * standard's C binding must be here, with its request argument. */
Test(model, mpi_model_names_every_nonblocking_call) {
  load_shipped("mpi.model");
  static const struct { const char *name; int req; } starts[] = {
    { "MPI_Isend", 6 }, { "MPI_Ibsend", 6 }, { "MPI_Issend", 6 }, { "MPI_Irsend", 6 },
    { "MPI_Irecv", 6 }, { "MPI_Imrecv", 4 }, { "MPI_Ibarrier", 1 }, { "MPI_Ibcast", 5 },
    { "MPI_Ireduce", 7 }, { "MPI_Iallreduce", 6 }, { "MPI_Igather", 8 },
    { "MPI_Igatherv", 9 }, { "MPI_Iscatter", 8 }, { "MPI_Iscatterv", 9 },
    { "MPI_Iallgather", 7 }, { "MPI_Iallgatherv", 8 }, { "MPI_Ialltoall", 7 },
    { "MPI_Ialltoallv", 9 }, { "MPI_Ialltoallw", 9 }, { "MPI_Ireduce_scatter", 6 },
    { "MPI_Ireduce_scatter_block", 6 }, { "MPI_Iscan", 6 }, { "MPI_Iexscan", 6 },
    { "MPI_Start", 0 }, { "MPI_Startall", 1 },
  };
  for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
    const struct tl_model_fn *f = want_fn(starts[i].name, TL_ME_START);
    cr_assert_eq(f->ticket.index, starts[i].req, "%s", starts[i].name);
    cr_assert_eq(f->ticket.deref, 1, "%s", starts[i].name);
  }
  cr_assert_eq(want_fn("MPI_Isend", TL_ME_START)->lend.index, 0);
  cr_assert_eq(want_fn("MPI_Irecv", TL_ME_START)->fill.index, 0);
  cr_assert_eq(want_fn("MPI_Ialltoallw", TL_ME_START)->fill.index, 4);
  const struct tl_model_fn *wait = want_fn("MPI_Wait", TL_ME_AWAIT);
  cr_assert(tl_model_fn_blocks(wait), "MPI_Wait blocks the thread: no suspends");
  const char *all[] = { "MPI_Waitall", "MPI_Waitany", "MPI_Waitsome" };
  for (size_t i = 0; i < 3; i++) {
    const struct tl_model_fn *f = want_fn(all[i], TL_ME_AWAIT_ALL);
    cr_assert_eq(f->count.index, 0, "%s", all[i]);
    cr_assert_eq(f->tickets.index, 1, "%s", all[i]);
  }
  const char *polls[] = { "MPI_Test", "MPI_Testall", "MPI_Testany", "MPI_Testsome" };
  for (size_t i = 0; i < 4; i++) want_fn(polls[i], TL_ME_POLL);
  want_fn("MPI_Request_free", TL_ME_DETACH);
  cr_assert(want_fn("MPI_Start", TL_ME_START)->persistent);
  cr_assert(want_fn("MPI_Startall", TL_ME_START)->persistent);
  cr_assert(!want_fn("MPI_Isend", TL_ME_START)->persistent);
  cr_assert(want_fn("MPI_Test", TL_ME_POLL)->completes);
  cr_assert(!want_fn("MPI_Testany", TL_ME_POLL)->completes);
  cr_assert(want_fn("MPI_Waitany", TL_ME_AWAIT_ALL)->some);
  cr_assert(want_fn("MPI_Waitsome", TL_ME_AWAIT_ALL)->some);
  cr_assert(!want_fn("MPI_Waitall", TL_ME_AWAIT_ALL)->some);
  cr_assert(want_fn("MPI_Request_get_status", TL_ME_POLL)->accepts_sentinel);
  cr_assert(!want_fn("MPI_Request_free", TL_ME_DETACH)->accepts_sentinel);
  cr_assert(tl_models_is_sentinel(models, "MPI_REQUEST_NULL"));
  want_fn("MPI_Abort", TL_ME_EXIT);
  static const struct { const char *name; int req; } creates[] = {
    { "MPI_Send_init", 6 }, { "MPI_Recv_init", 6 }, { "MPI_Barrier_init", 2 },
    { "MPI_Bcast_init", 6 }, { "MPI_Alltoallw_init", 10 }, { "MPI_Psend_init", 8 },
    { "MPI_Precv_init", 8 }, { "MPI_Neighbor_alltoallw_init", 10 },
  };
  for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++) {
    const struct tl_model_fn *f = want_fn(creates[i].name, TL_ME_CREATE);
    cr_assert_eq(f->ticket.index, creates[i].req, "%s", creates[i].name);
    cr_assert_eq(f->ticket.deref, 1, "%s", creates[i].name);
  }
  /* a create names the buffer of its persistent starts; partitioned ones name none */
  cr_assert_eq(want_fn("MPI_Send_init", TL_ME_CREATE)->lend.index, 0);
  cr_assert_eq(want_fn("MPI_Recv_init", TL_ME_CREATE)->fill.index, 0);
  cr_assert_eq(want_fn("MPI_Scatter_init", TL_ME_CREATE)->fill.index, 3);
  cr_assert_eq(want_fn("MPI_Psend_init", TL_ME_CREATE)->lend.index, TL_ARG_NONE);
  cr_assert_eq(want_fn("MPI_Precv_init", TL_ME_CREATE)->fill.index, TL_ARG_NONE);
  cr_assert_eq(want_fn("MPI_Cancel", TL_ME_CANCEL)->ticket.deref, 1);
  cr_assert_eq(want_fn("MPI_Pready", TL_ME_USE)->ticket.index, 1);
  cr_assert(tl_models_is_ticket_type(models, "MPI_Request"));
  cr_assert_str_eq(tl_models_header_model(models, "/usr/include/x86_64-linux-gnu/mpich/mpi.h"),
                   "mpi");
}

Test(model, library_models_load_with_their_ticket_types) {
  static const struct { const char *file, *type, *fn; enum tl_model_event ev; } libs[] = {
    { "posix_aio.model", "struct aiocb", "aio_return", TL_ME_CONSUME },
    { "liburing.model", "struct io_uring_cqe *", "io_uring_cqe_seen", TL_ME_CONSUME },
    { "libuv.model", "uv_fs_t", "uv_fs_req_cleanup", TL_ME_CONSUME },
    { "glib.model", "GAsyncResult *", "g_input_stream_read_finish", TL_ME_CONSUME },
    { "cuda.model", "cudaStream_t", "cudaStreamSynchronize", TL_ME_AWAIT },
  };
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    load_shipped(libs[i].file);
    cr_assert(tl_models_is_ticket_type(models, libs[i].type), "%s", libs[i].type);
    want_fn(libs[i].fn, libs[i].ev);
  }
  cr_assert_eq(want_fn("aio_error", TL_ME_POLL)->done, TL_DONE_NE);
  cr_assert(tl_model_fn_blocks(want_fn("aio_suspend", TL_ME_BLOCKING)));
  cr_assert_eq(want_fn("uv_queue_work", TL_ME_START)->offload_fn.index, 2);
  cr_assert_eq(want_fn("uv_queue_work", TL_ME_START)->callback.index, 3);
  cr_assert_eq(want_fn("g_task_run_in_thread", TL_ME_START)->offload_fn.index, 1);
  cr_assert_eq(want_fn("cudaMemcpyAsync", TL_ME_START)->fill.index, 0);
  cr_assert(tl_model_fn_blocks(want_fn("cudaDeviceSynchronize", TL_ME_BLOCKING)));
  const struct tl_model_fn *adv = want_fn("io_uring_cq_advance", TL_ME_REAP);
  cr_assert(adv->owner.index == 0 && adv->owner.deref);
  cr_assert(want_fn("io_uring_peek_cqe", TL_ME_START)->refetch);
  cr_assert(!want_fn("io_uring_wait_cqe", TL_ME_START)->refetch);
}

/* GIO's *_async calls return nothing: the ticket (a GAsyncResult) only reaches the
 * callback. A start may name a callback= instead of a ticket=. */
Test(model, start_with_a_callback_needs_no_ticket) {
  load_ok("model m\nfn read_async start fill=1 callback=5\n");
  const struct tl_model_fn *f = tl_models_find(models, "read_async");
  cr_assert_not_null(f);
  cr_assert_eq(f->ticket.index, TL_ARG_NONE);
  cr_assert_eq(f->callback.index, 5);
  cr_assert_eq(f->fill.index, 1);
  load_shipped("glib.model");
  cr_assert_eq(want_fn("g_file_read_async", TL_ME_START)->ticket.index, TL_ARG_NONE);
}

/* ---- malformed models ------------------------------------------------------------------ */

struct bad_case {
  const char *text;
  int line, col;
  const char *msg;
};

static const struct bad_case bad_cases[] = {
  { "model m\nfn a stat ticket=0\n", 2, 6, "unknown event 'stat'" },
  { "model m\nfn a await ticket=0 persistent\n", 2, 21,
    "flag 'persistent' does not apply to a 'await' function" },
  { "model m\nfn a start ticket=0 completes\n", 2, 21,
    "flag 'completes' does not apply to a 'start' function" },
  { "model m\nfn a create\n", 2, 6, "'create' function 'a' needs role ticket=" },
  { "model m\nfn a await ticket=0 some\n", 2, 21,
    "flag 'some' does not apply to a 'await' function" },
  { "model m\nfn a detach ticket=0 accepts-sentinel\n", 2, 22,
    "flag 'accepts-sentinel' does not apply to a 'detach' function" },
  { "model m\nfn a await ticket=0 partial-on-error\n", 2, 21,
    "flag 'partial-on-error' does not apply to a 'await' function" },
  { "model m\nfn a exit ticket=0\n", 2, 11, "role 'ticket=' does not apply to a 'exit' function" },
  { "model m\nfn a reap\n", 2, 6, "'reap' function 'a' needs role owner=" },
  { "model m\nfn a start ticket=0 refetch\n", 2, 6, "needs role owner= (with refetch)" },
  { "model m\nfn a await ticket=0 refetch\n", 2, 21,
    "flag 'refetch' does not apply to a 'await' function" },
  { "model m\nfn a reap owner=*0 ticket=1\n", 2, 20, "role 'ticket=' does not apply to a 'reap' function" },
  { "model m\nfn a start tiket=0\n", 2, 12, "unknown role 'tiket='" },
  { "model m\nfn a start ticket=x\n", 2, 19, "invalid argument 'x' for 'ticket=' (expected N, *N or ret)" },
  { "model m\nfn a start ticket=64\n", 2, 19, "argument index '64' out of range 0..63" },
  { "model m\nfn a start ticket=*99999999999999999999\n", 2, 19, "out of range 0..63" },
  { "model m\nfn a start ticket=*ret\n", 2, 19, "cannot be '*ret'" },
  { "model m\nfn a start ticket=**1\n", 2, 19, "invalid argument '**1'" },
  { "model m\nfn a start ticket=1x\n", 2, 19, "invalid argument '1x'" },
  { "model m\nfn a start ticket=-1\n", 2, 19, "invalid argument '-1'" },
  { "model m\nfn a start\n", 2, 6, "'start' function 'a' needs role ticket= (or callback=" },
  { "model m\nfn a start fill=1\n", 2, 6, "needs role ticket= (or callback=" },
  { "model m\nfn a await value=*1\n", 2, 6, "'await' function 'a' needs role ticket=" },
  { "model m\nfn a use status=ret\n", 2, 6, "'use' function 'a' needs role ticket= (or owner=" },
  { "model m\nfn a await ticket=0 owner=1\n", 2, 21,
    "role 'owner=' does not apply to a 'await' function" },
  { "model m\nfn a await-all tickets=0\n", 2, 6, "needs role count=" },
  { "model m\nfn a await-all count=0\n", 2, 6, "needs role tickets=" },
  { "model m\nfn a poll ticket=0 flag=1\n", 2, 6, "'poll' function 'a' needs role done=" },
  { "model m\nfn a poll ticket=0 done=nonzero\n", 2, 6, "needs role flag=" },
  { "model m\nfn a poll flag=1 done=zero\n", 2, 6, "needs role ticket= (or tickets= and count=)" },
  { "model m\nfn a poll tickets=1 flag=3 done=zero\n", 2, 6, "needs role count=" },
  { "model m\nfn a poll ticket=0 tickets=1 count=2 flag=3 done=zero\n", 2, 6, "not both" },
  { "model m\nfn a poll ticket=0 count=2 flag=3 done=zero\n", 2, 6, "'count=' needs tickets=" },
  { "model m\nfn a read\n", 2, 6, "'read' function 'a' needs role ticket=" },
  { "model m\nfn a detach\n", 2, 6, "'detach' function 'a' needs role ticket=" },
  { "model m\nfn a consume callback=1\n", 2, 6, "'consume' function 'a' needs role ticket=" },
  { "model m\nfn a settle value=1\n", 2, 6, "'settle' function 'a' needs role ticket=" },
  { "model m\nfn a poll ticket=0 flag=1 done=maybe\n", 2, 32, "invalid done= 'maybe' (expected nonzero, zero, eq:CONST or ne:CONST)" },
  { "model m\nfn a poll ticket=0 flag=1 done=eq:\n", 2, 35, "invalid constant '' in done=" },
  { "model m\nfn a poll ticket=0 flag=1 done=ne:A-B\n", 2, 35, "invalid constant 'A-B'" },
  { "model m\nfn a poll ticket=0 flag=1 done=zero done=zero\n", 2, 37, "duplicate role 'done='" },
  { "model m\nfn a start ticket=0 ticket=1\n", 2, 21, "duplicate role 'ticket='" },
  { "model m\nfn a start ticket=0 flag=1\n", 2, 21, "role 'flag=' does not apply to a 'start' function" },
  { "model m\nfn a start ticket=ret done=zero\n", 2, 23, "role 'done=' does not apply to a 'start' function" },
  { "model m\nfn a lock ticket=0\n", 2, 11, "role 'ticket=' does not apply to a 'lock' function" },
  { "model m\nfn a blocking suspends\n", 2, 15, "flag 'suspends' does not apply to a 'blocking' function" },
  { "model m\nfn a blocking timer timer\n", 2, 21, "duplicate flag 'timer'" },
  { "model m\nfn a start ticket=0 runs-loop\n", 2, 21, "flag 'runs-loop' does not apply to a 'start' function" },
  { "model m\nfn a blocking runs-loop runs-loop\n", 2, 25, "duplicate flag 'runs-loop'" },
  { "model m\nfn a blocking blocks-without-callback\n", 2, 15, "flag 'blocks-without-callback' does not apply to a 'blocking' function" },
  { "model m\nfn a start ticket=*1 blocks-without-callback\n", 2, 6, "'start' function 'a' needs role callback= (with blocks-without-callback)" },
  { "model m\nfn a await ticket=0 suspend\n", 2, 21, "unknown flag 'suspend'" },
  { "model m\nfn a await ticket=0 \"suspends\"\n", 2, 21, "unknown flag '\"suspends\"'" },
  { "model m\nfn a await ticket=0 suspends=1\n", 2, 21, "flag 'suspends' takes no value" },
  { "model m\nfn a await ticket\n", 2, 12, "role 'ticket' needs a value, as in ticket=0" },
  { "model m\nfn 1a blocking\n", 2, 4, "invalid function name '1a'" },
  { "model m\nfn a=b blocking\n", 2, 4, "expected a function name, found 'a=b'" },
  { "model m\nfn a\n", 2, 1, "'fn' needs a function name and an event" },
  { "model m\nfn a blocking\n\n  fn a blocking\n", 4, 6, "duplicate function 'a' (first at line 2)" },
  { "model m\nfrobnicate x\n", 2, 1, "unknown directive 'frobnicate'" },
  { "model m\nfailure-counter\n", 2, 1, "'failure-counter' needs a variable name" },
  { "model m\nfailure-counter errs-1\n", 2, 17, "invalid variable name 'errs-1'" },
  { "model m\n  k=v\n", 2, 3, "expected a directive, found 'k=v'" },
  { "model m\n\"fn\" a blocking\n", 2, 1, "expected a directive, found '\"fn\"'" },
  { "model m\nmodel n\n", 2, 1, "duplicate 'model' directive (the model is 'm')" },
  { "fn a blocking\nmodel m\n", 1, 1, "expected 'model <name>' before 'fn'" },
  { "# only a comment\n\n", 1, 1, "missing 'model <name>' directive" },
  { "", 1, 1, "missing 'model <name>' directive" },
  { "model\n", 1, 1, "'model' needs a name" },
  { "model a b\n", 1, 9, "unexpected 'b' after the model name" },
  { "model a/b\n", 1, 7, "invalid model name 'a/b'" },
  { "model m\ntype\n", 2, 1, "'type' needs a type spelling" },
  { "model m\ntype tk_promise[4]\n", 2, 6, "invalid character '[' in type 'tk_promise[4]'" },
  { "model m\ntype const *\n", 2, 6, "type 'const *' names no type" },
  { "model m\ntype a k=v\n", 2, 8, "expected a type spelling, found 'k=v'" },
  { "model m\nasync-marker\n", 2, 1, "'async-marker' needs a macro name" },
  { "model m\nasync-marker A 9X\n", 2, 16, "invalid macro name '9X'" },
  { "model m\nheader\n", 2, 1, "'header' needs a header name" },
  { "model m\nheader ok.h /abs.h\n", 2, 13, "invalid header '/abs.h'" },
  { "model m\nheader <ok.h>\n", 2, 8, "invalid header '<ok.h>'" },
  { "model m\nfn a \"start\n", 2, 6, "unterminated string" },
  { "model m\nfn a start ticket=ret \x01\n", 2, 23, "control character U+0001" },
};

Test(model, every_malformed_model_gives_its_position_and_changes_nothing) {
  load_ok("model base\ntype base_t\nasync-marker BASE\nheader base.h\nfn keep blocking\n");
  const struct tl_model_fn *keep = tl_models_find(models, "keep");
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const struct bad_case *c = &bad_cases[i];
    struct tl_srcerr err = {0};
    int rc = tl_models_load_buffer(models, "bad.model", c->text, strlen(c->text), &err);
    cr_assert_eq(rc, TL_EMODEL, "case %zu: rc %d", i, rc);
    cr_assert_str_eq(err.file, "bad.model", "case %zu", i);
    cr_assert_eq(err.line, c->line, "case %zu: line %d, expected %d: %s", i, err.line,
                 c->line, err.msg);
    cr_assert_eq(err.col, c->col, "case %zu: col %d, expected %d: %s", i, err.col, c->col,
                 err.msg);
    cr_assert(strstr(err.msg, c->msg), "case %zu: message '%s' lacks '%s'", i, err.msg,
              c->msg);
    /* The set is unchanged. */
    cr_assert_eq(tl_models_count(models), 1, "case %zu", i);
    cr_assert_eq(tl_models_find(models, "keep"), keep, "case %zu", i);
    cr_assert_null(tl_models_find(models, "a"), "case %zu", i);
    cr_assert(tl_models_is_ticket_type(models, "base_t"));
    cr_assert_not(tl_models_is_ticket_type(models, "tk_promise*"));
    cr_assert_null(tl_models_header_model(models, "ok.h"));
    cr_assert_str_eq(tl_models_header_model(models, "base.h"), "base");
  }
}

Test(model, error_in_a_later_line_discards_the_earlier_lines) {
  const char *text = "model m\ntype new_t\nasync-marker NEW\nheader new.h\n"
                     "fn good blocking\nfn bad start\n";
  struct tl_srcerr err;
  cr_assert_eq(tl_models_load_buffer(models, "m.model", text, strlen(text), &err), TL_EMODEL);
  cr_assert_eq(err.line, 6);
  cr_assert_eq(tl_models_count(models), 0);
  cr_assert_null(tl_models_find(models, "good"));
  cr_assert_not(tl_models_is_ticket_type(models, "new_t"));
  cr_assert_not(tl_models_is_async_marker(models, "NEW"));
  cr_assert_null(tl_models_header_model(models, "new.h"));
}

Test(model, long_tokens_are_cut_in_messages) {
  char text[400] = "model m\nfn a ";
  memset(text + strlen(text), 'z', 200);
  strcat(text, " ticket=0\n");
  struct tl_srcerr err;
  cr_assert_eq(tl_models_load_buffer(models, "m.model", text, strlen(text), &err), TL_EMODEL);
  cr_assert(strstr(err.msg, "unknown event 'zzzz"), "%s", err.msg);
  cr_assert(strstr(err.msg, "...'"), "%s", err.msg);
  cr_assert_lt(strlen(err.msg), 200);
}

Test(model, missing_file_is_an_io_error) {
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_models_load_file(models, "/nonexistent/x.model", &err), TL_EIO);
  cr_assert_str_eq(err.file, "/nonexistent/x.model");
  cr_assert_eq(err.line, 0);
  cr_assert(strstr(err.msg, "cannot read model file"), "%s", err.msg);
  cr_assert_eq(tl_models_load_dir(models, "/nonexistent", &err), TL_EIO);
  cr_assert(strstr(err.msg, "cannot open model directory"), "%s", err.msg);
  cr_assert_eq(tl_models_load_file(models, TL_SOURCE_MODEL_DIR, &err), TL_EIO,
               "a directory is not a model file");
}

/* ---- roles ----------------------------------------------------------------------------- */

Test(model, roles_parse_into_argrefs) {
  load_ok("model mpi\n"
          "type MPI_Request\n"
          "fn MPI_Isend    start     ticket=*6 lend=*0 status=ret\n"
          "fn MPI_Irecv    start     ticket=*6 fill=*0\n"
          "fn MPI_Wait     await     ticket=*0 status=*1\n"
          "fn MPI_Waitall  await-all count=0 tickets=1 status=*2\n"
          "fn MPI_Test     poll      ticket=*0 flag=*1 done=nonzero\n"
          "fn MPI_Testall  poll      count=0 tickets=1 flag=*2 done=nonzero\n"
          "fn MPI_Request_free detach ticket=*0\n"
          "fn my_cancel    consume   ticket=63 callback=007\n"
          "fn my_poll      poll      ticket=0 flag=ret done=eq:-1\n");
  const struct tl_model_fn *f = tl_models_find(models, "MPI_Isend");
  cr_assert_eq(f->ticket.index, 6);
  cr_assert_eq(f->ticket.deref, 1);
  cr_assert_eq(f->lend.index, 0);
  cr_assert_eq(f->lend.deref, 1);
  cr_assert_eq(f->fill.index, TL_ARG_NONE);
  cr_assert_eq(f->status.index, TL_ARG_RET);
  cr_assert_eq(f->status.deref, 0);
  cr_assert_str_eq(f->model, "mpi");
  cr_assert_eq(f->line, 3);
  cr_assert_str_eq(f->file, "t.model");
  cr_assert_eq(tl_models_find(models, "MPI_Irecv")->fill.index, 0);
  f = tl_models_find(models, "MPI_Wait");
  cr_assert(tl_model_fn_blocks(f));
  f = tl_models_find(models, "MPI_Waitall");
  cr_assert_eq(f->count.index, 0);
  cr_assert_eq(f->tickets.index, 1);
  f = tl_models_find(models, "MPI_Test");
  cr_assert_eq(f->done, TL_DONE_NONZERO);
  cr_assert_null(f->done_constant);
  cr_assert_eq(tl_models_find(models, "MPI_Testall")->tickets.index, 1);
  f = tl_models_find(models, "my_cancel");
  cr_assert_eq(f->ticket.index, 63);
  cr_assert_eq(f->callback.index, 7);
  f = tl_models_find(models, "my_poll");
  cr_assert_eq(f->done, TL_DONE_EQ);
  cr_assert_str_eq(f->done_constant, "-1");
  cr_assert_eq(tl_models_count(models), 9);
}

Test(model, event_names_round_trip) {
  const char *names[] = { "start", "await", "await-all", "poll", "read", "detach", "consume",
                          "settle", "blocking", "lock", "unlock" };
  for (int i = 0; i < 11; i++)
    cr_assert_str_eq(tl_model_event_name((enum tl_model_event)i), names[i]);
  cr_assert_str_eq(tl_model_event_name((enum tl_model_event)99), "?");
}

/* ---- lookups --------------------------------------------------------------------------- */

Test(model, find_unknown_and_null) {
  load_ok("model m\nfn a blocking\n");
  cr_assert_null(tl_models_find(models, "b"));
  cr_assert_null(tl_models_find(models, ""));
  cr_assert_null(tl_models_find(models, NULL));
  cr_assert_null(tl_models_at(models, 1));
  cr_assert_str_eq(tl_models_at(models, 0)->name, "a");
}

Test(model, find_among_many_functions) {
  size_t n = 5000, cap = n * 40 + 32;
  char *text = malloc(cap);
  size_t o = (size_t)sprintf(text, "model big\n");
  for (size_t i = 0; i < n; i++) o += (size_t)sprintf(text + o, "fn f%zu blocking\n", i);
  load_ok(text);
  free(text);
  cr_assert_eq(tl_models_count(models), n);
  char name[32];
  for (size_t i = 0; i < n; i++) {
    sprintf(name, "f%zu", i);
    const struct tl_model_fn *f = tl_models_find(models, name);
    cr_assert_not_null(f, "%s", name);
    cr_assert_str_eq(f->name, name);
    cr_assert_eq(f->line, (int)i + 2);
    cr_assert_eq(tl_models_at(models, i), f);
  }
  cr_assert_null(tl_models_find(models, "f5000"));
}

Test(model, later_load_overrides_a_function_in_place) {
  load_ok("model one\nfn a blocking\nfn b blocking\n");
  const struct tl_model_fn *b = tl_models_find(models, "b");
  struct tl_srcerr err;
  const char *two = "model two\nfn a start ticket=ret\nfn c blocking\n";
  cr_assert_eq(tl_models_load_buffer(models, "two.model", two, strlen(two), &err), 0);
  cr_assert_eq(tl_models_count(models), 3);
  const struct tl_model_fn *a = tl_models_find(models, "a");
  cr_assert_eq(a->event, TL_ME_START);
  cr_assert_str_eq(a->model, "two");
  cr_assert_str_eq(a->file, "two.model");
  cr_assert_eq(tl_models_at(models, 0), a, "the override keeps the first position");
  cr_assert_eq(tl_models_find(models, "b"), b);
  cr_assert_str_eq(tl_models_at(models, 2)->name, "c");
}

Test(model, same_file_twice_is_harmless) {
  load_ok("model m\ntype t_t\nasync-marker M\nheader m.h\nfn a blocking\n");
  load_ok("model m\ntype t_t\nasync-marker M\nheader m.h\nfn a blocking\n");
  cr_assert_eq(tl_models_count(models), 1);
  cr_assert(tl_models_is_ticket_type(models, "t_t"));
}

Test(model, load_dir_is_sorted_and_transactional) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/model_dir_%d", TL_TEST_BINARY_DIR, (int)getpid());
  mkdir(dir, 0700);
  char a[600], b[600], c[600], ignored[600];
  snprintf(a, sizeof a, "%s/b.model", dir);
  snprintf(b, sizeof b, "%s/a.model", dir);
  snprintf(c, sizeof c, "%s/c.model", dir);
  snprintf(ignored, sizeof ignored, "%s/notes.txt", dir);
  write_file(b, "model first\nfn x blocking\nfn only_a blocking\n");
  write_file(a, "model second\nfn x start ticket=ret\n");
  write_file(ignored, "not a model\n");
  write_file(c, "model third\nfn y blocking\nfn z nonsense\n");

  struct tl_srcerr err = {0};
  cr_assert_eq(tl_models_load_dir(models, dir, &err), TL_EMODEL);
  cr_assert(strstr(err.file, "c.model"), "%s", err.file);
  cr_assert_eq(err.line, 3);
  cr_assert_eq(err.col, 6);
  cr_assert_eq(tl_models_count(models), 0, "nothing of the directory is loaded");

  write_file(c, "model third\nfn y blocking\n");
  cr_assert_eq(tl_models_load_dir(models, dir, &err), 0, "%s", err.msg);
  cr_assert_eq(tl_models_count(models), 3);
  const struct tl_model_fn *x = tl_models_find(models, "x");
  cr_assert_eq(x->event, TL_ME_START, "b.model comes after a.model");
  cr_assert_str_eq(x->model, "second");
  cr_assert_not_null(tl_models_find(models, "only_a"));

  /* The same function twice in one file of a directory is still an error. */
  write_file(c, "model third\nfn x blocking\nfn x blocking\n");
  cr_assert_eq(tl_models_load_dir(models, dir, &err), TL_EMODEL);
  cr_assert_eq(err.line, 3);

  unlink(a);
  unlink(b);
  unlink(c);
  unlink(ignored);
  rmdir(dir);
}

Test(model, load_file_reads_a_file) {
  char path[512];
  snprintf(path, sizeof path, "%s/one_%d.model", TL_TEST_BINARY_DIR, (int)getpid());
  write_file(path, "model one\r\nfn a blocking\r\n");
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_models_load_file(models, path, &err), 0, "%s", err.msg);
  cr_assert_str_eq(tl_models_find(models, "a")->file, path);
  write_file(path, "model one\nfn a blocking\nfn b start ticket=99\n");
  cr_assert_eq(tl_models_load_file(models, path, &err), TL_EMODEL);
  cr_assert_str_eq(err.file, path);
  cr_assert_eq(err.line, 3);
  cr_assert_eq(err.col, 19);
  unlink(path);
}

/* ---- ticket types, markers, headers ---------------------------------------------------- */

Test(model, ticket_type_matching_ignores_whitespace_and_qualifiers) {
  load_ok("model m\ntype tk_promise  *\ntype struct   aiocb\ntype MPI_Request\n");
  const char *yes[] = { "tk_promise *", "tk_promise*", "tk_promise  *", " tk_promise\t* ",
                        "const tk_promise *", "tk_promise *const", "tk_promise * restrict",
                        "struct aiocb", "struct\taiocb", " struct  aiocb ", "MPI_Request",
                        "volatile MPI_Request" };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    cr_assert(tl_models_is_ticket_type(models, yes[i]), "'%s'", yes[i]);
  const char *no[] = { "tk_promise", "tk_promise **", "tk_promis *", "tk_promise_t *",
                       "structaiocb", "aiocb", "struct aiocb *", "MPI_Request *",
                       "MPI_Request[4]", "", "const", "*" };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    cr_assert_not(tl_models_is_ticket_type(models, no[i]), "'%s'", no[i]);
  cr_assert_not(tl_models_is_ticket_type(models, NULL));
}

Test(model, ticket_type_spelled_in_several_tokens_or_one) {
  load_ok("model m\ntype tk_promise*\ntype unsigned   long *\n");
  cr_assert(tl_models_is_ticket_type(models, "tk_promise *"));
  cr_assert(tl_models_is_ticket_type(models, "unsigned long*"));
  cr_assert_not(tl_models_is_ticket_type(models, "unsignedlong *"));
}

Test(model, async_markers) {
  load_ok("model m\nasync-marker TK_ASYNC MY_ASYNC\n");
  cr_assert(tl_models_is_async_marker(models, "TK_ASYNC"));
  cr_assert(tl_models_is_async_marker(models, "MY_ASYNC"));
  cr_assert_not(tl_models_is_async_marker(models, "tk_async"));
  cr_assert_not(tl_models_is_async_marker(models, NULL));
}

Test(model, failure_counters_are_matched_exactly) {
  load_ok("model t\nfailure-counter errs nerrs\nfailure-counter errs\n");
  cr_assert(tl_models_is_failure_counter(models, "errs"));
  cr_assert(tl_models_is_failure_counter(models, "nerrs"));
  cr_assert_not(tl_models_is_failure_counter(models, "err"));
  cr_assert_not(tl_models_is_failure_counter(models, NULL));
}

Test(model, headers_match_on_path_components) {
  load_ok("model mpi\nheader mpi.h\n");
  load_ok("model wait\nheader sys/wait.h \"with space.h\"\n");
  cr_assert_str_eq(tl_models_header_model(models, "mpi.h"), "mpi");
  cr_assert_str_eq(tl_models_header_model(models, "/opt/mpich/include/mpi.h"), "mpi");
  cr_assert_null(tl_models_header_model(models, "/opt/include/xmpi.h"));
  cr_assert_null(tl_models_header_model(models, "mpi.hpp"));
  cr_assert_str_eq(tl_models_header_model(models, "sys/wait.h"), "wait");
  cr_assert_str_eq(tl_models_header_model(models, "/usr/include/sys/wait.h"), "wait");
  cr_assert_null(tl_models_header_model(models, "/usr/include/wait.h"));
  cr_assert_str_eq(tl_models_header_model(models, "/a/with space.h"), "wait");
  load_ok("model mpi2\nheader mpi.h\n");
  cr_assert_str_eq(tl_models_header_model(models, "mpi.h"), "mpi2", "the latest load wins");
  cr_assert_null(tl_models_header_model(models, NULL));
}

/* ---- errors.c -------------------------------------------------------------------------- */

Test(errors, strerror_names_every_code) {
  cr_assert_str_eq(tl_strerror(0), "success");
  cr_assert_str_eq(tl_strerror(TL_ENOMEM), "out of memory");
  cr_assert_str_eq(tl_strerror(TL_EMODEL), "invalid model");
  cr_assert_str_eq(tl_strerror(TL_EUSAGE), "invalid usage");
  cr_assert_str_eq(tl_strerror(-1000), "unknown error");
  cr_assert_str_eq(tl_strerror(1), "unknown error");
}
