/* model.h — libraries as data. A model file maps library functions onto the IR's generic
 * events; rules never name a library function. Format: docs/models.md (parsed by lines.h).
 *
 *   model ticket
 *   header ticket.h
 *   type tk_promise *
 *   async-marker TK_ASYNC
 *   sentinel MPI_REQUEST_NULL
 *   failure-counter errs
 *   fn tk_async  start  ticket=ret async-fn=1
 *   fn tk_await  await  ticket=0 value=*1 status=ret suspends
 *   fn tk_then   consume ticket=0 callback=1 callback-err=0
 *   fn MPI_Isend start  ticket=*6 lend=*0
 *   fn MPI_Test  poll   ticket=*0 flag=*1 done=nonzero
 *   fn tk_state  poll   ticket=0 flag=ret done=ne:TK_PENDING
 *   fn usleep    blocking
 */
#ifndef TL_MODEL_H
#define TL_MODEL_H

#include <stddef.h>

#include "arena.h"
#include "lines.h"   /* struct tl_srcerr */

enum tl_model_event {
  TL_ME_START,      /* issues a ticket */
  TL_ME_AWAIT,      /* waits for one ticket */
  TL_ME_AWAIT_ALL,  /* waits for an array of tickets */
  TL_ME_POLL,       /* tests a ticket without waiting */
  TL_ME_READ,       /* reads a ticket's value */
  TL_ME_DETACH,     /* gives a ticket up on purpose */
  TL_ME_CONSUME,    /* hands a ticket to something that collects it */
  TL_ME_SETTLE,     /* settles a ticket from the producer side */
  TL_ME_BLOCKING,   /* may block the calling thread */
  TL_ME_LOCK,
  TL_ME_UNLOCK,
  TL_ME_FREE,       /* frees a buffer (free, realloc): lowered as a CALL whose aux is it */
  TL_ME_CREATE,     /* makes a reusable ticket, inactive: a `persistent` start activates it */
  TL_ME_CANCEL,     /* asks a ticket's operation to stop; the ticket must still be handed
                       in: lowered as a CALL whose ticket is it (no escape) */
  TL_ME_USE,        /* works with a live ticket without changing its state (MPI_Pready):
                       lowered as a CALL whose ticket is it (no escape) */
  TL_ME_EXIT,       /* never returns: ends the process (MPI_Abort): a CALL with
                       TL_F_NORETURN */
  TL_ME_REAP        /* hands in every pending ticket of its owner= without freeing the owner
                       (io_uring_cq_advance): a CALL whose owner is it */
};
#define TL_ME_LAST TL_ME_REAP

#define TL_ARG_NONE (-1)
#define TL_ARG_RET  (-2)

/* Where a role's object is: argument `index` (0-based) or the return value (TL_ARG_RET);
 * deref = 1 for `*N`: the object argument N points to. */
struct tl_argref {
  int index;
  int deref;
};

enum tl_done_op { TL_DONE_NONE, TL_DONE_NONZERO, TL_DONE_ZERO, TL_DONE_EQ, TL_DONE_NE };

