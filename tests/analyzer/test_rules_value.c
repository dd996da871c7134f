/* test_rules_value.c — ticket-as-value (rules/ticket_as_value.c) on hand-built IR: each
 * positive case and each near miss of the rule's doc comment, one test each. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_ticket_as_value;

TestSuite(rules_value, .init = rt_setup, .fini = rt_teardown);

#define RULE (&tl_rule_ticket_as_value)

static tl_slot_id ticket(const char *name) { return rt_slot(name, TL_SLOT_TICKET); }

static void start(uint32_t b, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = "tk_async",
                                .loc = RT_LINE(line)});
}

static void await(uint32_t b, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = "tk_await",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(line),
                                RT_USES(t)});
}

static void read_value(uint32_t b, tl_slot_id t, tl_slot_id dst, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_READ, .ticket = t, .dst = dst,
                                .callee = "tk_value", .loc = RT_LINE(line), RT_USES(t)});
}

static void poll_ticket(uint32_t b, const char *callee, tl_slot_id t, tl_slot_id flag,
                 uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_POLL, .ticket = t, .dst = flag,
                                .callee = callee, .loc = RT_LINE(line), RT_USES(t)});
}

static void assert_pending_at(uint32_t line, uint32_t issued) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_assert_str_eq(d->rule, "ticket-as-value");
  cr_assert(strstr(d->message, "still pending"), "message: %s", d->message);
  cr_assert(rt_has_note_at(d, issued), "no note on line %u", issued);
}

/* ---- reads of a ticket's value --------------------------------------------------------- */

Test(rules_value, value_read_before_await) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), v = rt_slot("coffee", 0);
  start(0, t, 3);
  read_value(0, t, v, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
  cr_assert(strstr(rt_diag_at(4)->message, "'order'"), "%s", rt_diag_at(4)->message);
}

Test(rules_value, error_read_before_await) {
  rt_func("barista");
  tl_slot_id t = ticket("beans"), e = rt_slot("tk_error()", 0);
  start(0, t, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_READ, .ticket = t, .dst = e,
                                .callee = "tk_error", .loc = RT_LINE(4), RT_USES(t)});
  await(0, t, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
}

Test(rules_value, value_read_after_await_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), v = rt_slot("coffee", 0);
  start(0, t, 3);
  await(0, t, 4);
  read_value(0, t, v, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, value_read_when_awaited_on_one_path_only) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), v = rt_slot("coffee", 0), c = rt_slot("hurry", 0);
  uint32_t then_b = rt_block(), join = rt_block();
  start(0, t, 3);
  rt_branch(0, 4, c, then_b, join);
  await(then_b, t, 5);
  rt_goto(then_b, join);
  read_value(join, t, v, 6);
  rt_return(join, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(6, 3);
}

Test(rules_value, value_read_when_awaited_on_every_path_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), v = rt_slot("coffee", 0), c = rt_slot("hurry", 0);
  uint32_t then_b = rt_block(), else_b = rt_block(), join = rt_block();
  start(0, t, 3);
  rt_branch(0, 4, c, then_b, else_b);
  await(then_b, t, 5);
  rt_goto(then_b, join);
  await(else_b, t, 6);
  rt_goto(else_b, join);
  read_value(join, t, v, 7);
  rt_return(join, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, pending_read_on_two_paths_is_reported_once) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), v = rt_slot("coffee", 0), c = rt_slot("hurry", 0);
  uint32_t then_b = rt_block(), join = rt_block();
  start(0, t, 3);
  rt_branch(0, 4, c, then_b, join);
  rt_event(then_b, (struct tl_event){.kind = TL_EV_CALL, .callee = "log_order",
                                     .loc = RT_LINE(5)});
  rt_goto(then_b, join);
  read_value(join, t, v, 6);
  await(join, t, 7);
  rt_return(join, 8);
  cr_assert_eq(rt_run(RULE), 1);
}

Test(rules_value, value_read_through_a_copy_before_await) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), u = ticket("same"), v = rt_slot("coffee", 0);
  start(0, t, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = u, .loc = RT_LINE(4),
                                RT_USES(t)});
  read_value(0, u, v, 5);
  await(0, t, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(5, 3);
}

Test(rules_value, value_read_after_awaiting_a_copy_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("order"), u = ticket("same"), v = rt_slot("coffee", 0);
  start(0, t, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = u, .loc = RT_LINE(4),
                                RT_USES(t)});
  await(0, u, 5);
  read_value(0, t, v, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, element_read_before_await_all) {
  rt_func("serve_all");
  tl_slot_id ts = rt_slot("tickets", TL_SLOT_ARRAY), v = rt_slot("coffee", 0);
  tl_slot_id e = rt_child(TL_SLOT_ELEM, ts, NULL);
  rt_fn->slots[e].flags |= TL_SLOT_TICKET;
  start(0, e, 3);
  read_value(0, e, v, 4);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = e, .callee = "tk_await_all",
                                .loc = RT_LINE(5), RT_USES(ts)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
}

