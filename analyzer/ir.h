/* ir.h — ticketlint's intermediate representation: what every front-end produces and every
 * rule reads. It knows nothing of libclang or tree-sitter.
 *
 * A translation unit is a list of functions; a function is a control-flow graph of basic
 * blocks; a block is a list of events (ir_events.def) followed by a terminator. Events talk
 * about abstract *slots*: locals, parameters, globals, fields and summarised array elements.
 * All IR memory lives in the translation unit's arena (arena.h) and dies with it.
 *
 * Invariants (checked by tl_func_verify()):
 *  - block 0 is the entry; `exit` is the single exit block (every RETURN block jumps to it);
 *  - succ/pred lists mirror each other;
 *  - a TL_TERM_BRANCH block has exactly two successors: succs[0] when `cond` holds, succs[1]
 *    when it does not; a TL_TERM_SWITCH block has one successor per case (+ default).
 *  - slot ids index tl_func.slots; 0 is TL_SLOT_NONE. */
#ifndef TL_IR_H
#define TL_IR_H

#include <stdint.h>
#include <stdio.h>

#include "arena.h"

struct tl_model_fn;

typedef uint32_t tl_slot_id;
#define TL_SLOT_NONE 0u

enum tl_ev_kind {
#define TL_EV(name, doc) TL_EV_##name,
#include "ir_events.def"
#undef TL_EV
  TL_EV__COUNT
};

const char *tl_ev_name(enum tl_ev_kind kind);   /* "START", ... */

/* A source range; lines and columns are 1-based, end is inclusive of the last character. */
struct tl_loc {
  uint32_t line, col;
  uint32_t end_line, end_col;
};

enum tl_slot_kind {
  TL_SLOT_LOCAL,     /* a local variable */
  TL_SLOT_PARAM,     /* a parameter */
  TL_SLOT_GLOBAL,    /* a file-scope or static variable */
  TL_SLOT_FIELD,     /* parent.name or parent->name */
  TL_SLOT_ELEM,      /* every element of the array parent, summarised: parent[] */
  TL_SLOT_DEREF,     /* *parent */
  TL_SLOT_TEMP       /* a call's result that is used but not stored in a variable */
};

enum {
  TL_SLOT_TICKET    = 1u << 0,  /* holds a ticket (its type is a model `type`) */
  TL_SLOT_ARRAY     = 1u << 1,  /* an array */
  TL_SLOT_POINTER   = 1u << 2,  /* a pointer */
  TL_SLOT_ADDR      = 1u << 3,  /* its address is taken somewhere in the function */
  TL_SLOT_STATIC    = 1u << 4,  /* static storage duration */
  TL_SLOT_LONGLIVED = 1u << 5,  /* outlives the function: global, or reached from a param */
  TL_SLOT_SHARED    = 1u << 6   /* `volatile` or `_Atomic`: made to be shared with another
                                   thread while it runs (a stop flag) */
};

struct tl_slot {
  enum tl_slot_kind kind;
  uint32_t flags;               /* TL_SLOT_* */
  const char *name;             /* "t", "s.req", "reqs[]", "*p", "tk_async()" for temps */
  tl_slot_id parent;            /* for FIELD, ELEM, DEREF */
  struct tl_loc decl;
};

