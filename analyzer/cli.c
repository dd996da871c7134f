/* cli.c — parsing ticketlint's command line, and choosing each file's flags.
 *
 * Long options take `--name=value` or `--name value`, and, as in clang-tidy (LLVM's
 * command-line library), a single dash works too: `-extra-arg=-DX`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "rule.h"
#include "tl_errno.h"

const char tl_cli_usage[] =
  "usage: ticketlint [options] <file.c>... [-- <compiler flags>]\n"
  "\n"
  "Finds misused tickets (promises, requests) in C code.\n"
  "\n"
  "options:\n"
  "  -p <build-dir>            read <build-dir>/compile_commands.json; without files,\n"
  "                            lint every file it lists\n"
  "  --extra-arg=<flag>        add a compiler flag after the others (allowlisted)\n"
  "  --extra-arg-before=<flag> add a compiler flag before the others (allowlisted)\n"
  "  --format=<format>         text (default), json, sarif (SARIF 2.1.0) or codeclimate\n"
  "                            (GitLab Code Quality)\n"
  "  --output <file>           write the findings to <file> (replaced atomically) instead\n"
  "                            of standard output\n"
  "  --sarif-root <dir>        sarif, codeclimate: paths relative to <dir> (default: the\n"
  "                            git root above the current directory, else the directory)\n"
  "  --sarif-docs-url <url>    SARIF: each rule's helpUri is <url><rule-id>.md\n"
  "  --color=auto|always|never colour text output (default: auto, on a terminal)\n"
  "  --model <file>            load a model file besides the default ones (repeatable)\n"
  "  --models=+<name>,-<name>  force models on or off, whatever a file includes (by\n"
  "                            default a model is on when its header is included)\n"
  "  --enable-model=<name>     the same as --models=+<name>; --disable-model=<name>\n"
  "  --enable=<id|group|all>   run these rules too (repeatable, applied in order)\n"
  "  --disable=<id|group|all>  do not run these rules (repeatable, applied in order)\n"
  "  --config <file>           use this configuration file instead of the nearest\n"
  "                            .ticketlint above each file (docs/config.md)\n"
  "  --show-suppressed         also print findings silenced by NOLINT comments, marked\n"
  "  --exit-zero               exit 0 even when there are findings\n"
  "  --stats                   print where the time went (parse, lower, rules) on stderr\n"
  "  -j <n>, --jobs=<n>        analyse <n> files at a time, each in its own process\n"
  "                            (default: the number of processors)\n"
  "  --tu-timeout <seconds>    stop analysing a file after this long (default: 300; 0: no\n"
  "                            limit); it is reported as an error\n"
  "  --keep-going              files whose analysis crashed or timed out are reported but\n"
  "                            do not make the exit status 2\n"
  "  --cache-dir <dir>         reuse the findings of files unchanged since the last run,\n"
  "                            kept in <dir> (default: no cache; docs/ci.md)\n"
  "  --baseline <file>         do not report findings recorded in <file>\n"
  "  --write-baseline <file>   record the current findings in <file>, report none\n"
  "  --prune-baseline          rewrite --baseline's file without its stale entries\n"
  "  --fail-on=note|warning|error  exit 1 for findings of at least this severity\n"
  "                            (default: warning)\n"
  "  --list-rules              print every rule: id, severity, summary\n"
  "  --explain <rule-id>       print a rule's documentation\n"
  "  --dump-ir                 print the IR of every function; run no rule\n"
  "  --version                 print the version\n"
  "  -h, --help                print this help\n"
  "\n"
  "Compiler flags (after '--', from the database or --extra-arg) pass an allowlist:\n"
  "-I -D -U -std= -include -isystem -iquote -idirafter --target= -m* -f* -W* -x ...;\n"
  "the compiler named there is never run. See docs/cli.md.\n"
  "\n"
  "exit status: 0 no findings, 1 findings (at or above --fail-on), 2 usage, configuration\n"
  "or internal error, or a file that could not be read, parsed or analysed\n";

enum opt_id {
  OPT_HELP, OPT_VERSION, OPT_LIST_RULES, OPT_DUMP_IR, OPT_EXIT_ZERO, OPT_STATS,
  OPT_BUILD_DIR, OPT_FORMAT, OPT_COLOR, OPT_MODEL, OPT_EXTRA_ARG, OPT_EXTRA_ARG_BEFORE,
  OPT_ENABLE, OPT_DISABLE, OPT_EXPLAIN, OPT_CONFIG, OPT_SHOW_SUPPRESSED, OPT_OUTPUT,
  OPT_SARIF_ROOT, OPT_SARIF_DOCS_URL,
  OPT_JOBS, OPT_TU_TIMEOUT, OPT_KEEP_GOING, OPT_CACHE_DIR, OPT_BASELINE, OPT_WRITE_BASELINE,
  OPT_PRUNE_BASELINE, OPT_FAIL_ON, OPT_MODELS, OPT_ENABLE_MODEL, OPT_DISABLE_MODEL
};

enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL_JOINED };

struct opt {
  const char *name;   /* without leading dashes */
  enum opt_id id;
  int arg;
};

