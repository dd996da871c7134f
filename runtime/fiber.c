/* fiber.c — stacks, context switches and their sanitizer annotations.
 *
 * AddressSanitizer must be told about every stack switch (__sanitizer_start_switch_fiber
 * before, __sanitizer_finish_switch_fiber after), otherwise it mistakes the coroutine stack
 * for a stack overflow of the thread. ThreadSanitizer keeps one shadow state per fiber
 * (__tsan_create_fiber, __tsan_switch_to_fiber before the switch, __tsan_destroy_fiber).
 */
#define TK_NO_SITES
#include "ticket.h"
#include "fiber.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TK__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TK__ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TK__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TK__TSAN 1
#endif
#endif

#ifdef TK__ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef TK__TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* ---- stacks ---------------------------------------------------------------------------- */

int tk__stack_map(tk__stack *self, size_t size) {
  long page = sysconf(_SC_PAGESIZE);
  size_t pg = page > 0 ? (size_t)page : 4096u;
  size = (size + pg - 1) / pg * pg;
  size_t total = size + pg;
  void *map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return TK_ESYS;
  if (mprotect(map, pg, PROT_NONE) != 0) {  /* the guard page: overflow faults, not corrupts */
    munmap(map, total);
    return TK_ESYS;
  }
  self->map = map;
  self->map_size = total;
  self->lo = (char *)map + pg;
  self->size = size;
  return 0;
}

void tk__stack_scrub(tk__stack *self) {
#ifdef TK__ASAN
  /* A coroutine that was switched out for good leaves its frames' redzones poisoned. */
  if (self->lo)
    __asan_unpoison_memory_region(self->lo, self->size);
#else
  (void)self;
#endif
}

void tk__stack_unmap(tk__stack *self) {
  if (!self->map)
    return;
  tk__stack_scrub(self);
  munmap(self->map, self->map_size);
  memset(self, 0, sizeof *self);
}

/* ---- sanitizer hooks around a switch ---------------------------------------------------
 * Always inlined: after __tsan_switch_to_fiber() no instrumented function may return before
 * the stack switch, or its exit would be recorded on the other fiber's shadow stack (and
 * underflow it). */
#define TK__INLINE static inline __attribute__((always_inline))

TK__INLINE void switch_begin(tk__fiber *self, tk__fiber *to, int exiting) {
#ifdef TK__ASAN
  __sanitizer_start_switch_fiber(exiting ? NULL : &self->asan_fake, to->asan_lo, to->asan_size);
#else
  (void)self;
  (void)exiting;
#endif
#ifdef TK__TSAN
  __tsan_switch_to_fiber(to->tsan_fiber, 0);
#else
  (void)to;
#endif
}

/* Back in `self`: learn the bounds of the stack we came from (the thread's, for a
 * coroutine fiber), which ASan needs for the next switch back to it. */
TK__INLINE void switch_end(tk__fiber *self) {
#ifdef TK__ASAN
  if (self->back)
    __sanitizer_finish_switch_fiber(self->asan_fake, &self->back->asan_lo,
                                    &self->back->asan_size);
  else
    __sanitizer_finish_switch_fiber(self->asan_fake, NULL, NULL);
#else
  (void)self;
#endif
}

/* ---- the switch itself ----------------------------------------------------------------- */

#if TK__FIBER_ASM
/* void tk__fiber_swap(void **save_sp, void *new_sp): push the callee-saved registers and the
 * SSE/x87 control words, save rsp, load the other fiber's rsp, pop, return into it. */
void tk__fiber_swap(void **save_sp, void *new_sp);
__asm__(".pushsection .text\n"
        ".globl tk__fiber_swap\n"
        ".hidden tk__fiber_swap\n"
        ".type tk__fiber_swap,@function\n"
        "tk__fiber_swap:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size tk__fiber_swap, .-tk__fiber_swap\n"
        ".popsection\n");

static int context_make(tk__fiber *self, void (*entry)(void)) {
  uintptr_t top = ((uintptr_t)self->stack.lo + self->stack.size) & ~(uintptr_t)15;
  uint64_t *sp = (uint64_t *)top;
  *--sp = 0;                            /* entry's return address: it never returns */
  *--sp = (uint64_t)(uintptr_t)entry;   /* where tk__fiber_swap's ret lands */
  for (int i = 0; i < 6; i++)
    *--sp = 0;                          /* rbp rbx r12 r13 r14 r15 */
  *--sp = 0x1F80u | ((uint64_t)0x037Fu << 32);  /* default MXCSR and x87 control word */
  self->sp = sp;
  return 0;
}

TK__INLINE void context_swap(tk__fiber *self, tk__fiber *to) {
  tk__fiber_swap(&self->sp, to->sp);
}
#else
static int context_make(tk__fiber *self, void (*entry)(void)) {
  if (getcontext(&self->uc) != 0)
    return TK_ESYS;
  self->uc.uc_stack.ss_sp = self->stack.lo;
  self->uc.uc_stack.ss_size = self->stack.size;
  self->uc.uc_link = NULL;
  makecontext(&self->uc, entry, 0);
  /* makecontext has used the stack; clearing it keeps ASan's swapcontext interceptor from
   * wiping the shadow of a suspended coroutine's live frames at every resume. */
  self->uc.uc_stack.ss_sp = NULL;
  self->uc.uc_stack.ss_size = 0;
  return 0;
}

TK__INLINE void context_swap(tk__fiber *self, tk__fiber *to) {
  swapcontext(&self->uc, &to->uc);
}
#endif

/* ---- fibers ---------------------------------------------------------------------------- */

void tk__fiber_thread(tk__fiber *self) {
  memset(self, 0, sizeof *self);
#ifdef TK__TSAN
  self->tsan_fiber = __tsan_get_current_fiber();
#endif
}

int tk__fiber_init(tk__fiber *self, const tk__stack *stack, void (*entry)(void),
                   tk__fiber *back) {
  memset(self, 0, sizeof *self);
  self->stack = *stack;
  self->asan_lo = stack->lo;
  self->asan_size = stack->size;
  self->back = back;
  int rc = context_make(self, entry);
  if (rc != 0)
    return rc;
#ifdef TK__TSAN
  self->tsan_fiber = __tsan_create_fiber(0);
  if (!self->tsan_fiber)
    return TK_ENOMEM;
#endif
  return 0;
}

void tk__fiber_enter(tk__fiber *self) {
  switch_end(self);
}

void tk__fiber_switch(tk__fiber *self, tk__fiber *to) {
  switch_begin(self, to, 0);
  context_swap(self, to);
  switch_end(self);
}

void tk__fiber_exit(tk__fiber *self, tk__fiber *to) {
  switch_begin(self, to, 1);
  context_swap(self, to);
  __builtin_unreachable();              /* nothing switches back to a finished fiber */
}

void tk__fiber_close(tk__fiber *self) {
#ifdef TK__TSAN
  if (self->tsan_fiber && self->back)
    __tsan_destroy_fiber(self->tsan_fiber);
#endif
  self->tsan_fiber = NULL;
}
