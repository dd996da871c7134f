/* rule_docs.h — every rule's documentation, one string per rule of rules/rules.def:
 * `tl_rule_doc_<name>` is the leading comment of rules/<name>.c without its comment marks.
 * The strings are generated at build time by cmake/RuleDocs.cmake (tl_rule_docs()) into
 * the build tree, so the comment is the single source of `--explain`, the SARIF help text
 * and docs/rules/<id>.md. A rule uses it as `.doc = tl_rule_doc_<name>`. */
#ifndef TL_RULE_DOCS_H
#define TL_RULE_DOCS_H

#define TL_RULE(name) extern const char tl_rule_doc_##name[];
#include "rules.def"
#undef TL_RULE

#endif /* TL_RULE_DOCS_H */
