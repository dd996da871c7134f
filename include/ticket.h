/* ticket.h — the reference promise runtime of ticketlint.
 *
 * A promise is the ticket, not the coffee. You place an order (start an async operation),
 * get a ticket (a tk_promise), and step aside so the shop keeps serving. tk_await() is you
 * waiting at the counter for *your* ticket; the shop (the loop) never freezes.
 *
 * One loop thread (the cashier) runs async functions as stackful coroutines; a worker pool
 * (the baristas) runs blocking work handed to it with tk_work(). The full contract is in
 * docs/runtime.md; the short version:
 *
 *  - Every ticket must be handed in exactly once: tk_await(), tk_await_all() or tk_then()
 *    collect it, tk_detach() gives it up on purpose. A collected ticket is released and must
 *    not be used again.
 *  - tk_await() suspends only the calling async function; the loop serves others meanwhile.
 *    Called outside an async function it returns TK_ENOTASYNC and never blocks.
 *  - Errors are negative TK_E* codes (TK_ERRNO_MAP below); tk_strerror() names them.
 *  - Out of memory is an error (TK_ENOMEM or a NULL ticket), never an abort; the allocator is
 *    replaceable with tk_replace_allocator().
 *
 * Environment (read by tk_loop_new()):
 *   TK_CHECK=1            checked mode: report misuse on stderr, one line each,
 *                         "ticket: <rule-id>: <file>:<line>: <message>"
 *   TK_CLOCK=virtual      timers fire in due order without real waiting
 *   TK_TRACE=out.json     write a Chrome trace-event file (opens in Perfetto)
 *   TK_SLOW_MS=50         checked mode: threshold of blocking-in-async
 */
#ifndef TICKET_H
#define TICKET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tk_loop tk_loop;
typedef struct tk_promise tk_promise;

/* An async function or a work function: return 0 and set *result to fulfil the ticket with
 * that value, or return a negative error code to reject it. */
typedef int (*tk_fn)(void *arg, void **result);

/* Callback of tk_then(): runs on the loop (not in an async function) once the ticket settles;
 * err is 0 when it was fulfilled with value, or the rejection's negative code. */
typedef void (*tk_then_cb)(int err, void *value, void *arg);

enum { TK_PENDING, TK_FULFILLED, TK_REJECTED };

/* The error map: one line per code, as libuv's UV_ERRNO_MAP. */
#define TK_ERRNO_MAP(XX)                                                     \
  XX(ENOMEM,    -1, "out of memory")                                         \
  XX(EINVAL,    -2, "invalid argument")                                      \
  XX(ENOTASYNC, -3, "await outside an async function")                       \
  XX(ECANCELED, -4, "operation canceled")                                    \
  XX(ECOLLECTED,-5, "ticket already collected")                              \
  XX(EPENDING,  -6, "ticket still pending")                                  \
  XX(EBUSY,     -7, "loop is already running")                               \
  XX(EFAILED,   -8, "operation failed")                                      \
  XX(ESYS,      -9, "system call failed")

typedef enum {
#define XX(name, code, msg) TK_##name = (code),
  TK_ERRNO_MAP(XX)
#undef XX
} tk_errno;

/* ---- allocator ------------------------------------------------------------------------- */

/* Replace the allocator used for every runtime allocation. All three must be given. Call
 * before the first tk_loop_new(); returns TK_EINVAL on a NULL function, 0 otherwise. */
int tk_replace_allocator(void *(*malloc_fn)(size_t),
                         void *(*realloc_fn)(void *, size_t),
                         void (*free_fn)(void *));

/* ---- the loop -------------------------------------------------------------------------- */

/* A new loop, configured from the environment (see above); NULL when out of memory. */
tk_loop *tk_loop_new(void);

/* Run until no work is left: no runnable async function, no pending timer, no work on the
 * pool. Returns 0, or a negative error. In checked mode it reports unawaited tickets and
 * unhandled rejections when it finishes; it still returns 0 for misuse (misuse is reported,
 * not an error of the loop). */
int tk_loop_run(tk_loop *loop);

/* Free the loop and every ticket still attached to it. The loop must not be running. */
void tk_loop_free(tk_loop *loop);

/* Milliseconds since the loop was created; virtual time under TK_CLOCK=virtual. */
uint64_t tk_loop_now(const tk_loop *loop);

