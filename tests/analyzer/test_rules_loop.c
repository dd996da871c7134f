/* test_rules_loop.c — serial-await-in-loop (rules/serial_await_in_loop.c) on hand-built IR:
 * each positive case and each near miss of the rule's doc comment, one test each. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_serial_await_in_loop;

TestSuite(rules_loop, .init = rt_setup, .fini = rt_teardown);

#define RULE (&tl_rule_serial_await_in_loop)

/* for (i = 0; i < n; i++) { <body> } <after>   — lines: 2 init, 3 header, 8 i++, 10 return.
 * The body block is left open (a test adds its events and its terminator); `after` is an
 * empty block that jumps to the return. */
struct loop {
  uint32_t head, body, latch, after;
  tl_slot_id i, n, lp, t, r, rc;
};

static struct loop for_loop(const char *name) {
  struct loop L;
  rt_func(name);
  L.head = rt_block();
  L.body = rt_block();
  L.latch = rt_block();
  L.after = rt_block();
  L.i = rt_slot("i", 0);
  L.n = rt_slot_kind("n", TL_SLOT_PARAM, 0);
  L.lp = rt_slot_kind("loop", TL_SLOT_PARAM, TL_SLOT_POINTER);
  L.t = rt_slot("t", TL_SLOT_TICKET);
  L.r = rt_slot("r", TL_SLOT_POINTER);
  L.rc = rt_slot("rc", 0);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = L.i, .flags = TL_F_CONST,
                                .loc = RT_LINE(2)});
  rt_goto(0, L.head);
  static tl_slot_id head_uses[2];
  head_uses[0] = L.i;
  head_uses[1] = L.n;
  rt_branch_uses(L.head, 3, 2, head_uses, L.body, L.after);
  rt_event(L.latch, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = L.i, .loc = RT_LINE(8),
                                      RT_USES(L.i)});
  rt_goto(L.latch, L.head);
  uint32_t tail = rt_block();
  rt_goto(L.after, tail);
  rt_return(tail, 10);
  return L;
}

static void start_in(uint32_t b, const char *callee, tl_slot_id t, tl_slot_id arg,
                     uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = callee,
                                .flags = strcmp(callee, "tk_sleep") == 0 ? TL_F_TIMER : 0,
                                .loc = RT_LINE(line), RT_USES(arg)});
}

static void await_in(uint32_t b, const char *callee, tl_slot_id t, tl_slot_id dst,
                     tl_slot_id status, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .dst = dst, .aux = status,
                                .callee = callee, .loc = RT_LINE(line), RT_USES(t)});
}

/* t = tk_async(loop, f, i) on line 4; rc = tk_await(t, &r) on line 5. */
static void start_await(struct loop L) {
  start_in(L.body, "tk_async", L.t, L.i, 4);
  await_in(L.body, "tk_await", L.t, L.r, L.rc, 5);
}

static void assert_serial_at(uint32_t line, uint32_t issued) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_assert_str_eq(d->rule, "serial-await-in-loop");
  cr_assert(strstr(d->message, "one at a time"), "message: %s", d->message);
  cr_assert(rt_has_note_at(d, issued), "no note on line %u", issued);
}

/* `if (rc <cmp> value) <exit>` on line 6, then the latch. */
static void status_exit(struct loop L, enum tl_cmp cmp, long long value, int exit_first) {
  uint32_t out = rt_block();
  rt_return(out, 7);
  rt_branch_cmp(L.body, 6, cmp, L.rc, value, NULL, exit_first ? out : L.latch,
                exit_first ? L.latch : out);
}

/* ---- independent iterations: reported -------------------------------------------------- */

Test(rules_loop, independent_awaits_are_reported) {
  struct loop L = for_loop("serve_queue");
  start_await(L);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
  cr_assert(strstr(rt_diag_at(5)->message, "'tk_await_all'"), "%s", rt_diag_at(5)->message);
}

Test(rules_loop, fail_fast_return_on_negative_status_is_still_reported) {
  struct loop L = for_loop("serve_queue");
  start_await(L);
  status_exit(L, TL_CMP_LT, 0, 1);                  /* if (rc < 0) return -1; */
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
}

