/* test_rules_invalid.c — the rule invalid-ticket on hand-built IR; the front-end's
 * TL_F_NOT_TICKET flag it reads, on inline snippets; the model's `sentinel` directive. */
#include "front.h"
#include "rules_ir.h"
#include "tl_errno.h"

extern const struct tl_rule tl_rule_invalid_ticket;

/* A library whose ticket type has a constant that names no ticket. */
static const char sentinel_model[] =
  "model jobs2\n"
  "type job_t\n"
  "type struct tk_promise *\n"
  "sentinel JOB_NONE\n"
  "fn job_start  start  ticket=ret\n"
  "fn job_wait   await  ticket=0 value=*1 status=ret\n";

static void setup(void) {
  struct tl_srcerr err;
  rt_setup();
  cr_assert_eq(tl_models_load_buffer(rt_models, "jobs2.model", sentinel_model,
                                     strlen(sentinel_model), &err), 0, "%s", err.msg);
}

static struct tl_unit fe_unit;
static int fe_open;

static void teardown(void) {
  if (fe_open) tl_unit_close(&fe_unit);
  fe_open = 0;
  rt_teardown();
}

TestSuite(rules_invalid, .init = setup, .fini = teardown);

/* ---- the rule -------------------------------------------------------------------------- */

Test(rules_invalid, flagged_await_is_reported) {
  rt_func("customer");
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .callee = "tk_await",
                                .flags = TL_F_NOT_TICKET, .loc = RT_LINE(5)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(&tl_rule_invalid_ticket), 1);
  const struct tl_diag *d = rt_diag_at(5);
  cr_assert(d && strstr(d->message, "'tk_await' is given a null pointer or another constant, "
                        "which is not a ticket"), "%s", d ? d->message : "none");
}

Test(rules_invalid, cast_value_is_named) {
  rt_func("customer");
  tl_slot_id menu = rt_slot("menu", 0);
  rt_event(0, (struct tl_event){.kind = TL_EV_CONSUME, .ticket = menu, .callee = "tk_then",
                                .flags = TL_F_NOT_TICKET, .loc = RT_LINE(5), RT_USES(menu)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(&tl_rule_invalid_ticket), 1);
  cr_assert(strstr(rt_diag_at(5)->message, "'menu' cast to a ticket type, which is not a ticket"));
}

Test(rules_invalid, start_without_a_place_for_its_ticket) {
  rt_func("sender");
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .callee = "MPI_Isend",
                                .flags = TL_F_NOT_TICKET, .loc = RT_LINE(5)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(&tl_rule_invalid_ticket), 1);
  cr_assert(strstr(rt_diag_at(5)->message, "null pointer where its ticket goes: that is not a "
                   "ticket"));
}

Test(rules_invalid, real_tickets_are_quiet) {
  rt_func("customer");
  tl_slot_id t = rt_slot("t", TL_SLOT_TICKET | TL_SLOT_POINTER);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = "tk_async",
                                .loc = RT_LINE(4)});
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = "tk_await",
                                .loc = RT_LINE(5), RT_USES(t)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(&tl_rule_invalid_ticket), 0);
}

Test(rules_invalid, flag_on_other_events_is_ignored) {
  rt_func("customer");
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "printf",
                                .flags = TL_F_NOT_TICKET, .loc = RT_LINE(5)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(&tl_rule_invalid_ticket), 0);
}

/* ---- the front-end: what is not a ticket ----------------------------------------------- */

#define SNIPPET TL_TEST_BINARY_DIR "/invalid_snippet.c"

static void parse(const char *src) {
  static char text[8192];
  snprintf(text, sizeof text,
           "#include <stddef.h>\n#include \"ticket.h\"\n"
           "typedef int MPI_Request;\n"
           "int MPI_Isend(const void *b, int n, int t, int d, int g, int c, MPI_Request *r);\n"
           "int MPI_Wait(MPI_Request *r);\n"
           "typedef int job_t;\nextern const job_t JOB_NONE;\n"
           "job_t job_start(void);\nint job_wait(job_t j, void **v);\n%s", src);
  static const char *args[] = {"-I" TL_RUNTIME_INCLUDE_DIR};
  /* The snippet declares the jobs and MPI APIs itself, including neither header: force them. */
  static const struct tl_model_force jobs_on[] = {{"jobs", 1}, {"mpi", 1}};
  struct tl_front_opts opts = {.args = args, .nargs = 1, .unsaved_name = SNIPPET,
                               .unsaved_text = text, .keep_going = 1,
                               .force = jobs_on, .nforce = 2};
  if (fe_open) tl_unit_close(&fe_unit);
  fe_open = 1;
  cr_assert_eq(tl_front_clang_parse(SNIPPET, &opts, rt_models, &fe_unit, &rt_diags), 0);
  cr_assert_eq(rt_diags.size, 0, "the snippet compiles: %s",
               rt_diags.size ? rt_diags.data[0].message : "");
}

/* The flags of the n-th event calling `callee` in function `fn`. */
static uint32_t flags_of(const char *fn, const char *callee, int n) {
  for (uint32_t f = 0; f < fe_unit.nfuncs; f++) {
    const struct tl_func *func = &fe_unit.funcs[f];
    if (strcmp(func->name, fn) != 0) continue;
    for (uint32_t b = 0; b < func->nblocks; b++)
      for (uint32_t e = 0; e < func->blocks[b].nevents; e++) {
        const struct tl_event *ev = &func->blocks[b].events[e];
        if (ev->kind != TL_EV_CALL && ev->callee && strcmp(ev->callee, callee) == 0 && n-- == 0)
          return ev->flags;
      }
  }
  cr_assert_fail("no call %d of '%s' in %s", n, callee, fn);
  return 0;
}