struct tl_model_fn {
  const char *name;
  enum tl_model_event event;
  struct tl_argref ticket;      /* ticket=  the ticket */
  struct tl_argref tickets;     /* tickets= an array of tickets */
  struct tl_argref count;       /* count=   number of tickets */
  struct tl_argref lend;        /* lend=    buffer lent until completion (read by the op) */
  struct tl_argref fill;        /* fill=    buffer filled by the op (unreadable until done) */
  struct tl_argref value;       /* value=   out-parameter receiving the value */
  struct tl_argref status;      /* status=  where the error status goes (usually ret) */
  struct tl_argref flag;        /* flag=    poll's completion answer */
  struct tl_argref async_fn;    /* async-fn= function run as an async function */
  struct tl_argref offload_fn;  /* offload-fn= function run on another thread */
  struct tl_argref callback;    /* callback= function run on the loop later */
  int callback_err;             /* callback-err= the callback's parameter (0-based) that
                                   receives the ticket's error; -1 when not said */
  struct tl_argref mutex;       /* mutex=   the lock taken or released (lock, unlock) */
  struct tl_argref buffer;      /* buffer=  the buffer a `free` function releases */
  struct tl_argref owner;       /* owner=   the object a started ticket belongs to (the
                                   io_uring of a cqe): it dies, or is freed, with it */
  struct tl_argref holder;      /* holder=  use: the place the call makes hold a reference
                                   to the ticket (g_object_add_weak_pointer's weak
                                   pointer): a ticket stored there is kept, not read */
  enum tl_done_op done;         /* done= predicate on `flag` meaning completed */
  const char *done_constant;    /* for eq:/ne: the constant's name or number */
  unsigned suspends : 1;        /* only inside async functions */
  unsigned timer : 1;           /* a timer: awaiting it paces a loop on purpose */
  unsigned persistent : 1;      /* start: activates a ticket a `create` function made;
                                   completing it makes the ticket inactive again, not gone */
  unsigned completes : 1;       /* poll: an answer "done" has collected the ticket */
  unsigned some : 1;            /* await-all: completes one or more of the array's tickets
                                   still active, ignoring the rest (MPI_Waitany) */
  unsigned synthesized : 1;     /* made by the analyzer, not read from a model: the summary
                                   of a function of the unit (summary.h), whose own calls
                                   are seen where they are (it never blocks by itself) */
  unsigned annotated : 1;       /* read from a source annotation (include/ticketlint/
                                   annotate.h), not from a model file */
  unsigned runs_loop : 1;       /* blocking: runs the event loop (uv_run, g_main_loop_run):
                                   the callbacks of operations started before run here */
  unsigned refetch : 1;         /* start: hands out the head of its owner's queue: into a
                                   place whose ticket, fetched there last, is still pending
                                   and unread, it fetches that same ticket again
                                   (io_uring_peek_cqe after a wait) */
  unsigned sync_without_cb : 1; /* start: with a null pointer constant as its callback=
                                   argument the call runs synchronously and blocks (a
                                   uv_fs_* call without a callback) */
  unsigned accepts_sentinel : 1; /* await poll read: defined on no ticket: given a null
                                   pointer constant or a `sentinel` by value where its ticket
                                   goes, it answers at once (MPI_Request_get_status on
                                   MPI_REQUEST_NULL), so that constant is no finding */
  unsigned partial_on_error : 1; /* await-all: returns its status (0 is success); where that
                                   says it failed, each ticket may have completed or may
                                   still be pending (MPI_Waitall's MPI_ERR_IN_STATUS) */
  const char *model;            /* the model's name */
  const char *file;             /* where the line is, for messages */
  int line;
};

typedef struct tl_models tl_models;

/* struct tl_srcerr (file:line:col: message) is defined in lines.h, shared with the config. */

int  tl_models_new(tl_models **out);                   /* 0 or TL_ENOMEM */
void tl_models_free(tl_models *self);

/* Load a model file or a buffer. On error returns TL_EMODEL (or TL_EIO, TL_ENOMEM), fills
 * err, and leaves self as it was before the call. A syntax error of the line format is
 * reported as TL_EMODEL too. A function already defined by an earlier load is replaced (the
 * later --model wins); the same function twice in one file is an error. */
int  tl_models_load_file(tl_models *self, const char *path, struct tl_srcerr *err);
int  tl_models_load_buffer(tl_models *self, const char *name, const char *buf, size_t len,
                           struct tl_srcerr *err);
/* Load every *.model file of a directory, in byte order of their names, as one transaction:
 * on error nothing of the directory is loaded. A later file overrides an earlier one. */
int  tl_models_load_dir(tl_models *self, const char *dir, struct tl_srcerr *err);

const struct tl_model_fn *tl_models_find(const tl_models *self, const char *fn_name);
/* 1 when `type_spelling` (as libclang/tree-sitter spells it, e.g. "tk_promise *",
 * "MPI_Request") names a ticket type of a loaded model. Whitespace-insensitive. */
int  tl_models_is_ticket_type(const tl_models *self, const char *type_spelling);
/* 1 when `name` is an async marker macro of a loaded model (TK_ASYNC). */
int  tl_models_is_async_marker(const tl_models *self, const char *name);
/* 1 when `name` is a `sentinel` of a loaded model: a constant of a ticket type that names no
 * ticket (MPI_REQUEST_NULL). Matched exactly. */
