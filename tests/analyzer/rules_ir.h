/* rules_ir.h — small functions built by hand for the rule tests (test_rules_*.c), run
 * through tl_rules_run with one rule and the models below.
 *
 *   rt_func("f");                           // block 0 = entry, block 1 = exit
 *   tl_slot_id t = rt_slot("t", TL_SLOT_TICKET);
 *   rt_event(0, (struct tl_event){.kind = TL_EV_START, .ticket = t, .callee = "tk_async",
 *                                 .loc = RT_LINE(3)});
 *   rt_return(0, 9);
 *   cr_assert_eq(rt_run(&tl_rule_ticket_as_value), 1);
 *
 * An event's `model` is looked up from its callee. Every function is verified first. */
#ifndef TL_TEST_RULES_IR_H
#define TL_TEST_RULES_IR_H

#include <criterion/criterion.h>
#include <string.h>

#include "rule.h"

/* Three libraries: one with a batch await, one filling buffers, one without a batch await. */
static const char *const rt_models_text[] = {
  "model ticket\n"
  "header ticket.h\n"
  "type tk_promise *\n"
  "fn tk_async        start      ticket=ret async-fn=1\n"
  "fn tk_sleep        start      ticket=ret timer\n"
  "fn tk_promise_new  start      ticket=ret\n"
  "fn tk_await        await      ticket=0 value=*1 status=ret suspends\n"
  "fn tk_await_all    await-all  tickets=0 count=1 value=*2 status=ret suspends\n"
  "fn tk_then         consume    ticket=0 callback=1 status=ret\n"
  "fn tk_detach       detach     ticket=0\n"
  "fn tk_state        poll       ticket=0 flag=ret done=ne:TK_PENDING\n"
  "fn tk_value        read       ticket=0 value=ret\n"
  "fn tk_error        read       ticket=0 status=ret\n"
  "fn tk_resolve      settle     ticket=0 value=1\n",
  "model mpi\n"
  "header mpi.h\n"
  "type MPI_Request\n"
  "fn MPI_Irecv       start      ticket=*6 fill=0\n"
  "fn MPI_Isend       start      ticket=*6 lend=0\n"
  "fn MPI_Wait        await      ticket=*0 status=ret\n"
  "fn MPI_Test        poll       ticket=*0 flag=*1 done=nonzero status=ret\n"
  "fn MPI_Done0       poll       ticket=*0 flag=ret done=zero\n"
  "fn MPI_Done1       poll       ticket=*0 flag=ret done=eq:1\n",
  "model jobs\n"
  "header jobs.h\n"
  "type job_t\n"
  "fn job_start       start      ticket=ret\n"
  "fn job_wait        await      ticket=0 value=*1 status=ret\n",
  "model libc\n"
  "header unistd.h\n"
  "fn usleep          blocking   timer\n"
  "fn read            blocking\n",
};

static struct tl_unit rt_unit;
static struct tl_diags rt_diags;
static tl_models *rt_models;
static struct tl_func *rt_fn;

#define RT_LINE(n) ((struct tl_loc){(n), 3, (n), 20})
/* .nuses/.uses from a list of slots: RT_USES(a, b). */
#define RT_USES(...)                                                            \
  .nuses = sizeof((tl_slot_id[]){__VA_ARGS__}) / sizeof(tl_slot_id),            \
  .uses = (tl_slot_id[]){__VA_ARGS__}

static inline void rt_setup(void) {
  struct tl_srcerr err;
  cr_assert_eq(tl_unit_init(&rt_unit, "rules.c"), 0);
  tl_diags_init(&rt_diags);
  cr_assert_eq(tl_models_new(&rt_models), 0);
  for (size_t i = 0; i < sizeof rt_models_text / sizeof rt_models_text[0]; i++)
    cr_assert_eq(tl_models_load_buffer(rt_models, "test.model", rt_models_text[i],
                                       strlen(rt_models_text[i]), &err), 0,
                 "%s:%d: %s", err.file, err.line, err.msg);
}

static inline void rt_teardown(void) {
  tl_models_free(rt_models);
  tl_diags_close(&rt_diags);
  tl_unit_close(&rt_unit);
}

static inline uint32_t rt_block(void) {
  uint32_t b;
  cr_assert_eq(tl_func_add_block(&rt_unit, rt_fn, &b), 0);
  return b;
}

/* A function with its entry (block 0) and exit (block 1). */
static inline void rt_func(const char *name) {
  cr_assert_eq(tl_unit_add_func(&rt_unit, name, &rt_fn), 0);
  rt_fn->loc = (struct tl_loc){1, 1, 1, 1};
  rt_block();
  rt_fn->exit = rt_block();
}

