/* test_output.c — text diagnostics (source line, caret and tildes, notes, colour), the JSON
 * array and the SARIF log, parsed back with jansson; --output's file replaced at finish. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "output.h"
#include "rule.h"
#include "tl_errno.h"

static char src[512];

static void write_source(void) {
  snprintf(src, sizeof src, "%s/test_output.XXXXXX.c",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  int fd = mkstemps(src, 2);
  cr_assert_geq(fd, 0);
  static const char text[] =
    "int main(void) {\n"
    "  tk_async(loop, work, NULL);\n"
    "\tx = tk_value(t);\n"
    "  return 0;\n"
    "}";                                   /* no final newline */
  cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
  close(fd);
}

static void remove_source(void) { unlink(src); }

static struct tl_loc loc(uint32_t l, uint32_t c, uint32_t el, uint32_t ec) {
  struct tl_loc x = {l, c, el, ec};
  return x;
}

/* Render diags with the given format into a heap string. */
static char *render(const struct tl_diags *diags, enum tl_format format, int color) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  cr_assert_not_null(f);
  struct tl_output out;
  cr_assert_eq(tl_output_init(&out, f, format, color), 0);
  cr_assert_eq(tl_output_write(&out, diags), 0);
  cr_assert_eq(tl_output_finish(&out), 0);
  tl_output_close(&out);
  fclose(f);
  return buf;
}

static void add(struct tl_diags *ds, struct tl_loc l, const char *rule, enum tl_severity sev,
                const char *msg, struct tl_diag **out) {
  cr_assert_eq(tl_diags_add(ds, src, l, rule, sev, msg, out), 0);
}

Test(output, text_with_caret_and_tildes, .init = write_source, .fini = remove_source) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  add(&ds, loc(2, 3, 2, 28), "unawaited-ticket", TL_SEV_WARNING,
      "ticket of 'tk_async' is never awaited", NULL);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  char want[4096];
  snprintf(want, sizeof want,
           "%s:2:3: warning: ticket of 'tk_async' is never awaited [unawaited-ticket]\n"
           "  tk_async(loop, work, NULL);\n"
           "  ^~~~~~~~~~~~~~~~~~~~~~~~~~\n",
           src);
  cr_assert_str_eq(text, want);
  free(text);
  tl_diags_close(&ds);
}

Test(output, tabs_expand_in_line_and_caret, .init = write_source, .fini = remove_source) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  add(&ds, loc(3, 6, 3, 16), "ticket-as-value", TL_SEV_WARNING, "value read while still pending",
      NULL);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  char want[4096];
  snprintf(want, sizeof want,
           "%s:3:6: warning: value read while still pending [ticket-as-value]\n"
           "        x = tk_value(t);\n"
           "            ^~~~~~~~~~~\n",
           src);
  cr_assert_str_eq(text, want);
  free(text);
  tl_diags_close(&ds);
}

Test(output, notes_follow_with_their_source, .init = write_source, .fini = remove_source) {
  struct tl_diags ds;
  struct tl_diag *d;
  tl_diags_init(&ds);
  add(&ds, loc(3, 6, 3, 6), "ticket-as-value", TL_SEV_ERROR, "read", &d);
  cr_assert_eq(tl_diag_add_note(d, src, loc(2, 3, 0, 0), "issued here"), 0);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  char want[4096];
  snprintf(want, sizeof want,
           "%s:3:6: error: read [ticket-as-value]\n"
           "        x = tk_value(t);\n"
           "            ^\n"
           "%s:2:3: note: issued here\n"
           "  tk_async(loop, work, NULL);\n"
           "  ^\n",
           src, src);
  cr_assert_str_eq(text, want);
  free(text);
  tl_diags_close(&ds);
}

Test(output, range_over_several_lines_runs_to_end_of_line, .init = write_source,
     .fini = remove_source) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  add(&ds, loc(4, 3, 5, 1), "r", TL_SEV_WARNING, "m", NULL);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  cr_assert(strstr(text, "  return 0;\n  ^~~~~~~~~\n") != NULL, "%s", text);
  free(text);
  tl_diags_close(&ds);
}

