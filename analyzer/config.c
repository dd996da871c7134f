/* config.c — rule selection (enable/disable by id, group or "all") and the .ticketlint
 * configuration file (format and directives in config.h and docs/config.md). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "config.h"
#include "rule.h"
#include "tl_errno.h"

/* ---- rule selection -------------------------------------------------------------------- */

static int names_rule(const struct tl_rule *r, const char *what) {
  return strcmp(what, "all") == 0 || strcmp(r->id, what) == 0 ||
         (r->group && strcmp(r->group, what) == 0);
}

int tl_select_valid(const char *what) {
  for (size_t i = 0; i < tl_rules_count; i++)
    if (names_rule(tl_rules[i], what)) return 1;
  return strcmp(what, "all") == 0;
}

int tl_select_apply(unsigned char *on, const char *what, int enable) {
  if (!tl_select_valid(what)) return TL_EINVAL;
  for (size_t i = 0; i < tl_rules_count; i++)
    if (names_rule(tl_rules[i], what)) on[i] = enable ? 1 : 0;
  return 0;
}

/* Levenshtein distance of a and b, capped at 99 (ids are short). */
static unsigned edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return 99;
  unsigned row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = (unsigned)j;
  for (size_t i = 1; i <= la; i++) {
    unsigned diag = row[0];
    row[0] = (unsigned)i;
    for (size_t j = 1; j <= lb; j++) {
      unsigned up = row[j];
      unsigned best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Close: within a third of the longer name's length (at least 2 edits), or one contains
 * the other (a prefix such as "unawaited"). */
static int is_close(const char *what, const char *name) {
  size_t lw = strlen(what), ln = strlen(name);
  size_t longer = lw > ln ? lw : ln;
  unsigned limit = (unsigned)(longer / 3 > 2 ? longer / 3 : 2);
  if (lw >= 3 && (strstr(name, what) || strstr(what, name))) return 1;
  return edit_distance(what, name) <= limit;
}

static void suggest_add(char *buf, size_t n, int *count, const char *name) {
  if (*count >= 3 || strstr(buf, name)) return;
  size_t used = strlen(buf);
  snprintf(buf + used, n - used, "%s'%s'", *count ? ", " : "", name);
  (*count)++;
}

const char *tl_rules_suggest(const char *what, char *buf, size_t n) {
  int count = 0;
  if (n == 0) return buf;
  buf[0] = '\0';
  for (size_t i = 0; i < tl_rules_count; i++)
    if (is_close(what, tl_rules[i]->id)) suggest_add(buf, n, &count, tl_rules[i]->id);
  for (size_t i = 0; i < tl_rules_count; i++)
    if (tl_rules[i]->group && is_close(what, tl_rules[i]->group))
      suggest_add(buf, n, &count, tl_rules[i]->group);
  return buf;
}

/* ---- the configuration file ----------------------------------------------------------- */

void tl_config_close(struct tl_config *self) {
  tl_arena_free(self->arena);
  tl_array_free(&self->select);
  tl_array_free(&self->severity);
  tl_array_free(&self->models);
  tl_array_free(&self->fire_and_forget);
  tl_array_free(&self->ticket_types);
  tl_array_free(&self->blocking);
  tl_array_free(&self->failure_counters);
  tl_array_free(&self->model_select);
  memset(self, 0, sizeof *self);
}

/* The state of one file being parsed. */
struct cfile {
  struct tl_config *cfg;
  const char *name;
  const char *dir;
  struct tl_srcerr *err;
};

static int cerr(struct cfile *f, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cerr(struct cfile *f, uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  tl_srcerr_vset(f->err, f->name, (int)line, (int)col, fmt, ap);
  va_end(ap);
  return TL_ECONFIG;
}

#define PUSH(arr, v) do { if (tl_array_push(&(arr), (v)) < 0) return TL_ENOMEM; } while (0)

static int is_c_identifier(const char *s) {
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return 0;
  return 1;
}

/* A rule id, group or "all"; else an error that suggests close ids. */
static int check_rule_name(struct cfile *f, const struct tl_token *t) {
  if (tl_select_valid(t->value)) return 0;
  char q[64], close[160];
  tl_rules_suggest(t->value, close, sizeof close);
  return cerr(f, t->line, t->value_col, "unknown rule or group '%s'%s%s",
              tl_srcerr_quote(q, sizeof q, t->value), close[0] ? "; did you mean " : "",
              close);
}

static int check_arity(struct cfile *f, const struct tl_line *l, uint32_t min, uint32_t max,
                       const char *what) {
  const struct tl_token *d = &l->tokens[0];
  if (l->ntokens - 1 < min)
    return cerr(f, d->line, d->col, "'%s' needs %s", d->value, what);
  if (max && l->ntokens - 1 > max) {
    const struct tl_token *t = &l->tokens[max + 1];
    return cerr(f, t->line, t->col, "'%s' takes %s; unexpected '%s'", d->value, what,
                t->value);
  }
  return 0;
}

static int dir_enable(struct cfile *f, const struct tl_line *l, int enable) {
  int rc = check_arity(f, l, 1, 0, "one or more rule ids, groups or 'all'");
  if (rc < 0) return rc;
  for (uint32_t i = 1; i < l->ntokens; i++) {
    if ((rc = check_rule_name(f, &l->tokens[i])) < 0) return rc;
    struct tl_config_select s = {l->tokens[i].value, enable};
    PUSH(f->cfg->select, s);
  }
  return 0;
}

static int dir_severity(struct cfile *f, const struct tl_line *l) {
  static const char *const names[] = {
    [TL_SEV_NOTE] = "note", [TL_SEV_WARNING] = "warning", [TL_SEV_ERROR] = "error"
  };
  int rc = check_arity(f, l, 2, 2, "a rule id (or group, or 'all') and a level");
  if (rc < 0) return rc;
  if ((rc = check_rule_name(f, &l->tokens[1])) < 0) return rc;
  const struct tl_token *lv = &l->tokens[2];
  for (int s = TL_SEV_NOTE; s <= TL_SEV_ERROR; s++) {
    if (strcmp(lv->value, names[s]) != 0) continue;
    struct tl_config_severity e = {l->tokens[1].value, (enum tl_severity)s};
    PUSH(f->cfg->severity, e);
    return 0;
  }
  char q[64];
  return cerr(f, lv->line, lv->value_col, "unknown severity '%s' (note, warning or error)",
              tl_srcerr_quote(q, sizeof q, lv->value));
}

static int dir_model(struct cfile *f, const struct tl_line *l) {
  int rc = check_arity(f, l, 1, 1, "one model file");
  if (rc < 0) return rc;
  const struct tl_token *t = &l->tokens[1];
  size_t n = strlen(t->value);
  char q[64];
  if (n <= 6 || strcmp(t->value + n - 6, ".model") != 0)
    return cerr(f, t->line, t->value_col, "'%s' is not a model file (a name ending in "
                ".model)", tl_srcerr_quote(q, sizeof q, t->value));
  const char *path = t->value;
  if (t->value[0] != '/' && f->dir) {
    char *joined = tl_arena_alloc(f->cfg->arena, strlen(f->dir) + n + 2);
    if (!joined) return TL_ENOMEM;
    sprintf(joined, "%s/%s", f->dir, t->value);
    path = joined;
  }
  struct stat st;
  if (stat(path, &st) < 0)
    return cerr(f, t->line, t->value_col, "cannot open model file '%s': %s",
                tl_srcerr_quote(q, sizeof q, t->value), strerror(errno));
  if (!S_ISREG(st.st_mode))
    return cerr(f, t->line, t->value_col, "model file '%s' is not a regular file",
                tl_srcerr_quote(q, sizeof q, t->value));
  PUSH(f->cfg->models, path);
  return 0;
}

/* fire-and-forget and blocking: one or more C identifiers (what: "function", and
 * "variable" for failure-counter). */
static int dir_names(struct cfile *f, const struct tl_line *l, tl_config_strs *names,
                     const char *what) {
  char need[64];
  snprintf(need, sizeof need, "one or more %s names", what);
  int rc = check_arity(f, l, 1, 0, need);
  if (rc < 0) return rc;
  for (uint32_t i = 1; i < l->ntokens; i++) {
    const struct tl_token *t = &l->tokens[i];
    char q[64];
    if (!is_c_identifier(t->value))
      return cerr(f, t->line, t->value_col, "'%s' is not a %s name",
                  tl_srcerr_quote(q, sizeof q, t->value), what);
    PUSH(*names, t->value);
  }
  return 0;
}

static int dir_ticket_type(struct cfile *f, const struct tl_line *l) {
  int rc = check_arity(f, l, 1, 0, "a type spelling (identifiers and '*')");
  if (rc < 0) return rc;
  size_t total = 0;
  for (uint32_t i = 1; i < l->ntokens; i++) {
    const struct tl_token *t = &l->tokens[i];
    for (const char *p = t->value; *p; p++) {
      if (*p == '*' || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9'))
        continue;
      return cerr(f, t->line, t->value_col + (uint32_t)(p - t->value),
                  "unexpected '%c' in a type spelling (identifiers and '*')", *p);
    }
    total += strlen(t->value) + 1;
  }
  char *spelling = tl_arena_alloc(f->cfg->arena, total);
  if (!spelling) return TL_ENOMEM;
  for (uint32_t i = 1; i < l->ntokens; i++) {
    if (i > 1) strcat(spelling, " ");
    strcat(spelling, l->tokens[i].value);
  }
  PUSH(f->cfg->ticket_types, spelling);
  return 0;
}

/* model-on / model-off: one or more model names (letters, digits, '_', '-', '.'), checked
 * against the loaded models by the driver. */
static int dir_model_select(struct cfile *f, const struct tl_line *l, int on) {
  int rc = check_arity(f, l, 1, 0, "one or more model names");
  if (rc < 0) return rc;
  for (uint32_t i = 1; i < l->ntokens; i++) {
    const struct tl_token *t = &l->tokens[i];
    for (const char *p = t->value; *p; p++) {
      if (*p == '_' || *p == '-' || *p == '.' || (*p >= 'a' && *p <= 'z') ||
          (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
        continue;
      char q[64];
      return cerr(f, t->line, t->value_col, "'%s' is not a model name",
                  tl_srcerr_quote(q, sizeof q, t->value));
    }
    struct tl_config_select s = {t->value, on};
    PUSH(f->cfg->model_select, s);
  }
  return 0;
}

static int config_line(struct cfile *f, const struct tl_line *l) {
  for (uint32_t i = 0; i < l->ntokens; i++) {
    const struct tl_token *t = &l->tokens[i];
    char q[64];
    if (t->key)
      return cerr(f, t->line, t->col, "unknown key '%s' (the configuration takes no "
                  "key=value)", tl_srcerr_quote(q, sizeof q, t->key));
    if (i == 0 && t->quoted)
      return cerr(f, t->line, t->col, "a directive is a bare word, not a string");
  }
  const char *d = l->tokens[0].value;
  if (strcmp(d, "enable") == 0) return dir_enable(f, l, 1);
  if (strcmp(d, "disable") == 0) return dir_enable(f, l, 0);
  if (strcmp(d, "severity") == 0) return dir_severity(f, l);
  if (strcmp(d, "model") == 0) return dir_model(f, l);
  if (strcmp(d, "fire-and-forget") == 0)
    return dir_names(f, l, &f->cfg->fire_and_forget, "function");
  if (strcmp(d, "blocking") == 0) return dir_names(f, l, &f->cfg->blocking, "function");
  if (strcmp(d, "failure-counter") == 0)
    return dir_names(f, l, &f->cfg->failure_counters, "variable");
  if (strcmp(d, "ticket-type") == 0) return dir_ticket_type(f, l);
  if (strcmp(d, "model-on") == 0) return dir_model_select(f, l, 1);
  if (strcmp(d, "model-off") == 0) return dir_model_select(f, l, 0);
  char q[64];
  return cerr(f, l->tokens[0].line, l->tokens[0].col, "unknown directive '%s' (enable, "
              "disable, severity, model, model-on, model-off, fire-and-forget, ticket-type, "
              "blocking, failure-counter)", tl_srcerr_quote(q, sizeof q, d));
}

#undef PUSH

int tl_config_load_buffer(struct tl_config *self, const char *name, const char *dir,
                          const char *buf, size_t len, struct tl_srcerr *err) {
  struct tl_config cfg = {0};
  struct tl_lines lines;
  int rc = TL_ENOMEM;
  if (!name) name = "<input>";
  if (!(cfg.arena = tl_arena_new()) || !(cfg.path = tl_arena_strdup(cfg.arena, name)))
    goto nomem;
  struct cfile f = {&cfg, cfg.path, dir ? tl_arena_strdup(cfg.arena, dir) : NULL, err};
  if (dir && !f.dir) goto nomem;
  rc = tl_lines_parse(cfg.arena, cfg.path, buf, len, &lines, err);
  if (rc == TL_ESYNTAX) rc = TL_ECONFIG;
  if (rc < 0) goto fail;
  for (uint32_t i = 0; i < lines.nlines; i++)
    if ((rc = config_line(&f, &lines.lines[i])) < 0) {
      if (rc == TL_ENOMEM) goto nomem;
      goto fail;
    }
  *self = cfg;
  return 0;

nomem:
  tl_srcerr_set(err, name, 0, 0, "out of memory");
  rc = TL_ENOMEM;
fail:
  tl_config_close(&cfg);
  return rc;
}

int tl_config_load_file(struct tl_config *self, const char *path, struct tl_srcerr *err) {
  FILE *fp = fopen(path, "rb");
  struct stat st;
  if (!fp || fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
    tl_srcerr_set(err, path, 0, 0, "cannot open configuration file: %s",
                  fp ? "not a regular file" : strerror(errno));
    if (fp) fclose(fp);
    return TL_EIO;
  }
  char *buf = NULL;
  size_t len = 0;
  int rc = tl_file_read_stream(fp, 0, &buf, &len);
  fclose(fp);
  if (rc < 0) {
    tl_srcerr_set(err, path, 0, 0, "%s", rc == TL_EIO ? "cannot read configuration file"
                                                        : "out of memory");
    free(buf);
    return rc;
  }
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == path) snprintf(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  rc = tl_config_load_buffer(self, path, dir, buf, len, err);
  free(buf);
  return rc;
}

static int exists(const char *path, int want_dir) {
  struct stat st;
  if (stat(path, &st) < 0) return 0;
  return want_dir ? 1 : S_ISREG(st.st_mode);
}

int tl_config_find(const char *file, char **out) {
  char dir[PATH_MAX], probe[PATH_MAX + 32];
  const char *slash = strrchr(file, '/');
  *out = NULL;
  if (!slash) snprintf(probe, sizeof probe, ".");
  else if (slash == file) snprintf(probe, sizeof probe, "/");
  else snprintf(probe, sizeof probe, "%.*s", (int)(slash - file), file);
  if (!realpath(probe, dir)) return 0;       /* no folder: no configuration */
  for (;;) {
    int root = strcmp(dir, "/") == 0;
    snprintf(probe, sizeof probe, "%s/%s", root ? "" : dir, TL_CONFIG_NAME);
    if (exists(probe, 0)) {
      *out = strdup(probe);
      return *out ? 0 : TL_ENOMEM;
    }
    snprintf(probe, sizeof probe, "%s/.git", root ? "" : dir);
    if (root || exists(probe, 1)) return 0;
    char *up = strrchr(dir, '/');
    if (up == dir) dir[1] = '\0';
    else *up = '\0';
  }
}

void tl_config_rules(const struct tl_config *self, unsigned char *on, enum tl_severity *sev) {
  for (size_t i = 0; i < tl_rules_count; i++) {
    on[i] = tl_rules[i]->enabled_by_default != 0;
    sev[i] = tl_rules[i]->severity;
  }
  if (!self) return;
  for (uint32_t i = 0; i < self->select.size; i++)
    (void)tl_select_apply(on, self->select.data[i].what, self->select.data[i].enable);
  for (uint32_t i = 0; i < self->severity.size; i++)
    for (size_t r = 0; r < tl_rules_count; r++)
      if (names_rule(tl_rules[r], self->severity.data[i].what))
        sev[r] = self->severity.data[i].severity;
}

int tl_config_fire_and_forget(const struct tl_config *self, const char *fn_name) {
  if (!self || !fn_name) return 0;
  for (uint32_t i = 0; i < self->fire_and_forget.size; i++)
    if (strcmp(self->fire_and_forget.data[i], fn_name) == 0) return 1;
  return 0;
}

int tl_config_model_text(const struct tl_config *self, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (!self || (self->ticket_types.size == 0 && self->blocking.size == 0 &&
                self->failure_counters.size == 0))
    return 0;
  size_t cap = 64;
  for (uint32_t i = 0; i < self->ticket_types.size; i++)
    cap += strlen(self->ticket_types.data[i]) + 8;
  for (uint32_t i = 0; i < self->blocking.size; i++) cap += strlen(self->blocking.data[i]) + 16;
  for (uint32_t i = 0; i < self->failure_counters.size; i++)
    cap += strlen(self->failure_counters.data[i]) + 20;
  char *buf = malloc(cap);
  if (!buf) return TL_ENOMEM;
  size_t n = (size_t)snprintf(buf, cap, "model config\n");
  for (uint32_t i = 0; i < self->ticket_types.size; i++)
    n += (size_t)snprintf(buf + n, cap - n, "type %s\n", self->ticket_types.data[i]);
  for (uint32_t i = 0; i < self->blocking.size; i++) {
    int seen = 0;                    /* a model file lists a function once */
    for (uint32_t j = 0; j < i && !seen; j++)
      seen = strcmp(self->blocking.data[i], self->blocking.data[j]) == 0;
    if (!seen) n += (size_t)snprintf(buf + n, cap - n, "fn %s blocking\n",
                                     self->blocking.data[i]);
  }
  for (uint32_t i = 0; i < self->failure_counters.size; i++)
    n += (size_t)snprintf(buf + n, cap - n, "failure-counter %s\n",
                          self->failure_counters.data[i]);
  *out = buf;
  *len = n;
  return 0;
}
