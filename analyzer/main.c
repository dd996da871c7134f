/* main.c — the ticketlint command. docs/cli.md and docs/ci.md document it.
 *
 *   options (cli.h) → models, compilation database, each file's configuration (profiles)
 *   → per file: flags, cache key, cache lookup (cache.h)
 *   → the misses in forked workers, -j at a time (jobs.h): tl_front_clang_parse →
 *     tl_rules_run → the findings back over a pipe as JSON; a crash or a timeout costs only
 *     that file
 *   → in command-line order, whatever -j: configuration severities, NOLINT, baseline
 *     (baseline.h), print (output.h)
 *
 * Exit status: 0 no findings, 1 findings at or above --fail-on, 2 usage, configuration or
 * internal error. A file that cannot be read, parsed or analysed (crash, timeout) is
 * reported; the others are still linted and the exit status is 2 (crashes and timeouts:
 * not with --keep-going). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <clang-c/Index.h>
#include <jansson.h>

#include "fileio.h"
#include "baseline.h"
#include "cache.h"
#include "cli.h"
#include "compdb.h"
#include "config.h"
#include "diag.h"
#include "front.h"
#include "ir.h"
#include "jobs.h"
#include "model.h"
#include "output.h"
#include "rule.h"
#include "suppress.h"
#include "tl_errno.h"

#define EXIT_CLEAN    0
#define EXIT_FINDINGS 1
#define EXIT_ERROR    2

typedef TL_ARRAY(const char *) str_list;

static void print_srcerr(const struct tl_srcerr *err) {
  if (err->line > 0)
    fprintf(stderr, "%s:%d:%d: error: %s\n", err->file, err->line, err->col > 0 ? err->col : 1,
            err->msg);
  else
    fprintf(stderr, "%s: error: %s\n", err->file, err->msg);
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <directory of this executable>/../share/ticketlint/models into buf; 0 or -1. */
static int exe_model_dir(char *buf, size_t len) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return -1;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return -1;
  *slash = '\0';
  int w = snprintf(buf, len, "%s/../share/ticketlint/models", exe);
  return w > 0 && (size_t)w < len ? 0 : -1;
}

/* The default models' directory: the first of $TICKETLINT_MODEL_DIR,
 * <exe dir>/../share/ticketlint/models and the source tree's models/ (*dir = NULL, with a
 * warning, when there is none; it may point into buf). 0, or -1 when the variable names no
 * directory (reported). */
static int model_dir_find(char *buf, size_t n, const char **dir) {
  const char *env = getenv("TICKETLINT_MODEL_DIR");
  *dir = NULL;
  if (env && env[0]) {
    if (!is_dir(env)) {
      fprintf(stderr, "ticketlint: error: TICKETLINT_MODEL_DIR='%s' is not a directory\n", env);
      return -1;
    }
    *dir = env;
  } else if (exe_model_dir(buf, n) == 0 && is_dir(buf)) {
    *dir = buf;
  } else if (is_dir(TL_SOURCE_MODEL_DIR)) {
    *dir = TL_SOURCE_MODEL_DIR;
  } else {
    fprintf(stderr, "ticketlint: warning: no model directory found (set "
                    "TICKETLINT_MODEL_DIR); only --model files are loaded\n");
  }
  return 0;
}

/* The default models: every *.model of `dir` (model_dir_find; NULL: none); then the
 * configuration's model files and entries (cfg may be NULL); then --model files. */
static int models_load(tl_models *models, const struct tl_cli *cli,
                       const struct tl_config *cfg, const char *dir) {
  struct tl_srcerr err = {0};
  if (dir && tl_models_load_dir(models, dir, &err) < 0) {
    print_srcerr(&err);
    return -1;
  }
  for (uint32_t i = 0; cfg && i < cfg->models.size; i++) {
    memset(&err, 0, sizeof err);
    if (tl_models_load_file(models, cfg->models.data[i], &err) < 0) {
      print_srcerr(&err);
      fprintf(stderr, "%s: note: model file named here\n", cfg->path);
      return -1;
    }
  }
  char *text = NULL;
  size_t len = 0;
  if (tl_config_model_text(cfg, &text, &len) < 0) return -1;
  if (text) {
    memset(&err, 0, sizeof err);
    int rc = tl_models_load_buffer(models, cfg->path, text, len, &err);
    free(text);
    if (rc < 0) {
      fprintf(stderr, "%s: error: its ticket-type, blocking or failure-counter entries: %s\n",
              cfg->path, err.msg);
      return -1;
    }
  }
  for (uint32_t i = 0; i < cli->models.size; i++) {
    memset(&err, 0, sizeof err);
    if (tl_models_load_file(models, cli->models.data[i], &err) < 0) {
      print_srcerr(&err);
      return -1;
    }
  }
  return 0;
}

static void list_rules(void) {
  for (size_t i = 0; i < tl_rules_count; i++) {
    const struct tl_rule *r = tl_rules[i];
    printf("%s\t%s\t%s%s\n", r->id, tl_severity_name(r->severity), r->summary ? r->summary : "",
           r->enabled_by_default ? "" : " (disabled by default)");
  }
}

static void print_version(void) {
  CXString v = clang_getClangVersion();
  printf("ticketlint %s\n%s\n", TL_VERSION, clang_getCString(v));
  clang_disposeString(v);
}

