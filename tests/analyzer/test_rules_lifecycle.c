/* test_rules_lifecycle.c — the four rules on the ticket lifecycle (unawaited-ticket,
 * double-await, await-without-start, ticket-reuse) on hand-built IR through the engine:
 * each positive case of the rules' doc comments and the near misses next to it. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_unawaited_ticket;
extern const struct tl_rule tl_rule_double_await;
extern const struct tl_rule tl_rule_await_without_start;
extern const struct tl_rule tl_rule_ticket_reuse;

TestSuite(rules_lifecycle, .init = rt_setup, .fini = rt_teardown);

#define UNAWAITED (&tl_rule_unawaited_ticket)
#define DOUBLE (&tl_rule_double_await)
#define NOSTART (&tl_rule_await_without_start)
#define REUSE (&tl_rule_ticket_reuse)

/* ---- building blocks ------------------------------------------------------------------- */

/* Run one rule on a fresh list of findings (a test may run several rules in turn). */
static size_t run(const struct tl_rule *rule) {
  tl_diags_close(&rt_diags);
  tl_diags_init(&rt_diags);
  return rt_run(rule);
}

static tl_slot_id ticket(const char *name) { return rt_slot(name, TL_SLOT_TICKET); }

static void start_flags(uint32_t b, tl_slot_id t, uint32_t line, uint32_t flags) {
  rt_event(b, (struct tl_event){.kind = TL_EV_START, .ticket = t, .flags = flags,
                                .callee = "tk_async", .loc = RT_LINE(line)});
}

static void start(uint32_t b, tl_slot_id t, uint32_t line) { start_flags(b, t, line, 0); }

static void hand_in(uint32_t b, enum tl_ev_kind kind, const char *callee, tl_slot_id t,
                    uint32_t line) {
  rt_event(b, (struct tl_event){.kind = kind, .ticket = t, .callee = callee,
                                .loc = RT_LINE(line), RT_USES(t)});
}

static void await(uint32_t b, tl_slot_id t, uint32_t line) {
  hand_in(b, TL_EV_AWAIT, "tk_await", t, line);
}

static void await_all(uint32_t b, tl_slot_id elems, uint32_t line) {
  hand_in(b, TL_EV_AWAIT_ALL, "tk_await_all", elems, line);
}

static void assign_null(uint32_t b, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_ASSIGN, .flags = TL_F_NULL | TL_F_CONST,
                                .dst = t, .loc = RT_LINE(line)});
}

static void copy(uint32_t b, tl_slot_id dst, tl_slot_id src, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = dst, .loc = RT_LINE(line),
                                RT_USES(src)});
}

static void return_ticket(uint32_t b, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_RETURN, .ticket = t, .loc = RT_LINE(line),
                                RT_USES(t)});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, b, TL_TERM_RETURN, NULL), 0);
  rt_goto(b, rt_fn->exit);
}

/* `for (i = 0; i < n; i++) body`: `head` tests i (line `line`), the body's last block jumps
 * back after `i++`. Returns the block after the loop; *body is the body's first block. */
struct loop { uint32_t head, body, after; tl_slot_id i; };

static struct loop loop_open(uint32_t pre, uint32_t line) {
  struct loop l = {rt_block(), rt_block(), rt_block(), rt_slot("i", 0)};
  rt_event(pre, (struct tl_event){.kind = TL_EV_ASSIGN, .flags = TL_F_CONST, .dst = l.i,
                                  .loc = RT_LINE(line)});
  rt_goto(pre, l.head);
  tl_slot_id *uses = tl_arena_alloc(rt_unit.arena, sizeof *uses);
  uses[0] = l.i;
  rt_branch_uses(l.head, line, 1, uses, l.body, l.after);
  return l;
}

static void loop_close(const struct loop *l, uint32_t last, uint32_t line) {
  rt_event(last, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = l->i, .loc = RT_LINE(line),
                                   RT_USES(l->i)});
  rt_goto(last, l->head);
}

