/* deps.h — def-use dependencies inside a loop, and what a branch edge says about its slot.
 *
 * For rules that ask "does this iteration depend on the previous one?" (serial-await-in-loop)
 * and "what does this edge of `if (flag ...)` tell us?" (ticket-as-value's poll guard).
 *
 * A *slot set* is an array of fn->nslots bytes, nonzero for members. A slot is *covered* by
 * a set when it or one of its parents (FIELD/ELEM/DEREF, see tl_slot.parent) is a member:
 * `r.next`, `r[]` and `*r` are covered by {r}.
 *
 * "Within one iteration" of a loop means along CFG paths that stay inside the loop and never
 * enter its header again (the back edge is not crossed).
 *
 * Not done: writes through pointers passed to calls (`parse(r, &next)`) do not make `next`
 * derived; a slot covering a member (`s` when `s.res` is a member) is not covered. */
#ifndef TL_DEPS_H
#define TL_DEPS_H

#include <stdint.h>

#include "ir.h"
#include "model.h"

/* An event's position: block id and index in that block's events. */
struct tl_evpos {
  uint32_t block;
  uint32_t index;
};

/* ---- slot sets ------------------------------------------------------------------------- */

/* 1 when s is covered by set (s or one of its parents is a member); 0 for TL_SLOT_NONE. */
int tl_slotset_covers(const struct tl_func *fn, const unsigned char *set, tl_slot_id s);
/* 1 when any of the n slots is covered by set. */
int tl_slotset_covers_any(const struct tl_func *fn, const unsigned char *set,
                          const tl_slot_id *slots, uint32_t n);

/* Close set over the events of loop l (order-insensitive, to a fixed point): the `dst` of an
 * ASSIGN, CALL or READ that reads a covered slot (in `uses`, or READ's `ticket`) joins it.
 * With copies_only, only plain copies count: an ASSIGN of exactly one use, not a constant. */
void tl_deps_close(const struct tl_func *fn, const struct tl_loop *l, unsigned char *set,
                   int copies_only);

/* ---- reachability in one iteration ----------------------------------------------------- */

/* The innermost loop of fn containing both blocks a and b, or NULL. */
const struct tl_loop *tl_loop_innermost_common(const struct tl_func *fn, uint32_t a,
                                               uint32_t b);

/* *out = 1 when the event at `to` follows the event at `from` within one iteration of l, on
 * a path where no event in between writes `slot` (as a START's `ticket` or any `dst`);
 * slot TL_SLOT_NONE: any path. 0, or TL_ENOMEM (*out untouched). */
int tl_deps_iter_reaches(const struct tl_func *fn, const struct tl_loop *l,
                         struct tl_evpos from, struct tl_evpos to, tl_slot_id slot, int *out);

/* *out = 1 when block `to` is entered within the rest of one iteration of l by a path that
 * starts at block `from` (from itself included). A `from` outside l, or equal to l's header
 * (the edge starts the next iteration), enters nothing. 0 or TL_ENOMEM (*out untouched). */
int tl_deps_iter_enters(const struct tl_func *fn, const struct tl_loop *l, uint32_t from,
                        uint32_t to, int *out);

/* ---- what an edge says ----------------------------------------------------------------- */

/* The comparison that holds for the tested slot of b->cond when the edge to b->succs[succ]
 * is taken: the condition itself for succ 0 of a BRANCH, its negation for succ 1.
 * TL_CMP_NONE for anything else (a SWITCH, a condition not understood). */
enum tl_cmp tl_cond_on_edge(const struct tl_block *b, uint32_t succ);

/* 1 when taking the edge to b->succs[succ] means the poll `poll` saw its ticket complete:
 * b's condition tests the poll's answer, and what holds on that edge implies the model's
 * `done=` predicate (nonzero, zero, eq:C, ne:C). A constant C is matched by value when it is
 * a number, else by spelling; for ne:NAME, `== OTHER` with another name counts as done
 * (enum constants of one enum differ). 0 when poll is NULL or has no predicate. */
int tl_edge_means_done(const struct tl_block *b, uint32_t succ,
                       const struct tl_model_fn *poll);

/* 1 when every x with `x op v` differs from `other` (e.g. NONZERO excludes 0, LT -1 too). */
int tl_cmp_excludes(enum tl_cmp op, long long v, long long other);
/* 1 when `x op v` implies x == other (ZERO forces 0, EQ v forces v). */
int tl_cmp_forces(enum tl_cmp op, long long v, long long other);

#endif /* TL_DEPS_H */