static inline tl_slot_id rt_slot_kind(const char *name, enum tl_slot_kind kind,
                                      uint32_t flags) {
  struct tl_slot s = {.kind = kind, .flags = flags, .name = name};
  tl_slot_id id;
  cr_assert_eq(tl_func_add_slot(&rt_unit, rt_fn, &s, &id), 0);
  return id;
}

static inline tl_slot_id rt_slot(const char *name, uint32_t flags) {
  return rt_slot_kind(name, TL_SLOT_LOCAL, flags);
}

static inline tl_slot_id rt_child(enum tl_slot_kind kind, tl_slot_id parent,
                                  const char *field) {
  tl_slot_id id;
  cr_assert_eq(tl_func_child_slot(&rt_unit, rt_fn, kind, parent, field, &id), 0);
  return id;
}

static inline void rt_event(uint32_t b, struct tl_event ev) {
  if (ev.callee && !ev.model) ev.model = tl_models_find(rt_models, ev.callee);
  cr_assert(!ev.callee || ev.kind == TL_EV_CALL || ev.model, "no model for %s", ev.callee);
  cr_assert_eq(tl_func_add_event(&rt_unit, rt_fn, b, &ev), 0);
}

static inline void rt_goto(uint32_t from, uint32_t to) {
  cr_assert_eq(tl_func_add_edge(&rt_unit, rt_fn, from, to), 0);
}

/* `if (slot <cmp> value)` on line `line` (also its key): succs[0] = then_b. */
static inline void rt_branch_cmp(uint32_t b, uint32_t line, enum tl_cmp cmp, tl_slot_id slot,
                                 long long value, const char *constant, uint32_t then_b,
                                 uint32_t else_b) {
  struct tl_cond c = {.key = line, .cmp = cmp, .slot = slot, .value = value,
                      .constant = constant, .loc = RT_LINE(line), RT_USES(slot)};
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, b, TL_TERM_BRANCH, &c), 0);
  rt_goto(b, then_b);
  rt_goto(b, else_b);
}

static inline void rt_branch(uint32_t b, uint32_t line, tl_slot_id slot, uint32_t then_b,
                             uint32_t else_b) {
  rt_branch_cmp(b, line, TL_CMP_NONZERO, slot, 0, NULL, then_b, else_b);
}

/* A condition not understood (`cmp` NONE) reading `uses`: succs[0] = then_b. */
static inline void rt_branch_uses(uint32_t b, uint32_t line, uint32_t nuses, tl_slot_id *uses,
                                  uint32_t then_b, uint32_t else_b) {
  struct tl_cond c = {.key = line, .loc = RT_LINE(line), .nuses = nuses, .uses = uses};
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, b, TL_TERM_BRANCH, &c), 0);
  rt_goto(b, then_b);
  rt_goto(b, else_b);
}

static inline void rt_return(uint32_t b, uint32_t line) {
  rt_event(b, (struct tl_event){.kind = TL_EV_RETURN, .loc = RT_LINE(line)});
  cr_assert_eq(tl_func_set_term(&rt_unit, rt_fn, b, TL_TERM_RETURN, NULL), 0);
  rt_goto(b, rt_fn->exit);
}

/* Run one rule over the unit; the number of findings (sorted, duplicates dropped). */
static inline size_t rt_run(const struct tl_rule *rule) {
  char msg[256];
  for (uint32_t f = 0; f < rt_unit.nfuncs; f++)
    cr_assert_eq(tl_func_verify(&rt_unit.funcs[f], msg, sizeof msg), 0, "%s", msg);
  const struct tl_rule *const rules[] = {rule};
  struct tl_run run = {.rules = rules, .nrules = 1, .models = rt_models, .diags = &rt_diags};
  cr_assert_eq(tl_rules_run(&run, &rt_unit), 0);
  tl_diags_sort(&rt_diags);
  return rt_diags.size;
}

/* The finding on `line`, or NULL. */
static inline const struct tl_diag *rt_diag_at(uint32_t line) {
  for (uint32_t i = 0; i < rt_diags.size; i++)
    if (rt_diags.data[i].loc.line == line) return &rt_diags.data[i];
  return NULL;
}

/* 1 when d has a note on `line`. */
static inline int rt_has_note_at(const struct tl_diag *d, uint32_t line) {
  for (uint32_t i = 0; d && i < d->nnotes; i++)
    if (d->notes[i].loc.line == line) return 1;
  return 0;
}

#endif /* TL_TEST_RULES_IR_H */
