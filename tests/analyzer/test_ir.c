/* test_ir.c — the IR builder, the verifier and the `--dump-ir` text format. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "model.h"
#include "tl_errno.h"

static struct tl_unit unit;

static void setup(void) { cr_assert_eq(tl_unit_init(&unit, "demo.c"), 0); }
static void teardown(void) { tl_unit_close(&unit); }

TestSuite(ir, .init = setup, .fini = teardown);

static uint32_t block(struct tl_func *fn) {
  uint32_t b;
  cr_assert_eq(tl_func_add_block(&unit, fn, &b), 0);
  return b;
}

static void edge(struct tl_func *fn, uint32_t from, uint32_t to) {
  cr_assert_eq(tl_func_add_edge(&unit, fn, from, to), 0);
}

static tl_slot_id local(struct tl_func *fn, const char *name, uint32_t flags) {
  struct tl_slot s = {.kind = TL_SLOT_LOCAL, .flags = flags, .name = name};
  tl_slot_id id;
  cr_assert_eq(tl_func_add_slot(&unit, fn, &s, &id), 0);
  return id;
}

static char *dump(const struct tl_func *fn) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  cr_assert_not_null(out);
  tl_func_dump(fn, out);
  fclose(out);
  return buf;
}

/* entry: t = start(); branch c ? bb2 : bb3; bb2: await t; bb3: return -> exit(bb1). */
static struct tl_func *build_start_await(void) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "start_then_maybe_await", &fn), 0);
  fn->loc = (struct tl_loc){3, 1, 9, 1};
  uint32_t entry = block(fn);
  fn->exit = block(fn);
  uint32_t then_b = block(fn), ret = block(fn);
  tl_slot_id t = local(fn, "t", TL_SLOT_TICKET), c = local(fn, "c", 0);
  tl_slot_id uses[] = {c};
  struct tl_event start = {.kind = TL_EV_START, .loc = {4, 3, 4, 20}, .ticket = t,
                           .callee = "tk_async", .nuses = 1, .uses = uses};
  cr_assert_eq(tl_func_add_event(&unit, fn, entry, &start), 0);
  struct tl_cond cond = {.key = 7, .cmp = TL_CMP_NONZERO, .slot = c, .nuses = 1,
                         .uses = uses};
  cr_assert_eq(tl_func_set_term(&unit, fn, entry, TL_TERM_BRANCH, &cond), 0);
  edge(fn, entry, then_b);
  edge(fn, entry, ret);
  struct tl_event await = {.kind = TL_EV_AWAIT, .loc = {5, 12, 5, 24}, .ticket = t,
                           .callee = "tk_await", .flags = TL_F_STATUS_DISCARDED};
  cr_assert_eq(tl_func_add_event(&unit, fn, then_b, &await), 0);
  edge(fn, then_b, ret);
  struct tl_event r = {.kind = TL_EV_RETURN, .loc = {6, 3, 6, 11}};
  cr_assert_eq(tl_func_add_event(&unit, fn, ret, &r), 0);
  cr_assert_eq(tl_func_set_term(&unit, fn, ret, TL_TERM_RETURN, NULL), 0);
  edge(fn, ret, fn->exit);
  return fn;
}

Test(ir, event_names_come_from_the_table) {
  cr_assert_str_eq(tl_ev_name(TL_EV_START), "START");
  cr_assert_str_eq(tl_ev_name(TL_EV_AWAIT_ALL), "AWAIT_ALL");
  cr_assert_str_eq(tl_ev_name(TL_EV_RETURN), "RETURN");
  cr_assert_str_eq(tl_ev_name(TL_EV__COUNT), "?");
}

Test(ir, new_function_has_slot_zero_and_no_blocks) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "f", &fn), 0);
  cr_assert_eq(fn->nslots, 1);
  cr_assert_eq(fn->nblocks, 0);
  cr_assert_str_eq(fn->file, "demo.c");
  char msg[128];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), TL_EINVAL);
}

Test(ir, built_function_verifies) {
  struct tl_func *fn = build_start_await();
  char msg[256];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), 0, "%s", msg);
  cr_assert_eq(fn->blocks[0].npreds, 0);
  cr_assert_eq(fn->blocks[3].npreds, 2);
  cr_assert_eq(fn->blocks[0].succs[0], 2);   /* cond holds: first edge added */
}

