/* suppress.c — finding NOLINT marks in C source bytes, and matching findings against them.
 *
 * The lexer knows just enough C to tell comments from code: string and character literals
 * (with escapes; an unterminated one ends at the line's end), `//` comments continued by a
 * backslash-newline, block comments, and C23 digit separators (`1'000` is not a character
 * literal). It never fails on odd input: whatever it cannot classify is code. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "suppress.h"
#include "tl_errno.h"

const char *tl_nolint_kind_name(enum tl_nolint_kind kind) {
  switch (kind) {
  case TL_NOLINT:          return "NOLINT";
  case TL_NOLINT_NEXTLINE: return "NOLINTNEXTLINE";
  case TL_NOLINT_BEGIN:    return "NOLINTBEGIN";
  case TL_NOLINT_END:      return "NOLINTEND";
  }
  return "NOLINT";
}

void tl_suppress_close(struct tl_suppress *self) {
  for (uint32_t i = 0; i < self->marks.size; i++) free(self->marks.data[i].rules);
  tl_array_free(&self->marks);
}

static int is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_';
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* ---- marks inside one comment ------------------------------------------------------- */

/* The list of `(...)` at p (p < end, *p == '('), blanks removed, or "" when the ')' is
 * missing. NULL when out of memory. */
static char *list_dup(const char *p, const char *end) {
  const char *close = memchr(p, ')', (size_t)(end - p));
  size_t n = close ? (size_t)(close - p - 1) : 0;
  char *out = malloc(n + 1), *w = out;
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++)
    if (!is_blank(p[1 + i])) *w++ = p[1 + i];
  *w = '\0';
  return out;
}

/* Record the marks of comment text [p, end) that starts at line:col. */
static int scan_comment(struct tl_suppress *self, const char *p, const char *end,
                        uint32_t line, uint32_t col) {
  static const char word[] = "NOLINT";
  static const struct { const char *suffix; enum tl_nolint_kind kind; } kinds[] = {
    {"NEXTLINE", TL_NOLINT_NEXTLINE}, {"BEGIN", TL_NOLINT_BEGIN}, {"END", TL_NOLINT_END},
    {"", TL_NOLINT},
  };
  const char *start = p;
  for (const char *q = p; q < end; q++) {
    if (*q == '\n') {
      line++;
      col = 1;
      start = q + 1;
      continue;
    }
    if ((size_t)(end - q) < sizeof word - 1 || memcmp(q, word, sizeof word - 1) != 0 ||
        (q > p && is_ident(q[-1])))
      continue;
    const char *after = q + sizeof word - 1;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
      size_t n = strlen(kinds[k].suffix);
      if ((size_t)(end - after) < n || memcmp(after, kinds[k].suffix, n) != 0) continue;
      const char *tail = after + n;
      if (tail < end && is_ident(*tail)) break;     /* NOLINTX: not a mark */
      struct tl_nolint m = {
        .kind = kinds[k].kind,
        .line = line,
        .col = col + (uint32_t)(q - start),
      };
      if (tail < end && *tail == '(' && !(m.rules = list_dup(tail, end))) return TL_ENOMEM;
      m.first = m.last = m.kind == TL_NOLINT_NEXTLINE ? line + 1 : line;
      if (tl_array_push(&self->marks, m) < 0) {
        free(m.rules);
        return TL_ENOMEM;
      }
      break;
    }
    q = after - 1;
  }
  return 0;
}

/* ---- the lexer ------------------------------------------------------------------------ */

/* A backslash-newline (LF or CR LF) at p: its length, else 0. */
static size_t splice_at(const char *p, const char *end) {
  if (p >= end || *p != '\\') return 0;
  if (p + 1 < end && p[1] == '\n') return 2;
  if (p + 2 < end && p[1] == '\r' && p[2] == '\n') return 3;
  return 0;
}

struct lexer {
  const char *p, *end;
  uint32_t line, col;
};

static void advance(struct lexer *lx) {
  if (*lx->p == '\n') {
    lx->line++;
    lx->col = 1;
  } else {
    lx->col++;
  }
  lx->p++;
}

/* Skip a literal closed by `quote` (lx->p is on the opening quote). */
static void skip_literal(struct lexer *lx, char quote) {
  advance(lx);
  while (lx->p < lx->end && *lx->p != '\n') {
    if (*lx->p == '\\' && lx->p + 1 < lx->end) {
      advance(lx);
      advance(lx);            /* the escaped byte, a line break included (a splice) */
      continue;
    }
    if (*lx->p == quote) {
      advance(lx);
      return;
    }
    advance(lx);
  }
}

static void pair_marks(struct tl_suppress *self) {
  for (uint32_t i = 0; i < self->marks.size; i++) {
    struct tl_nolint *e = &self->marks.data[i];
    if (e->kind != TL_NOLINT_END) continue;
    for (uint32_t j = i; j-- > 0;) {             /* the innermost open BEGIN, same list */
      struct tl_nolint *b = &self->marks.data[j];
      if (b->kind != TL_NOLINT_BEGIN || b->matched) continue;
      if ((b->rules == NULL) != (e->rules == NULL)) continue;
      if (b->rules && strcmp(b->rules, e->rules) != 0) continue;
      b->matched = e->matched = 1;
      b->last = e->line;
      e->first = b->line;
      break;
    }
  }
}