Test(rules_invalid, front_end_flags_null_constants) {
  parse("static void cb(int err, void *v, void *a) { (void)err; (void)v; (void)a; }\n"
        "int f(tk_loop *loop) {\n"
        "  void *v;\n"
        "  int e = tk_await(NULL, &v) + tk_await(0, &v) + tk_await((tk_promise *)0, &v);\n"
        "  e += tk_then(NULL, cb, NULL) + tk_await_all(NULL, 2, &v);\n"
        "  tk_detach(NULL);\n"
        "  tk_promise *t = tk_async(loop, NULL, NULL);\n"
        "  return e + tk_await(t, &v);\n"
        "}\n");
  for (int i = 0; i < 3; i++)
    cr_assert(flags_of("f", "tk_await", i) & TL_F_NOT_TICKET, "await %d", i);
  cr_assert(!(flags_of("f", "tk_await", 3) & TL_F_NOT_TICKET), "a real ticket");
  cr_assert(flags_of("f", "tk_then", 0) & TL_F_NOT_TICKET);
  cr_assert(flags_of("f", "tk_await_all", 0) & TL_F_NOT_TICKET);
  cr_assert(flags_of("f", "tk_detach", 0) & TL_F_NOT_TICKET);
  cr_assert(!(flags_of("f", "tk_async", 0) & TL_F_NOT_TICKET), "a NULL async-fn is no ticket");
}

Test(rules_invalid, front_end_flags_casts_from_other_types_but_trusts_void_pointers) {
  parse("struct menu { int items; };\n"
        "int f(void *ctx, struct menu *m, long n, struct tk_promise *sp) {\n"
        "  void *v;\n"
        "  int e = tk_await((tk_promise *)m, &v);\n"
        "  e += tk_await((tk_promise *)n, &v);\n"
        "  e += tk_await((tk_promise *)(void *)m, &v);\n"
        "  e += tk_await((tk_promise *)ctx, &v);\n"
        "  e += tk_await((tk_promise *)sp, &v);\n"
        "  return e;\n"
        "}\n");
  cr_assert(flags_of("f", "tk_await", 0) & TL_F_NOT_TICKET, "a struct pointer");
  cr_assert(flags_of("f", "tk_await", 1) & TL_F_NOT_TICKET, "an integer");
  cr_assert(flags_of("f", "tk_await", 2) & TL_F_NOT_TICKET, "through void * and back");
  cr_assert(!(flags_of("f", "tk_await", 3) & TL_F_NOT_TICKET), "a void * context");
  cr_assert(!(flags_of("f", "tk_await", 4) & TL_F_NOT_TICKET), "another spelling");
}

Test(rules_invalid, front_end_flags_sentinels_and_starts_with_nowhere_to_go) {
  parse("int f(const char *buf) {\n"
        "  void *v;\n"
        "  MPI_Request req;\n"
        "  int e = MPI_Isend(buf, 1, 2, 3, 4, 5, NULL);\n"
        "  e += MPI_Isend(buf, 1, 2, 3, 4, 5, &req);\n"
        "  e += MPI_Wait(&req) + MPI_Wait(NULL);\n"
        "  e += job_wait(JOB_NONE, &v);\n"
        "  e += job_wait(job_start(), &v);\n"
        "  return e;\n"
        "}\n");
  cr_assert(flags_of("f", "MPI_Isend", 0) & TL_F_NOT_TICKET, "ticket=*6 given NULL");
  cr_assert(!(flags_of("f", "MPI_Isend", 1) & TL_F_NOT_TICKET));
  cr_assert(!(flags_of("f", "MPI_Wait", 0) & TL_F_NOT_TICKET));
  cr_assert(flags_of("f", "MPI_Wait", 1) & TL_F_NOT_TICKET, "ticket=*0 given NULL");
  cr_assert(flags_of("f", "job_wait", 0) & TL_F_NOT_TICKET, "the sentinel");
  cr_assert(!(flags_of("f", "job_wait", 1) & TL_F_NOT_TICKET));
}

/* ---- the model's sentinel directive ---------------------------------------------------- */

Test(rules_invalid, model_sentinels_are_matched_exactly) {
  cr_assert(tl_models_is_sentinel(rt_models, "JOB_NONE"));
  cr_assert(!tl_models_is_sentinel(rt_models, "JOB_NONE2"));
  cr_assert(!tl_models_is_sentinel(rt_models, "job_none"));
  cr_assert(!tl_models_is_sentinel(rt_models, NULL));
}

Test(rules_invalid, model_sentinel_errors_leave_the_models_unchanged) {
  struct tl_srcerr err;
  const char *none = "model m\nsentinel\n", *bad = "model m\nsentinel A 9X\n";
  cr_assert_eq(tl_models_load_buffer(rt_models, "m", none, strlen(none), &err), TL_EMODEL);
  cr_assert_str_eq(err.msg, "'sentinel' needs a constant name");
  cr_assert_eq(tl_models_load_buffer(rt_models, "m", bad, strlen(bad), &err), TL_EMODEL);
  cr_assert_str_eq(err.msg, "invalid constant name '9X'");
  cr_assert(!tl_models_is_sentinel(rt_models, "A"), "a failed load adds nothing");
}
