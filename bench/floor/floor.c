/* bench_floor — the parse ticketlint cannot avoid, timed alone: the bench's floor.
 *
 * For every translation unit, in one process: parse it with libclang exactly as ticketlint's
 * front-end does (`-xc`, the unit's flags, CXTranslationUnit_KeepGoing), look at its
 * diagnostics, visit every cursor of the main file (recursing only into main-file cursors),
 * dispose the unit. Nothing is lowered and no rule runs, so ticketlint's time over this one
 * is what lowering, the rules and the driver cost. With -j N, N threads take units in turn,
 * each with its own CXIndex (libclang allows one index per thread).
 *
 * Usage:
 *   bench_floor [-j N] -p <build-dir> [file...]   units (or the given files) of
 *                                                 <build-dir>/compile_commands.json
 *   bench_floor [-j N] file... -- <flags>          the files, each with the same flags
 *
 * Prints one line on stdout:
 *   floor: files=N parsed=N cursors=N errors=N ms=N
 * (errors: units with error diagnostics). Exit 0, or 2 on usage errors or when a unit could
 * not be parsed at all. Compile-database flags are taken as they are, less the compiler,
 * `-c`, `-o <file>` and the source itself; `-working-directory=<directory>` is added as
 * ticketlint adds it. The bench writes databases of -I/-D/-std flags only, which ticketlint's
 * allowlist keeps whole, so both parse the same command lines. */
#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct unit {
  char *file;
  char **argv;      /* "-xc", then the flags; owned */
  int argc;
};

struct units {
  struct unit *data;
  size_t size, cap;
};

struct shared {
  const struct units *units;
  atomic_size_t next;
  atomic_ulong cursors;
  atomic_uint parsed;
  atomic_uint with_errors;
  atomic_uint failed;
};

static char *copy_string(CXString s) {
  const char *c = clang_getCString(s);
  char *r = strdup(c ? c : "");
  clang_disposeString(s);
  return r;
}

static void unit_free(struct unit *self) {
  for (int i = 0; i < self->argc; i++) free(self->argv[i]);
  free(self->argv);
  free(self->file);
}

/* Append a unit for file with the first nflags of flags, after `-xc` and `extra` (may be
 * NULL). Takes ownership of nothing. 0, or -1 out of memory. */
static int units_push(struct units *self, const char *file, const char *extra,
                      char *const *flags, int nflags) {
  if (self->size == self->cap) {
    size_t cap = self->cap ? 2 * self->cap : 64;
    struct unit *d = realloc(self->data, cap * sizeof *d);
    if (!d) return -1;
    self->data = d;
    self->cap = cap;
  }
  struct unit u = {0};
  u.argv = calloc((size_t)nflags + 2, sizeof *u.argv);
  u.file = strdup(file);
  if (!u.argv || !u.file) goto fail;
  if (!(u.argv[u.argc++] = strdup("-xc"))) goto fail;
  if (extra && !(u.argv[u.argc++] = strdup(extra))) goto fail;
  for (int i = 0; i < nflags; i++)
    if (!(u.argv[u.argc++] = strdup(flags[i]))) goto fail;
  self->data[self->size++] = u;
  return 0;
fail:
  unit_free(&u);
  return -1;
}

/* The units of the compile commands of one file, or of all when file is NULL. */
static int units_from_db(struct units *self, CXCompilationDatabase db, const char *file) {
  CXCompileCommands cmds = file ? clang_CompilationDatabase_getCompileCommands(db, file)
                                : clang_CompilationDatabase_getAllCompileCommands(db);
  int rc = 0;
  unsigned n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
  if (n == 0) {
    fprintf(stderr, "bench_floor: '%s' is not in the compilation database\n",
            file ? file : "(any file)");
    rc = -2;
  }
  for (unsigned i = 0; i < n && rc == 0; i++) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
    char *dir = copy_string(clang_CompileCommand_getDirectory(cmd));
    char *src = copy_string(clang_CompileCommand_getFilename(cmd));
    unsigned nargs = clang_CompileCommand_getNumArgs(cmd);
    char **args = calloc(nargs + 1, sizeof *args);
    char *wd = dir ? malloc(strlen(dir) + sizeof "-working-directory=") : NULL;
    int kept = 0;
    if (!dir || !src || !args || !wd) {
      rc = -1;
    } else {
      sprintf(wd, "-working-directory=%s", dir);
      for (unsigned a = 1; a < nargs; a++) {          /* argument 0 is the compiler */
        char *arg = copy_string(clang_CompileCommand_getArg(cmd, a));
        if (!arg) { rc = -1; break; }
        if (strcmp(arg, "-c") == 0 || strcmp(arg, src) == 0) {
          free(arg);
        } else if (strcmp(arg, "-o") == 0) {
          free(arg);
          a++;
        } else {
          args[kept++] = arg;
        }
      }
      if (rc == 0 && units_push(self, src, wd, args, kept) < 0) rc = -1;
    }
    for (int a = 0; a < kept; a++) free(args[a]);
    free(args);
    free(wd);
    free(src);
    free(dir);
  }
  if (cmds) clang_CompileCommands_dispose(cmds);
  return rc;
}

