/* diag.h — diagnostics: what rules report. Copied out of the IR arena (they outlive it). */
#ifndef TL_DIAG_H
#define TL_DIAG_H

#include <stdint.h>
#include <stdio.h>

#include "ir.h"

enum tl_severity { TL_SEV_NOTE, TL_SEV_WARNING, TL_SEV_ERROR };

struct tl_note {
  char *file;
  struct tl_loc loc;
  char *message;
};

struct tl_diag {
  char *file;
  struct tl_loc loc;
  const char *rule;              /* static string: the rule id */
  enum tl_severity severity;
  char *message;
  uint32_t nnotes;
  struct tl_note *notes;
};

struct tl_diags {
  uint32_t size, cap;
  struct tl_diag *data;
};

void tl_diags_init(struct tl_diags *self);
void tl_diags_close(struct tl_diags *self);
/* Add a diagnostic (file and message copied); *out (out may be NULL) points at it for adding
 * notes, until the next tl_diags_add() or tl_diags_sort() moves the array. 0 or TL_ENOMEM. */
int  tl_diags_add(struct tl_diags *self, const char *file, struct tl_loc loc, const char *rule,
                  enum tl_severity sev, const char *message, struct tl_diag **out);
int  tl_diag_add_note(struct tl_diag *self, const char *file, struct tl_loc loc,
                      const char *message);
/* Sort by file, line, column, rule (then message, end, severity: a total order) and drop
 * exact duplicates — same file, range, rule, severity and message — keeping the one added
 * first, with its notes. The sort is stable. */
void tl_diags_sort(struct tl_diags *self);

const char *tl_severity_name(enum tl_severity sev);  /* "note", "warning", "error" */

/* Diagnostics of the driver and front-end, not of a registered rule: id, severity, what it
 * means (SARIF describes them; the result cache reads them back). One line each. */
#define TL_DRIVER_DIAGS(XX)                                                                 \
  XX("clang-diagnostic", TL_SEV_ERROR,                                                      \
     "the compiler cannot parse this code as written (a libclang error)")                    \
  XX("nolint-unmatched", TL_SEV_WARNING,                                                    \
     "a NOLINTBEGIN without its NOLINTEND, or a NOLINTEND without its NOLINTBEGIN: it "     \
     "suppresses nothing")                                                                  \
  XX("analysis-limit", TL_SEV_NOTE,                                                         \
     "a function too large for the engine's limits: a rule was skipped there")              \
  XX("invalid-annotation", TL_SEV_WARNING,                                                  \
     "a ticketlint annotation (include/ticketlint/annotate.h) that does not parse as a "    \
     "model line: it is ignored")

/* The static spelling of driver diagnostic `id` (TL_DRIVER_DIAGS), or NULL. */
const char *tl_driver_diag_id(const char *id);

#endif /* TL_DIAG_H */
