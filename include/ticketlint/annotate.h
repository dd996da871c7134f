/* ticketlint/annotate.h — say in your own headers what your async API does, so ticketlint
 * checks an in-house future type without a model file (docs/models.md, "Annotations").
 *
 *   typedef struct job *job_ticket TL_TICKET_TYPE;          // a job_ticket is a ticket
 *   job_ticket job_submit(struct pool *p, job_fn fn) TL_STARTS(ret);
 *   int job_join(job_ticket j, void **out) TL_AWAITS(0);     // blocks the thread until done
 *   int job_await(job_ticket j, void **out) TL_MODEL("await ticket=0 suspends");  // coroutine
 *   int job_cancel(job_ticket j) TL_DETACHES(0);
 *   int job_done(job_ticket j, int *flag) TL_POLLS(0, *1);   // *flag != 0: done
 *   void *job_result(job_ticket j) TL_READS(0);
 *   void pool_drain(struct pool *p) TL_BLOCKING;
 *   TL_ASYNC int fetch(void *arg, void **result);            // may await
 *   int job_submit_into(struct pool *p, job_ticket *out) TL_MODEL("start ticket=*1 status=ret");
 *
 * An argument is written as in a model file: `ret`, `N` (0-based), `*N` (what argument N
 * points to). Each macro expands to `__attribute__((annotate("ticketlint:...")))` under
 * clang, which ticketlint's front-end (libclang) always is, and to nothing for any other
 * compiler (GCC warns about attributes it does not know), so the annotations cost nothing
 * in the build. A model file entry for the same function wins over its annotation. */
#ifndef TICKETLINT_ANNOTATE_H
#define TICKETLINT_ANNOTATE_H

#if defined(__clang__)
#define TL__ANNOTATE(text) __attribute__((annotate("ticketlint:" text)))
#else
#define TL__ANNOTATE(text)
#endif

/* On a function: the model event it is, with its arguments' roles. TL_AWAITS is a wait that
 * blocks the calling thread (as pthread_join); an await that suspends a coroutine is
 * TL_MODEL("await ticket=N suspends"). */
#define TL_STARTS(arg)       TL__ANNOTATE("start ticket=" #arg)
#define TL_AWAITS(arg)       TL__ANNOTATE("await ticket=" #arg)
#define TL_POLLS(arg, flag)  TL__ANNOTATE("poll ticket=" #arg " flag=" #flag " done=nonzero")
#define TL_READS(arg)        TL__ANNOTATE("read ticket=" #arg " value=ret")
#define TL_DETACHES(arg)     TL__ANNOTATE("detach ticket=" #arg)
#define TL_BLOCKING          TL__ANNOTATE("blocking")
/* Anything a model file's `fn` line says after the name: TL_MODEL("start ticket=*1 lend=*0"). */
#define TL_MODEL(spec)       TL__ANNOTATE(spec)

/* On a function (declaration or definition): an async function, which may await. */
#define TL_ASYNC             TL__ANNOTATE("async")

/* On a typedef: the type is a ticket type. On a struct (`struct TL_TICKET_TYPE job {...}`):
 * a pointer to it is a ticket type (an in-house future is handed around by pointer). */
#define TL_TICKET_TYPE       TL__ANNOTATE("ticket-type")

#endif /* TICKETLINT_ANNOTATE_H */
