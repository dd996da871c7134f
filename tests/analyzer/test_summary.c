/* test_summary.c — interprocedural summaries (summary.h): each test parses a snippet
 * (including the reference runtime), runs the summary pass, and checks what a function's
 * summary says and what its callers' calls became. */
#include "rule.h"
#include "snippet.h"
#include "summary.h"
#include "tl_errno.h"

TestSuite(summary, .init = snippet_setup, .fini = snippet_teardown);

/* Parse src after `#include "ticket.h"`, then run the summary pass. */
static void parse(const char *src) {
  static const char *args[] = {"-I" TL_RUNTIME_INCLUDE_DIR};
  cr_assert_eq(snippet_parse("summary_snippet.c", "#include <stddef.h>\n#include \"ticket.h\"\n",
                             args, 1, src), 0);
  cr_assert_eq(tl_summary_run(&unit), 0);
  cr_assert_not_null(unit.summaries);
}

static const struct tl_summary *summary(const char *name) {
  const struct tl_summary *s = tl_summaries_find(unit.summaries, name);
  cr_assert_not_null(s, "no summary of '%s'", name);
  return s;
}

/* Number of events of kind k in function fn. */
static int count_kind(const char *fn, enum tl_ev_kind k) {
  int n = 0;
  for (uint32_t f = 0; f < unit.nfuncs; f++) {
    if (strcmp(unit.funcs[f].name, fn) != 0) continue;
    for (uint32_t b = 0; b < unit.funcs[f].nblocks; b++)
      for (uint32_t i = 0; i < unit.funcs[f].blocks[b].nevents; i++)
        n += unit.funcs[f].blocks[b].events[i].kind == k;
  }
  return n;
}

Test(summary, wrapper_returning_a_ticket_is_a_start) {
  parse("static int brew(void *a, void **r) { (void)a; (void)r; return 0; }\n"
        "static tk_promise *open_order(tk_loop *l) { return tk_async(l, brew, NULL); }\n"
        "void customer(tk_loop *l) { tk_promise *t = open_order(l); (void)t; }\n");
  const struct tl_summary *s = summary("open_order");
  cr_assert_eq(s->ret.effect, TL_SUM_START);
  cr_assert(s->has_model);
  cr_assert_eq(s->model.event, TL_ME_START);
  cr_assert_eq(s->model.ticket.index, TL_ARG_RET);
  cr_assert_str_eq(s->via->callee, "tk_async");
  const struct tl_event *ev = call_of("customer", "open_order");
  cr_assert_eq(ev->kind, TL_EV_START);
  cr_assert_str_eq(slot_name("customer", ev->ticket), "t");
  cr_assert_eq(tl_summary_of_model(ev->model), s);
  cr_assert_str_eq(tl_summary_describe(s), "starts a ticket");
}

Test(summary, out_parameter_wrapper_starts_into_the_pointee_and_returns_a_status) {
  parse("static int brew(void *a, void **r) { (void)a; (void)r; return 0; }\n"
        "static int place(tk_loop *l, tk_promise **out) {\n"
        "  if (!l) return TK_EINVAL;\n"
        "  *out = tk_async(l, brew, NULL);\n"
        "  return 0;\n"
        "}\n"
        "void customer(tk_loop *l) { tk_promise *t; place(l, &t); }\n");
  const struct tl_summary *s = summary("place");
  cr_assert_eq(s->pointee[1].effect, TL_SUM_START);
  cr_assert_eq(s->model.ticket.index, 1);
  cr_assert_eq(s->model.ticket.deref, 1);
  cr_assert_eq(s->model.status.index, TL_ARG_RET);
  const struct tl_event *ev = call_of("customer", "place");
  cr_assert_eq(ev->kind, TL_EV_START);
  cr_assert_str_eq(slot_name("customer", ev->ticket), "t");
  cr_assert_eq(count_kind("customer", TL_EV_ESCAPE), 0, "the escape of &t is dropped");
}

Test(summary, helper_awaiting_its_argument_on_every_path_is_an_await) {
  parse("static int collect(tk_promise *p, void **v) {\n"
        "  if (!v) return tk_await(p, NULL);\n"
        "  return tk_await(p, v);\n"
        "}\n"
        "TK_ASYNC static int customer(void *l, void **r) {\n"
        "  tk_promise *t = tk_sleep(l, 5);\n"
        "  return collect(t, r);\n"
        "}\n");
  const struct tl_summary *s = summary("collect");
  cr_assert_eq(s->params[0].effect, TL_SUM_AWAIT);
  cr_assert_eq(s->model.event, TL_ME_AWAIT);
  cr_assert_eq(s->model.status.index, TL_ARG_RET, "it returns the await's status");
  const struct tl_event *ev = call_of("customer", "collect");
  cr_assert_eq(ev->kind, TL_EV_AWAIT);
  cr_assert_str_eq(slot_name("customer", ev->ticket), "t");
  cr_assert_eq(count_kind("customer", TL_EV_ESCAPE), 0);
}

