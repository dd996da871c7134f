/* test_suppress.c — NOLINT marks (suppress.h): each form, lists and wildcards, what is not a
 * comment, BEGIN/END pairing and the nolint-unmatched findings. */
#include <criterion/criterion.h>
#include <string.h>

#include "suppress.h"
#include "tl_errno.h"

static struct tl_suppress scan(const char *src) {
  struct tl_suppress s;
  cr_assert_eq(tl_suppress_scan(&s, src, strlen(src)), 0);
  return s;
}

static int silenced(const struct tl_suppress *s, const char *rule, uint32_t line) {
  return tl_suppress_match(s, rule, line) != NULL;
}

Test(suppress, nolint_with_list_covers_its_line_and_rules) {
  struct tl_suppress s = scan("a();\n"
                              "b();  // NOLINT(unawaited-ticket, double-await)\n"
                              "c();\n");
  cr_assert_eq(s.marks.size, 1);
  cr_assert_eq(s.marks.data[0].kind, TL_NOLINT);
  cr_assert_eq(s.marks.data[0].line, 2);
  cr_assert_eq(s.marks.data[0].col, 10);
  cr_assert_str_eq(s.marks.data[0].rules, "unawaited-ticket,double-await");
  cr_assert(silenced(&s, "unawaited-ticket", 2));
  cr_assert(silenced(&s, "double-await", 2));
  cr_assert_not(silenced(&s, "ticket-reuse", 2), "a rule not in the list");
  cr_assert_not(silenced(&s, "unawaited-ticket", 1), "the line before");
  cr_assert_not(silenced(&s, "unawaited-ticket", 3), "the line after");
  tl_suppress_close(&s);
}

Test(suppress, bare_nolint_covers_every_rule) {
  struct tl_suppress s = scan("b(); /* NOLINT */\n");
  cr_assert_eq(s.marks.size, 1);
  cr_assert_null(s.marks.data[0].rules);
  cr_assert(silenced(&s, "unawaited-ticket", 1));
  cr_assert(silenced(&s, "ticket-as-value", 1));
  tl_suppress_close(&s);
}

Test(suppress, nextline_covers_only_the_next_line) {
  struct tl_suppress s = scan("// NOLINTNEXTLINE(ticket-reuse)\n"
                              "x();\n"
                              "y();\n");
  cr_assert_eq(s.marks.data[0].kind, TL_NOLINT_NEXTLINE);
  cr_assert_not(silenced(&s, "ticket-reuse", 1));
  cr_assert(silenced(&s, "ticket-reuse", 2));
  cr_assert_not(silenced(&s, "ticket-reuse", 3));
  tl_suppress_close(&s);
}

Test(suppress, wildcards_in_the_list) {
  struct tl_suppress s = scan("a(); // NOLINT(ticket-*)\nb(); // NOLINT(*)\n");
  cr_assert(silenced(&s, "ticket-reuse", 1));
  cr_assert(silenced(&s, "ticket-as-value", 1));
  cr_assert_not(silenced(&s, "double-await", 1));
  cr_assert(silenced(&s, "double-await", 2));
  tl_suppress_close(&s);
}

Test(suppress, begin_end_block_with_same_list) {
  struct tl_suppress s = scan("a();\n"
                              "/* NOLINTBEGIN(double-await) */\n"
                              "b();\n"
                              "c();\n"
                              "/* NOLINTEND(double-await) */\n"
                              "d();\n");
  cr_assert_eq(s.marks.size, 2);
  cr_assert(s.marks.data[0].matched && s.marks.data[1].matched);
  cr_assert_not(silenced(&s, "double-await", 1));
  cr_assert(silenced(&s, "double-await", 3));
  cr_assert(silenced(&s, "double-await", 4));
  cr_assert_not(silenced(&s, "double-await", 6));
  cr_assert_not(silenced(&s, "unawaited-ticket", 3), "not in the block's list");
  struct tl_diags d;
  tl_diags_init(&d);
  cr_assert_eq(tl_suppress_report(&s, "x.c", &d), 0);
  cr_assert_eq(d.size, 0, "a matched pair is not a finding");
  tl_diags_close(&d);
  tl_suppress_close(&s);
}