Test(rules_loop, fail_fast_break_on_nonzero_status_is_still_reported) {
  struct loop L = for_loop("serve_queue");
  start_await(L);
  uint32_t body2 = rt_block();
  rt_branch_cmp(L.body, 6, TL_CMP_NE, L.rc, 0, "0", L.after, body2);   /* if (rc != 0) break; */
  rt_goto(body2, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
}

Test(rules_loop, fail_fast_exit_on_the_else_edge_is_still_reported) {
  struct loop L = for_loop("serve_queue");
  start_await(L);
  status_exit(L, TL_CMP_EQ, 0, 0);                  /* if (rc == 0) continue; else return */
  cr_assert_eq(rt_run(RULE), 1);
}

Test(rules_loop, fail_fast_exit_on_a_copied_status_is_still_reported) {
  struct loop L = for_loop("serve_queue");
  tl_slot_id err = rt_slot("err", 0);
  start_await(L);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = err, .loc = RT_LINE(5),
                                     RT_USES(L.rc)});
  uint32_t out = rt_block();
  rt_return(out, 7);
  rt_branch(L.body, 6, err, out, L.latch);          /* if (err) return err; */
  cr_assert_eq(rt_run(RULE), 1);
}

Test(rules_loop, accumulated_results_are_still_reported) {
  struct loop L = for_loop("total_bill");
  tl_slot_id sum = rt_slot("sum", 0), out = rt_slot("out", TL_SLOT_ARRAY);
  tl_slot_id elem = rt_child(TL_SLOT_ELEM, out, NULL);
  tl_slot_id deref = rt_child(TL_SLOT_DEREF, L.r, NULL);
  start_await(L);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = sum, .loc = RT_LINE(6),
                                     RT_USES(sum, deref)});
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = elem, .loc = RT_LINE(7),
                                     RT_USES(L.r, L.i)});
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
}

Test(rules_loop, tickets_in_array_elements_are_reported) {
  struct loop L = for_loop("serve_queue");
  tl_slot_id ts = rt_slot("tickets", TL_SLOT_ARRAY), e = rt_child(TL_SLOT_ELEM, ts, NULL);
  start_in(L.body, "tk_async", e, L.i, 4);
  await_in(L.body, "tk_await", e, L.r, L.rc, 5);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
}

Test(rules_loop, counted_loop_of_timers_is_reported) {
  struct loop L = for_loop("close_till");
  start_in(L.body, "tk_sleep", L.t, L.lp, 4);
  await_in(L.body, "tk_await", L.t, 0, L.rc, 5);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
}

Test(rules_loop, blocking_call_that_is_no_timer_does_not_pace) {
  struct loop L = for_loop("serve_queue");
  start_await(L);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_BLOCKING, .callee = "read",
                                     .loc = RT_LINE(6)});
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
}

Test(rules_loop, library_without_batch_await_gets_generic_advice) {
  struct loop L = for_loop("run_jobs");
  start_in(L.body, "job_start", L.t, L.i, 4);
  await_in(L.body, "job_wait", L.t, L.r, L.rc, 5);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(5, 4);
  cr_assert_null(strstr(rt_diag_at(5)->message, "e.g."), "%s", rt_diag_at(5)->message);
}

/* for (i) for (j) { t = start(); await(t); } — the inner loop, once. */
Test(rules_loop, await_in_the_inner_of_nested_loops_is_reported_once) {
  struct loop L = for_loop("total_bill");
  tl_slot_id j = rt_slot("j", 0);
  uint32_t ihead = rt_block(), ibody = rt_block();
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = j, .flags = TL_F_CONST,
                                     .loc = RT_LINE(4)});
  rt_goto(L.body, ihead);
  rt_branch_cmp(ihead, 4, TL_CMP_LT, j, 2, "2", ibody, L.latch);
  start_in(ibody, "tk_async", L.t, j, 5);
  await_in(ibody, "tk_await", L.t, L.r, L.rc, 6);
  rt_event(ibody, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = j, .loc = RT_LINE(6),
                                    RT_USES(j)});
  rt_goto(ibody, ihead);
  cr_assert_eq(rt_run(RULE), 1);
  assert_serial_at(6, 5);
}

/* ---- not this rule: the ticket was not issued in the iteration ------------------------- */