int  tl_models_is_sentinel(const tl_models *self, const char *name);
/* 1 when `name` is a `failure-counter` of a loaded model: a variable whose increment by a
 * positive constant records that the run has failed (`errs++` in a test suite). The
 * front-end lowers such an increment as a call that never returns. Matched exactly. */
int  tl_models_is_failure_counter(const tl_models *self, const char *name);
/* Number of functions, and the i-th, for listing. */
size_t tl_models_count(const tl_models *self);
const struct tl_model_fn *tl_models_at(const tl_models *self, size_t i);

/* The name of the model whose `header` directive matches `include_path` (a file name or a
 * path: "ticket.h", "/usr/include/sys/wait.h"), or NULL. `header sys/wait.h` matches a
 * path ending in "/sys/wait.h" or equal to "sys/wait.h". The latest load wins. */
const char *tl_models_header_model(const tl_models *self, const char *include_path);

/* ---- selection by header --------------------------------------------------------------
 * A model whose `header` the translation unit does not include is off for it: its functions
 * are not looked up (tl_models_find_in). A model without a `header` line is always on. The
 * user forces a model on or off by name (--models=+mpi,-glib, `model-on`/`model-off` in
 * .ticketlint); forcing comes last. Ticket types, markers and sentinels stay global.
 * Models are numbered by name in load order; at most TL_MODELS_MAX names. */
#define TL_MODELS_MAX 256
struct tl_model_set {
  unsigned char on[TL_MODELS_MAX];   /* by model number */
};
/* Forcing one model on or off, in the order the user wrote them. */
struct tl_model_force {
  const char *name;
  int on;
};

size_t      tl_models_nmodels(const tl_models *self);
const char *tl_models_model_name(const tl_models *self, size_t i);
/* The number of the model called `name`, or -1. */
int         tl_models_model_index(const tl_models *self, const char *name);
/* *out: the models without a `header` line on, the others off. */
void tl_models_set_default(const tl_models *self, struct tl_model_set *out);
/* The unit includes `path` (any depth): every model with a header matching it goes on. */
void tl_models_set_include(const tl_models *self, struct tl_model_set *set, const char *path);
/* Apply the forcings in order; TL_EINVAL (the rest still applied) when one names no model. */
int  tl_models_set_force(const tl_models *self, struct tl_model_set *set,
                         const struct tl_model_force *force, size_t n);
/* tl_models_find, skipping the functions of models `set` has off (set NULL: all on). */
const struct tl_model_fn *tl_models_find_in(const tl_models *self,
                                            const struct tl_model_set *set,
                                            const char *fn_name);

/* An entry that does nothing yet: every role absent (TL_ARG_NONE, also roles added later),
 * callback_err -1, every other field zero. For entries built by code (summaries). */
void tl_model_fn_clear(struct tl_model_fn *fn);

/* One function's entry parsed from the text an `fn` line has after the name ("start
 * ticket=ret", "await ticket=0 status=ret"): what a source annotation says
 * (include/ticketlint/annotate.h, docs/models.md "Annotations"). The entry and its strings
 * are allocated in `arena`; its model name is `model`, its file and line `where`, `line`
 * (for messages). 0; TL_EMODEL with err filled (message only: the caller says where); or
 * TL_ENOMEM. */
int tl_model_fn_parse(const char *name, const char *spec, const char *model,
                      const char *where, int line, tl_arena *arena,
                      const struct tl_model_fn **out, struct tl_srcerr *err);

/* "start", "await", "await-all", ... as written in model files; "?" when out of range. */
const char *tl_model_event_name(enum tl_model_event ev);

/* The batch await of m's model: its first `await-all` function (tk_await_all, MPI_Waitall),
 * which the performance rules suggest instead of one await at a time; NULL when none. */
const char *tl_models_batch_await(const tl_models *self, const struct tl_model_fn *m);

/* 1 when a call to fn blocks the calling thread: a `blocking` function, or an await or
 * await-all without `suspends` (MPI_Wait, pthread_join). Rules about blocking use this. */
int tl_model_fn_blocks(const struct tl_model_fn *fn);

#endif /* TL_MODEL_H */
