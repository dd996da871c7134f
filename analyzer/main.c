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
 * <exe dir>/../share/ticketlint/models and the source tree's models/; then --model files. */
static int models_load(tl_models *models, const struct tl_cli *cli) {
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

struct driver {
  const struct tl_cli *cli;
  const struct tl_compdb *db;     /* NULL without -p */
  const tl_models *models;
  const struct tl_rule **rules;   /* the enabled rules */
  size_t nrules;
  struct tl_output *out;          /* findings (stdout) */
  struct tl_output *err_out;      /* compiler diagnostics with --dump-ir (stderr) */
  struct tl_front_stats fstats;   /* --stats */
  uint64_t rules_ns;
  int errors;                     /* files that could not be read or parsed */
  size_t findings;                /* warnings and errors printed */
};

/* Lint (or dump) one file. Errors are reported here and counted in d->errors. */
static void lint_file(struct driver *d, const char *file) {
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
  rc = tl_front_clang_parse(parse_as, &opts, d->models, &unit, &diags);
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
    .rules = d->rules,
    .nrules = d->nrules,
    .models = d->models,
    .diags = &diags,
  };
  uint64_t t0 = now_ns();
  rc = tl_rules_run(&run, &unit);
  d->rules_ns += now_ns() - t0;
  if (rc < 0 && rc != TL_ELIMIT) goto internal;

  tl_diags_sort(&diags);
  for (uint32_t i = 0; i < diags.size; i++)
    if (diags.data[i].severity >= TL_SEV_WARNING) d->findings++;
  if (tl_output_write(d->out, &diags) < 0) {
    rc = TL_ENOMEM;
    goto internal;
  }
  goto done;

internal:
  fprintf(stderr, "ticketlint: error: '%s': %s\n", file, tl_strerror(rc));
  d->errors++;
done:
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
  const struct tl_rule **rules = NULL;
  unsigned char *on = NULL;   /* per rule of tl_rules: enabled */
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
  case TL_CLI_LINT:
  case TL_CLI_DUMP_IR:
    break;
  }

  if (tl_models_new(&models) < 0) goto oom;
  if (models_load(models, &cli) < 0) goto done;

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

  /* The rules: their defaults, then --enable/--disable in order (names checked by cli). */
  rules = malloc((tl_rules_count + 1) * sizeof *rules);
  on = malloc(tl_rules_count + 1);
  if (!rules || !on) goto oom;
  for (size_t i = 0; i < tl_rules_count; i++) on[i] = tl_rules[i]->enabled_by_default != 0;
  for (uint32_t i = 0; i < cli.select.size; i++)
    (void)tl_select_apply(on, cli.select.data[i].what, cli.select.data[i].enable);
  size_t nrules = 0;
  for (size_t i = 0; i < tl_rules_count; i++)
    if (on[i]) rules[nrules++] = tl_rules[i];

  int color = tl_output_want_color(cli.color, STDOUT_FILENO);
  if (tl_output_init(&out, stdout, cli.format, color) < 0) goto oom;
  have_out = 1;
  if (tl_output_init(&err_out, stderr, TL_FORMAT_TEXT,
                     tl_output_want_color(cli.color, STDERR_FILENO)) < 0)
    goto oom;
  have_err_out = 1;

  struct driver d = {
    .cli = &cli,
    .db = have_db ? &db : NULL,
    .models = models,
    .rules = rules,
    .nrules = nrules,
    .out = &out,
    .err_out = &err_out,
  };
  for (uint32_t i = 0; i < files.size; i++) lint_file(&d, files.data[i]);
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
  free(rules);
  free(on);
  tl_array_free(&files);
  if (have_db) tl_compdb_close(&db);
  tl_models_free(models);
  tl_cli_close(&cli);
  return status;
}