int tl_suppress_scan(struct tl_suppress *self, const char *buf, size_t len) {
  struct lexer lx = {buf, buf + len, 1, 1};
  int in_number = 0;             /* inside a pp-number: ' is a digit separator */
  memset(self, 0, sizeof *self);
  while (lx.p < lx.end) {
    char c = *lx.p;
    char next = lx.p + 1 < lx.end ? lx.p[1] : '\0';
    if (c == '/' && next == '/') {
      const char *text = lx.p + 2;
      uint32_t line = lx.line, col = lx.col + 2;
      while (lx.p < lx.end && *lx.p != '\n') {
        size_t s = splice_at(lx.p, lx.end);
        for (size_t i = 0; i < (s ? s : 1); i++) advance(&lx);
      }
      if (scan_comment(self, text, lx.p, line, col) < 0) goto nomem;
      in_number = 0;
      continue;
    }
    if (c == '/' && next == '*') {
      const char *text = lx.p + 2;
      uint32_t line = lx.line, col = lx.col + 2;
      advance(&lx);
      advance(&lx);
      const char *stop = lx.end;
      while (lx.p < lx.end) {
        if (*lx.p == '*' && lx.p + 1 < lx.end && lx.p[1] == '/') {
          stop = lx.p;
          advance(&lx);
          advance(&lx);
          break;
        }
        advance(&lx);
      }
      if (scan_comment(self, text, stop, line, col) < 0) goto nomem;
      in_number = 0;
      continue;
    }
    if (c == '\'' && in_number && is_ident(next)) {
      advance(&lx);               /* 1'000 */
      continue;
    }
    if (c == '"' || c == '\'') {
      skip_literal(&lx, c);
      in_number = 0;
      continue;
    }
    if (c >= '0' && c <= '9' && !in_number && (lx.p == buf || !is_ident(lx.p[-1])))
      in_number = 1;
    else if (!is_ident(c) && c != '.')
      in_number = 0;
    advance(&lx);
  }
  pair_marks(self);
  return 0;

nomem:
  tl_suppress_close(self);
  return TL_ENOMEM;
}

int tl_suppress_load(struct tl_suppress *self, const char *path) {
  memset(self, 0, sizeof *self);
  char *buf = NULL;
  size_t len = 0;
  int rc = tl_file_read(path, 0, &buf, &len);
  if (rc == 0) rc = tl_suppress_scan(self, buf, len);
  free(buf);
  return rc;
}

/* ---- matching ------------------------------------------------------------------------- */

/* 1 when the comma-separated list (NULL: every rule) covers rule. */
static int list_covers(const char *list, const char *rule) {
  if (!list) return 1;
  char entry[128];
  for (const char *p = list; *p;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n > 0 && n < sizeof entry) {
      memcpy(entry, p, n);
      entry[n] = '\0';
      if (fnmatch(entry, rule, 0) == 0) return 1;
    }
    p += n + (comma ? 1 : 0);
  }
  return 0;
}

const struct tl_nolint *tl_suppress_match(const struct tl_suppress *self, const char *rule,
                                          uint32_t line) {
  if (!rule || strcmp(rule, TL_NOLINT_UNMATCHED) == 0) return NULL;
  for (uint32_t i = 0; i < self->marks.size; i++) {
    const struct tl_nolint *m = &self->marks.data[i];
    if (m->kind == TL_NOLINT_END || (m->kind == TL_NOLINT_BEGIN && !m->matched)) continue;
    if (line < m->first || line > m->last || !list_covers(m->rules, rule)) continue;
    return m;
  }
  return NULL;
}

int tl_suppress_report(const struct tl_suppress *self, const char *file,
                       struct tl_diags *diags) {
  for (uint32_t i = 0; i < self->marks.size; i++) {
    const struct tl_nolint *m = &self->marks.data[i];
    if ((m->kind != TL_NOLINT_BEGIN && m->kind != TL_NOLINT_END) || m->matched) continue;
    const char *name = tl_nolint_kind_name(m->kind);
    char mark[192];
    snprintf(mark, sizeof mark, "%s%s%s%s", name, m->rules ? "(" : "",
             m->rules ? m->rules : "", m->rules ? ")" : "");
    char msg[512];
    if (m->kind == TL_NOLINT_BEGIN)
      snprintf(msg, sizeof msg, "'%s' has no matching 'NOLINTEND' after it; it suppresses "
               "nothing", mark);
    else
      snprintf(msg, sizeof msg, "'%s' has no matching 'NOLINTBEGIN' before it", mark);
    struct tl_loc loc = {m->line, m->col, m->line, m->col + (uint32_t)strlen(name)};
    if (tl_diags_add(diags, file, loc, TL_NOLINT_UNMATCHED, TL_SEV_WARNING, msg, NULL) < 0)
      return TL_ENOMEM;
  }
  return 0;
}
