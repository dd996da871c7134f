/* test_asyncctx.c — the async context of a unit (asyncctx.h) on hand-built call graphs:
 * async roots, helpers called only from async code, recursion, cycles nothing reaches,
 * loop callbacks, worker functions, the blocking summaries, and the per-unit memo. */
#include "asyncctx.h"
#include "rules_ir.h"
#include "tl_errno.h"

TestSuite(asyncctx, .init = rt_setup, .fini = rt_teardown);

#define NONE UINT32_MAX

/* ---- building blocks ------------------------------------------------------------------- */

/* A function of one block: the calls and blocking calls of `body`, then a return. Each
 * entry is a callee; a name starting with '!' is a blocking call of the models (usleep). */
static void func(const char *name, uint32_t flags, uint32_t line, const char *const *body) {
  rt_func(name);
  rt_fn->flags = flags;
  for (uint32_t i = 0; body && body[i]; i++) {
    if (body[i][0] == '!')
      rt_event(0, (struct tl_event){.kind = TL_EV_BLOCKING, .callee = body[i] + 1,
                                    .loc = RT_LINE(line + 1 + i)});
    else
      rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .flags = TL_F_DISCARDED,
                                    .callee = body[i], .loc = RT_LINE(line + 1 + i)});
  }
  rt_return(0, line + 9);
}

#define BODY(...) ((const char *const[]){__VA_ARGS__, NULL})

static tl_arena *arena;

static const struct tl_asyncctx *compute(void) {
  const struct tl_asyncctx *ac = NULL;
  arena = tl_arena_new();
  cr_assert_not_null(arena);
  cr_assert_eq(tl_asyncctx_compute(&rt_unit, arena, &ac), 0);
  cr_assert_not_null(ac);
  cr_assert_eq(ac->nfuncs, rt_unit.nfuncs);
  return ac;
}

static void done(void) {
  tl_arena_free(arena);
  arena = NULL;
}

static const struct tl_actx_fn *fn_of(const struct tl_asyncctx *ac, const char *name) {
  uint32_t f = tl_asyncctx_find(ac, name);
  cr_assert_neq(f, NONE, "no function '%s'", name);
  return &ac->fns[f];
}

static void expect_ctx(const struct tl_asyncctx *ac, const char *name, int async, int loop,
                       enum tl_actx_why why) {
  const struct tl_actx_fn *a = fn_of(ac, name);
  cr_expect_eq(a->async, async, "%s: async %d, expected %d", name, a->async, async);
  cr_expect_eq(a->loop, loop, "%s: loop %d, expected %d", name, a->loop, loop);
  cr_expect_eq(a->why, why, "%s: why %d, expected %d", name, a->why, why);
}

/* The witness of `name` is a call on `line` in function `from`. */
static void expect_witness(const struct tl_asyncctx *ac, const char *name, const char *from,
                           uint32_t line) {
  const struct tl_actx_fn *a = fn_of(ac, name);
  cr_assert_not_null(a->witness, "%s has no witness", name);
  cr_expect_eq(a->witness_fn, tl_asyncctx_find(ac, from), "%s: witness in another function",
               name);
  cr_expect_eq(a->witness->loc.line, line);
  cr_expect_str_eq(a->witness->callee, name);
}

/* ---- async ------------------------------------------------------------------------------ */

Test(asyncctx, marked_and_passed_functions_are_async_roots) {
  func("marked", TL_FN_ASYNC_MARKED | TL_FN_STATIC, 10, NULL);
  func("passed", TL_FN_ASYNC_PASSED, 20, NULL);
  func("main", 0, 30, NULL);
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "marked", 1, 1, TL_ACTX_MARKED);
  expect_ctx(ac, "passed", 1, 1, TL_ACTX_PASSED);
  expect_ctx(ac, "main", 0, 0, TL_ACTX_MAIN);
  cr_expect_null(fn_of(ac, "marked")->witness);
  done();
}

Test(asyncctx, helper_called_only_from_async_functions_is_async) {
  func("wait_for_order", TL_FN_STATIC, 10, NULL);
  func("customer", TL_FN_ASYNC_MARKED, 20, BODY("wait_for_order"));
  func("barista", TL_FN_ASYNC_PASSED, 30, BODY("wait_for_order"));
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "wait_for_order", 1, 1, TL_ACTX_CALLED);
  expect_witness(ac, "wait_for_order", "customer", 21);
  done();
}

Test(asyncctx, extern_helper_called_only_from_async_counts_as_async) {
  func("wait_for_order", 0, 10, NULL);                 /* not static */
  func("customer", TL_FN_ASYNC_MARKED, 20, BODY("wait_for_order"));
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "wait_for_order", 1, 1, TL_ACTX_CALLED);
  done();
}

