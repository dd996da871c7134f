/* baseline.h — findings accepted as they are (--baseline, --write-baseline,
 * --prune-baseline): a CI gate that fails on new findings only. docs/ci.md ("Baselines").
 *
 * The file is the line format of models and configuration (lines.h):
 *
 *   # ticketlint baseline: findings accepted as they are (docs/ci.md)
 *   baseline version=1
 *   finding rule=unawaited-ticket file=src/shop.c fingerprint=5c1d0e9a7f3b2c41 occurrence=1 line=42 message="ticket from 'tk_async' is never awaited"
 *
 * An entry is keyed by rule, file (relative to the baseline's root: the nearest folder
 * holding .git from the baseline file's folder upward, else that folder) and fingerprint —
 * a hash of the finding's source line and the lines either side of it, blanks trimmed and
 * runs of blanks collapsed — plus the occurrence: the n-th finding (from 1, in line order)
 * with the same rule, file and fingerprint. Line numbers do not take part (`line` and
 * `message` are for the reader), so lines inserted or removed elsewhere do not bring a
 * finding back; editing the line or a neighbour does. */
#ifndef TL_BASELINE_H
#define TL_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "array.h"
#include "diag.h"
#include "lines.h"

#define TL_BASELINE_FP_HEX 17   /* 16 hex digits and a NUL */

/* What identifies a finding. Strings are owned by whoever made the key. */
struct tl_baseline_key {
  const char *rule;
  const char *file;                     /* relative to the root (or absolute outside it) */
  char fingerprint[TL_BASELINE_FP_HEX];
  uint32_t occurrence;                  /* from 1 */
};

struct tl_baseline_entry {
  char *rule, *file, *message;
  char fingerprint[TL_BASELINE_FP_HEX];
  uint32_t occurrence;
  uint32_t line;         /* informative */
  int matched;           /* a finding of this run matched it */
};

struct tl_baseline {
  char *root;            /* absolute, without a final '/' */
  TL_ARRAY(struct tl_baseline_entry) entries;
};

/* An empty baseline whose root derives from `path` (the baseline file; it need not exist).
 * 0, TL_EIO (its folder does not exist) or TL_ENOMEM. */
int  tl_baseline_init(struct tl_baseline *self, const char *path);
/* Read the baseline file at path (self initialised by the callee, as tl_baseline_init).
 * 0, or TL_EIO / TL_ESYNTAX / TL_ENOMEM with *err filled (file:line:col). */
int  tl_baseline_load(struct tl_baseline *self, const char *path, struct tl_srcerr *err);
void tl_baseline_close(struct tl_baseline *self);

/* The path of `file` relative to self->root when it is inside it, else its absolute path
 * (malloc'd into *out). 0 or TL_ENOMEM. */
int  tl_baseline_relpath(const struct tl_baseline *self, const char *file, char **out);

/* The fingerprint of a finding on `line` (from 1) of src[0..len). */
void tl_baseline_fingerprint(const char *src, size_t len, uint32_t line,
                             char fp[TL_BASELINE_FP_HEX]);

/* Keys for diags[0..n) of one file whose source is src[0..len) (NULL: unreadable, every
 * line empty), relative name `file`; skip[i] != 0 leaves diags[i] out (keys[i] untouched).
 * diags must be sorted (tl_diags_sort). keys[i].rule and .file point into diags and `file`. */
void tl_baseline_keys(const struct tl_diag *diags, uint32_t n, const unsigned char *skip,
                      const char *file, const char *src, size_t len,
                      struct tl_baseline_key *keys);

/* 1 when an entry not matched yet has this key (it is then marked matched), else 0. */
int  tl_baseline_match(struct tl_baseline *self, const struct tl_baseline_key *key);

/* Add an entry (strings copied). 0 or TL_ENOMEM. */
int  tl_baseline_add(struct tl_baseline *self, const struct tl_baseline_key *key,
                     uint32_t line, const char *message);

/* Entries of files in `files` (relative names, as keys have them) that no finding matched:
 * the stale ones. Entries of files not linted this run are never stale. */
uint32_t tl_baseline_stale(const struct tl_baseline *self, const char *const *files,
                           uint32_t nfiles, unsigned char *stale /* per entry, may be NULL */);

/* Write the entries (all, or those with drop[i] == 0 when drop is not NULL) to path, sorted
 * by file, line, rule, through a temporary file beside it and a rename. 0 or TL_EIO /
 * TL_ENOMEM. */
int  tl_baseline_write(const struct tl_baseline *self, const char *path,
                       const unsigned char *drop);

#endif /* TL_BASELINE_H */