Test(suppress, end_closes_the_innermost_begin_with_its_list) {
  struct tl_suppress s = scan("// NOLINTBEGIN\n"               /* 1 */
                              "// NOLINTBEGIN(ticket-reuse)\n" /* 2 */
                              "a();\n"                         /* 3 */
                              "// NOLINTEND\n"                 /* 4: closes line 1 */
                              "b();\n"                         /* 5 */
                              "// NOLINTEND(ticket-reuse)\n"); /* 6: closes line 2 */
  cr_assert(silenced(&s, "double-await", 3));
  cr_assert_not(silenced(&s, "double-await", 5), "the bare block ended on line 4");
  cr_assert(silenced(&s, "ticket-reuse", 5));
  tl_suppress_close(&s);
}

Test(suppress, unmatched_begin_and_end_are_findings_and_silence_nothing) {
  struct tl_suppress s = scan("// NOLINTEND(double-await)\n"
                              "a();\n"
                              "  // NOLINTBEGIN(ticket-reuse)\n"
                              "b();\n"
                              "// NOLINTEND(double-await)\n");
  cr_assert_not(silenced(&s, "ticket-reuse", 4), "an unclosed BEGIN suppresses nothing");
  struct tl_diags d;
  tl_diags_init(&d);
  cr_assert_eq(tl_suppress_report(&s, "x.c", &d), 0);
  cr_assert_eq(d.size, 3);
  cr_assert_str_eq(d.data[0].rule, TL_NOLINT_UNMATCHED);
  cr_assert_eq(d.data[0].severity, TL_SEV_WARNING);
  cr_assert_eq(d.data[0].loc.line, 1);
  cr_assert(strstr(d.data[0].message, "'NOLINTEND(double-await)' has no matching"));
  cr_assert_eq(d.data[1].loc.line, 3);
  cr_assert_eq(d.data[1].loc.col, 6);
  cr_assert(strstr(d.data[1].message, "'NOLINTBEGIN(ticket-reuse)' has no matching"));
  cr_assert_eq(d.data[2].loc.line, 5);
  cr_assert_null(tl_suppress_match(&s, TL_NOLINT_UNMATCHED, 1),
                 "nolint-unmatched itself is never suppressed");
  tl_diags_close(&d);
  tl_suppress_close(&s);
}

Test(suppress, strings_and_chars_are_not_comments) {
  struct tl_suppress s = scan("s = \"// NOLINT\";\n"
                              "t = \"/* NOLINT */\";\n"
                              "c = '\"'; u = \"\\\" // NOLINT\";\n"
                              "n = 1'000; // NOLINT(x)\n");
  cr_assert_eq(s.marks.size, 1, "only the comment on line 4");
  cr_assert_eq(s.marks.data[0].line, 4);
  cr_assert_str_eq(s.marks.data[0].rules, "x");
  tl_suppress_close(&s);
}

Test(suppress, words_that_only_start_like_nolint_are_not_marks) {
  struct tl_suppress s = scan("a(); // NOLINTX XNOLINT NOLINTNEXTLINES no_NOLINT\n");
  cr_assert_eq(s.marks.size, 0);
  tl_suppress_close(&s);
}

Test(suppress, empty_or_unclosed_list_covers_nothing) {
  struct tl_suppress s = scan("a(); // NOLINT()\nb(); // NOLINT(double-await\n");
  cr_assert_eq(s.marks.size, 2);
  cr_assert_not(silenced(&s, "double-await", 1));
  cr_assert_not(silenced(&s, "double-await", 2));
  tl_suppress_close(&s);
}

Test(suppress, line_comment_continued_by_a_splice_and_block_comment_lines) {
  struct tl_suppress s = scan("a(); // note \\\n"
                              "   NOLINT(double-await)\n"
                              "/* several\n"
                              "   lines NOLINTNEXTLINE */\n"
                              "b();\n");
  cr_assert_eq(s.marks.size, 2);
  cr_assert_eq(s.marks.data[0].line, 2, "the splice continues the // comment");
  cr_assert_eq(s.marks.data[0].col, 4);
  cr_assert_eq(s.marks.data[1].line, 4);
  cr_assert(silenced(&s, "anything", 5));
  tl_suppress_close(&s);
}

Test(suppress, load_missing_file_is_an_io_error) {
  struct tl_suppress s;
  cr_assert_eq(tl_suppress_load(&s, TL_TEST_BINARY_DIR "/no/such/file.c"), TL_EIO);
  cr_assert_eq(s.marks.size, 0);
}
