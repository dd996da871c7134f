/* test_lifecycle.c — the ticket-lifecycle lattice (analyzer/lifecycle.c) on its own: join,
 * the entry facts, and each event's transfer, on facts indexed by slot (no engine). */
#include <criterion/criterion.h>
#include <string.h>

#include "lifecycle.h"

static struct tl_unit unit;
static struct tl_func *fn;
static struct tl_lc_fact facts[32];
static struct tl_lc lc;

static void setup(void) {
  cr_assert_eq(tl_unit_init(&unit, "lc.c"), 0);
  cr_assert_eq(tl_unit_add_func(&unit, "f", &fn), 0);
  memset(facts, 0, sizeof facts);
  lc = (struct tl_lc){ .fn = fn, .cx = NULL, .facts = facts };
}

static void teardown(void) { tl_unit_close(&unit); }

TestSuite(lifecycle, .init = setup, .fini = teardown);

static tl_slot_id slot(const char *name, enum tl_slot_kind kind, uint32_t flags) {
  struct tl_slot s = { .kind = kind, .flags = flags, .name = name };
  tl_slot_id id;
  cr_assert_eq(tl_func_add_slot(&unit, fn, &s, &id), 0);
  cr_assert_lt(id, 32);
  return id;
}

static tl_slot_id ticket(const char *name) {
  return slot(name, TL_SLOT_LOCAL, TL_SLOT_TICKET);
}

static tl_slot_id child(enum tl_slot_kind kind, tl_slot_id parent, const char *field,
                        uint32_t flags) {
  tl_slot_id id;
  cr_assert_eq(tl_func_child_slot(&unit, fn, kind, parent, field, &id), 0);
  fn->slots[id].flags |= flags;
  cr_assert_lt(id, 32);
  return id;
}

#define LOC(n) ((struct tl_loc){ (n), 1, (n), 10 })
#define EV(...) ((struct tl_event){ __VA_ARGS__ })

static void expect_states(tl_slot_id s, uint32_t want) {
  char got[96], exp[96];
  cr_assert_eq(facts[s].states, want, "slot '%s': %s, expected %s", fn->slots[s].name,
               tl_lc_states_name(facts[s].states, got, sizeof got),
               tl_lc_states_name(want, exp, sizeof exp));
}

/* ---- the lattice ----------------------------------------------------------------------- */

Test(lifecycle, join_is_the_union_of_states) {
  struct tl_lc_fact a = { .states = TL_LC_PENDING }, b = { .states = TL_LC_COLLECTED };
  tl_lc_fact_join(&a, &b);
  cr_assert_eq(a.states, TL_LC_PENDING | TL_LC_COLLECTED);
  struct tl_lc_fact bottom = { 0 };
  tl_lc_fact_join(&bottom, &b);
  cr_assert_eq(memcmp(&bottom, &b, sizeof b), 0, "bottom is the identity");
}

Test(lifecycle, join_keeps_the_earliest_origin_whatever_the_order) {
  struct tl_event e3 = EV(.kind = TL_EV_START, .loc = LOC(3));
  struct tl_event e7 = EV(.kind = TL_EV_START, .loc = LOC(7));
  struct tl_lc_fact a = { .states = TL_LC_PENDING, .origin = &e7 };
  struct tl_lc_fact b = { .states = TL_LC_PENDING, .origin = &e3 };
  struct tl_lc_fact ab = a, ba = b;
  tl_lc_fact_join(&ab, &b);
  tl_lc_fact_join(&ba, &a);
  cr_assert_eq(ab.origin, &e3);
  cr_assert_eq(memcmp(&ab, &ba, sizeof ab), 0, "join is commutative");
  struct tl_lc_fact again = ab;
  tl_lc_fact_join(&again, &ab);
  cr_assert_eq(memcmp(&again, &ab, sizeof ab), 0, "join is idempotent");
}

Test(lifecycle, join_takes_the_reason_with_the_earliest_unissued_place) {
  struct tl_loc l2 = LOC(2), l5 = LOC(5);
  struct tl_lc_fact a = { .states = TL_LC_NOT_ISSUED, .why = TL_LC_WHY_TEST, .unissued = &l5 };
  struct tl_lc_fact b = { .states = TL_LC_NOT_ISSUED, .why = TL_LC_WHY_NULL, .unissued = &l2 };
  tl_lc_fact_join(&a, &b);
  cr_assert_eq(a.unissued, &l2);
  cr_assert_eq(a.why, TL_LC_WHY_NULL);
}