Test(output, last_line_without_newline, .init = write_source, .fini = remove_source) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  add(&ds, loc(5, 1, 5, 1), "r", TL_SEV_WARNING, "m", NULL);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  cr_assert(strstr(text, ":5:1: warning: m [r]\n}\n^\n") != NULL, "%s", text);
  free(text);
  tl_diags_close(&ds);
}

Test(output, missing_source_or_line_prints_header_only, .init = write_source,
     .fini = remove_source) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  add(&ds, loc(99, 1, 99, 1), "r", TL_SEV_WARNING, "past the end", NULL);
  cr_assert_eq(tl_diags_add(&ds, "/nonexistent/x.c", loc(1, 2, 1, 2), "r", TL_SEV_WARNING,
                            "no file", NULL), 0);
  cr_assert_eq(tl_diags_add(&ds, "/nonexistent/y.c", loc(0, 0, 0, 0), "r", TL_SEV_NOTE,
                            "no line", NULL), 0);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  char want[4096];
  snprintf(want, sizeof want,
           "%s:99:1: warning: past the end [r]\n"
           "/nonexistent/x.c:1:2: warning: no file [r]\n"
           "/nonexistent/y.c: note: no line [r]\n",
           src);
  cr_assert_str_eq(text, want);
  free(text);
  tl_diags_close(&ds);
}

Test(output, colour_only_when_asked, .init = write_source, .fini = remove_source) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  add(&ds, loc(2, 3, 2, 10), "r", TL_SEV_WARNING, "m", NULL);
  char *plain = render(&ds, TL_FORMAT_TEXT, 0);
  char *colour = render(&ds, TL_FORMAT_TEXT, 1);
  cr_assert(strchr(plain, '\033') == NULL);
  cr_assert(strstr(colour, "\033[1;35mwarning: ") != NULL, "%s", colour);
  cr_assert(strstr(colour, "\033[1;32m  ^~~~~~~~\033[0m") != NULL, "%s", colour);
  free(plain);
  free(colour);
  tl_diags_close(&ds);
}

Test(output, want_color_modes) {
  cr_assert_eq(tl_output_want_color(TL_COLOR_ALWAYS, -1), 1);
  cr_assert_eq(tl_output_want_color(TL_COLOR_NEVER, STDOUT_FILENO), 0);
  cr_assert_eq(tl_output_want_color(TL_COLOR_AUTO, -1), 0, "not a terminal");
}

Test(output, json_shape_parses_back, .init = write_source, .fini = remove_source) {
  struct tl_diags ds;
  struct tl_diag *d;
  tl_diags_init(&ds);
  add(&ds, loc(2, 3, 2, 28), "unawaited-ticket", TL_SEV_WARNING,
      "ticket of 'tk_async' is never \"awaited\"", &d);
  cr_assert_eq(tl_diag_add_note(d, src, loc(1, 1, 1, 4), "in 'main'"), 0);
  add(&ds, loc(3, 6, 3, 17), "ticket-as-value", TL_SEV_ERROR, "still pending", NULL);
  char *text = render(&ds, TL_FORMAT_JSON, 1);
  cr_assert(strchr(text, '\033') == NULL, "never colour in JSON");

  json_error_t jerr;
  json_t *root = json_loads(text, 0, &jerr);
  cr_assert_not_null(root, "JSON does not parse: %s\n%s", jerr.text, text);
  cr_assert(json_is_array(root));
  cr_assert_eq(json_array_size(root), 2);
  json_t *a = json_array_get(root, 0);
  cr_assert_str_eq(json_string_value(json_object_get(a, "file")), src);
  cr_assert_eq(json_integer_value(json_object_get(a, "line")), 2);
  cr_assert_eq(json_integer_value(json_object_get(a, "column")), 3);
  cr_assert_eq(json_integer_value(json_object_get(a, "end_line")), 2);
  cr_assert_eq(json_integer_value(json_object_get(a, "end_column")), 28);
  cr_assert_str_eq(json_string_value(json_object_get(a, "rule")), "unawaited-ticket");
  cr_assert_str_eq(json_string_value(json_object_get(a, "severity")), "warning");
  cr_assert_str_eq(json_string_value(json_object_get(a, "message")),
                   "ticket of 'tk_async' is never \"awaited\"");
  json_t *notes = json_object_get(a, "notes");
  cr_assert(json_is_array(notes));
  cr_assert_eq(json_array_size(notes), 1);
  json_t *n = json_array_get(notes, 0);
  cr_assert_str_eq(json_string_value(json_object_get(n, "file")), src);
  cr_assert_eq(json_integer_value(json_object_get(n, "line")), 1);
  cr_assert_eq(json_integer_value(json_object_get(n, "column")), 1);
  cr_assert_str_eq(json_string_value(json_object_get(n, "message")), "in 'main'");
  cr_assert_eq(json_object_size(n), 4);
  cr_assert_eq(json_object_size(a), 9);

  json_t *b = json_array_get(root, 1);
  cr_assert_str_eq(json_string_value(json_object_get(b, "severity")), "error");
  cr_assert_eq(json_array_size(json_object_get(b, "notes")), 0);
  json_decref(root);
  free(text);
  tl_diags_close(&ds);
}

