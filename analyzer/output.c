/* output.c — diagnostics as GCC/clang-style text (source line, caret and tildes, colour on
 * a terminal) or as one JSON array (jansson).
 *
 * Columns are byte columns, as libclang gives them; the caret line expands tabs to the next
 * multiple of 8 and counts UTF-8 continuation bytes as zero width, so it lines up with the
 * printed source line. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "output.h"
#include "tl_errno.h"

#define C_RESET  "\033[0m"
#define C_BOLD   "\033[1m"
#define C_RED    "\033[1;31m"
#define C_GREEN  "\033[1;32m"
#define C_PURPLE "\033[1;35m"
#define C_CYAN   "\033[1;36m"

int tl_output_want_color(enum tl_color mode, int fd) {
  switch (mode) {
  case TL_COLOR_ALWAYS: return 1;
  case TL_COLOR_NEVER:  return 0;
  case TL_COLOR_AUTO:   break;
  }
  return isatty(fd) ? 1 : 0;
}

int tl_output_init(struct tl_output *self, FILE *out, enum tl_format format, int color) {
  memset(self, 0, sizeof *self);
  self->out = out;
  self->format = format;
  self->color = color;
  if (format == TL_FORMAT_JSON) {
    self->json = json_array();
    if (!self->json) return TL_ENOMEM;
  }
  return 0;
}

void tl_output_close(struct tl_output *self) {
  json_decref(self->json);
  free(self->src_path);
  free(self->src);
  memset(self, 0, sizeof *self);
}

/* ---- text --------------------------------------------------------------------------- */

/* Make `path` the cached source file; 0 when its contents are available. */
static int source_load(struct tl_output *self, const char *path) {
  if (self->src_path && strcmp(self->src_path, path) == 0) return self->src ? 0 : -1;
  free(self->src_path);
  free(self->src);
  self->src = NULL;
  self->src_len = 0;
  self->src_path = strdup(path);
  if (!self->src_path) return -1;
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t cap = 0, len = 0;
  char *buf = NULL;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      size_t ncap = cap ? cap * 2 : 8192;
      char *nbuf = realloc(buf, ncap);
      if (!nbuf) break;
      buf = nbuf;
      cap = ncap;
    }
    size_t n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
    if (n == 0) break;
  }
  int bad = ferror(f) || !buf;
  fclose(f);
  if (bad) {
    free(buf);
    return -1;
  }
  buf[len] = '\0';
  self->src = buf;
  self->src_len = len;
  return 0;
}

/* The 1-based line `line` of the cached source: *len bytes at the returned pointer, without
 * the line break; NULL when there is no such line. */
static const char *source_line(const struct tl_output *self, uint32_t line, size_t *len) {
  if (!self->src || line == 0) return NULL;
  const char *p = self->src, *end = self->src + self->src_len;
  for (uint32_t l = 1; l < line; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return NULL;
    p = nl + 1;
  }
  if (p == end && line > 1) return NULL;
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
  if (n > 0 && p[n - 1] == '\r') n--;
  *len = n;
  return p;
}

/* Print the source line of loc and, under it, a caret at loc's column and tildes over the
 * rest of its range on that line. */
static void print_snippet(struct tl_output *self, const char *file, struct tl_loc loc) {
  size_t len = 0;
  if (loc.line == 0 || source_load(self, file) < 0) return;
  const char *text = source_line(self, loc.line, &len);
  if (!text) return;
  uint32_t first = loc.col ? loc.col : 1;
  uint32_t last = first;                   /* last byte column of the range on this line */
  if (loc.end_line == loc.line && loc.end_col > first) last = loc.end_col;
  else if (loc.end_line > loc.line) last = (uint32_t)len;

  FILE *out = self->out;
  size_t width = 0;                        /* display width so far */
  for (size_t i = 0; i < len; i++) {       /* the source line, tabs expanded */
    if (text[i] == '\t') {
      do fputc(' ', out); while (++width % 8);
    } else {
      fputc(text[i], out);
      if (((unsigned char)text[i] & 0xC0) != 0x80) width++;
    }
  }
  fputc('\n', out);

  if (self->color) fputs(C_GREEN, out);
  width = 0;
  for (size_t i = 0; i < len || i < first; i++) {
    uint32_t col = (uint32_t)i + 1;
    if (col > last && col > first) break;
    char mark = col < first ? ' ' : col == first ? '^' : '~';
    if (i < len && text[i] == '\t') {
      fputc(mark, out);
      for (width++; width % 8; width++) fputc(mark == '^' ? ' ' : mark, out);
    } else if (i < len && ((unsigned char)text[i] & 0xC0) == 0x80) {
      /* continuation byte: no width */
    } else {
      fputc(mark, out);
      width++;
    }
  }
  if (self->color) fputs(C_RESET, out);
  fputc('\n', out);
}

static void print_location(struct tl_output *self, const char *file, struct tl_loc loc) {
  if (self->color) fputs(C_BOLD, self->out);
  fputs(file, self->out);
  if (loc.line) fprintf(self->out, ":%u", (unsigned)loc.line);
  if (loc.line && loc.col) fprintf(self->out, ":%u", (unsigned)loc.col);
  fputs(": ", self->out);
  if (self->color) fputs(C_RESET, self->out);
}