enum {
  TL_F_DISCARDED        = 1u << 0,  /* START: result thrown away */
  TL_F_VOID_CAST        = 1u << 1,  /* START: result cast to void on purpose */
  TL_F_LENDS            = 1u << 2,  /* START: aux is a buffer lent to the operation */
  TL_F_FILLS            = 1u << 3,  /* START: aux is a buffer the operation fills */
  TL_F_STATUS_DISCARDED = 1u << 4,  /* AWAIT*: returned status thrown away */
  TL_F_CONST            = 1u << 5,  /* ASSIGN: constant value */
  TL_F_NULL             = 1u << 6,  /* ASSIGN: null pointer */
  TL_F_IN_COND          = 1u << 7,  /* VALUE_USE: in a condition */
  TL_F_COMPARE          = 1u << 8,  /* VALUE_USE: compared with a value */
  TL_F_CAST             = 1u << 9,  /* VALUE_USE: cast to a non-ticket type */
  TL_F_ARITH            = 1u << 10, /* VALUE_USE: arithmetic */
  TL_F_TIMER            = 1u << 11, /* START: a timer (pacing on purpose) */
  TL_F_OFFLOAD          = 1u << 12, /* START: runs its function on another thread */
  TL_F_MACRO            = 1u << 13, /* the event comes from a macro expansion */
  TL_F_NORETURN         = 1u << 14, /* CALL: never returns (exit, abort) */
  TL_F_NOT_TICKET       = 1u << 15, /* hand-ins, POLL, READ: the ticket argument is not a
                                       ticket (a null pointer constant, a model `sentinel`,
                                       a cast from another type); START: its `*N` ticket
                                       argument is a null pointer */
  TL_F_NONZERO          = 1u << 16, /* RETURN: returns a nonzero integer constant;
                                       ASSIGN: assigns a nonzero integer constant */
  TL_F_RUNS_LOOP        = 1u << 17, /* BLOCKING: runs the event loop (model `runs-loop`):
                                       the callbacks of operations started before run;
                                       CALL: of a project header's function that does */
  TL_F_NONZERO_VAR      = 1u << 18, /* RETURN: returns an integer variable every path to the
                                       return leaves nonzero (`if (ret) return ret;`; set by
                                       the summary pass, summary.c) */
  TL_F_FIXED_BUFFER     = 1u << 19, /* START: the buffer aux is at a fixed place of a variable:
                                       the variable, or reached from it by constant indices
                                       and offsets only (`buf`, `&buf[0]`, `&t[0][0]`,
                                       `p + 16`), not `&buf[i]` */
  TL_F_ZERO_IF_ZERO     = 1u << 20, /* RETURN: the value returned is 0 whenever its one use
                                       is 0: the use itself, or a comparison of it with a
                                       constant that 0 fails (`return ret == -EAGAIN;`,
                                       `return ret < 0;`) */
  TL_F_ADDR_OF          = 1u << 21, /* ASSIGN: the value is the address of its only use
                                       (`td.ring = &ring`) */
  TL_F_SCALAR           = 1u << 22  /* RETURN: the value returned is an arithmetic or enum
                                       value, no pointer or struct (`return cqe->res;`) */
};

/* One argument of a CALL, as the front-end saw it: `slot` holds its value (a variable, a
 * field, a call's temporary), `addr` is the slot it points to for `&x`, `&s.f`, `a + i`
 * (NONE when neither is known). The summary pass (summary.h) maps a callee's parameter
 * roles onto these. */
struct tl_arg {
  tl_slot_id slot;
  tl_slot_id addr;
  int has_value;                    /* an integer constant (`0`, `T_EXIT_FAIL`): value */
  long long value;
};

struct tl_event {
  enum tl_ev_kind kind;
  uint32_t flags;                   /* TL_F_* */
  struct tl_loc loc;                /* the whole call or expression */
  tl_slot_id ticket, dst, aux;
  tl_slot_id owner;                 /* START: the object the ticket belongs to (model owner=:
                                       the io_uring whose cqe it is), NONE when not said;
                                       CALL of a model `reap`: the owner it reaps;
                                       AWAIT_ALL: the variable of its count= argument */
  tl_slot_id offset;                /* START: its buffer aux is at a fixed place of a variable
                                       but for one index or offset held in this variable
                                       (`&buf[k]`, `(char *)s.buf + s.off`), else NONE */
  uint32_t nuses;
  tl_slot_id *uses;
  const char *callee;               /* interned; NULL when not a call */
  const struct tl_model_fn *model;  /* NULL when the models do not know the callee */
  long long value;                  /* RETURN, ASSIGN with TL_F_NONZERO: the constant */
  const char *fn_arg;               /* interned; the function named by the model's async-fn=,
                                       offload-fn= or callback= argument, NULL when none */
  uint32_t nargs;                   /* CALL of a named function: its arguments, in order */
  struct tl_arg *args;              /* (0/NULL when not recorded: through a pointer, by hand) */
};

/* Comparison of a branch condition, normalised by the front-end: `slot OP constant`. */
enum tl_cmp {
  TL_CMP_NONE,     /* not understood: only `uses` and `key` are known */
  TL_CMP_NONZERO,  /* `x` */
  TL_CMP_ZERO,     /* `!x` */
  TL_CMP_EQ, TL_CMP_NE, TL_CMP_LT, TL_CMP_LE, TL_CMP_GT, TL_CMP_GE
};

struct tl_cond {
  uint32_t key;          /* same key = same condition text over the same slots; 0 = none */
  enum tl_cmp cmp;
  tl_slot_id slot;       /* the tested slot when cmp != TL_CMP_NONE */
  long long value;       /* the constant, when known */
  const char *constant;  /* the constant's spelling ("TK_PENDING", "0"), or NULL */
  uint32_t nuses;
  tl_slot_id *uses;      /* every slot the condition reads */
  struct tl_loc loc;
};

/* Whether comparison c holds when its slot holds v: 1 or 0; -1 when c says nothing
 * (TL_CMP_NONE). */