Test(output, json_accumulates_over_several_writes) {
  struct tl_diags d1, d2;
  tl_diags_init(&d1);
  tl_diags_init(&d2);
  cr_assert_eq(tl_diags_add(&d1, "a.c", loc(1, 1, 1, 1), "r", TL_SEV_WARNING, "one", NULL), 0);
  cr_assert_eq(tl_diags_add(&d2, "b.c", loc(1, 1, 1, 1), "r", TL_SEV_WARNING, "two", NULL), 0);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct tl_output out;
  cr_assert_eq(tl_output_init(&out, f, TL_FORMAT_JSON, 0), 0);
  cr_assert_eq(tl_output_write(&out, &d1), 0);
  cr_assert_eq(tl_output_write(&out, &d2), 0);
  fflush(f);
  cr_assert_eq(len, 0, "nothing printed before finish");
  cr_assert_eq(tl_output_finish(&out), 0);
  tl_output_close(&out);
  fclose(f);
  json_t *root = json_loads(buf, 0, NULL);
  cr_assert_eq(json_array_size(root), 2);
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(root, 1), "file")), "b.c");
  json_decref(root);
  free(buf);
  tl_diags_close(&d1);
  tl_diags_close(&d2);
}

Test(output, json_empty_is_an_empty_array) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  char *text = render(&ds, TL_FORMAT_JSON, 0);
  cr_assert_str_eq(text, "[]\n");
  free(text);
}

Test(output, json_survives_invalid_utf8) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "caf\xe9.c", loc(1, 1, 1, 1), "r", TL_SEV_WARNING, "m", NULL),
               0);
  char *text = render(&ds, TL_FORMAT_JSON, 0);
  json_t *root = json_loads(text, 0, NULL);
  cr_assert_not_null(root, "%s", text);
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(root, 0), "file")),
                   "caf?.c");
  json_decref(root);
  free(text);
  tl_diags_close(&ds);
}

Test(output, text_prints_nothing_for_no_diags) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  char *text = render(&ds, TL_FORMAT_TEXT, 0);
  cr_assert_str_eq(text, "");
  free(text);
}

/* ---- SARIF ------------------------------------------------------------------------------ */

/* Render diags (suppressed may be NULL) as SARIF and parse the log back. */
static json_t *render_sarif(const struct tl_diags *diags,
                            const struct tl_nolint *const *suppressed) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  cr_assert_not_null(f);
  struct tl_output out;
  cr_assert_eq(tl_output_init(&out, f, TL_FORMAT_SARIF, 1), 0);
  cr_assert_eq(tl_output_write_marked(&out, diags, suppressed), 0);
  cr_assert_eq(tl_output_finish(&out), 0);
  tl_output_close(&out);
  fclose(f);
  cr_assert(strchr(buf, '\033') == NULL, "never colour in SARIF");
  json_error_t jerr;
  json_t *log = json_loads(buf, 0, &jerr);
  cr_assert_not_null(log, "SARIF does not parse: %s\n%s", jerr.text, buf);
  free(buf);
  return log;
}