Test(rules_loop, ticket_started_before_the_loop_is_not_reported) {
  struct loop L = for_loop("serve_started");
  start_in(0, "tk_async", L.t, L.lp, 1);
  await_in(L.body, "tk_await", L.t, L.r, L.rc, 5);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

/* t = start(0); for (...) { await(t); t = start(i + 1); } */
Test(rules_loop, pipelined_await_of_the_previous_iteration_is_not_reported) {
  struct loop L = for_loop("pipeline");
  start_in(0, "tk_async", L.t, L.lp, 1);
  await_in(L.body, "tk_await", L.t, L.r, L.rc, 5);
  start_in(L.body, "tk_async", L.t, L.i, 6);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_loop, starts_only_then_await_all_is_not_reported) {
  struct loop L = for_loop("serve_together");
  tl_slot_id ts = rt_slot("tickets", TL_SLOT_ARRAY), e = rt_child(TL_SLOT_ELEM, ts, NULL);
  start_in(L.body, "tk_async", e, L.i, 4);
  rt_goto(L.body, L.latch);
  rt_event(L.after, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = e,
                                      .callee = "tk_await_all", .loc = RT_LINE(9),
                                      RT_USES(ts)});
  cr_assert_eq(rt_run(RULE), 0);
}

/* ---- dependent iterations: not reported ------------------------------------------------ */

/* while (cursor != 0) { t = fetch(...); await(t, &next); cursor = *next; } */
Test(rules_loop, result_in_the_loop_condition_is_not_reported) {
  rt_func("read_history");
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  tl_slot_id cursor = rt_slot("cursor", 0), t = rt_slot("t", TL_SLOT_TICKET);
  tl_slot_id next = rt_slot("next", TL_SLOT_POINTER), rc = rt_slot("err", 0);
  tl_slot_id req = rt_slot("req", 0);
  tl_slot_id star = rt_child(TL_SLOT_DEREF, next, NULL);
  rt_goto(0, head);
  rt_branch_cmp(head, 3, TL_CMP_NE, cursor, 0, "0", body, after);
  start_in(body, "tk_async", t, req, 4);
  await_in(body, "tk_await", t, next, rc, 5);
  rt_event(body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = cursor, .loc = RT_LINE(6),
                                   RT_USES(star)});
  rt_goto(body, head);
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_loop, result_feeding_the_next_start_is_not_reported) {
  struct loop L = for_loop("follow_chain");
  tl_slot_id id = rt_slot("id", 0);
  start_in(L.body, "tk_async", L.t, id, 4);
  await_in(L.body, "tk_await", L.t, L.r, L.rc, 5);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = id, .loc = RT_LINE(6),
                                     RT_USES(L.r)});
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

/* for (...) { if (more) { t = start(); await(t, &r); more = r->more; } } */
Test(rules_loop, result_guarding_the_next_start_is_not_reported) {
  struct loop L = for_loop("drain");
  tl_slot_id more = rt_slot("more", 0), field = rt_child(TL_SLOT_FIELD, L.r, "more");
  uint32_t work = rt_block();
  rt_branch(L.body, 4, more, work, L.latch);
  start_in(work, "tk_async", L.t, L.i, 5);
  await_in(work, "tk_await", L.t, L.r, L.rc, 6);
  rt_event(work, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = more, .loc = RT_LINE(7),
                                   RT_USES(field)});
  rt_goto(work, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_loop, retry_until_success_is_not_reported) {
  struct loop L = for_loop("retry");
  start_await(L);
  status_exit(L, TL_CMP_ZERO, 0, 1);                /* if (!rc) break; */
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_loop, exit_on_non_negative_status_is_not_reported) {
  struct loop L = for_loop("retry");
  start_await(L);
  status_exit(L, TL_CMP_GE, 0, 1);                  /* if (rc >= 0) break; */
  cr_assert_eq(rt_run(RULE), 0);
}

