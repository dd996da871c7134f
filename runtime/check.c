/* check.c — call sites, checked-mode report lines and the blocking-in-async measurement.
 *
 * The call-site macros of ticket.h call tk__site(__FILE__, __LINE__) just before the API
 * function; the function takes (reads and clears) the site at its entry, so a site never
 * leaks into a later call made without the macro.
 */
#include "internal.h"

#include <stdarg.h>
#include <time.h>

/* The recorded sites form a small stack, not a single slot: in tk_await(tk_sleep(loop, 1), NULL)
 * the macros record the await's site, then the sleep's; tk_sleep() takes its own and
 * tk_await() then finds its own underneath. Calls nest, so the stack stays balanced even
 * across coroutine switches. */
#define TK__SITE_DEPTH 16

static _Thread_local tk__callsite tk__sites[TK__SITE_DEPTH];
static _Thread_local int tk__nsites;    /* may exceed TK__SITE_DEPTH: the excess is unknown */

void tk__site(const char *file, int line) {
  if (tk__nsites < TK__SITE_DEPTH) {
    tk__sites[tk__nsites].file = file;
    tk__sites[tk__nsites].line = line;
  }
  tk__nsites++;
}

tk__callsite tk__site_take(void) {
  tk__callsite site = {NULL, 0};
  if (tk__nsites == 0)
    return site;                        /* a call made without the site macro */
  tk__nsites--;
  if (tk__nsites < TK__SITE_DEPTH)
    site = tk__sites[tk__nsites];
  return site;
}

uint64_t tk__real_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void tk__report(const char *rule, tk__callsite site, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* One fprintf per line, so lines from several processes sharing stderr stay whole. */
  if (site.file)
    fprintf(stderr, "ticket: %s: %s:%d: %s\n", rule, site.file, site.line, msg);
  else
    fprintf(stderr, "ticket: %s: ?:0: %s\n", rule, msg);
}

static void line_text(char *buf, size_t size, tk__callsite site) {
  if (site.file)
    snprintf(buf, size, "%d", site.line);
  else
    snprintf(buf, size, "?");
}

/* Measure the stretch since the coroutine's last runtime call (or resume) and report it when
 * longer than the threshold; then this call becomes the mark. Called with site.file NULL at
 * the coroutine's return. */
void tk__slow_check(tk__callsite site) {
  tk__coro *co = tk__coro_current();
  if (!co || !co->loop->checked)
    return;
  uint64_t now = tk__real_ns();
  uint64_t ran = now - co->mark_ns;
  if (ran > co->loop->slow_ms * 1000000u) {
    char a[16], b[16];
    line_text(a, sizeof a, co->mark);
    line_text(b, sizeof b, site);
    tk__callsite at = co->mark.file ? co->mark : site.file ? site : co->site;
    tk__report("blocking-in-async", at,
               "async function ran %llu ms without yielding: it blocks the loop "
               "(between line %s and line %s)",
               (unsigned long long)(ran / 1000000u), a, b);
  }
  co->mark_ns = now;
  co->mark = site;
}
