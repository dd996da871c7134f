/* test_rules_independent.c — serial-independent-awaits (rules/serial_independent_awaits.c)
 * on hand-built IR: each positive case and each near miss of the rule's doc comment, one
 * test each. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_serial_independent_awaits;

TestSuite(rules_independent, .init = rt_setup, .fini = rt_teardown);

#define RULE (&tl_rule_serial_independent_awaits)

/* The slots of `two_orders`: a loop, two orders (a, b), two tickets, results, statuses. */
struct orders {
  tl_slot_id lp, a, b, t1, t2, r1, r2, rc1, rc2;
};

static struct orders orders_func(const char *name) {
  struct orders o;
  rt_func(name);
  o.lp = rt_slot_kind("loop", TL_SLOT_PARAM, TL_SLOT_POINTER);
  o.a = rt_slot("a", 0);
  o.b = rt_slot("b", 0);
  o.t1 = rt_slot("t1", TL_SLOT_TICKET | TL_SLOT_POINTER);
  o.t2 = rt_slot("t2", TL_SLOT_TICKET | TL_SLOT_POINTER);
  o.r1 = rt_slot("r1", TL_SLOT_POINTER | TL_SLOT_ADDR);
  o.r2 = rt_slot("r2", TL_SLOT_POINTER | TL_SLOT_ADDR);
  o.rc1 = rt_slot("rc1", 0);
  o.rc2 = rt_slot("rc2", 0);
  return o;
}

/* t = <callee>(loop, f, arg) */
static void start_at(uint32_t b, const char *callee, tl_slot_id t, tl_slot_id lp,
                     tl_slot_id arg, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = callee,
                                .flags = strcmp(callee, "tk_sleep") == 0 ? TL_F_TIMER : 0,
                                .loc = RT_LINE(line), RT_USES(lp, arg)});
}

/* status = <callee>(t, &dst) */
static void await_at(uint32_t b, const char *callee, tl_slot_id t, tl_slot_id dst,
                     tl_slot_id status, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .dst = dst, .aux = status,
                                .callee = callee, .loc = RT_LINE(line), RT_USES(t, dst)});
}

/* t1 = tk_async(loop, f, a) on line 3; rc1 = tk_await(t1, &r1) on line 4. */
static void first_pair(uint32_t b, struct orders o) {
  start_at(b, "tk_async", o.t1, o.lp, o.a, 3);
  await_at(b, "tk_await", o.t1, o.r1, o.rc1, 4);
}

/* t2 = tk_async(loop, f, arg) on `line`; rc2 = tk_await(t2, &r2) on line + 1. */
static void second_pair(uint32_t b, struct orders o, tl_slot_id arg, uint32_t line) {
  start_at(b, "tk_async", o.t2, o.lp, arg, line);
  await_at(b, "tk_await", o.t2, o.r2, o.rc2, line + 1);
}

static void assert_serial_at(uint32_t line, uint32_t first_await, uint32_t second_start) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_assert_str_eq(d->rule, "serial-independent-awaits");
  cr_assert(strstr(d->message, "one after the other"), "message: %s", d->message);
  cr_assert(rt_has_note_at(d, first_await), "no note on line %u", first_await);
  cr_assert(rt_has_note_at(d, second_start), "no note on line %u", second_start);
}

/* `if (slot <cmp> value) return` on line `line`, else `cont`. exit_first: the return is
 * succs[0]. */
static void exit_if(uint32_t b, uint32_t line, enum tl_cmp cmp, tl_slot_id slot,
                    long long value, uint32_t cont, int exit_first) {
  uint32_t out = rt_block();
  rt_return(out, line + 20);
  rt_branch_cmp(b, line, cmp, slot, value, NULL, exit_first ? out : cont,
                exit_first ? cont : out);
}

/* ---- registration ---------------------------------------------------------------------- */

Test(rules_independent, rule_is_registered_off_by_default_in_group_perf) {
  const struct tl_rule *r = tl_rule_find("serial-independent-awaits");
  cr_assert_eq(r, RULE);
  cr_assert_eq(r->enabled_by_default, 0);
  cr_assert_str_eq(r->group, "perf");
  cr_assert_not_null(r->doc);
  cr_assert(strstr(r->doc, "## Known limitations"), "doc: %s", r->doc);
}

/* ---- independent pairs: reported ------------------------------------------------------- */

Test(rules_independent, independent_pairs_are_reported_at_the_second_await) {
  struct orders o = orders_func("serve_two");
  first_pair(0, o);
  second_pair(0, o, o.b, 5);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(6, 4, 5);
  const char *msg = rt_diag_at(6)->message;
  cr_assert(strstr(msg, "ticket 't2'") && strstr(msg, "ticket 't1'"), "%s", msg);
  cr_assert(strstr(msg, "'tk_await_all'"), "%s", msg);
}