Test(ir, builder_copies_strings_and_uses) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "f", &fn), 0);
  uint32_t b = block(fn);
  fn->exit = b;
  char callee[] = "tk_async";
  tl_slot_id uses[] = {0};
  struct tl_event ev = {.kind = TL_EV_CALL, .callee = callee, .nuses = 1, .uses = uses};
  cr_assert_eq(tl_func_add_event(&unit, fn, b, &ev), 0);
  callee[0] = 'X';
  uses[0] = 42;
  cr_assert_str_eq(fn->blocks[b].events[0].callee, "tk_async");
  cr_assert_eq(fn->blocks[b].events[0].uses[0], 0);
}

Test(ir, child_slots_are_found_again_and_named) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "f", &fn), 0);
  tl_slot_id s = local(fn, "s", 0);
  struct tl_slot ps = {.kind = TL_SLOT_PARAM, .flags = TL_SLOT_POINTER, .name = "p"};
  tl_slot_id p, f1, f2, e, d, pf;
  cr_assert_eq(tl_func_add_slot(&unit, fn, &ps, &p), 0);
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_FIELD, s, "req", &f1), 0);
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_FIELD, s, "req", &f2), 0);
  cr_assert_eq(f1, f2);
  cr_assert_str_eq(fn->slots[f1].name, "s.req");
  cr_assert_eq(fn->slots[f1].parent, s);
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_ELEM, s, NULL, &e), 0);
  cr_assert_str_eq(fn->slots[e].name, "s[]");
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_DEREF, p, NULL, &d), 0);
  cr_assert_str_eq(fn->slots[d].name, "*p");
  cr_assert(fn->slots[d].flags & TL_SLOT_LONGLIVED, "reached from a pointer parameter");
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_FIELD, d, "req", &pf), 0);
  cr_assert_str_eq(fn->slots[pf].name, "p->req");
  cr_assert_eq(tl_slot_root(fn, pf), p);
  cr_assert_eq(tl_slot_root(fn, s), s);
  cr_assert_eq(tl_func_child_slot(&unit, fn, TL_SLOT_LOCAL, s, "x", &pf), TL_EINVAL);
}

Test(ir, verify_detects_broken_mirror) {
  struct tl_func *fn = build_start_await();
  fn->blocks[3].npreds = 1;                  /* forget bb2 -> bb3 on bb3's side */
  char msg[256];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), TL_EINVAL);
  cr_assert(strstr(msg, "not mirrored"), "%s", msg);
}

Test(ir, verify_detects_branch_with_one_successor) {
  struct tl_func *fn = build_start_await();
  fn->blocks[0].nsuccs = 1;
  fn->blocks[3].npreds = 1;                  /* keep the mirror consistent */
  fn->blocks[3].preds[0] = 2;
  char msg[256];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), TL_EINVAL);
  cr_assert(strstr(msg, "branch"), "%s", msg);
}

Test(ir, verify_detects_return_block_without_return_event) {
  struct tl_func *fn = build_start_await();
  fn->blocks[3].nevents = 0;
  char msg[256];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), TL_EINVAL);
  cr_assert(strstr(msg, "RETURN"), "%s", msg);
}

Test(ir, verify_detects_slot_out_of_range) {
  struct tl_func *fn = build_start_await();
  fn->blocks[2].events[0].ticket = 99;
  char msg[256];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), TL_EINVAL);
  cr_assert(strstr(msg, "out of range"), "%s", msg);
}

Test(ir, dump_format_is_stable) {
  struct tl_func *fn = build_start_await();
  char *text = dump(fn);
  const char *want =
    "func start_then_maybe_await demo.c:3:1\n"
    "  slot %1 local 't' [ticket]\n"
    "  slot %2 local 'c'\n"
    "  bb0: entry preds()\n"
    "    4:3 START ticket=%1:t uses(%2:c) callee=tk_async\n"
    "    branch key=7 %2:c nonzero uses(%2:c) ? bb2 : bb3\n"
    "  bb1: exit preds(bb3)\n"
    "    end\n"
    "  bb2: preds(bb0)\n"
    "    5:12 AWAIT ticket=%1:t callee=tk_await [status-discarded]\n"
    "    goto bb3\n"
    "  bb3: preds(bb0 bb2)\n"
    "    6:3 RETURN\n"
    "    return -> bb1\n";
  cr_assert_str_eq(text, want);
  free(text);
}

