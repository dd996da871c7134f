/* test_rules_buffer.c — in-flight-buffer (rules/in_flight_buffer.c) on hand-built IR: each
 * positive case and each near miss of the rule's doc comment, one test each. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_in_flight_buffer;

/* rules_ir.h's models, plus a lending start and the `free` event of libc.model. */
static const char extra_model[] =
  "model extra\n"
  "fn tk_work   start  ticket=ret offload-fn=1 lend=*2\n"
  "fn free      free   buffer=*0\n"
  "fn realloc   free   buffer=*0\n";

static void setup(void) {
  struct tl_srcerr err;
  rt_setup();
  cr_assert_eq(tl_models_load_buffer(rt_models, "extra.model", extra_model,
                                     strlen(extra_model), &err), 0, "%s", err.msg);
}

TestSuite(rules_buffer, .init = setup, .fini = rt_teardown);

#define RULE (&tl_rule_in_flight_buffer)

static tl_slot_id ticket(const char *name) { return rt_slot(name, TL_SLOT_TICKET); }

/* t = tk_work(loop, fn, buf) on `line`: lends buf. */
static void lend(uint32_t b, tl_slot_id t, tl_slot_id buf, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_START, .ticket = t, .aux = buf,
                                .flags = TL_F_LENDS | TL_F_OFFLOAD, .callee = "tk_work",
                                .loc = RT_LINE(line), RT_USES(buf)});
}

static void await(uint32_t b, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = "tk_await",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(line),
                                RT_USES(t)});
}

static void write_slot(uint32_t b, tl_slot_id dst, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = dst, .flags = TL_F_CONST,
                                .loc = RT_LINE(line)});
}

static void free_buffer(uint32_t b, tl_slot_id p, tl_slot_id pointee, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_CALL, .aux = pointee, .callee = "free",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(line), RT_USES(p)});
}

static void return_ticket(uint32_t b, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_RETURN, .ticket = t, .loc = RT_LINE(line),
                                RT_USES(t)});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, b, TL_TERM_RETURN, NULL), 0);
  rt_goto(b, rt_fn->exit);
}

static const struct tl_diag *assert_in_flight_at(uint32_t line, uint32_t lent,
                                                 const char *part) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_assert_str_eq(d->rule, "in-flight-buffer");
  cr_assert(strstr(d->message, "still in flight"), "message: %s", d->message);
  cr_assert(strstr(d->message, part), "message without '%s': %s", part, d->message);
  cr_assert(rt_has_note_at(d, lent), "no note on line %u", lent);
  return d;
}

/* ---- writes ---------------------------------------------------------------------------- */

Test(rules_buffer, buffer_written_before_await) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  lend(0, t, slip, 3);
  write_slot(0, slip, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "buffer 'slip' written");
  cr_assert(strstr(rt_diag_at(4)->message, "lent to 'tk_work' until ticket 't' is awaited"),
            "%s", rt_diag_at(4)->message);
}

Test(rules_buffer, buffer_written_after_await_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  lend(0, t, slip, 3);
  await(0, t, 4);
  write_slot(0, slip, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_buffer, field_written_while_struct_lent) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  tl_slot_id drink = rt_child(TL_SLOT_FIELD, slip, "drink");
  lend(0, t, slip, 3);
  write_slot(0, drink, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "'slip.drink' written while buffer 'slip'");
}

Test(rules_buffer, struct_overwritten_while_field_lent) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  tl_slot_id name = rt_child(TL_SLOT_FIELD, slip, "name");
  lend(0, t, name, 3);
  write_slot(0, slip, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "'slip' written while buffer 'slip.name'");
}

Test(rules_buffer, other_field_written_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  tl_slot_id name = rt_child(TL_SLOT_FIELD, slip, "name");
  tl_slot_id shots = rt_child(TL_SLOT_FIELD, slip, "shots");
  lend(0, t, name, 3);
  write_slot(0, shots, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

/* `p->shots = 2` writes `*p`, which was lent as `tk_work(loop, fn, p)`. */
Test(rules_buffer, field_through_pointer_written_while_pointee_lent) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), p = rt_slot("p", TL_SLOT_POINTER);
  tl_slot_id pointee = rt_child(TL_SLOT_DEREF, p, NULL);
  tl_slot_id shots = rt_child(TL_SLOT_FIELD, p, "shots");
  lend(0, t, pointee, 3);
  write_slot(0, shots, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "'p->shots' written while buffer '*p'");
}

