/* test_solver.c — the dataflow engine (dataflow.c) driven by toy rules defined here. */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "rule.h"
#include "tl_errno.h"

/* ---- toy rule: a started ticket must be awaited before RETURN ---------------------------- */

enum { PENDING = 1 };

static void toy_start(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  *TL_FACT(cx, facts, unsigned char, ev->ticket) = PENDING;
}

static void toy_await(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  *TL_FACT(cx, facts, unsigned char, ev->ticket) = 0;
}

static void toy_return(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  const struct tl_func *fn = tl_rctx_func(cx);
  for (tl_slot_id s = 1; s < fn->nslots; s++)
    if (*TL_FACT(cx, facts, unsigned char, s) & PENDING) {
      struct tl_diag *d = tl_report(cx, ev->loc, "'%s' started and never awaited",
                                    fn->slots[s].name);
      tl_note(cx, d, fn->loc, "in '%s'", fn->name);
    }
}

/* A POLL's answer goes to dst; on the "done" edge of a branch on it, the ticket is done. */
static void toy_edge(struct tl_rctx *cx, void *facts, const struct tl_block *from,
                     uint32_t succ) {
  if (from->term != TL_TERM_BRANCH || succ != 0 || from->nevents == 0) return;
  const struct tl_event *last = &from->events[from->nevents - 1];
  if (last->kind == TL_EV_POLL && from->cond.slot == last->dst)
    *TL_FACT(cx, facts, unsigned char, last->ticket) = 0;
}

static void toy_join(void *dst, const void *src) {
  *(unsigned char *)dst |= *(const unsigned char *)src;
}

static const struct tl_rule toy_rule = {
  .id = "toy-unawaited",
  .severity = TL_SEV_WARNING,
  .fact_size = 1,
  .handlers = {
    [TL_EV_START] = toy_start,
    [TL_EV_AWAIT] = toy_await,
    [TL_EV_RETURN] = toy_return,
  },
  .edge = toy_edge,
  .join = toy_join,
};

/* ---- building functions by hand ------------------------------------------------------- */

static struct tl_unit unit;
static struct tl_diags diags;

static void setup(void) {
  cr_assert_eq(tl_unit_init(&unit, "solver.c"), 0);
  tl_diags_init(&diags);
}

static void teardown(void) {
  tl_diags_close(&diags);
  tl_unit_close(&unit);
}

TestSuite(solver, .init = setup, .fini = teardown);

static struct tl_func *func(const char *name) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, name, &fn), 0);
  fn->loc = (struct tl_loc){1, 1, 1, 1};
  return fn;
}

static uint32_t block(struct tl_func *fn) {
  uint32_t b;
  cr_assert_eq(tl_func_add_block(&unit, fn, &b), 0);
  return b;
}

static void blocks(struct tl_func *fn, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) block(fn);
}

static tl_slot_id local(struct tl_func *fn, const char *name) {
  struct tl_slot s = {.kind = TL_SLOT_LOCAL, .name = name};
  tl_slot_id id;
  cr_assert_eq(tl_func_add_slot(&unit, fn, &s, &id), 0);
  return id;
}

static void edge(struct tl_func *fn, uint32_t from, uint32_t to) {
  cr_assert_eq(tl_func_add_edge(&unit, fn, from, to), 0);
}

static void event(struct tl_func *fn, uint32_t b, enum tl_ev_kind kind, tl_slot_id ticket,
                  tl_slot_id dst, uint32_t line) {
  struct tl_event ev = {.kind = kind, .ticket = ticket, .dst = dst, .loc = {line, 1, line, 2}};
  cr_assert_eq(tl_func_add_event(&unit, fn, b, &ev), 0);
}

/* `x OP value` with this key: then = first edge. */
static void compare(struct tl_func *fn, uint32_t b, uint32_t key, tl_slot_id slot,
                    enum tl_cmp cmp, long long value, uint32_t then_b, uint32_t else_b) {
  tl_slot_id uses[] = {slot};
  struct tl_cond c = {.key = key, .cmp = cmp, .slot = slot, .value = value, .nuses = 1,
                      .uses = uses};
  cr_assert_eq(tl_func_set_term(&unit, fn, b, TL_TERM_BRANCH, &c), 0);
  edge(fn, b, then_b);
  edge(fn, b, else_b);
}

