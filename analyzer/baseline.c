/* baseline.c — the baseline file: reading, fingerprints, matching, stale entries, writing
 * (baseline.h). */
#define _GNU_SOURCE   /* qsort_r */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "arena.h"
#include "baseline.h"
#include "cache.h"
#include "lines.h"
#include "tl_errno.h"

#define BASELINE_VERSION "1"
#define MESSAGE_MAX 1000

/* ---- the root and relative paths -------------------------------------------------------- */

/* The absolute form of path: realpath, or for a file that does not exist (yet), the
 * realpath of its folder and its name. NULL when neither works or out of memory. */
static char *abs_path(const char *path) {
  char *r = realpath(path, NULL);
  if (r) return r;
  const char *slash = strrchr(path, '/');
  char *dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
  const char *name = slash ? slash + 1 : path;
  if (!dir) return NULL;
  char *rd = realpath(dir, NULL);
  free(dir);
  if (!rd) return NULL;
  size_t n = strlen(rd) + strlen(name) + 2;
  char *out = malloc(n);
  if (out) snprintf(out, n, "%s%s%s", rd, strcmp(rd, "/") == 0 ? "" : "/", name);
  free(rd);
  return out;
}

int tl_baseline_init(struct tl_baseline *self, const char *path) {
  memset(self, 0, sizeof *self);
  char *file = abs_path(path);
  if (!file) return errno == ENOMEM ? TL_ENOMEM : TL_EIO;
  char *slash = strrchr(file, '/');
  if (slash == file) slash[1] = '\0';
  else *slash = '\0';
  /* the nearest folder holding .git, else the baseline's own folder */
  char probe[PATH_MAX + 8];
  char *dir = strdup(file);
  if (!dir) {
    free(file);
    return TL_ENOMEM;
  }
  for (;;) {
    struct stat st;
    snprintf(probe, sizeof probe, "%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
    if (stat(probe, &st) == 0) {
      free(file);
      self->root = dir;
      return 0;
    }
    char *s = strrchr(dir, '/');
    if (!s || s == dir) break;
    *s = '\0';
  }
  free(dir);
  self->root = file;
  return 0;
}

int tl_baseline_relpath(const struct tl_baseline *self, const char *file, char **out) {
  char *a = abs_path(file);
  if (!a) {
    if (!(a = strdup(file))) return TL_ENOMEM;
  }
  size_t rn = strlen(self->root);
  if (strcmp(self->root, "/") == 0) rn = 0;
  if (a[0] == '/' && strncmp(a, self->root, rn) == 0 && a[rn] == '/') {
    memmove(a, a + rn + 1, strlen(a + rn + 1) + 1);
  }
  *out = a;
  return 0;
}

/* ---- fingerprints ----------------------------------------------------------------------- */

/* Line starts of src: starts[i] is where line i+1 begins; *n lines. NULL on OOM. */
static size_t *line_starts(const char *src, size_t len, uint32_t *n) {
  uint32_t count = 1;
  for (size_t i = 0; i < len; i++) count += src[i] == '\n';
  size_t *s = malloc((count + 1) * sizeof *s);
  if (!s) return NULL;
  uint32_t k = 0;
  s[k++] = 0;
  for (size_t i = 0; i < len; i++)
    if (src[i] == '\n') s[k++] = i + 1;
  s[k] = len + 1;
  *n = count;
  return s;
}

/* Hash line `line` (from 1; out of range: empty), blanks trimmed and collapsed. */
static void hash_line(struct tl_hash *h, const char *src, size_t len, const size_t *starts,
                      uint32_t nlines, uint32_t line) {
  if (line >= 1 && line <= nlines) {
    size_t b = starts[line - 1], e = starts[line] - 1;   /* e: the '\n' or len */
    if (e > len) e = len;
    int blank = 0, any = 0;
    for (size_t i = b; i < e; i++) {
      char c = src[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        blank = 1;
        continue;
      }
      if (blank && any) tl_hash_update(h, " ", 1);
      tl_hash_update(h, &c, 1);
      blank = 0;
      any = 1;
    }
  }
  tl_hash_update(h, "\n", 1);
}

static void fingerprint_at(const char *src, size_t len, const size_t *starts, uint32_t nlines,
                           uint32_t line, char fp[TL_BASELINE_FP_HEX]) {
  struct tl_hash h;
  char hex[TL_HASH_HEX];
  tl_hash_init(&h);
  tl_hash_str(&h, "ticketlint-baseline-1");
  for (uint32_t l = line ? line - 1 : 0; l <= line + 1; l++)
    hash_line(&h, src, len, starts, nlines, l);
  tl_hash_hex(&h, hex);
  memcpy(fp, hex, TL_BASELINE_FP_HEX - 1);
  fp[TL_BASELINE_FP_HEX - 1] = '\0';
}

void tl_baseline_fingerprint(const char *src, size_t len, uint32_t line,
                             char fp[TL_BASELINE_FP_HEX]) {
  uint32_t n = 0;
  size_t one[2] = {0, 1};
  size_t *starts = src ? line_starts(src, len, &n) : NULL;
  if (!starts) {   /* no source (or no memory): every line is empty */
    fingerprint_at("", 0, one, 0, line, fp);
    return;
  }
  fingerprint_at(src, len, starts, n, line, fp);
  free(starts);
}

void tl_baseline_keys(const struct tl_diag *diags, uint32_t n, const unsigned char *skip,
                      const char *file, const char *src, size_t len,
                      struct tl_baseline_key *keys) {
  uint32_t nlines = 0;
  size_t one[2] = {0, 1};
  size_t *starts = src ? line_starts(src, len, &nlines) : NULL;
  for (uint32_t i = 0; i < n; i++) {
    if (skip && skip[i]) continue;
    struct tl_baseline_key *k = &keys[i];
    k->rule = diags[i].rule ? diags[i].rule : "";
    k->file = file;
    if (starts) fingerprint_at(src, len, starts, nlines, diags[i].loc.line, k->fingerprint);
    else fingerprint_at("", 0, one, 0, diags[i].loc.line, k->fingerprint);
    k->occurrence = 1;
    for (uint32_t j = 0; j < i; j++)
      if (!(skip && skip[j]) && strcmp(keys[j].rule, k->rule) == 0 &&
          strcmp(keys[j].fingerprint, k->fingerprint) == 0)
        k->occurrence++;
  }
  free(starts);
}

/* ---- entries ---------------------------------------------------------------------------- */

int tl_baseline_match(struct tl_baseline *self, const struct tl_baseline_key *key) {
  for (uint32_t i = 0; i < self->entries.size; i++) {
    struct tl_baseline_entry *e = &self->entries.data[i];
    if (!e->matched && e->occurrence == key->occurrence &&
        strcmp(e->fingerprint, key->fingerprint) == 0 && strcmp(e->rule, key->rule) == 0 &&
        strcmp(e->file, key->file) == 0) {
      e->matched = 1;
      return 1;
    }
  }
  return 0;
}

int tl_baseline_add(struct tl_baseline *self, const struct tl_baseline_key *key,
                    uint32_t line, const char *message) {
  struct tl_baseline_entry e = {0};
  e.rule = strdup(key->rule);
  e.file = strdup(key->file);
  e.message = strdup(message ? message : "");
  memcpy(e.fingerprint, key->fingerprint, TL_BASELINE_FP_HEX);
  e.occurrence = key->occurrence;
  e.line = line;
  if (!e.rule || !e.file || !e.message || tl_array_push(&self->entries, e) < 0) {
    free(e.rule);
    free(e.file);
    free(e.message);
    return TL_ENOMEM;
  }
  return 0;
}

void tl_baseline_close(struct tl_baseline *self) {
  for (uint32_t i = 0; i < self->entries.size; i++) {
    free(self->entries.data[i].rule);
    free(self->entries.data[i].file);
    free(self->entries.data[i].message);
  }
  tl_array_free(&self->entries);
  free(self->root);
  memset(self, 0, sizeof *self);
}

uint32_t tl_baseline_stale(const struct tl_baseline *self, const char *const *files,
                           uint32_t nfiles, unsigned char *stale) {
  uint32_t count = 0;
  for (uint32_t i = 0; i < self->entries.size; i++) {
    const struct tl_baseline_entry *e = &self->entries.data[i];
    int linted = 0;
    for (uint32_t f = 0; f < nfiles && !linted; f++) linted = strcmp(files[f], e->file) == 0;
    int s = linted && !e->matched;
    if (stale) stale[i] = (unsigned char)s;
    count += (uint32_t)s;
  }
  return count;
}

/* ---- reading ---------------------------------------------------------------------------- */

static int parse_u32(const char *s, uint32_t *out) {
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || !*s || *end || s[0] == '-' || v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

static int is_fingerprint(const char *s) {
  if (strlen(s) != TL_BASELINE_FP_HEX - 1) return 0;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
  return 1;
}

int tl_baseline_load(struct tl_baseline *self, const char *path, struct tl_srcerr *err) {
  struct tl_baseline b;
  struct tl_lines lines;
  char *text = NULL;
  size_t len = 0;
  tl_arena *arena = NULL;
  int rc = tl_baseline_init(&b, path);
  if (rc < 0) {
    tl_srcerr_set(err, path, 0, 0, "%s", rc == TL_ENOMEM ? tl_strerror(rc) : strerror(errno));
    return rc;
  }
  if ((rc = tl_file_read(path, 0, &text, &len)) < 0) {
    tl_srcerr_set(err, path, 0, 0, "%s", rc == TL_ENOMEM ? tl_strerror(rc) : strerror(errno));
    goto fail;
  }
  if (!(arena = tl_arena_new())) {
    rc = TL_ENOMEM;
    tl_srcerr_set(err, path, 0, 0, "%s", tl_strerror(rc));
    goto fail;
  }
  if ((rc = tl_lines_parse(arena, path, text, len, &lines, err)) < 0) goto fail;
  rc = TL_ESYNTAX;
  int have_header = 0;
  for (uint32_t i = 0; i < lines.nlines; i++) {
    const struct tl_line *l = &lines.lines[i];
    const struct tl_token *t0 = &l->tokens[0];
    if (t0->key || t0->quoted) {
      tl_srcerr_set(err, path, (int)t0->line, (int)t0->col, "expected 'baseline' or 'finding'");
      goto fail;
    }
    if (strcmp(t0->value, "baseline") == 0) {
      if (have_header || i != 0) {
        tl_srcerr_set(err, path, (int)t0->line, (int)t0->col, "'baseline' must be the first line");
        goto fail;
      }
      if (l->ntokens != 2 || !l->tokens[1].key || strcmp(l->tokens[1].key, "version") != 0) {
        tl_srcerr_set(err, path, (int)t0->line, (int)t0->col, "expected 'baseline version=%s'",
                      BASELINE_VERSION);
        goto fail;
      }
      if (strcmp(l->tokens[1].value, BASELINE_VERSION) != 0) {
        tl_srcerr_set(err, path, (int)l->tokens[1].line, (int)l->tokens[1].value_col,
                      "unsupported baseline version '%s' (this ticketlint reads %s)",
                      l->tokens[1].value, BASELINE_VERSION);
        goto fail;
      }
      have_header = 1;
      continue;
    }
    if (strcmp(t0->value, "finding") != 0) {
      tl_srcerr_set(err, path, (int)t0->line, (int)t0->col,
                    "unknown directive '%s' (expected 'finding')", t0->value);
      goto fail;
    }
    if (!have_header) {
      tl_srcerr_set(err, path, (int)t0->line, (int)t0->col,
                    "missing 'baseline version=%s' first line", BASELINE_VERSION);
      goto fail;
    }
    struct tl_baseline_key key = {0};
    const char *message = NULL;
    uint32_t line = 0;
    int have_occ = 0;
    for (uint32_t k = 1; k < l->ntokens; k++) {
      const struct tl_token *t = &l->tokens[k];
      const char *what = t->key ? t->key : t->value;
      if (!t->key) {
        tl_srcerr_set(err, path, (int)t->line, (int)t->col, "expected key=value, not '%s'", what);
        goto fail;
      }
      if (strcmp(t->key, "rule") == 0) key.rule = t->value;
      else if (strcmp(t->key, "file") == 0) key.file = t->value;
      else if (strcmp(t->key, "message") == 0) message = t->value;
      else if (strcmp(t->key, "fingerprint") == 0 && is_fingerprint(t->value))
        memcpy(key.fingerprint, t->value, TL_BASELINE_FP_HEX);
      else if (strcmp(t->key, "occurrence") == 0 && parse_u32(t->value, &key.occurrence) == 0 &&
               key.occurrence > 0)
        have_occ = 1;
      else if (strcmp(t->key, "line") == 0 && parse_u32(t->value, &line) == 0) continue;
      else {
        tl_srcerr_set(err, path, (int)t->line, (int)t->col, "bad or unknown '%s=%s'", t->key,
                      t->value);
        goto fail;
      }
    }
    if (!key.rule || !key.file || !key.fingerprint[0] || !have_occ) {
      tl_srcerr_set(err, path, (int)t0->line, (int)t0->col,
                    "a finding needs rule=, file=, fingerprint= and occurrence=");
      goto fail;
    }
    if ((rc = tl_baseline_add(&b, &key, line, message)) < 0) {
      tl_srcerr_set(err, path, 0, 0, "%s", tl_strerror(rc));
      goto fail;
    }
    rc = TL_ESYNTAX;
  }
  if (!have_header && lines.nlines == 0) {
    tl_srcerr_set(err, path, 1, 1, "missing 'baseline version=%s' first line", BASELINE_VERSION);
    goto fail;
  }
  tl_arena_free(arena);
  free(text);
  *self = b;
  return 0;

fail:
  tl_arena_free(arena);
  free(text);
  tl_baseline_close(&b);
  return rc;
}

/* ---- writing ---------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (not a C1 control), or 0. */
static size_t utf8_len(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80)
    return s[0] == 0xc2 && s[1] < 0xa0 ? 0 : 2;
  if (s[0] >= 0xe0 && s[0] <= 0xef && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
    if (s[0] == 0xe0 && s[1] < 0xa0) return 0;
    if (s[0] == 0xed && s[1] >= 0xa0) return 0;
    return 3;
  }
  if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
      (s[3] & 0xc0) == 0x80) {
    if (s[0] == 0xf0 && s[1] < 0x90) return 0;
    if (s[0] == 0xf4 && s[1] >= 0x90) return 0;
    return 4;
  }
  return 0;
}

