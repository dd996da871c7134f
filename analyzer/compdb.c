/* compdb.c — the flag allowlist and compile_commands.json, read through libclang.
 *
 * The allowlist is one ordered table: the first entry whose name matches an argument decides
 * whether it is kept and how many arguments it spans. Anything no entry matches is dropped
 * (one argument). Specific entries come before the general `-f`, `-m`, `-W` ones they
 * refine. docs/cli.md documents every entry; tests/analyzer/test_compdb.c tests each.
 *
 * Not done: several entries for one file (the first wins); "output" is ignored. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clang-c/CXCompilationDatabase.h>
#include <jansson.h>

#include "compdb.h"
#include "tl_errno.h"

/* ---- string lists ------------------------------------------------------------------- */

int tl_args_pushn(tl_args *self, const char *s, size_t n) {
  char *copy = malloc(n + 1);
  if (!copy) return TL_ENOMEM;
  memcpy(copy, s, n);
  copy[n] = '\0';
  if (tl_array_push(self, copy) < 0) {
    free(copy);
    return TL_ENOMEM;
  }
  return 0;
}

int tl_args_push(tl_args *self, const char *s) {
  return tl_args_pushn(self, s, strlen(s));
}

void tl_args_free(tl_args *self) {
  for (uint32_t i = 0; i < self->size; i++) free(self->data[i]);
  tl_array_free(self);
}

/* Move every string of src to the end of dst; src is left empty. */
static int args_move(tl_args *dst, tl_args *src) {
  if (tl_array_reserve(dst, dst->size + src->size) < 0) return TL_ENOMEM;
  for (uint32_t i = 0; i < src->size; i++) dst->data[dst->size++] = src->data[i];
  tl_array_free(src);
  return 0;
}

/* ---- the allowlist ------------------------------------------------------------------ */

enum flag_form {
  FORM_EXACT,       /* the argument is exactly `name`, no value */
  FORM_JOINED,      /* the argument starts with `name`, value (if any) joined */
  FORM_SEPARATE,    /* the argument is exactly `name`; the next argument is its value */
  FORM_JOINED_OR_SEPARATE,  /* `name` + next argument, or `name<value>` */
  FORM_PREFIX_SEPARATE      /* starts with `name` (-Xarch_<arch>) and takes the next one */
};

struct flag_rule {
  const char *name;
  enum flag_form form;
  int keep;
};

#define KEEP 1
#define DROP 0