int tl_cond_holds(const struct tl_cond *c, long long v);

enum tl_term {
  TL_TERM_GOTO,     /* one successor (or none for the exit block) */
  TL_TERM_BRANCH,   /* succs[0] if cond holds, succs[1] if not */
  TL_TERM_SWITCH,   /* one successor per case label and default */
  TL_TERM_RETURN    /* ends with a RETURN event; single successor: the exit block */
};

struct tl_block {
  uint32_t id;
  uint32_t nevents, cap_events;
  struct tl_event *events;
  enum tl_term term;
  struct tl_cond cond;           /* BRANCH and SWITCH */
  uint32_t nsuccs, cap_succs;
  uint32_t *succs;
  uint32_t npreds, cap_preds;
  uint32_t *preds;
  struct tl_loc loc;             /* first statement, for notes */
};

/* A natural loop found by tl_cfg_find_loops(). */
struct tl_loop {
  uint32_t header;
  uint32_t nblocks;
  uint32_t *blocks;      /* sorted block ids, header included */
  uint32_t parent;       /* index+1 of the enclosing loop in tl_func.loops, 0 = none */
};

enum {
  TL_FN_ASYNC_MARKED = 1u << 0,  /* carries the models' async marker (TK_ASYNC) */
  TL_FN_ASYNC_PASSED = 1u << 1,  /* passed as the async-fn argument of a start */
  TL_FN_CALLBACK     = 1u << 2,  /* passed as a callback that runs on the loop */
  TL_FN_OFFLOADED    = 1u << 3,  /* passed as the function of an offloading start */
  TL_FN_STATIC       = 1u << 4,
  TL_FN_ADDR_TAKEN   = 1u << 5,  /* named other than as a call's callee (a function pointer
                                    taken in a body or a file-scope initializer): it may be
                                    called where the unit does not show */
  TL_FN_UNDECLARED   = 1u << 6,  /* not static, but first declared by its definition in the
                                    main file: no header declares it for other files (what
                                    -Wmissing-prototypes reports) */
  TL_FN_ONLY_OFFLOADED = 1u << 7 /* its address is taken only as the function argument of
                                    offloading starts (pthread_create's start routine): the
                                    unit shows every place it runs from */
};

struct tl_func {
  const char *name;
  const char *file;              /* the main file's path as given */
  struct tl_loc loc;
  uint32_t flags;                /* TL_FN_* */
  uint32_t nslots, cap_slots;
  struct tl_slot *slots;         /* slots[0] is a placeholder for TL_SLOT_NONE */
  uint32_t nblocks, cap_blocks;
  struct tl_block *blocks;       /* blocks[0] is the entry */
  uint32_t exit;
  uint32_t nloops;
  struct tl_loop *loops;         /* filled by tl_cfg_find_loops() */
  uint32_t *idom;                /* filled by tl_cfg_dominators(); idom[entry] = entry,
                                    UINT32_MAX when unreachable; NULL = not computed */
};

struct tl_summaries;

struct tl_unit {
  tl_arena *arena;
  const char *file;
  uint32_t nfuncs, cap_funcs;
  struct tl_func *funcs;
  const struct tl_summaries *summaries;  /* set by the summary pass (summary.h), in the
                                            arena; NULL before it ran */
  uint32_t *name_index;          /* tl_unit_add_func's hash of function names: index + 1 */
  uint32_t cap_index;            /* a power of two, or 0 */
};

/* ---- building (front-ends) ------------------------------------------------------------- */

/* All return 0 or TL_ENOMEM (TL_EINVAL for an out-of-range block or slot id); ids go to
 * out-parameters. Strings passed in (names, callee, constant) and arrays (uses) are copied
 * into the unit's arena: the caller may free its own copies at once.
 *
 * A typical lowering:
 *   tl_unit_add_func(u, "f", &fn);                  // no blocks yet; slot 0 exists
 *   tl_func_add_block(u, fn, &entry);               // first block = 0 = the entry
 *   tl_func_add_block(u, fn, &fn->exit);            // the exit: no events needed, no succs
 *   ... add blocks, slots, events, edges, terminators ...
 *   tl_func_finish(u, fn);                          // compact + dominators + loops
 * Pointers into growable arrays move when they grow: a struct tl_func * from
 * tl_unit_add_func() is valid until the next tl_unit_add_func(); refer to blocks by id. */
int  tl_unit_init(struct tl_unit *self, const char *file);      /* makes the arena */
void tl_unit_close(struct tl_unit *self);                          /* frees everything */
int  tl_unit_add_func(struct tl_unit *self, const char *name, struct tl_func **out);
/* Index of the first function named `name` (a hash look-up; a linear scan in a unit not
 * built by tl_unit_add_func), or UINT32_MAX. */
