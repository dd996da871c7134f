/* output.c — diagnostics as GCC/clang-style text (source line, caret and tildes, colour on
 * a terminal), as one JSON array or as a SARIF 2.1.0 log (both with jansson), to standard
 * output or atomically to a file.
 *
 * Columns are byte columns, as libclang gives them; the caret line expands tabs to the next
 * multiple of 8 and counts UTF-8 continuation bytes as zero width, so it lines up with the
 * printed source line. SARIF counts Unicode code points instead (run.columnKind), read from
 * the source line; a tab is one column there. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "output.h"
#include "rule.h"
#include "tl_errno.h"

static int sarif_init(struct tl_output *self, const char *root, char *err, size_t errlen);
static char *path_absolute(const char *cwd, const char *path);

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
  self->cwd = getcwd(NULL, 0);   /* NULL (a removed directory): paths are used as they are */
  if (format == TL_FORMAT_JSON || format == TL_FORMAT_CODECLIMATE) {
    self->json = json_array();
    if (!self->json) return TL_ENOMEM;
  }
  if (format == TL_FORMAT_SARIF || format == TL_FORMAT_CODECLIMATE) {
    char err[64];
    int rc = self->cwd ? sarif_init(self, ".", err, sizeof err) : TL_EIO;
    if (rc < 0) {
      tl_output_close(self);
      return rc;
    }
  }
  return 0;
}

void tl_output_close(struct tl_output *self) {
  json_decref(self->json);
  json_decref(self->sarif_rules);
  json_decref(self->sarif_results);
  tl_array_free(&self->prints);
  free(self->root);
  free(self->cwd);
  free(self->src_path);
  free(self->src);
  if (self->tmp_path) {          /* never finished: FILE keeps its old contents */
    if (self->out) fclose(self->out);
    unlink(self->tmp_path);
    free(self->tmp_path);
  }
  free(self->path);
  memset(self, 0, sizeof *self);
}

/* ---- the stream: standard output or a temporary file beside --output ------------------- */

#define OPEN_FAIL(code, ...) \
  do { snprintf(err, errlen, __VA_ARGS__); rc = (code); goto fail; } while (0)

/* Open a temporary file in the directory of path, for tl_output_finish() to rename over
 * path. 0, or TL_EIO / TL_ENOMEM with a message in err. */
static int tmp_open(struct tl_output *self, const char *path, char *err, size_t errlen) {
  int rc = 0, fd = -1;
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    OPEN_FAIL(TL_EIO, "cannot write '%s': is a directory", path);
  size_t n = strlen(path);
  if (n == 0 || path[n - 1] == '/')          /* "dir/" */
    OPEN_FAIL(TL_EIO, "cannot write '%s': is a directory", path);
  /* absolute: the front-end may change the current directory while linting */
  if (!(self->path = path_absolute(self->cwd, path))) OPEN_FAIL(TL_ENOMEM, "out of memory");
  const char *slash = strrchr(self->path, '/');
  size_t dirlen = (size_t)(slash - self->path) + 1;   /* with its '/' */
  self->tmp_path = malloc(strlen(self->path) + sizeof ".XXXXXX" + 1);
  if (!self->tmp_path) OPEN_FAIL(TL_ENOMEM, "out of memory");
  sprintf(self->tmp_path, "%.*s.%s.XXXXXX", (int)dirlen, self->path, slash + 1);
  fd = mkstemp(self->tmp_path);
  if (fd < 0) {
    free(self->tmp_path);
    self->tmp_path = NULL;
    OPEN_FAIL(TL_EIO, "cannot write '%s': %s", path, strerror(errno));
  }
  mode_t mask = umask(0);        /* the mode a plain fopen would give: 0666 & ~umask */
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  self->out = fdopen(fd, "w");
  if (!self->out) {
    close(fd);
    OPEN_FAIL(TL_ENOMEM, "out of memory");
  }
  return 0;

fail:
  return rc;
}