/* A ticket array `reqs` and its summarised element slot. */
static tl_slot_id elems(const char *name) {
  tl_slot_id a = rt_slot(name, TL_SLOT_ARRAY | TL_SLOT_TICKET);
  tl_slot_id e = rt_child(TL_SLOT_ELEM, a, NULL);
  rt_fn->slots[e].flags |= TL_SLOT_TICKET;
  return e;
}

static const struct tl_diag *expect_finding(const char *rule, uint32_t line, const char *part,
                                            uint32_t note_line) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_assert_str_eq(d->rule, rule);
  cr_assert(strstr(d->message, part), "message: %s", d->message);
  if (note_line) cr_assert(rt_has_note_at(d, note_line), "no note on line %u", note_line);
  return d;
}

/* ---- unawaited-ticket ------------------------------------------------------------------ */

Test(rules_lifecycle, unawaited_when_held_and_never_awaited) {
  rt_func("order_and_leave");
  tl_slot_id t = ticket("t");
  start(0, t, 3);
  rt_return(0, 5);
  cr_assert_eq(run(UNAWAITED), 1);
  const struct tl_diag *d = expect_finding("unawaited-ticket", 3, "never awaited", 5);
  cr_assert(strstr(d->message, "'t'") && strstr(d->message, "'tk_async'"), "%s", d->message);
  cr_assert(strstr(d->notes[0].message, "returns here without awaiting it"));
}

Test(rules_lifecycle, unawaited_when_discarded_at_the_call) {
  rt_func("drop_ticket");
  start_flags(0, TL_SLOT_NONE, 3, TL_F_DISCARDED);
  rt_return(0, 4);
  cr_assert_eq(run(UNAWAITED), 1);
  expect_finding("unawaited-ticket", 3, "never awaited", 0);
}

Test(rules_lifecycle, unawaited_quiet_on_void_cast_and_detach) {
  rt_func("fire_and_forget");
  tl_slot_id t = ticket("t");
  start_flags(0, TL_SLOT_NONE, 3, TL_F_VOID_CAST);
  start(0, t, 4);
  hand_in(0, TL_EV_DETACH, "tk_detach", t, 5);
  rt_return(0, 6);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, unawaited_quiet_when_returned_consumed_or_escaping) {
  rt_func("hand_over");
  tl_slot_id a = ticket("a"), b = ticket("b"), c = ticket("c");
  start(0, a, 3);
  start(0, b, 4);
  start(0, c, 5);
  hand_in(0, TL_EV_CONSUME, "tk_then", a, 6);
  hand_in(0, TL_EV_ESCAPE, NULL, b, 7);
  return_ticket(0, c, 8);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, unawaited_on_early_return_with_note_there) {
  rt_func("fetch");
  tl_slot_id t = ticket("p"), ready = rt_slot("ready", 0);
  uint32_t bail = rt_block(), ok = rt_block();
  start(0, t, 2);
  rt_branch_cmp(0, 3, TL_CMP_ZERO, ready, 0, NULL, bail, ok);
  rt_return(bail, 4);
  await(ok, t, 5);
  rt_return(ok, 6);
  cr_assert_eq(run(UNAWAITED), 1);
  const struct tl_diag *d = expect_finding("unawaited-ticket", 2, "never awaited", 4);
  cr_assert_not(rt_has_note_at(d, 6));
}

Test(rules_lifecycle, unawaited_quiet_on_the_null_branch_of_a_failed_start) {
  rt_func("oom_checked");
  tl_slot_id t = ticket("p");
  uint32_t oom = rt_block(), ok = rt_block();
  start(0, t, 2);
  rt_branch_cmp(0, 3, TL_CMP_ZERO, t, 0, NULL, oom, ok);    /* if (!p) return -1; */
  rt_return(oom, 3);
  await(ok, t, 4);
  rt_return(ok, 5);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, unawaited_when_stored_in_a_local_struct_field) {
  rt_func("stash_in_struct");
  tl_slot_id s = rt_slot("conn", 0);
  tl_slot_id r = rt_child(TL_SLOT_FIELD, s, "req");
  rt_fn->slots[r].flags |= TL_SLOT_TICKET;
  start(0, r, 3);
  rt_return(0, 4);
  cr_assert_eq(run(UNAWAITED), 1);
  expect_finding("unawaited-ticket", 3, "never awaited", 4);
}