/* The files to lint: the command line's, or every file of the database. */
static int files_collect(const struct tl_cli *cli, const struct tl_compdb *db,
                         str_list *files) {
  if (cli->files.size) {
    for (uint32_t i = 0; i < cli->files.size; i++)
      if (tl_array_push(files, cli->files.data[i]) < 0) return TL_ENOMEM;
    return 0;
  }
  for (uint32_t i = 0; db && i < db->size; i++) {
    const char *f = db->data[i].file;
    int seen = 0;
    for (uint32_t j = 0; j < files->size && !seen; j++) seen = strcmp(files->data[j], f) == 0;
    if (!seen && tl_array_push(files, f) < 0) return TL_ENOMEM;
  }
  return 0;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What a linted file is checked with: its configuration (the nearest .ticketlint, or
 * --config), and what follows from it and the command line. */
struct profile {
  char *path;                     /* the configuration file; NULL: none */
  struct tl_config cfg;           /* loaded when path != NULL */
  tl_models *own_models;          /* the configuration adds models: its own set, else NULL */
  const tl_models *models;        /* own_models or the driver's */
  const struct tl_rule **rules;   /* the enabled rules */
  size_t nrules;
  enum tl_severity *sev;          /* per rule of tl_rules: its severity here */
  int have_fingerprint;           /* fingerprint computed (with a cache only) */
  char fingerprint[TL_HASH_HEX];  /* models, configuration, rules: part of cache keys */
  struct tl_model_force *force;   /* model-on/off, then --models: models forced on or off */
  size_t nforce;
};

static void profile_free(struct profile *p) {
  if (!p) return;
  free(p->path);
  if (p->cfg.arena) tl_config_close(&p->cfg);
  tl_models_free(p->own_models);
  free(p->rules);
  free(p->sev);
  free(p->force);
  free(p);
}

/* Make the profile of configuration `path` (NULL: none; taken over). NULL when the
 * configuration or its models are broken (reported) or out of memory. */
static struct profile *profile_new(char *path, const struct tl_cli *cli,
                                   const tl_models *base, const char *model_dir) {
  struct tl_srcerr err = {0};
  unsigned char *on = NULL;
  struct profile *p = calloc(1, sizeof *p);
  if (!p) goto oom;
  p->path = path;
  path = NULL;
  if (p->path) {
    int rc = tl_config_load_file(&p->cfg, p->path, &err);
    if (rc < 0) {
      print_srcerr(&err);
      goto fail;
    }
  }
  const struct tl_config *cfg = p->path ? &p->cfg : NULL;
  p->models = base;
  if (cfg && (cfg->models.size || cfg->ticket_types.size || cfg->blocking.size ||
              cfg->failure_counters.size)) {
    if (tl_models_new(&p->own_models) < 0) goto oom;
    if (models_load(p->own_models, cli, cfg, model_dir) < 0) goto fail;
    p->models = p->own_models;
  }
  /* Models forced on or off: the configuration's model-on/off, then --models, in order. */
  size_t ncfg = cfg ? cfg->model_select.size : 0, nsel = ncfg + cli->model_select.size;
  if (nsel && !(p->force = calloc(nsel, sizeof *p->force))) goto oom;
  for (size_t i = 0; i < nsel; i++) {
    const struct tl_config_select *c = i < ncfg ? &cfg->model_select.data[i] : NULL;
    const struct tl_cli_select *o = c ? NULL : &cli->model_select.data[i - ncfg];
    const char *name = c ? c->what : o->what;
    p->force[p->nforce++] = (struct tl_model_force){name, c ? c->enable : o->enable};
    if (tl_models_model_index(p->models, name) >= 0) continue;
    fprintf(stderr, "ticketlint: error: unknown model '%s' in %s (models:", name,
            c ? p->path : "--models");
    for (size_t m = 0; m < tl_models_nmodels(p->models); m++)
      fprintf(stderr, " %s", tl_models_model_name(p->models, m));
    fprintf(stderr, ")\n");
    goto fail;
  }
  /* The rules: defaults, the configuration's steps, then --enable/--disable in order. */
  on = malloc(tl_rules_count + 1);
  p->sev = malloc((tl_rules_count + 1) * sizeof *p->sev);
  p->rules = malloc((tl_rules_count + 1) * sizeof *p->rules);
  if (!on || !p->sev || !p->rules) goto oom;
  tl_config_rules(cfg, on, p->sev);
  for (uint32_t i = 0; i < cli->select.size; i++)
    (void)tl_select_apply(on, cli->select.data[i].what, cli->select.data[i].enable);
  for (size_t i = 0; i < tl_rules_count; i++)
    if (on[i]) p->rules[p->nrules++] = tl_rules[i];
  free(on);
  return p;

oom:
  fprintf(stderr, "ticketlint: error: %s\n", tl_strerror(TL_ENOMEM));
fail:
  free(path);
  free(on);
  profile_free(p);
  return NULL;
}

typedef TL_ARRAY(struct profile *) profile_list;

/* The profile of configuration `path` (NULL: none; taken over), made on first use. */
static struct profile *profile_get(profile_list *all, char *path, const struct tl_cli *cli,
                                   const tl_models *base, const char *model_dir) {
  for (uint32_t i = 0; i < all->size; i++) {
    const char *q = all->data[i]->path;
    if ((!q && !path) || (q && path && strcmp(q, path) == 0)) {
      free(path);
      return all->data[i];
    }
  }
  struct profile *p = profile_new(path, cli, base, model_dir);
  if (p && tl_array_push(all, p) < 0) {
    fprintf(stderr, "ticketlint: error: %s\n", tl_strerror(TL_ENOMEM));
    profile_free(p);
    return NULL;
  }
  return p;
}

/* ---- the lint run ----------------------------------------------------------------------- */

/* One translation unit of the run: prepared in the parent, analysed in a worker (or taken
 * from the cache), then emitted in command-line order. */
enum tu_state { TU_PENDING, TU_READY };

struct tu {
  const char *file;               /* as given (command line or database) */
  struct profile *profile;
  const char *parse_as;           /* what libclang is given (tl_cli_file_flags) */
  tl_args flags;
  enum tl_flags_origin origin;
  char key[TL_HASH_HEX];          /* the cache key; "" without a cache */
  enum tu_state state;
  int unreadable;                 /* cannot be opened: errno in open_errno */
  int open_errno;
  int from_cache;
  int parse_rc;                   /* the front-end's error (TL_EPARSE...), or 0 */
  char broken[96];                /* "analysis crashed (...)", "... timed out ...", or "" */
  char internal[256];             /* an internal error's message, or "" */
  struct tl_diags diags;          /* the rules' findings, before configuration and NOLINT */
};

struct driver {
  const struct tl_cli *cli;
  const struct tl_compdb *db;     /* NULL without -p */
  struct tl_output *out;          /* findings (stdout or --output) */
  struct tl_output *err_out;      /* compiler diagnostics with --dump-ir (stderr) */
  struct tl_cache *cache;         /* --cache-dir, or NULL */
  struct tl_baseline *baseline;   /* --baseline, or NULL */
  struct tl_baseline *record;     /* --write-baseline, or NULL */
  str_list linted;                /* baseline-relative names of the files fully analysed */
  struct tu *tus;
  uint32_t ntus, next_emit;
  uint32_t *misses;               /* indexes of tus the workers analyse */
  uint32_t nmisses;
  char cwd[PATH_MAX];
  char exe_id[128];               /* identity of this executable, for cache keys */
  const char *model_dir;          /* the default models' directory, or NULL */
  struct tl_front_stats fstats;   /* --stats */
  uint64_t rules_ns;
  int errors;                     /* files that could not be read, parsed or analysed */
  int broken;                     /* files whose analysis crashed or timed out */
  int cache_write_failed;         /* reported once */
  size_t failing;                 /* printed findings at or above --fail-on */
  size_t recorded;                /* findings written to --write-baseline */
  size_t baselined;               /* findings --baseline silenced */
};

/* Severities of the configuration, then NOLINT marks: suppressed[i] (calloc'd into
 * *suppressed) is the mark that silences diags[i]; unmatched NOLINTBEGIN/END are added as
 * findings. diags must be sorted; it is sorted again. 0 or TL_ENOMEM. */
static int apply_profile(const struct profile *p, const char *file, struct tl_diags *diags,
                         const struct tl_nolint ***suppressed, struct tl_suppress *marks) {
  for (uint32_t i = 0; i < diags->size; i++)
    for (size_t r = 0; r < tl_rules_count; r++)
      if (diags->data[i].rule && strcmp(diags->data[i].rule, tl_rules[r]->id) == 0)
        diags->data[i].severity = p->sev[r];
  if (tl_suppress_load(marks, file) == TL_ENOMEM) return TL_ENOMEM;
  if (tl_suppress_report(marks, file, diags) < 0) return TL_ENOMEM;
  tl_diags_sort(diags);
  *suppressed = calloc(diags->size + 1, sizeof **suppressed);
  if (!*suppressed) return TL_ENOMEM;
  for (uint32_t i = 0; i < diags->size; i++)
    if (strcmp(diags->data[i].file, file) == 0)   /* marks of other files are not read */
      (*suppressed)[i] = tl_suppress_match(marks, diags->data[i].rule, diags->data[i].loc.line);
  return 0;
}

/* The whole file at path (NUL-terminated) into *out, or NULL when it cannot be read. */
static int read_source(const char *path, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  int rc = tl_file_read(path, 0, out, len);
  return rc == TL_ENOMEM ? rc : 0;
}

/* Baseline keys of the findings diags[from, to) of one file (not those NOLINT silenced),
 * relative to baseline b: matched (hidden[i] = 1) or recorded. 0 or TL_ENOMEM. */
static int baseline_file(struct driver *d, struct tl_baseline *b, int record,
                         const struct tl_diags *diags, uint32_t from, uint32_t to,
                         const struct tl_nolint **suppressed, unsigned char *hidden) {
  char *rel = NULL, *src = NULL;
  size_t len = 0;
  uint32_t n = to - from;
  struct tl_baseline_key *keys = calloc(n + 1, sizeof *keys);
  unsigned char *skip = calloc(n + 1, 1);
  int rc = TL_ENOMEM;
  if (!keys || !skip) goto done;
  for (uint32_t i = 0; i < n; i++) skip[i] = suppressed[from + i] != NULL;
  if ((rc = tl_baseline_relpath(b, diags->data[from].file, &rel)) < 0) goto done;
  if ((rc = read_source(diags->data[from].file, &src, &len)) < 0) goto done;
  tl_baseline_keys(diags->data + from, n, skip, rel, src, len, keys);
  for (uint32_t i = 0; i < n; i++) {
    if (skip[i]) continue;
    const struct tl_diag *g = &diags->data[from + i];
    if (record) {
      if ((rc = tl_baseline_add(b, &keys[i], g->loc.line, g->message)) < 0) goto done;
      hidden[from + i] = 1;
      d->recorded++;
    } else if (tl_baseline_match(b, &keys[i])) {
      hidden[from + i] = 1;
      d->baselined++;
    }
  }
  rc = 0;
done:
  free(keys);
  free(skip);
  free(rel);
  free(src);
  return rc;
}

/* Apply --baseline and --write-baseline to a file's sorted findings: hidden[i] = 1 for the
 * ones not to print. 0 or TL_ENOMEM. */
static int baseline_apply(struct driver *d, const struct tl_diags *diags,
                          const struct tl_nolint **suppressed, unsigned char *hidden) {
  for (uint32_t from = 0, to; from < diags->size; from = to) {
    for (to = from + 1; to < diags->size; to++)
      if (strcmp(diags->data[to].file, diags->data[from].file) != 0) break;
    int rc;
    if (d->baseline &&
        (rc = baseline_file(d, d->baseline, 0, diags, from, to, suppressed, hidden)) < 0)
      return rc;
    if (d->record &&
        (rc = baseline_file(d, d->record, 1, diags, from, to, suppressed, hidden)) < 0)
      return rc;
  }
  return 0;
}

/* Print one analysed unit: its messages on stderr, its findings (configuration severities,
 * NOLINT, baseline applied) on the output. */
static void tu_emit(struct driver *d, struct tu *t) {
  const struct tl_nolint **suppressed = NULL;
  unsigned char *hidden = NULL;
  struct tl_suppress marks = {0};
  struct tl_diags shown = {0};
  const struct tl_nolint **shown_marks = NULL;
  int rc = 0;

  if (t->unreadable) {
    const char *why = t->open_errno ? strerror(t->open_errno) : "is a directory";
    fprintf(stderr, "ticketlint: error: cannot open '%s': %s\n", t->file, why);
    d->errors++;
    return;
  }
  if (d->db && t->origin == TL_ORIGIN_DEFAULT)
    fprintf(stderr, "ticketlint: note: '%s' is not in %s; parsing with default flags\n",
            t->file, d->db->path);
  if (t->broken[0]) {
    fprintf(stderr, "ticketlint: error: %s: %s\n", t->file, t->broken);
    d->broken++;
    return;
  }
  if (t->internal[0]) {
    fprintf(stderr, "ticketlint: error: '%s': %s\n", t->file, t->internal);
    d->errors++;
    return;
  }
  if (t->parse_rc < 0) {
    tl_diags_sort(&t->diags);
    tl_output_write(d->out, &t->diags);
    fprintf(stderr, "ticketlint: error: cannot parse '%s': %s\n", t->file,
            tl_strerror(t->parse_rc));
    d->errors++;
    return;
  }

  tl_diags_sort(&t->diags);
  if ((rc = apply_profile(t->profile, t->parse_as, &t->diags, &suppressed, &marks)) < 0)
    goto internal;
  if (!(hidden = calloc(t->diags.size + 1, 1))) goto oom;
  if ((d->baseline || d->record) && (rc = baseline_apply(d, &t->diags, suppressed, hidden)) < 0)
    goto internal;
  if (d->baseline) {
    char *rel = NULL;
    if ((rc = tl_baseline_relpath(d->baseline, t->parse_as, &rel)) < 0) goto internal;
    if (tl_array_push(&d->linted, rel) < 0) {
      free(rel);
      goto oom;
    }
  }
  /* what is printed: the findings neither baselined nor recorded */
  shown.data = malloc((t->diags.size + 1) * sizeof *shown.data);
  shown_marks = calloc(t->diags.size + 1, sizeof *shown_marks);
  if (!shown.data || !shown_marks) goto oom;
  for (uint32_t i = 0; i < t->diags.size; i++) {
    if (hidden[i]) continue;
    shown_marks[shown.size] = suppressed[i];
    shown.data[shown.size++] = t->diags.data[i];   /* shallow: t->diags owns the strings */
    if (t->diags.data[i].severity >= d->cli->fail_on && !suppressed[i]) d->failing++;
  }
  shown.cap = shown.size;
  if (tl_output_write_marked(d->out, &shown, shown_marks) < 0) goto oom;
  goto done;

oom:
  rc = TL_ENOMEM;
internal:
  fprintf(stderr, "ticketlint: error: '%s': %s\n", t->file, tl_strerror(rc));
  d->errors++;
done:
  free(shown.data);
  free(shown_marks);
  free(hidden);
  free(suppressed);
  tl_suppress_close(&marks);
}

/* Emit, in order, every unit ready at the front of the run. */
static void emit_ready(struct driver *d) {
  while (d->next_emit < d->ntus && d->tus[d->next_emit].state == TU_READY) {
    struct tu *t = &d->tus[d->next_emit++];
    tu_emit(d, t);
    tl_diags_close(&t->diags);   /* printed: not needed any more */
  }
  fflush(stdout);
  fflush(stderr);
}

/* ---- cache keys --------------------------------------------------------------------------- */

static int hash_file_into(struct tl_hash *h, const char *path) {
  char hex[TL_HASH_HEX];
  uint64_t size = 0;
  tl_hash_str(h, path);
  if (tl_hash_file(path, &size, hex) < 0) return tl_hash_str(h, "<unreadable>"), 0;
  tl_hash_str(h, hex);
  return 0;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile's part of cache keys: every model file it loads (the default directory's, the
 * configuration's, --model's) and the configuration file, by contents, and its rules. */
static int profile_fingerprint(struct profile *p, const struct driver *d) {
  struct tl_hash h;
  tl_hash_init(&h);
  tl_hash_str(&h, "profile");
  if (d->model_dir) {
    str_list names = {0};
    DIR *dir = opendir(d->model_dir);
    struct dirent *de;
    while (dir && (de = readdir(dir)) != NULL) {
      size_t n = strlen(de->d_name);
      if (n <= 6 || strcmp(de->d_name + n - 6, ".model") != 0) continue;
      char *full = malloc(strlen(d->model_dir) + n + 2);
      if (!full || tl_array_push(&names, full) < 0) {
        free(full);
        for (uint32_t i = 0; i < names.size; i++) free((char *)names.data[i]);
        tl_array_free(&names);
        closedir(dir);
        return TL_ENOMEM;
      }
      sprintf(full, "%s/%s", d->model_dir, de->d_name);
    }
    if (dir) closedir(dir);
    if (names.size) qsort(names.data, names.size, sizeof *names.data, name_cmp);
    for (uint32_t i = 0; i < names.size; i++) {
      hash_file_into(&h, names.data[i]);
      free((char *)names.data[i]);
    }
    tl_array_free(&names);
  }
  tl_hash_str(&h, "config");
  if (p->path) {
    hash_file_into(&h, p->path);
    for (uint32_t i = 0; i < p->cfg.models.size; i++) hash_file_into(&h, p->cfg.models.data[i]);
  }
  tl_hash_str(&h, "--model");
  for (uint32_t i = 0; i < d->cli->models.size; i++) hash_file_into(&h, d->cli->models.data[i]);
  tl_hash_str(&h, "--models");
  for (size_t i = 0; i < p->nforce; i++)
    tl_hash_str(&h, p->force[i].on ? "+" : "-"), tl_hash_str(&h, p->force[i].name);
  tl_hash_str(&h, "rules");
  for (size_t i = 0; i < p->nrules; i++) tl_hash_str(&h, p->rules[i]->id);
  tl_hash_hex(&h, p->fingerprint);
  p->have_fingerprint = 1;
  return 0;
}

/* The unit's cache key (cache.h): everything its findings depend on but the files it
 * reads, which the entry lists. */
static int tu_key(struct driver *d, struct tu *t) {
  struct tl_hash h;
  int rc;
  if (!t->profile->have_fingerprint && (rc = profile_fingerprint(t->profile, d)) < 0) return rc;
  tl_hash_init(&h);
  tl_hash_str(&h, "ticketlint " TL_VERSION);
  tl_hash_str(&h, d->exe_id);
  tl_hash_str(&h, d->cwd);
  tl_hash_str(&h, t->parse_as);
  tl_hash_u64(&h, t->flags.size);
  for (uint32_t i = 0; i < t->flags.size; i++) tl_hash_str(&h, t->flags.data[i]);
  tl_hash_str(&h, t->profile->fingerprint);
  tl_hash_hex(&h, t->key);
  return 0;
}

/* ---- workers ------------------------------------------------------------------------------ */

#ifdef TL_TESTING
/* Test-only hooks, compiled into the ticketlint-testing binary of tests/cli (built from this
 * file with -DTL_TESTING), never into ticketlint: the worker of the file whose base name is
 * $TICKETLINT_TEST_CRASH_ON aborts, that of $TICKETLINT_TEST_HANG_ON hangs. */
static void test_hooks(const char *file) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  const char *crash = getenv("TICKETLINT_TEST_CRASH_ON");
  const char *hang = getenv("TICKETLINT_TEST_HANG_ON");
  if (crash && strcmp(crash, base) == 0) abort();
  if (hang && strcmp(hang, base) == 0)
    for (;;) pause();
}
#endif