int tl_output_open(struct tl_output *self, const struct tl_cli *cli, char *err,
                   size_t errlen) {
  struct tl_output o = {0};
  int rc = 0;
  if (errlen) err[0] = '\0';
  if (!(o.cwd = getcwd(NULL, 0)))
    OPEN_FAIL(TL_EIO, "cannot find the current directory: %s", strerror(errno));
  o.format = cli->format;
  o.out = stdout;
  o.show_suppressed = cli->show_suppressed;
  if (cli->output && (rc = tmp_open(&o, cli->output, err, errlen)) < 0) goto fail;
  o.color = o.format == TL_FORMAT_TEXT ? tl_output_want_color(cli->color, fileno(o.out)) : 0;
  if ((o.format == TL_FORMAT_JSON || o.format == TL_FORMAT_CODECLIMATE) &&
      !(o.json = json_array()))
    OPEN_FAIL(TL_ENOMEM, "out of memory");
  if (o.format == TL_FORMAT_SARIF || o.format == TL_FORMAT_CODECLIMATE) {
    o.docs_url = cli->sarif_docs_url;
    if ((rc = sarif_init(&o, cli->sarif_root, err, errlen)) < 0) goto fail;
  }
  *self = o;
  return 0;

fail:
  tl_output_close(&o);
  return rc;
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
  FILE *f = NULL;
  if (path[0] != '/' && self->cwd) {   /* from the directory we started in (see cwd) */
    char *joined = malloc(strlen(self->cwd) + strlen(path) + 2);
    if (!joined) return -1;
    sprintf(joined, "%s/%s", self->cwd, path);
    f = fopen(joined, "rb");
    free(joined);
  } else {
    f = fopen(path, "rb");
  }
  if (!f) return -1;
  char *buf = NULL;
  size_t len = 0;
  int rc = tl_file_read_stream(f, 0, &buf, &len);
  fclose(f);
  if (rc < 0) return -1;
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

/* ---- SARIF -------------------------------------------------------------------------- */

#define SARIF_SCHEMA \
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SARIF_FINGERPRINT "ticketlint/v1"

/* Diagnostics that are not findings of a registered rule, described for tool.driver.rules. */
static const struct {
  const char *id, *text;
  enum tl_severity severity;
} pseudo_rules[] = {
#define XX(id, sev, text) {id, text, sev},
  TL_DRIVER_DIAGS(XX)
#undef XX
};

static const char *sarif_level(enum tl_severity sev) {
  switch (sev) {
  case TL_SEV_NOTE:    return "note";
  case TL_SEV_WARNING: return "warning";
  case TL_SEV_ERROR:   return "error";
  }
  return "none";
}

/* A percent-encoded copy of the bytes of path: every byte but A-Z a-z 0-9 - . _ ~ / is
 * %XX, so the URI is ASCII whatever the file name (RFC 3986). NULL when out of memory. */
static char *uri_encode(const char *prefix, const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(prefix);
  char *out = malloc(n + 3 * strlen(path) + 1);
  if (!out) return NULL;
  memcpy(out, prefix, n);
  char *q = out + n;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p)) {
      *q++ = (char)*p;
    } else {
      *q++ = '%';
      *q++ = hex[*p >> 4];
      *q++ = hex[*p & 15];
    }
  }
  *q = '\0';
  return out;
}

/* The absolute, normalised path of `path`, relative paths taken from directory `cwd`
 * (realpath when it exists; else with ".", ".." and doubled '/' removed). NULL when out of
 * memory. */
