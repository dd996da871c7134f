/* test_model_select.c — models selected by the headers a translation unit includes
 * (model.h, "selection by header"), forced on and off by name. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "front.h"
#include "model.h"
#include "tl_errno.h"

static tl_models *models;
static struct tl_unit unit;
static struct tl_diags diags;
static int unit_open;

static void setup(void) {
  struct tl_srcerr err;
  cr_assert_eq(tl_models_new(&models), 0);
  cr_assert_eq(tl_models_load_dir(models, TL_SOURCE_MODEL_DIR, &err), 0, "%s", err.msg);
  static const char extra[] = "model always\nfn shop_open start ticket=ret\n";
  cr_assert_eq(tl_models_load_buffer(models, "always.model", extra, strlen(extra), &err), 0);
  tl_diags_init(&diags);
}

static void teardown(void) {
  if (unit_open) tl_unit_close(&unit);
  unit_open = 0;
  tl_diags_close(&diags);
  tl_models_free(models);
}

TestSuite(model_select, .init = setup, .fini = teardown);

static int on(const struct tl_model_set *set, const char *name) {
  int i = tl_models_model_index(models, name);
  cr_assert_geq(i, 0, "no model '%s'", name);
  return set->on[i];
}

Test(model_select, models_with_a_header_start_off_and_the_others_on) {
  struct tl_model_set set;
  tl_models_set_default(models, &set);
  cr_assert_not(on(&set, "mpi"));
  cr_assert_not(on(&set, "ticket"));
  cr_assert(on(&set, "always"), "no header line: always on");
}

Test(model_select, an_include_selects_every_model_naming_it) {
  struct tl_model_set set;
  tl_models_set_default(models, &set);
  tl_models_set_include(models, &set, "/usr/include/pthread.h");
  cr_assert(on(&set, "pthread"));
  cr_assert(on(&set, "libc"));
  cr_assert_not(on(&set, "mpi"));
  tl_models_set_include(models, &set, "/opt/x/mympi.h");
  cr_assert_not(on(&set, "mpi"), "mympi.h is not mpi.h");
}

Test(model_select, forcing_comes_last_and_unknown_names_are_errors) {
  struct tl_model_set set;
  tl_models_set_default(models, &set);
  tl_models_set_include(models, &set, "ticket.h");
  const struct tl_model_force force[] = {{"mpi", 1}, {"ticket", 0}, {"nosuch", 1}};
  cr_assert_eq(tl_models_set_force(models, &set, force, 3), TL_EINVAL);
  cr_assert(on(&set, "mpi"));
  cr_assert_not(on(&set, "ticket"));
  cr_assert_null(tl_models_find_in(models, &set, "tk_await"));
  cr_assert_not_null(tl_models_find_in(models, &set, "MPI_Wait"));
  cr_assert_not_null(tl_models_find_in(models, NULL, "tk_await"), "no set: all on");
}

#define SNIPPET TL_TEST_BINARY_DIR "/select_snippet.c"

/* The kind of the first event of `f` calling MPI_Wait in `src`, parsed with `force`. */
static enum tl_ev_kind mpi_wait_kind(const char *src, const struct tl_model_force *force,
                                     size_t nforce) {
  static const char *args[] = {"-I" TL_TEST_DATA_DIR "/select"};
  struct tl_front_opts opts = {.args = args, .nargs = 1, .unsaved_name = SNIPPET,
                               .unsaved_text = src, .keep_going = 1, .force = force,
                               .nforce = nforce};
  if (unit_open) tl_unit_close(&unit);
  cr_assert_eq(tl_front_clang_parse(SNIPPET, &opts, models, &unit, &diags), 0);
  unit_open = 1;
  for (uint32_t f = 0; f < unit.nfuncs; f++)
    for (uint32_t b = 0; b < unit.funcs[f].nblocks; b++)
      for (uint32_t i = 0; i < unit.funcs[f].blocks[b].nevents; i++) {
        const struct tl_event *ev = &unit.funcs[f].blocks[b].events[i];
        if (ev->callee && strcmp(ev->callee, "MPI_Wait") == 0) return ev->kind;
      }
  cr_assert_fail("no call of MPI_Wait");
  return TL_EV_CALL;
}

static const char own_mpi_wait[] =
  "int MPI_Wait(int *queue, int ticks);\n"
  "int serve(int *q) { return MPI_Wait(q, 3); }\n";

Test(model_select, a_unit_without_mpi_h_does_not_get_mpi_modelled) {
  cr_assert_eq(mpi_wait_kind(own_mpi_wait, NULL, 0), TL_EV_CALL,
               "a user's own MPI_Wait is not an await");
}

Test(model_select, a_unit_including_mpi_h_gets_mpi) {
  cr_assert_eq(mpi_wait_kind("#include <mpi.h>\n"
                             "int done(MPI_Request *r) { return MPI_Wait(r, 0); }\n", NULL, 0),
               TL_EV_AWAIT);
}

Test(model_select, forced_on_without_the_header) {
  const struct tl_model_force force[] = {{"mpi", 1}};
  cr_assert_eq(mpi_wait_kind(own_mpi_wait, force, 1), TL_EV_AWAIT);
}

Test(model_select, forced_off_with_the_header) {
  const struct tl_model_force force[] = {{"mpi", 0}};
  cr_assert_eq(mpi_wait_kind("#include <mpi.h>\n"
                             "int done(MPI_Request *r) { return MPI_Wait(r, 0); }\n", force, 1),
               TL_EV_CALL);
}
