/* helpers.h — shared by the runtime tests: a counting (and optionally failing) allocator,
 * and stderr capture for checked-mode reports. Header-only; each test binary is one file.
 */
#ifndef TK_TEST_HELPERS_H
#define TK_TEST_HELPERS_H

#include "ticket.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- counting allocator: live blocks, and allocation number `fail_at` fails ------------- */

static long test_live;                  /* blocks allocated and not freed */
static long test_allocs;                /* allocations attempted */
static long test_fail_at;               /* 0: never fail */
static long test_failed;                /* allocations refused */

static void *test_malloc(size_t size) {
  if (test_fail_at && ++test_allocs == test_fail_at) {
    test_failed++;
    return NULL;
  }
  void *p = malloc(size);
  if (p)
    test_live++;
  return p;
}

static void *test_realloc(void *ptr, size_t size) {
  if (test_fail_at && ++test_allocs == test_fail_at) {
    test_failed++;
    return NULL;
  }
  void *p = realloc(ptr, size);
  if (p && !ptr)
    test_live++;
  return p;
}

static void test_free(void *ptr) {
  if (ptr)
    test_live--;
  free(ptr);
}

static inline void test_count_allocations(long fail_at) {
  test_live = 0;
  test_allocs = 0;
  test_failed = 0;
  test_fail_at = fail_at;
  cr_assert_eq(tk_replace_allocator(test_malloc, test_realloc, test_free), 0);
}

/* Free the loop and check that every runtime allocation was given back. */
static inline void test_loop_free(tk_loop *loop) {
  tk_loop_free(loop);
  cr_assert_eq(test_live, 0, "%ld runtime allocation(s) leaked", test_live);
}

/* ---- stderr capture -------------------------------------------------------------------- */

typedef struct test_capture {
  FILE *file;
  int saved_fd;
  char text[8192];                      /* the captured "ticket: " lines only */
} test_capture;

static inline void test_capture_begin(test_capture *self) {
  fflush(stderr);
  self->file = tmpfile();
  cr_assert(self->file);
  self->saved_fd = dup(2);
  dup2(fileno(self->file), 2);
}

/* Stop capturing; keep only the lines starting with "ticket: " (a sanitizer may add its
 * own warnings to stderr). */
static inline const char *test_capture_end(test_capture *self) {
  fflush(stderr);
  dup2(self->saved_fd, 2);
  close(self->saved_fd);
  rewind(self->file);
  char line[1024];
  size_t used = 0;
  self->text[0] = '\0';
  while (fgets(line, sizeof line, self->file)) {
    size_t len = strlen(line);
    if (strncmp(line, "ticket: ", 8) == 0 && used + len < sizeof self->text) {
      memcpy(self->text + used, line, len + 1);
      used += len;
    }
  }
  fclose(self->file);
  return self->text;
}

#endif /* TK_TEST_HELPERS_H */
