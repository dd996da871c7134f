/* test_diag.c — the diagnostics list: copies, sorting, deduplication. */
#include <criterion/criterion.h>
#include <string.h>

#include "diag.h"

static struct tl_diags diags;

static void setup(void) { tl_diags_init(&diags); }
static void teardown(void) { tl_diags_close(&diags); }

TestSuite(diag, .init = setup, .fini = teardown);

static struct tl_diag *add(const char *file, uint32_t line, uint32_t col, const char *rule,
                           const char *msg) {
  struct tl_diag *d;
  struct tl_loc loc = {line, col, line, col + 1};
  cr_assert_eq(tl_diags_add(&diags, file, loc, rule, TL_SEV_WARNING, msg, &d), 0);
  return d;
}

Test(diag, message_file_and_notes_are_copied) {
  char file[] = "a.c", msg[] = "'t' is never awaited", note[] = "issued here";
  struct tl_diag *d = add(file, 3, 5, "unawaited-ticket", msg);
  cr_assert_eq(tl_diag_add_note(d, file, (struct tl_loc){2, 1, 2, 4}, note), 0);
  file[0] = msg[0] = note[0] = 'X';
  cr_assert_str_eq(diags.data[0].file, "a.c");
  cr_assert_str_eq(diags.data[0].message, "'t' is never awaited");
  cr_assert_eq(diags.data[0].nnotes, 1);
  cr_assert_str_eq(diags.data[0].notes[0].message, "issued here");
  cr_assert_str_eq(diags.data[0].notes[0].file, "a.c");
  cr_assert_eq(diags.data[0].notes[0].loc.line, 2);
}

Test(diag, sorted_by_file_line_column_rule) {
  add("b.c", 1, 1, "r", "m");
  add("a.c", 9, 1, "r", "m");
  add("a.c", 2, 7, "r", "m");
  add("a.c", 2, 3, "z-rule", "m");
  add("a.c", 2, 3, "a-rule", "m");
  tl_diags_sort(&diags);
  cr_assert_eq(diags.size, 5);
  cr_assert_str_eq(diags.data[0].rule, "a-rule");
  cr_assert_str_eq(diags.data[1].rule, "z-rule");
  cr_assert_eq(diags.data[2].loc.col, 7);
  cr_assert_eq(diags.data[3].loc.line, 9);
  cr_assert_str_eq(diags.data[4].file, "b.c");
}

Test(diag, exact_duplicates_dropped_keeping_the_first_with_its_notes) {
  struct tl_diag *d = add("a.c", 4, 2, "double-await", "'t' already collected");
  cr_assert_eq(tl_diag_add_note(d, "a.c", (struct tl_loc){3, 2, 3, 3}, "first await"), 0);
  add("a.c", 1, 1, "other", "x");
  add("a.c", 4, 2, "double-await", "'t' already collected");
  add("a.c", 4, 2, "double-await", "'u' already collected");   /* not a duplicate */
  tl_diags_sort(&diags);
  cr_assert_eq(diags.size, 3);
  cr_assert_str_eq(diags.data[0].rule, "other");
  cr_assert_str_eq(diags.data[1].message, "'t' already collected");
  cr_assert_eq(diags.data[1].nnotes, 1, "the first one added is kept");
  cr_assert_str_eq(diags.data[2].message, "'u' already collected");
}

Test(diag, sort_is_stable_and_handles_many) {
  for (uint32_t i = 0; i < 1000; i++) add("a.c", 1000 - i, 1, "r", "m");
  for (uint32_t i = 0; i < 1000; i++) add("a.c", 1000 - i, 1, "r", "m");   /* dupes */
  tl_diags_sort(&diags);
  cr_assert_eq(diags.size, 1000);
  for (uint32_t i = 0; i < 1000; i++) cr_assert_eq(diags.data[i].loc.line, i + 1);
}

Test(diag, severity_names) {
  cr_assert_str_eq(tl_severity_name(TL_SEV_NOTE), "note");
  cr_assert_str_eq(tl_severity_name(TL_SEV_WARNING), "warning");
  cr_assert_str_eq(tl_severity_name(TL_SEV_ERROR), "error");
}

Test(diag, empty_list_sorts_and_closes) {
  tl_diags_sort(&diags);
  cr_assert_eq(diags.size, 0);
}