Test(asyncctx, one_caller_outside_makes_a_helper_and_its_callees_not_async) {
  func("wait_for_order", TL_FN_STATIC, 10, BODY("log_wait"));
  func("log_wait", TL_FN_STATIC, 20, NULL);
  func("customer", TL_FN_ASYNC_MARKED, 30, BODY("wait_for_order", "log_wait"));
  func("main", 0, 40, BODY("wait_for_order"));
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "wait_for_order", 0, 0, TL_ACTX_CALLER);
  expect_witness(ac, "wait_for_order", "main", 41);
  expect_ctx(ac, "log_wait", 0, 0, TL_ACTX_CALLER);      /* one caller, wait_for_order, is not */
  expect_witness(ac, "log_wait", "wait_for_order", 11);
  done();
}

Test(asyncctx, function_nothing_calls_is_not_async) {
  func("exported_fetch", 0, 10, NULL);
  func("unused_helper", TL_FN_STATIC, 20, NULL);
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "exported_fetch", 0, 0, TL_ACTX_UNCALLED);
  expect_ctx(ac, "unused_helper", 0, 0, TL_ACTX_UNCALLED);
  cr_expect_null(fn_of(ac, "unused_helper")->witness);
  done();
}

Test(asyncctx, recursive_helpers_reached_from_async_are_async) {
  func("count_down", TL_FN_STATIC, 10, BODY("count_down"));     /* calls itself */
  func("ping", TL_FN_STATIC, 20, BODY("pong"));                 /* ping <-> pong */
  func("pong", TL_FN_STATIC, 30, BODY("ping"));
  func("customer", TL_FN_ASYNC_MARKED, 40, BODY("count_down", "ping"));
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "count_down", 1, 1, TL_ACTX_CALLED);
  expect_ctx(ac, "ping", 1, 1, TL_ACTX_CALLED);
  expect_ctx(ac, "pong", 1, 1, TL_ACTX_CALLED);
  done();
}

Test(asyncctx, cycle_nothing_async_reaches_is_not_async) {
  func("ping", TL_FN_STATIC, 10, BODY("pong"));
  func("pong", TL_FN_STATIC, 20, BODY("ping"));
  func("customer", TL_FN_ASYNC_MARKED, 30, NULL);
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "ping", 0, 0, TL_ACTX_CALLER);
  expect_ctx(ac, "pong", 0, 0, TL_ACTX_CALLER);
  done();
}

Test(asyncctx, recursion_does_not_shield_a_helper_main_also_calls) {
  func("count_down", TL_FN_STATIC, 10, BODY("count_down"));
  func("customer", TL_FN_ASYNC_MARKED, 20, BODY("count_down"));
  func("main", 0, 30, BODY("count_down"));
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "count_down", 0, 0, TL_ACTX_CALLER);
  expect_witness(ac, "count_down", "main", 31);
  done();
}

/* ---- loop context ----------------------------------------------------------------------- */

Test(asyncctx, callback_runs_on_the_loop_but_is_not_async) {
  func("pick_up", TL_FN_CALLBACK | TL_FN_STATIC, 10, BODY("print_receipt"));
  func("print_receipt", TL_FN_STATIC, 20, NULL);
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "pick_up", 0, 1, TL_ACTX_CALLBACK);
  expect_ctx(ac, "print_receipt", 0, 1, TL_ACTX_CALLER);
  done();
}

Test(asyncctx, offloaded_function_is_neither_async_nor_on_the_loop) {
  func("grind", TL_FN_OFFLOADED | TL_FN_STATIC, 10, BODY("weigh"));
  func("weigh", TL_FN_STATIC, 20, NULL);
  func("barista", TL_FN_ASYNC_MARKED, 30, BODY("grind"));   /* also called directly */
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "grind", 0, 0, TL_ACTX_OFFLOADED);
  expect_ctx(ac, "weigh", 0, 0, TL_ACTX_CALLER);
  done();
}

Test(asyncctx, helper_shared_by_async_and_callback_is_on_the_loop_not_async) {
  func("print_receipt", TL_FN_STATIC, 10, NULL);
  func("pick_up", TL_FN_CALLBACK, 20, BODY("print_receipt"));
  func("customer", TL_FN_ASYNC_MARKED, 30, BODY("print_receipt"));
  const struct tl_asyncctx *ac = compute();
  expect_ctx(ac, "print_receipt", 0, 1, TL_ACTX_CALLER);
  expect_witness(ac, "print_receipt", "pick_up", 21);
  char buf[128];
  cr_expect_str_eq(tl_asyncctx_describe(ac, tl_asyncctx_find(ac, "customer"), buf,
                                        sizeof buf), "async function 'customer'");
  cr_expect_str_eq(tl_asyncctx_describe(ac, tl_asyncctx_find(ac, "pick_up"), buf, sizeof buf),
                   "loop callback 'pick_up'");
  cr_expect_str_eq(tl_asyncctx_describe(ac, tl_asyncctx_find(ac, "print_receipt"), buf,
                                        sizeof buf), "'print_receipt', which runs on the loop");
  done();
}

