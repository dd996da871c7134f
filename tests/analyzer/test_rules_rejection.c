/* test_rules_rejection.c — the rule unhandled-rejection on hand-built IR, and the model's
 * callback-err= role it relies on. */
#include "front.h"
#include "rules_ir.h"
#include "tl_errno.h"

extern const struct tl_rule tl_rule_unhandled_rejection;

/* tk_then's callback receives the error as its parameter 0. */
static const char callback_model[] =
  "model cb\n"
  "type tk_promise *\n"
  "fn tk_then consume ticket=0 callback=1 callback-err=0 status=ret\n";

static void setup(void) {
  struct tl_srcerr err;
  rt_setup();
  cr_assert_eq(tl_models_load_buffer(rt_models, "cb.model", callback_model,
                                     strlen(callback_model), &err), 0, "%s", err.msg);
}

static struct tl_unit fe_unit;
static int fe_open;

static void teardown(void) {
  if (fe_open) tl_unit_close(&fe_unit);
  fe_open = 0;
  rt_teardown();
}

TestSuite(rules_rejection, .init = setup, .fini = teardown);

/* An async function `name` that returns an error code on line 2 when `fails`, else 0. */
static void async_fn(const char *name, int fails) {
  rt_func(name);
  rt_event(0, (struct tl_event){.kind = TL_EV_RETURN, .loc = RT_LINE(2),
                                .flags = fails ? TL_F_NONZERO : 0});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, 0, TL_TERM_RETURN, NULL), 0);
  rt_goto(0, rt_fn->exit);
}

/* `t = tk_async(loop, fn, ...)` on line 10 (fn NULL: not a function of this file). */
static tl_slot_id start(uint32_t b, const char *fn) {
  tl_slot_id t = rt_slot("t", TL_SLOT_TICKET | TL_SLOT_POINTER);
  rt_event(b, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = "tk_async",
                                .fn_arg = fn, .loc = RT_LINE(10)});
  return t;
}

/* `err = tk_await(t, &v)` on `line`. */
static void await_into(uint32_t b, uint32_t line, tl_slot_id t, tl_slot_id v, tl_slot_id err) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .dst = v, .aux = err,
                                .callee = "tk_await", .loc = RT_LINE(line), RT_USES(t, v)});
}

static int message_has(uint32_t line, const char *part) {
  const struct tl_diag *d = rt_diag_at(line);
  return d && strstr(d->message, part) != NULL;
}

/* ---- the status of an await ------------------------------------------------------------ */

Test(rules_rejection, discarded_status_is_never_handled) {
  rt_func("customer");
  tl_slot_id t = start(0, NULL);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = "tk_await",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(11)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(11, "status of 'tk_await' is discarded"));
  cr_assert(message_has(11, "never handled"));
}

Test(rules_rejection, status_tested_by_a_branch_is_handled) {
  rt_func("customer");
  tl_slot_id t = start(0, NULL), v = rt_slot("v", TL_SLOT_POINTER), err = rt_slot("err", 0);
  await_into(0, 11, t, v, err);
  uint32_t fail = rt_block(), ok = rt_block();
  rt_branch(0, 12, err, fail, ok);
  rt_return(fail, 13);
  rt_event(ok, (struct tl_event){.kind = TL_EV_CALL, .callee = "serve", .loc = RT_LINE(14),
                                 RT_USES(v)});
  rt_return(ok, 15);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, status_returned_to_the_caller_is_handled) {
  rt_func("make_breakfast");
  tl_slot_id t = start(0, NULL), err = rt_slot("err", 0);
  await_into(0, 11, t, TL_SLOT_NONE, err);
  rt_event(0, (struct tl_event){.kind = TL_EV_RETURN, .loc = RT_LINE(12), RT_USES(err)});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, 0, TL_TERM_RETURN, NULL), 0);
  rt_goto(0, rt_fn->exit);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, status_never_looked_at_before_return) {
  rt_func("customer");
  tl_slot_id t = start(0, NULL), err = rt_slot("err", 0);
  await_into(0, 11, t, TL_SLOT_NONE, err);
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(11, "not checked before the function returns"));
  cr_assert(rt_has_note_at(rt_diag_at(11), 12));
}

Test(rules_rejection, status_checked_on_one_path_only) {
  rt_func("customer");
  tl_slot_id t = start(0, NULL), err = rt_slot("err", 0), c = rt_slot("c", 0);
  await_into(0, 11, t, TL_SLOT_NONE, err);
  uint32_t check = rt_block(), skip = rt_block(), fail = rt_block(), end = rt_block();
  rt_branch(0, 12, c, check, skip);
  rt_branch(check, 13, err, fail, end);
  rt_return(fail, 14);
  rt_goto(skip, end);
  rt_return(end, 15);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(rt_has_note_at(rt_diag_at(11), 15));
}