static json_t *sarif_run(json_t *log) { return json_array_get(json_object_get(log, "runs"), 0); }
static json_t *sarif_result(json_t *log, size_t i) {
  return json_array_get(json_object_get(sarif_run(log), "results"), i);
}
static json_t *sarif_region(json_t *location) {
  return json_object_get(json_object_get(location, "physicalLocation"), "region");
}
static long long jint(json_t *obj, const char *key) {
  cr_assert(json_is_integer(json_object_get(obj, key)), "no integer '%s'", key);
  return json_integer_value(json_object_get(obj, key));
}
static const char *jstr(json_t *obj, const char *key) {
  cr_assert(json_is_string(json_object_get(obj, key)), "no string '%s'", key);
  return json_string_value(json_object_get(obj, key));
}

Test(output, sarif_log_has_every_rule_and_the_results, .init = write_source,
     .fini = remove_source) {
  struct tl_diags ds;
  struct tl_diag *d;
  tl_diags_init(&ds);
  add(&ds, loc(2, 3, 2, 28), "double-await", TL_SEV_ERROR, "awaited twice", &d);
  cr_assert_eq(tl_diag_add_note(d, src, loc(1, 1, 0, 0), "first collected here"), 0);
  json_t *log = render_sarif(&ds, NULL);
  cr_assert_str_eq(jstr(log, "version"), "2.1.0");
  json_t *run = sarif_run(log);
  json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
  cr_assert_str_eq(jstr(driver, "name"), "ticketlint");
  cr_assert_str_eq(jstr(driver, "version"), TL_VERSION);
  json_t *rules = json_object_get(driver, "rules");
  cr_assert_eq(json_array_size(rules), tl_rules_count, "every registered rule, nothing else");
  for (size_t i = 0; i < tl_rules_count; i++) {
    json_t *r = json_array_get(rules, i);
    cr_assert_str_eq(jstr(r, "id"), tl_rules[i]->id);
    cr_assert_str_eq(jstr(json_object_get(r, "shortDescription"), "text"), tl_rules[i]->summary);
    cr_assert_str_eq(jstr(json_object_get(r, "help"), "text"), tl_rules[i]->doc);
    cr_assert_str_eq(jstr(json_object_get(r, "defaultConfiguration"), "level"),
                     tl_severity_name(tl_rules[i]->severity));
    cr_assert_null(json_object_get(r, "helpUri"), "no helpUri without a docs URL");
  }

  json_t *res = sarif_result(log, 0);
  cr_assert_str_eq(jstr(res, "ruleId"), "double-await");
  cr_assert_str_eq(jstr(json_array_get(rules, (size_t)jint(res, "ruleIndex")), "id"),
                   "double-await");
  cr_assert_str_eq(jstr(res, "level"), "error");
  cr_assert_str_eq(jstr(json_object_get(res, "message"), "text"), "awaited twice");
  json_t *region = sarif_region(json_array_get(json_object_get(res, "locations"), 0));
  cr_assert_eq(jint(region, "startLine"), 2);
  cr_assert_eq(jint(region, "startColumn"), 3);
  cr_assert_eq(jint(region, "endLine"), 2);
  cr_assert_eq(jint(region, "endColumn"), 29, "SARIF's end column is exclusive");
  json_t *rel = json_array_get(json_object_get(res, "relatedLocations"), 0);
  cr_assert_eq(jint(rel, "id"), 1);
  cr_assert_str_eq(jstr(json_object_get(rel, "message"), "text"), "first collected here");
  json_t *nregion = sarif_region(rel);
  cr_assert_eq(jint(nregion, "startLine"), 1);
  cr_assert_null(json_object_get(nregion, "endLine"), "a note without an end has none");
  cr_assert_null(json_object_get(res, "suppressions"));
  json_decref(log);
  tl_diags_close(&ds);
}