static const struct opt opts[] = {
  {"help",             OPT_HELP,             ARG_NONE},
  {"h",                OPT_HELP,             ARG_NONE},
  {"version",          OPT_VERSION,          ARG_NONE},
  {"list-rules",       OPT_LIST_RULES,       ARG_NONE},
  {"dump-ir",          OPT_DUMP_IR,          ARG_NONE},
  {"exit-zero",        OPT_EXIT_ZERO,        ARG_NONE},
  {"stats",            OPT_STATS,            ARG_NONE},
  {"p",                OPT_BUILD_DIR,        ARG_REQUIRED},
  {"format",           OPT_FORMAT,           ARG_REQUIRED},
  {"color",            OPT_COLOR,            ARG_OPTIONAL_JOINED},
  {"model",            OPT_MODEL,            ARG_REQUIRED},
  {"extra-arg",        OPT_EXTRA_ARG,        ARG_REQUIRED},
  {"extra-arg-before", OPT_EXTRA_ARG_BEFORE, ARG_REQUIRED},
  {"enable",           OPT_ENABLE,           ARG_REQUIRED},
  {"disable",          OPT_DISABLE,          ARG_REQUIRED},
  {"explain",          OPT_EXPLAIN,          ARG_REQUIRED},
  {"config",           OPT_CONFIG,           ARG_REQUIRED},
  {"show-suppressed",  OPT_SHOW_SUPPRESSED,  ARG_NONE},
  {"output",           OPT_OUTPUT,           ARG_REQUIRED},
  {"sarif-root",       OPT_SARIF_ROOT,       ARG_REQUIRED},
  {"sarif-docs-url",   OPT_SARIF_DOCS_URL,   ARG_REQUIRED},
  {"j",                OPT_JOBS,             ARG_REQUIRED},
  {"jobs",             OPT_JOBS,             ARG_REQUIRED},
  {"tu-timeout",       OPT_TU_TIMEOUT,       ARG_REQUIRED},
  {"keep-going",       OPT_KEEP_GOING,       ARG_NONE},
  {"cache-dir",        OPT_CACHE_DIR,        ARG_REQUIRED},
  {"baseline",         OPT_BASELINE,         ARG_REQUIRED},
  {"write-baseline",   OPT_WRITE_BASELINE,   ARG_REQUIRED},
  {"prune-baseline",   OPT_PRUNE_BASELINE,   ARG_NONE},
  {"fail-on",          OPT_FAIL_ON,          ARG_REQUIRED},
  {"models",           OPT_MODELS,           ARG_REQUIRED},
  {"enable-model",     OPT_ENABLE_MODEL,     ARG_REQUIRED},
  {"disable-model",    OPT_DISABLE_MODEL,    ARG_REQUIRED},
};

void tl_cli_close(struct tl_cli *self) {
  tl_array_free(&self->files);
  tl_array_free(&self->models);
  tl_array_free(&self->select);
  tl_array_free(&self->model_select);
  for (uint32_t i = 0; i < self->owned.size; i++) free(self->owned.data[i]);
  tl_array_free(&self->owned);
  tl_array_free(&self->extra_before);
  tl_array_free(&self->extra_after);
  tl_array_free(&self->dashdash);
  memset(self, 0, sizeof *self);
}

