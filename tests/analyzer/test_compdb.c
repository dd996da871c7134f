/* test_compdb.c — the flag allowlist (every kept and dropped flag, joined and separate forms)
 * and compile_commands.json read through libclang. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "compdb.h"
#include "tl_errno.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* Join a list with spaces into a static buffer. */
static const char *joined(const tl_args *a) {
  static char buf[2048];
  buf[0] = '\0';
  for (uint32_t i = 0; i < a->size; i++) {
    if (i) strcat(buf, " ");
    strcat(buf, a->data[i]);
  }
  return buf;
}

/* Filter a NULL-terminated list; return the kept flags joined, and the dropped ones in
 * *dropped_out (static buffer too: copy before the next call). */
static char dropped_buf[2048];
static const char *filter_opts(unsigned opts, const char *first, ...) {
  const char *argv[64];
  size_t argc = 0;
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a; a = va_arg(ap, const char *)) argv[argc++] = a;
  va_end(ap);
  tl_args kept = {0}, dropped = {0};
  cr_assert_eq(tl_flags_filter(argv, argc, opts, &kept, &dropped), 0);
  cr_assert_eq(kept.size + dropped.size >= argc, 1, "every argument ends up somewhere");
  strcpy(dropped_buf, joined(&dropped));
  static char kept_buf[2048];
  strcpy(kept_buf, joined(&kept));
  tl_args_free(&kept);
  tl_args_free(&dropped);
  return kept_buf;
}
#define FILTER(...) filter_opts(0, __VA_ARGS__, (const char *)NULL)
#define FILTER_CMD(...) filter_opts(TL_FLAGS_COMMAND, __VA_ARGS__, (const char *)NULL)