/* s as a string of the line format: quoted, escaped; what the format cannot hold ('?'). */
static void put_string(FILE *f, const char *s, size_t max) {
  const unsigned char *p = (const unsigned char *)s;
  size_t done = 0;
  fputc('"', f);
  while (*p && done < max) {
    size_t n = utf8_len(p);
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p == '\n') fputs("\\n", f);
    else if (*p == '\t') fputs("\\t", f);
    else if (n == 0 || *p < 0x20 || *p == 0x7f) fputc('?', f);
    else fwrite(p, 1, n, f);
    p += n ? n : 1;
    done += n ? n : 1;
  }
  fputc('"', f);
}

/* s as a bare word when it can be one (printable ASCII without blanks, quotes, '#', '='),
 * else as a string. */
static void put_value(FILE *f, const char *s) {
  int bare = s[0] != '\0';
  for (const char *p = s; *p && bare; p++)
    bare = *p > ' ' && *p < 0x7f && *p != '"' && *p != '#' && *p != '=' && *p != '\\';
  if (bare) fputs(s, f);
  else put_string(f, s, SIZE_MAX);
}

static int entry_cmp(const void *a, const void *b, void *ctx) {
  const struct tl_baseline *self = ctx;
  const struct tl_baseline_entry *x = &self->entries.data[*(const uint32_t *)a];
  const struct tl_baseline_entry *y = &self->entries.data[*(const uint32_t *)b];
  int c = strcmp(x->file, y->file);
  if (c) return c;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if ((c = strcmp(x->rule, y->rule))) return c;
  if (x->occurrence != y->occurrence) return x->occurrence < y->occurrence ? -1 : 1;
  return strcmp(x->fingerprint, y->fingerprint);
}