/* `p = other; p->shots = 2`: the pointer moved on, the lent buffer is not written. */
Test(rules_buffer, pointer_reassigned_is_not_a_write) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), p = rt_slot("p", TL_SLOT_POINTER);
  tl_slot_id pointee = rt_child(TL_SLOT_DEREF, p, NULL);
  tl_slot_id shots = rt_child(TL_SLOT_FIELD, p, "shots");
  lend(0, t, pointee, 3);
  write_slot(0, p, 4);
  write_slot(0, shots, 5);
  await(0, t, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_buffer, written_where_await_was_skipped) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0), c = rt_slot("rush", 0);
  uint32_t then_b = rt_block(), join = rt_block();
  lend(0, t, slip, 3);
  rt_branch(0, 4, c, then_b, join);
  await(then_b, t, 5);
  rt_goto(then_b, join);
  write_slot(join, slip, 6);
  rt_event(join, (struct tl_event){.kind = TL_EV_DETACH, .ticket = t, .callee = "tk_detach",
                                   .loc = RT_LINE(7), RT_USES(t)});
  rt_return(join, 8);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(6, 3, "buffer 'slip' written");
}

/* An await's value stored into the lent buffer is stored once the ticket is collected. */
Test(rules_buffer, awaited_value_stored_into_lent_buffer_is_fine) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  tl_slot_id cup = rt_child(TL_SLOT_FIELD, slip, "cup");
  lend(0, t, slip, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .dst = cup,
                                .callee = "tk_await", .flags = TL_F_STATUS_DISCARDED,
                                .loc = RT_LINE(4), RT_USES(t)});
  rt_return(0, 5);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_buffer, copy_of_ticket_awaited_ends_loan) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), t2 = ticket("t2"), slip = rt_slot("slip", 0);
  lend(0, t, slip, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = t2, .loc = RT_LINE(4),
                                RT_USES(t)});
  await(0, t2, 5);
  write_slot(0, slip, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 0);
}

/* A detached (or consumed, or escaped) ticket is out of this function's hands. */
Test(rules_buffer, detached_ticket_ends_loan) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  lend(0, t, slip, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_DETACH, .ticket = t, .callee = "tk_detach",
                                .loc = RT_LINE(4), RT_USES(t)});
  write_slot(0, slip, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_buffer, filled_buffer_written_before_await) {
  rt_func("receiver");
  tl_slot_id req = rt_slot("req", TL_SLOT_TICKET), buf = rt_slot("buf", TL_SLOT_ARRAY);
  tl_slot_id elem = rt_child(TL_SLOT_ELEM, buf, NULL);
  rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = req, .aux = buf,
                                .flags = TL_F_FILLS, .callee = "MPI_Irecv",
                                .loc = RT_LINE(3), RT_USES(buf)});
  write_slot(0, elem, 4);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = req, .callee = "MPI_Wait",
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(5),
                                RT_USES(req)});
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  const struct tl_diag *d = assert_in_flight_at(4, 3, "filled by 'MPI_Irecv'");
  cr_assert(strstr(d->notes[0].message, "fills it"), "%s", d->notes[0].message);
}

/* `for (...) { jobs[i] = ...; t[i] = tk_work(loop, f, &jobs[i]); }`: another element. */
Test(rules_buffer, element_written_while_element_lent_in_loop_is_not_reported) {
  rt_func("dispatcher");
  tl_slot_id ts = rt_slot("tickets", TL_SLOT_ARRAY), jobs = rt_slot("jobs", TL_SLOT_ARRAY);
  tl_slot_id t = rt_child(TL_SLOT_ELEM, ts, NULL), job = rt_child(TL_SLOT_ELEM, jobs, NULL);
  tl_slot_id i = rt_slot("i", 0);
  rt_fn->slots[t].flags |= TL_SLOT_TICKET;
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  rt_goto(0, head);
  rt_branch(head, 3, i, body, after);
  write_slot(body, job, 4);
  lend(body, t, job, 5);
  write_slot(body, i, 6);            /* i++ */
  rt_goto(body, head);
  rt_event(after, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = t,
                                    .callee = "tk_await_all", .loc = RT_LINE(7),
                                    .flags = TL_F_STATUS_DISCARDED, RT_USES(t)});
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

/* ---- frees ----------------------------------------------------------------------------- */

Test(rules_buffer, buffer_freed_before_await) {
  rt_func("serve");
  tl_slot_id t = ticket("t"), o = rt_slot("o", TL_SLOT_POINTER);
  tl_slot_id pointee = rt_child(TL_SLOT_DEREF, o, NULL);
  lend(0, t, pointee, 3);
  free_buffer(0, o, pointee, 4);
  await(0, t, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "buffer '*o' freed by 'free'");
}