#define KEPT(expect, ...)                                                            \
  cr_assert_str_eq(FILTER(__VA_ARGS__), expect, "kept of: %s", #__VA_ARGS__)
/* Everything dropped: nothing kept, and the dropped list is the input. */
#define DROPPED(...)                                                                 \
  do {                                                                               \
    cr_assert_str_eq(FILTER(__VA_ARGS__), "", "should drop: %s", #__VA_ARGS__);      \
  } while (0)

/* ---- the allowlist: kept ------------------------------------------------------------ */

Test(allowlist, include_dirs_joined_and_separate) {
  KEPT("-Iinc", "-Iinc");
  KEPT("-I inc", "-I", "inc");
  KEPT("-isystem /opt/inc", "-isystem", "/opt/inc");
  KEPT("-isystem/opt/inc", "-isystem/opt/inc");
  KEPT("-iquote q", "-iquote", "q");
  KEPT("-iquoteq", "-iquoteq");
  KEPT("-idirafter late", "-idirafter", "late");
  KEPT("-idirafterlate", "-idirafterlate");
  KEPT("-isystem-after x", "-isystem-after", "x");
  KEPT("-isysroot /sdk", "-isysroot", "/sdk");
  KEPT("--sysroot=/sdk", "--sysroot=/sdk");
  KEPT("--sysroot /sdk", "--sysroot", "/sdk");
  KEPT("-nostdinc", "-nostdinc");
  KEPT("-nostdlibinc -nobuiltininc", "-nostdlibinc", "-nobuiltininc");
}

Test(allowlist, macros_joined_and_separate) {
  KEPT("-DFOO", "-DFOO");
  KEPT("-DFOO=1", "-DFOO=1");
  KEPT("-D FOO=1", "-D", "FOO=1");
  KEPT("-UBAR", "-UBAR");
  KEPT("-U BAR", "-U", "BAR");
  KEPT("-include pre.h", "-include", "pre.h");
  KEPT("-includepre.h", "-includepre.h");
  KEPT("-imacros m.h", "-imacros", "m.h");
  KEPT("-undef", "-undef");
}

Test(allowlist, language_and_target) {
  KEPT("-std=c11", "-std=c11");
  KEPT("-std=gnu99", "-std=gnu99");
  KEPT("-x c", "-x", "c");
  KEPT("-xc", "-xc");
  KEPT("--target=aarch64-linux-gnu", "--target=aarch64-linux-gnu");
  KEPT("-target x86_64-pc-linux-gnu", "-target", "x86_64-pc-linux-gnu");
  KEPT("-ansi", "-ansi");
  KEPT("-pthread", "-pthread");
  KEPT("-O2 -Os -O", "-O2", "-Os", "-O");
}

Test(allowlist, machine_flags_kept) {
  KEPT("-m32", "-m32");
  KEPT("-march=native -mavx2 -mno-red-zone", "-march=native", "-mavx2", "-mno-red-zone");
  KEPT("-mthread-model posix", "-mthread-model", "posix");
}

Test(allowlist, f_flags_that_affect_parsing_kept) {
  KEPT("-fPIC", "-fPIC");
  KEPT("-fno-common -fwrapv", "-fno-common", "-fwrapv");
  KEPT("-fms-extensions -fblocks", "-fms-extensions", "-fblocks");
  KEPT("-fopenmp", "-fopenmp");
  KEPT("-fsigned-char", "-fsigned-char");
  KEPT("-fvisibility=hidden", "-fvisibility=hidden");
  KEPT("-fsanitize=address", "-fsanitize=address");
  KEPT("-fno-profile-arcs", "-fno-profile-arcs");
}

Test(allowlist, warnings_kept) {
  KEPT("-Wall -Wextra", "-Wall", "-Wextra");
  KEPT("-Wno-unused-parameter", "-Wno-unused-parameter");
  KEPT("-W", "-W");
  KEPT("-Wlarger-than=100", "-Wlarger-than=100");
  KEPT("-w", "-w");
}

/* ---- the allowlist: dropped --------------------------------------------------------- */

Test(allowlist, dependency_files_dropped) {
  DROPPED("-MD");
  DROPPED("-MMD");
  DROPPED("-M");
  DROPPED("-MP");
  DROPPED("-MF", "evil.d");
  DROPPED("-MFevil.d");
  DROPPED("-MT", "target");
  DROPPED("-MTtarget");
  DROPPED("-MQ", "target");
  DROPPED("-MJ", "j.json");
  DROPPED("-MJj.json");
  cr_assert_str_eq(dropped_buf, "-MJj.json");
}

Test(allowlist, outputs_dropped) {
  DROPPED("-o", "evil.o");
  DROPPED("-oevil.o");
  DROPPED("-c");
  DROPPED("-S");
  DROPPED("-E");
  DROPPED("-save-temps");
  DROPPED("-save-temps=obj");
  DROPPED("--serialize-diagnostics", "d.dia");
  DROPPED("-serialize-diagnostic-file", "d.dia");
  DROPPED("-dependency-file", "x.d");
  DROPPED("-index-store-path", "/tmp/idx");
  DROPPED("--output", "x.o");
  DROPPED("-emit-ast");
  DROPPED("-save-stats");
}

Test(allowlist, code_loading_dropped) {
  DROPPED("-Xclang", "-load", "-Xclang", "evil.so");
  cr_assert_str_eq(dropped_buf, "-Xclang -load -Xclang evil.so");
  DROPPED("-Xclang", "-plugin", "-Xclang", "evil");
  DROPPED("-load", "evil.so");
  DROPPED("-plugin", "evil");
  DROPPED("-add-plugin", "evil");
  DROPPED("-plugin-arg-evil", "x");
  DROPPED("-fplugin=evil.so");
  DROPPED("-fplugin-arg-evil-x=1");
  DROPPED("-fpass-plugin=evil.so");
  DROPPED("-mllvm", "-some-llvm-option");
  DROPPED("-mllvm=-x");
}

Test(allowlist, options_for_other_tools_dropped) {
  DROPPED("-Wl,-rpath,/x");
  DROPPED("-Wa,--noexecstack");
  DROPPED("-Wp,-MD,evil.d");
  DROPPED("-Xpreprocessor", "-MD");
  DROPPED("-Xassembler", "x");
  DROPPED("-Xlinker", "x");
  DROPPED("-Xarch_x86_64", "-DX");
  DROPPED("-Xopenmp-target", "-march=x");
  DROPPED("-L", "/lib");
  DROPPED("-L/lib");
  DROPPED("-lm");
  DROPPED("-l", "m");
  DROPPED("-B", "/evil/bin");
  DROPPED("-B/evil/bin");
  DROPPED("-fuse-ld=/evil/ld");
  DROPPED("--config", "evil.cfg");
  DROPPED("-specs=evil.specs");
  DROPPED("-specs", "evil.specs");
  DROPPED("--gcc-toolchain", "/evil");
  DROPPED("-working-directory", "/elsewhere");
  DROPPED("-working-directory=/elsewhere");
  DROPPED("-ivfsoverlay", "overlay.yaml");
  DROPPED("-include-pch", "x.pch");
}

Test(allowlist, f_flags_that_write_or_load_dropped) {
  DROPPED("-ftime-trace");
  DROPPED("-ftime-trace=/tmp/t.json");
  DROPPED("-ftime-trace-granularity=1");
  DROPPED("-ftime-report");
  DROPPED("-fprofile-generate");
  DROPPED("-fprofile-instr-generate=/tmp/p.profraw");
  DROPPED("-fprofile-arcs");
  DROPPED("-fprofile-use=x.profdata");
  DROPPED("-fcoverage-mapping");
  DROPPED("-fcs-profile-generate");
  DROPPED("-fmodules");
  DROPPED("-fmodules-cache-path=/tmp/mc");
  DROPPED("-fmodule-map-file=m.modulemap");
  DROPPED("-fimplicit-modules");
  DROPPED("-fcrash-diagnostics-dir=/tmp/crash");
  DROPPED("-fsave-optimization-record");
  DROPPED("-foptimization-record-file=x.yaml");
  DROPPED("-fdump-tree-all");
  DROPPED("-fopt-info-all=x.txt");
  DROPPED("-fstack-usage");
  DROPPED("-fcallgraph-info");
  DROPPED("-fproc-stat-report=x.csv");
  DROPPED("-fsanitize-ignorelist=x.txt");
  DROPPED("-fxray-instrument");
  DROPPED("-fembed-bitcode");
  DROPPED("-flto=thin");
  DROPPED("-fdebug-prefix-map=a=b");
  DROPPED("-fdiagnostics-format=sarif");
}

Test(allowlist, m_flags_that_load_dropped) {
  DROPPED("-mlink-builtin-bitcode", "x.bc");  /* the value is then a positional */
}

Test(allowlist, werror_dropped) {
  DROPPED("-Werror");
  DROPPED("-Werror=format");
}

Test(allowlist, response_files_and_positionals_dropped) {
  DROPPED("@/tmp/rsp");
  DROPPED("main.c");
  DROPPED("-");
  DROPPED("obj.o");
  DROPPED("-v");
  DROPPED("-###");
  DROPPED("-g");
  DROPPED("-pg");
  DROPPED("--driver-mode=gcc");
  DROPPED("-std");
  DROPPED("-nostdinc++");
  DROPPED("-ObjC");
}

Test(allowlist, dropped_flag_consumes_its_value) {
  /* The value of a dropped flag is never read as a flag of its own. */
  KEPT("-DOK", "-MF", "-include", "/etc/passwd", "-DOK");
  KEPT("-DOK", "-o", "-fplugin=x.so", "-DOK");
  KEPT("", "-Xclang", "-I/evil");
  KEPT("", "-Xpreprocessor", "-include");
  KEPT("-DOK", "-mllvm", "-DX", "-DOK");
}

Test(allowlist, kept_flag_missing_its_value_dropped) {
  KEPT("", "-I");
  KEPT("-DA", "-DA", "-include");
  KEPT("", "-isystem");
}

Test(allowlist, command_drops_compiler_and_source) {
  cr_assert_str_eq(FILTER_CMD("/usr/bin/gcc", "-DA", "-c", "main.c", "-o", "main.o"), "-DA");
  cr_assert_str_eq(dropped_buf, "/usr/bin/gcc -c main.c -o main.o");
  /* The first argument of a command is the compiler only when it is not a flag. */
  cr_assert_str_eq(FILTER_CMD("-DA", "-Iinc"), "-DA -Iinc");
  /* A wrapper and its compiler are both positionals. */
  cr_assert_str_eq(FILTER_CMD("ccache", "cc", "-DA", "x.c"), "-DA");
}

Test(allowlist, order_preserved) {
  KEPT("-Ia -DX -Ib -UX -std=c99", "-Ia", "-g", "-DX", "-Ib", "-MD", "-UX", "-std=c99");
}

Test(allowlist, empty_input) {
  tl_args kept = {0};
  cr_assert_eq(tl_flags_filter(NULL, 0, TL_FLAGS_COMMAND, &kept, NULL), 0);
  cr_assert_eq(kept.size, 0);
}

Test(allowlist, appends_to_existing_lists) {
  tl_args kept = {0};
  tl_args_push(&kept, "-DFIRST");
  const char *argv[] = {"-DSECOND", "-MD"};
  cr_assert_eq(tl_flags_filter(argv, 2, 0, &kept, NULL), 0);
  cr_assert_str_eq(joined(&kept), "-DFIRST -DSECOND");
  tl_args_free(&kept);
}

/* ---- paths -------------------------------------------------------------------------- */

Test(compdb, path_resolve_lexical_when_missing) {
  char *p = tl_path_resolve("/nonexistent-tl/a/b", "../c/./d.c");
  cr_assert_str_eq(p, "/nonexistent-tl/a/c/d.c");
  free(p);
  p = tl_path_resolve("/nonexistent-tl", "/abs//x/../y.c");
  cr_assert_str_eq(p, "/abs/y.c");
  free(p);
  p = tl_path_resolve(NULL, "/..");
  cr_assert_str_eq(p, "/");
  free(p);
}

/* ---- compile_commands.json ---------------------------------------------------------- */

static char tmp[512];

static void make_tmp(void) {
  snprintf(tmp, sizeof tmp, "%s/test_compdb.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  cr_assert_not_null(mkdtemp(tmp));
}

static void write_file(const char *rel, const char *text) {
  char path[PATH_MAX * 2];
  snprintf(path, sizeof path, "%s/%s", tmp, rel);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static void rm_tmp(void) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  cr_assert_eq(system(cmd), 0);
}

static char *in_tmp(const char *rel) {
  static char path[PATH_MAX * 2];
  snprintf(path, sizeof path, "%s/%s", tmp, rel);
  return path;
}

Test(compdb, command_and_arguments_forms, .init = make_tmp, .fini = rm_tmp) {
  mkdir(in_tmp("src"), 0777);
  mkdir(in_tmp("build"), 0777);
  write_file("src/a.c", "int a;\n");
  write_file("src/b.c", "int b;\n");
  char json[8192];
  snprintf(json, sizeof json,
           "[\n"
           " {\"directory\": \"%s/build\", \"command\": \"/usr/bin/cc -DA='1 2' -I../inc "
           "-MD -MF a.d -o a.o -c ../src/a.c\", \"file\": \"../src/a.c\"},\n"
           " {\"directory\": \"%s/build\", \"arguments\": [\"gcc\", \"-DB\", \"-isystem\", "
           "\"sys\", \"-c\", \"%s/src/b.c\"], \"file\": \"%s/src/b.c\", \"output\": \"b.o\"}\n"
           "]\n",
           tmp, tmp, tmp, tmp);
  write_file("build/compile_commands.json", json);

  struct tl_compdb db;
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_compdb_load(&db, in_tmp("build"), &err), 0, "%s", err.msg);
  cr_assert_eq(db.size, 2);

  char want[PATH_MAX * 2];
  char *real = realpath(tmp, NULL);
  snprintf(want, sizeof want, "%s/src/a.c", real);
  cr_assert_str_eq(db.data[0].file, want, "relative file resolved against directory");
  snprintf(want, sizeof want, "%s/build", real);
  cr_assert_str_eq(db.data[0].dir, want);
  cr_assert_str_eq(db.data[0].argv.data[0], "/usr/bin/cc");
  cr_assert_str_eq(db.data[0].argv.data[1], "-DA=1 2", "the command is shell-split");
  snprintf(want, sizeof want, "%s/src/b.c", real);
  cr_assert_str_eq(db.data[1].file, want);
  cr_assert_str_eq(db.data[1].argv.data[0], "gcc");

  /* Lookups by relative and absolute names. */
  char cwd[PATH_MAX];
  cr_assert_not_null(getcwd(cwd, sizeof cwd));
  cr_assert_eq(chdir(in_tmp("src")), 0);
  cr_assert_eq(tl_compdb_find(&db, "a.c"), &db.data[0]);
  cr_assert_eq(tl_compdb_find(&db, "./../src/b.c"), &db.data[1]);
  cr_assert_eq(chdir(cwd), 0);
  cr_assert_eq(tl_compdb_find(&db, in_tmp("src/b.c")), &db.data[1]);
  cr_assert_null(tl_compdb_find(&db, in_tmp("src/other.c")),
                 "no guessed command for a file the database does not list");

  /* The flags a file is parsed with. */
  const char *argv[] = {"ticketlint", "-p", "x", "--extra-arg=-DEXTRA"};
  struct tl_cli cli;
  char msg[128];
  cr_assert_eq(tl_cli_parse(&cli, 4, argv, msg, sizeof msg), 0, "%s", msg);
  tl_args flags = {0};
  enum tl_flags_origin origin;
  cr_assert_eq(tl_cli_file_flags(&cli, &db, in_tmp("src/a.c"), &flags, &origin, NULL), 0);
  cr_assert_eq(origin, TL_ORIGIN_COMPDB);
  snprintf(want, sizeof want, "-working-directory=%s/build -DA=1 2 -I../inc -DEXTRA", real);
  cr_assert_str_eq(joined(&flags), want);
  tl_args_free(&flags);

  const char *parse_as = NULL;
  cr_assert_eq(chdir(in_tmp("src")), 0);
  cr_assert_eq(tl_cli_file_flags(&cli, &db, "b.c", &flags, &origin, &parse_as), 0);
  cr_assert_eq(chdir(cwd), 0);
  cr_assert_eq(parse_as, db.data[1].file, "a database file is parsed by its absolute path");
  snprintf(want, sizeof want, "-working-directory=%s/build -DB -isystem sys -DEXTRA", real);
  cr_assert_str_eq(joined(&flags), want);
  tl_args_free(&flags);

  cr_assert_eq(tl_cli_file_flags(&cli, &db, "other.c", &flags, &origin, &parse_as), 0);
  cr_assert_eq(origin, TL_ORIGIN_DEFAULT, "not in the database: defaults");
  cr_assert_str_eq(parse_as, "other.c", "other files are parsed by the name given");
  cr_assert_str_eq(joined(&flags), "-xc -std=gnu11 -DEXTRA");
  tl_args_free(&flags);
  tl_cli_close(&cli);

  free(real);
  tl_compdb_close(&db);
}

Test(compdb, dashdash_wins_over_database, .init = make_tmp, .fini = rm_tmp) {
  write_file("a.c", "int a;\n");
  char json[4096];
  snprintf(json, sizeof json,
           "[{\"directory\": \"%s\", \"command\": \"cc -DFROM_DB -c a.c\", \"file\": \"a.c\"}]",
           tmp);
  write_file("compile_commands.json", json);
  struct tl_compdb db;
  cr_assert_eq(tl_compdb_load(&db, tmp, NULL), 0);
  const char *argv[] = {"ticketlint", "-p", tmp, "a.c", "--", "-DFROM_DASHDASH"};
  struct tl_cli cli;
  char msg[128];
  cr_assert_eq(tl_cli_parse(&cli, 6, argv, msg, sizeof msg), 0, "%s", msg);
  tl_args flags = {0};
  enum tl_flags_origin origin;
  cr_assert_eq(tl_cli_file_flags(&cli, &db, in_tmp("a.c"), &flags, &origin, NULL), 0);
  cr_assert_eq(origin, TL_ORIGIN_DASHDASH);
  cr_assert_str_eq(joined(&flags), "-DFROM_DASHDASH");
  tl_args_free(&flags);
  tl_cli_close(&cli);
  tl_compdb_close(&db);
}

Test(compdb, relative_directory_is_relative_to_build_dir, .init = make_tmp, .fini = rm_tmp) {
  mkdir(in_tmp("sub"), 0777);
  write_file("sub/x.c", "int x;\n");
  write_file("compile_commands.json",
             "[{\"directory\": \"sub\", \"arguments\": [\"cc\", \"-c\", \"x.c\"], "
             "\"file\": \"x.c\"}]");
  struct tl_compdb db;
  cr_assert_eq(tl_compdb_load(&db, tmp, NULL), 0);
  cr_assert_eq(db.size, 1);
  cr_assert_not_null(tl_compdb_find(&db, in_tmp("sub/x.c")), "file: %s", db.data[0].file);
  tl_compdb_close(&db);
}

Test(compdb, accepts_the_file_itself, .init = make_tmp, .fini = rm_tmp) {
  write_file("compile_commands.json", "[]");
  struct tl_compdb db;
  cr_assert_eq(tl_compdb_load(&db, in_tmp("compile_commands.json"), NULL), 0);
  cr_assert_eq(db.size, 0);
  tl_compdb_close(&db);
}

Test(compdb, response_file_contents_are_filtered, .init = make_tmp, .fini = rm_tmp) {
  write_file("a.c", "int a;\n");
  write_file("flags.rsp", "-DFROM_RSP -MD -MF evil.d -Xclang -load -Xclang evil.so\n");
  char json[4096];
  snprintf(json, sizeof json,
           "[{\"directory\": \"%s\", \"arguments\": [\"cc\", \"@flags.rsp\", \"-c\", "
           "\"a.c\"], \"file\": \"a.c\"}]",
           tmp);
  write_file("compile_commands.json", json);
  struct tl_compdb db;
  cr_assert_eq(tl_compdb_load(&db, tmp, NULL), 0);
  const char *argv[] = {"ticketlint", "-p", tmp};
  struct tl_cli cli;
  char msg[128];
  cr_assert_eq(tl_cli_parse(&cli, 3, argv, msg, sizeof msg), 0, "%s", msg);
  tl_args flags = {0};
  enum tl_flags_origin origin;
  cr_assert_eq(tl_cli_file_flags(&cli, &db, in_tmp("a.c"), &flags, &origin, NULL), 0);
  cr_assert_eq(origin, TL_ORIGIN_COMPDB);
  /* libclang expands @file when it loads a database (LLVM 14..19); either way nothing but
   * -DFROM_RSP may survive. */
  const char *s = joined(&flags);
  cr_assert(strstr(s, "-MF") == NULL && strstr(s, "load") == NULL && strstr(s, "@") == NULL,
            "flags: %s", s);
  tl_args_free(&flags);
  tl_cli_close(&cli);
  tl_compdb_close(&db);
}

Test(compdb, missing_database_is_eio, .init = make_tmp, .fini = rm_tmp) {
  struct tl_compdb db;
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_compdb_load(&db, tmp, &err), TL_EIO);
  cr_assert(strstr(err.file, "compile_commands.json") != NULL);
  cr_assert(strstr(err.msg, "No such file") != NULL, "%s", err.msg);
  cr_assert_eq(db.size, 0);
  cr_assert_null(db.path);
}

Test(compdb, malformed_json_has_line_and_column, .init = make_tmp, .fini = rm_tmp) {
  write_file("compile_commands.json", "[\n  {\"directory\": \"/x\",\n   \"file\" \"a.c\"}\n]\n");
  struct tl_compdb db;
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_compdb_load(&db, tmp, &err), TL_ECOMPDB);
  cr_assert_eq(err.line, 3);
  cr_assert_gt(err.col, 0);
  cr_assert(strstr(err.msg, "invalid JSON") != NULL, "%s", err.msg);
}

Test(compdb, wrong_shape_is_ecompdb, .init = make_tmp, .fini = rm_tmp) {
  struct tl_compdb db;
  struct tl_srcerr err = {0};
  write_file("compile_commands.json", "{\"directory\": \"/x\"}");
  cr_assert_eq(tl_compdb_load(&db, tmp, &err), TL_ECOMPDB);
  cr_assert(strstr(err.msg, "array") != NULL, "%s", err.msg);
  write_file("compile_commands.json", "[{\"directory\": \"/x\", \"file\": \"a.c\"}]");
  cr_assert_eq(tl_compdb_load(&db, tmp, &err), TL_ECOMPDB);
  cr_assert(strstr(err.msg, "entry 1") != NULL, "%s", err.msg);
}
