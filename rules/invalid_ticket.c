/* invalid-ticket: handing in something that is not a ticket.
 *
 * ## What it does
 * Reports a call that needs a ticket (an await, `tk_await_all`, `tk_then`, `tk_detach`, a
 * poll or a read) given something that is not one: a null pointer constant, a constant the
 * models name a `sentinel` (`MPI_REQUEST_NULL`), or a value of another type cast to the
 * ticket type (`(tk_promise *)&order`, `(pthread_t)42`). Also reports a start whose ticket
 * goes through a pointer argument (`ticket=*N`: `pthread_create`, `MPI_Isend`) given a null
 * pointer, so that the ticket it issues has nowhere to go. typescript-eslint calls the first
 * half `await-thenable`.
 *
 * ## Why is this bad?
 * Handing the counter a bus ticket gets you no coffee. The runtime cannot collect what it
 * never issued: `tk_await(NULL, ...)` fails with `TK_EINVAL` at once, a cast struct is read
 * as if it were a ticket (memory the runtime does not own), and `pthread_create(NULL, ...)`
 * writes through a null pointer. Code written this way usually believes it waited for
 * something, and goes on with a value that was never produced.
 *
 * ## Example
 * ```c
 * tk_promise *order = NULL;
 * if (hungry)
 *   order = tk_async(loop, bake, NULL);
 * int err = tk_await(hungry ? order : NULL, &cake);   // NULL is not a ticket
 * err = tk_await((tk_promise *)&menu, &cake);         // a menu is not a ticket
 * ```
 *
 * ## Use instead
 * ```c
 * if (hungry) {
 *   tk_promise *order = tk_async(loop, bake, NULL);
 *   if (order == NULL)
 *     return TK_ENOMEM;
 *   int err = tk_await(order, &cake);
 * }
 * ```
 * A ticket passed through a `void *` context and cast back (`tk_await((tk_promise *)ctx,
 * ...)`) is trusted, and stays quiet. So is the sentinel handed by value to a call the
 * library defines on it (model flag `accepts-sentinel`: `MPI_Request_get_status(
 * MPI_REQUEST_NULL, &flag, ...)` sets the flag true).
 *
 * ## Known limitations
 * Only the argument itself is looked at: a null or cast value stored in a variable first
 * (`t = NULL; tk_await(t, ...)`) is not followed here (await-without-start reports a
 * ticket that is never issued). A ticket type that is an integer (`pthread_t`) cast from
 * another integer type is reported even when the number came from a ticket. A sentinel is
 * recognised by its name only, as written at the call.
 */
#include "rule.h"
#include "rule_docs.h"

/* No state: every finding is one event (front_clang sets TL_F_NOT_TICKET). */

/* ---- messages -------------------------------------------------------------------------- */

static const char *callee(const struct tl_event *ev) {
  return ev->callee ? ev->callee : "?";
}

static void report(struct tl_rctx *cx, const struct tl_func *fn, const struct tl_event *ev) {
  if (ev->kind == TL_EV_START) {
    tl_report(cx, ev->loc, "'%s' is given a null pointer where its ticket goes: that is not a "
              "ticket, and the ticket it issues is lost", callee(ev));
  } else if (ev->ticket != TL_SLOT_NONE && ev->ticket < fn->nslots &&
             fn->slots[ev->ticket].name) {
    tl_report(cx, ev->loc, "'%s' is given '%s' cast to a ticket type, which is not a ticket",
              callee(ev), fn->slots[ev->ticket].name);
  } else {
    tl_report(cx, ev->loc, "'%s' is given a null pointer or another constant, which is not a "
              "ticket", callee(ev));
  }
}

/* ---- the function hook ----------------------------------------------------------------- */

static void check_function(struct tl_rctx *cx, const struct tl_func *fn) {
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t i = 0; i < fn->blocks[b].nevents; i++) {
      const struct tl_event *ev = &fn->blocks[b].events[i];
      if (!(ev->flags & TL_F_NOT_TICKET)) continue;
      switch (ev->kind) {
      case TL_EV_START: case TL_EV_AWAIT: case TL_EV_AWAIT_ALL: case TL_EV_POLL:
      case TL_EV_READ: case TL_EV_DETACH: case TL_EV_CONSUME: case TL_EV_SETTLE:
        report(cx, fn, ev);
        break;
      default:
        break;
      }
    }
}

const struct tl_rule tl_rule_invalid_ticket = {
  .id = "invalid-ticket",
  .summary = "something that is not a ticket is awaited, or a start's ticket has nowhere to go",
  .doc = tl_rule_doc_invalid_ticket,
  .group = "correctness",
  .severity = TL_SEV_WARNING,
  .enabled_by_default = 1,
  .function = check_function,
};