static char *path_absolute(const char *cwd, const char *path) {
  size_t n = (path[0] == '/' ? 0 : strlen(cwd)) + strlen(path) + 2;
  char *joined = malloc(n), *out = malloc(n);
  if (!joined || !out) {
    free(joined);
    free(out);
    return NULL;
  }
  if (path[0] == '/') snprintf(joined, n, "%s", path);
  else snprintf(joined, n, "%s/%s", cwd, path);
  char *real = realpath(joined, NULL);
  if (real) {
    free(joined);
    free(out);
    return real;
  }
  size_t len = 0;
  for (char *seg = strtok(joined, "/"); seg; seg = strtok(NULL, "/")) {
    if (strcmp(seg, ".") == 0) continue;
    if (strcmp(seg, "..") == 0) {
      while (len > 0 && out[len - 1] != '/') len--;
      if (len > 0) len--;
      continue;
    }
    out[len++] = '/';
    size_t s = strlen(seg);
    memcpy(out + len, seg, s);
    len += s;
  }
  if (len == 0) out[len++] = '/';
  out[len] = '\0';
  free(joined);
  return out;
}

/* SRCROOT into self->root: `root` (must be a directory), or with root NULL the nearest
 * folder holding .git from the current directory upward, else the current directory. */
static int root_find(struct tl_output *self, const char *root, char *err, size_t errlen) {
  struct stat st;
  char *dir = path_absolute(self->cwd, root ? root : ".");
  if (!dir) {
    snprintf(err, errlen, "out of memory");
    return TL_ENOMEM;
  }
  if (root && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
    snprintf(err, errlen, "--sarif-root '%s' is not a directory", root);
    free(dir);
    return TL_EIO;
  }
  size_t len = strlen(dir);
  char *buf = malloc(len + sizeof "/.git");
  if (!buf) goto oom;
  if (!root) {                               /* the git root, else the directory itself */
    for (size_t end = len; end > 0;) {
      memcpy(buf, dir, end);
      memcpy(buf + end, "/.git", sizeof "/.git");
      if (lstat(buf, &st) == 0) {
        dir[end] = '\0';
        len = end;
        break;
      }
      while (end > 0 && dir[end - 1] != '/') end--;
      if (end > 0) end--;                    /* the parent, without its final '/' */
    }
  }
  if (len == 1) len = 0;                     /* "/" */
  memcpy(buf, dir, len);
  buf[len] = '/';
  buf[len + 1] = '\0';
  free(dir);
  self->root = buf;
  return 0;

oom:
  free(dir);
  snprintf(err, errlen, "out of memory");
  return TL_ENOMEM;
}

/* "unawaited-ticket" -> "UnawaitedTicket" (reportingDescriptor.name). */
static char *rule_name(const char *id) {
  char *name = malloc(strlen(id) + 1), *q = name;
  if (!name) return NULL;
  for (int up = 1; *id; id++) {
    if (*id == '-' || *id == '_') {
      up = 1;
      continue;
    }
    *q++ = up && *id >= 'a' && *id <= 'z' ? (char)(*id - 'a' + 'A') : *id;
    up = 0;
  }
  *q = '\0';
  return name;
}

/* The first paragraph of the doc's "What it does" section, its lines joined by blanks; NULL
 * when there is none (or out of memory). */
static char *doc_what_it_does(const char *doc) {
  const char *p = doc ? strstr(doc, "What it does\n") : NULL;
  if (!p) return NULL;
  p += strlen("What it does\n");
  const char *end = strstr(p, "\n\n");
  if (!end) end = p + strlen(p);
  char *out = malloc((size_t)(end - p) + 1), *q = out;
  if (!out) return NULL;
  for (; p < end; p++) *q++ = *p == '\n' ? ' ' : *p;
  *q = '\0';
  return out;
}

/* A rule's doc as Markdown into a heap string, or NULL when out of memory. */
static char *doc_markdown(const struct tl_rule *rule) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  tl_output_rule_doc(rule, f);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static int set_text(json_t *obj, const char *key, const char *text) {
  json_t *m = json_object();
  if (!m || json_object_set_new(obj, key, m)) return -1;
  return set_str(m, "text", text);
}