uint32_t tl_unit_find_func(const struct tl_unit *self, const char *name);

/* A new empty block (term TL_TERM_GOTO, no successors); *out is its id. */
int  tl_func_add_block(struct tl_unit *u, struct tl_func *self, uint32_t *out);
int  tl_func_add_slot(struct tl_unit *u, struct tl_func *self, const struct tl_slot *slot,
                      tl_slot_id *out);
/* Find the child slot (FIELD name / ELEM / DEREF) of parent, creating it when absent.
 * Names: "s.f", "p->f" (parent is a pointer, or is `*p`), "a[]", "*p". A new child inherits
 * TL_SLOT_STATIC|TL_SLOT_LONGLIVED from its parent, and gets TL_SLOT_LONGLIVED when reached
 * through a pointer/array parameter; the caller may adjust flags afterwards. */
int  tl_func_child_slot(struct tl_unit *u, struct tl_func *self, enum tl_slot_kind kind,
                        tl_slot_id parent, const char *field, tl_slot_id *out);
/* Append `to` to from's succs and `from` to to's preds. For a BRANCH, add the "cond holds"
 * edge first. */
int  tl_func_add_edge(struct tl_unit *u, struct tl_func *self, uint32_t from, uint32_t to);
/* Append a copy of ev (uses and callee copied too) to block b. */
int  tl_func_add_event(struct tl_unit *u, struct tl_func *self, uint32_t b,
                       const struct tl_event *ev);
/* Set block b's terminator and (for BRANCH/SWITCH) a copy of its condition (uses and
 * constant copied; cond may be NULL). Edges are added separately with tl_func_add_edge. */
int  tl_func_set_term(struct tl_unit *u, struct tl_func *self, uint32_t b, enum tl_term term,
                      const struct tl_cond *cond);

/* Check the invariants above (plus: slot parents precede their children, RETURN events
 * only end RETURN blocks, ids in range); 0 or TL_EINVAL (and a message in buf). */
int  tl_func_verify(const struct tl_func *self, char *buf, size_t len);

/* Print the IR as text (`--dump-ir`); the format is stable and documented in docs/ir.md. */
void tl_func_dump(const struct tl_func *self, FILE *out);

/* ---- analyses on the CFG (cfg.c) ------------------------------------------------------- */

/* What a front-end calls once a function is built: tl_cfg_compact, tl_cfg_dominators and
 * tl_cfg_find_loops. tl_rules_run() calls it itself on any function whose idom is still NULL
 * (so it may renumber blocks of a unit it was given as const). 0 or TL_ENOMEM. */
int  tl_func_finish(struct tl_unit *u, struct tl_func *self);

/* Remove blocks unreachable from the entry (ids are renumbered in their old order; the exit
 * block is always kept) and rebuild every preds list in increasing id order. Drops idom and
 * loops, which the renumbering makes stale. */
int  tl_cfg_compact(struct tl_unit *u, struct tl_func *self);
/* Immediate dominators into self->idom (Cooper-Harvey-Kennedy); UINT32_MAX for a block
 * unreachable from the entry. */
int  tl_cfg_dominators(struct tl_unit *u, struct tl_func *self);
/* Natural loops from back edges (needs dominators) into self->loops, outermost first. */
int  tl_cfg_find_loops(struct tl_unit *u, struct tl_func *self);
/* Reverse post-order of the blocks, for the solver: nblocks ids, the reachable blocks in
 * reverse post-order (entry first), then the unreachable ones in id order. In u's arena. */
int  tl_cfg_rpo(struct tl_unit *u, const struct tl_func *self, uint32_t **out);
/* 1 when block b belongs to loop l. */
int  tl_loop_contains(const struct tl_loop *l, uint32_t b);
/* Look at the events of the loops the edge from block `from` to block `to` leaves (they hold
 * `from`, not `to`; outermost first, so the first holds the others' events): `pred` answers 1
 * for an event that counts, -1 for one that rules the exit out, 0 otherwise. Returns 1 when a
 * loop has an event that counts before any event rules the exit out. For "taking this exit,
 * the loop most likely ran and did X": the analyses count no iterations. */
int  tl_loop_exit_any(const struct tl_func *fn, uint32_t from, uint32_t to,
                      int (*pred)(const void *ctx, const struct tl_block *b,
                                  const struct tl_event *ev),
                      const void *ctx);

/* The slot's root variable: follows FIELD/ELEM/DEREF parents. */
tl_slot_id tl_slot_root(const struct tl_func *self, tl_slot_id s);

#endif /* TL_IR_H */