/* `if (slot)` with this key: then = first edge. */
static void branch(struct tl_func *fn, uint32_t b, uint32_t key, tl_slot_id slot,
                   uint32_t then_b, uint32_t else_b) {
  compare(fn, b, key, slot, TL_CMP_NONZERO, 0, then_b, else_b);
}

static void ret(struct tl_func *fn, uint32_t b, uint32_t line) {
  event(fn, b, TL_EV_RETURN, 0, 0, line);
  cr_assert_eq(tl_func_set_term(&unit, fn, b, TL_TERM_RETURN, NULL), 0);
  edge(fn, b, fn->exit);
}

static int run_rule(const struct tl_rule *rule) {
  char msg[256];
  for (uint32_t i = 0; i < unit.nfuncs; i++)
    cr_assert_eq(tl_func_verify(&unit.funcs[i], msg, sizeof msg), 0, "%s", msg);
  const struct tl_rule *rules[] = {rule};
  struct tl_run run = {.rules = rules, .nrules = 1, .diags = &diags};
  return tl_rules_run(&run, &unit);
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- paths ------------------------------------------------------------------------------ */

/* t = start(); if (c) await(t); return;   bb0 -> {bb2, bb3}, bb2 -> bb3, bb3 ret, bb1 exit */
Test(solver, start_then_branch_with_await_on_one_side_reports) {
  struct tl_func *fn = func("await_on_one_side");
  blocks(fn, 4);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), c = local(fn, "c");
  event(fn, 0, TL_EV_START, t, 0, 2);
  branch(fn, 0, 1, c, 2, 3);
  event(fn, 2, TL_EV_AWAIT, t, 0, 3);
  edge(fn, 2, 3);
  ret(fn, 3, 4);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
  cr_assert_str_eq(diags.data[0].rule, "toy-unawaited");
  cr_assert_str_eq(diags.data[0].file, "solver.c");
  cr_assert_eq(diags.data[0].severity, TL_SEV_WARNING);
  cr_assert_eq(diags.data[0].loc.line, 4);
  cr_assert_str_eq(diags.data[0].message, "'t' started and never awaited");
  cr_assert_eq(diags.data[0].nnotes, 1);
  cr_assert_str_eq(diags.data[0].notes[0].message, "in 'await_on_one_side'");
}

Test(solver, await_on_both_sides_is_quiet) {
  struct tl_func *fn = func("await_on_both_sides");
  blocks(fn, 5);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), c = local(fn, "c");
  event(fn, 0, TL_EV_START, t, 0, 2);
  branch(fn, 0, 1, c, 2, 3);
  event(fn, 2, TL_EV_AWAIT, t, 0, 3);
  event(fn, 3, TL_EV_AWAIT, t, 0, 5);
  edge(fn, 2, 4);
  edge(fn, 3, 4);
  ret(fn, 4, 6);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 0);
}

/* if (c) t = start(); x(); if (c) await(t); return;   with `c = ...` in the middle when
 * reassign is set. bb0 -> {bb2, bb3}; bb2 -> bb3; bb3 -> {bb4, bb5}; bb4 -> bb5; bb5 ret. */
static void build_correlated(int reassign, uint32_t second_key) {
  struct tl_func *fn = func("correlated");
  blocks(fn, 6);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), c = local(fn, "c"), x = local(fn, "x");
  branch(fn, 0, 7, c, 2, 3);
  event(fn, 2, TL_EV_START, t, 0, 3);
  edge(fn, 2, 3);
  event(fn, 3, TL_EV_CALL, 0, x, 4);
  if (reassign) event(fn, 3, TL_EV_ASSIGN, 0, c, 5);
  branch(fn, 3, second_key, c, 4, 5);
  event(fn, 4, TL_EV_AWAIT, t, 0, 6);
  edge(fn, 4, 5);
  ret(fn, 5, 7);
}

Test(solver, correlated_branches_are_quiet) {
  build_correlated(0, 7);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 0);
}