Test(rules_value, element_read_after_await_all_is_fine) {
  rt_func("serve_all");
  tl_slot_id ts = rt_slot("tickets", TL_SLOT_ARRAY), v = rt_slot("coffee", 0);
  tl_slot_id e = rt_child(TL_SLOT_ELEM, ts, NULL);
  rt_fn->slots[e].flags |= TL_SLOT_TICKET;
  start(0, e, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = e, .callee = "tk_await_all",
                                .loc = RT_LINE(4), RT_USES(ts)});
  read_value(0, e, v, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, value_read_after_resolve_is_fine) {
  rt_func("cached");
  tl_slot_id t = ticket("usual"), v = rt_slot("name", 0);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = "tk_promise_new",
                                .loc = RT_LINE(3)});
  rt_event(0, (struct tl_event){.kind = TL_EV_SETTLE, .ticket = t, .callee = "tk_resolve",
                                .loc = RT_LINE(4), RT_USES(t)});
  read_value(0, t, v, 5);
  await(0, t, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, value_read_after_then_is_not_this_rule) {
  rt_func("hand_over");
  tl_slot_id t = ticket("order"), v = rt_slot("coffee", 0);
  start(0, t, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_CONSUME, .ticket = t, .callee = "tk_then",
                                .loc = RT_LINE(4), RT_USES(t)});
  read_value(0, t, v, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, value_read_of_a_parameter_ticket_is_fine) {
  rt_func("reader");
  tl_slot_id t = rt_slot_kind("p", TL_SLOT_PARAM, TL_SLOT_TICKET), v = rt_slot("x", 0);
  read_value(0, t, v, 3);
  rt_return(0, 4);
  cr_assert_eq(rt_run(RULE), 0);
}

/* ---- a poll that saw completion -------------------------------------------------------- */

/* start; s = tk_state(t); if (s <cmp> constant) value read; await. */
static void poll_guarded_read(enum tl_cmp cmp, long long value, const char *constant) {
  rt_func("customer");
  tl_slot_id t = ticket("pastry"), s = rt_slot("tk_state()", 0), v = rt_slot("food", 0);
  uint32_t then_b = rt_block(), join = rt_block();
  start(0, t, 3);
  poll_ticket(0, "tk_state", t, s, 4);
  rt_branch_cmp(0, 4, cmp, s, value, constant, then_b, join);
  read_value(then_b, t, v, 5);
  rt_goto(then_b, join);
  await(join, t, 6);
  rt_return(join, 7);
}

Test(rules_value, read_after_state_not_pending_is_fine) {
  poll_guarded_read(TL_CMP_NE, 0, "TK_PENDING");
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, read_after_state_equals_fulfilled_is_fine) {
  poll_guarded_read(TL_CMP_EQ, 1, "TK_FULFILLED");
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, read_while_state_equals_pending) {
  poll_guarded_read(TL_CMP_EQ, 0, "TK_PENDING");
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(5, 3);
}

Test(rules_value, read_after_unchecked_poll) {
  rt_func("customer");
  tl_slot_id t = ticket("pastry"), s = rt_slot("st", 0), v = rt_slot("food", 0);
  start(0, t, 3);
  poll_ticket(0, "tk_state", t, s, 4);
  read_value(0, t, v, 5);
  await(0, t, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(5, 3);
}

/* while (tk_state(t) == TK_PENDING) tk_await(tk_sleep(...)); read */
Test(rules_value, read_after_polling_loop_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("pastry"), s = rt_slot("tk_state()", 0), v = rt_slot("food", 0);
  tl_slot_id z = ticket("tk_sleep()");
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  start(0, t, 3);
  rt_goto(0, head);
  poll_ticket(head, "tk_state", t, s, 4);
  rt_branch_cmp(head, 4, TL_CMP_EQ, s, 0, "TK_PENDING", body, after);
  rt_event(body, (struct tl_event){.kind = TL_EV_START, .ticket = z, .callee = "tk_sleep",
                                   .flags = TL_F_TIMER, .loc = RT_LINE(5)});
  await(body, z, 5);
  rt_goto(body, head);
  read_value(after, t, v, 7);
  await(after, t, 8);
  rt_return(after, 9);
  cr_assert_eq(rt_run(RULE), 0);
}

/* ---- buffers an operation fills -------------------------------------------------------- */

struct mpi { tl_slot_id req, buf, elem, flag, total; };

static struct mpi mpi_func(const char *name, uint32_t start_flags) {
  rt_func(name);
  struct mpi m;
  m.req = rt_slot("req", TL_SLOT_TICKET);
  m.buf = rt_slot("buf", TL_SLOT_ARRAY);
  m.elem = rt_child(TL_SLOT_ELEM, m.buf, NULL);
  m.flag = rt_slot("flag", 0);
  m.total = rt_slot("total", 0);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = m.req, .aux = m.buf,
                                .flags = start_flags,
                                .callee = start_flags & TL_F_FILLS ? "MPI_Irecv" : "MPI_Isend",
                                .loc = RT_LINE(3), RT_USES(m.buf, m.req)});
  return m;
}

