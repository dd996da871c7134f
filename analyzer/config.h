/* config.h — which rules run, and the .ticketlint configuration file.
 *
 * Rule selection: a list of steps `enable X` / `disable X`, X a rule id, a group
 * ("correctness", "perf") or "all", applied in order over the rules' defaults: first the
 * config file's steps, then the command line's --enable/--disable.
 *
 * docs/config.md is the user's documentation. */
#ifndef TL_CONFIG_H
#define TL_CONFIG_H

#include <stddef.h>

/* 1 when `what` names a rule id, the group of some rule, or "all". */
int tl_select_valid(const char *what);

/* One selection step over on[0..tl_rules_count) (indexed like tl_rules): set on[i] to
 * `enable` for every rule `what` names. 0, or TL_EINVAL when `what` names nothing (on is
 * then untouched). */
int tl_select_apply(unsigned char *on, const char *what, int enable);

/* Write into buf (always NUL-terminated) up to three rule ids (or groups) close to `what`,
 * as "'a', 'b'"; "" when none is close. Returns buf. For "unknown rule" messages. */
const char *tl_rules_suggest(const char *what, char *buf, size_t n);

#endif /* TL_CONFIG_H */