Test(rules_lifecycle, unawaited_quiet_when_stored_through_a_pointer_parameter) {
  rt_func("stash_in_caller");
  tl_slot_id p = rt_slot_kind("c", TL_SLOT_PARAM, TL_SLOT_POINTER);
  tl_slot_id r = rt_child(TL_SLOT_FIELD, p, "req");
  rt_fn->slots[r].flags |= TL_SLOT_TICKET;
  start(0, r, 3);
  rt_return(0, 4);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, unawaited_when_a_local_array_is_filled_and_forgotten) {
  rt_func("fill_and_forget");
  tl_slot_id e = elems("reqs");
  struct loop l = loop_open(0, 3);
  start(l.body, e, 4);
  loop_close(&l, l.body, 3);
  rt_return(l.after, 6);
  cr_assert_eq(run(UNAWAITED), 1);
  expect_finding("unawaited-ticket", 4, "never awaited", 6);
}

Test(rules_lifecycle, unawaited_quiet_when_a_filled_array_is_awaited_all) {
  rt_func("fill_then_await_all");
  tl_slot_id e = elems("reqs");
  struct loop l = loop_open(0, 3);
  start(l.body, e, 4);
  loop_close(&l, l.body, 3);
  await_all(l.after, e, 6);
  rt_return(l.after, 7);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, unawaited_quiet_when_a_filled_array_is_awaited_in_a_second_loop) {
  rt_func("fill_then_await_each");
  tl_slot_id e = elems("reqs");
  struct loop l1 = loop_open(0, 3);
  start(l1.body, e, 4);
  loop_close(&l1, l1.body, 3);
  struct loop l2 = loop_open(l1.after, 6);
  await(l2.body, e, 7);
  loop_close(&l2, l2.body, 6);
  rt_return(l2.after, 9);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(DOUBLE), 0);
  cr_assert_eq(run(NOSTART), 0);
  cr_assert_eq(run(REUSE), 0);
}

Test(rules_lifecycle, unawaited_quiet_for_parameters) {
  rt_func("not_mine");
  tl_slot_id p = rt_slot_kind("p", TL_SLOT_PARAM, TL_SLOT_TICKET);
  hand_in(0, TL_EV_POLL, "tk_state", p, 3);
  rt_return(0, 4);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(NOSTART), 0);
}

Test(rules_lifecycle, unawaited_quiet_on_correlated_branches) {
  rt_func("rank_zero_pair");
  tl_slot_id t = ticket("req"), rank = rt_slot("rank", 0);
  uint32_t s1 = rt_block(), j1 = rt_block(), s2 = rt_block(), j2 = rt_block();
  /* both tests are `rank == 0`: one key */
  struct tl_cond c = {.key = 3, .cmp = TL_CMP_EQ, .slot = rank, .value = 0, .constant = "0",
                      .loc = RT_LINE(3), RT_USES(rank)};
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, 0, TL_TERM_BRANCH, &c), 0);
  rt_goto(0, s1);
  rt_goto(0, j1);
  start(s1, t, 4);
  rt_goto(s1, j1);
  c.loc = RT_LINE(6);
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, j1, TL_TERM_BRANCH, &c), 0);
  rt_goto(j1, s2);
  rt_goto(j1, j2);
  await(s2, t, 7);
  rt_goto(s2, j2);
  rt_return(j2, 9);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(NOSTART), 0);
}

Test(rules_lifecycle, unawaited_when_overwritten_while_pending) {
  rt_func("overwrite");
  tl_slot_id t = ticket("t");
  start(0, t, 3);
  assign_null(0, t, 4);
  rt_return(0, 5);
  cr_assert_eq(run(UNAWAITED), 1);
  expect_finding("unawaited-ticket", 3, "never awaited", 4);
}

Test(rules_lifecycle, unawaited_quiet_when_a_copy_is_awaited) {
  rt_func("copy_then_await");
  tl_slot_id t = ticket("t"), u = ticket("u");
  start(0, t, 3);
  copy(0, u, t, 4);
  assign_null(0, t, 5);
  await(0, u, 6);
  rt_return(0, 7);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(DOUBLE), 0);
}