Test(solver, branches_with_different_keys_are_not_correlated) {
  build_correlated(0, 8);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
}

Test(solver, correlated_branches_report_when_condition_reassigned) {
  build_correlated(1, 7);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
  cr_assert_eq(diags.data[0].loc.line, 7);
}

/* if (c) t = start(); c = 1; if (c) await(t); return;  — the constant decides the second
 * test: every path takes its true edge, so t is awaited wherever it was started. */
Test(solver, assigning_a_nonzero_constant_decides_the_condition) {
  struct tl_func *fn = func("decided");
  blocks(fn, 6);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), c = local(fn, "c");
  branch(fn, 0, 7, c, 2, 3);
  event(fn, 2, TL_EV_START, t, 0, 3);
  edge(fn, 2, 3);
  struct tl_event set = {.kind = TL_EV_ASSIGN, .dst = c, .flags = TL_F_CONST | TL_F_NONZERO,
                         .value = 1, .loc = {4, 1, 4, 2}};
  cr_assert_eq(tl_func_add_event(&unit, fn, 3, &set), 0);
  branch(fn, 3, 9, c, 4, 5);
  event(fn, 4, TL_EV_AWAIT, t, 0, 6);
  edge(fn, 4, 5);
  ret(fn, 5, 7);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 0);
}

/* if (i < lim) { t = start(); [i = start(&u); await(u);] } if (i != rhs) await(t); return;
 * — with `i < 4` assumed, `i != 4` holds (and `i != 2` says nothing); a START whose status
 * writes i in between forgets it. bb0 -> {bb2, bb3}; bb2 -> bb3; bb3 -> {bb4, bb5}. */
static void build_implied(long long lim, long long rhs, int write_by_start) {
  struct tl_func *fn = func("implied");
  blocks(fn, 6);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), i = local(fn, "i"), u = local(fn, "u");
  compare(fn, 0, 7, i, TL_CMP_LT, lim, 2, 3);
  event(fn, 2, TL_EV_START, t, 0, 3);
  if (write_by_start) {
    event(fn, 2, TL_EV_START, u, i, 4);
    event(fn, 2, TL_EV_AWAIT, u, 0, 5);
  }
  edge(fn, 2, 3);
  compare(fn, 3, 9, i, TL_CMP_NE, rhs, 4, 5);
  event(fn, 4, TL_EV_AWAIT, t, 0, 6);
  edge(fn, 4, 5);
  ret(fn, 5, 7);
}

Test(solver, a_comparison_with_a_constant_decides_another_of_the_same_slot) {
  build_implied(4, 4, 0);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 0);
}

Test(solver, a_comparison_that_does_not_decide_leaves_both_edges) {
  build_implied(4, 2, 0);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
}

Test(solver, a_negative_constant_decides_nothing_of_a_nonnegative_one) {
  build_implied(4, -1, 0);             /* `i == -1` is possible if i is unsigned */
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
}

Test(solver, a_start_writing_the_slot_as_its_status_forgets_it) {
  build_implied(4, 4, 1);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
}

/* The condition reads s.flag; writing s (its root) forgets the assumption. */
Test(solver, writing_the_root_of_a_condition_slot_forgets_it) {
  struct tl_func *fn = func("root_written");
  blocks(fn, 6);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), s = local(fn, "s"), flag;
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_FIELD, s, "flag", &flag), 0);
  branch(fn, 0, 3, flag, 2, 3);
  event(fn, 2, TL_EV_START, t, 0, 3);
  edge(fn, 2, 3);
  event(fn, 3, TL_EV_CALL, 0, s, 4);          /* s = make(); */
  branch(fn, 3, 3, flag, 4, 5);
  event(fn, 4, TL_EV_AWAIT, t, 0, 6);
  edge(fn, 4, 5);
  ret(fn, 5, 7);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
}

/* t = start(); flag = poll(t); if (flag) {} else await(t); return;  — the edge hook says
 * the "done" side needs no await. */