/* Find the option `arg` names ("-x", "--x", "-x=v", "--x=v"); *value gets the joined value
 * or NULL. */
static const struct opt *opt_find(const char *arg, const char **value) {
  const char *name = arg + (arg[1] == '-' ? 2 : 1);
  const char *eq = strchr(name, '=');
  size_t n = eq ? (size_t)(eq - name) : strlen(name);
  for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
    if (strlen(opts[i].name) == n && strncmp(opts[i].name, name, n) == 0) {
      *value = eq ? eq + 1 : NULL;
      return &opts[i];
    }
  }
  return NULL;
}

/* A whole number in [min, max] from s; 0 or -1. */
static int parse_count(const char *s, unsigned min, unsigned max, unsigned *out) {
  char *end = NULL;
  if (!s || s[0] < '0' || s[0] > '9') return -1;
  unsigned long v = strtoul(s, &end, 10);
  if (*end || v < min || v > max) return -1;
  *out = (unsigned)v;
  return 0;
}

#define USAGE(...) do { snprintf(err, errlen, __VA_ARGS__); rc = TL_EUSAGE; goto fail; } while (0)
#define PUSH(arr, v) do { if (tl_array_push(&(arr), (v)) < 0) { rc = TL_ENOMEM; goto fail; } } \
                     while (0)