/* ---- blocking summaries ----------------------------------------------------------------- */

Test(asyncctx, blocking_summary_follows_the_shortest_chain_of_non_loop_helpers) {
  func("nap", TL_FN_STATIC, 10, BODY("!usleep"));
  func("long_way", TL_FN_STATIC, 20, BODY("nap"));
  func("pause_all", TL_FN_STATIC, 30, BODY("long_way", "nap"));   /* nap is one step closer */
  func("tidy", TL_FN_STATIC, 40, BODY("log"));
  func("log", TL_FN_STATIC, 50, NULL);
  func("main", 0, 60, BODY("pause_all", "tidy"));
  func("barista", TL_FN_ASYNC_MARKED, 70, BODY("pause_all", "!usleep"));
  const struct tl_asyncctx *ac = compute();
  const struct tl_actx_fn *nap = fn_of(ac, "nap"), *all = fn_of(ac, "pause_all");
  cr_assert(nap->blocks);
  cr_expect_eq(nap->via_fn, NONE);
  cr_expect_str_eq(nap->via->callee, "usleep");
  cr_assert(all->blocks);
  cr_expect_eq(all->via_fn, tl_asyncctx_find(ac, "nap"));
  cr_expect_eq(all->via->loc.line, 32);
  cr_expect(fn_of(ac, "long_way")->blocks);
  cr_expect(fn_of(ac, "main")->blocks);
  cr_expect(!fn_of(ac, "tidy")->blocks);
  cr_expect(!fn_of(ac, "log")->blocks);
  cr_expect(!fn_of(ac, "barista")->blocks, "loop functions get no summary");
  done();
}

Test(asyncctx, blocking_summary_stops_at_loop_functions) {
  func("pick_up", TL_FN_CALLBACK | TL_FN_STATIC, 10, BODY("!usleep"));
  func("main", 0, 20, BODY("pick_up"));
  const struct tl_asyncctx *ac = compute();
  cr_expect(!fn_of(ac, "pick_up")->blocks);
  cr_expect(!fn_of(ac, "main")->blocks, "the callback's blocking call is reported in it");
  done();
}

/* ---- the per-unit memo ------------------------------------------------------------------ */

struct memo_probe {
  int computed;
  const struct tl_asyncctx *seen[4];
  int nseen;
};

static struct memo_probe probe;

static int count_compute(const struct tl_unit *unit, tl_arena *a, void **out) {
  (void)unit;
  probe.computed++;
  *out = tl_arena_alloc(a, 1);
  return *out ? 0 : TL_ENOMEM;
}

static const char probe_key = 0;

static void probe_function(struct tl_rctx *cx, const struct tl_func *fn) {
  void *v = NULL;
  cr_assert_eq(tl_rctx_memo(cx, &probe_key, count_compute, &v), 0);
  cr_assert_not_null(v);
  const struct tl_asyncctx *ac = tl_asyncctx_of(cx);
  cr_assert_not_null(ac);
  cr_assert_eq(ac->unit, tl_rctx_unit(cx));
  cr_assert_not_null(tl_asyncctx_fn(ac, fn), "the running function is one of the unit's");
  if (probe.nseen < 4) probe.seen[probe.nseen++] = ac;
}

Test(asyncctx, memo_computes_once_per_run_for_every_function_and_rule) {
  static const struct tl_rule probe_rule = {.id = "probe", .function = probe_function};
  func("customer", TL_FN_ASYNC_MARKED, 10, NULL);
  func("main", 0, 20, NULL);
  memset(&probe, 0, sizeof probe);
  const struct tl_rule *const rules[] = {&probe_rule, &probe_rule};
  struct tl_run run = {.rules = rules, .nrules = 2, .models = rt_models, .diags = &rt_diags};
  cr_assert_eq(tl_rules_run(&run, &rt_unit), 0);
  cr_expect_eq(probe.computed, 1);
  cr_assert_eq(probe.nseen, 4);
  cr_assert_not_null(probe.seen[0]);
  for (int i = 1; i < 4; i++) cr_expect_eq(probe.seen[i], probe.seen[0]);  /* not read: freed */
  /* a new run computes again */
  cr_assert_eq(tl_rules_run(&run, &rt_unit), 0);
  cr_expect_eq(probe.computed, 2);
}
