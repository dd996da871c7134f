/* snippet.h — C snippets parsed by the libclang front-end with every shipped model, for the
 * tests that look at what a real parse gives (test_front_clang.c, test_annotate.c,
 * test_summary.c). One unit at a time; parsing again closes the previous one.
 *
 *   TestSuite(front_clang, .init = snippet_setup, .fini = snippet_teardown);
 *   static const char *args[] = {"-I" TL_RUNTIME_INCLUDE_DIR};
 *   snippet_parse("front_snippet.c", "#include \"ticket.h\"\n", args, 1, src);
 *   const struct tl_event *ev = call_of("main", "tk_async");
 */
#ifndef TL_TEST_SNIPPET_H
#define TL_TEST_SNIPPET_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "front.h"

#define SNIPPET_FN static __attribute__((unused))

static tl_models *models;
static struct tl_unit unit;
static struct tl_diags diags;
static int unit_open;

SNIPPET_FN void snippet_setup(void) {
  struct tl_srcerr err;
  cr_assert_eq(tl_models_new(&models), 0);
  cr_assert_eq(tl_models_load_dir(models, TL_SOURCE_MODEL_DIR, &err), 0, "%s", err.msg);
  tl_diags_init(&diags);
}

SNIPPET_FN void snippet_teardown(void) {
  if (unit_open) tl_unit_close(&unit);
  unit_open = 0;
  tl_diags_close(&diags);
  tl_models_free(models);
}

/* Parse `prelude` then `src` as the unsaved file TL_TEST_BINARY_DIR/name, with the compiler
 * arguments args[0..nargs) and keep_going; the unit is in `unit`. Returns what
 * tl_front_clang_parse returns. */
SNIPPET_FN int snippet_parse(const char *name, const char *prelude, const char *const *args,
                             unsigned nargs, const char *src) {
  static char path[512], text[16384];
  snprintf(path, sizeof path, "%s/%s", TL_TEST_BINARY_DIR, name);
  int n = snprintf(text, sizeof text, "%s%s", prelude, src);
  cr_assert(n > 0 && (size_t)n < sizeof text, "snippet longer than %zu bytes", sizeof text);
  struct tl_front_opts opts = {.args = args, .nargs = nargs, .unsaved_name = path,
                               .unsaved_text = text, .keep_going = 1};
  if (unit_open) tl_unit_close(&unit);
  int rc = tl_front_clang_parse(path, &opts, models, &unit, &diags);
  unit_open = 1;
  return rc;
}

/* The function of the unit called `name`; the test fails when there is none. */
SNIPPET_FN const struct tl_func *func(const char *name) {
  for (uint32_t i = 0; i < unit.nfuncs; i++)
    if (strcmp(unit.funcs[i].name, name) == 0) return &unit.funcs[i];
  cr_assert_fail("no function '%s'", name);
  return NULL;
}

/* The first event of function fn whose callee is `callee`; the test fails when there is none. */
SNIPPET_FN const struct tl_event *call_of(const char *fn, const char *callee) {
  const struct tl_func *f = func(fn);
  for (uint32_t b = 0; b < f->nblocks; b++)
    for (uint32_t i = 0; i < f->blocks[b].nevents; i++)
      if (f->blocks[b].events[i].callee && strcmp(f->blocks[b].events[i].callee, callee) == 0)
        return &f->blocks[b].events[i];
  cr_assert_fail("no call of '%s' in '%s'", callee, fn);
  return NULL;
}

/* The name of slot s of function fn, or "" for no slot. */
SNIPPET_FN const char *slot_name(const char *fn, tl_slot_id s) {
  const struct tl_func *f = func(fn);
  return s && s < f->nslots ? f->slots[s].name : "";
}

#endif /* TL_TEST_SNIPPET_H */
