/* test_cfg.c — compaction, reverse post-order, dominators and natural loops. */
#include <criterion/criterion.h>
#include <string.h>

#include "ir.h"

static struct tl_unit unit;

static void setup(void) { cr_assert_eq(tl_unit_init(&unit, "cfg.c"), 0); }
static void teardown(void) { tl_unit_close(&unit); }

TestSuite(cfg, .init = setup, .fini = teardown);

/* A function of n blocks (0 = entry, n-1 = exit) with the given edges; a block with two
 * successors becomes a BRANCH on a condition of key = its id. */
static struct tl_func *graph(uint32_t n, const uint32_t (*edges)[2], size_t nedges) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "g", &fn), 0);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t b;
    cr_assert_eq(tl_func_add_block(&unit, fn, &b), 0);
  }
  fn->exit = n - 1;
  for (size_t i = 0; i < nedges; i++)
    cr_assert_eq(tl_func_add_edge(&unit, fn, edges[i][0], edges[i][1]), 0);
  for (uint32_t i = 0; i < n; i++)
    if (fn->blocks[i].nsuccs == 2) {
      struct tl_cond c = {.key = i + 1};
      cr_assert_eq(tl_func_set_term(&unit, fn, i, TL_TERM_BRANCH, &c), 0);
    }
  return fn;
}

static void finish(struct tl_func *fn) {
  cr_assert_eq(tl_func_finish(&unit, fn), 0);
  char msg[256];
  cr_assert_eq(tl_func_verify(fn, msg, sizeof msg), 0, "%s", msg);
}

/* 0 -> {1, 2} -> 3 -> 4(exit) */
static const uint32_t diamond[][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}};

Test(cfg, join_block_has_two_preds) {
  struct tl_func *fn = graph(5, diamond, 5);
  finish(fn);
  cr_assert_eq(fn->blocks[3].npreds, 2);
  cr_assert_eq(fn->blocks[3].preds[0], 1);
  cr_assert_eq(fn->blocks[3].preds[1], 2);
  cr_assert_eq(fn->nloops, 0);
}

Test(cfg, dominators_of_a_diamond) {
  struct tl_func *fn = graph(5, diamond, 5);
  finish(fn);
  cr_assert_not_null(fn->idom);
  cr_assert_eq(fn->idom[0], 0);
  cr_assert_eq(fn->idom[1], 0);
  cr_assert_eq(fn->idom[2], 0);
  cr_assert_eq(fn->idom[3], 0, "the join is dominated by the fork, not by either arm");
  cr_assert_eq(fn->idom[4], 3);
}

Test(cfg, rpo_starts_at_entry_and_puts_preds_first) {
  struct tl_func *fn = graph(5, diamond, 5);
  finish(fn);
  uint32_t *rpo;
  cr_assert_eq(tl_cfg_rpo(&unit, fn, &rpo), 0);
  uint32_t pos[5];
  for (uint32_t i = 0; i < 5; i++) pos[rpo[i]] = i;
  cr_assert_eq(rpo[0], 0);
  cr_assert_lt(pos[1], pos[3]);
  cr_assert_lt(pos[2], pos[3]);
  cr_assert_lt(pos[3], pos[4]);
}

/* while (c) body;   0 -> 1(header) -> {2(body), 3(exit)}, 2 -> 1 */
Test(cfg, while_loop_found_with_header_and_body) {
  static const uint32_t e[][2] = {{0, 1}, {1, 2}, {1, 3}, {2, 1}};
  struct tl_func *fn = graph(4, e, 4);
  finish(fn);
  cr_assert_eq(fn->nloops, 1);
  cr_assert_eq(fn->loops[0].header, 1);
  cr_assert_eq(fn->loops[0].nblocks, 2);
  cr_assert_eq(fn->loops[0].blocks[0], 1);
  cr_assert_eq(fn->loops[0].blocks[1], 2);
  cr_assert_eq(fn->loops[0].parent, 0);
  cr_assert(tl_loop_contains(&fn->loops[0], 2));
  cr_assert_not(tl_loop_contains(&fn->loops[0], 0));
  cr_assert_not(tl_loop_contains(&fn->loops[0], 3));
}

/* for (;;) { for (;;) { inner } outer-tail }:
 * 0 -> 1(outer header) -> {2(inner header), 6(exit)}; 2 -> {3(inner body), 4}; 3 -> 2;
 * 4 -> 5 -> 1 */
