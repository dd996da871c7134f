/* arena.c — a list of chunks; each allocation bumps a pointer. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TL_ARENA_CHUNK (64 * 1024)

struct chunk {
  struct chunk *next;
  size_t size, used;
  _Alignas(16) unsigned char data[];
};

struct tl_arena {
  struct chunk *head;
  size_t total;
};

static struct chunk *chunk_new(size_t size) {
  struct chunk *c = malloc(sizeof *c + size);
  if (!c) return NULL;
  c->next = NULL;
  c->size = size;
  c->used = 0;
  return c;
}

tl_arena *tl_arena_new(void) {
  tl_arena *self = calloc(1, sizeof *self);
  return self;
}

void tl_arena_free(tl_arena *self) {
  if (!self) return;
  tl_arena_reset(self);
  free(self->head);
  free(self);
}

void tl_arena_reset(tl_arena *self) {
  struct chunk *c = self->head;
  if (!c) return;
  while (c->next) {
    struct chunk *n = c->next;
    c->next = n->next;
    free(n);
  }
  c->used = 0;
  self->total = 0;
}

void *tl_arena_alloc(tl_arena *self, size_t n) {
  if (n > SIZE_MAX / 2) return NULL;          /* rounding and chunk headers would overflow */
  n = (n + 15) & ~(size_t)15;
  if (n == 0) n = 16;
  struct chunk *c = self->head;
  if (!c || c->size - c->used < n) {
    size_t size = n > TL_ARENA_CHUNK ? n : TL_ARENA_CHUNK;
    struct chunk *fresh = chunk_new(size);
    if (!fresh) return NULL;
    if (c && n > TL_ARENA_CHUNK) {          /* big block: keep the current chunk on top */
      fresh->next = c->next;
      c->next = fresh;
      fresh->used = n;
      self->total += n;
      memset(fresh->data, 0, n);
      return fresh->data;
    }
    fresh->next = c;
    self->head = c = fresh;
  }
  void *p = c->data + c->used;
  c->used += n;
  self->total += n;
  memset(p, 0, n);
  return p;
}

char *tl_arena_strndup(tl_arena *self, const char *s, size_t n) {
  char *p = tl_arena_alloc(self, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *tl_arena_strdup(tl_arena *self, const char *s) {
  return tl_arena_strndup(self, s, strlen(s));
}

size_t tl_arena_used(const tl_arena *self) { return self->total; }
