/* test_rules_lock.c — await-holding-lock (rules/await_holding_lock.c) on hand-built IR: each
 * positive case and each near miss of the rule's doc comment, one test each. */
#include "rules_ir.h"

extern const struct tl_rule tl_rule_await_holding_lock;

/* rules_ir.h's models, plus the locks of libc.model. */
static const char lock_model[] =
  "model locks\n"
  "fn pthread_mutex_lock     lock    mutex=0\n"
  "fn pthread_mutex_unlock   unlock  mutex=0\n";

static void setup(void) {
  struct tl_srcerr err;
  rt_setup();
  cr_assert_eq(tl_models_load_buffer(rt_models, "locks.model", lock_model,
                                     strlen(lock_model), &err), 0, "%s", err.msg);
}

TestSuite(rules_lock, .init = setup, .fini = rt_teardown);

#define RULE (&tl_rule_await_holding_lock)

static void func(const char *name, uint32_t flags) {
  rt_func(name);
  rt_fn->flags = flags;
}

static void lock(uint32_t b, tl_slot_id m, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_LOCK, .aux = m, .callee = "pthread_mutex_lock",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(line), RT_USES(m)});
}

static void unlock(uint32_t b, tl_slot_id m, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_UNLOCK, .aux = m,
                                .callee = "pthread_mutex_unlock", .flags = TL_F_DISCARDED,
                                .loc = RT_LINE(line), RT_USES(m)});
}

static void await_on(uint32_t b, const char *callee, tl_slot_id t, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_AWAIT, .ticket = t, .callee = callee,
                                .flags = TL_F_STATUS_DISCARDED, .loc = RT_LINE(line),
                                RT_USES(t)});
}

static void await(uint32_t b, tl_slot_id t, uint32_t line) {
  await_on(b, "tk_await", t, line);
}

static const struct tl_diag *assert_held_at(uint32_t line, uint32_t locked,
                                            const char *part) {
  const struct tl_diag *d = rt_diag_at(line);
  cr_assert_not_null(d, "no finding on line %u", line);
  cr_assert_str_eq(d->rule, "await-holding-lock");
  cr_assert(strstr(d->message, part), "message without '%s': %s", part, d->message);
  cr_assert(rt_has_note_at(d, locked), "no note on line %u", locked);
  return d;
}

Test(rules_lock, await_while_mutex_held) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), t = rt_slot("t", TL_SLOT_TICKET);
  lock(0, m, 3);
  await(0, t, 4);
  unlock(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  const struct tl_diag *d =
    assert_held_at(4, 3, "'tk_await' suspends while mutex 'till' is held");
  cr_assert(!strstr(d->message, "some path"), "%s", d->message);
  cr_assert(strstr(d->notes[0].message, "'till' locked here by 'pthread_mutex_lock'"), "%s",
            d->notes[0].message);
}

/* The explicit unlock counts: no warning after it (clippy's await_holding_lock warns). */
Test(rules_lock, await_after_explicit_unlock_is_fine) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), t = rt_slot("t", TL_SLOT_TICKET);
  lock(0, m, 3);
  unlock(0, m, 4);
  await(0, t, 5);
  lock(0, m, 6);
  unlock(0, m, 7);
  rt_return(0, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

Test(rules_lock, await_all_while_mutex_held) {
  func("menu", TL_FN_ASYNC_PASSED);
  tl_slot_id m = rt_slot("lock", 0), ts = rt_slot("samples", TL_SLOT_ARRAY);
  tl_slot_id t = rt_child(TL_SLOT_ELEM, ts, NULL);
  lock(0, m, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_AWAIT_ALL, .ticket = t,
                                .callee = "tk_await_all", .flags = TL_F_STATUS_DISCARDED,
                                .loc = RT_LINE(4), RT_USES(t)});
  unlock(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 1);
  assert_held_at(4, 3, "'tk_await_all' suspends");
}

/* The early return unlocks; the path going on awaits with the lock held. */
Test(rules_lock, unlocked_only_on_early_return) {
  func("restock", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), c = rt_slot("broke", 0), t = rt_slot("t", TL_SLOT_TICKET);
  uint32_t early = rt_block(), rest = rt_block();
  lock(0, m, 3);
  rt_branch(0, 4, c, early, rest);
  unlock(early, m, 5);
  rt_return(early, 6);
  await(rest, t, 7);
  unlock(rest, m, 8);
  rt_return(rest, 9);
  cr_assert_eq(rt_run(RULE), 1);
  assert_held_at(7, 3, "is held");
}

/* Paths the engine cannot tell apart (a condition it does not understand, no key) merge:
 * held on one of them is "held on some path". */