Test(rules_rejection, value_used_before_the_status) {
  rt_func("customer");
  tl_slot_id t = start(0, NULL), v = rt_slot("v", TL_SLOT_POINTER), err = rt_slot("err", 0);
  await_into(0, 11, t, v, err);
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "serve", .loc = RT_LINE(12),
                                RT_USES(v)});
  uint32_t fail = rt_block(), ok = rt_block();
  rt_branch(0, 13, err, fail, ok);
  rt_return(fail, 14);
  rt_return(ok, 15);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(11, "before its value is used"));
  cr_assert(rt_has_note_at(rt_diag_at(11), 12));
}

Test(rules_rejection, each_value_of_an_await_all_may_be_read_before_its_status) {
  rt_func("table");
  tl_slot_id ts = rt_slot("ts", TL_SLOT_ARRAY), el = rt_child(TL_SLOT_ELEM, ts, NULL);
  tl_slot_id vs = rt_slot("vs", TL_SLOT_ARRAY), err = rt_slot("err", 0);
  rt_fn->slots[el].flags |= TL_SLOT_TICKET;
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = el, .callee = "tk_async",
                                .loc = RT_LINE(10)});
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = el, .dst = vs, .aux = err,
                                .callee = "tk_await_all", .loc = RT_LINE(11), RT_USES(ts, vs)});
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "serve", .loc = RT_LINE(12),
                                RT_USES(vs)});
  rt_event(0, (struct tl_event){.kind = TL_EV_RETURN, .loc = RT_LINE(13), RT_USES(err)});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, 0, TL_TERM_RETURN, NULL), 0);
  rt_goto(0, rt_fn->exit);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, status_overwritten_before_it_is_checked) {
  rt_func("customer");
  tl_slot_id t = start(0, NULL), err = rt_slot("err", 0);
  tl_slot_id t2 = rt_slot("t2", TL_SLOT_TICKET | TL_SLOT_POINTER);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t2, .callee = "tk_async",
                                .loc = RT_LINE(11)});
  await_into(0, 12, t, TL_SLOT_NONE, err);
  await_into(0, 13, t2, TL_SLOT_NONE, err);
  uint32_t fail = rt_block(), ok = rt_block();
  rt_branch(0, 14, err, fail, ok);
  rt_return(fail, 15);
  rt_return(ok, 16);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(12, "before it is overwritten"));
  cr_assert(rt_has_note_at(rt_diag_at(12), 13));
}

Test(rules_rejection, one_of_two_statuses_passed_on_is_handled) {
  /* return err != 0 ? err : err2; */
  rt_func("customer");
  tl_slot_id t = start(0, NULL), err = rt_slot("err", 0), err2 = rt_slot("err2", 0);
  tl_slot_id t2 = rt_slot("t2", TL_SLOT_TICKET | TL_SLOT_POINTER), r = rt_slot("?:", 0);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t2, .callee = "tk_async",
                                .loc = RT_LINE(11)});
  await_into(0, 12, t, TL_SLOT_NONE, err);
  await_into(0, 13, t2, TL_SLOT_NONE, err2);
  uint32_t first = rt_block(), second = rt_block(), end = rt_block();
  rt_branch(0, 14, err, first, second);
  rt_event(first, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = r, .loc = RT_LINE(14),
                                    RT_USES(err)});
  rt_goto(first, end);
  rt_event(second, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = r, .loc = RT_LINE(14),
                                     RT_USES(err2)});
  rt_goto(second, end);
  rt_event(end, (struct tl_event){.kind = TL_EV_RETURN, .loc = RT_LINE(14), RT_USES(r)});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, end, TL_TERM_RETURN, NULL), 0);
  rt_goto(end, rt_fn->exit);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, ignored_status_of_work_that_never_fails_is_quiet) {
  async_fn("brew", 0);
  rt_func("customer");
  tl_slot_id t = start(0, "brew");
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = "tk_await",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(11)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, ignored_status_of_work_that_fails_is_reported) {
  async_fn("brew", 1);
  rt_func("customer");
  tl_slot_id t = start(0, "brew");
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = "tk_await",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(11)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
}

/* ---- tickets of work that can fail, given up ------------------------------------------- */