Test(summary, await_on_some_paths_only_lets_the_ticket_escape) {
  parse("static void maybe(tk_promise *p, int now) { if (now) tk_await(p, NULL); }\n"
        "void customer(tk_promise *t) { maybe(t, 1); }\n");
  const struct tl_summary *s = summary("maybe");
  cr_assert_eq(s->params[0].effect, TL_SUM_ESCAPE);
  cr_assert_not(s->has_model);
  cr_assert_eq(call_of("customer", "maybe")->kind, TL_EV_CALL);
  cr_assert_eq(count_kind("customer", TL_EV_ESCAPE), 1, "the argument still escapes");
}

Test(summary, helper_storing_its_argument_lets_it_escape) {
  parse("static tk_promise *held;\n"
        "static void hold(tk_promise *p) { held = p; }\n"
        "void customer(tk_loop *l) { hold(tk_sleep(l, 5)); }\n");
  cr_assert_eq(summary("hold")->params[0].effect, TL_SUM_ESCAPE);
  cr_assert_eq(call_of("customer", "hold")->kind, TL_EV_CALL);
}

Test(summary, helper_reading_the_value_is_a_read) {
  parse("static void *drink_of(tk_promise *p) { return tk_value(p); }\n"
        "void customer(tk_promise *t) { void *d = drink_of(t); (void)d; }\n");
  const struct tl_summary *s = summary("drink_of");
  cr_assert_eq(s->params[0].effect, TL_SUM_READ);
  cr_assert_eq(call_of("customer", "drink_of")->kind, TL_EV_READ);
}

Test(summary, wrappers_of_wrappers_chain) {
  parse("static int brew(void *a, void **r) { (void)a; (void)r; return 0; }\n"
        "static tk_promise *inner(tk_loop *l) { return tk_async(l, brew, NULL); }\n"
        "static tk_promise *outer(tk_loop *l) { return inner(l); }\n"
        "void customer(tk_loop *l) { outer(l); }\n");
  const struct tl_summary *o = summary("outer");
  cr_assert_eq(o->ret.effect, TL_SUM_START);
  cr_assert_str_eq(o->via->callee, "inner");
  cr_assert_eq(tl_summary_of_model(o->via->model), summary("inner"));
  const struct tl_event *ev = call_of("customer", "outer");
  cr_assert_eq(ev->kind, TL_EV_START);
  cr_assert(ev->flags & TL_F_DISCARDED);
}

Test(summary, recursion_reaches_a_fixed_point) {
  parse("static int brew(void *a, void **r) { (void)a; (void)r; return 0; }\n"
        "static tk_promise *retry(tk_loop *l, int n) {\n"
        "  if (n <= 1) return tk_async(l, brew, NULL);\n"
        "  return retry(l, n - 1);\n"
        "}\n"
        "static int drain(tk_promise *p, int n) {\n"
        "  if (n > 0) return drain(p, n - 1);\n"
        "  return tk_await(p, NULL);\n"
        "}\n");
  const struct tl_summary *r = summary("retry");
  cr_assert_eq(r->ret.effect, TL_SUM_START);
  cr_assert_str_eq(r->via->callee, "tk_async", "grounded in the base case");
  cr_assert_eq(summary("drain")->params[0].effect, TL_SUM_AWAIT);
}

Test(summary, recursion_without_a_base_case_is_not_grounded) {
  parse("static tk_promise *forever(tk_loop *l) { return forever(l); }\n"
        "static int spin(tk_promise *p) { return spin(p); }\n");
  cr_assert_not(summary("forever")->has_model);
  cr_assert_not(summary("spin")->has_model);
}

Test(summary, running_twice_changes_nothing) {
  parse("static int brew(void *a, void **r) { (void)a; (void)r; return 0; }\n"
        "static tk_promise *open_order(tk_loop *l) { return tk_async(l, brew, NULL); }\n"
        "void customer(tk_loop *l) { open_order(l); }\n");
  const struct tl_summaries *first = unit.summaries;
  cr_assert_eq(tl_summary_run(&unit), 0);
  cr_assert_eq(unit.summaries, first);
  cr_assert_eq(call_of("customer", "open_order")->kind, TL_EV_START);
}

Test(summary, findings_at_a_rewritten_call_note_the_chain) {
  parse("static int brew(void *a, void **r) { (void)a; (void)r; return 0; }\n"
        "static tk_promise *inner(tk_loop *l) { return tk_async(l, brew, NULL); }\n"
        "static tk_promise *outer(tk_loop *l) { return inner(l); }\n"
        "void customer(tk_loop *l) { outer(l); }\n");
  const struct tl_rule *rule = tl_rule_find("unawaited-ticket");
  const struct tl_rule *rules[] = {rule};
  struct tl_run run = {.rules = rules, .nrules = 1, .models = models, .diags = &diags};
  cr_assert_eq(tl_rules_run(&run, &unit), 0);
  cr_assert_eq(diags.size, 1);
  const struct tl_diag *d = &diags.data[0];
  cr_assert(strstr(d->message, "'outer'"), "%s", d->message);
  cr_assert_eq(d->nnotes, 2);
  cr_assert_str_eq(d->notes[0].message, "'outer' starts a ticket via 'inner' here");
  cr_assert_str_eq(d->notes[1].message, "'inner' starts a ticket via 'tk_async' here");
}
