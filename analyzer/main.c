/* main.c — the ticketlint command: options (cli.h), models, flags (compdb.h), and per file
 * tl_front_clang_parse → tl_rules_run → sort → print (output.h). docs/cli.md documents it.
 *
 * Exit status: 0 no findings, 1 findings (warning or error), 2 usage, configuration or
 * internal error. A file that cannot be read or parsed is reported; the others are still
 * linted and the exit status is 2. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <clang-c/Index.h>

#include "cli.h"
#include "compdb.h"
#include "config.h"
#include "diag.h"
#include "front.h"
#include "ir.h"
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

/* The default models: every *.model of the first directory of $TICKETLINT_MODEL_DIR,
 * <exe dir>/../share/ticketlint/models and the source tree's models/; then the
 * configuration's model files and entries (cfg may be NULL); then --model files. */
static int models_load(tl_models *models, const struct tl_cli *cli,
                       const struct tl_config *cfg) {
  struct tl_srcerr err = {0};
  char exe_dir[PATH_MAX + 64];
  const char *dir = NULL;
  const char *env = getenv("TICKETLINT_MODEL_DIR");
  if (env && env[0]) {
    if (!is_dir(env)) {
      fprintf(stderr, "ticketlint: error: TICKETLINT_MODEL_DIR='%s' is not a directory\n", env);
      return -1;
    }
    dir = env;
  } else if (exe_model_dir(exe_dir, sizeof exe_dir) == 0 && is_dir(exe_dir)) {
    dir = exe_dir;
  } else if (is_dir(TL_SOURCE_MODEL_DIR)) {
    dir = TL_SOURCE_MODEL_DIR;
  }
  if (dir) {
    if (tl_models_load_dir(models, dir, &err) < 0) {
      print_srcerr(&err);
      return -1;
    }
  } else {
    fprintf(stderr, "ticketlint: warning: no model directory found (set "
                    "TICKETLINT_MODEL_DIR); only --model files are loaded\n");
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
      fprintf(stderr, "%s: error: its ticket-type or blocking entries: %s\n", cfg->path,
              err.msg);
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

/* 1 when line [p, p+n) is a section heading of a rule's doc ("Example" or "## Example"). */
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

/* --explain: the rule's doc (struct tl_rule.doc, its header comment) as Markdown, as
 * cmake/RuleDocs.cmake writes docs/rules/<id>.md (without the page's generator comment):
 * "# id", the summary of the first line capitalised, then the rest with "## " headings. */
static void explain_rule(const struct tl_rule *r, FILE *out) {
  const char *doc = r->doc ? r->doc : "";
  const char *nl = strchr(doc, '\n');
  size_t first = nl ? (size_t)(nl - doc) : strlen(doc);
  size_t idlen = strlen(r->id);
  fprintf(out, "# %s\n\n", r->id);
  if (first > idlen && strncmp(doc, r->id, idlen) == 0) {
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
};

static void profile_free(struct profile *p) {
  if (!p) return;
  free(p->path);
  if (p->cfg.arena) tl_config_close(&p->cfg);
  tl_models_free(p->own_models);
  free(p->rules);
  free(p->sev);
  free(p);
}

/* Make the profile of configuration `path` (NULL: none; taken over). NULL when the
 * configuration or its models are broken (reported) or out of memory. */
static struct profile *profile_new(char *path, const struct tl_cli *cli,
                                   const tl_models *base) {
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
  if (cfg && (cfg->models.size || cfg->ticket_types.size || cfg->blocking.size)) {
    if (tl_models_new(&p->own_models) < 0) goto oom;
    if (models_load(p->own_models, cli, cfg) < 0) goto fail;
    p->models = p->own_models;
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
                                   const tl_models *base) {
  for (uint32_t i = 0; i < all->size; i++) {
    const char *q = all->data[i]->path;
    if ((!q && !path) || (q && path && strcmp(q, path) == 0)) {
      free(path);
      return all->data[i];
    }
  }
  struct profile *p = profile_new(path, cli, base);
  if (p && tl_array_push(all, p) < 0) {
    fprintf(stderr, "ticketlint: error: %s\n", tl_strerror(TL_ENOMEM));
    profile_free(p);
    return NULL;
  }
  return p;
}

struct driver {
  const struct tl_cli *cli;
  const struct tl_compdb *db;     /* NULL without -p */
  struct tl_output *out;          /* findings (stdout) */
  struct tl_output *err_out;      /* compiler diagnostics with --dump-ir (stderr) */
  struct tl_front_stats fstats;   /* --stats */
  uint64_t rules_ns;
  int errors;                     /* files that could not be read or parsed */
  size_t findings;                /* warnings and errors printed */
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

/* Lint (or dump) one file. Errors are reported here and counted in d->errors. */
static void lint_file(struct driver *d, const struct profile *p, const char *file) {
  const struct tl_nolint **suppressed = NULL;
  struct tl_suppress marks = {0};
  tl_args flags = {0};
  struct tl_diags diags;
  struct tl_unit unit;
  enum tl_flags_origin origin = TL_ORIGIN_DEFAULT;
  int rc;

  tl_diags_init(&diags);
  memset(&unit, 0, sizeof unit);
  struct stat st;
  FILE *f = fopen(file, "r");
  if (!f || fstat(fileno(f), &st) < 0 || S_ISDIR(st.st_mode)) {
    const char *why = f ? "is a directory" : strerror(errno);
    fprintf(stderr, "ticketlint: error: cannot open '%s': %s\n", file, why);
    if (f) fclose(f);
    d->errors++;
    goto done;
  }
  fclose(f);

  const char *parse_as = file;
  rc = tl_cli_file_flags(d->cli, d->db, file, &flags, &origin, &parse_as);
  if (rc < 0) goto internal;
  if (d->db && origin == TL_ORIGIN_DEFAULT)
    fprintf(stderr, "ticketlint: note: '%s' is not in %s; parsing with default flags\n", file,
            d->db->path);

  struct tl_front_opts opts = {
    .args = (const char *const *)flags.data,
    .nargs = (int)flags.size,
    .keep_going = 1,
    .stats = &d->fstats,
  };
  rc = tl_front_clang_parse(parse_as, &opts, p->models, &unit, &diags);
  if (rc < 0) {
    tl_diags_sort(&diags);
    tl_output_write(d->cli->action == TL_CLI_DUMP_IR ? d->err_out : d->out, &diags);
    fprintf(stderr, "ticketlint: error: cannot parse '%s': %s\n", file, tl_strerror(rc));
    d->errors++;
    goto done;
  }

  if (d->cli->action == TL_CLI_DUMP_IR) {
    for (uint32_t i = 0; i < unit.nfuncs; i++) tl_func_dump(&unit.funcs[i], stdout);
    fflush(stdout);
    tl_diags_sort(&diags);
    tl_output_write(d->err_out, &diags);
    goto done;
  }

  struct tl_run run = {
    .rules = p->rules,
    .nrules = p->nrules,
    .models = p->models,
    .config = p->path ? &p->cfg : NULL,
    .diags = &diags,
  };
  uint64_t t0 = now_ns();
  rc = tl_rules_run(&run, &unit);
  d->rules_ns += now_ns() - t0;
  if (rc < 0 && rc != TL_ELIMIT) goto internal;

  tl_diags_sort(&diags);
  if ((rc = apply_profile(p, parse_as, &diags, &suppressed, &marks)) < 0) goto internal;
  for (uint32_t i = 0; i < diags.size; i++)
    if (diags.data[i].severity >= TL_SEV_WARNING && !suppressed[i]) d->findings++;
  if (tl_output_write_marked(d->out, &diags, suppressed) < 0) {
    rc = TL_ENOMEM;
    goto internal;
  }
  goto done;

internal:
  fprintf(stderr, "ticketlint: error: '%s': %s\n", file, tl_strerror(rc));
  d->errors++;
done:
  free(suppressed);
  tl_suppress_close(&marks);
  tl_unit_close(&unit);
  tl_diags_close(&diags);
  tl_args_free(&flags);
}

int main(int argc, char **argv) {
  struct tl_cli cli;
  struct tl_compdb db = {0};
  struct tl_output out, err_out;
  tl_models *models = NULL;
  str_list files = {0};
  profile_list profiles = {0};
  struct profile **file_profiles = NULL;   /* per file of `files` */
  int have_db = 0, have_out = 0, have_err_out = 0;
  int status = EXIT_ERROR;
  char msg[512];

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
    explain_rule(tl_rule_find(cli.explain), stdout);   /* cli checked the id */
    tl_cli_close(&cli);
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_CLEAN : EXIT_ERROR;
  case TL_CLI_LINT:
  case TL_CLI_DUMP_IR:
    break;
  }

  if (tl_models_new(&models) < 0) goto oom;
  if (models_load(models, &cli, NULL) < 0) goto done;

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
  } else if (!cli.have_dashdash) {
    fprintf(stderr, "ticketlint: no compilation database or '--' flags; "
                    "parsing with default flags\n");
  }
  if (files_collect(&cli, have_db ? &db : NULL, &files) < 0) goto oom;
  if (files.size == 0) fprintf(stderr, "ticketlint: note: no files to lint\n");

  /* Each file's configuration, all loaded before any file is linted: a broken one stops
   * ticketlint (exit 2), as a broken model does. */
  file_profiles = calloc(files.size + 1, sizeof *file_profiles);
  if (!file_profiles) goto oom;
  for (uint32_t i = 0; i < files.size; i++) {
    char *path = NULL;
    if (cli.config) {
      if (!(path = strdup(cli.config))) goto oom;
    } else if (tl_config_find(files.data[i], &path) < 0) {
      goto oom;
    }
    if (!(file_profiles[i] = profile_get(&profiles, path, &cli, models))) goto done;
  }

  if (tl_output_open(&out, &cli, msg, sizeof msg) < 0) {   /* stdout, or --output's file */
    fprintf(stderr, "ticketlint: error: %s\n", msg);
    goto done;
  }
  have_out = 1;
  if (tl_output_init(&err_out, stderr, TL_FORMAT_TEXT,
                     tl_output_want_color(cli.color, STDERR_FILENO)) < 0)
    goto oom;
  have_err_out = 1;

  out.show_suppressed = cli.show_suppressed;
  struct driver d = {
    .cli = &cli,
    .db = have_db ? &db : NULL,
    .out = &out,
    .err_out = &err_out,
  };
  for (uint32_t i = 0; i < files.size; i++) lint_file(&d, file_profiles[i], files.data[i]);
  if (cli.action == TL_CLI_LINT && tl_output_finish(&out) < 0) {
    fprintf(stderr, "ticketlint: error: cannot write the output\n");
    d.errors++;
  }

  if (cli.stats)
    fprintf(stderr, "ticketlint: stats: files=%u parse-ms=%.1f lower-ms=%.1f rules-ms=%.1f\n",
            files.size, d.fstats.parse_ns / 1e6, d.fstats.lower_ns / 1e6, d.rules_ns / 1e6);
  if (d.errors) status = EXIT_ERROR;
  else if (d.findings && !cli.exit_zero) status = EXIT_FINDINGS;
  else status = EXIT_CLEAN;
  goto done;

oom:
  fprintf(stderr, "ticketlint: error: %s\n", tl_strerror(TL_ENOMEM));
  status = EXIT_ERROR;
done:
  if (have_out) tl_output_close(&out);
  if (have_err_out) tl_output_close(&err_out);
  for (uint32_t i = 0; i < profiles.size; i++) profile_free(profiles.data[i]);
  tl_array_free(&profiles);
  free(file_profiles);
  tl_array_free(&files);
  if (have_db) tl_compdb_close(&db);
  tl_models_free(models);
  tl_cli_close(&cli);
  return status;
}