Test(lifecycle, strong_update_drops_pointers_of_states_left_behind) {
  struct tl_event e = EV(.kind = TL_EV_START, .loc = LOC(3));
  struct tl_loc l = LOC(1);
  struct tl_lc_fact f = { .states = TL_LC_PENDING | TL_LC_NOT_ISSUED, .origin = &e,
                          .collect = &e, .unissued = &l, .why = TL_LC_WHY_DECL };
  tl_lc_fact_set(&f, TL_LC_COLLECTED);
  cr_assert_null(f.origin);
  cr_assert_null(f.unissued);
  cr_assert_eq(f.why, TL_LC_WHY_NONE);
  cr_assert_eq(f.collect, &e, "collect stays while COLLECTED");
}

Test(lifecycle, states_print_by_name) {
  char buf[64];
  cr_assert_str_eq(tl_lc_states_name(TL_LC_PENDING | TL_LC_ESCAPED, buf, sizeof buf),
                   "PENDING|ESCAPED");
  cr_assert_str_eq(tl_lc_states_name(0, buf, sizeof buf), "bottom");
}

/* ---- slots and entry facts ------------------------------------------------------------- */

Test(lifecycle, locals_start_not_issued_and_everything_else_unknown) {
  tl_slot_id t = ticket("t");
  tl_slot_id p = slot("p", TL_SLOT_PARAM, TL_SLOT_TICKET);
  tl_slot_id g = slot("g", TL_SLOT_GLOBAL, TL_SLOT_TICKET | TL_SLOT_STATIC);
  tl_slot_id tmp = slot("tk_async()", TL_SLOT_TEMP, TL_SLOT_TICKET);
  tl_slot_id s = slot("s", TL_SLOT_LOCAL, 0);
  tl_slot_id sreq = child(TL_SLOT_FIELD, s, "req", TL_SLOT_TICKET);
  tl_slot_id ptr = slot("c", TL_SLOT_PARAM, TL_SLOT_POINTER);
  tl_slot_id creq = child(TL_SLOT_FIELD, ptr, "req", TL_SLOT_TICKET);
  tl_lc_init_facts(&lc);
  expect_states(t, TL_LC_NOT_ISSUED);
  cr_assert_eq(facts[t].why, TL_LC_WHY_DECL);
  expect_states(p, TL_LC_UNKNOWN);
  expect_states(g, TL_LC_UNKNOWN);
  expect_states(tmp, TL_LC_UNKNOWN);
  expect_states(sreq, TL_LC_NOT_ISSUED);
  expect_states(creq, TL_LC_UNKNOWN);
  cr_assert(tl_lc_slot_owned(fn, sreq));
  cr_assert(tl_lc_slot_owned(fn, tmp));
  cr_assert_not(tl_lc_slot_owned(fn, creq));
  cr_assert_not(tl_lc_slot_owned(fn, g));
}

Test(lifecycle, element_slots_are_summaries) {
  tl_slot_id a = slot("reqs", TL_SLOT_LOCAL, TL_SLOT_ARRAY);
  tl_slot_id e = child(TL_SLOT_ELEM, a, NULL, TL_SLOT_TICKET);
  tl_slot_id f = child(TL_SLOT_FIELD, e, "req", TL_SLOT_TICKET);
  tl_slot_id t = ticket("t");
  cr_assert(tl_lc_slot_summary(fn, e));
  cr_assert(tl_lc_slot_summary(fn, f));
  cr_assert_not(tl_lc_slot_summary(fn, t));
  cr_assert(tl_lc_slot_within(fn, f, a));
  cr_assert_not(tl_lc_slot_within(fn, a, f));
  cr_assert(tl_lc_slot_owned(fn, f));
}

/* ---- transfer -------------------------------------------------------------------------- */

Test(lifecycle, start_issues_a_pending_ticket_with_its_origin) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  tl_lc_apply(&lc, &st);
  expect_states(t, TL_LC_PENDING);
  cr_assert_eq(facts[t].origin, &st);
  cr_assert_null(facts[t].unissued);
}

Test(lifecycle, discarded_start_touches_no_slot) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  struct tl_lc_fact before = facts[t];
  struct tl_event st = EV(.kind = TL_EV_START, .flags = TL_F_DISCARDED, .loc = LOC(3));
  tl_lc_apply(&lc, &st);
  cr_assert_eq(memcmp(&before, &facts[t], sizeof before), 0);
}