Test(output, sarif_keeps_suppressed_findings_with_in_source_suppressions) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "a.c", loc(3, 1, 3, 1), "unawaited-ticket", TL_SEV_WARNING,
                            "silenced", NULL), 0);
  cr_assert_eq(tl_diags_add(&ds, "a.c", loc(4, 1, 4, 1), "unawaited-ticket", TL_SEV_WARNING,
                            "shown", NULL), 0);
  struct tl_nolint mark = {.kind = TL_NOLINT_NEXTLINE, .line = 2, .col = 4};
  const struct tl_nolint *by[] = {&mark, NULL};
  json_t *log = render_sarif(&ds, by);
  cr_assert_eq(json_array_size(json_object_get(sarif_run(log), "results")), 2,
               "SARIF keeps silenced findings without --show-suppressed");
  json_t *sups = json_object_get(sarif_result(log, 0), "suppressions");
  cr_assert_eq(json_array_size(sups), 1);
  json_t *sup = json_array_get(sups, 0);
  cr_assert_str_eq(jstr(sup, "kind"), "inSource");
  cr_assert_eq(jint(sarif_region(json_object_get(sup, "location")), "startLine"), 2);
  cr_assert_null(json_object_get(sarif_result(log, 1), "suppressions"));
  json_decref(log);
  tl_diags_close(&ds);
}

Test(output, sarif_describes_diagnostics_of_no_registered_rule) {
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "a.c", loc(1, 1, 1, 1), "clang-diagnostic", TL_SEV_ERROR,
                            "use of undeclared identifier 'x'", NULL), 0);
  cr_assert_eq(tl_diags_add(&ds, "b.c", loc(1, 1, 1, 1), "clang-diagnostic", TL_SEV_ERROR,
                            "again", NULL), 0);
  json_t *log = render_sarif(&ds, NULL);
  json_t *rules = json_object_get(json_object_get(json_object_get(sarif_run(log), "tool"),
                                                  "driver"), "rules");
  cr_assert_eq(json_array_size(rules), tl_rules_count + 1, "one descriptor, added once");
  json_t *r = json_array_get(rules, tl_rules_count);
  cr_assert_str_eq(jstr(r, "id"), "clang-diagnostic");
  cr_assert_str_eq(jstr(r, "name"), "ClangDiagnostic");
  cr_assert_eq(jint(sarif_result(log, 0), "ruleIndex"), (long long)tl_rules_count);
  cr_assert_eq(jint(sarif_result(log, 1), "ruleIndex"), (long long)tl_rules_count);
  json_decref(log);
  tl_diags_close(&ds);
}

/* A fresh directory under TMPDIR, made the current directory (SRCROOT of tl_output_init). */
static char dir[512], old_cwd[4096];
static void enter_tmpdir(void) {
  snprintf(dir, sizeof dir, "%s/test_output.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  cr_assert_not_null(mkdtemp(dir));
  cr_assert_not_null(getcwd(old_cwd, sizeof old_cwd));
  cr_assert_eq(chdir(dir), 0);
}
static void leave_tmpdir(void) {
  cr_assert_eq(chdir(old_cwd), 0);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}
static void put(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "%s", path);
  fputs(text, f);
  fclose(f);
}