static void add_to_total(uint32_t b, struct mpi m, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = m.total, .loc = RT_LINE(line),
                                RT_USES(m.total, m.elem)});
}

static void mpi_wait(uint32_t b, struct mpi m, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = m.req, .callee = "MPI_Wait",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(line),
                                RT_USES(m.req)});
}

Test(rules_value, filled_buffer_read_before_wait) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  add_to_total(0, m, 4);
  mpi_wait(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
  cr_assert(strstr(rt_diag_at(4)->message, "'buf'"), "%s", rt_diag_at(4)->message);
}

Test(rules_value, filled_buffer_read_after_wait_is_fine) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  mpi_wait(0, m, 4);
  add_to_total(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, filled_buffer_read_in_a_branch_condition) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  uint32_t then_b = rt_block(), join = rt_block();
  rt_branch(0, 4, m.elem, then_b, join);
  rt_goto(then_b, join);
  mpi_wait(join, m, 6);
  rt_return(join, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
}

Test(rules_value, filled_buffer_passed_to_a_call_before_wait) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "consume", .loc = RT_LINE(4),
                                RT_USES(m.buf)});
  mpi_wait(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
}

Test(rules_value, lent_buffer_read_is_not_this_rule) {
  struct mpi m = mpi_func("send", TL_F_LENDS);
  add_to_total(0, m, 4);
  mpi_wait(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

/* do MPI_Test(&req, &flag, ...); while (!flag); read */
Test(rules_value, filled_buffer_read_after_test_loop_is_fine) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  uint32_t body = rt_block(), after = rt_block();
  rt_goto(0, body);
  poll_ticket(body, "MPI_Test", m.req, m.flag, 5);
  rt_branch_cmp(body, 6, TL_CMP_ZERO, m.flag, 0, NULL, body, after);
  add_to_total(after, m, 7);
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, filled_buffer_read_when_test_says_not_done) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  uint32_t then_b = rt_block(), else_b = rt_block(), join = rt_block();
  poll_ticket(0, "MPI_Test", m.req, m.flag, 4);
  rt_branch(0, 5, m.flag, then_b, else_b);
  rt_goto(then_b, join);
  add_to_total(else_b, m, 6);
  rt_goto(else_b, join);
  mpi_wait(join, m, 7);
  rt_return(join, 8);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(6, 3);
}

Test(rules_value, filled_buffer_read_after_done_zero_poll_is_fine) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  uint32_t then_b = rt_block(), join = rt_block();
  poll_ticket(0, "MPI_Done0", m.req, m.flag, 4);
  rt_branch_cmp(0, 5, TL_CMP_ZERO, m.flag, 0, NULL, then_b, join);
  add_to_total(then_b, m, 6);
  rt_goto(then_b, join);
  mpi_wait(join, m, 7);
  rt_return(join, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_value, filled_buffer_read_after_done_eq_constant_poll_is_fine) {
  struct mpi m = mpi_func("receive", TL_F_FILLS);
  uint32_t then_b = rt_block(), join = rt_block();
  poll_ticket(0, "MPI_Done1", m.req, m.flag, 4);
  rt_branch_cmp(0, 5, TL_CMP_EQ, m.flag, 1, "1", then_b, join);
  add_to_total(then_b, m, 6);
  rt_goto(then_b, join);
  mpi_wait(join, m, 7);
  rt_return(join, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

/* ---- a ticket used as a value ---------------------------------------------------------- */

Test(rules_value, ticket_in_a_condition) {
  rt_func("customer");
  tl_slot_id t = ticket("order");
  start(0, t, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_VALUE_USE, .ticket = t, .flags = TL_F_IN_COND,
                                .loc = RT_LINE(4), RT_USES(t)});
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_pending_at(4, 3);
  cr_assert(strstr(rt_diag_at(4)->message, "used as its value"), "%s",
            rt_diag_at(4)->message);
}

Test(rules_value, ticket_cast_to_a_value_after_await_is_still_reported) {
  rt_func("customer");
  tl_slot_id t = ticket("order");
  start(0, t, 3);
  await(0, t, 4);
  rt_event(0, (struct tl_event){.kind = TL_EV_VALUE_USE, .ticket = t, .flags = TL_F_CAST,
                                .loc = RT_LINE(5), RT_USES(t)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  cr_assert(strstr(rt_diag_at(5)->message, "still pending"), "%s", rt_diag_at(5)->message);
}

/* `if (t != NULL)`: the front-end emits no VALUE_USE; the condition alone is no read. */
Test(rules_value, ticket_checked_against_null_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("order");
  uint32_t then_b = rt_block(), join = rt_block();
  start(0, t, 3);
  rt_branch_cmp(0, 4, TL_CMP_NE, t, 0, "NULL", then_b, join);
  await(then_b, t, 5);
  rt_goto(then_b, join);
  rt_return(join, 6);
  cr_assert_eq(rt_run(RULE), 0);
}