static enum CXChildVisitResult count_main_file_cursors(CXCursor c, CXCursor parent,
                                                       CXClientData data) {
  (void)parent;
  if (!clang_Location_isFromMainFile(clang_getCursorLocation(c)))
    return CXChildVisit_Continue;
  (*(unsigned long *)data)++;
  return CXChildVisit_Recurse;
}

static void *worker_run(void *arg) {
  struct shared *sh = arg;
  CXIndex index = clang_createIndex(0, 0);
  if (!index) {
    atomic_fetch_add(&sh->failed, 1);
    return NULL;
  }
  for (;;) {
    size_t i = atomic_fetch_add(&sh->next, 1);
    if (i >= sh->units->size) break;
    const struct unit *u = &sh->units->data[i];
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = clang_parseTranslationUnit2(
      index, u->file, (const char *const *)u->argv, u->argc, NULL, 0,
      CXTranslationUnit_KeepGoing, &tu);
    if (ec != CXError_Success || !tu) {
      fprintf(stderr, "bench_floor: cannot parse '%s'\n", u->file);
      atomic_fetch_add(&sh->failed, 1);
      continue;
    }
    unsigned ndiags = clang_getNumDiagnostics(tu), errors = 0;
    for (unsigned d = 0; d < ndiags; d++) {
      CXDiagnostic diag = clang_getDiagnostic(tu, d);
      if (clang_getDiagnosticSeverity(diag) >= CXDiagnostic_Error) errors++;
      clang_disposeDiagnostic(diag);
    }
    unsigned long cursors = 0;
    clang_visitChildren(clang_getTranslationUnitCursor(tu), count_main_file_cursors,
                        &cursors);
    clang_disposeTranslationUnit(tu);
    atomic_fetch_add(&sh->cursors, cursors);
    atomic_fetch_add(&sh->parsed, 1);
    if (errors) atomic_fetch_add(&sh->with_errors, 1);
  }
  clang_disposeIndex(index);
  return NULL;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int usage(void) {
  fputs("usage: bench_floor [-j N] -p <build-dir> [file...]\n"
        "       bench_floor [-j N] file... -- <flags>\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  struct units units = {0};
  struct shared sh = {.units = &units};
  const char *build_dir = NULL;
  CXCompilationDatabase db = NULL;
  pthread_t *threads = NULL;
  int jobs = 1, nfiles = 0, dashdash = argc, status = 2;
  char **files = calloc((size_t)argc + 1, sizeof *files);
  if (!files) goto oom;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      dashdash = i;
      break;
    } else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
      jobs = atoi(argv[++i]);
    } else if (strncmp(argv[i], "-j", 2) == 0 && argv[i][2]) {
      jobs = atoi(argv[i] + 2);
    } else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
      build_dir = argv[++i];
    } else if (argv[i][0] == '-') {
      status = usage();
      goto done;
    } else {
      files[nfiles++] = argv[i];
    }
  }
  if (jobs < 1 || (!build_dir && dashdash == argc) || (build_dir && dashdash < argc) ||
      (!build_dir && nfiles == 0)) {
    status = usage();
    goto done;
  }

  if (build_dir) {
    CXCompilationDatabase_Error err;
    db = clang_CompilationDatabase_fromDirectory(build_dir, &err);
    if (err != CXCompilationDatabase_NoError || !db) {
      fprintf(stderr, "bench_floor: cannot read %s/compile_commands.json\n", build_dir);
      goto done;
    }
    int rc = 0;
    if (nfiles == 0) rc = units_from_db(&units, db, NULL);
    for (int i = 0; i < nfiles && rc == 0; i++) rc = units_from_db(&units, db, files[i]);
    if (rc == -1) goto oom;
    if (rc < 0) goto done;
  } else {
    for (int i = 0; i < nfiles; i++)
      if (units_push(&units, files[i], NULL, argv + dashdash + 1, argc - dashdash - 1) < 0)
        goto oom;
  }

  if ((size_t)jobs > units.size) jobs = units.size ? (int)units.size : 1;
  threads = calloc((size_t)jobs, sizeof *threads);
  if (!threads) goto oom;
  double t0 = now_ms();
  int started = 0;
  for (; started < jobs; started++)
    if (pthread_create(&threads[started], NULL, worker_run, &sh) != 0) break;
  if (started == 0) worker_run(&sh);
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
  double ms = now_ms() - t0;

  printf("floor: files=%zu parsed=%u cursors=%lu errors=%u ms=%.0f\n", units.size,
         atomic_load(&sh.parsed), atomic_load(&sh.cursors), atomic_load(&sh.with_errors), ms);
  status = atomic_load(&sh.failed) ? 2 : 0;
  goto done;

oom:
  fputs("bench_floor: out of memory\n", stderr);
  status = 2;
done:
  free(threads);
  for (size_t i = 0; i < units.size; i++) unit_free(&units.data[i]);
  free(units.data);
  if (db) clang_CompilationDatabase_dispose(db);
  free(files);
  return status;
}