/* The directory a unit's relative paths are relative to: its -working-directory=, else ours. */
static const char *tu_workdir(const struct driver *d, const struct tu *t) {
  static const char wd[] = "-working-directory=";
  for (uint32_t i = 0; i < t->flags.size; i++)
    if (strncmp(t->flags.data[i], wd, sizeof wd - 1) == 0) return t->flags.data[i] + sizeof wd - 1;
  return d->cwd;
}

#define WORKER_INTERNAL_ERROR 3   /* a worker's exit status: out of memory, a rule's error */

/* In a worker: parse, lower and run the rules on one unit; write the result as JSON:
 * {"rc": front-end status, "diags": [...], "deps": [absolute paths] or null,
 *  "stats": [parse_ns, lower_ns, rules_ns]}. The exit status is 0 when it was written,
 * else WORKER_INTERNAL_ERROR. */
static int worker_run(void *ctx, uint32_t job, int fd) {
  struct driver *d = ctx;
  struct tu *t = &d->tus[d->misses[job]];
  const struct profile *p = t->profile;
  struct tl_front_stats fstats = {0};
  struct tl_diags diags;
  struct tl_unit unit;
  tl_paths deps = {0};
  const char **argv = NULL;
  char *depfile = NULL, *text = NULL, *out = NULL;
  size_t len = 0;
  void *jdiags = NULL;
  json_t *jdeps = NULL, *root = NULL;
  uint64_t rules_ns = 0;
  int status = WORKER_INTERNAL_ERROR;

#ifdef TL_TESTING
  test_hooks(t->file);
#endif
  tl_diags_init(&diags);
  memset(&unit, 0, sizeof unit);
  /* With a cache, libclang also writes the files the unit reads into our dependency file:
   * the only file written, inside the cache directory. */
  if (d->cache && tl_cache_tmp_path(d->cache, ".d", &depfile) < 0) goto done;
  if (!(argv = calloc(t->flags.size + 6, sizeof *argv))) goto done;
  int argc = 0;
  for (uint32_t i = 0; i < t->flags.size; i++) argv[argc++] = t->flags.data[i];
  if (depfile) {
    argv[argc++] = "-MD";
    argv[argc++] = "-MT";
    argv[argc++] = "ticketlint-deps";
    argv[argc++] = "-MF";
    argv[argc++] = depfile;
  }
  struct tl_front_opts opts = {.args = argv, .nargs = argc, .keep_going = 1, .stats = &fstats,
                               .force = p->force, .nforce = p->nforce};
  int rc = tl_front_clang_parse(t->parse_as, &opts, p->models, &unit, &diags);
  if (rc == 0) {
    struct tl_run run = {
      .rules = p->rules,
      .nrules = p->nrules,
      .models = p->models,
      .config = p->path ? &p->cfg : NULL,
      .diags = &diags,
    };
    uint64_t t0 = now_ns();
    rc = tl_rules_run(&run, &unit);
    rules_ns = now_ns() - t0;
    if (rc == TL_ELIMIT) rc = 0;
    if (rc < 0) goto done;
  }
  if (depfile) {
    if (rc == 0 && read_source(depfile, &text, &len) == 0 && text &&
        tl_deps_parse(text, len, tu_workdir(d, t), &deps) == 0 && deps.size) {
      if (!(jdeps = json_array())) goto done;
      for (uint32_t i = 0; i < deps.size; i++)
        if (json_array_append_new(jdeps, json_string(deps.data[i])) < 0) goto done;
    }
    unlink(depfile);
  }
  if (tl_diags_encode(&diags, &jdiags) < 0) goto done;
  root = json_pack("{s:i, s:o, s:o, s:[III]}", "rc", rc, "diags", (json_t *)jdiags, "deps",
                   jdeps ? jdeps : json_null(), "stats", (json_int_t)fstats.parse_ns,
                   (json_int_t)fstats.lower_ns, (json_int_t)rules_ns);
  jdiags = NULL;
  jdeps = NULL;
  if (!root || !(out = json_dumps(root, JSON_COMPACT))) goto done;
  if (tl_jobs_write_all(fd, out, strlen(out)) == 0) status = 0;
done:
  json_decref(root);
  json_decref(jdeps);
  json_decref((json_t *)jdiags);
  free(out);
  free(text);
  tl_paths_free(&deps);
  free(depfile);
  free(argv);
  tl_unit_close(&unit);
  tl_diags_close(&diags);
  return status;
}

