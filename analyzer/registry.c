/* registry.c — the rule list, from rules/rules.def. */
#include <string.h>

#include "rule.h"

#define TL_RULE(name) extern const struct tl_rule tl_rule_##name;
#include "rules.def"
#undef TL_RULE

const struct tl_rule *const tl_rules[] = {
#define TL_RULE(name) &tl_rule_##name,
#include "rules.def"
#undef TL_RULE
  NULL
};

const size_t tl_rules_count = sizeof tl_rules / sizeof tl_rules[0] - 1;

const struct tl_rule *tl_rule_find(const char *id) {
  for (size_t i = 0; i < tl_rules_count; i++)
    if (strcmp(tl_rules[i]->id, id) == 0) return tl_rules[i];
  return NULL;
}