Test(output, sarif_uris_are_relative_to_srcroot_and_percent_encoded, .init = enter_tmpdir,
     .fini = leave_tmpdir) {
  cr_assert_eq(mkdir("a b", 0777), 0);
  put("a b/caf\xc3\xa9.c", "int x;\n");
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "./a b/../a b/caf\xc3\xa9.c", loc(1, 1, 1, 1), "r",
                            TL_SEV_WARNING, "m", NULL), 0);
  cr_assert_eq(tl_diags_add(&ds, "/nonexistent/x y.c", loc(1, 1, 1, 1), "r", TL_SEV_WARNING,
                            "m", NULL), 0);
  json_t *log = render_sarif(&ds, NULL);
  json_t *art = json_object_get(json_object_get(json_array_get(json_object_get(
    sarif_result(log, 0), "locations"), 0), "physicalLocation"), "artifactLocation");
  cr_assert_str_eq(jstr(art, "uri"), "a%20b/caf%C3%A9.c");
  cr_assert_str_eq(jstr(art, "uriBaseId"), "SRCROOT");
  json_t *outside = json_object_get(json_object_get(json_array_get(json_object_get(
    sarif_result(log, 1), "locations"), 0), "physicalLocation"), "artifactLocation");
  cr_assert_str_eq(jstr(outside, "uri"), "file:///nonexistent/x%20y.c");
  cr_assert_null(json_object_get(outside, "uriBaseId"));
  char real[4096], want[4200];
  cr_assert_not_null(realpath(".", real));
  snprintf(want, sizeof want, "file://%s/", real);
  json_t *srcroot = json_object_get(json_object_get(sarif_run(log), "originalUriBaseIds"),
                                    "SRCROOT");
  cr_assert_str_eq(jstr(srcroot, "uri"), want);
  json_decref(log);
  tl_diags_close(&ds);
}

Test(output, sarif_columns_count_code_points, .init = enter_tmpdir, .fini = leave_tmpdir) {
  put("u.c", "/* \xc3\xa9\xc3\xa9 */ go();\n");   /* 'g' is byte 12, code point 10 */
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "u.c", loc(1, 12, 1, 15), "r", TL_SEV_WARNING, "m", NULL), 0);
  json_t *log = render_sarif(&ds, NULL);
  json_t *region = sarif_region(json_array_get(json_object_get(sarif_result(log, 0),
                                                               "locations"), 0));
  cr_assert_eq(jint(region, "startColumn"), 10);
  cr_assert_eq(jint(region, "endColumn"), 14, "'go()' is four characters");
  cr_assert_str_eq(jstr(sarif_run(log), "columnKind"), "unicodeCodePoints");
  json_decref(log);
  tl_diags_close(&ds);
}

/* The fingerprint of the first result for a finding at `line` of a file holding `text`. */
static char *fingerprint_of(const char *text, uint32_t line) {
  put("f.c", text);
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "f.c", loc(line, 3, line, 3), "unawaited-ticket",
                            TL_SEV_WARNING, "m", NULL), 0);
  json_t *log = render_sarif(&ds, NULL);
  char *fp = strdup(jstr(json_object_get(sarif_result(log, 0), "partialFingerprints"),
                         "ticketlint/v1"));
  json_decref(log);
  tl_diags_close(&ds);
  return fp;
}

Test(output, sarif_fingerprint_ignores_line_numbers_and_blanks, .init = enter_tmpdir,
     .fini = leave_tmpdir) {
  char *a = fingerprint_of("void f(void) {\n  go(1);\n}\n", 2);
  char *b = fingerprint_of("/* new */\n\nvoid f(void) {\n\tgo( 1 );\n}\n", 4);
  char *c = fingerprint_of("void f(void) {\n  go(2);\n}\n", 2);
  cr_assert_str_eq(a, b, "moved and reindented: the same finding");
  cr_assert_str_neq(a, c, "another line text: another finding");
  free(a);
  free(b);
  free(c);
}