/* 1 when the unit's findings may be cached: no compiler error (a missing header would not
 * be among its dependencies, so creating it would not invalidate the entry). */
static int cacheable(const struct tl_diags *diags) {
  for (uint32_t i = 0; i < diags->size; i++)
    if (diags->data[i].rule && strcmp(diags->data[i].rule, "clang-diagnostic") == 0 &&
        diags->data[i].severity == TL_SEV_ERROR)
      return 0;
  return 1;
}

/* In the parent: a worker ended. Read its result, cache it, emit what is ready. */
static int worker_done(void *ctx, uint32_t job, const struct tl_job_result *res) {
  struct driver *d = ctx;
  struct tu *t = &d->tus[d->misses[job]];
  json_t *root = NULL, *jdiags = NULL, *jdeps = NULL;
  tl_paths deps = {0};
  json_int_t ps = 0, ls = 0, rs = 0;
  int rc = 0;
  t->state = TU_READY;
  switch (res->status) {
  case TL_JOB_CRASHED:
    snprintf(t->broken, sizeof t->broken, "analysis crashed (signal %d)", res->signal);
    goto out;
  case TL_JOB_FAILED:
    if (res->exit_code == WORKER_INTERNAL_ERROR)
      snprintf(t->internal, sizeof t->internal, "internal error during the analysis");
    else   /* a sanitizer's report (on stderr) ends a worker this way */
      snprintf(t->broken, sizeof t->broken, "analysis crashed (exit status %d)",
               res->exit_code);
    goto out;
  case TL_JOB_TIMED_OUT:
    snprintf(t->broken, sizeof t->broken, "analysis timed out after %u s",
             d->cli->tu_timeout);
    goto out;
  case TL_JOB_DONE:
    break;
  }
  json_error_t jerr;
  jerr.text[0] = '\0';
  root = json_loadb(res->data, res->len, 0, &jerr);
  if (!root || json_unpack_ex(root, &jerr, 0, "{s:i, s:o, s:o, s:[III]}", "rc", &rc,
                              "diags", &jdiags, "deps", &jdeps, "stats", &ps, &ls, &rs) < 0 ||
      tl_diags_decode(jdiags, &t->diags) < 0) {
    snprintf(t->internal, sizeof t->internal,
             "the analysis sent back an unreadable result (%s)",
             jerr.text[0] ? jerr.text : "a malformed diagnostic");
    goto out;
  }
  t->parse_rc = rc;
  d->fstats.parse_ns += (uint64_t)ps;
  d->fstats.lower_ns += (uint64_t)ls;
  d->rules_ns += (uint64_t)rs;
  if (d->cache && rc == 0 && json_is_array(jdeps) && cacheable(&t->diags)) {
    for (size_t i = 0; i < json_array_size(jdeps); i++) {
      const char *s = json_string_value(json_array_get(jdeps, i));
      char *c = s ? strdup(s) : NULL;
      if (!c || tl_array_push(&deps, c) < 0) {
        free(c);
        goto out;
      }
    }
    if (tl_cache_store(d->cache, t->key, &deps, &t->diags) < 0 && !d->cache_write_failed) {
      fprintf(stderr, "ticketlint: warning: cannot write to the cache in '%s'\n",
              d->cache->dir);
      d->cache_write_failed = 1;
    }
  }
out:
  tl_paths_free(&deps);
  json_decref(root);
  emit_ready(d);
  return 0;
}

