/* test_cli.c — ticketlint's command line (cli.h): every option, "--", CMake's clang-tidy
 * invocation, and bad usage. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli.h"
#include "tl_errno.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char err[256];

static struct tl_cli parse_ok(int argc, const char *const *argv) {
  struct tl_cli cli;
  int rc = tl_cli_parse(&cli, argc, argv, err, sizeof err);
  cr_assert_eq(rc, 0, "parse failed: %s", err);
  return cli;
}

static void parse_fails(int argc, const char *const *argv, const char *part) {
  struct tl_cli cli;
  int rc = tl_cli_parse(&cli, argc, argv, err, sizeof err);
  cr_assert_eq(rc, TL_EUSAGE, "expected a usage error for '%s'", argv[argc - 1]);
  cr_assert(strstr(err, part) != NULL, "message '%s' lacks '%s'", err, part);
  cr_assert_eq(cli.files.size, 0);
  cr_assert_null(cli.files.data);
}

/* The flags of `file` as one space-separated string, for comparisons. */
static void flags_of(const struct tl_cli *cli, const char *file, char *buf, size_t len,
                     enum tl_flags_origin *origin) {
  tl_args args = {0};
  cr_assert_eq(tl_cli_file_flags(cli, NULL, file, &args, origin, NULL), 0);
  buf[0] = '\0';
  for (uint32_t i = 0; i < args.size; i++) {
    if (i) strncat(buf, " ", len - strlen(buf) - 1);
    strncat(buf, args.data[i], len - strlen(buf) - 1);
  }
  tl_args_free(&args);
}