Test(output, output_file_is_replaced_only_at_finish, .init = enter_tmpdir,
     .fini = leave_tmpdir) {
  put("report.json", "old\n");
  struct tl_cli cli = {.format = TL_FORMAT_JSON, .output = "report.json"};
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "a.c", loc(1, 1, 1, 1), "r", TL_SEV_WARNING, "m", NULL), 0);

  struct tl_output out;
  char err[256];
  cr_assert_eq(tl_output_open(&out, &cli, err, sizeof err), 0, "%s", err);
  cr_assert_eq(tl_output_write(&out, &ds), 0);
  cr_assert_eq(tl_output_finish(&out), 0);
  tl_output_close(&out);
  json_t *root = json_load_file("report.json", 0, NULL);
  cr_assert_eq(json_array_size(root), 1, "finish renamed the new file over the old one");
  json_decref(root);

  put("report.json", "old\n");
  cr_assert_eq(tl_output_open(&out, &cli, err, sizeof err), 0, "%s", err);
  cr_assert_eq(tl_output_write(&out, &ds), 0);
  tl_output_close(&out);                   /* no finish: an error stopped the run */
  char buf[16] = {0};
  FILE *f = fopen("report.json", "r");
  cr_assert_not_null(f);
  cr_assert_eq(fread(buf, 1, sizeof buf - 1, f), 4);
  fclose(f);
  cr_assert_str_eq(buf, "old\n", "without a finish the file is untouched");
  cr_assert_eq(system("test $(ls -A | wc -l) -eq 1"), 0, "the temporary file is removed");

  cli.output = "missing/report.json";
  cr_assert_eq(tl_output_open(&out, &cli, err, sizeof err), TL_EIO);
  cr_assert(strstr(err, "cannot write 'missing/report.json'") != NULL, "%s", err);
  tl_diags_close(&ds);
}

Test(output, rule_doc_is_the_generated_page) {
  for (size_t i = 0; i < tl_rules_count; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/../../../docs/rules/%s.md", TL_TEST_DATA_DIR,
             tl_rules[i]->id);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char *page = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&page, &cap, '\0', f);
    fclose(f);
    cr_assert_gt(n, 0);
    const char *body = strchr(page, '\n');  /* after the generator comment */
    cr_assert_not_null(body);
    char *md = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&md, &len);
    tl_output_rule_doc(tl_rules[i], m);
    fclose(m);
    cr_assert_str_eq(md, body + 1, "%s: help.markdown differs from its page", tl_rules[i]->id);
    free(md);
    free(page);
  }
}

Test(output, codeclimate_issues_leave_out_suppressed_findings, .init = enter_tmpdir,
     .fini = leave_tmpdir) {
  put("a.c", "void f(void) {\n  go();\n  go();\n}\n");
  struct tl_diags ds;
  tl_diags_init(&ds);
  cr_assert_eq(tl_diags_add(&ds, "a.c", loc(2, 3, 2, 6), "unawaited-ticket", TL_SEV_WARNING,
                            "dropped", NULL), 0);
  cr_assert_eq(tl_diags_add(&ds, "a.c", loc(3, 3, 3, 6), "unawaited-ticket", TL_SEV_ERROR,
                            "silenced", NULL), 0);
  struct tl_nolint mark = {.kind = TL_NOLINT, .line = 3, .col = 10};
  const struct tl_nolint *by[] = {NULL, &mark};
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct tl_output out;
  cr_assert_eq(tl_output_init(&out, f, TL_FORMAT_CODECLIMATE, 0), 0);
  cr_assert_eq(tl_output_write_marked(&out, &ds, by), 0);
  cr_assert_eq(tl_output_finish(&out), 0);
  tl_output_close(&out);
  fclose(f);
  json_t *root = json_loads(buf, 0, NULL);
  cr_assert(json_is_array(root), "%s", buf);
  cr_assert_eq(json_array_size(root), 1, "the silenced finding is left out");
  json_t *issue = json_array_get(root, 0);
  cr_assert_str_eq(jstr(issue, "check_name"), "unawaited-ticket");
  cr_assert_str_eq(jstr(issue, "description"), "dropped");
  cr_assert_str_eq(jstr(issue, "severity"), "minor");
  cr_assert(strlen(jstr(issue, "fingerprint")) > 16);
  json_t *where = json_object_get(issue, "location");
  cr_assert_str_eq(jstr(where, "path"), "a.c");
  cr_assert_eq(jint(json_object_get(where, "lines"), "begin"), 2);
  json_decref(root);
  free(buf);
  tl_diags_close(&ds);
}