/* ---- preparing and running ------------------------------------------------------------- */

/* Everything about a unit the parent knows before analysing it; with a cache, a lookup.
 * 0 or TL_ENOMEM. */
static int tu_prepare(struct driver *d, struct tu *t) {
  struct stat st;
  FILE *f = fopen(t->file, "r");
  if (!f || fstat(fileno(f), &st) < 0 || S_ISDIR(st.st_mode)) {
    t->unreadable = 1;
    t->open_errno = f ? 0 : errno;
    if (f) fclose(f);
    t->state = TU_READY;
    return 0;
  }
  fclose(f);
  t->parse_as = t->file;
  int rc = tl_cli_file_flags(d->cli, d->db, t->file, &t->flags, &t->origin, &t->parse_as);
  if (rc < 0) return rc;
  if (d->cache && d->cli->action == TL_CLI_LINT) {
    int hit = 0;
    if ((rc = tu_key(d, t)) < 0) return rc;
    if ((rc = tl_cache_lookup(d->cache, t->key, &t->diags, &hit)) < 0) return rc;
    if (hit) {
      t->from_cache = 1;
      t->state = TU_READY;
    }
  }
  return 0;
}

/* --dump-ir: in this process, one file after the other. */
static void tu_dump(struct driver *d, struct tu *t) {
  struct tl_diags diags;
  struct tl_unit unit;
  tl_diags_init(&diags);
  memset(&unit, 0, sizeof unit);
  if (t->unreadable) {
    tu_emit(d, t);
    return;
  }
  if (d->db && t->origin == TL_ORIGIN_DEFAULT)
    fprintf(stderr, "ticketlint: note: '%s' is not in %s; parsing with default flags\n",
            t->file, d->db->path);
  struct tl_front_opts opts = {
    .args = (const char *const *)t->flags.data,
    .nargs = (int)t->flags.size,
    .keep_going = 1,
    .stats = &d->fstats,
    .force = t->profile->force,
    .nforce = t->profile->nforce,
  };
  int rc = tl_front_clang_parse(t->parse_as, &opts, t->profile->models, &unit, &diags);
  if (rc == 0)
    for (uint32_t i = 0; i < unit.nfuncs; i++) tl_func_dump(&unit.funcs[i], stdout);
  fflush(stdout);
  tl_diags_sort(&diags);
  tl_output_write(d->err_out, &diags);
  if (rc < 0) {
    fprintf(stderr, "ticketlint: error: cannot parse '%s': %s\n", t->file, tl_strerror(rc));
    d->errors++;
  }
  tl_unit_close(&unit);
  tl_diags_close(&diags);
}

