/* test_rules_async.c — the rules await-outside-async and blocking-in-async on hand-built IR
 * through the engine: each positive case of the rules' doc comments and the near misses
 * next to it. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_await_outside_async;
extern const struct tl_rule tl_rule_blocking_in_async;

TestSuite(rules_async, .init = rt_setup, .fini = rt_teardown);

#define OUTSIDE (&tl_rule_await_outside_async)
#define BLOCKING (&tl_rule_blocking_in_async)

/* ---- building blocks ------------------------------------------------------------------- */

static void func(const char *name, uint32_t flags) {
  rt_func(name);
  rt_fn->flags = flags;
}

static void call(uint32_t line, const char *callee) {
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .flags = TL_F_DISCARDED, .callee = callee,
                                .loc = RT_LINE(line)});
}

static void await_on(uint32_t line, enum tl_ev_kind kind, const char *callee) {
  tl_slot_id t = rt_slot("order", TL_SLOT_TICKET);
  rt_event(0, (struct tl_event){.kind = kind, .ticket = t, .callee = callee,
                                .loc = RT_LINE(line), RT_USES(t)});
}

static void await(uint32_t line) { await_on(line, TL_EV_AWAIT, "tk_await"); }

static void blocking(uint32_t line, const char *callee) {
  rt_event(0, (struct tl_event){.kind = TL_EV_BLOCKING, .callee = callee,
                                .loc = RT_LINE(line)});
}

static void end(uint32_t line) { rt_return(0, line); }

/* Exactly one finding of `rule_id` on `line`, whose message contains `part`. */
static const struct tl_diag *expect_finding(const char *rule_id, uint32_t line,
                                            const char *part) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_expect_str_eq(d->rule, rule_id);
  cr_expect(strstr(d->message, part) != NULL, "'%s' lacks '%s'", d->message, part);
  return d;
}

/* ---- await-outside-async ---------------------------------------------------------------- */

Test(rules_async, await_in_main_is_outside_an_async_function) {
  func("main", 0);
  await(3);
  await_on(4, TL_EV_AWAIT_ALL, "tk_await_all");
  end(5);
  cr_assert_eq(rt_run(OUTSIDE), 2);
  const struct tl_diag *d = expect_finding("await-outside-async", 3,
                                           "outside an async function");
  cr_expect_str_eq(d->message, "'tk_await' outside an async function: 'main' is not one, so "
                               "the await fails at once and collects nothing");
  expect_finding("await-outside-async", 4, "'tk_await_all' outside an async function");
}

Test(rules_async, await_in_async_function_and_in_helper_only_async_calls_is_quiet) {
  func("wait_for_order", TL_FN_STATIC);
  await(3);
  end(4);
  func("customer", TL_FN_ASYNC_MARKED);
  call(7, "wait_for_order");
  await(8);
  end(9);
  func("barista", TL_FN_ASYNC_PASSED);
  await(12);
  end(13);
  cr_assert_eq(rt_run(OUTSIDE), 0);
}

Test(rules_async, await_in_callback_and_worker_function) {
  func("coffee_ready", TL_FN_CALLBACK | TL_FN_STATIC);
  await(3);
  end(4);
  func("pour_latte", TL_FN_OFFLOADED | TL_FN_STATIC);
  await(7);
  end(8);
  cr_assert_eq(rt_run(OUTSIDE), 2);
  expect_finding("await-outside-async", 3, "loop callback 'coffee_ready' is not one");
  expect_finding("await-outside-async", 7, "worker function 'pour_latte' is not one");
}

Test(rules_async, await_in_helper_main_calls_notes_the_call) {
  func("wait_for_order", TL_FN_STATIC);
  await(3);
  end(4);
  func("customer", TL_FN_ASYNC_MARKED);
  call(7, "wait_for_order");
  end(8);
  func("main", 0);
  call(11, "wait_for_order");
  end(12);
  cr_assert_eq(rt_run(OUTSIDE), 1);
  const struct tl_diag *d = expect_finding("await-outside-async", 3, "'wait_for_order' is not");
  cr_expect(rt_has_note_at(d, 11), "a note at main's call");
  cr_expect_str_eq(d->notes[0].message, "'wait_for_order' is called here from 'main', which "
                                        "is not an async function");
}

Test(rules_async, await_in_function_nothing_calls_notes_the_function) {
  func("exported_fetch", 0);
  rt_fn->loc = RT_LINE(2);
  await(3);
  end(4);
  cr_assert_eq(rt_run(OUTSIDE), 1);
  const struct tl_diag *d = expect_finding("await-outside-async", 3, "outside an async");
  cr_expect(rt_has_note_at(d, 2));
  cr_expect(strstr(d->notes[0].message, "no async function of this file calls it"));
}

