/* cli.h — ticketlint's command line, parsed into a struct (no I/O), and the flags each file
 * is parsed with. The shape is clang-tidy's on purpose, so CMake's CMAKE_C_CLANG_TIDY and
 * editors that drive clang-tidy can drive ticketlint:
 *
 *   ticketlint [options] <file.c>... [-- <compiler flags>]
 *
 * docs/cli.md is the user's documentation of every option. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include <stddef.h>

#include "compdb.h"
#include "diag.h"

enum tl_cli_action {
  TL_CLI_LINT,        /* the default: run the rules */
  TL_CLI_DUMP_IR,     /* --dump-ir: print the IR of every function, run no rule */
  TL_CLI_LIST_RULES,  /* --list-rules */
  TL_CLI_EXPLAIN,     /* --explain <rule-id>: print the rule's documentation */
  TL_CLI_VERSION,     /* --version */
  TL_CLI_HELP         /* --help */
};

enum tl_format { TL_FORMAT_TEXT, TL_FORMAT_JSON, TL_FORMAT_SARIF, TL_FORMAT_CODECLIMATE };

/* One --enable/--disable, in command-line order: `what` is a rule id, a group or "all". */
struct tl_cli_select {
  const char *what;
  int enable;
};
enum tl_color  { TL_COLOR_AUTO, TL_COLOR_ALWAYS, TL_COLOR_NEVER };

/* Parsed options. Strings point into argv (not copied); the arrays are the struct's own. */
struct tl_cli {
  enum tl_cli_action action;
  enum tl_format format;
  enum tl_color color;
  int exit_zero;                 /* --exit-zero: findings do not make the exit code 1 */
  int stats;                     /* --stats: time spent in parse, lower, rules on stderr */
  int show_suppressed;           /* --show-suppressed: print NOLINT-silenced findings, marked */
  const char *explain;           /* --explain <rule-id> (a registered rule), or NULL */
  const char *config;            /* --config FILE: instead of finding .ticketlint, or NULL */
  const char *build_dir;         /* -p <build-dir>, or NULL */
  const char *output;            /* --output FILE: the findings go there (atomically), or NULL */
  const char *sarif_root;        /* --sarif-root DIR: SRCROOT of SARIF and Code Climate paths,
                                    or NULL (the git root) */
  const char *sarif_docs_url;    /* --sarif-docs-url URL: base of SARIF helpUri, or NULL */
  unsigned jobs;                 /* -j N: files analysed at a time; 0: one per processor */
  unsigned tu_timeout;           /* --tu-timeout S: per file, in seconds; 0: no limit */
  int keep_going;                /* --keep-going: crashed/timed-out files do not exit 2 */
  const char *cache_dir;         /* --cache-dir DIR: the result cache, or NULL: none */
  const char *baseline;          /* --baseline FILE: findings not to report, or NULL */
  const char *write_baseline;    /* --write-baseline FILE: record the findings, or NULL */
  int prune_baseline;            /* --prune-baseline: drop --baseline's stale entries */
  enum tl_severity fail_on;      /* --fail-on: the least severity that exits 1 */
  TL_ARRAY(const char *) files;  /* the files, in order */
  TL_ARRAY(const char *) models; /* --model FILE, in order */
  TL_ARRAY(struct tl_cli_select) select;  /* --enable/--disable, in order (checked names) */
  TL_ARRAY(struct tl_cli_select) model_select;  /* --models=+a,-b, --enable-model,
                                                   --disable-model, in order: `what` a model
                                                   name (checked by the driver) */
  TL_ARRAY(char *) owned;        /* copies the struct owns (--models items) */
  TL_ARRAY(const char *) extra_before;  /* --extra-arg-before (raw, filtered later) */
  TL_ARRAY(const char *) extra_after;   /* --extra-arg */
  int have_dashdash;             /* "--" was given (even with nothing after it) */
  TL_ARRAY(const char *) dashdash;      /* what follows "--" (raw, filtered later) */
};

/* Parse argv[1..argc-1] into self (initialised by the callee). 0, or TL_EUSAGE with a one-line
 * message in err (self then owns nothing), or TL_ENOMEM. */
int  tl_cli_parse(struct tl_cli *self, int argc, const char *const *argv, char *err,
                  size_t errlen);
void tl_cli_close(struct tl_cli *self);

/* Where the flags of one file came from. */
enum tl_flags_origin {
  TL_ORIGIN_DASHDASH,  /* the "--" tail */
  TL_ORIGIN_COMPDB,    /* the file's compile_commands.json entry */
  TL_ORIGIN_DEFAULT    /* neither: the defaults (TL_DEFAULT_FLAGS) */
};

#define TL_CLI_TU_TIMEOUT 300   /* --tu-timeout's default, in seconds */

#define TL_DEFAULT_FLAGS { "-xc", "-std=gnu11" }

/* The arguments libclang parses `file` with, appended to out: --extra-arg-before values,
 * then the "--" tail (when given; it wins over the database, as in clang-tidy), else the
 * file's database entry (`db` may be NULL) preceded by -working-directory=<its directory>,
 * else the defaults; then --extra-arg values. Everything but the -working-directory we add
 * passes tl_flags_filter(); compilers and sources of commands are dropped; --driver-mode=
 * is ignored. *origin says which source was used; *parse_as (may be NULL) is the path to
 * give libclang: the entry's absolute path for a database entry (-working-directory would
 * misplace a relative name), else `file`. 0 or TL_ENOMEM (out then untouched). */
int tl_cli_file_flags(const struct tl_cli *self, const struct tl_compdb *db, const char *file,
                      tl_args *out, enum tl_flags_origin *origin, const char **parse_as);

/* The --help text. */
extern const char tl_cli_usage[];

#endif /* TL_CLI_H */