/* The reportingDescriptor of a registered rule (rule != NULL) or of a pseudo-rule `id`. */
static json_t *rule_json(const struct tl_output *self, const struct tl_rule *rule,
                         const char *id) {
  const char *summary = "ticketlint diagnostic", *full = NULL;
  enum tl_severity sev = TL_SEV_WARNING;
  char *name = NULL, *what = NULL, *md = NULL, *uri = NULL;
  json_t *obj = json_object(), *conf = json_object(), *help = NULL, *props = NULL;
  if (!obj || !conf) goto fail;
  if (rule) {
    id = rule->id;
    sev = rule->severity;
    if (rule->summary) summary = rule->summary;
    full = what = doc_what_it_does(rule->doc);   /* NULL: the summary stands in */
  } else {
    for (size_t i = 0; i < sizeof pseudo_rules / sizeof pseudo_rules[0]; i++)
      if (strcmp(pseudo_rules[i].id, id) == 0) {
        summary = pseudo_rules[i].text;
        sev = pseudo_rules[i].severity;
      }
  }
  if (!(name = rule_name(id))) goto fail;
  if (set_str(obj, "id", id) || set_str(obj, "name", name) ||
      set_text(obj, "shortDescription", summary) ||
      set_text(obj, "fullDescription", full ? full : summary))
    goto fail;
  if (rule && rule->doc) {
    if (!(md = doc_markdown(rule)) || !(help = json_object()) ||
        json_object_set_new(obj, "help", help) || set_str(help, "text", rule->doc) ||
        set_str(help, "markdown", md))
      goto fail;
  }
  if (rule && self->docs_url) {
    size_t n = strlen(self->docs_url) + strlen(id) + sizeof ".md";
    if (!(uri = malloc(n))) goto fail;
    snprintf(uri, n, "%s%s.md", self->docs_url, id);
    if (set_str(obj, "helpUri", uri)) goto fail;
  }
  if (set_str(conf, "level", sarif_level(sev)) ||
      json_object_set_new(conf, "enabled", json_boolean(!rule || rule->enabled_by_default)) ||
      json_object_set(obj, "defaultConfiguration", conf))
    goto fail;
  if (rule && rule->group) {
    json_t *tags = json_array();
    if (!(props = json_object()) || !tags || json_object_set_new(props, "tags", tags) ||
        json_array_append_new(tags, json_string(rule->group)) ||
        json_object_set(obj, "properties", props))
      goto fail;
  }
  json_decref(conf);
  json_decref(props);
  free(name);
  free(what);
  free(md);
  free(uri);
  return obj;

fail:
  json_decref(conf);
  json_decref(props);
  json_decref(obj);
  free(name);
  free(what);
  free(md);
  free(uri);
  return NULL;
}

static int sarif_init(struct tl_output *self, const char *root, char *err, size_t errlen) {
  int rc = root_find(self, root, err, errlen);
  if (rc < 0 || self->format != TL_FORMAT_SARIF) return rc;   /* Code Climate: the root only */
  self->sarif_rules = json_array();
  self->sarif_results = json_array();
  if (!self->sarif_rules || !self->sarif_results) goto oom;
  for (size_t i = 0; i < tl_rules_count; i++)
    if (json_array_append_new(self->sarif_rules, rule_json(self, tl_rules[i], NULL)) < 0)
      goto oom;
  return 0;

oom:
  snprintf(err, errlen, "out of memory");
  return TL_ENOMEM;
}

/* The index of rule `id` in tool.driver.rules, added when missing; -1 when out of memory. */
static int rule_index(struct tl_output *self, const char *id) {
  json_t *rules = self->sarif_rules;
  size_t n = json_array_size(rules);
  for (size_t i = 0; i < n; i++)
    if (strcmp(json_string_value(json_object_get(json_array_get(rules, i), "id")), id) == 0)
      return (int)i;
  if (json_array_append_new(rules, rule_json(self, NULL, id)) < 0) return -1;
  return (int)n;
}

