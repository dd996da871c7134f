/* array.h — the one typed growable array (after tree-sitter's lib/src/array.h).
 *
 *   TL_ARRAY(struct tl_event) events = {0};
 *   if (tl_array_push(&events, ev) < 0) goto fail;   // TL_ENOMEM
 *   for (uint32_t i = 0; i < events.size; i++) use(&events.data[i]);
 *   tl_array_free(&events);
 *
 * Arrays own heap memory (realloc); arena-backed data should use tl_arena_alloc instead. */
#ifndef TL_ARRAY_H
#define TL_ARRAY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TL_ARRAY(T) struct { T *data; uint32_t size; uint32_t cap; }

/* Grow to hold at least `need` elements of `elem` bytes; 0 or TL_ENOMEM (-1). */
static inline int tl__array_grow(void **data, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap) return 0;
  uint32_t ncap = *cap ? *cap * 2 : 8;
  while (ncap < need) ncap *= 2;
  void *p = realloc(*data, (size_t)ncap * elem);
  if (!p) return -1;
  *data = p;
  *cap = ncap;
  return 0;
}

#define tl_array_reserve(a, n) \
  tl__array_grow((void **)&(a)->data, &(a)->cap, (n), sizeof(*(a)->data))

#define tl_array_push(a, v)                                        \
  (tl_array_reserve((a), (a)->size + 1) < 0 ? -1                   \
   : ((a)->data[(a)->size++] = (v), 0))

#define tl_array_clear(a) ((a)->size = 0)

#define tl_array_free(a) \
  (free((a)->data), (a)->data = NULL, (a)->size = 0, (a)->cap = 0)

#endif /* TL_ARRAY_H */