Test(rules_lifecycle, unawaited_when_falling_off_the_end) {
  rt_func("void_fn");
  rt_fn->loc = (struct tl_loc){1, 1, 9, 1};
  tl_slot_id t = ticket("t");
  start(0, t, 3);
  rt_goto(0, rt_fn->exit);
  cr_assert_eq(run(UNAWAITED), 1);
  const struct tl_diag *d = expect_finding("unawaited-ticket", 3, "never awaited", 9);
  cr_assert(strstr(d->notes[0].message, "ends here"), "%s", d->notes[0].message);
}

Test(rules_lifecycle, unawaited_quiet_after_a_noreturn_call) {
  rt_func("die_on_error");
  tl_slot_id t = ticket("t"), err = rt_slot("err", 0);
  uint32_t die = rt_block(), ok = rt_block();
  start(0, t, 3);
  rt_branch(0, 4, err, die, ok);
  rt_event(die, (struct tl_event){.kind = TL_EV_CALL, .flags = TL_F_NORETURN,
                                  .callee = "abort", .loc = RT_LINE(5)});
  rt_goto(die, rt_fn->exit);
  await(ok, t, 6);
  rt_return(ok, 7);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, unawaited_quiet_when_awaited_in_a_retry_loop) {
  rt_func("retry_until_served");
  tl_slot_id t = ticket("order"), err = rt_slot("err", 0);
  start(0, t, 2);
  struct loop l = loop_open(0, 3);
  rt_event(l.body, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .aux = err,
                                     .callee = "tk_await", .loc = RT_LINE(4), RT_USES(t)});
  uint32_t msg = rt_block(), next = rt_block();
  rt_branch(l.body, 5, err, msg, next);
  rt_goto(msg, next);
  loop_close(&l, next, 3);
  rt_return(l.after, 7);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(DOUBLE), 1, "the retry awaits a collected ticket");
}

Test(rules_lifecycle, unawaited_when_a_helper_returning_a_fresh_ticket_is_discarded) {
  rt_func("get_coffee");
  tl_slot_id tmp = rt_slot_kind("tk_async()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  start(0, tmp, 2);
  return_ticket(0, tmp, 2);
  rt_func("customer");
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .flags = TL_F_DISCARDED,
                                .callee = "get_coffee", .loc = RT_LINE(6)});
  tl_slot_id t = ticket("t");
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .dst = t, .callee = "get_coffee",
                                .loc = RT_LINE(7)});
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .flags = TL_F_DISCARDED | TL_F_VOID_CAST,
                                .callee = "get_coffee", .loc = RT_LINE(8)});
  rt_return(0, 9);
  cr_assert_eq(run(UNAWAITED), 2);
  expect_finding("unawaited-ticket", 6, "discarded and never awaited", 0);
  expect_finding("unawaited-ticket", 7, "never awaited", 9);
}

Test(rules_lifecycle, unawaited_quiet_when_a_failed_thread_start_returns) {
  static const struct tl_model_fn thread_create = {
    .name = "pthread_create", .event = TL_ME_START, .ticket = {0, 1},
    .status = {TL_ARG_RET, 0}, .tickets = {TL_ARG_NONE, 0}, .count = {TL_ARG_NONE, 0},
    .lend = {TL_ARG_NONE, 0}, .fill = {TL_ARG_NONE, 0}, .value = {TL_ARG_NONE, 0}};
  rt_func("barista");
  tl_slot_id th = ticket("grinder"), rc = rt_slot_kind("pthread_create()", TL_SLOT_TEMP, 0);
  uint32_t fail = rt_block(), ok = rt_block();
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = th, .dst = rc,
                                .callee = "pthread_create", .model = &thread_create,
                                .loc = RT_LINE(3)});
  rt_branch_cmp(0, 3, TL_CMP_NE, rc, 0, "0", fail, ok);     /* if (pthread_create(..) != 0) */
  rt_return(fail, 4);
  await(ok, th, 5);
  rt_return(ok, 6);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, await_in_main_collects_nothing) {
  rt_func("main");
  tl_slot_id t = ticket("order"), err = rt_slot("err", 0);
  uint32_t handover = rt_block(), j = rt_block();
  start(0, t, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .aux = err,
                                .callee = "tk_await", .loc = RT_LINE(4), RT_USES(t)});
  rt_branch(0, 5, err, handover, j);                /* if (err == TK_ENOTASYNC) */
  hand_in(handover, TL_EV_CONSUME, "tk_then", t, 6);
  rt_goto(handover, j);
  rt_return(j, 8);
  cr_assert_eq(run(DOUBLE), 0, "tk_then after a failed await is the first hand-in");
  cr_assert_eq(run(UNAWAITED), 0);
}

