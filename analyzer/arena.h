/* arena.h — bump allocation for everything that lives as long as one translation unit (IR,
 * CFG, interned strings) or one function's dataflow (scratch facts). Freed at once. */
#ifndef TL_ARENA_H
#define TL_ARENA_H

#include <stddef.h>

typedef struct tl_arena tl_arena;

tl_arena   *tl_arena_new(void);                       /* NULL when out of memory */
void        tl_arena_free(tl_arena *self);
void        tl_arena_reset(tl_arena *self);            /* keep the first chunk, drop the rest */
void       *tl_arena_alloc(tl_arena *self, size_t n);  /* zeroed, 16-aligned; NULL on OOM */
char       *tl_arena_strdup(tl_arena *self, const char *s);
char       *tl_arena_strndup(tl_arena *self, const char *s, size_t n);
size_t      tl_arena_used(const tl_arena *self);       /* bytes handed out, for stats */

#endif /* TL_ARENA_H */