Test(rules_rejection, detached_ticket_of_failing_work) {
  async_fn("brew", 1);
  rt_func("customer");
  tl_slot_id t = start(0, "brew");
  rt_event(0, (struct tl_event){.kind = TL_EV_DETACH, .ticket = t, .callee = "tk_detach",
                                .loc = RT_LINE(11), RT_USES(t)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(10, "is detached, and 'brew' can fail"));
  cr_assert(rt_has_note_at(rt_diag_at(10), 11));
  cr_assert(rt_has_note_at(rt_diag_at(10), 2), "the note shows where brew fails");
}

Test(rules_rejection, detached_ticket_of_work_that_never_fails_is_quiet) {
  async_fn("log_visit", 0);
  rt_func("customer");
  tl_slot_id t = start(0, "log_visit");
  rt_event(0, (struct tl_event){.kind = TL_EV_DETACH, .ticket = t, .callee = "tk_detach",
                                .loc = RT_LINE(11), RT_USES(t)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, detached_ticket_of_unknown_work_is_quiet) {
  rt_func("customer");
  tl_slot_id t = start(0, "elsewhere");
  rt_event(0, (struct tl_event){.kind = TL_EV_DETACH, .ticket = t, .callee = "tk_detach",
                                .loc = RT_LINE(11), RT_USES(t)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, dropped_ticket_of_failing_work) {
  async_fn("brew", 1);
  rt_func("customer");
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .callee = "tk_async", .fn_arg = "brew",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(10)});
  rt_return(0, 12);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(10, "is dropped"));
}

Test(rules_rejection, ticket_of_failing_work_lost_on_a_path) {
  async_fn("brew", 1);
  rt_func("customer");
  tl_slot_id t = start(0, "brew"), c = rt_slot("c", 0);
  uint32_t leave = rt_block(), wait = rt_block();
  rt_branch(0, 11, c, leave, wait);
  rt_return(leave, 12);
  await_into(wait, 13, t, TL_SLOT_NONE, TL_SLOT_NONE);
  rt_return(wait, 14);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(10, "never awaited"));
  cr_assert(rt_has_note_at(rt_diag_at(10), 12));
}

/* ---- callbacks ------------------------------------------------------------------------- */

/* void announce(int err, void *value, void *arg): reads err on line 3 when `reads`. */
static void callback_fn(const char *name, int reads) {
  rt_func(name);
  tl_slot_id err = rt_slot_kind("err", TL_SLOT_PARAM, 0);
  rt_slot_kind("value", TL_SLOT_PARAM, TL_SLOT_POINTER);
  rt_slot_kind("arg", TL_SLOT_PARAM, TL_SLOT_POINTER);
  if (reads)
    rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "printf", .loc = RT_LINE(3),
                                  RT_USES(err)});
  rt_return(0, 4);
}

static void chain(const char *callback, uint32_t start_flags) {
  rt_func("main");
  tl_slot_id t = rt_slot("t", TL_SLOT_TICKET | TL_SLOT_POINTER);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t, .flags = start_flags,
                                .callee = start_flags & TL_F_TIMER ? "tk_sleep" : "tk_async",
                                .loc = RT_LINE(10)});
  rt_event(0, (struct tl_event){.kind = TL_EV_CONSUME, .ticket = t, .callee = "tk_then",
                                .fn_arg = callback, .loc = RT_LINE(11), RT_USES(t)});
  rt_return(0, 12);
}

Test(rules_rejection, callback_that_never_reads_err) {
  callback_fn("announce", 0);
  chain("announce", 0);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 1);
  cr_assert(message_has(11, "callback 'announce' never reads its error parameter 'err'"));
  cr_assert(rt_has_note_at(rt_diag_at(11), 1), "the note shows the callback");
}

