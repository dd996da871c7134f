/* test_output.c — text diagnostics (source line, caret and tildes, notes, colour) and the
 * JSON array, parsed back with jansson. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "output.h"
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
