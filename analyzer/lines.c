/* lines.c — the line format's parser (grammar in lines.h). One pass, byte by byte, each
 * physical line checked and tokenized on its own; nothing here trusts the input.
 *
 * Does not do yet: line continuation (rejected on purpose), column units other than bytes. */
#include "lines.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "array.h"
#include "tl_errno.h"

/* ---- errors ---------------------------------------------------------------------------- */

void tl_srcerr_vset(struct tl_srcerr *err, const char *file, int line, int col,
                    const char *fmt, va_list ap) {
  if (!err) return;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "<input>");
  err->line = line;
  err->col = col;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

void tl_srcerr_set(struct tl_srcerr *err, const char *file, int line, int col,
                   const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  tl_srcerr_vset(err, file, line, col, fmt, ap);
  va_end(ap);
}

const char *tl_srcerr_quote(char *buf, size_t n, const char *s) {
  size_t o = 0, shown = 0;
  const size_t limit = 40;
  for (; *s && shown < limit; s++, shown++) {
    unsigned char c = (unsigned char)*s;
    char esc[8];
    if (c < 0x20 || c == 0x7f)
      snprintf(esc, sizeof esc, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\x%02x", c);
    else if (c == '\'' || c == '\\')
      snprintf(esc, sizeof esc, "\\%c", c);
    else
      snprintf(esc, sizeof esc, "%c", c);
    size_t l = strlen(esc);
    if (o + l + 4 >= n) break;           /* keep room for "..." and the NUL */
    memcpy(buf + o, esc, l);
    o += l;
  }
  if (*s && o + 4 <= n) {
    /* Do not cut a UTF-8 sequence in half: drop an incomplete one at the end. */
    size_t k = o;
    while (k > 0 && o - k < 4 && ((unsigned char)buf[k - 1] & 0xc0) == 0x80) k--;
    if (k > 0 && (unsigned char)buf[k - 1] >= 0xc0) {
      unsigned char lead = (unsigned char)buf[k - 1];
      size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
      if (o - (k - 1) < want) o = k - 1;
    }
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

/* ---- the parser ------------------------------------------------------------------------ */

struct parser {
  tl_arena *arena;
  const char *name;
  struct tl_srcerr *err;
  uint32_t line;
  const unsigned char *s;   /* the current line's content, without its line break */
  size_t n;
};

static int fail(struct parser *p, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t i, const char *fmt, ...) {
  if (p->err) {
    char msg[sizeof p->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tl_srcerr_set(p->err, p->name, (int)p->line, (int)i + 1, "%s", msg);
  }
  return TL_ESYNTAX;
}

static int fail_nomem(struct parser *p) {
  tl_srcerr_set(p->err, p->name, 0, 0, "out of memory");
  return TL_ENOMEM;
}

/* Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when it is invalid or a C1
 * control character. s[i] >= 0x80. */
static size_t utf8_len(const unsigned char *s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf;   /* bounds of the second byte */
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c == 0xe0) len = 3, lo = 0xa0;
  else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) len = 3;
  else if (c == 0xed) len = 3, hi = 0x9f;                 /* no surrogates */
  else if (c == 0xf0) len = 4, lo = 0x90;
  else if (c >= 0xf1 && c <= 0xf3) len = 4;
  else if (c == 0xf4) len = 4, hi = 0x8f;                 /* <= U+10FFFF */
  else return 0;
  if (n - i < len) return 0;
  if (s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; k++)
    if ((s[i + k] & 0xc0) != 0x80) return 0;
  if (c == 0xc2 && s[i + 1] <= 0x9f) return 0;            /* C1 controls U+0080..U+009F */
  return len;
}

/* Check the character at s[i] (not a quote's special case): 0 and *len, or an error. */
static int check_char(struct parser *p, size_t i, size_t *len) {
  unsigned char c = p->s[i];
  if (c >= 0x80) {
    *len = utf8_len(p->s, p->n, i);
    if (*len) return 0;
    if (c == 0xc2 && i + 1 < p->n && p->s[i + 1] >= 0x80 && p->s[i + 1] <= 0x9f)
      return fail(p, i, "control character U+%04X", (unsigned)p->s[i + 1]);
    return fail(p, i, "invalid UTF-8 byte 0x%02x", c);
  }
  *len = 1;
  if (c == '\0') return fail(p, i, "NUL byte");
  if (c == '\r') return fail(p, i, "carriage return not followed by a line feed");
  if ((c < 0x20 && c != '\t') || c == 0x7f)
    return fail(p, i, "control character U+%04X", (unsigned)c);
  return 0;
}

static int is_blank(unsigned char c) { return c == ' ' || c == '\t'; }

/* A string starting at the quote s[*i]: decode into the arena, leave *i past the closing
 * quote. */
static int parse_string(struct parser *p, size_t *i, const char **value) {
  size_t open = *i, j = open + 1;
  char *out = tl_arena_alloc(p->arena, p->n - open);   /* decoded is never longer */
  if (!out) return fail_nomem(p);
  size_t o = 0;
  for (;;) {
    if (j >= p->n) return fail(p, open, "unterminated string");
    unsigned char c = p->s[j];
    if (c == '"') break;
    if (c == '\\') {
      if (j + 1 >= p->n) return fail(p, open, "unterminated string");
      unsigned char e = p->s[j + 1];
      switch (e) {
      case '"':  out[o++] = '"'; break;
      case '\\': out[o++] = '\\'; break;
      case 'n':  out[o++] = '\n'; break;
      case 't':  out[o++] = '\t'; break;
      default: {
        size_t l;
        int rc = check_char(p, j + 1, &l);
        if (rc < 0) return rc;
        return fail(p, j, "invalid escape '\\%.*s' in string (use \\\" \\\\ \\n \\t)",
                    (int)l, (const char *)p->s + j + 1);
      }
      }
      j += 2;
      continue;
    }
    size_t l;
    int rc = check_char(p, j, &l);
    if (rc < 0) return rc;
    memcpy(out + o, p->s + j, l);
    o += l;
    j += l;
  }
  out[o] = '\0';
  j++;                                                    /* the closing quote */
  if (j < p->n && !is_blank(p->s[j]) && p->s[j] != '#')
    return fail(p, j, "expected a blank after the closing quote");
  *i = j;
  *value = out;
  return 0;
}

/* Tokenize the current line into toks[]; *ntok tokens. */
static int parse_line(struct parser *p, struct tl_token *toks, uint32_t *ntok) {
  size_t i = 0;
  uint32_t nt = 0;
  int comment = 0;
  *ntok = 0;
  while (i < p->n) {
    unsigned char c = p->s[i];
    if (is_blank(c)) { i++; continue; }
    if (c == '#') { comment = 1; break; }
    if (nt == TL_LINE_MAX_TOKENS)
      return fail(p, i, "more than %d tokens on one line", TL_LINE_MAX_TOKENS);
    struct tl_token *t = &toks[nt];
    memset(t, 0, sizeof *t);
    t->line = p->line;
    t->col = t->value_col = (uint32_t)i + 1;
    if (c == '"') {
      int rc = parse_string(p, &i, &t->value);
      if (rc < 0) return rc;
      t->quoted = 1;
      nt++;
      continue;
    }
    /* A bare word, maybe key=value. */
    size_t start = i, eq = (size_t)-1;
    while (i < p->n && !is_blank(p->s[i]) && p->s[i] != '#' && p->s[i] != '"') {
      size_t l;
      int rc = check_char(p, i, &l);
      if (rc < 0) return rc;
      if (p->s[i] == '=' && eq == (size_t)-1) eq = i;
      i += l;
    }
    if (eq == start) return fail(p, start, "missing key before '='");
    if (eq == (size_t)-1) {
      if (i < p->n && p->s[i] == '"')
        return fail(p, i, "unexpected '\"' inside a word");
      t->value = tl_arena_strndup(p->arena, (const char *)p->s + start, i - start);
      if (!t->value) return fail_nomem(p);
      nt++;
      continue;
    }
    t->key = tl_arena_strndup(p->arena, (const char *)p->s + start, eq - start);
    if (!t->key) return fail_nomem(p);
    t->value_col = (uint32_t)eq + 2;
    if (eq + 1 == i) {                                    /* key= then a string, or nothing */
      if (i < p->n && p->s[i] == '"') {
        int rc = parse_string(p, &i, &t->value);
        if (rc < 0) return rc;
        t->quoted = 1;
        nt++;
        continue;
      }
      return fail(p, eq, "missing value after '=' (write %.*s=\"\" for an empty value)",
                  (int)(eq - start), (const char *)p->s + start);
    }
    if (i < p->n && p->s[i] == '"') return fail(p, i, "unexpected '\"' inside a word");
    t->value = tl_arena_strndup(p->arena, (const char *)p->s + eq + 1, i - eq - 1);
    if (!t->value) return fail_nomem(p);
    nt++;
  }
  if (!comment && p->n > 0 && p->s[p->n - 1] == '\\' && nt > 0 && !toks[nt - 1].quoted)
    return fail(p, p->n - 1,
                "line continuation with '\\' is not supported (one directive per line)");
  *ntok = nt;
  return 0;
}

int tl_lines_parse(tl_arena *arena, const char *name, const char *buf, size_t len,
                   struct tl_lines *out, struct tl_srcerr *err) {
  struct parser p = { .arena = arena, .name = name ? name : "<input>", .err = err };
  TL_ARRAY(struct tl_line) lines = {0};
  struct tl_token toks[TL_LINE_MAX_TOKENS];
  int rc = 0;
  size_t pos = 0;
  if (!buf) len = 0;
  if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) pos = 3;
  for (uint32_t lineno = 1; pos < len; lineno++) {
    if (lineno == UINT32_MAX) {
      rc = fail(&p, 0, "too many lines");
      goto fail;
    }
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - buf) : len;
    size_t next = nl ? end + 1 : len;
    if (nl && end > pos && buf[end - 1] == '\r') end--;
    p.line = lineno;
    p.s = (const unsigned char *)buf + pos;
    p.n = end - pos;
    pos = next;
    if (p.n > TL_LINE_MAX) {
      rc = fail(&p, TL_LINE_MAX, "line longer than %d bytes", TL_LINE_MAX);
      goto fail;
    }
    uint32_t nt;
    rc = parse_line(&p, toks, &nt);
    if (rc < 0) goto fail;
    if (nt == 0) continue;
    struct tl_line ln = { .line = lineno, .ntokens = nt };
    ln.tokens = tl_arena_alloc(arena, nt * sizeof *ln.tokens);
    if (!ln.tokens) {
      rc = fail_nomem(&p);
      goto fail;
    }
    memcpy(ln.tokens, toks, nt * sizeof *ln.tokens);
    if (tl_array_push(&lines, ln) < 0) {
      rc = fail_nomem(&p);
      goto fail;
    }
  }
  struct tl_line *arr = NULL;
  if (lines.size) {
    arr = tl_arena_alloc(arena, lines.size * sizeof *arr);
    if (!arr) {
      rc = fail_nomem(&p);
      goto fail;
    }
    memcpy(arr, lines.data, lines.size * sizeof *arr);
  }
  out->nlines = lines.size;
  out->lines = arr;
  tl_array_free(&lines);
  return 0;

fail:
  tl_array_free(&lines);
  return rc;
}