/* What identifies this executable's build, for cache keys: a rebuilt ticketlint (new rules,
 * same version number) must not reuse the old one's findings. */
static void exe_identity(char *buf, size_t n) {
  struct stat st;
  if (stat("/proc/self/exe", &st) == 0)
    snprintf(buf, n, "%llu:%llu:%lld.%09ld", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec,
             (long)st.st_mtim.tv_nsec);
  else
    snprintf(buf, n, "unknown");
#ifdef TL_TESTING
  strncat(buf, ":testing", n - strlen(buf) - 1);
#endif
}

/* Lint every unit: prepare (cache lookups), analyse the misses in workers, emit in order. */
static int run_lint(struct driver *d) {
  for (uint32_t i = 0; i < d->ntus; i++)
    if (tu_prepare(d, &d->tus[i]) < 0) return TL_ENOMEM;
  if (d->cli->action == TL_CLI_DUMP_IR) {
    for (uint32_t i = 0; i < d->ntus; i++) tu_dump(d, &d->tus[i]);
    d->next_emit = d->ntus;
    return 0;
  }
  if (!(d->misses = calloc(d->ntus + 1, sizeof *d->misses))) return TL_ENOMEM;
  for (uint32_t i = 0; i < d->ntus; i++)
    if (d->tus[i].state == TU_PENDING) d->misses[d->nmisses++] = i;
  emit_ready(d);   /* a leading run of cached (or unreadable) files */
  struct tl_jobs jobs = {
    .max_workers = d->cli->jobs ? d->cli->jobs : tl_jobs_default_workers(),
    .timeout_s = d->cli->tu_timeout,
    .work = worker_run,
    .done = worker_done,
    .ctx = d,
  };
  int rc = d->nmisses ? tl_jobs_run(&jobs, d->nmisses) : 0;
  if (rc < 0) {
    fprintf(stderr, "ticketlint: error: cannot start analysis workers: %s\n", strerror(errno));
    d->errors++;
    for (uint32_t i = 0; i < d->ntus; i++)   /* what did not run is not reported twice */
      if (d->tus[i].state == TU_PENDING) {
        d->tus[i].state = TU_READY;
        snprintf(d->tus[i].internal, sizeof d->tus[i].internal, "not analysed");
      }
  }
  emit_ready(d);
  return 0;
}

