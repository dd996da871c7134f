/* test_baseline.c — baselines (analyzer/baseline.h): fingerprints that ignore line numbers,
 * occurrences, matching, stale entries, writing and reading back, relative paths, and
 * malformed files with their position. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "tl_errno.h"

static char dir[256];

static void make_dir(void) {
  snprintf(dir, sizeof dir, "%s/test_baseline.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  cr_assert_not_null(mkdtemp(dir));
  char git[300];
  snprintf(git, sizeof git, "%s/.git", dir);   /* the repository root */
  cr_assert_eq(mkdir(git, 0777), 0);
  snprintf(git, sizeof git, "%s/src", dir);
  cr_assert_eq(mkdir(git, 0777), 0);
  snprintf(git, sizeof git, "%s/ci", dir);
  cr_assert_eq(mkdir(git, 0777), 0);
}

static void remove_dir(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(baseline, .init = make_dir, .fini = remove_dir);

static const char *in_dir(const char *name) {
  static char buf[4][512];
  static int k;
  char *p = buf[k++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  return p;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static const char src[] =
  "void shop(tk_loop *loop) {\n"
  "  tk_async(loop, brew, 0);\n"        /* line 2 */
  "}\n"
  "void two(tk_loop *loop) {\n"
  "  tk_async(loop, brew, 0);\n"        /* line 5 */
  "}\n";

/* The same code with three lines inserted above and the indentation changed. */
static const char src_moved[] =
  "#include \"ticket.h\"\n"
  "\n"
  "/* a comment */\n"
  "void shop(tk_loop *loop) {\n"
  "    tk_async(loop,  brew, 0);\n"     /* line 5 */
  "}\n"
  "void two(tk_loop *loop) {\n"
  "\ttk_async(loop, brew, 0);\n"        /* line 8 */
  "}\n";

Test(baseline, fingerprint_ignores_line_numbers_and_blanks) {
  char a[TL_BASELINE_FP_HEX], b[TL_BASELINE_FP_HEX], c[TL_BASELINE_FP_HEX];
  tl_baseline_fingerprint(src, strlen(src), 2, a);
  tl_baseline_fingerprint(src_moved, strlen(src_moved), 5, b);
  cr_assert_str_eq(a, b);
  tl_baseline_fingerprint(src, strlen(src), 5, c);
  cr_assert_str_neq(a, c, "a different neighbour (the function's name) tells them apart");
  static const char edited[] =
    "void shop(tk_loop *loop) {\n"
    "  tk_async(loop, grind, 0);\n"
    "}\n";
  tl_baseline_fingerprint(edited, strlen(edited), 2, c);
  cr_assert_str_neq(a, c, "editing the line itself changes it");
}

static struct tl_diag diag(const char *file, uint32_t line, const char *rule) {
  struct tl_diag d = {0};
  d.file = (char *)file;
  d.loc.line = line;
  d.loc.col = 3;
  d.rule = rule;
  d.severity = TL_SEV_WARNING;
  d.message = "ticket is never awaited";
  return d;
}

Test(baseline, occurrences_count_identical_lines) {
  static const char same[] = "f();\nx();\nf();\nx();\nf();\nx();\n";
  struct tl_diag ds[3] = {diag("a.c", 2, "r"), diag("a.c", 4, "r"), diag("a.c", 6, "other")};
  struct tl_baseline_key keys[3];
  tl_baseline_keys(ds, 3, NULL, "a.c", same, strlen(same), keys);
  cr_assert_str_eq(keys[0].fingerprint, keys[1].fingerprint);
  cr_assert_eq(keys[0].occurrence, 1);
  cr_assert_eq(keys[1].occurrence, 2);
  cr_assert_eq(keys[2].occurrence, 1, "another rule counts on its own");
  cr_assert_str_eq(keys[2].file, "a.c");
}

Test(baseline, match_survives_inserted_lines_once_per_entry) {
  struct tl_baseline b;
  cr_assert_eq(tl_baseline_init(&b, in_dir("ci/baseline.txt")), 0);
  struct tl_diag before[2] = {diag("x", 2, "unawaited-ticket"), diag("x", 5, "unawaited-ticket")};
  struct tl_baseline_key keys[2];
  tl_baseline_keys(before, 2, NULL, "src/shop.c", src, strlen(src), keys);
  cr_assert_eq(tl_baseline_add(&b, &keys[0], 2, "m"), 0);
  cr_assert_eq(tl_baseline_add(&b, &keys[1], 5, "m"), 0);

  struct tl_diag after[2] = {diag("x", 5, "unawaited-ticket"), diag("x", 8, "unawaited-ticket")};
  tl_baseline_keys(after, 2, NULL, "src/shop.c", src_moved, strlen(src_moved), keys);
  cr_assert_eq(tl_baseline_match(&b, &keys[0]), 1);
  cr_assert_eq(tl_baseline_match(&b, &keys[1]), 1);
  cr_assert_eq(tl_baseline_match(&b, &keys[1]), 0, "an entry matches one finding");
  struct tl_baseline_key other = keys[0];
  other.rule = "double-await";
  cr_assert_eq(tl_baseline_match(&b, &other), 0, "the rule is part of the key");
  tl_baseline_close(&b);
}

Test(baseline, stale_entries_only_of_linted_files) {
  struct tl_baseline b;
  cr_assert_eq(tl_baseline_init(&b, in_dir("ci/baseline.txt")), 0);
  struct tl_baseline_key k = {.rule = "r", .file = "src/a.c", .fingerprint = "0123456789abcdef",
                              .occurrence = 1};
  cr_assert_eq(tl_baseline_add(&b, &k, 1, "m"), 0);
  k.file = "src/b.c";
  cr_assert_eq(tl_baseline_add(&b, &k, 1, "m"), 0);
  k.file = "src/c.c";
  cr_assert_eq(tl_baseline_add(&b, &k, 1, "m"), 0);
  k.file = "src/a.c";
  cr_assert_eq(tl_baseline_match(&b, &k), 1);
  const char *linted[] = {"src/a.c", "src/b.c"};
  unsigned char stale[3];
  cr_assert_eq(tl_baseline_stale(&b, linted, 2, stale), 1);
  cr_assert_eq(stale[0], 0, "matched");
  cr_assert_eq(stale[1], 1, "linted, unmatched: stale");
  cr_assert_eq(stale[2], 0, "c.c was not linted this run");
  tl_baseline_close(&b);
}

Test(baseline, write_then_load_round_trips_sorted_and_prunes) {
  struct tl_baseline b, back;
  struct tl_srcerr err = {0};
  const char *path = in_dir("ci/baseline.txt");
  cr_assert_eq(tl_baseline_init(&b, path), 0);
  struct tl_baseline_key k = {.rule = "ticket-reuse", .file = "src/z.c",
                              .fingerprint = "00000000000000ff", .occurrence = 2};
  cr_assert_eq(tl_baseline_add(&b, &k, 9, "quote \" backslash \\ tab\t ctl\x01 end"), 0);
  k.file = "src/a b.c";
  k.rule = "double-await";
  cr_assert_eq(tl_baseline_add(&b, &k, 3, "awaited twice"), 0);
  cr_assert_eq(tl_baseline_write(&b, path, NULL), 0);
  char *text = read_file(path);
  cr_assert(strstr(text, "baseline version=1\n"), "%s", text);
  char *ab = strstr(text, "file=\"src/a b.c\" "), *z = strstr(text, "file=src/z.c ");
  cr_assert(ab && z && ab < z, "sorted by file, quoted only when needed:\n%s", text);

  cr_assert_eq(tl_baseline_load(&back, path, &err), 0, "%s:%d:%d: %s", err.file, err.line,
               err.col, err.msg);
  cr_assert_eq(back.entries.size, 2);
  cr_assert_str_eq(back.entries.data[0].file, "src/a b.c");
  cr_assert_str_eq(back.entries.data[1].rule, "ticket-reuse");
  cr_assert_eq(back.entries.data[1].occurrence, 2);
  cr_assert_str_eq(back.entries.data[1].message, "quote \" backslash \\ tab\t ctl? end");
  cr_assert_str_eq(back.root, dir, "the root is the folder holding .git");

  unsigned char drop[2] = {1, 0};
  cr_assert_eq(tl_baseline_write(&back, path, drop), 0);
  tl_baseline_close(&back);
  cr_assert_eq(tl_baseline_load(&back, path, &err), 0);
  cr_assert_eq(back.entries.size, 1);
  cr_assert_str_eq(back.entries.data[0].file, "src/z.c");
  tl_baseline_close(&back);
  tl_baseline_close(&b);
}

Test(baseline, relpath_is_relative_to_the_repository_root) {
  struct tl_baseline b;
  char *rel = NULL;
  write_file(in_dir("src/shop.c"), src);
  cr_assert_eq(tl_baseline_init(&b, in_dir("ci/baseline.txt")), 0);
  cr_assert_eq(tl_baseline_relpath(&b, in_dir("src/shop.c"), &rel), 0);
  cr_assert_str_eq(rel, "src/shop.c");
  free(rel);
  cr_assert_eq(tl_baseline_relpath(&b, "/usr/include/stdio.h", &rel), 0);
  cr_assert_str_eq(rel, "/usr/include/stdio.h", "outside the root: absolute");
  free(rel);
  tl_baseline_close(&b);
}

Test(baseline, malformed_files_say_where) {
  static const struct { const char *text; int line, col; const char *msg; } cases[] = {
    {"finding rule=r file=f fingerprint=0123456789abcdef occurrence=1\n", 1, 1, "missing"},
    {"baseline version=2\n", 1, 18, "unsupported"},
    {"baseline version=1\nfinding rule=r file=f fingerprint=xyz occurrence=1\n", 2, 23,
     "fingerprint"},
    {"baseline version=1\nfinding rule=r file=f fingerprint=0123456789abcdef\n", 2, 1,
     "occurrence="},
    {"baseline version=1\nfinding rule=r file=f fingerprint=0123456789abcdef occurrence=0\n",
     2, 52, "occurrence"},
    {"baseline version=1\nsuppress everything\n", 2, 1, "unknown directive"},
    {"", 1, 1, "missing"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct tl_baseline b;
    struct tl_srcerr err = {0};
    write_file(in_dir("bad.txt"), cases[i].text);
    cr_assert_eq(tl_baseline_load(&b, in_dir("bad.txt"), &err), TL_ESYNTAX, "case %zu", i);
    cr_assert_eq(err.line, cases[i].line, "case %zu: line %d (%s)", i, err.line, err.msg);
    cr_assert_eq(err.col, cases[i].col, "case %zu: col %d (%s)", i, err.col, err.msg);
    cr_assert(strstr(err.msg, cases[i].msg), "case %zu: '%s'", i, err.msg);
  }
  struct tl_baseline b;
  struct tl_srcerr err = {0};
  cr_assert_eq(tl_baseline_load(&b, in_dir("missing.txt"), &err), TL_EIO);
}