/* The 1-based code-point column of the character at byte column `col` (1-based) of `line`
 * in the cached source; `col` itself when the line is not available. */
static uint32_t cp_column(const struct tl_output *self, uint32_t line, uint32_t col) {
  size_t len = 0;
  const char *text = source_line(self, line, &len);
  if (!text) return col;
  uint32_t n = 1;
  for (size_t i = 0; i + 1 < col; i++)
    if (i >= len || ((unsigned char)text[i] & 0xC0) != 0x80) n++;
  return n;
}

/* {"artifactLocation": ..., "region": ...} of loc in file. */
static json_t *physical_json(struct tl_output *self, const char *file, struct tl_loc loc) {
  json_t *phys = json_object(), *art = json_object(), *region = NULL;
  char *abs = path_absolute(self->cwd, file), *uri = NULL;
  if (!phys || !art || !abs || json_object_set_new(phys, "artifactLocation", art)) {
    json_decref(art);
    goto fail;
  }
  size_t rootlen = strlen(self->root);
  if (strncmp(abs, self->root, rootlen) == 0) {
    if (!(uri = uri_encode("", abs + rootlen)) || set_str(art, "uri", uri) ||
        set_str(art, "uriBaseId", "SRCROOT"))
      goto fail;
  } else if (!(uri = uri_encode("file://", abs)) || set_str(art, "uri", uri)) {
    goto fail;
  }
  if (loc.line) {
    (void)source_load(self, file);
    if (!(region = json_object()) || json_object_set_new(phys, "region", region) ||
        set_int(region, "startLine", loc.line))
      goto fail;
    if (loc.col && set_int(region, "startColumn", cp_column(self, loc.line, loc.col)))
      goto fail;
    if (loc.end_line >= loc.line && loc.col) {
      if (set_int(region, "endLine", loc.end_line)) goto fail;
      /* SARIF's end column is one past the last character; ours is the last byte */
      if (loc.end_col && set_int(region, "endColumn",
                                 cp_column(self, loc.end_line, loc.end_col + 1)))
        goto fail;
    }
  }
  free(abs);
  free(uri);
  return phys;

fail:
  json_decref(phys);
  free(abs);
  free(uri);
  return NULL;
}

static json_t *location_json(struct tl_output *self, const char *file, struct tl_loc loc) {
  json_t *l = json_object();
  if (!l || json_object_set_new(l, "physicalLocation", physical_json(self, file, loc))) {
    json_decref(l);
    return NULL;
  }
  return l;
}

/* FNV-1a, 64 bits, over n bytes, continuing from h. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  for (const unsigned char *b = p; n--; b++) h = (h ^ *b) * 0x100000001b3ull;
  return h;
}

/* The fingerprint of a finding (SARIF's partialFingerprints["ticketlint/v1"], Code
 * Climate's fingerprint) into value: "<16 hex digits>:<n>", the hash of the rule id, the
 * file's URI and the text of the finding's line with every blank removed (the message when
 * the line cannot be read), and n, how many findings before this one had the same hash.
 * No line number: inserting or removing lines elsewhere does not change it. 0 or -1. */
static int fingerprint(struct tl_output *self, const struct tl_diag *d, const char *uri,
                       char value[40]) {
  uint64_t h = 0xcbf29ce484222325ull;
  const char *rule = d->rule ? d->rule : "";
  h = fnv1a(h, rule, strlen(rule) + 1);
  h = fnv1a(h, uri, strlen(uri) + 1);
  size_t len = 0;
  const char *text = source_load(self, d->file) == 0 ? source_line(self, d->loc.line, &len)
                                                     : NULL;
  if (text) {
    for (size_t i = 0; i < len; i++)
      if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\f' &&
          text[i] != '\v')
        h = fnv1a(h, &text[i], 1);
  } else {
    h = fnv1a(h, d->message, strlen(d->message));
  }
  uint32_t seen = 0;
  for (uint32_t i = 0; i < self->prints.size; i++) seen += self->prints.data[i] == h;
  if (tl_array_push(&self->prints, h) < 0) return -1;
  snprintf(value, 40, "%016llx:%u", (unsigned long long)h, (unsigned)seen);
  return 0;
}