int tl_cli_parse(struct tl_cli *self, int argc, const char *const *argv, char *err,
                 size_t errlen) {
  struct tl_cli cli = {0};
  int rc = 0;
  cli.tu_timeout = TL_CLI_TU_TIMEOUT;
  cli.fail_on = TL_SEV_WARNING;
  int want_help = 0, want_version = 0, want_list = 0, want_dump = 0;
  if (errlen) err[0] = '\0';

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      cli.have_dashdash = 1;
      for (i++; i < argc; i++) PUSH(cli.dashdash, argv[i]);
      break;
    }
    if (arg[0] != '-') {
      PUSH(cli.files, arg);
      continue;
    }
    if (arg[1] == '\0') USAGE("reading a file from standard input ('-') is not supported");

    const char *value = NULL;
    const struct opt *o = opt_find(arg, &value);
    if (!o && arg[1] == 'j' && arg[2] >= '0' && arg[2] <= '9') {   /* -j4, as make says it */
      static const struct opt jobs_joined = {"j", OPT_JOBS, ARG_REQUIRED};
      o = &jobs_joined;
      value = arg + 2;
    }
    if (!o) USAGE("unknown option '%s'", arg);
    if (o->arg == ARG_NONE && value) USAGE("option '%s' takes no value", arg);
    if (o->arg == ARG_REQUIRED && !value) {
      if (i + 1 >= argc) USAGE("option '%s' needs a value", arg);
      value = argv[++i];
    }
    switch (o->id) {
    case OPT_HELP:       want_help = 1; break;
    case OPT_VERSION:    want_version = 1; break;
    case OPT_LIST_RULES: want_list = 1; break;
    case OPT_DUMP_IR:    want_dump = 1; break;
    case OPT_EXIT_ZERO:  cli.exit_zero = 1; break;
    case OPT_STATS:      cli.stats = 1; break;
    case OPT_SHOW_SUPPRESSED: cli.show_suppressed = 1; break;
    case OPT_EXPLAIN:
      if (!tl_rule_find(value)) {
        char close[160];
        tl_rules_suggest(value, close, sizeof close);
        USAGE("unknown rule '%s'%s%s (--list-rules lists them)", value,
              close[0] ? "; did you mean " : "", close);
      }
      cli.explain = value;
      break;
    case OPT_CONFIG:
      if (!value[0]) USAGE("option '--config' needs a file");
      cli.config = value;
      break;
    case OPT_BUILD_DIR:
      if (!value[0]) USAGE("option '-p' needs a build directory");
      cli.build_dir = value;
      break;
    case OPT_FORMAT:
      if (strcmp(value, "text") == 0) cli.format = TL_FORMAT_TEXT;
      else if (strcmp(value, "json") == 0) cli.format = TL_FORMAT_JSON;
      else if (strcmp(value, "sarif") == 0) cli.format = TL_FORMAT_SARIF;
      else if (strcmp(value, "codeclimate") == 0) cli.format = TL_FORMAT_CODECLIMATE;
      else USAGE("unknown format '%s' (text, json, sarif or codeclimate)", value);
      break;
    case OPT_OUTPUT:
      if (!value[0]) USAGE("option '--output' needs a file");
      cli.output = value;
      break;
    case OPT_SARIF_ROOT:
      if (!value[0]) USAGE("option '--sarif-root' needs a directory");
      cli.sarif_root = value;
      break;
    case OPT_SARIF_DOCS_URL:
      if (!strstr(value, "://")) USAGE("option '--sarif-docs-url' needs an absolute URL "
                                       "(https://...), not '%s'", value);
      cli.sarif_docs_url = value;
      break;
    case OPT_COLOR:
      if (!value || strcmp(value, "always") == 0) cli.color = TL_COLOR_ALWAYS;
      else if (strcmp(value, "never") == 0) cli.color = TL_COLOR_NEVER;
      else if (strcmp(value, "auto") == 0) cli.color = TL_COLOR_AUTO;
      else USAGE("unknown color mode '%s' (auto, always or never)", value);
      break;
    case OPT_JOBS:
      if (parse_count(value, 1, 4096, &cli.jobs) < 0)
        USAGE("option '%s' needs a number of jobs from 1 to 4096, not '%s'", arg, value);
      break;
    case OPT_TU_TIMEOUT:
      if (parse_count(value, 0, 7 * 24 * 3600, &cli.tu_timeout) < 0)
        USAGE("option '--tu-timeout' needs a number of seconds (0: no limit), not '%s'", value);
      break;
    case OPT_KEEP_GOING: cli.keep_going = 1; break;
    case OPT_CACHE_DIR:
      if (!value[0]) USAGE("option '--cache-dir' needs a directory");
      cli.cache_dir = value;
      break;
    case OPT_BASELINE:
      if (!value[0]) USAGE("option '--baseline' needs a file");
      cli.baseline = value;
      break;
    case OPT_WRITE_BASELINE:
      if (!value[0]) USAGE("option '--write-baseline' needs a file");
      cli.write_baseline = value;
      break;
    case OPT_PRUNE_BASELINE: cli.prune_baseline = 1; break;
    case OPT_FAIL_ON:
      if (strcmp(value, "note") == 0) cli.fail_on = TL_SEV_NOTE;
      else if (strcmp(value, "warning") == 0) cli.fail_on = TL_SEV_WARNING;
      else if (strcmp(value, "error") == 0) cli.fail_on = TL_SEV_ERROR;
      else USAGE("unknown severity '%s' for '--fail-on' (note, warning or error)", value);
      break;
    case OPT_MODEL:            PUSH(cli.models, value); break;
    case OPT_ENABLE_MODEL:
    case OPT_DISABLE_MODEL: {
      if (!value[0]) USAGE("option '%s' needs a model name", arg);
      struct tl_cli_select sel = {value, o->id == OPT_ENABLE_MODEL};
      PUSH(cli.model_select, sel);
      break;
    }
    case OPT_MODELS: {                     /* +a,-b: each item copied, split at commas */
      for (const char *p = value; *p;) {
        size_t n = strcspn(p, ",");
        if (n < 2 || (p[0] != '+' && p[0] != '-'))
          USAGE("option '--models' takes +name or -name items separated by commas, not '%.*s'",
                (int)n, p);
        char *name = strndup(p + 1, n - 1);
        if (!name || tl_array_push(&cli.owned, name) < 0) {
          free(name);
          rc = TL_ENOMEM;
          goto fail;
        }
        struct tl_cli_select sel = {name, p[0] == '+'};
        PUSH(cli.model_select, sel);
        p += n + (p[n] == ',');
      }
      break;
    }
    case OPT_EXTRA_ARG:        PUSH(cli.extra_after, value); break;
    case OPT_EXTRA_ARG_BEFORE: PUSH(cli.extra_before, value); break;
    case OPT_ENABLE:
    case OPT_DISABLE: {
      if (!tl_select_valid(value)) {
        char close[160];
        tl_rules_suggest(value, close, sizeof close);
        USAGE("unknown rule or group '%s' in '%s'%s%s", value, arg,
              close[0] ? "; did you mean " : "", close);
      }
      struct tl_cli_select sel = {value, o->id == OPT_ENABLE};
      PUSH(cli.select, sel);
      break;
    }
    }
  }

  if (want_help) cli.action = TL_CLI_HELP;
  else if (want_version) cli.action = TL_CLI_VERSION;
  else if (want_list) cli.action = TL_CLI_LIST_RULES;
  else if (cli.explain) cli.action = TL_CLI_EXPLAIN;
  else if (want_dump) cli.action = TL_CLI_DUMP_IR;
  else cli.action = TL_CLI_LINT;

  if ((cli.action == TL_CLI_LINT || cli.action == TL_CLI_DUMP_IR) && cli.files.size == 0 &&
      !cli.build_dir)
    USAGE("no input files (give files, or -p <build-dir> to lint its database)");
  if (cli.prune_baseline && !cli.baseline)
    USAGE("option '--prune-baseline' needs '--baseline <file>'");
  if (cli.prune_baseline && cli.write_baseline)
    USAGE("options '--prune-baseline' and '--write-baseline' do not go together");

  *self = cli;
  return 0;

