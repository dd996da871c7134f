/* fiber.h — stackful coroutine switching for the runtime.
 *
 * A fiber is a stack plus a saved register context. The loop thread's own stack is a fiber
 * too (tk__fiber_thread); coroutine fibers only ever switch to and from it.
 *
 * Backends: a hand-written register switch on x86-64 (fast: no signal-mask system call, and
 * no ASan "swapcontext" warning), ucontext everywhere else; define TK_FIBER_UCONTEXT to force
 * ucontext. Both annotate every switch for AddressSanitizer and ThreadSanitizer.
 */
#ifndef TK_FIBER_H
#define TK_FIBER_H

#include <stddef.h>

#if defined(__x86_64__) && !defined(TK_FIBER_UCONTEXT)
#define TK__FIBER_ASM 1
#else
#define TK__FIBER_ASM 0
#include <ucontext.h>
#endif

/* A coroutine stack: an mmap'd region whose lowest page is a PROT_NONE guard. */
typedef struct tk__stack {
  char *map;                            /* the whole mapping, guard page included */
  size_t map_size;
  char *lo;                             /* usable stack: [lo, lo + size) */
  size_t size;
} tk__stack;

/* Map a stack of `size` usable bytes; 0, or TK_ESYS when mmap/mprotect fail. */
int  tk__stack_map(tk__stack *self, size_t size);
void tk__stack_unmap(tk__stack *self);
/* Forget the sanitizer state of a stack before reusing or unmapping it. */
void tk__stack_scrub(tk__stack *self);

typedef struct tk__fiber {
#if TK__FIBER_ASM
  void *sp;                             /* saved stack pointer while switched out */
#else
  ucontext_t uc;
#endif
  tk__stack stack;                      /* all zero for a thread's own fiber */
  const void *asan_lo;                  /* stack bounds as ASan wants them */
  size_t asan_size;
  void *asan_fake;                      /* ASan fake stack while switched out */
  void *tsan_fiber;                     /* ThreadSanitizer fiber handle */
  struct tk__fiber *back;               /* coroutine fibers: the thread fiber to return to */
} tk__fiber;

/* Describe the calling thread's own stack as a fiber. */
void tk__fiber_thread(tk__fiber *self);
/* A fiber on `stack` that starts in entry() at the first switch to it; entry never returns,
 * it ends with tk__fiber_exit(). 0, or TK_ENOMEM / TK_ESYS. */
int  tk__fiber_init(tk__fiber *self, const tk__stack *stack, void (*entry)(void),
                    tk__fiber *back);
/* The first call of entry(): completes the switch into the new fiber. */
void tk__fiber_enter(tk__fiber *self);
/* Switch from the running fiber `self` to `to`; returns when something switches back. */
void tk__fiber_switch(tk__fiber *self, tk__fiber *to);
/* Leave the finished fiber `self` for good. */
void tk__fiber_exit(tk__fiber *self, tk__fiber *to) __attribute__((noreturn));
/* Release the sanitizer resources of a fiber that is not running (its stack stays). */
void tk__fiber_close(tk__fiber *self);

#endif /* TK_FIBER_H */