Test(rules_lock, held_on_some_path_only) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), t = rt_slot("t", TL_SLOT_TICKET), c = rt_slot("c", 0);
  uint32_t then_b = rt_block(), join = rt_block();
  lock(0, m, 3);
  struct tl_cond cond = {.key = 0, .loc = RT_LINE(4), RT_USES(c)};
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, 0, TL_TERM_BRANCH, &cond), 0);
  rt_goto(0, then_b);
  rt_goto(0, join);
  unlock(then_b, m, 5);
  rt_goto(then_b, join);
  await(join, t, 6);
  rt_return(join, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_held_at(6, 3, "is held on some path");
}

Test(rules_lock, each_held_mutex_reported) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id a = rt_slot("till", 0), b = rt_slot("stock", 0), t = rt_slot("t", TL_SLOT_TICKET);
  lock(0, a, 3);
  lock(0, b, 4);
  await(0, t, 5);
  unlock(0, b, 6);
  unlock(0, a, 7);
  rt_return(0, 8);
  cr_assert_eq(rt_run(RULE), 2);
}

/* main, a loop callback and a worker function do not suspend: the await fails at once. */
Test(rules_lock, await_outside_async_function_does_not_suspend) {
  static const struct { const char *name; uint32_t flags; } fns[] = {
    {"main", 0}, {"coffee_ready", TL_FN_CALLBACK}, {"grind", TL_FN_OFFLOADED},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    func(fns[i].name, fns[i].flags);
    tl_slot_id m = rt_slot("till", 0), t = rt_slot("t", TL_SLOT_TICKET);
    lock(0, m, 3);
    await(0, t, 4);
    unlock(0, m, 5);
    rt_return(0, 6);
  }
  cr_assert_eq(rt_run(RULE), 0);
}

/* An await that blocks the thread (no `suspends`) is not this rule. */
Test(rules_lock, blocking_await_is_not_reported) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), t = rt_slot("job", TL_SLOT_TICKET);
  lock(0, m, 3);
  await_on(0, "job_wait", t, 4);
  unlock(0, m, 5);
  rt_return(0, 6);
  cr_assert_eq(rt_run(RULE), 0);
}

/* close_till(shop) is a function of the file that unlocks: shop->till is released. */
Test(rules_lock, helper_of_this_file_unlocks) {
  func("close_till", TL_FN_STATIC);
  tl_slot_id ps = rt_slot_kind("shop", TL_SLOT_PARAM, TL_SLOT_POINTER);
  unlock(0, rt_child(TL_SLOT_FIELD, ps, "till"), 2);
  rt_return(0, 3);

  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id shop = rt_slot_kind("shop", TL_SLOT_LOCAL, TL_SLOT_POINTER);
  tl_slot_id till = rt_child(TL_SLOT_FIELD, shop, "till"), t = rt_slot("t", TL_SLOT_TICKET);
  lock(0, till, 5);
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "close_till",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(6), RT_USES(shop)});
  await(0, t, 7);
  rt_return(0, 8);
  cr_assert_eq(rt_run(RULE), 0);
}

/* Any other call is assumed to leave the lock alone. */
Test(rules_lock, unknown_call_keeps_the_lock) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), t = rt_slot("t", TL_SLOT_TICKET);
  lock(0, m, 3);
  rt_event(0, (struct tl_event){.kind = TL_EV_CALL, .callee = "count_cash",
                                .flags = TL_F_DISCARDED, .loc = RT_LINE(4), RT_USES(m)});
  await(0, t, 5);
  unlock(0, m, 6);
  rt_return(0, 7);
  cr_assert_eq(rt_run(RULE), 1);
  assert_held_at(5, 3, "is held");
}

/* `while (...) { lock; ...; unlock; await; }`: the await never holds the lock. */
Test(rules_lock, lock_and_unlock_inside_loop_before_await) {
  func("cashier", TL_FN_ASYNC_MARKED);
  tl_slot_id m = rt_slot("till", 0), t = rt_slot("t", TL_SLOT_TICKET), i = rt_slot("i", 0);
  uint32_t head = rt_block(), body = rt_block(), after = rt_block();
  rt_goto(0, head);
  rt_branch(head, 3, i, body, after);
  lock(body, m, 4);
  unlock(body, m, 5);
  await(body, t, 6);
  rt_event(body, (struct tl_event){.kind = TL_EV_ASSIGN, .dst = i, .loc = RT_LINE(7),
                                   RT_USES(i)});         /* i++ */
  rt_goto(body, head);
  rt_return(after, 8);
  cr_assert_eq(rt_run(RULE), 0);
}
