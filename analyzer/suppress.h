/* suppress.h — NOLINT comments, with clang-tidy's conventions:
 *
 *   tk_async(loop, work, 0);   // NOLINT(unawaited-ticket)    this line, these rules
 *   tk_async(loop, work, 0);   // NOLINT                      this line, every rule
 *   // NOLINTNEXTLINE(unawaited-ticket, ticket-reuse)         the next line
 *   // NOLINTBEGIN(unawaited-ticket)                          every line from here ...
 *   // NOLINTEND(unawaited-ticket)                            ... to here (inclusive)
 *
 * The marks are read from the file's bytes (front-end neutral): a small C lexer finds the
 * comments (`//` with line splices, and block comments), skipping string and character
 * literals, so "NOLINT" inside a string is not a mark. Inside a comment, a mark is the word
 * NOLINT, NOLINTNEXTLINE, NOLINTBEGIN or NOLINTEND (not part of a longer identifier),
 * optionally followed at once by `(list)`: rule ids separated by commas, blanks ignored, `*`
 * a wildcard (`NOLINT(*)`, `NOLINT(ticket-*)`). Without a list a mark covers every rule.
 * A `(` without its `)` in the same comment, or an empty `()`, covers no rule.
 *
 * A NOLINTEND closes the innermost open NOLINTBEGIN with the same list (compared entry by
 * entry, blanks ignored). An END that closes nothing and a BEGIN never closed are reported
 * as findings of rule id "nolint-unmatched" (severity warning) and suppress nothing.
 *
 * docs/config.md ("Suppressing a finding") is the user's documentation. */
#ifndef TL_SUPPRESS_H
#define TL_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "array.h"
#include "diag.h"

#define TL_NOLINT_UNMATCHED "nolint-unmatched"

enum tl_nolint_kind { TL_NOLINT, TL_NOLINT_NEXTLINE, TL_NOLINT_BEGIN, TL_NOLINT_END };

/* One mark. rules: the list between the parentheses with blanks removed ("a,b*"), or NULL
 * for a bare mark (every rule). An empty list ("") covers no rule. */
struct tl_nolint {
  enum tl_nolint_kind kind;
  uint32_t line, col;           /* where the word NOLINT... starts (1-based, bytes) */
  char *rules;
  uint32_t first, last;         /* the lines it covers (BEGIN: up to its END's line) */
  unsigned matched : 1;         /* BEGIN/END: paired */
};

struct tl_suppress {
  TL_ARRAY(struct tl_nolint) marks;   /* in file order */
};

/* Scan buf[0..len) for marks into self (initialised by the callee). 0 or TL_ENOMEM (self
 * then owns nothing). */
int  tl_suppress_scan(struct tl_suppress *self, const char *buf, size_t len);
/* Read the file at path and scan it. 0, TL_EIO or TL_ENOMEM (self then owns nothing). */
int  tl_suppress_load(struct tl_suppress *self, const char *path);
void tl_suppress_close(struct tl_suppress *self);

/* The mark that silences a finding of `rule` on `line`, or NULL. Unmatched BEGIN/END marks
 * silence nothing. */
const struct tl_nolint *tl_suppress_match(const struct tl_suppress *self, const char *rule,
                                          uint32_t line);

/* Add a "nolint-unmatched" warning for every unmatched BEGIN/END to diags, in `file`.
 * 0 or TL_ENOMEM. */
int  tl_suppress_report(const struct tl_suppress *self, const char *file,
                        struct tl_diags *diags);

/* "NOLINT", "NOLINTNEXTLINE", "NOLINTBEGIN", "NOLINTEND". */
const char *tl_nolint_kind_name(enum tl_nolint_kind kind);

#endif /* TL_SUPPRESS_H */