Test(rules_independent, chain_of_three_gives_one_finding_per_link) {
  struct orders o = orders_func("serve_three");
  tl_slot_id c = rt_slot("c", 0), t3 = rt_slot("t3", TL_SLOT_TICKET | TL_SLOT_POINTER);
  first_pair(0, o);
  second_pair(0, o, o.b, 5);
  start_at(0, "tk_async", t3, o.lp, c, 7);
  await_at(0, "tk_await", t3, o.r2, o.rc2, 8);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 2);
  assert_serial_at(6, 4, 5);
  assert_serial_at(8, 6, 7);
}

Test(rules_independent, fail_fast_return_on_nonzero_status_is_still_reported) {
  struct orders o = orders_func("serve_two");
  uint32_t cont = rt_block();
  first_pair(0, o);
  exit_if(0, 5, TL_CMP_NE, o.rc1, 0, cont, 1);      /* if (rc1 != 0) return rc1; */
  second_pair(cont, o, o.b, 6);
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(7, 4, 6);
}

Test(rules_independent, fail_fast_exit_on_the_else_edge_is_still_reported) {
  struct orders o = orders_func("serve_two");
  uint32_t cont = rt_block();
  first_pair(0, o);
  exit_if(0, 5, TL_CMP_EQ, o.rc1, 0, cont, 0);      /* if (rc1 == 0) { ... } else return */
  second_pair(cont, o, o.b, 6);
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(7, 4, 6);
}

Test(rules_independent, fail_fast_exit_on_a_copied_status_is_still_reported) {
  struct orders o = orders_func("serve_two");
  tl_slot_id err = rt_slot("err", 0);
  uint32_t cont = rt_block();
  first_pair(0, o);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = err, .loc = RT_LINE(4),
                                RT_USES(o.rc1)});
  exit_if(0, 5, TL_CMP_NONZERO, err, 0, cont, 1);   /* if (err) return err; */
  second_pair(cont, o, o.b, 6);
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 1);
}

Test(rules_independent, results_used_after_both_awaits_are_still_reported) {
  struct orders o = orders_func("serve_two");
  uint32_t cont = rt_block();
  first_pair(0, o);
  second_pair(0, o, o.b, 5);
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "printf", .loc = RT_LINE(7),
                                .flags = TL_F_DISCARDED, RT_USES(o.r1, o.r2)});
  exit_if(0, 8, TL_CMP_ZERO, o.r1, 0, cont, 1);     /* if (!r1) return; after the second */
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(6, 4, 5);
}

Test(rules_independent, tickets_of_nested_calls_are_named_by_their_call) {
  struct orders o = orders_func("serve_two");
  tl_slot_id tmp1 = rt_slot_kind("tk_async()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  tl_slot_id tmp2 = rt_slot_kind("tk_async()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  start_at(0, "tk_async", tmp1, o.lp, o.a, 3);
  await_at(0, "tk_await", tmp1, o.r1, o.rc1, 3);
  start_at(0, "tk_async", tmp2, o.lp, o.b, 4);
  await_at(0, "tk_await", tmp2, o.r2, o.rc2, 4);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 1);
  cr_assert(strstr(rt_diag_at(4)->message, "the ticket of 'tk_async()'"), "%s",
            rt_diag_at(4)->message);
}

Test(rules_independent, library_without_batch_await_gets_generic_advice) {
  struct orders o = orders_func("serve_two_jobs");
  start_at(0, "job_start", o.t1, o.lp, o.a, 3);
  await_at(0, "job_wait", o.t1, o.r1, o.rc1, 4);
  start_at(0, "job_start", o.t2, o.lp, o.b, 5);
  await_at(0, "job_wait", o.t2, o.r2, o.rc2, 6);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 1);
  const char *msg = rt_diag_at(6)->message;
  cr_assert(strstr(msg, "await them together") && !strstr(msg, "e.g."), "%s", msg);
}

/* ---- dependent or not in a row: not reported ------------------------------------------- */