static void print_header(struct tl_output *self, const char *file, struct tl_loc loc,
                         enum tl_severity sev, const char *message, const char *rule,
                         const struct tl_nolint *by) {
  static const char *const colors[] = {
    [TL_SEV_NOTE] = C_CYAN, [TL_SEV_WARNING] = C_PURPLE, [TL_SEV_ERROR] = C_RED
  };
  print_location(self, file, loc);
  if (self->color) fputs(colors[sev], self->out);
  fprintf(self->out, "%s: ", tl_severity_name(sev));
  if (self->color) fputs(C_RESET C_BOLD, self->out);
  fputs(message, self->out);
  if (rule) fprintf(self->out, " [%s]", rule);
  if (by)
    fprintf(self->out, " (suppressed by %s on line %u)", tl_nolint_kind_name(by->kind),
            (unsigned)by->line);
  if (self->color) fputs(C_RESET, self->out);
  fputc('\n', self->out);
}

static void write_text(struct tl_output *self, const struct tl_diags *diags,
                       const struct tl_nolint *const *suppressed) {
  for (uint32_t i = 0; i < diags->size; i++) {
    const struct tl_diag *d = &diags->data[i];
    const struct tl_nolint *by = suppressed ? suppressed[i] : NULL;
    if (by && !self->show_suppressed) continue;
    print_header(self, d->file, d->loc, d->severity, d->message, d->rule, by);
    print_snippet(self, d->file, d->loc);
    for (uint32_t n = 0; n < d->nnotes; n++) {
      const struct tl_note *note = &d->notes[n];
      print_header(self, note->file, note->loc, TL_SEV_NOTE, note->message, NULL, NULL);
      print_snippet(self, note->file, note->loc);
    }
  }
  fflush(self->out);
}

/* ---- JSON --------------------------------------------------------------------------- */

/* A JSON string of value; bytes that are not valid UTF-8 (a Latin-1 path) become '?'. */
static int set_str(json_t *obj, const char *key, const char *value) {
  if (!value) value = "";
  json_t *s = json_string(value);
  if (!s) {
    char *ascii = strdup(value);
    if (!ascii) return -1;
    for (char *p = ascii; *p; p++)
      if ((unsigned char)*p >= 0x80) *p = '?';
    s = json_string(ascii);
    free(ascii);
  }
  return json_object_set_new(obj, key, s);
}

static int set_int(json_t *obj, const char *key, uint32_t value) {
  return json_object_set_new(obj, key, json_integer((json_int_t)value));
}

static json_t *diag_json(const struct tl_diag *d, const struct tl_nolint *by) {
  json_t *obj = json_object(), *notes = json_array();
  if (!obj || !notes) goto fail;
  if (set_str(obj, "file", d->file) || set_int(obj, "line", d->loc.line) ||
      set_int(obj, "column", d->loc.col) || set_int(obj, "end_line", d->loc.end_line) ||
      set_int(obj, "end_column", d->loc.end_col) || set_str(obj, "rule", d->rule) ||
      set_str(obj, "severity", tl_severity_name(d->severity)) ||
      set_str(obj, "message", d->message))
    goto fail;
  if (by) {
    json_t *how = json_object();
    if (!how || json_object_set_new(obj, "suppressed", json_true()) ||
        json_object_set_new(obj, "suppressed_by", how) ||
        set_str(how, "kind", tl_nolint_kind_name(by->kind)) ||
        set_int(how, "line", by->line))
      goto fail;
  }
  for (uint32_t n = 0; n < d->nnotes; n++) {
    const struct tl_note *note = &d->notes[n];
    json_t *nj = json_object();
    if (!nj) goto fail;
    if (set_str(nj, "file", note->file) || set_int(nj, "line", note->loc.line) ||
        set_int(nj, "column", note->loc.col) || set_str(nj, "message", note->message) ||
        json_array_append_new(notes, nj))
      goto fail;
  }
  if (json_object_set_new(obj, "notes", notes)) {
    notes = NULL;  /* set_new consumed it */
    goto fail;
  }
  return obj;

fail:
  json_decref(notes);
  json_decref(obj);
  return NULL;
}

static int write_json(struct tl_output *self, const struct tl_diags *diags,
                      const struct tl_nolint *const *suppressed) {
  for (uint32_t i = 0; i < diags->size; i++) {
    const struct tl_nolint *by = suppressed ? suppressed[i] : NULL;
    if (by && !self->show_suppressed) continue;
    json_t *obj = diag_json(&diags->data[i], by);
    if (!obj || json_array_append_new(self->json, obj)) return TL_ENOMEM;
  }
  return 0;
}

int tl_output_write_marked(struct tl_output *self, const struct tl_diags *diags,
                           const struct tl_nolint *const *suppressed) {
  if (self->format == TL_FORMAT_JSON) return write_json(self, diags, suppressed);
  write_text(self, diags, suppressed);
  return 0;
}

int tl_output_write(struct tl_output *self, const struct tl_diags *diags) {
  return tl_output_write_marked(self, diags, NULL);
}

int tl_output_finish(struct tl_output *self) {
  if (self->format != TL_FORMAT_JSON) return 0;
  if (json_dumpf(self->json, self->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
    return TL_EIO;
  fputc('\n', self->out);
  fflush(self->out);
  return ferror(self->out) ? TL_EIO : 0;
}