int tl_baseline_write(const struct tl_baseline *self, const char *path,
                      const unsigned char *drop) {
  uint32_t n = self->entries.size;
  uint32_t *order = malloc((n + 1) * sizeof *order);
  size_t pn = strlen(path) + 32;
  char *tmp = malloc(pn);
  FILE *f = NULL;
  int rc = TL_ENOMEM;
  if (!order || !tmp) goto done;
  for (uint32_t i = 0; i < n; i++) order[i] = i;
  qsort_r(order, n, sizeof *order, entry_cmp, (void *)self);
  snprintf(tmp, pn, "%s.tmp.%ld", path, (long)getpid());
  rc = TL_EIO;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 || !(f = fdopen(fd, "w"))) {
    if (fd >= 0) close(fd);
    goto done;
  }
  fputs("# ticketlint baseline: findings accepted as they are (docs/ci.md). Files are relative\n"
        "# to the repository root; line and message are for the reader, matching ignores them.\n"
        "baseline version=" BASELINE_VERSION "\n", f);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t i = order[k];
    if (drop && drop[i]) continue;
    const struct tl_baseline_entry *e = &self->entries.data[i];
    fputs("finding rule=", f);
    put_value(f, e->rule);
    fputs(" file=", f);
    put_value(f, e->file);
    fprintf(f, " fingerprint=%s occurrence=%u line=%u message=", e->fingerprint,
            e->occurrence, e->line);
    put_string(f, e->message, MESSAGE_MAX);
    fputc('\n', f);
  }
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    f = NULL;
    unlink(tmp);
    goto done;
  }
  f = NULL;
  if (rename(tmp, path) < 0) {
    unlink(tmp);
    goto done;
  }
  rc = 0;
done:
  free(order);
  free(tmp);
  return rc;
}