Test(lifecycle, await_consume_and_detach_hand_the_ticket_in) {
  static const enum tl_ev_kind kinds[] = { TL_EV_AWAIT, TL_EV_CONSUME, TL_EV_DETACH };
  static const uint32_t want[] = { TL_LC_COLLECTED, TL_LC_COLLECTED, TL_LC_DETACHED };
  tl_slot_id t = ticket("t");
  for (unsigned i = 0; i < 3; i++) {
    tl_lc_init_facts(&lc);
    struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
    struct tl_event in = EV(.kind = kinds[i], .ticket = t, .loc = LOC(4));
    tl_lc_apply(&lc, &st);
    tl_lc_apply(&lc, &in);
    expect_states(t, want[i]);
    cr_assert_eq(facts[t].collect, &in);
    cr_assert_null(facts[t].origin);
  }
}

Test(lifecycle, escape_and_return_give_the_ticket_away) {
  tl_slot_id t = ticket("t"), u = ticket("u");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  struct tl_event su = EV(.kind = TL_EV_START, .ticket = u, .loc = LOC(4));
  struct tl_event esc = EV(.kind = TL_EV_ESCAPE, .ticket = t, .loc = LOC(5));
  struct tl_event ret = EV(.kind = TL_EV_RETURN, .ticket = u, .loc = LOC(6));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &su);
  tl_lc_apply(&lc, &esc);
  expect_states(t, TL_LC_ESCAPED);
  expect_states(u, TL_LC_PENDING);
  tl_lc_apply(&lc, &ret);
  expect_states(u, TL_LC_ESCAPED);
}

Test(lifecycle, returning_a_struct_gives_its_tickets_away) {
  tl_slot_id s = slot("s", TL_SLOT_LOCAL, 0);
  tl_slot_id r = child(TL_SLOT_FIELD, s, "req", TL_SLOT_TICKET);
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = r, .loc = LOC(3));
  tl_slot_id uses[] = { s };
  struct tl_event ret = EV(.kind = TL_EV_RETURN, .nuses = 1, .uses = uses, .loc = LOC(4));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &ret);
  expect_states(r, TL_LC_ESCAPED);
}

Test(lifecycle, a_copy_is_the_same_ticket) {
  tl_slot_id t = ticket("t"), t2 = ticket("t2");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  tl_slot_id uses[] = { t };
  struct tl_event cp = EV(.kind = TL_EV_ASSIGN, .dst = t2, .nuses = 1, .uses = uses,
                          .loc = LOC(4));
  struct tl_event aw = EV(.kind = TL_EV_AWAIT, .ticket = t2, .loc = LOC(5));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &cp);
  expect_states(t2, TL_LC_PENDING);
  cr_assert_eq(facts[t2].origin, &st);
  cr_assert(tl_lc_alias_pending(&lc, &facts[t], t));
  tl_lc_apply(&lc, &aw);
  expect_states(t2, TL_LC_COLLECTED);
  expect_states(t, TL_LC_COLLECTED);
  cr_assert_eq(facts[t].collect, &aw, "the note of a second await names the first");
}

Test(lifecycle, assigning_null_leaves_no_ticket) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  struct tl_event nul = EV(.kind = TL_EV_ASSIGN, .flags = TL_F_NULL | TL_F_CONST, .dst = t,
                           .loc = LOC(4));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &nul);
  expect_states(t, TL_LC_NOT_ISSUED);
  cr_assert_eq(facts[t].unissued, &nul.loc);
  cr_assert_eq(facts[t].why, TL_LC_WHY_NULL);
}

Test(lifecycle, other_assignments_make_the_slot_unknown) {
  tl_slot_id t = ticket("t"), a = slot("a", TL_SLOT_LOCAL, 0), b = slot("b", TL_SLOT_LOCAL, 0);
  tl_lc_init_facts(&lc);
  struct tl_event cst = EV(.kind = TL_EV_ASSIGN, .flags = TL_F_CONST, .dst = t, .loc = LOC(3));
  tl_lc_apply(&lc, &cst);
  expect_states(t, TL_LC_UNKNOWN);
  tl_lc_init_facts(&lc);
  tl_slot_id uses[] = { a, b };
  struct tl_event two = EV(.kind = TL_EV_ASSIGN, .dst = t, .nuses = 2, .uses = uses,
                           .loc = LOC(4));
  tl_lc_apply(&lc, &two);
  expect_states(t, TL_LC_UNKNOWN);
}