/* Set checked mode and the blocking threshold by code instead of the environment. */
void tk_loop_set_checked(tk_loop *loop, int checked);
void tk_loop_set_slow_ms(tk_loop *loop, uint64_t ms);

/* ---- issuing tickets ------------------------------------------------------------------- */

/* Run fn(arg, &result) as an async function on the loop; it starts at the next turn of the
 * loop, never inside this call. NULL when out of memory. */
tk_promise *tk_async(tk_loop *loop, tk_fn fn, void *arg);

/* Run fn(arg, &result) on a worker thread (for blocking work); the ticket settles on the
 * loop. NULL when out of memory. */
tk_promise *tk_work(tk_loop *loop, tk_fn fn, void *arg);

/* A ticket fulfilled (with NULL) after ms milliseconds. NULL when out of memory. */
tk_promise *tk_sleep(tk_loop *loop, uint64_t ms);

/* A pending ticket settled by tk_resolve()/tk_reject(): wraps callback APIs. Both only act on
 * a pending ticket from tk_promise_new(); tk_reject() with a non-negative err rejects with
 * TK_EFAILED. */
tk_promise *tk_promise_new(tk_loop *loop);
void        tk_resolve(tk_promise *p, void *value);
void        tk_reject(tk_promise *p, int err);

/* ---- handing tickets in ---------------------------------------------------------------- */

/* Wait for p inside an async function. Returns 0 and sets *result (when result is not NULL)
 * to the value, or returns the rejection's negative code. Collects p. Outside an async
 * function returns TK_ENOTASYNC at once and p stays uncollected. */
int tk_await(tk_promise *p, void **result);

/* Wait for all n tickets; results[i] gets each value (results may be NULL). Returns 0 when
 * all were fulfilled, else the first rejection's code (in index order). Collects them all.
 * results[i] is set even when a rejection is returned (NULL for rejected tickets), so no
 * fulfilled value is lost. On TK_EINVAL, TK_ECOLLECTED or TK_ENOTASYNC nothing is collected. */
int tk_await_all(tk_promise **ps, size_t n, void **results);

/* Call cb on the loop when p settles. Collects p. Returns 0, or a negative error. */
int tk_then(tk_promise *p, tk_then_cb cb, void *arg);

/* Give the ticket up on purpose (fire-and-forget): released once it settles. */
void tk_detach(tk_promise *p);

/* ---- looking at a ticket --------------------------------------------------------------- */

int         tk_state(const tk_promise *p);   /* TK_PENDING, TK_FULFILLED or TK_REJECTED */
void       *tk_value(const tk_promise *p);   /* value of a settled ticket; NULL if pending */
int         tk_error(const tk_promise *p);   /* rejection code, 0 if fulfilled, TK_EPENDING */
const char *tk_strerror(int err);

/* Marks a function that runs as an async function (passed to tk_async). Expands to nothing;
 * ticketlint reads it. */
#define TK_ASYNC

/* ---- call sites for checked mode --------------------------------------------------------
 * Checked mode reports the user's call site. Each macro below records __FILE__/__LINE__ in a
 * thread-local slot and then calls the real function of the same name (a function-like macro
 * does not expand inside itself), so analyzers still see a call to tk_async, tk_await, ...
 * Define TK_NO_SITES before including this header to call the functions directly. */
void tk__site(const char *file, int line);

#ifndef TK_NO_SITES
#define TK__AT(call) (tk__site(__FILE__, __LINE__), call)
#define tk_async(loop, fn, arg)     TK__AT(tk_async(loop, fn, arg))
#define tk_work(loop, fn, arg)      TK__AT(tk_work(loop, fn, arg))
#define tk_sleep(loop, ms)          TK__AT(tk_sleep(loop, ms))
#define tk_promise_new(loop)        TK__AT(tk_promise_new(loop))
#define tk_await(p, result)         TK__AT(tk_await(p, result))
#define tk_await_all(ps, n, res)    TK__AT(tk_await_all(ps, n, res))
#define tk_then(p, cb, arg)         TK__AT(tk_then(p, cb, arg))
#define tk_detach(p)                TK__AT(tk_detach(p))
#define tk_state(p)                 TK__AT(tk_state(p))
#define tk_value(p)                 TK__AT(tk_value(p))
#define tk_error(p)                 TK__AT(tk_error(p))
#endif

#ifdef __cplusplus
}
#endif
#endif /* TICKET_H */