Test(ir, dump_names_the_model_and_flags) {
  static const struct tl_model_fn await_fn = {.name = "tk_await", .event = TL_ME_AWAIT,
                                              .model = "ticket"};
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "f", &fn), 0);
  fn->flags = TL_FN_ASYNC_MARKED | TL_FN_STATIC;
  fn->exit = block(fn);
  struct tl_event ev = {.kind = TL_EV_AWAIT, .callee = "tk_await", .model = &await_fn,
                        .flags = TL_F_STATUS_DISCARDED | TL_F_MACRO};
  cr_assert_eq(tl_func_add_event(&unit, fn, 0, &ev), 0);
  char *text = dump(fn);
  cr_assert(strstr(text, "func f demo.c:0:0 [async-marked,static]\n"), "%s", text);
  cr_assert(strstr(text, " AWAIT callee=tk_await model=ticket [status-discarded,macro]\n"),
            "%s", text);
  cr_assert(strstr(text, "  bb0: entry exit preds()\n"), "%s", text);
  cr_assert(strstr(text, "]\n    end\n"), "%s", text);
  free(text);
}

Test(ir, dump_shows_dominators_and_loops_once_computed) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "spin", &fn), 0);
  uint32_t entry = block(fn);
  fn->exit = block(fn);
  uint32_t head = block(fn), body = block(fn);
  edge(fn, entry, head);
  struct tl_cond cond = {.key = 1};
  cr_assert_eq(tl_func_set_term(&unit, fn, head, TL_TERM_BRANCH, &cond), 0);
  edge(fn, head, body);
  edge(fn, head, fn->exit);
  edge(fn, body, head);
  cr_assert_eq(tl_func_finish(&unit, fn), 0);
  char *text = dump(fn);
  cr_assert(strstr(text, "  bb3: preds(bb2) idom=bb2\n"), "%s", text);
  cr_assert(strstr(text, "  loop 0: header=bb2 blocks(bb2 bb3)\n"), "%s", text);
  free(text);
}

/* docs/ir.md has one `### \`NAME\`` entry per kind of ir_events.def, and no other. */
Test(ir, docs_list_every_event_kind) {
  /* docs/ is two levels above this file (CMake passes absolute source paths). */
  char path[1024];
  const char *slash = strrchr(__FILE__, '/');
  if (!slash) cr_skip_test("no directory in __FILE__");
  snprintf(path, sizeof path, "%.*s/../../docs/ir.md", (int)(slash - __FILE__), __FILE__);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s", path);
  char line[512];
  int seen[TL_EV__COUNT] = {0}, headings = 0;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "### `", 5) != 0) continue;
    headings++;
    for (int k = 0; k < TL_EV__COUNT; k++) {
      const char *n = tl_ev_name((enum tl_ev_kind)k);
      size_t len = strlen(n);
      if (strncmp(line + 5, n, len) == 0 && line[5 + len] == '`') seen[k]++;
    }
  }
  fclose(f);
  for (int k = 0; k < TL_EV__COUNT; k++)
    cr_expect_eq(seen[k], 1, "docs/ir.md: '%s' documented %d times", tl_ev_name(k), seen[k]);
  cr_expect_eq(headings, TL_EV__COUNT, "docs/ir.md has event headings not in ir_events.def");
}

Test(ir, functions_are_found_by_name_through_the_index) {
  struct tl_unit u;
  cr_assert_eq(tl_unit_init(&u, "a.c"), 0);
  char name[32];
  for (int i = 0; i < 1000; i++) {           /* past several rebuilds of the index */
    struct tl_func *f;
    snprintf(name, sizeof name, "fn_%d", i);
    cr_assert_eq(tl_unit_add_func(&u, name, &f), 0);
  }
  struct tl_func *dup;
  cr_assert_eq(tl_unit_add_func(&u, "fn_7", &dup), 0);   /* a second 'fn_7' */
  for (int i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "fn_%d", i);
    cr_expect_eq(tl_unit_find_func(&u, name), (uint32_t)i, "%s", name);
  }
  cr_expect_eq(tl_unit_find_func(&u, "fn_1000"), UINT32_MAX);
  cr_expect_eq(tl_unit_find_func(&u, NULL), UINT32_MAX);
  tl_unit_close(&u);
}
