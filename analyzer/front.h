/* front.h — front-ends lower C into the IR (ir.h). Today: libclang (front_clang.c). */
#ifndef TL_FRONT_H
#define TL_FRONT_H

#include <stdint.h>

#include "diag.h"
#include "ir.h"
#include "model.h"

/* Where a front-end's time went, in nanoseconds (for --stats and bench/). */
struct tl_front_stats {
  uint64_t parse_ns;   /* the parser proper (libclang: clang_parseTranslationUnit2) */
  uint64_t lower_ns;   /* walking the tree and building the IR */
};

struct tl_front_opts {
  const char *const *args;   /* compiler arguments for libclang, already allowlisted */
  int nargs;
  const char *unsaved_name;  /* optional in-memory file (tests, editors): its path ... */
  const char *unsaved_text;  /* ... and contents; NULL to read from disk */
  struct tl_front_stats *stats; /* optional: time spent is *added* here */
  int keep_going;            /* lower even when the TU has compile errors; 0 = a TU with
                                errors is not lowered (the call still returns 0) */
  const struct tl_model_force *force;  /* models forced on/off (--models, model-on/off), */
  size_t nforce;                       /* applied after selection by header (model.h) */
};

/* Parse `file` with libclang and lower every function *defined in the main file* into
 * `out` (initialised with tl_unit_init by the callee; the caller tl_unit_close()s it, also
 * on failure). Compiler errors of the TU go to `diags` as rule "clang-diagnostic" errors
 * (first few only). Returns 0, TL_EPARSE when libclang cannot parse at all, TL_ENOMEM.
 * Every libclang object is disposed before returning. A model is looked up only when the
 * TU includes one of its `header`s (any depth), it has none, or opts->force turns it on. `file` may be NULL when
 * opts->unsaved_name is set; `opts` may be NULL (no arguments, keep going). Without a `-x`
 * among the arguments the file is parsed as C. Every function is finished
 * (tl_func_finish) and, in debug builds, verified (TL_EINVAL on an IR bug).
 * What is lowered and how: docs/frontends.md. */
int tl_front_clang_parse(const char *file, const struct tl_front_opts *opts,
                         const tl_models *models, struct tl_unit *out,
                         struct tl_diags *diags);

#endif /* TL_FRONT_H */