Test(solver, edge_hook_refines_the_taken_branch) {
  struct tl_func *fn = func("poll_then_await");
  blocks(fn, 5);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), flag = local(fn, "flag");
  event(fn, 0, TL_EV_START, t, 0, 2);
  event(fn, 0, TL_EV_POLL, t, flag, 3);
  branch(fn, 0, 9, flag, 2, 3);
  edge(fn, 2, 4);
  event(fn, 3, TL_EV_AWAIT, t, 0, 4);
  edge(fn, 3, 4);
  ret(fn, 4, 5);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 0);
}

/* ---- loops ------------------------------------------------------------------------------ */

/* while (k) { body } return;   bb0 -> bb2(head) -> {bb3(body), bb4}; bb3 -> bb2; bb4 ret */
static struct tl_func *build_loop(int await_in_body) {
  struct tl_func *fn = func("loop");
  blocks(fn, 5);
  fn->exit = 1;
  tl_slot_id t = local(fn, "t"), k = local(fn, "k");
  edge(fn, 0, 2);
  branch(fn, 2, 4, k, 3, 4);
  event(fn, 3, TL_EV_START, t, 0, 3);
  if (await_in_body) event(fn, 3, TL_EV_AWAIT, t, 0, 4);
  event(fn, 3, TL_EV_ASSIGN, 0, k, 5);
  edge(fn, 3, 2);
  ret(fn, 4, 6);
  return fn;
}

Test(solver, loop_reaches_fixed_point_and_reports) {
  build_loop(0);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
  cr_assert_eq(diags.data[0].loc.line, 6);
}

Test(solver, loop_with_await_in_body_is_quiet) {
  build_loop(1);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 0);
}

/* ---- size ------------------------------------------------------------------------------- */

Test(solver, straight_line_of_10k_blocks_is_fast, .timeout = 30) {
  const uint32_t n = 10000;
  struct tl_func *fn = func("long");
  blocks(fn, n);
  fn->exit = n - 1;
  tl_slot_id t = local(fn, "t"), u = local(fn, "u");
  for (uint32_t b = 0; b + 2 < n; b++) edge(fn, b, b + 1);
  event(fn, 1, TL_EV_START, t, 0, 2);
  event(fn, 2, TL_EV_START, u, 0, 3);
  event(fn, n - 3, TL_EV_AWAIT, t, 0, 4);
  ret(fn, n - 2, 5);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_lt(seconds_since(&t0), 2.0);
  cr_assert_eq(diags.size, 1);
  cr_assert_str_eq(diags.data[0].message, "'u' started and never awaited");
}

/* t = start(); if (c1) { if (c2) { ... if (c1000) await(t); ... } } return;
 * cond blocks C_i, join blocks J_i: C_i -> {C_i+1, J_i}; C_n -> J_n; J_i -> J_i-1; J_0 ret. */
Test(solver, nested_if_chain_of_depth_1k_is_fast, .timeout = 30) {
  const uint32_t depth = 1000;
  struct tl_func *fn = func("deep");
  uint32_t entry = block(fn);
  fn->exit = block(fn);
  uint32_t ret_b = block(fn);
  uint32_t cblk[1001], jblk[1001];
  for (uint32_t i = 0; i <= depth; i++) {
    cblk[i] = block(fn);
    jblk[i] = block(fn);
  }
  tl_slot_id t = local(fn, "t"), c[1000];
  for (uint32_t i = 0; i < depth; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%u", i);
    c[i] = local(fn, name);
  }
  event(fn, entry, TL_EV_START, t, 0, 2);
  edge(fn, entry, cblk[0]);
  for (uint32_t i = 0; i < depth; i++) branch(fn, cblk[i], i + 1, c[i], cblk[i + 1], jblk[i]);
  event(fn, cblk[depth], TL_EV_AWAIT, t, 0, 3);
  edge(fn, cblk[depth], jblk[depth]);
  for (uint32_t i = depth; i > 0; i--) edge(fn, jblk[i], jblk[i - 1]);
  edge(fn, jblk[0], ret_b);
  ret(fn, ret_b, 9);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_lt(seconds_since(&t0), 2.0);
  cr_assert_eq(diags.size, 1, "one finding, however many paths reach the return");
}