Test(rules_buffer, buffer_freed_after_await_is_fine) {
  rt_func("serve");
  tl_slot_id t = ticket("t"), o = rt_slot("o", TL_SLOT_POINTER);
  tl_slot_id pointee = rt_child(TL_SLOT_DEREF, o, NULL);
  lend(0, t, pointee, 3);
  await(0, t, 4);
  free_buffer(0, o, pointee, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

/* `tk_work(loop, f, &p[i])` in a loop, then `free(p)`: the whole array goes. */
Test(rules_buffer, array_freed_while_element_lent_in_loop) {
  rt_func("dispatcher");
  tl_slot_id ts = rt_slot("tickets", TL_SLOT_ARRAY), p = rt_slot("p", TL_SLOT_POINTER);
  tl_slot_id t = rt_child(TL_SLOT_ELEM, ts, NULL), elem = rt_child(TL_SLOT_ELEM, p, NULL);
  tl_slot_id pointee = rt_child(TL_SLOT_DEREF, p, NULL), i = rt_slot("i", 0);
  rt_fn->slots[t].flags |= TL_SLOT_TICKET;
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  rt_goto(0, head);
  rt_branch(head, 3, i, body, after);
  lend(body, t, elem, 4);
  write_slot(body, i, 5);            /* i++ */
  rt_goto(body, head);
  free_buffer(after, p, pointee, 6);
  rt_event(after, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = t,
                                    .callee = "tk_await_all", .loc = RT_LINE(7),
                                    .flags = TL_F_STATUS_DISCARDED, RT_USES(t)});
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(6, 4, "freed by 'free'");
}

/* ---- leaving the function -------------------------------------------------------------- */

Test(rules_buffer, local_buffer_left_behind_with_returned_ticket) {
  rt_func("place_order");
  tl_slot_id t = ticket("t"), rushed = rt_slot("rushed", 0);
  lend(0, t, rushed, 3);
  return_ticket(0, t, 4);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "buffer 'rushed' goes out of scope");
}

Test(rules_buffer, by_value_parameter_left_behind) {
  rt_func("place_order");
  tl_slot_id t = ticket("t"), slip = rt_slot_kind("slip", TL_SLOT_PARAM, 0);
  lend(0, t, slip, 3);
  return_ticket(0, t, 4);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(4, 3, "buffer 'slip' goes out of scope");
}

Test(rules_buffer, caller_buffer_outlives_function) {
  rt_func("place_order");
  tl_slot_id t = ticket("t"), slip = rt_slot_kind("slip", TL_SLOT_PARAM, TL_SLOT_POINTER);
  tl_slot_id pointee = rt_child(TL_SLOT_DEREF, slip, NULL);
  lend(0, t, pointee, 3);
  return_ticket(0, t, 4);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_buffer, static_buffer_outlives_function) {
  rt_func("place_order");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", TL_SLOT_STATIC);
  lend(0, t, slip, 3);
  return_ticket(0, t, 4);
  cr_assert_eq(rt_run(RULE), 0);
}

/* `t = tk_work(loop, f, &slip); if (!t) return TK_ENOMEM;` lent nothing on that path. */
Test(rules_buffer, failed_start_lent_nothing) {
  rt_func("customer");
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0);
  uint32_t fail = rt_block(), ok = rt_block();
  lend(0, t, slip, 3);
  rt_branch_cmp(0, 4, TL_CMP_ZERO, t, 0, NULL, fail, ok);
  rt_return(fail, 5);
  await(ok, t, 6);
  rt_return(ok, 7);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_buffer, falling_off_the_end_leaves_local_behind) {
  rt_func("customer");
  rt_fn->loc = (struct tl_loc){1, 1, 9, 1};
  tl_slot_id t = ticket("t"), slip = rt_slot("slip", 0), c = rt_slot("c", 0);
  uint32_t then_b = rt_block(), join = rt_block();
  lend(0, t, slip, 3);
  rt_branch(0, 4, c, then_b, join);
  await(then_b, t, 5);
  rt_goto(then_b, join);
  rt_goto(join, rt_fn->exit);
  cr_assert_eq(rt_run(RULE), 1);
  assert_in_flight_at(9, 3, "goes out of scope");
}

/* ---- the model event the frees come from ----------------------------------------------- */

Test(rules_buffer, free_model_event_needs_its_buffer_role) {
  static const char *const bad[][2] = {
    {"model m\nfn release free\n", "'free' function 'release' needs role buffer="},
    {"model m\nfn send start ticket=ret buffer=0\n",
     "role 'buffer=' does not apply to a 'start' function"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct tl_srcerr err;
    cr_assert_neq(tl_models_load_buffer(rt_models, "bad.model", bad[i][0], strlen(bad[i][0]),
                                        &err), 0);
    cr_assert(strstr(err.msg, bad[i][1]), "%s", err.msg);
  }
  const struct tl_model_fn *f = tl_models_find(rt_models, "realloc");
  cr_assert_not_null(f);
  cr_assert_eq(f->event, TL_ME_FREE);
  cr_assert_eq(f->buffer.index, 0);
  cr_assert_eq(f->buffer.deref, 1);
  cr_assert_str_eq(tl_model_event_name(TL_ME_FREE), "free");
}