Test(lifecycle, struct_copy_copies_field_by_field) {
  tl_slot_id s = slot("s", TL_SLOT_LOCAL, 0), d = slot("d", TL_SLOT_LOCAL, 0);
  tl_slot_id sr = child(TL_SLOT_FIELD, s, "req", TL_SLOT_TICKET);
  tl_slot_id dr = child(TL_SLOT_FIELD, d, "req", TL_SLOT_TICKET);
  tl_slot_id dx = child(TL_SLOT_FIELD, d, "extra", TL_SLOT_TICKET);
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = sr, .loc = LOC(3));
  tl_slot_id uses[] = { s };
  struct tl_event cp = EV(.kind = TL_EV_ASSIGN, .dst = d, .nuses = 1, .uses = uses,
                          .loc = LOC(4));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &cp);
  expect_states(dr, TL_LC_PENDING);
  cr_assert_eq(facts[dr].origin, &st);
  expect_states(dx, TL_LC_UNKNOWN);
}

Test(lifecycle, await_all_collects_the_array_elements) {
  tl_slot_id a = slot("reqs", TL_SLOT_LOCAL, TL_SLOT_ARRAY | TL_SLOT_TICKET);
  tl_slot_id e = child(TL_SLOT_ELEM, a, NULL, TL_SLOT_TICKET);
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = e, .loc = LOC(3));
  struct tl_event all = EV(.kind = TL_EV_AWAIT_ALL, .ticket = a, .loc = LOC(5));
  tl_lc_apply(&lc, &st);
  facts[e].states |= TL_LC_NOT_ISSUED;          /* as after a loop that may not run */
  tl_lc_apply(&lc, &all);
  expect_states(e, TL_LC_COLLECTED);
  cr_assert_eq(facts[e].collect, &all);
}

Test(lifecycle, unmodelled_call_may_start_or_keep_what_its_arguments_reach) {
  tl_slot_id s = slot("c", TL_SLOT_LOCAL, TL_SLOT_ADDR);
  tl_slot_id r = child(TL_SLOT_FIELD, s, "req", TL_SLOT_TICKET);
  tl_slot_id q = child(TL_SLOT_FIELD, s, "other", TL_SLOT_TICKET);
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = r, .loc = LOC(3));
  tl_slot_id uses[] = { s };
  struct tl_event call = EV(.kind = TL_EV_CALL, .callee = "conn_finish", .dst = t,
                            .nuses = 1, .uses = uses, .loc = LOC(4));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &call);
  expect_states(r, TL_LC_ESCAPED);
  expect_states(q, TL_LC_UNKNOWN);
  expect_states(t, TL_LC_UNKNOWN);
}

Test(lifecycle, noreturn_call_makes_every_fact_bottom) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  struct tl_event ex = EV(.kind = TL_EV_CALL, .flags = TL_F_NORETURN, .callee = "exit",
                          .loc = LOC(4));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &ex);
  expect_states(t, 0);
}

Test(lifecycle, polls_and_reads_change_nothing) {
  tl_slot_id t = ticket("t"), flag = slot("flag", TL_SLOT_LOCAL, 0);
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  struct tl_event po = EV(.kind = TL_EV_POLL, .ticket = t, .dst = flag, .loc = LOC(4));
  tl_lc_apply(&lc, &st);
  struct tl_lc_fact before = facts[t];
  tl_lc_apply(&lc, &po);
  cr_assert_eq(memcmp(&before, &facts[t], sizeof before), 0);
}

/* ---- edges ----------------------------------------------------------------------------- */

static struct tl_block branch_on(tl_slot_id s, enum tl_cmp cmp, const char *constant) {
  struct tl_block b = { .term = TL_TERM_BRANCH, .nsuccs = 2 };
  b.cond = (struct tl_cond){ .key = 9, .cmp = cmp, .slot = s, .constant = constant,
                             .loc = LOC(9) };
  return b;
}