/* ---- double-await ---------------------------------------------------------------------- */

Test(rules_lifecycle, double_await_at_the_second_with_note_at_the_first) {
  rt_func("retry_collected");
  tl_slot_id t = ticket("p");
  start(0, t, 2);
  await(0, t, 3);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(run(DOUBLE), 1);
  expect_finding("double-await", 5, "already collected", 3);
}

Test(rules_lifecycle, double_await_quiet_when_each_branch_awaits_once) {
  rt_func("either_branch");
  tl_slot_id t = ticket("p"), c = rt_slot("c", 0);
  uint32_t a = rt_block(), b = rt_block(), j = rt_block();
  start(0, t, 2);
  rt_branch(0, 3, c, a, b);
  await(a, t, 4);
  rt_goto(a, j);
  await(b, t, 6);
  rt_goto(b, j);
  rt_return(j, 8);
  cr_assert_eq(run(DOUBLE), 0);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, double_await_after_detach_or_then) {
  rt_func("detach_then_await");
  tl_slot_id t = ticket("a"), u = ticket("b");
  start(0, t, 2);
  hand_in(0, TL_EV_DETACH, "tk_detach", t, 3);
  await(0, t, 4);
  start(0, u, 5);
  hand_in(0, TL_EV_CONSUME, "tk_then", u, 6);
  hand_in(0, TL_EV_CONSUME, "tk_then", u, 7);
  rt_return(0, 8);
  cr_assert_eq(run(DOUBLE), 2);
  expect_finding("double-await", 4, "already collected", 3);
  expect_finding("double-await", 7, "already collected", 6);
}

Test(rules_lifecycle, double_await_through_a_copy) {
  rt_func("two_names");
  tl_slot_id t = ticket("t"), u = ticket("u");
  start(0, t, 2);
  copy(0, u, t, 3);
  await(0, t, 4);
  await(0, u, 5);
  rt_return(0, 6);
  cr_assert_eq(run(DOUBLE), 1);
  expect_finding("double-await", 5, "already collected", 4);
}

Test(rules_lifecycle, double_await_of_a_parameter) {
  rt_func("param_twice");
  tl_slot_id p = rt_slot_kind("p", TL_SLOT_PARAM, TL_SLOT_TICKET);
  await(0, p, 2);
  await(0, p, 3);
  rt_return(0, 4);
  cr_assert_eq(run(DOUBLE), 1);
}

Test(rules_lifecycle, double_await_quiet_when_each_iteration_starts_and_awaits) {
  rt_func("serial_orders");
  tl_slot_id t = ticket("t");
  struct loop l = loop_open(0, 3);
  start(l.body, t, 4);
  await(l.body, t, 5);
  loop_close(&l, l.body, 3);
  rt_return(l.after, 7);
  cr_assert_eq(run(DOUBLE), 0);
  cr_assert_eq(run(REUSE), 0);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, double_await_when_a_loop_awaits_one_ticket_repeatedly) {
  rt_func("await_in_loop");
  tl_slot_id t = ticket("t");
  start(0, t, 2);
  struct loop l = loop_open(0, 3);
  await(l.body, t, 4);
  loop_close(&l, l.body, 3);
  rt_return(l.after, 6);
  cr_assert_eq(run(DOUBLE), 1);
  expect_finding("double-await", 4, "already collected", 4);
}

