/* jobs.h — an in-house job API, annotated for ticketlint (tests/analyzer/test_annotate.c):
 * its functions are declared here and defined in another translation unit. */
#ifndef JOBS_H
#define JOBS_H

#include "ticketlint/annotate.h"

struct job;
typedef struct job *job_ticket TL_TICKET_TYPE;
struct TL_TICKET_TYPE batch;

job_ticket job_submit(int what) TL_STARTS(ret);
int job_submit_into(int what, job_ticket *out) TL_MODEL("start ticket=*1 status=ret");
int job_join(job_ticket j, void **out) TL_AWAITS(0);
int job_done(job_ticket j, int *flag) TL_POLLS(0, *1);
void *job_result(job_ticket j) TL_READS(0);
int job_cancel(job_ticket j) TL_DETACHES(0);
void jobs_drain(void) TL_BLOCKING;
struct batch *batch_open(void) TL_STARTS(ret);
TL_ASYNC int job_body(void *arg, void **result);
int job_broken(job_ticket j) TL_MODEL("await ticket=7x");

#endif