Test(lifecycle, null_branch_of_a_failed_start_issued_nothing) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  tl_lc_apply(&lc, &st);
  struct tl_block b = branch_on(t, TL_CMP_ZERO, NULL);     /* if (!t) */
  struct tl_lc_fact saved = facts[t];
  tl_lc_refine(&lc, &b, 0);
  expect_states(t, TL_LC_NOT_ISSUED);
  cr_assert_eq(facts[t].why, TL_LC_WHY_TEST);
  facts[t] = saved;
  tl_lc_refine(&lc, &b, 1);
  expect_states(t, TL_LC_PENDING);
}

Test(lifecycle, non_null_branch_drops_not_issued) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  facts[t].states |= TL_LC_PENDING;
  struct tl_block b = branch_on(t, TL_CMP_NONZERO, NULL);  /* if (t) */
  tl_lc_refine(&lc, &b, 0);
  expect_states(t, TL_LC_PENDING);
  tl_lc_init_facts(&lc);
  struct tl_block eq = branch_on(t, TL_CMP_NE, "NULL");    /* if (t != NULL) */
  tl_lc_refine(&lc, &eq, 0);
  expect_states(t, 0);                                      /* infeasible: never started */
}

Test(lifecycle, equality_with_null_constant_is_a_null_test) {
  tl_slot_id t = ticket("t");
  tl_lc_init_facts(&lc);
  facts[t].states = TL_LC_PENDING;
  struct tl_block b = branch_on(t, TL_CMP_EQ, "MPI_REQUEST_NULL");
  tl_lc_refine(&lc, &b, 0);
  expect_states(t, TL_LC_NOT_ISSUED);
  facts[t].states = TL_LC_PENDING;
  struct tl_block other = branch_on(t, TL_CMP_EQ, "TK_PENDING");
  other.cond.value = 0;
  tl_lc_refine(&lc, &other, 0);
  expect_states(t, TL_LC_PENDING);
}

Test(lifecycle, tests_of_non_ticket_slots_refine_nothing) {
  tl_slot_id n = slot("n", TL_SLOT_LOCAL, 0);
  tl_lc_init_facts(&lc);
  struct tl_lc_fact before = facts[n];
  struct tl_block b = branch_on(n, TL_CMP_ZERO, NULL);
  tl_lc_refine(&lc, &b, 0);
  cr_assert_eq(memcmp(&before, &facts[n], sizeof before), 0);
}

Test(lifecycle, initialiser_list_puts_the_ticket_into_the_only_ticket_field) {
  tl_slot_id t = ticket("order");
  tl_slot_id s = slot("ada", TL_SLOT_LOCAL, 0);
  tl_slot_id name = child(TL_SLOT_FIELD, s, "name", 0);
  tl_slot_id f = child(TL_SLOT_FIELD, s, "order", TL_SLOT_TICKET);
  tl_lc_init_facts(&lc);
  struct tl_event st = EV(.kind = TL_EV_START, .ticket = t, .loc = LOC(3));
  tl_slot_id uses[] = { t };
  struct tl_event init = EV(.kind = TL_EV_ASSIGN, .dst = s, .nuses = 1, .uses = uses,
                            .loc = LOC(4));                 /* = { "ada", order } */
  struct tl_event aw = EV(.kind = TL_EV_AWAIT, .ticket = f, .loc = LOC(5));
  tl_lc_apply(&lc, &st);
  tl_lc_apply(&lc, &init);
  expect_states(f, TL_LC_PENDING);
  expect_states(name, TL_LC_UNKNOWN);
  tl_lc_apply(&lc, &aw);
  expect_states(t, TL_LC_COLLECTED);
}

Test(lifecycle, tickets_stored_where_we_cannot_follow_escape) {
  tl_slot_id a = ticket("a"), b = ticket("b");
  tl_slot_id pair = slot("pair", TL_SLOT_LOCAL, 0);
  tl_lc_init_facts(&lc);
  struct tl_event sa = EV(.kind = TL_EV_START, .ticket = a, .loc = LOC(3));
  struct tl_event sb = EV(.kind = TL_EV_START, .ticket = b, .loc = LOC(4));
  tl_slot_id uses[] = { a, b };
  struct tl_event init = EV(.kind = TL_EV_ASSIGN, .dst = pair, .nuses = 2, .uses = uses,
                            .loc = LOC(5));                 /* = { a, b } */
  tl_lc_apply(&lc, &sa);
  tl_lc_apply(&lc, &sb);
  tl_lc_apply(&lc, &init);
  expect_states(a, TL_LC_ESCAPED);
  expect_states(b, TL_LC_ESCAPED);
}
