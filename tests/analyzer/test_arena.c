/* test_arena.c — the bump allocator (analyzer/arena.h): alignment, zeroing, big blocks,
 * strings, reset. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

static tl_arena *arena;

static void setup(void) { arena = tl_arena_new(); cr_assert_not_null(arena); }
static void teardown(void) { tl_arena_free(arena); }

TestSuite(arena, .init = setup, .fini = teardown);

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

Test(arena, every_allocation_is_16_aligned) {
  for (size_t n = 0; n < 200; n++) {
    void *p = tl_arena_alloc(arena, n);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % 16, 0, "size %zu", n);
  }
}

Test(arena, allocations_are_zeroed_and_distinct) {
  unsigned char *a = tl_arena_alloc(arena, 100);
  cr_assert(all_zero(a, 100));
  memset(a, 0xab, 100);
  unsigned char *b = tl_arena_alloc(arena, 100);
  cr_assert(all_zero(b, 100));
  cr_assert(b >= a + 100 || b + 100 <= a, "blocks overlap");
  for (int i = 0; i < 100; i++) cr_assert_eq(a[i], 0xab);
}

Test(arena, zero_size_gives_a_distinct_pointer) {
  void *a = tl_arena_alloc(arena, 0), *b = tl_arena_alloc(arena, 0);
  cr_assert_not_null(a);
  cr_assert_not_null(b);
  cr_assert_neq(a, b);
}

Test(arena, many_chunks_stay_valid) {
  unsigned char *ptrs[1000];
  for (int i = 0; i < 1000; i++) {
    ptrs[i] = tl_arena_alloc(arena, 1000);
    cr_assert_not_null(ptrs[i]);
    cr_assert(all_zero(ptrs[i], 1000));
    memset(ptrs[i], i & 0xff, 1000);
  }
  for (int i = 0; i < 1000; i++) {
    cr_assert_eq(ptrs[i][0], i & 0xff);
    cr_assert_eq(ptrs[i][999], i & 0xff);
  }
  cr_assert_geq(tl_arena_used(arena), 1000 * 1000);
}

Test(arena, large_blocks_are_zeroed_and_keep_the_current_chunk) {
  unsigned char *small1 = tl_arena_alloc(arena, 32);
  size_t big_n = 1024 * 1024;
  unsigned char *big = tl_arena_alloc(arena, big_n);
  cr_assert_not_null(big);
  cr_assert_eq((uintptr_t)big % 16, 0);
  cr_assert(all_zero(big, big_n));
  memset(big, 0xcd, big_n);
  unsigned char *small2 = tl_arena_alloc(arena, 32);
  cr_assert_eq(small2, small1 + 32, "small allocations continue in the current chunk");
  cr_assert(all_zero(small2, 32));
  cr_assert_eq(big[big_n - 1], 0xcd);
}

Test(arena, large_block_as_first_allocation) {
  size_t big_n = 200 * 1024 + 3;
  unsigned char *big = tl_arena_alloc(arena, big_n);
  cr_assert_not_null(big);
  cr_assert(all_zero(big, big_n));
  memset(big, 1, big_n);
  unsigned char *s = tl_arena_alloc(arena, 10);
  cr_assert_not_null(s);
  cr_assert(all_zero(s, 10));
  cr_assert(s >= big + big_n || s + 10 <= big, "blocks overlap");
}

Test(arena, strdup_and_strndup_copy_and_terminate) {
  char src[] = "hello, world";
  char *a = tl_arena_strdup(arena, src);
  cr_assert_str_eq(a, "hello, world");
  cr_assert_neq(a, src);
  char *b = tl_arena_strndup(arena, src, 5);
  cr_assert_str_eq(b, "hello");
  char *c = tl_arena_strndup(arena, src, 0);
  cr_assert_str_eq(c, "");
  src[0] = 'J';
  cr_assert_str_eq(a, "hello, world");
}

Test(arena, used_counts_rounded_bytes) {
  cr_assert_eq(tl_arena_used(arena), 0);
  tl_arena_alloc(arena, 1);
  cr_assert_eq(tl_arena_used(arena), 16);
  tl_arena_alloc(arena, 17);
  cr_assert_eq(tl_arena_used(arena), 48);
}

Test(arena, reset_drops_everything_and_reuses_memory) {
  for (int i = 0; i < 100; i++) memset(tl_arena_alloc(arena, 4000), 0xee, 4000);
  tl_arena_alloc(arena, 1024 * 1024);
  tl_arena_reset(arena);
  cr_assert_eq(tl_arena_used(arena), 0);
  unsigned char *p = tl_arena_alloc(arena, 4000);
  cr_assert_not_null(p);
  cr_assert(all_zero(p, 4000), "memory handed out again is zeroed");
  tl_arena_reset(arena);
  tl_arena_reset(arena);
}

Test(arena, reset_of_an_empty_arena_and_free_of_null) {
  tl_arena_reset(arena);
  cr_assert_eq(tl_arena_used(arena), 0);
  tl_arena_free(NULL);
}

Test(arena, huge_request_is_null_not_a_small_block) {
  tl_arena *a = tl_arena_new();
  cr_assert_not_null(a);
  cr_expect_null(tl_arena_alloc(a, SIZE_MAX));
  cr_expect_null(tl_arena_alloc(a, SIZE_MAX - 15));
  tl_arena_free(a);
}