static int set_fingerprint(struct tl_output *self, json_t *result, const struct tl_diag *d,
                           const char *uri) {
  char value[40];
  json_t *fp = json_object();
  if (!fp || json_object_set_new(result, "partialFingerprints", fp)) return -1;
  if (fingerprint(self, d, uri, value) < 0) return -1;
  return set_str(fp, SARIF_FINGERPRINT, value);
}

static json_t *result_json(struct tl_output *self, const struct tl_diag *d,
                           const struct tl_nolint *by) {
  const char *id = d->rule ? d->rule : "ticketlint";
  int index = rule_index(self, id);
  json_t *res = json_object(), *locs = json_array(), *loc = location_json(self, d->file, d->loc);
  if (!res || !locs || !loc || index < 0 || json_array_append_new(locs, loc)) {
    json_decref(locs);
    json_decref(loc);
    goto fail;
  }
  if (set_str(res, "ruleId", id) || set_int(res, "ruleIndex", (uint32_t)index) ||
      set_str(res, "level", sarif_level(d->severity)) || set_text(res, "message", d->message)) {
    json_decref(locs);
    goto fail;
  }
  if (json_object_set_new(res, "locations", locs)) goto fail;
  const char *uri = json_string_value(json_object_get(
    json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation"), "uri"));
  if (set_fingerprint(self, res, d, uri ? uri : "")) goto fail;
  if (d->nnotes) {
    json_t *rel = json_array();
    if (!rel || json_object_set_new(res, "relatedLocations", rel)) goto fail;
    for (uint32_t n = 0; n < d->nnotes; n++) {
      const struct tl_note *note = &d->notes[n];
      json_t *r = location_json(self, note->file, note->loc);
      if (!r || json_array_append_new(rel, r) || set_int(r, "id", n + 1) ||
          set_text(r, "message", note->message))
        goto fail;
    }
  }
  if (by) {
    json_t *sups = json_array(), *sup = json_object();
    if (!sups || !sup || json_object_set_new(res, "suppressions", sups) ||
        json_array_append_new(sups, sup)) {
      json_decref(sup);
      goto fail;
    }
    struct tl_loc at = {by->line, by->col, 0, 0};
    char why[64];
    snprintf(why, sizeof why, "%s comment on line %u", tl_nolint_kind_name(by->kind),
             (unsigned)by->line);
    if (set_str(sup, "kind", "inSource") || set_str(sup, "justification", why) ||
        json_object_set_new(sup, "location", location_json(self, d->file, at)))
      goto fail;
  }
  return res;

fail:
  json_decref(res);
  return NULL;
}

/* Append every diagnostic, silenced ones included (with their suppression). */
static int write_sarif(struct tl_output *self, const struct tl_diags *diags,
                       const struct tl_nolint *const *suppressed) {
  for (uint32_t i = 0; i < diags->size; i++) {
    json_t *r = result_json(self, &diags->data[i], suppressed ? suppressed[i] : NULL);
    if (!r || json_array_append_new(self->sarif_results, r)) return TL_ENOMEM;
  }
  return 0;
}

/* ---- Code Climate (GitLab Code Quality) --------------------------------------------- */

static const char *codeclimate_severity(enum tl_severity sev) {
  switch (sev) {
  case TL_SEV_NOTE:    return "info";
  case TL_SEV_WARNING: return "minor";
  case TL_SEV_ERROR:   return "major";
  }
  return "info";
}

/* One issue: {"type", "check_name", "description", "categories", "severity", "fingerprint",
 * "location": {"path", "lines": {"begin", "end"}}}; path relative to SRCROOT (as is, not
 * percent-encoded), or absolute outside it. */
static json_t *codeclimate_json(struct tl_output *self, const struct tl_diag *d) {
  char *abs = path_absolute(self->cwd, d->file), *uri = NULL, value[40];
  json_t *issue = json_object(), *loc = json_object(), *lines = json_object();
  json_t *cats = json_array();
  if (!abs || !issue || !loc || !lines || !cats) goto fail;
  size_t rootlen = strlen(self->root);
  const char *path = strncmp(abs, self->root, rootlen) == 0 ? abs + rootlen : abs;
  if (!(uri = uri_encode(path == abs ? "file://" : "", path))) goto fail;
  if (fingerprint(self, d, uri, value) < 0) goto fail;
  if (set_str(issue, "type", "issue") || set_str(issue, "check_name", d->rule) ||
      set_str(issue, "description", d->message) ||
      json_array_append_new(cats, json_string("Bug Risk")) ||
      json_object_set(issue, "categories", cats) ||
      set_str(issue, "severity", codeclimate_severity(d->severity)) ||
      set_str(issue, "fingerprint", value) || json_object_set(issue, "location", loc) ||
      set_str(loc, "path", path) || json_object_set(loc, "lines", lines) ||
      set_int(lines, "begin", d->loc.line ? d->loc.line : 1) ||
      set_int(lines, "end", d->loc.end_line >= d->loc.line ? d->loc.end_line
                                                           : (d->loc.line ? d->loc.line : 1)))
    goto fail;
  json_decref(loc);
  json_decref(lines);
  json_decref(cats);
  free(abs);
  free(uri);
  return issue;

fail:
  json_decref(issue);
  json_decref(loc);
  json_decref(lines);
  json_decref(cats);
  free(abs);
  free(uri);
  return NULL;
}

/* Findings silenced by NOLINT are left out: Code Quality has no suppressions. */
static int write_codeclimate(struct tl_output *self, const struct tl_diags *diags,
                             const struct tl_nolint *const *suppressed) {
  for (uint32_t i = 0; i < diags->size; i++) {
    if (suppressed && suppressed[i]) continue;
    json_t *issue = codeclimate_json(self, &diags->data[i]);
    if (!issue || json_array_append_new(self->json, issue)) return TL_ENOMEM;
  }
  return 0;
}

/* The whole log (a new reference), or NULL when out of memory. */
static json_t *sarif_log(struct tl_output *self) {
  char *root_uri = uri_encode("file://", self->root);
  json_t *log = json_object(), *runs = json_array(), *run = json_object();
  json_t *tool = json_object(), *driver = json_object(), *bases = json_object();
  json_t *srcroot = json_object();
  if (!root_uri || !log || !runs || !run || !tool || !driver || !bases || !srcroot) goto fail;
  if (set_str(log, "$schema", SARIF_SCHEMA) || set_str(log, "version", "2.1.0") ||
      json_object_set(log, "runs", runs) || json_array_append(runs, run) ||
      json_object_set(run, "tool", tool) || json_object_set(tool, "driver", driver) ||
      set_str(driver, "name", "ticketlint") || set_str(driver, "version", TL_VERSION) ||
      set_str(driver, "semanticVersion", TL_VERSION) ||
      json_object_set(driver, "rules", self->sarif_rules) ||
      json_object_set(run, "originalUriBaseIds", bases) ||
      json_object_set(bases, "SRCROOT", srcroot) || set_str(srcroot, "uri", root_uri) ||
      set_text(srcroot, "description", "the repository root") ||
      set_str(run, "columnKind", "unicodeCodePoints") ||
      json_object_set(run, "results", self->sarif_results))
    goto fail;
  json_decref(runs);
  json_decref(run);
  json_decref(tool);
  json_decref(driver);
  json_decref(bases);
  json_decref(srcroot);
  free(root_uri);
  return log;

fail:
  json_decref(runs);
  json_decref(run);
  json_decref(tool);
  json_decref(driver);
  json_decref(bases);
  json_decref(srcroot);
  json_decref(log);
  free(root_uri);
  return NULL;
}

/* ---- rule documentation ------------------------------------------------------------- */

/* The section heading that line [p, p+n) is ("Example" or "## Example"), or NULL. */
static const char *doc_section(const char *p, size_t n) {
  static const char *const sections[] = {
    "What it does", "Why is this bad?", "Example", "Use instead", "Known limitations"
  };
  if (n > 3 && memcmp(p, "## ", 3) == 0) {
    p += 3;
    n -= 3;
  }
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
    if (strlen(sections[i]) == n && memcmp(p, sections[i], n) == 0) return sections[i];
  return NULL;
}

void tl_output_rule_doc(const struct tl_rule *rule, FILE *out) {
  const char *doc = rule->doc ? rule->doc : "";
  const char *nl = strchr(doc, '\n');
  size_t first = nl ? (size_t)(nl - doc) : strlen(doc);
  size_t idlen = strlen(rule->id);
  fprintf(out, "# %s\n\n", rule->id);
  if (first > idlen && strncmp(doc, rule->id, idlen) == 0) {
    const char *sum = NULL;
    if (strncmp(doc + idlen, " — ", strlen(" — ")) == 0) sum = doc + idlen + strlen(" — ");
    else if (strncmp(doc + idlen, ": ", 2) == 0) sum = doc + idlen + 2;
    if (sum && sum < doc + first) {
      char head = *sum >= 'a' && *sum <= 'z' ? (char)(*sum - 'a' + 'A') : *sum;
      fprintf(out, "%c%.*s\n\n", head, (int)(doc + first - sum - 1), sum + 1);
    }
  }
  const char *p = nl ? nl + 1 : doc + first;
  while (*p == '\n') p++;
  while (*p) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    const char *sec = doc_section(p, n);
    if (sec) fprintf(out, "## %s", sec);
    else fwrite(p, 1, n, out);
    fputc('\n', out);
    p = e ? e + 1 : p + n;
  }
}

int tl_output_write_marked(struct tl_output *self, const struct tl_diags *diags,
                           const struct tl_nolint *const *suppressed) {
  if (self->format == TL_FORMAT_JSON) return write_json(self, diags, suppressed);
  if (self->format == TL_FORMAT_SARIF) return write_sarif(self, diags, suppressed);
  if (self->format == TL_FORMAT_CODECLIMATE) return write_codeclimate(self, diags, suppressed);
  write_text(self, diags, suppressed);
  return 0;
}

int tl_output_write(struct tl_output *self, const struct tl_diags *diags) {
  return tl_output_write_marked(self, diags, NULL);
}

/* With --output: close the temporary file and rename it over the file. */
static int tmp_commit(struct tl_output *self) {
  int bad = fflush(self->out) != 0 || ferror(self->out);
  if (!bad && fsync(fileno(self->out)) < 0 && errno != EINVAL) bad = 1;
  bad |= fclose(self->out) != 0;
  self->out = NULL;
  if (!bad && rename(self->tmp_path, self->path) < 0) bad = 1;
  if (bad) unlink(self->tmp_path);
  free(self->tmp_path);
  self->tmp_path = NULL;
  return bad ? TL_EIO : 0;
}

int tl_output_finish(struct tl_output *self) {
  json_t *doc = self->format == TL_FORMAT_JSON || self->format == TL_FORMAT_CODECLIMATE
                ? json_incref(self->json)
              : self->format == TL_FORMAT_SARIF ? sarif_log(self) : NULL;
  if (self->format != TL_FORMAT_TEXT) {
    int rc = doc ? json_dumpf(doc, self->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(doc);
    if (rc < 0) return doc ? TL_EIO : TL_ENOMEM;
    fputc('\n', self->out);
  }
  if (self->tmp_path) return tmp_commit(self);
  fflush(self->out);
  return ferror(self->out) ? TL_EIO : 0;
}
