/* config.c — rule selection (enable/disable by id, group or "all"). */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "rule.h"
#include "tl_errno.h"

/* ---- rule selection -------------------------------------------------------------------- */

static int names_rule(const struct tl_rule *r, const char *what) {
  return strcmp(what, "all") == 0 || strcmp(r->id, what) == 0 ||
         (r->group && strcmp(r->group, what) == 0);
}

int tl_select_valid(const char *what) {
  for (size_t i = 0; i < tl_rules_count; i++)
    if (names_rule(tl_rules[i], what)) return 1;
  return strcmp(what, "all") == 0;
}

int tl_select_apply(unsigned char *on, const char *what, int enable) {
  if (!tl_select_valid(what)) return TL_EINVAL;
  for (size_t i = 0; i < tl_rules_count; i++)
    if (names_rule(tl_rules[i], what)) on[i] = enable ? 1 : 0;
  return 0;
}

/* Levenshtein distance of a and b, capped at 99 (ids are short). */
static unsigned edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return 99;
  unsigned row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = (unsigned)j;
  for (size_t i = 1; i <= la; i++) {
    unsigned diag = row[0];
    row[0] = (unsigned)i;
    for (size_t j = 1; j <= lb; j++) {
      unsigned up = row[j];
      unsigned best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Close: within a third of the longer name's length (at least 2 edits), or one contains
 * the other (a prefix such as "unawaited"). */
static int is_close(const char *what, const char *name) {
  size_t lw = strlen(what), ln = strlen(name);
  size_t longer = lw > ln ? lw : ln;
  unsigned limit = (unsigned)(longer / 3 > 2 ? longer / 3 : 2);
  if (lw >= 3 && (strstr(name, what) || strstr(what, name))) return 1;
  return edit_distance(what, name) <= limit;
}

static void suggest_add(char *buf, size_t n, int *count, const char *name) {
  if (*count >= 3 || strstr(buf, name)) return;
  size_t used = strlen(buf);
  snprintf(buf + used, n - used, "%s'%s'", *count ? ", " : "", name);
  (*count)++;
}

const char *tl_rules_suggest(const char *what, char *buf, size_t n) {
  int count = 0;
  if (n == 0) return buf;
  buf[0] = '\0';
  for (size_t i = 0; i < tl_rules_count; i++)
    if (is_close(what, tl_rules[i]->id)) suggest_add(buf, n, &count, tl_rules[i]->id);
  for (size_t i = 0; i < tl_rules_count; i++)
    if (tl_rules[i]->group && is_close(what, tl_rules[i]->group))
      suggest_add(buf, n, &count, tl_rules[i]->group);
  return buf;
}