static const struct flag_rule flag_rules[] = {
  /* Writes files, loads code, or passes options to another tool: dropped with the value it
   * takes, so that value is never read as a flag of its own. */
  {"-o",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-MF",                     FORM_JOINED_OR_SEPARATE, DROP},
  {"-MT",                     FORM_JOINED_OR_SEPARATE, DROP},
  {"-MQ",                     FORM_JOINED_OR_SEPARATE, DROP},
  {"-MJ",                     FORM_JOINED_OR_SEPARATE, DROP},
  {"-Xclang",                 FORM_JOINED_OR_SEPARATE, DROP},
  {"-Xpreprocessor",          FORM_SEPARATE,           DROP},
  {"-Xassembler",             FORM_SEPARATE,           DROP},
  {"-Xlinker",                FORM_SEPARATE,           DROP},
  {"-Xanalyzer",              FORM_SEPARATE,           DROP},
  {"-Xflang",                 FORM_SEPARATE,           DROP},
  {"-Xarch_",                 FORM_PREFIX_SEPARATE,    DROP},
  {"-Xopenmp-target",         FORM_PREFIX_SEPARATE,    DROP},
  {"-Xcuda-",                 FORM_PREFIX_SEPARATE,    DROP},
  {"-Xoffload-linker",        FORM_PREFIX_SEPARATE,    DROP},
  {"-mllvm",                  FORM_JOINED_OR_SEPARATE, DROP},
  {"-load",                   FORM_SEPARATE,           DROP},
  {"-plugin-arg-",            FORM_PREFIX_SEPARATE,    DROP},
  {"-plugin",                 FORM_SEPARATE,           DROP},
  {"-add-plugin",             FORM_SEPARATE,           DROP},
  {"--serialize-diagnostics", FORM_SEPARATE,           DROP},
  {"-serialize-diagnostic-file", FORM_SEPARATE,        DROP},
  {"-dependency-file",        FORM_SEPARATE,           DROP},
  {"-dependency-dot",         FORM_SEPARATE,           DROP},
  {"-header-include-file",    FORM_SEPARATE,           DROP},
  {"-module-dependency-dir",  FORM_SEPARATE,           DROP},
  {"-diagnostic-log-file",    FORM_SEPARATE,           DROP},
  {"-stack-usage-file",       FORM_SEPARATE,           DROP},
  {"-main-file-name",         FORM_SEPARATE,           DROP},
  {"-index-store-path",       FORM_SEPARATE,           DROP},
  {"-working-directory",      FORM_JOINED_OR_SEPARATE, DROP},
  {"--output",                FORM_SEPARATE,           DROP},
  {"--config",                FORM_SEPARATE,           DROP},
  {"--param",                 FORM_SEPARATE,           DROP},
  {"--gcc-toolchain",         FORM_SEPARATE,           DROP},
  {"--include-directory",     FORM_SEPARATE,           DROP},
  {"--define-macro",          FORM_SEPARATE,           DROP},
  {"--undefine-macro",        FORM_SEPARATE,           DROP},
  {"--include",               FORM_SEPARATE,           DROP},
  {"-ccc-gcc-name",           FORM_SEPARATE,           DROP},
  {"-ccc-install-dir",        FORM_SEPARATE,           DROP},
  {"-wrapper",                FORM_SEPARATE,           DROP},
  {"-arch",                   FORM_SEPARATE,           DROP},
  {"-aux-info",               FORM_SEPARATE,           DROP},
  {"-dumpbase-ext",           FORM_SEPARATE,           DROP},
  {"-dumpbase",               FORM_SEPARATE,           DROP},
  {"-dumpdir",                FORM_SEPARATE,           DROP},
  {"-specs",                  FORM_SEPARATE,           DROP},
  {"-framework",              FORM_SEPARATE,           DROP},
  {"-install_name",           FORM_SEPARATE,           DROP},
  /* Header search we do not follow: virtual file systems, prefixes, C++ and frameworks. */
  {"-include-pch",            FORM_JOINED_OR_SEPARATE, DROP},
  {"-ivfsoverlay",            FORM_JOINED_OR_SEPARATE, DROP},
  {"-iprefix",                FORM_JOINED_OR_SEPARATE, DROP},
  {"-iwithprefixbefore",      FORM_JOINED_OR_SEPARATE, DROP},
  {"-iwithprefix",            FORM_JOINED_OR_SEPARATE, DROP},
  {"-iwithsysroot",           FORM_JOINED_OR_SEPARATE, DROP},
  {"-iframeworkwithsysroot",  FORM_JOINED_OR_SEPARATE, DROP},
  {"-iframework",             FORM_JOINED_OR_SEPARATE, DROP},
  {"-imultilib",              FORM_JOINED_OR_SEPARATE, DROP},
  {"-cxx-isystem",            FORM_JOINED_OR_SEPARATE, DROP},

  /* What decides how the code parses: kept. */
  {"-I",                      FORM_JOINED_OR_SEPARATE, KEEP},
  {"-D",                      FORM_JOINED_OR_SEPARATE, KEEP},
  {"-U",                      FORM_JOINED_OR_SEPARATE, KEEP},
  {"-include",                FORM_JOINED_OR_SEPARATE, KEEP},
  {"-imacros",                FORM_JOINED_OR_SEPARATE, KEEP},
  {"-isystem-after",          FORM_JOINED_OR_SEPARATE, KEEP},
  {"-isystem",                FORM_JOINED_OR_SEPARATE, KEEP},
  {"-iquote",                 FORM_JOINED_OR_SEPARATE, KEEP},
  {"-idirafter",              FORM_JOINED_OR_SEPARATE, KEEP},
  {"-isysroot",               FORM_JOINED_OR_SEPARATE, KEEP},
  {"--sysroot=",              FORM_JOINED,             KEEP},
  {"--sysroot",               FORM_SEPARATE,           KEEP},
  {"-std=",                   FORM_JOINED,             KEEP},
  {"--target=",               FORM_JOINED,             KEEP},
  {"-target",                 FORM_SEPARATE,           KEEP},
  {"-x",                      FORM_JOINED_OR_SEPARATE, KEEP},
  {"-nostdinc",               FORM_EXACT,              KEEP},
  {"-nostdlibinc",            FORM_EXACT,              KEEP},
  {"-nobuiltininc",           FORM_EXACT,              KEEP},
  {"-undef",                  FORM_EXACT,              KEEP},
  {"-ansi",                   FORM_EXACT,              KEEP},
  {"-pthread",                FORM_EXACT,              KEEP},
  {"-w",                      FORM_EXACT,              KEEP},
  {"-ObjC",                   FORM_JOINED,             DROP},
  {"-O",                      FORM_JOINED,             KEEP},  /* __OPTIMIZE__ */

  /* -W: warnings are kept, but -Wl, -Wa, -Wp, pass options to the linker, assembler and
   * preprocessor (-Wp,-MD,file writes a file), and -Werror would make a compiler warning
   * look like a finding. */
  {"-Wl,",                    FORM_JOINED,             DROP},
  {"-Wa,",                    FORM_JOINED,             DROP},
  {"-Wp,",                    FORM_JOINED,             DROP},
  {"-Werror",                 FORM_JOINED,             DROP},
  {"-W",                      FORM_JOINED,             KEEP},

  /* -f: kept, except what writes files (profiles, traces, dumps, module caches, records),
   * loads code (plugins) or reads lists for later compiler stages. */
  {"-fplugin",                FORM_JOINED,             DROP},
  {"-fpass-plugin",           FORM_JOINED,             DROP},
  {"-ftime-trace",            FORM_JOINED,             DROP},
  {"-ftime-report",           FORM_JOINED,             DROP},
  {"-fprofile",               FORM_JOINED,             DROP},
  {"-fcs-profile",            FORM_JOINED,             DROP},
  {"-fauto-profile",          FORM_JOINED,             DROP},
  {"-fmemory-profile",        FORM_JOINED,             DROP},
  {"-fcoverage",              FORM_JOINED,             DROP},
  {"-fmodules",               FORM_JOINED,             DROP},
  {"-fmodule-",               FORM_JOINED,             DROP},
  {"-fimplicit-module",       FORM_JOINED,             DROP},
  {"-fprebuilt-",             FORM_JOINED,             DROP},
  {"-fbuild-session",         FORM_JOINED,             DROP},
  {"-fcrash-diagnostics",     FORM_JOINED,             DROP},
  {"-fsave-",                 FORM_JOINED,             DROP},
  {"-foptimization-record",   FORM_JOINED,             DROP},
  {"-fdump-",                 FORM_JOINED,             DROP},
  {"-fopt-info",              FORM_JOINED,             DROP},
  {"-fstack-usage",           FORM_JOINED,             DROP},
  {"-fcallgraph-info",        FORM_JOINED,             DROP},
  {"-fproc-stat-report",      FORM_JOINED,             DROP},
  {"-fsanitize-",             FORM_JOINED,             DROP},
  {"-fxray",                  FORM_JOINED,             DROP},
  {"-fembed-bitcode",         FORM_JOINED,             DROP},
  {"-fthinlto",               FORM_JOINED,             DROP},
  {"-flto",                   FORM_JOINED,             DROP},
  {"-fuse-ld",                FORM_JOINED,             DROP},
  {"-fdebug-",                FORM_JOINED,             DROP},
  {"-fdiagnostics-",          FORM_JOINED,             DROP},
  {"-fdepfile",               FORM_JOINED,             DROP},
  {"-frewrite-map-file",      FORM_JOINED,             DROP},
  {"-frandomize-layout-seed-file", FORM_JOINED,        DROP},
  {"-fbasic-block-sections",  FORM_JOINED,             DROP},
  {"-fapinotes",              FORM_JOINED,             DROP},
  {"-fpch-",                  FORM_JOINED,             DROP},
  {"-f",                      FORM_JOINED,             KEEP},

  /* -m: target features change predefined macros: kept, except -mllvm (above) and
   * -mlink-*-bitcode (reads bitcode into the output). */
  {"-mlink-",                 FORM_JOINED,             DROP},
  {"-mthread-model",          FORM_SEPARATE,           KEEP},
  {"-m",                      FORM_JOINED,             KEEP},

  /* Linker and driver options with a separate value; listed so the value is consumed. */
  {"-L",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-l",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-u",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-z",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-T",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-e",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-B",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-F",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-A",                      FORM_JOINED_OR_SEPARATE, DROP},
  {"-G",                      FORM_JOINED_OR_SEPARATE, DROP},
};

static int has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The rule for arg, and how many arguments (1 or 2) it spans; NULL when none matches. */
static const struct flag_rule *flag_match(const char *arg, int *span) {
  for (size_t i = 0; i < sizeof flag_rules / sizeof flag_rules[0]; i++) {
    const struct flag_rule *r = &flag_rules[i];
    int exact = strcmp(arg, r->name) == 0;
    switch (r->form) {
    case FORM_EXACT:
      if (!exact) continue;
      *span = 1;
      return r;
    case FORM_JOINED:
      if (!has_prefix(arg, r->name)) continue;
      *span = 1;
      return r;
    case FORM_SEPARATE:
      if (!exact) continue;
      *span = 2;
      return r;
    case FORM_JOINED_OR_SEPARATE:
      if (!has_prefix(arg, r->name)) continue;
      *span = exact ? 2 : 1;
      return r;
    case FORM_PREFIX_SEPARATE:
      if (!has_prefix(arg, r->name)) continue;
      *span = 2;
      return r;
    }
  }
  *span = 1;
  return NULL;
}

int tl_flags_filter(const char *const *argv, size_t argc, unsigned opts, tl_args *kept,
                    tl_args *dropped) {
  tl_args k = {0}, d = {0};
  size_t i = 0;
  if ((opts & TL_FLAGS_COMMAND) && argc > 0 && argv[0][0] != '-') {
    if (tl_args_push(&d, argv[0]) < 0) goto fail;
    i = 1;
  }
  while (i < argc) {
    const char *arg = argv[i];
    int span = 1, keep = 0;
    if (arg[0] == '-' && arg[1] != '\0') {  /* positional, "-" (stdin) and @file: dropped */
      const struct flag_rule *r = flag_match(arg, &span);
      keep = r && r->keep;
    }
    if (i + (size_t)span > argc) {  /* a flag missing its value: drop it */
      span = 1;
      keep = 0;
    }
    for (int j = 0; j < span; j++)
      if (tl_args_push(keep ? &k : &d, argv[i + (size_t)j]) < 0) goto fail;
    i += (size_t)span;
  }
  if (tl_array_reserve(kept, kept->size + k.size) < 0) goto fail;
  if (dropped && tl_array_reserve(dropped, dropped->size + d.size) < 0) goto fail;
  args_move(kept, &k);  /* cannot fail: reserved */
  if (dropped) args_move(dropped, &d);
  tl_args_free(&d);
  return 0;

fail:
  tl_args_free(&k);
  tl_args_free(&d);
  return TL_ENOMEM;
}

/* ---- paths -------------------------------------------------------------------------- */

/* Remove "." and empty components and resolve ".." lexically, in place (absolute paths). */
static void path_clean(char *path) {
  char *out = path;            /* write position */
  const char *in = path;
  int absolute = *in == '/';
  if (absolute) *out++ = *in++;
  char *root = out;
  while (*in) {
    const char *end = strchr(in, '/');
    size_t n = end ? (size_t)(end - in) : strlen(in);
    if (n == 0 || (n == 1 && in[0] == '.')) {
      /* skip */
    } else if (n == 2 && in[0] == '.' && in[1] == '.' && out > root &&
               !(out - root >= 2 && out[-1] == '.' && out[-2] == '.' &&
                 (out - root == 2 || out[-3] == '/'))) {
      out--;                   /* drop the previous component */
      while (out > root && out[-1] != '/') out--;
    } else if (n == 2 && in[0] == '.' && in[1] == '.' && absolute) {
      /* "/.." is "/" */
    } else {
      if (out > root && out[-1] != '/') *out++ = '/';
      memmove(out, in, n);
      out += n;
    }
    in += n;
    if (*in == '/') in++;
  }
  if (out > root && out[-1] == '/') out--;
  if (out == path) *out++ = '.';
  *out = '\0';
}

char *tl_path_resolve(const char *base, const char *path) {
  char *joined;
  if (path[0] == '/' || !base) {
    joined = strdup(path);
  } else {
    size_t nb = strlen(base), np = strlen(path);
    joined = malloc(nb + np + 2);
    if (joined) {
      memcpy(joined, base, nb);
      joined[nb] = '/';
      memcpy(joined + nb + 1, path, np + 1);
    }
  }
  if (!joined) return NULL;
  char *real = realpath(joined, NULL);
  if (real) {
    free(joined);
    return real;
  }
  path_clean(joined);
  return joined;
}

/* ---- compile_commands.json ---------------------------------------------------------- */

static void err_set(struct tl_srcerr *err, const char *file, int line, int col,
                    const char *fmt, const char *arg) {
  if (!err) return;
  snprintf(err->file, sizeof err->file, "%s", file);
  err->line = line;
  err->col = col;
  snprintf(err->msg, sizeof err->msg, fmt, arg);
}

/* Copy a CXString and dispose of it at once. NULL when out of memory. */
static char *cxstring_take(CXString s) {
  const char *c = clang_getCString(s);
  char *copy = strdup(c ? c : "");
  clang_disposeString(s);
  return copy;
}

static void entry_free(struct tl_compdb_entry *e) {
  free(e->dir);
  free(e->file);
  tl_args_free(&e->argv);
}

void tl_compdb_close(struct tl_compdb *self) {
  for (uint32_t i = 0; i < self->size; i++) entry_free(&self->data[i]);
  free(self->data);
  free(self->path);
  memset(self, 0, sizeof *self);
}

/* Check that the file is JSON shaped like a compilation database, for messages with a line
 * and column; libclang only says whether it could load it. */
static int compdb_check_json(const char *path, struct tl_srcerr *err) {
  json_error_t jerr;
  json_t *root = json_load_file(path, 0, &jerr);
  if (!root) {
    err_set(err, path, jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1,
            "invalid JSON: %s", jerr.text);
    return TL_ECOMPDB;
  }
  int rc = 0;
  if (!json_is_array(root)) {
    err_set(err, path, 1, 1, "%s", "a compilation database is a JSON array of commands");
    rc = TL_ECOMPDB;
  }
  for (size_t i = 0; rc == 0 && i < json_array_size(root); i++) {
    json_t *e = json_array_get(root, i);
    if (!json_is_object(e) || !json_is_string(json_object_get(e, "file")) ||
        !json_is_string(json_object_get(e, "directory")) ||
        !(json_is_string(json_object_get(e, "command")) ||
          json_is_array(json_object_get(e, "arguments")))) {
      char what[64];
      snprintf(what, sizeof what, "%zu", i + 1);
      err_set(err, path, 1, 1,
              "entry %s needs \"directory\", \"file\" and \"command\" or \"arguments\"", what);
      rc = TL_ECOMPDB;
    }
  }
  json_decref(root);
  return rc;
}

int tl_compdb_load(struct tl_compdb *self, const char *build_dir, struct tl_srcerr *err) {
  struct tl_compdb db = {0};
  CXCompilationDatabase cxdb = NULL;
  CXCompileCommands cmds = NULL;
  char *dir = NULL;
  int rc = TL_ENOMEM;
  static const char name[] = "compile_commands.json";

  /* Accept the build directory or the file itself. */
  size_t n = strlen(build_dir);
  size_t nn = sizeof name - 1;
  if (n >= nn && strcmp(build_dir + n - nn, name) == 0 &&
      (n == nn || build_dir[n - nn - 1] == '/')) {
    dir = n == nn ? strdup(".") : strndup(build_dir, n - nn - 1);
    if (dir && dir[0] == '\0') {  /* "/compile_commands.json" */
      free(dir);
      dir = strdup("/");
    }
  } else {
    dir = strdup(build_dir);
  }
  if (!dir) goto fail;
  db.path = malloc(strlen(dir) + nn + 2);
  if (!db.path) goto fail;
  sprintf(db.path, "%s/%s", dir, name);

  FILE *f = fopen(db.path, "r");
  if (!f) {
    err_set(err, db.path, 0, 0, "%s", strerror(errno));
    rc = TL_EIO;
    goto fail;
  }
  fclose(f);
  rc = compdb_check_json(db.path, err);
  if (rc < 0) goto fail;

  CXCompilationDatabase_Error cxerr = CXCompilationDatabase_NoError;
  cxdb = clang_CompilationDatabase_fromDirectory(dir, &cxerr);
  if (!cxdb || cxerr != CXCompilationDatabase_NoError) {
    err_set(err, db.path, 0, 0, "%s", "libclang cannot load this compilation database");
    rc = TL_ECOMPDB;
    goto fail;
  }
  rc = TL_ENOMEM;
  char *build_abs = tl_path_resolve(NULL, dir);
  if (!build_abs) goto fail;
  cmds = clang_CompilationDatabase_getAllCompileCommands(cxdb);
  unsigned ncmds = cmds ? clang_CompileCommands_getSize(cmds) : 0;
  for (unsigned i = 0; i < ncmds; i++) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
    struct tl_compdb_entry e = {0};
    char *cdir = cxstring_take(clang_CompileCommand_getDirectory(cmd));
    char *cfile = cxstring_take(clang_CompileCommand_getFilename(cmd));
    if (cdir && cfile) e.dir = tl_path_resolve(build_abs, cdir);
    if (e.dir) e.file = tl_path_resolve(e.dir, cfile);
    free(cdir);
    free(cfile);
    int ok = e.file != NULL;
    unsigned nargs = clang_CompileCommand_getNumArgs(cmd);
    for (unsigned a = 0; ok && a < nargs; a++) {
      char *arg = cxstring_take(clang_CompileCommand_getArg(cmd, a));
      ok = arg && tl_array_push(&e.argv, arg) == 0;
      if (!ok) free(arg);
    }
    if (!ok || tl_array_push(&db, e) < 0) {
      entry_free(&e);
      free(build_abs);
      goto fail;
    }
  }
  free(build_abs);
  if (cmds) clang_CompileCommands_dispose(cmds);
  clang_CompilationDatabase_dispose(cxdb);
  free(dir);
  *self = db;
  return 0;

fail:
  if (rc == TL_ENOMEM) err_set(err, db.path ? db.path : build_dir, 0, 0, "%s", "out of memory");
  if (cmds) clang_CompileCommands_dispose(cmds);
  if (cxdb) clang_CompilationDatabase_dispose(cxdb);
  free(dir);
  tl_compdb_close(&db);
  memset(self, 0, sizeof *self);
  return rc;
}

const struct tl_compdb_entry *tl_compdb_find(const struct tl_compdb *self, const char *file) {
  char cwd[PATH_MAX];
  char *want = tl_path_resolve(getcwd(cwd, sizeof cwd) ? cwd : NULL, file);
  if (!want) return NULL;
  const struct tl_compdb_entry *found = NULL;
  for (uint32_t i = 0; i < self->size && !found; i++)
    if (strcmp(self->data[i].file, want) == 0) found = &self->data[i];
  free(want);
  return found;
}