Test(rules_lifecycle, double_await_of_an_array_awaited_all_twice) {
  rt_func("await_all_twice");
  tl_slot_id e = elems("reqs");
  struct loop l = loop_open(0, 3);
  start(l.body, e, 4);
  loop_close(&l, l.body, 3);
  await_all(l.after, e, 6);
  await_all(l.after, e, 7);
  rt_return(l.after, 8);
  cr_assert_eq(run(DOUBLE), 1);
  expect_finding("double-await", 7, "already collected", 6);
}

Test(rules_lifecycle, double_await_quiet_when_an_outer_loop_refills_the_array) {
  rt_func("rounds");
  tl_slot_id e = elems("reqs");
  struct loop outer = loop_open(0, 2);
  struct loop inner = loop_open(outer.body, 3);
  start(inner.body, e, 4);
  loop_close(&inner, inner.body, 3);
  await_all(inner.after, e, 6);
  loop_close(&outer, inner.after, 2);
  rt_return(outer.after, 8);
  cr_assert_eq(run(DOUBLE), 0);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(REUSE), 0);
}

Test(rules_lifecycle, double_await_quiet_when_the_handle_is_cleared_and_tested) {
  rt_func("cleared_handle");
  tl_slot_id t = ticket("t");
  uint32_t again = rt_block(), j = rt_block();
  start(0, t, 2);
  await(0, t, 3);
  assign_null(0, t, 4);
  rt_branch(0, 5, t, again, j);                   /* if (t) tk_await(t, NULL); */
  await(again, t, 6);
  rt_goto(again, j);
  rt_return(j, 8);
  cr_assert_eq(run(DOUBLE), 0);
  cr_assert_eq(run(NOSTART), 0);
}

/* ---- await-without-start --------------------------------------------------------------- */

Test(rules_lifecycle, nostart_when_a_declared_local_is_never_started) {
  rt_func("never_ordered");
  tl_slot_id t = ticket("p");
  rt_fn->slots[t].decl = RT_LINE(2);
  await(0, t, 4);
  rt_return(0, 5);
  cr_assert_eq(run(NOSTART), 1);
  expect_finding("await-without-start", 4, "never issued", 2);
}

Test(rules_lifecycle, nostart_when_started_on_one_branch_only) {
  rt_func("thumbnail");
  tl_slot_id t = ticket("p"), want = rt_slot("want", 0);
  uint32_t s = rt_block(), j = rt_block();
  assign_null(0, t, 2);
  rt_branch(0, 3, want, s, j);
  start(s, t, 4);
  rt_goto(s, j);
  await(j, t, 6);
  rt_return(j, 7);
  cr_assert_eq(run(NOSTART), 1);
  expect_finding("await-without-start", 6, "never issued", 2);
}

Test(rules_lifecycle, nostart_quiet_after_a_null_check) {
  rt_func("thumbnail_checked");
  tl_slot_id t = ticket("p"), want = rt_slot("want", 0);
  uint32_t s = rt_block(), j = rt_block(), aw = rt_block(), end = rt_block();
  assign_null(0, t, 2);
  rt_branch(0, 3, want, s, j);
  start(s, t, 4);
  rt_goto(s, j);
  rt_branch(j, 6, t, aw, end);                    /* if (p) */
  await(aw, t, 7);
  rt_goto(aw, end);
  rt_return(end, 8);
  cr_assert_eq(run(NOSTART), 0);
  cr_assert_eq(run(UNAWAITED), 0);
}

Test(rules_lifecycle, nostart_on_the_null_branch_of_a_test) {
  rt_func("await_when_null");
  tl_slot_id t = ticket("p");
  uint32_t nul = rt_block(), ok = rt_block();
  start(0, t, 2);
  rt_branch_cmp(0, 3, TL_CMP_EQ, t, 0, "NULL", nul, ok);
  await(nul, t, 4);
  rt_return(nul, 5);
  await(ok, t, 6);
  rt_return(ok, 7);
  cr_assert_eq(run(NOSTART), 1);
  expect_finding("await-without-start", 4, "never issued", 3);
}

Test(rules_lifecycle, nostart_quiet_when_an_unmodelled_call_fills_it) {
  rt_func("init_by_address");
  tl_slot_id t = ticket("p");
  assign_null(0, t, 2);
  hand_in(0, TL_EV_ESCAPE, NULL, t, 3);           /* make_order(&p) */
  await(0, t, 4);
  rt_return(0, 5);
  cr_assert_eq(run(NOSTART), 0);
}