Test(cfg, nested_loops_have_parent) {
  static const uint32_t e[][2] = {{0, 1}, {1, 2}, {1, 6}, {2, 3}, {2, 4},
                                  {3, 2}, {4, 5}, {5, 1}};
  struct tl_func *fn = graph(7, e, 8);
  finish(fn);
  cr_assert_eq(fn->nloops, 2);
  const struct tl_loop *outer = &fn->loops[0], *inner = &fn->loops[1];
  cr_assert_eq(outer->header, 1, "outermost first");
  cr_assert_eq(outer->nblocks, 5);
  cr_assert_eq(outer->parent, 0);
  cr_assert_eq(inner->header, 2);
  cr_assert_eq(inner->nblocks, 2);
  cr_assert_eq(inner->parent, 1, "index+1 of the outer loop");
  for (uint32_t b = 1; b <= 5; b++) cr_assert(tl_loop_contains(outer, b));
}

Test(cfg, self_loop_is_a_loop_of_one_block) {
  static const uint32_t e[][2] = {{0, 1}, {1, 1}, {1, 2}};
  struct tl_func *fn = graph(3, e, 3);
  finish(fn);
  cr_assert_eq(fn->nloops, 1);
  cr_assert_eq(fn->loops[0].header, 1);
  cr_assert_eq(fn->loops[0].nblocks, 1);
}

/* Two entries into the cycle 1 <-> 2 (goto into a loop): not a natural loop; no crash. */
Test(cfg, irreducible_goto_graph_does_not_crash) {
  static const uint32_t e[][2] = {{0, 1}, {0, 2}, {1, 2}, {2, 1}, {1, 3}, {2, 3}};
  struct tl_func *fn = graph(4, e, 6);
  cr_assert_eq(tl_func_finish(&unit, fn), 0);
  cr_assert_eq(fn->idom[1], 0);
  cr_assert_eq(fn->idom[2], 0);
  cr_assert_eq(fn->idom[3], 0);
  cr_assert_eq(fn->nloops, 0);
  uint32_t *rpo;
  cr_assert_eq(tl_cfg_rpo(&unit, fn, &rpo), 0);
  cr_assert_eq(rpo[0], 0);
}

/* 0 -> 2 -> 4(exit); 1 and 3 unreachable (1 -> 3 -> 2). */
Test(cfg, unreachable_blocks_removed) {
  static const uint32_t e[][2] = {{0, 2}, {2, 4}, {1, 3}, {3, 2}};
  struct tl_func *fn = graph(5, e, 4);
  struct tl_event ev = {.kind = TL_EV_CALL, .callee = "marker"};
  cr_assert_eq(tl_func_add_event(&unit, fn, 2, &ev), 0);
  finish(fn);
  cr_assert_eq(fn->nblocks, 3);
  cr_assert_eq(fn->exit, 2);
  cr_assert_eq(fn->blocks[1].nevents, 1, "old bb2 is now bb1");
  cr_assert_str_eq(fn->blocks[1].events[0].callee, "marker");
  cr_assert_eq(fn->blocks[1].npreds, 1, "the unreachable pred is gone");
  cr_assert_eq(fn->blocks[1].preds[0], 0);
  cr_assert_eq(fn->blocks[1].succs[0], 2);
}

Test(cfg, unreachable_exit_is_kept) {
  static const uint32_t e[][2] = {{0, 1}, {1, 0}};      /* for (;;); never returns */
  struct tl_func *fn = graph(3, e, 2);
  finish(fn);
  cr_assert_eq(fn->nblocks, 3);
  cr_assert_eq(fn->exit, 2);
  cr_assert_eq(fn->idom[2], UINT32_MAX);
  cr_assert_eq(fn->nloops, 1);
  cr_assert_eq(fn->loops[0].header, 0);
}

Test(cfg, long_chain_is_handled_without_recursion) {
  struct tl_func *fn;
  cr_assert_eq(tl_unit_add_func(&unit, "chain", &fn), 0);
  const uint32_t n = 100000;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t b;
    cr_assert_eq(tl_func_add_block(&unit, fn, &b), 0);
    if (i) cr_assert_eq(tl_func_add_edge(&unit, fn, i - 1, i), 0);
  }
  fn->exit = n - 1;
  finish(fn);
  cr_assert_eq(fn->idom[n - 1], n - 2);
}
