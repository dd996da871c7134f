/* diag.c — diagnostics copied out of the IR arena (diag.h): heap strings, sorted stably,
 * exact duplicates dropped (the first one reported is kept, with its notes). */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "tl_errno.h"

static char *str_dup(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

void tl_diags_init(struct tl_diags *self) { memset(self, 0, sizeof *self); }

static void diag_free(struct tl_diag *d) {
  for (uint32_t i = 0; i < d->nnotes; i++) {
    free(d->notes[i].file);
    free(d->notes[i].message);
  }
  free(d->notes);
  free(d->file);
  free(d->message);
}

void tl_diags_close(struct tl_diags *self) {
  for (uint32_t i = 0; i < self->size; i++) diag_free(&self->data[i]);
  free(self->data);
  memset(self, 0, sizeof *self);
}

int tl_diags_add(struct tl_diags *self, const char *file, struct tl_loc loc, const char *rule,
                 enum tl_severity sev, const char *message, struct tl_diag **out) {
  struct tl_diag d = {.loc = loc, .rule = rule ? rule : "", .severity = sev};
  if (self->size == self->cap) {
    uint32_t ncap = self->cap ? self->cap * 2 : 16;
    struct tl_diag *p = realloc(self->data, ncap * sizeof *p);
    if (!p) return TL_ENOMEM;
    self->data = p;
    self->cap = ncap;
  }
  d.file = str_dup(file);
  d.message = str_dup(message);
  if (!d.file || !d.message) goto fail;
  self->data[self->size] = d;
  if (out) *out = &self->data[self->size];
  self->size++;
  return 0;
fail:
  free(d.file);
  free(d.message);
  return TL_ENOMEM;
}

int tl_diag_add_note(struct tl_diag *self, const char *file, struct tl_loc loc,
                     const char *message) {
  struct tl_note n = {.loc = loc};
  struct tl_note *p = realloc(self->notes, (self->nnotes + 1) * sizeof *p);
  if (!p) return TL_ENOMEM;
  self->notes = p;
  n.file = str_dup(file);
  n.message = str_dup(message);
  if (!n.file || !n.message) goto fail;
  self->notes[self->nnotes++] = n;
  return 0;
fail:
  free(n.file);
  free(n.message);
  return TL_ENOMEM;
}

static int cmp_u32(uint32_t a, uint32_t b) { return a < b ? -1 : a > b; }

/* Order: file, line, column, rule, then the rest so that the order is total on what makes
 * two diagnostics different (message, end of range, severity). */
static int diag_cmp(const struct tl_diag *a, const struct tl_diag *b) {
  int c;
  if ((c = strcmp(a->file, b->file))) return c;
  if ((c = cmp_u32(a->loc.line, b->loc.line))) return c;
  if ((c = cmp_u32(a->loc.col, b->loc.col))) return c;
  if ((c = strcmp(a->rule, b->rule))) return c;
  if ((c = strcmp(a->message, b->message))) return c;
  if ((c = cmp_u32(a->loc.end_line, b->loc.end_line))) return c;
  if ((c = cmp_u32(a->loc.end_col, b->loc.end_col))) return c;
  return cmp_u32((uint32_t)a->severity, (uint32_t)b->severity);
}

/* Stable merge sort (qsort is not stable, and "keep the first duplicate" needs it). */
static void merge_sort(struct tl_diag *a, struct tl_diag *tmp, uint32_t n) {
  if (n < 2) return;
  uint32_t h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  uint32_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = diag_cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

static void insertion_sort(struct tl_diag *a, uint32_t n) {
  for (uint32_t i = 1; i < n; i++) {
    struct tl_diag x = a[i];
    uint32_t j = i;
    while (j > 0 && diag_cmp(&x, &a[j - 1]) < 0) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = x;
  }
}

void tl_diags_sort(struct tl_diags *self) {
  if (self->size < 2) return;
  struct tl_diag *tmp = malloc(self->size * sizeof *tmp);
  if (tmp) merge_sort(self->data, tmp, self->size);
  else insertion_sort(self->data, self->size);     /* no memory: slower, same result */
  free(tmp);
  uint32_t w = 1;
  for (uint32_t r = 1; r < self->size; r++) {
    if (diag_cmp(&self->data[r], &self->data[w - 1]) == 0) {
      diag_free(&self->data[r]);
      continue;
    }
    self->data[w++] = self->data[r];
  }
  self->size = w;
}

const char *tl_severity_name(enum tl_severity sev) {
  switch (sev) {
  case TL_SEV_NOTE:    return "note";
  case TL_SEV_WARNING: return "warning";
  case TL_SEV_ERROR:   return "error";
  }
  return "?";
}

const char *tl_driver_diag_id(const char *id) {
  static const char *const ids[] = {
#define XX(id, sev, text) id,
    TL_DRIVER_DIAGS(XX)
#undef XX
  };
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if (strcmp(ids[i], id) == 0) return ids[i];
  return NULL;
}