Test(rules_lifecycle, nostart_when_an_array_is_never_filled) {
  rt_func("await_empty_array");
  tl_slot_id e = elems("reqs");
  await_all(0, e, 3);
  rt_return(0, 4);
  cr_assert_eq(run(NOSTART), 1);
  expect_finding("await-without-start", 3, "never issued", 0);
}

Test(rules_lifecycle, nostart_quiet_when_an_array_is_filled_in_a_loop) {
  rt_func("fill_then_await_all");
  tl_slot_id e = elems("reqs");
  struct loop l = loop_open(0, 3);
  start(l.body, e, 4);
  loop_close(&l, l.body, 3);
  await_all(l.after, e, 6);
  rt_return(l.after, 7);
  cr_assert_eq(run(NOSTART), 0);
  cr_assert_eq(run(DOUBLE), 0);
}

/* ---- ticket-reuse ---------------------------------------------------------------------- */

Test(rules_lifecycle, reuse_at_the_second_start_with_note_at_the_first) {
  rt_func("two_sends_one_request");
  tl_slot_id t = ticket("req");
  start(0, t, 3);
  start(0, t, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(run(REUSE), 1);
  expect_finding("ticket-reuse", 4, "still pending", 3);
  cr_assert_eq(run(UNAWAITED), 0, "the lost ticket is ticket-reuse's finding");
}

Test(rules_lifecycle, reuse_quiet_when_awaited_in_between) {
  rt_func("send_wait_send_wait");
  tl_slot_id t = ticket("req");
  start(0, t, 3);
  await(0, t, 4);
  start(0, t, 5);
  await(0, t, 6);
  rt_return(0, 7);
  cr_assert_eq(run(REUSE), 0);
}

Test(rules_lifecycle, reuse_when_a_loop_starts_and_awaits_after_it) {
  rt_func("start_in_loop_await_after");
  tl_slot_id t = ticket("t");
  assign_null(0, t, 2);
  struct loop l = loop_open(0, 3);
  start(l.body, t, 4);
  loop_close(&l, l.body, 3);
  await(l.after, t, 6);
  rt_return(l.after, 7);
  cr_assert_eq(run(REUSE), 1);
  expect_finding("ticket-reuse", 4, "still pending", 4);
}

Test(rules_lifecycle, reuse_quiet_when_a_copy_keeps_the_first) {
  rt_func("save_then_restart");
  tl_slot_id t = ticket("t"), keep = ticket("first");
  start(0, t, 3);
  copy(0, keep, t, 4);
  start(0, t, 5);
  await(0, keep, 6);
  await(0, t, 7);
  rt_return(0, 8);
  cr_assert_eq(run(REUSE), 0);
  cr_assert_eq(run(UNAWAITED), 0);
  cr_assert_eq(run(DOUBLE), 0);
}

Test(rules_lifecycle, reuse_quiet_on_a_retry_after_a_failed_start) {
  rt_func("retry_oom");
  tl_slot_id t = ticket("t");
  uint32_t retry = rt_block(), j = rt_block();
  start(0, t, 3);
  rt_branch_cmp(0, 4, TL_CMP_ZERO, t, 0, NULL, retry, j);
  start(retry, t, 5);
  rt_goto(retry, j);
  await(j, t, 7);
  rt_return(j, 8);
  cr_assert_eq(run(REUSE), 0);
}

Test(rules_lifecycle, reuse_quiet_for_temporaries_and_array_elements) {
  rt_func("temps_and_elems");
  tl_slot_id tmp = rt_slot_kind("tk_async()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  tl_slot_id e = elems("reqs");
  struct loop l = loop_open(0, 3);
  start(l.body, tmp, 4);
  await(l.body, tmp, 4);
  start(l.body, e, 5);
  loop_close(&l, l.body, 3);
  await_all(l.after, e, 7);
  rt_return(l.after, 8);
  cr_assert_eq(run(REUSE), 0);
  cr_assert_eq(run(UNAWAITED), 0);
}