/* After the run: stale baseline entries, --prune-baseline, --write-baseline. */
static void baseline_finish(struct driver *d) {
  const struct tl_cli *cli = d->cli;
  if (d->baseline) {
    unsigned char *stale = calloc(d->baseline->entries.size + 1, 1);
    if (!stale) {
      fprintf(stderr, "ticketlint: error: %s\n", tl_strerror(TL_ENOMEM));
      d->errors++;
      return;
    }
    uint32_t n = tl_baseline_stale(d->baseline, d->linted.data, d->linted.size, stale);
    if (cli->prune_baseline) {
      if (tl_baseline_write(d->baseline, cli->baseline, stale) < 0) {
        fprintf(stderr, "ticketlint: error: cannot write baseline '%s': %s\n", cli->baseline,
                strerror(errno));
        d->errors++;
      } else {
        fprintf(stderr, "ticketlint: note: dropped %u stale baseline entr%s from '%s'\n", n,
                n == 1 ? "y" : "ies", cli->baseline);
      }
    } else if (n) {
      fprintf(stderr, "ticketlint: note: %u baseline entr%s no longer match "
                      "(--prune-baseline to drop them)\n", n, n == 1 ? "y" : "ies");
    }
    free(stale);
  }
  if (d->record) {
    if (d->errors || d->broken) {
      fprintf(stderr, "ticketlint: error: not writing baseline '%s': some files were not "
                      "analysed\n", cli->write_baseline);
      d->errors++;
    } else if (tl_baseline_write(d->record, cli->write_baseline, NULL) < 0) {
      fprintf(stderr, "ticketlint: error: cannot write baseline '%s': %s\n",
              cli->write_baseline, strerror(errno));
      d->errors++;
    } else {
      fprintf(stderr, "ticketlint: note: wrote %zu finding%s to baseline '%s'\n", d->recorded,
              d->recorded == 1 ? "" : "s", cli->write_baseline);
    }
  }
}