Test(rules_rejection, callback_that_reads_err_is_quiet) {
  callback_fn("pick_up", 1);
  chain("pick_up", 0);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, callback_of_a_timer_need_not_read_err) {
  callback_fn("ring", 0);
  chain("ring", TL_F_TIMER);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

Test(rules_rejection, callback_defined_elsewhere_is_not_judged) {
  chain("announce", 0);
  cr_assert_eq(rt_run(&tl_rule_unhandled_rejection), 0);
}

/* ---- the model's callback-err= --------------------------------------------------------- */

static int load(const char *text, struct tl_srcerr *err) {
  return tl_models_load_buffer(rt_models, "x.model", text, strlen(text), err);
}

Test(rules_rejection, model_callback_err_is_the_callbacks_parameter) {
  const struct tl_model_fn *fn = tl_models_find(rt_models, "tk_then");
  cr_assert(fn);
  cr_assert_eq(fn->callback_err, 0);
  cr_assert_eq(tl_models_find(rt_models, "tk_await")->callback_err, -1, "absent: -1");
}

Test(rules_rejection, model_callback_err_errors) {
  struct tl_srcerr err;
  cr_assert_eq(load("model m\nfn f consume ticket=0 callback-err=0\n", &err), TL_EMODEL);
  cr_assert(strstr(err.msg, "needs role callback="), "%s", err.msg);
  cr_assert_eq(load("model m\nfn f await ticket=0 callback-err=0\n", &err), TL_EMODEL);
  cr_assert(strstr(err.msg, "'callback-err=' does not apply to a 'await'"), "%s", err.msg);
  cr_assert_eq(load("model m\nfn f consume ticket=0 callback=1 callback-err=*0\n", &err),
               TL_EMODEL);
  cr_assert(strstr(err.msg, "invalid parameter '*0'"), "%s", err.msg);
  cr_assert_eq(load("model m\nfn f consume ticket=0 callback=1 callback-err=0 "
                    "callback-err=1\n", &err), TL_EMODEL);
  cr_assert(strstr(err.msg, "duplicate role 'callback-err='"), "%s", err.msg);
}

/* ---- the front-end: the function a start runs, a failing return ------------------------ */

#define SNIPPET TL_TEST_BINARY_DIR "/rejection_snippet.c"

static const struct tl_func *parse_func(const char *src, const char *name) {
  static char text[8192];
  snprintf(text, sizeof text, "#include <stddef.h>\n#include \"ticket.h\"\n%s", src);
  static const char *args[] = {"-I" TL_RUNTIME_INCLUDE_DIR};
  struct tl_front_opts opts = {.args = args, .nargs = 1, .unsaved_name = SNIPPET,
                               .unsaved_text = text, .keep_going = 1};
  if (fe_open) tl_unit_close(&fe_unit);
  fe_open = 1;
  cr_assert_eq(tl_front_clang_parse(SNIPPET, &opts, rt_models, &fe_unit, &rt_diags), 0);
  cr_assert_eq(rt_diags.size, 0, "the snippet compiles");
  for (uint32_t f = 0; f < fe_unit.nfuncs; f++)
    if (strcmp(fe_unit.funcs[f].name, name) == 0) return &fe_unit.funcs[f];
  cr_assert_fail("no function %s", name);
  return NULL;
}

/* The n-th event of `kind` in fn. */
static const struct tl_event *nth(const struct tl_func *fn, enum tl_ev_kind kind, int n) {
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t e = 0; e < fn->blocks[b].nevents; e++)
      if (fn->blocks[b].events[e].kind == kind && n-- == 0) return &fn->blocks[b].events[e];
  cr_assert_fail("no such event");
  return NULL;
}

Test(rules_rejection, front_end_names_the_function_a_start_runs_and_a_callback) {
  const struct tl_func *fn = parse_func(
    "static int brew(void *a, void **r) { *r = a; return 0; }\n"
    "static void done(int err, void *v, void *a) { (void)err; (void)v; (void)a; }\n"
    "int f(tk_loop *loop, tk_fn fp) {\n"
    "  int e = tk_then(tk_async(loop, brew, NULL), done, NULL);\n"
    "  e += tk_then(tk_async(loop, &brew, NULL), &done, NULL);\n"
    "  tk_detach(tk_async(loop, fp, NULL));\n"
    "  return e;\n"
    "}\n", "f");
  cr_assert_str_eq(nth(fn, TL_EV_START, 0)->fn_arg, "brew");
  cr_assert_str_eq(nth(fn, TL_EV_CONSUME, 0)->fn_arg, "done");
  cr_assert_str_eq(nth(fn, TL_EV_START, 1)->fn_arg, "brew");
  cr_assert_str_eq(nth(fn, TL_EV_CONSUME, 1)->fn_arg, "done");
  cr_assert_null(nth(fn, TL_EV_START, 2)->fn_arg, "a function pointer names nothing");
  cr_assert_null(nth(fn, TL_EV_DETACH, 0)->fn_arg);
}

Test(rules_rejection, front_end_marks_returns_of_nonzero_codes) {
  const struct tl_func *fn = parse_func(
    "int f(int c, int err) {\n"
    "  if (c == 1) return TK_EFAILED;\n"
    "  if (c == 2) return -1;\n"
    "  if (c == 3) return err;\n"
    "  if (c == 4) return 3 - 3;\n"
    "  return 0;\n"
    "}\n"
    "void *g(int c) { return c ? (void *)1 : NULL; }\n", "f");
  cr_assert(nth(fn, TL_EV_RETURN, 0)->flags & TL_F_NONZERO, "TK_EFAILED");
  cr_assert(nth(fn, TL_EV_RETURN, 1)->flags & TL_F_NONZERO, "-1");
  cr_assert(!(nth(fn, TL_EV_RETURN, 2)->flags & TL_F_NONZERO), "a variable");
  cr_assert(!(nth(fn, TL_EV_RETURN, 3)->flags & TL_F_NONZERO), "a constant 0");
  cr_assert(!(nth(fn, TL_EV_RETURN, 4)->flags & TL_F_NONZERO), "0");
  const struct tl_func *g = NULL;
  for (uint32_t i = 0; i < fe_unit.nfuncs; i++)
    if (strcmp(fe_unit.funcs[i].name, "g") == 0) g = &fe_unit.funcs[i];
  cr_assert(g);
  cr_assert(!(nth(g, TL_EV_RETURN, 0)->flags & TL_F_NONZERO), "a pointer is no error code");
}