Test(cli, files_in_order_with_lint_defaults) {
  const char *argv[] = {"ticketlint", "a.c", "dir/b.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.action, TL_CLI_LINT);
  cr_assert_eq(cli.format, TL_FORMAT_TEXT);
  cr_assert_eq(cli.color, TL_COLOR_AUTO);
  cr_assert_eq(cli.exit_zero, 0);
  cr_assert_null(cli.build_dir);
  cr_assert_eq(cli.have_dashdash, 0);
  cr_assert_eq(cli.files.size, 2);
  cr_assert_str_eq(cli.files.data[0], "a.c");
  cr_assert_str_eq(cli.files.data[1], "dir/b.c");
  tl_cli_close(&cli);
}

Test(cli, build_dir_separate_and_joined) {
  const char *a1[] = {"ticketlint", "-p", "build", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(a1), a1);
  cr_assert_str_eq(cli.build_dir, "build");
  cr_assert_eq(cli.files.size, 1);
  tl_cli_close(&cli);

  const char *a2[] = {"ticketlint", "-p=out/b"};
  cli = parse_ok(ARGC(a2), a2);
  cr_assert_str_eq(cli.build_dir, "out/b");
  cr_assert_eq(cli.files.size, 0, "-p without files lints the database");
  tl_cli_close(&cli);
}

Test(cli, format_text_and_json) {
  const char *a1[] = {"ticketlint", "--format=json", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(a1), a1);
  cr_assert_eq(cli.format, TL_FORMAT_JSON);
  tl_cli_close(&cli);
  const char *a2[] = {"ticketlint", "--format", "json", "--format", "text", "a.c"};
  cli = parse_ok(ARGC(a2), a2);
  cr_assert_eq(cli.format, TL_FORMAT_TEXT, "the last --format wins");
  cr_assert_eq(cli.files.size, 1);
  tl_cli_close(&cli);
}

Test(cli, color_modes) {
  const char *a1[] = {"ticketlint", "--color=always", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(a1), a1);
  cr_assert_eq(cli.color, TL_COLOR_ALWAYS);
  tl_cli_close(&cli);
  const char *a2[] = {"ticketlint", "--color=never", "a.c"};
  cli = parse_ok(ARGC(a2), a2);
  cr_assert_eq(cli.color, TL_COLOR_NEVER);
  tl_cli_close(&cli);
  const char *a3[] = {"ticketlint", "--color=never", "--color=auto", "a.c"};
  cli = parse_ok(ARGC(a3), a3);
  cr_assert_eq(cli.color, TL_COLOR_AUTO);
  tl_cli_close(&cli);
  const char *a4[] = {"ticketlint", "--color", "a.c"};
  cli = parse_ok(ARGC(a4), a4);
  cr_assert_eq(cli.color, TL_COLOR_ALWAYS, "bare --color means always");
  cr_assert_eq(cli.files.size, 1, "bare --color does not eat the next argument");
  tl_cli_close(&cli);
}

Test(cli, model_is_repeatable) {
  const char *argv[] = {"ticketlint", "--model", "a.model", "--model=b.model", "x.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.models.size, 2);
  cr_assert_str_eq(cli.models.data[0], "a.model");
  cr_assert_str_eq(cli.models.data[1], "b.model");
  tl_cli_close(&cli);
}

Test(cli, extra_args_both_forms) {
  const char *argv[] = {"ticketlint", "--extra-arg=-DA", "--extra-arg", "-DB",
                        "--extra-arg-before=-DC", "--extra-arg-before", "-DD",
                        "-extra-arg=-DE", "x.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.extra_after.size, 3);
  cr_assert_str_eq(cli.extra_after.data[0], "-DA");
  cr_assert_str_eq(cli.extra_after.data[1], "-DB");
  cr_assert_str_eq(cli.extra_after.data[2], "-DE", "single-dash long options, as clang-tidy");
  cr_assert_eq(cli.extra_before.size, 2);
  cr_assert_str_eq(cli.extra_before.data[0], "-DC");
  cr_assert_str_eq(cli.extra_before.data[1], "-DD");
  cr_assert_eq(cli.files.size, 1);
  tl_cli_close(&cli);
}

Test(cli, flag_options) {
  const char *a1[] = {"ticketlint", "--exit-zero", "--dump-ir", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(a1), a1);
  cr_assert_eq(cli.exit_zero, 1);
  cr_assert_eq(cli.action, TL_CLI_DUMP_IR);
  tl_cli_close(&cli);

  const char *a2[] = {"ticketlint", "--list-rules"};
  cli = parse_ok(ARGC(a2), a2);
  cr_assert_eq(cli.action, TL_CLI_LIST_RULES, "no files needed");
  tl_cli_close(&cli);

  const char *a3[] = {"ticketlint", "--version"};
  cli = parse_ok(ARGC(a3), a3);
  cr_assert_eq(cli.action, TL_CLI_VERSION);
  tl_cli_close(&cli);

  const char *a4[] = {"ticketlint", "--help"};
  cli = parse_ok(ARGC(a4), a4);
  cr_assert_eq(cli.action, TL_CLI_HELP);
  tl_cli_close(&cli);

  const char *a5[] = {"ticketlint", "--list-rules", "-h"};
  cli = parse_ok(ARGC(a5), a5);
  cr_assert_eq(cli.action, TL_CLI_HELP, "help wins over the other actions");
  tl_cli_close(&cli);
}

Test(cli, dashdash_takes_everything_after_it) {
  const char *argv[] = {"ticketlint", "a.c", "--", "-DX", "--format=json", "b.c", "--"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.have_dashdash, 1);
  cr_assert_eq(cli.format, TL_FORMAT_TEXT, "options after -- are compiler flags");
  cr_assert_eq(cli.files.size, 1);
  cr_assert_eq(cli.dashdash.size, 4);
  cr_assert_str_eq(cli.dashdash.data[1], "--format=json");
  tl_cli_close(&cli);
}

Test(cli, empty_dashdash_counts) {
  const char *argv[] = {"ticketlint", "a.c", "--"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.have_dashdash, 1);
  cr_assert_eq(cli.dashdash.size, 0);
  char buf[256];
  enum tl_flags_origin origin;
  flags_of(&cli, "a.c", buf, sizeof buf, &origin);
  cr_assert_eq(origin, TL_ORIGIN_DASHDASH, "'--' alone means: these (no) flags");
  cr_assert_str_eq(buf, "");
  tl_cli_close(&cli);
}

Test(cli, default_flags_without_database_or_dashdash) {
  const char *argv[] = {"ticketlint", "--extra-arg-before=-DB", "--extra-arg=-DA", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  char buf[256];
  enum tl_flags_origin origin;
  flags_of(&cli, "a.c", buf, sizeof buf, &origin);
  cr_assert_eq(origin, TL_ORIGIN_DEFAULT);
  cr_assert_str_eq(buf, "-DB -xc -std=gnu11 -DA");
  tl_cli_close(&cli);
}

/* What CMake runs for CMAKE_C_CLANG_TIDY=ticketlint (cmake -E __run_co_compile). */
Test(cli, cmake_clang_tidy_invocation) {
  const char *argv[] = {
    "ticketlint", "--extra-arg-before=--driver-mode=gcc", "/src/app/main.c", "--",
    "/usr/bin/cc", "-DAPP_VERSION=3", "-I/src/app/include", "-isystem", "/opt/inc",
    "-O2", "-g", "-std=gnu11", "-fPIC", "-Wall", "-MD", "-MT",
    "CMakeFiles/app.dir/main.c.o", "-MF", "CMakeFiles/app.dir/main.c.o.d", "-o",
    "CMakeFiles/app.dir/main.c.o", "-c", "/src/app/main.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.files.size, 1);
  cr_assert_str_eq(cli.files.data[0], "/src/app/main.c");
  cr_assert_eq(cli.extra_before.size, 1);
  char buf[512];
  enum tl_flags_origin origin;
  flags_of(&cli, "/src/app/main.c", buf, sizeof buf, &origin);
  cr_assert_eq(origin, TL_ORIGIN_DASHDASH);
  cr_assert_str_eq(buf, "-DAPP_VERSION=3 -I/src/app/include -isystem /opt/inc -O2 "
                        "-std=gnu11 -fPIC -Wall");
  tl_cli_close(&cli);
}

Test(cli, dashdash_flags_without_compiler_keep_first_flag) {
  const char *argv[] = {"ticketlint", "a.c", "--", "-DFIRST", "-Iinc"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  char buf[256];
  enum tl_flags_origin origin;
  flags_of(&cli, "a.c", buf, sizeof buf, &origin);
  cr_assert_str_eq(buf, "-DFIRST -Iinc");
  tl_cli_close(&cli);
}

Test(cli, extra_args_pass_the_allowlist) {
  const char *argv[] = {"ticketlint", "--extra-arg=-Xclang", "--extra-arg=-load",
                        "--extra-arg=-fplugin=/tmp/evil.so", "--extra-arg=-DOK",
                        "--extra-arg-before=-MF/tmp/x.d", "a.c", "--", "cc", "-c", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  char buf[256];
  enum tl_flags_origin origin;
  flags_of(&cli, "a.c", buf, sizeof buf, &origin);
  cr_assert_str_eq(buf, "-DOK");
  tl_cli_close(&cli);
}

Test(cli, unknown_option) {
  const char *argv[] = {"ticketlint", "a.c", "--frobnicate"};
  parse_fails(ARGC(argv), argv, "unknown option '--frobnicate'");
  const char *a2[] = {"ticketlint", "-checks=*", "a.c"};
  parse_fails(ARGC(a2), a2, "unknown option '-checks=*'");
}

Test(cli, option_missing_its_value) {
  const char *a1[] = {"ticketlint", "a.c", "-p"};
  parse_fails(ARGC(a1), a1, "needs a value");
  const char *a2[] = {"ticketlint", "a.c", "--model"};
  parse_fails(ARGC(a2), a2, "needs a value");
  const char *a3[] = {"ticketlint", "a.c", "--extra-arg"};
  parse_fails(ARGC(a3), a3, "needs a value");
  const char *a4[] = {"ticketlint", "-p=", "a.c"};
  parse_fails(ARGC(a4), a4, "build directory");
}

Test(cli, bad_values) {
  const char *a1[] = {"ticketlint", "--format=xml", "a.c"};
  parse_fails(ARGC(a1), a1, "unknown format 'xml'");
  const char *a2[] = {"ticketlint", "--color=sometimes", "a.c"};
  parse_fails(ARGC(a2), a2, "unknown color mode");
  const char *a3[] = {"ticketlint", "--dump-ir=yes", "a.c"};
  parse_fails(ARGC(a3), a3, "takes no value");
}

Test(cli, no_input_files) {
  const char *a1[] = {"ticketlint"};
  parse_fails(ARGC(a1), a1, "no input files");
  const char *a2[] = {"ticketlint", "--", "-DX"};
  parse_fails(ARGC(a2), a2, "no input files");
  const char *a3[] = {"ticketlint", "--dump-ir"};
  parse_fails(ARGC(a3), a3, "no input files");
}

Test(cli, stdin_is_not_supported) {
  const char *argv[] = {"ticketlint", "-"};
  parse_fails(ARGC(argv), argv, "standard input");
}

Test(cli, enable_disable_kept_in_order) {
  const char *argv[] = {"ticketlint", "--disable=all", "--enable", "unawaited-ticket",
                        "-enable=perf", "--disable=serial-await-in-loop", "a.c"};
  struct tl_cli cli = parse_ok(ARGC(argv), argv);
  cr_assert_eq(cli.select.size, 4);
  cr_assert_str_eq(cli.select.data[0].what, "all");
  cr_assert_eq(cli.select.data[0].enable, 0);
  cr_assert_str_eq(cli.select.data[1].what, "unawaited-ticket");
  cr_assert_eq(cli.select.data[1].enable, 1);
  cr_assert_str_eq(cli.select.data[2].what, "perf");
  cr_assert_eq(cli.select.data[2].enable, 1);
  cr_assert_str_eq(cli.select.data[3].what, "serial-await-in-loop");
  cr_assert_eq(cli.select.data[3].enable, 0);
  cr_assert_eq(cli.files.size, 1);
  tl_cli_close(&cli);
}

Test(cli, enable_unknown_rule_suggests_close_ids) {
  const char *a1[] = {"ticketlint", "--enable=unawaited-tickets", "a.c"};
  parse_fails(ARGC(a1), a1, "unknown rule or group 'unawaited-tickets'");
  cr_assert(strstr(err, "did you mean 'unawaited-ticket'") != NULL, "%s", err);
  const char *a2[] = {"ticketlint", "--disable=MPI_Wait", "a.c"};
  parse_fails(ARGC(a2), a2, "unknown rule or group 'MPI_Wait'");
  cr_assert_null(strstr(err, "did you mean"), "nothing is close to MPI_Wait: %s", err);
  const char *a3[] = {"ticketlint", "a.c", "--disable"};
  parse_fails(ARGC(a3), a3, "needs a value");
}

Test(cli, explain_show_suppressed_and_config) {
  const char *a1[] = {"ticketlint", "--explain", "double-await"};
  struct tl_cli cli = parse_ok(ARGC(a1), a1);
  cr_assert_eq(cli.action, TL_CLI_EXPLAIN, "--explain needs no input file");
  cr_assert_str_eq(cli.explain, "double-await");
  tl_cli_close(&cli);

  const char *a2[] = {"ticketlint", "--show-suppressed", "--config=ci/.ticketlint", "a.c"};
  cli = parse_ok(ARGC(a2), a2);
  cr_assert_eq(cli.action, TL_CLI_LINT);
  cr_assert_eq(cli.show_suppressed, 1);
  cr_assert_str_eq(cli.config, "ci/.ticketlint");
  tl_cli_close(&cli);

  const char *a3[] = {"ticketlint", "a.c"};
  cli = parse_ok(ARGC(a3), a3);
  cr_assert_eq(cli.show_suppressed, 0);
  cr_assert_null(cli.config);
  cr_assert_null(cli.explain);
  tl_cli_close(&cli);
}

Test(cli, explain_unknown_rule_and_bad_config_values) {
  const char *a1[] = {"ticketlint", "--explain=double-awiat"};
  parse_fails(ARGC(a1), a1, "unknown rule 'double-awiat'");
  cr_assert(strstr(err, "did you mean 'double-await'") != NULL, "%s", err);
  const char *a2[] = {"ticketlint", "--explain"};
  parse_fails(ARGC(a2), a2, "needs a value");
  const char *a3[] = {"ticketlint", "--config=", "a.c"};
  parse_fails(ARGC(a3), a3, "needs a file");
  const char *a4[] = {"ticketlint", "--show-suppressed=yes", "a.c"};
  parse_fails(ARGC(a4), a4, "takes no value");
}