/* ---- the iteration cap ------------------------------------------------------------------ */

/* Not a lattice: every CALL bumps a counter and the join overwrites, so a loop never
 * stabilises. */
static void bump(struct tl_rctx *cx, void *facts, const struct tl_event *ev) {
  (*TL_FACT(cx, facts, unsigned char, ev->dst))++;
}

static void overwrite(void *dst, const void *src) {
  *(unsigned char *)dst = *(const unsigned char *)src;
}

static const struct tl_rule churning_rule = {
  .id = "churn",
  .severity = TL_SEV_WARNING,
  .fact_size = 1,
  .handlers = {[TL_EV_CALL] = bump, [TL_EV_RETURN] = toy_return},
  .join = overwrite,
};

Test(solver, iteration_cap_returns_elimit_without_hanging, .timeout = 30) {
  struct tl_func *fn = func("spin");
  blocks(fn, 4);
  fn->exit = 1;
  tl_slot_id x = local(fn, "x");
  edge(fn, 0, 2);
  event(fn, 2, TL_EV_CALL, 0, x, 3);
  branch(fn, 2, 1, x, 2, 3);
  ret(fn, 3, 4);
  struct tl_func *other = func("after_the_spin");    /* still analysed afterwards */
  blocks(other, 3);
  other->exit = 1;
  tl_slot_id t = local(other, "t");
  edge(other, 0, 2);
  event(other, 0, TL_EV_START, t, 0, 12);
  ret(other, 2, 13);
  cr_assert_eq(run_rule(&churning_rule), TL_ELIMIT);
  cr_assert_eq(diags.size, 1);
  cr_assert_str_eq(diags.data[0].rule, "analysis-limit");
  cr_assert_eq(diags.data[0].severity, TL_SEV_NOTE);
  cr_assert(strstr(diags.data[0].message, "'spin' too complex to analyse"), "%s",
            diags.data[0].message);
  /* the same unit, a lattice rule: no limit, the second function reports */
  tl_diags_close(&diags);
  tl_diags_init(&diags);
  cr_assert_eq(run_rule(&toy_rule), 0);
  cr_assert_eq(diags.size, 1);
  cr_assert_eq(diags.data[0].loc.line, 13);
}

/* ---- hooks ------------------------------------------------------------------------------ */

static void count_function(struct tl_rctx *cx, const struct tl_func *fn) {
  cr_assert_not_null(tl_arena_alloc(tl_rctx_arena(cx), 64), "scratch memory for rules");
  tl_report(cx, fn->loc, "'%s' has %u loops, idom %s, reporting %d, block %s", fn->name,
            fn->nloops, fn->idom ? "set" : "unset", tl_rctx_reporting(cx),
            tl_rctx_block(cx) ? "set" : "unset");
}

static const struct tl_rule function_rule = {
  .id = "function-only",
  .severity = TL_SEV_NOTE,
  .function = count_function,
};

Test(solver, function_hook_runs_once_with_cfg_analyses_done) {
  build_loop(0);
  cr_assert_eq(run_rule(&function_rule), 0);
  cr_assert_eq(diags.size, 1);
  cr_assert_str_eq(diags.data[0].message, "'loop' has 1 loops, idom set, reporting 1, block unset");
  cr_assert_str_eq(diags.data[0].rule, "function-only");
}

static void pending_param(struct tl_rctx *cx, void *facts) {
  *TL_FACT(cx, facts, unsigned char, 1) = PENDING;
}

Test(solver, init_sets_entry_facts) {
  struct tl_rule rule = toy_rule;
  rule.init = pending_param;
  struct tl_func *fn = func("param");
  blocks(fn, 3);
  fn->exit = 1;
  struct tl_slot p = {.kind = TL_SLOT_PARAM, .name = "p"};
  tl_slot_id id;
  cr_assert_eq(tl_func_add_slot(&unit, fn, &p, &id), 0);
  edge(fn, 0, 2);
  ret(fn, 2, 3);
  cr_assert_eq(run_rule(&rule), 0);
  cr_assert_eq(diags.size, 1);
  cr_assert_str_eq(diags.data[0].message, "'p' started and never awaited");
}