Test(rules_independent, result_feeding_the_second_start_is_not_reported) {
  struct orders o = orders_func("follow_the_link");
  first_pair(0, o);
  second_pair(0, o, o.r1, 5);                       /* t2 = tk_async(loop, f, r1) */
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, value_computed_from_the_result_is_not_reported) {
  struct orders o = orders_func("follow_the_link");
  tl_slot_id id = rt_slot("id", 0), next = rt_child(TL_SLOT_FIELD, o.r1, "next");
  first_pair(0, o);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = id, .loc = RT_LINE(5),
                                RT_USES(next)});    /* id = r1->next + 1 */
  second_pair(0, o, id, 6);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, result_stored_into_the_second_order_is_not_reported) {
  struct orders o = orders_func("garnish_what_was_brewed");
  tl_slot_id name = rt_child(TL_SLOT_FIELD, o.b, "name");
  first_pair(0, o);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = name, .loc = RT_LINE(5),
                                RT_USES(o.r1)});    /* b.name = r1; */
  second_pair(0, o, o.b, 6);                        /* t2 = tk_async(loop, f, &b) */
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, value_deciding_the_second_start_is_not_reported) {
  struct orders o = orders_func("refill_if_empty");
  uint32_t cont = rt_block();
  first_pair(0, o);
  exit_if(0, 5, TL_CMP_NONZERO, o.r1, 0, cont, 1);  /* if (r1) return; (found it) */
  second_pair(cont, o, o.b, 6);
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, fallback_run_only_on_failure_is_not_reported) {
  struct orders o = orders_func("plan_b");
  uint32_t cont = rt_block();
  first_pair(0, o);
  exit_if(0, 5, TL_CMP_EQ, o.rc1, 0, cont, 1);      /* if (rc1 == 0) return; */
  second_pair(cont, o, o.b, 6);
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, status_switch_is_not_fail_fast) {
  struct orders o = orders_func("by_status");
  uint32_t cont = rt_block(), out = rt_block();
  first_pair(0, o);
  struct tl_cond c = {.key = 5, .loc = RT_LINE(5), RT_USES(o.rc1)};
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, 0, TL_TERM_SWITCH, &c), 0);
  rt_goto(0, cont);
  rt_goto(0, out);
  rt_return(out, 25);
  second_pair(cont, o, o.b, 6);
  rt_return(cont, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, both_started_before_awaiting_is_not_reported) {
  struct orders o = orders_func("serve_two_together");
  start_at(0, "tk_async", o.t1, o.lp, o.a, 3);
  start_at(0, "tk_async", o.t2, o.lp, o.b, 4);
  await_at(0, "tk_await", o.t1, o.r1, o.rc1, 5);
  await_at(0, "tk_await", o.t2, o.r2, o.rc2, 6);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, timer_on_either_side_is_pacing_not_reported) {
  struct orders o = orders_func("pause_then_order");
  start_at(0, "tk_sleep", o.t1, o.lp, o.a, 3);
  await_at(0, "tk_await", o.t1, o.r1, o.rc1, 4);
  second_pair(0, o, o.b, 5);
  tl_slot_id t3 = rt_slot("t3", TL_SLOT_TICKET | TL_SLOT_POINTER);
  start_at(0, "tk_sleep", t3, o.lp, o.a, 7);
  await_at(0, "tk_await", t3, o.r1, o.rc1, 8);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, pairs_inside_a_loop_are_not_reported) {
  struct orders o = orders_func("serve_rounds");
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  tl_slot_id i = rt_slot("i", 0);
  rt_goto(0, head);
  rt_branch(head, 2, i, body, after);
  first_pair(body, o);
  second_pair(body, o, o.b, 5);
  rt_goto(body, head);
  rt_return(after, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, buffer_filled_by_the_first_is_not_reported) {
  struct orders o = orders_func("receive_then_forward");
  tl_slot_id buf = rt_slot_kind("buf", TL_SLOT_PARAM, TL_SLOT_POINTER);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = o.t1, .aux = buf,
                                .flags = TL_F_FILLS, .callee = "MPI_Irecv",
                                .loc = RT_LINE(3), RT_USES(buf)});
  await_at(0, "MPI_Wait", o.t1, TL_SLOT_NONE, o.rc1, 4);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = o.t2, .aux = buf,
                                .flags = TL_F_LENDS, .callee = "MPI_Isend",
                                .loc = RT_LINE(5), RT_USES(buf)});
  await_at(0, "MPI_Wait", o.t2, TL_SLOT_NONE, o.rc2, 6);
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, local_lent_by_address_to_the_first_is_not_reported) {
  struct orders o = orders_func("fetch_then_process");
  tl_slot_id req = rt_slot("req", TL_SLOT_ADDR);
  start_at(0, "tk_async", o.t1, o.lp, req, 3);      /* t1 = tk_async(loop, fetch, &req) */
  await_at(0, "tk_await", o.t1, o.r1, o.rc1, 4);
  second_pair(0, o, req, 5);                        /* t2 = tk_async(loop, process, &req) */
  rt_return(0, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_independent, await_on_one_branch_only_is_not_reported) {
  struct orders o = orders_func("maybe_wait");
  tl_slot_id c = rt_slot("c", 0);
  uint32_t then_b = rt_block(), join = rt_block(), other = rt_block();
  start_at(0, "tk_async", o.t1, o.lp, o.a, 3);
  rt_branch(0, 4, c, then_b, other);
  await_at(then_b, "tk_await", o.t1, o.r1, o.rc1, 4);
  rt_goto(then_b, join);
  rt_event(other, (struct tl_event){.kind = TL_EV_DETACH, .ticket = o.t1, .callee = "tk_detach",
                                    .loc = RT_LINE(5)});
  rt_goto(other, join);
  second_pair(join, o, o.b, 6);
  rt_return(join, 9);
  cr_assert_eq(rt_run(RULE), 0);
}