Test(rules_async, await_that_does_not_suspend_is_not_this_rule) {
  func("main", 0);
  await_on(3, TL_EV_AWAIT, "job_wait");             /* model: await without `suspends` */
  end(4);
  cr_assert_eq(rt_run(OUTSIDE), 0);
}

/* ---- blocking-in-async ------------------------------------------------------------------ */

Test(rules_async, blocking_call_in_async_function_at_the_call) {
  func("barista", TL_FN_ASYNC_MARKED | TL_FN_STATIC);
  await(3);
  blocking(4, "usleep");
  blocking(5, "read");
  end(6);
  cr_assert_eq(rt_run(BLOCKING), 2);
  const struct tl_diag *d = expect_finding("blocking-in-async", 4, "blocks the loop");
  cr_expect_str_eq(d->message, "blocking call 'usleep' in async function 'barista' blocks "
                               "the loop; await a timer instead");
  d = expect_finding("blocking-in-async", 5, "blocks the loop");
  cr_expect_str_eq(d->message, "blocking call 'read' in async function 'barista' blocks "
                               "the loop; run it on a worker instead");
}

Test(rules_async, await_that_blocks_the_thread_in_async_function) {
  func("barista", TL_FN_ASYNC_PASSED);
  await_on(3, TL_EV_AWAIT, "job_wait");             /* like pthread_join */
  await(4);                                         /* suspends: fine */
  end(5);
  cr_assert_eq(rt_run(BLOCKING), 1);
  expect_finding("blocking-in-async", 3, "blocking call 'job_wait' in async function");
}

Test(rules_async, blocking_in_main_and_on_a_worker_is_quiet) {
  func("main", 0);
  blocking(3, "usleep");
  end(4);
  func("grind", TL_FN_OFFLOADED | TL_FN_STATIC);
  blocking(7, "usleep");
  end(8);
  cr_assert_eq(rt_run(BLOCKING), 0);
}

Test(rules_async, blocking_in_loop_callback) {
  func("pick_up", TL_FN_CALLBACK | TL_FN_STATIC);
  blocking(3, "usleep");
  end(4);
  cr_assert_eq(rt_run(BLOCKING), 1);
  expect_finding("blocking-in-async", 3, "in loop callback 'pick_up' blocks the loop");
}

Test(rules_async, blocking_in_helper_only_the_loop_calls_is_reported_inside_it) {
  func("nap", TL_FN_STATIC);
  blocking(3, "usleep");
  end(4);
  func("barista", TL_FN_ASYNC_MARKED);
  call(7, "nap");
  end(8);
  cr_assert_eq(rt_run(BLOCKING), 1);
  expect_finding("blocking-in-async", 3, "in 'nap', which only async functions call, blocks "
                 "the loop");
  cr_expect_null(rt_diag_at(7), "not at the call as well");
}

Test(rules_async, helper_shared_with_main_is_reported_at_the_call_with_the_chain) {
  func("nap", TL_FN_STATIC);
  blocking(3, "usleep");
  end(4);
  func("pause_briefly", TL_FN_STATIC);
  call(7, "nap");
  end(8);
  func("main", 0);
  call(11, "pause_briefly");                        /* fine here, before the loop */
  end(12);
  func("barista", TL_FN_ASYNC_MARKED);
  call(15, "pause_briefly");
  end(16);
  cr_assert_eq(rt_run(BLOCKING), 1);
  const struct tl_diag *d = expect_finding("blocking-in-async", 15, "blocks the loop");
  cr_expect_str_eq(d->message, "call to 'pause_briefly' in async function 'barista' blocks "
                               "the loop: it reaches blocking call 'usleep'; await a timer "
                               "instead");
  cr_assert_eq(d->nnotes, 2);
  cr_expect_eq(d->notes[0].loc.line, 7);
  cr_expect_str_eq(d->notes[0].message, "'pause_briefly' calls 'nap' here");
  cr_expect_eq(d->notes[1].loc.line, 3);
  cr_expect_str_eq(d->notes[1].message, "'usleep' blocks the thread here");
}

Test(rules_async, direct_call_of_an_offloaded_function_runs_it_on_the_loop) {
  func("grind", TL_FN_OFFLOADED | TL_FN_STATIC);
  blocking(3, "read");
  end(4);
  func("barista", TL_FN_ASYNC_MARKED);
  call(7, "grind");
  end(8);
  cr_assert_eq(rt_run(BLOCKING), 1);
  expect_finding("blocking-in-async", 7, "call to 'grind' in async function 'barista'");
}

Test(rules_async, helper_that_does_not_block_is_quiet) {
  func("add_up", TL_FN_STATIC);
  call(3, "printf");
  end(4);
  func("main", 0);
  call(7, "add_up");
  end(8);
  func("barista", TL_FN_ASYNC_MARKED);
  call(11, "add_up");
  end(12);
  cr_assert_eq(rt_run(BLOCKING), 0);
}