fail:
  if (rc == TL_ENOMEM) snprintf(err, errlen, "out of memory");
  tl_cli_close(&cli);
  memset(self, 0, sizeof *self);
  return rc;
}

#undef USAGE
#undef PUSH

static int filter_list(const char *const *argv, uint32_t n, unsigned opts, tl_args *out) {
  return tl_flags_filter(argv, n, opts, out, NULL);
}

int tl_cli_file_flags(const struct tl_cli *self, const struct tl_compdb *db, const char *file,
                      tl_args *out, enum tl_flags_origin *origin, const char **parse_as) {
  static const char *const defaults[] = TL_DEFAULT_FLAGS;
  tl_args args = {0};
  enum tl_flags_origin from = TL_ORIGIN_DEFAULT;
  const struct tl_compdb_entry *e = NULL;

  if (filter_list(self->extra_before.data, self->extra_before.size, 0, &args) < 0) goto fail;
  if (self->have_dashdash) {
    from = TL_ORIGIN_DASHDASH;
    if (filter_list(self->dashdash.data, self->dashdash.size, TL_FLAGS_COMMAND, &args) < 0)
      goto fail;
  } else if (db && (e = tl_compdb_find(db, file)) != NULL) {
    from = TL_ORIGIN_COMPDB;
    static const char wd[] = "-working-directory=";
    size_t n = strlen(e->dir);
    char *flag = malloc(sizeof wd + n);
    if (!flag) goto fail;
    memcpy(flag, wd, sizeof wd - 1);
    memcpy(flag + sizeof wd - 1, e->dir, n + 1);
    if (tl_array_push(&args, flag) < 0) {
      free(flag);
      goto fail;
    }
    if (filter_list((const char *const *)e->argv.data, e->argv.size, TL_FLAGS_COMMAND,
                    &args) < 0)
      goto fail;
  } else {
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
      if (tl_args_push(&args, defaults[i]) < 0) goto fail;
  }
  if (filter_list(self->extra_after.data, self->extra_after.size, 0, &args) < 0) goto fail;

  if (tl_array_reserve(out, out->size + args.size) < 0) goto fail;
  for (uint32_t i = 0; i < args.size; i++) out->data[out->size++] = args.data[i];
  tl_array_free(&args);
  *origin = from;
  if (parse_as) *parse_as = e ? e->file : file;
  return 0;

fail:
  tl_args_free(&args);
  return TL_ENOMEM;
}
