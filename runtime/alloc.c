/* alloc.c — the replaceable allocator and the error map's names.
 *
 * Every runtime allocation goes through tk__malloc/tk__realloc/tk__free (coroutine stacks
 * are mmap'd, see fiber.c). The allocator is process-wide, like libuv's
 * uv_replace_allocator(); it is only ever called from the thread that calls the tk_*
 * functions (worker threads never allocate), so it need not be thread-safe.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void *(*tk__malloc_fn)(size_t) = malloc;
static void *(*tk__realloc_fn)(void *, size_t) = realloc;
static void (*tk__free_fn)(void *) = free;

int tk_replace_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                         void (*free_fn)(void *)) {
  if (!malloc_fn || !realloc_fn || !free_fn)
    return TK_EINVAL;
  tk__malloc_fn = malloc_fn;
  tk__realloc_fn = realloc_fn;
  tk__free_fn = free_fn;
  return 0;
}

void *tk__malloc(size_t size) {
  return tk__malloc_fn(size ? size : 1);
}

void *tk__calloc(size_t size) {
  void *ptr = tk__malloc(size);
  if (ptr)
    memset(ptr, 0, size);
  return ptr;
}

void *tk__realloc(void *ptr, size_t size) {
  return tk__realloc_fn(ptr, size ? size : 1);
}

void tk__free(void *ptr) {
  if (ptr)
    tk__free_fn(ptr);
}

const char *tk_strerror(int err) {
  switch (err) {
#define XX(name, code, msg) \
  case TK_##name:           \
    return msg;
    TK_ERRNO_MAP(XX)
#undef XX
  case 0:
    return "success";
  default:
    return "unknown error";
  }
}

const char *tk__kind_name(int kind) {
  switch (kind) {
  case TK__P_ASYNC: return "tk_async";
  case TK__P_WORK:  return "tk_work";
  case TK__P_SLEEP: return "tk_sleep";
  case TK__P_NEW:   return "tk_promise_new";
  default:          return "?";
  }
}