/* if (matches(r)) break; — search until found */
Test(rules_loop, exit_decided_by_the_value_is_not_reported) {
  struct loop L = for_loop("search");
  tl_slot_id found = rt_slot("matches()", 0);
  start_await(L);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_CALL, .callee = "matches", .dst = found,
                                     .loc = RT_LINE(6), RT_USES(L.r)});
  rt_branch(L.body, 6, found, L.after, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

/* x = r; y = x + 1; if (y == 0) break; */
Test(rules_loop, result_reaching_an_exit_through_assignments_is_not_reported) {
  struct loop L = for_loop("search");
  tl_slot_id x = rt_slot("x", 0), y = rt_slot("y", 0), one = rt_slot("k", 0);
  start_await(L);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = x, .loc = RT_LINE(6),
                                     RT_USES(L.r)});
  rt_event(L.body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = y, .loc = RT_LINE(6),
                                     RT_USES(x, one)});
  rt_branch_cmp(L.body, 7, TL_CMP_EQ, y, 0, "0", L.after, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

/* ---- paced on purpose: not reported ---------------------------------------------------- */

/* while (!machine_warm(loop)) tk_await(tk_sleep(loop, 40), NULL); */
Test(rules_loop, timer_in_a_polling_loop_is_not_reported) {
  rt_func("wait_for_machine");
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  tl_slot_id lp = rt_slot_kind("loop", TL_SLOT_PARAM, TL_SLOT_POINTER);
  tl_slot_id warm = rt_slot_kind("machine_warm()", TL_SLOT_TEMP, 0);
  tl_slot_id t = rt_slot_kind("tk_sleep()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  tl_slot_id rc = rt_slot("err", 0);
  rt_goto(0, head);
  rt_event(head, (struct tl_event){.kind = TL_EV_CALL, .callee = "machine_warm", .dst = warm,
                                   .loc = RT_LINE(3), RT_USES(lp)});
  rt_branch_cmp(head, 3, TL_CMP_ZERO, warm, 0, NULL, body, after);
  start_in(body, "tk_sleep", t, lp, 4);
  await_in(body, "tk_await", t, 0, rc, 4);
  rt_goto(body, head);
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

/* while (tk_state(p) == TK_PENDING) tk_await(tk_sleep(loop, 30), NULL); */
Test(rules_loop, timer_while_polling_a_ticket_is_not_reported) {
  rt_func("customer");
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  tl_slot_id lp = rt_slot_kind("loop", TL_SLOT_PARAM, TL_SLOT_POINTER);
  tl_slot_id p = rt_slot("pastry", TL_SLOT_TICKET);
  tl_slot_id st = rt_slot_kind("tk_state()", TL_SLOT_TEMP, 0);
  tl_slot_id t = rt_slot_kind("tk_sleep()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  start_in(0, "tk_async", p, lp, 2);
  rt_goto(0, head);
  rt_event(head, (struct tl_event){.kind = TL_EV_POLL, .callee = "tk_state", .ticket = p,
                                   .dst = st, .loc = RT_LINE(3), RT_USES(p)});
  rt_branch_cmp(head, 3, TL_CMP_EQ, st, 0, "TK_PENDING", body, after);
  start_in(body, "tk_sleep", t, lp, 4);
  await_in(body, "tk_await", t, 0, 0, 4);
  rt_goto(body, head);
  await_in(after, "tk_await", p, 0, 0, 7);
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_loop, loop_rate_limited_by_a_sleep_is_not_reported) {
  struct loop L = for_loop("throttled");
  start_await(L);
  rt_event(L.body, (struct tl_event){.kind = TL_EV_BLOCKING, .callee = "usleep",
                                     .loc = RT_LINE(6)});
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

/* for (...) { t = fetch(i); await(t); s = tk_sleep(100); await(s); } — neither await */
Test(rules_loop, loop_rate_limited_by_a_timer_is_not_reported) {
  struct loop L = for_loop("throttled");
  tl_slot_id s = rt_slot("s", TL_SLOT_TICKET);
  start_await(L);
  start_in(L.body, "tk_sleep", s, L.lp, 6);
  await_in(L.body, "tk_await", s, 0, 0, 7);
  rt_goto(L.body, L.latch);
  cr_assert_eq(rt_run(RULE), 0);
}

/* for (;;) { if (tk_await(accept(), &c) < 0) return -1; serve(c); } — no "all" to start */
Test(rules_loop, endless_loop_ended_only_by_failure_is_not_reported) {
  rt_func("accept_loop");
  uint32_t body = rt_block(), serve = rt_block(), out = rt_block();
  tl_slot_id lp = rt_slot_kind("loop", TL_SLOT_PARAM, TL_SLOT_POINTER);
  tl_slot_id t = rt_slot_kind("tk_async()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  tl_slot_id c = rt_slot("conn", TL_SLOT_POINTER);
  tl_slot_id rc = rt_slot_kind("tk_await()", TL_SLOT_TEMP, 0);
  rt_goto(0, body);
  start_in(body, "tk_async", t, lp, 4);
  await_in(body, "tk_await", t, c, rc, 4);
  rt_branch_cmp(body, 4, TL_CMP_LT, rc, 0, "0", out, serve);
  rt_return(out, 5);
  rt_event(serve, (struct tl_event){.kind = TL_EV_CALL, .callee = "serve", .loc = RT_LINE(6),
                                    RT_USES(c)});
  rt_goto(serve, body);
  cr_assert_eq(rt_run(RULE), 0);
}