int main(int argc, char **argv) {
  struct tl_cli cli;
  struct tl_compdb db = {0};
  struct tl_output out, err_out;
  struct tl_cache cache;
  struct tl_baseline baseline, record;
  tl_models *models = NULL;
  str_list files = {0};
  profile_list profiles = {0};
  struct driver d;
  char model_dir_buf[PATH_MAX + 64];
  int have_db = 0, have_out = 0, have_err_out = 0, have_cache = 0, have_baseline = 0;
  int have_record = 0;
  int status = EXIT_ERROR;
  char msg[512];

  memset(&d, 0, sizeof d);
  int rc = tl_cli_parse(&cli, argc, (const char *const *)argv, msg, sizeof msg);
  if (rc < 0) {
    fprintf(stderr, "ticketlint: error: %s\nrun 'ticketlint --help' for usage\n", msg);
    return EXIT_ERROR;
  }

  switch (cli.action) {
  case TL_CLI_HELP:
    fputs(tl_cli_usage, stdout);
    tl_cli_close(&cli);
    return EXIT_CLEAN;
  case TL_CLI_VERSION:
    print_version();
    tl_cli_close(&cli);
    return EXIT_CLEAN;
  case TL_CLI_LIST_RULES:
    list_rules();
    tl_cli_close(&cli);
    return EXIT_CLEAN;
  case TL_CLI_EXPLAIN:
    tl_output_rule_doc(tl_rule_find(cli.explain), stdout);   /* cli checked the id */
    tl_cli_close(&cli);
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_CLEAN : EXIT_ERROR;
  case TL_CLI_LINT:
  case TL_CLI_DUMP_IR:
    break;
  }

  d.cli = &cli;
  if (model_dir_find(model_dir_buf, sizeof model_dir_buf, &d.model_dir) < 0) goto done;
  if (tl_models_new(&models) < 0) goto oom;
  if (models_load(models, &cli, NULL, d.model_dir) < 0) goto done;

  if (cli.build_dir) {
    struct tl_srcerr err = {0};
    rc = tl_compdb_load(&db, cli.build_dir, &err);
    if (rc < 0) {
      if (err.line > 0)
        fprintf(stderr, "%s:%d:%d: error: %s\n", err.file, err.line, err.col, err.msg);
      else
        fprintf(stderr, "ticketlint: error: cannot read compilation database '%s': %s\n",
                err.file, err.msg);
      goto done;
    }
    have_db = 1;
    d.db = &db;
  } else if (!cli.have_dashdash) {
    fprintf(stderr, "ticketlint: no compilation database or '--' flags; "
                    "parsing with default flags\n");
  }
  if (files_collect(&cli, have_db ? &db : NULL, &files) < 0) goto oom;
  if (files.size == 0) fprintf(stderr, "ticketlint: note: no files to lint\n");

  /* Each file's configuration, all loaded before any file is linted (and before any worker
   * is forked): a broken one stops ticketlint (exit 2), as a broken model does. */
  if (!(d.tus = calloc(files.size + 1, sizeof *d.tus))) goto oom;
  d.ntus = files.size;
  for (uint32_t i = 0; i < files.size; i++) {
    char *path = NULL;
    d.tus[i].file = files.data[i];
    tl_diags_init(&d.tus[i].diags);
    if (cli.config) {
      if (!(path = strdup(cli.config))) goto oom;
    } else if (tl_config_find(files.data[i], &path) < 0) {
      goto oom;
    }
    if (!(d.tus[i].profile = profile_get(&profiles, path, &cli, models, d.model_dir)))
      goto done;
  }

  if (cli.action == TL_CLI_LINT && cli.cache_dir) {
    if (tl_cache_open(&cache, cli.cache_dir, msg, sizeof msg) < 0) {
      fprintf(stderr, "ticketlint: error: %s\n", msg);
      goto done;
    }
    have_cache = 1;
    d.cache = &cache;
  }
  if (cli.action == TL_CLI_LINT && cli.baseline) {
    struct tl_srcerr err = {0};
    if (tl_baseline_load(&baseline, cli.baseline, &err) < 0) {
      if (err.line > 0) print_srcerr(&err);
      else fprintf(stderr, "ticketlint: error: cannot read baseline '%s': %s\n", cli.baseline,
                   err.msg);
      goto done;
    }
    have_baseline = 1;
    d.baseline = &baseline;
  }
  if (cli.action == TL_CLI_LINT && cli.write_baseline) {
    if ((rc = tl_baseline_init(&record, cli.write_baseline)) < 0) {
      fprintf(stderr, "ticketlint: error: cannot write baseline '%s': %s\n",
              cli.write_baseline, rc == TL_ENOMEM ? tl_strerror(rc) : strerror(errno));
      goto done;
    }
    have_record = 1;
    d.record = &record;
  }
  if (!getcwd(d.cwd, sizeof d.cwd)) snprintf(d.cwd, sizeof d.cwd, ".");
  exe_identity(d.exe_id, sizeof d.exe_id);

  if (tl_output_open(&out, &cli, msg, sizeof msg) < 0) {   /* stdout, or --output's file */
    fprintf(stderr, "ticketlint: error: %s\n", msg);
    goto done;
  }
  have_out = 1;
  if (tl_output_init(&err_out, stderr, TL_FORMAT_TEXT,
                     tl_output_want_color(cli.color, STDERR_FILENO)) < 0)
    goto oom;
  have_err_out = 1;
  d.out = &out;
  d.err_out = &err_out;

  if (run_lint(&d) < 0) goto oom;
  if (cli.action == TL_CLI_LINT) baseline_finish(&d);
  if (cli.action == TL_CLI_LINT && tl_output_finish(&out) < 0) {
    fprintf(stderr, "ticketlint: error: cannot write the output\n");
    d.errors++;
  }

  if (cli.stats)
    fprintf(stderr, "ticketlint: stats: files=%u parse-ms=%.1f lower-ms=%.1f rules-ms=%.1f "
                    "cached=%u\n",
            files.size, d.fstats.parse_ns / 1e6, d.fstats.lower_ns / 1e6, d.rules_ns / 1e6,
            have_cache ? cache.hits : 0);
  if (d.errors || (d.broken && !cli.keep_going)) status = EXIT_ERROR;
  else if (d.failing && !cli.exit_zero) status = EXIT_FINDINGS;
  else status = EXIT_CLEAN;
  goto done;

oom:
  fprintf(stderr, "ticketlint: error: %s\n", tl_strerror(TL_ENOMEM));
  status = EXIT_ERROR;
done:
  if (have_out) tl_output_close(&out);
  if (have_err_out) tl_output_close(&err_out);
  if (have_cache) tl_cache_close(&cache);
  if (have_baseline) tl_baseline_close(&baseline);
  if (have_record) tl_baseline_close(&record);
  for (uint32_t i = 0; i < d.linted.size; i++) free((char *)d.linted.data[i]);
  tl_array_free(&d.linted);
  for (uint32_t i = 0; d.tus && i < d.ntus; i++) {
    tl_args_free(&d.tus[i].flags);
    tl_diags_close(&d.tus[i].diags);
  }
  free(d.tus);
  free(d.misses);
  for (uint32_t i = 0; i < profiles.size; i++) profile_free(profiles.data[i]);
  tl_array_free(&profiles);
  tl_array_free(&files);
  if (have_db) tl_compdb_close(&db);
  tl_models_free(models);
  tl_cli_close(&cli);
  return status;
}
