/* cache.h — the result cache (--cache-dir): a translation unit's findings, kept under a key,
 * reused while none of the files it read has changed. docs/ci.md ("The result cache").
 *
 *   key   = hash(ticketlint's version and executable, the working directory, the path the
 *           file is parsed as, its compiler flags, the models' and the configuration's
 *           contents, the enabled rules)             -- the driver computes it (main.c)
 *   entry = <dir>/<key>.json: the files the unit read (the main file and every included
 *           file, with size and content hash) and its findings, as tl_diags_encode() writes
 *
 * A lookup never parses C: it re-hashes the files the entry lists (each file once per run,
 * whatever the number of units including it) and compares. The list of included files
 * comes from the front-end itself: the driver has libclang write a dependency file
 * (-MD -MF) into <dir>/tmp/, and tl_deps_parse() reads it. Entries are written to a
 * temporary file in <dir>/tmp/ and renamed into place, so a reader never sees half an entry;
 * an entry that does not parse or does not match its key is a miss, rewritten by the next
 * store. Nothing is written outside <dir>.
 *
 * The hash (tl_hash) detects edits, not attacks: 128 bits, not cryptographic. */
#ifndef TL_CACHE_H
#define TL_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "array.h"
#include "diag.h"

#define TL_HASH_HEX 33   /* 32 hex digits and a NUL */

/* A streaming 128-bit hash. */
struct tl_hash {
  uint64_t a, b;
  uint64_t len;
  unsigned char buf[8];
  unsigned nbuf;
};

void tl_hash_init(struct tl_hash *self);
void tl_hash_update(struct tl_hash *self, const void *data, size_t len);
/* s with its terminating NUL, so that ("ab", "c") and ("a", "bc") differ. NULL hashes as "". */
void tl_hash_str(struct tl_hash *self, const char *s);
void tl_hash_u64(struct tl_hash *self, uint64_t v);
/* The digest as 32 lower-case hex digits. self is left as it was (more may be added). */
void tl_hash_hex(const struct tl_hash *self, char hex[TL_HASH_HEX]);
/* Hash the contents of the file at path: *size and hex. 0, TL_EIO or TL_ENOMEM. */
int  tl_hash_file(const char *path, uint64_t *size, char hex[TL_HASH_HEX]);

typedef TL_ARRAY(char *) tl_paths;   /* owned strings */
void tl_paths_free(tl_paths *self);

/* Parse a make-style dependency file (what clang -MD -MF writes) into the prerequisites,
 * in order, duplicates dropped: `target: a.c b.h \` and continuation lines, with "\ " for a
 * space, "\#" for '#' and "$$" for '$'. Relative paths are made absolute against `dir` (the
 * directory the compiler ran in). Appended to *out. 0, TL_ESYNTAX (no "target:") or
 * TL_ENOMEM. */
int  tl_deps_parse(const char *text, size_t len, const char *dir, tl_paths *out);

/* Diagnostics as JSON (a jansson json_t array, returned as void * so that this header does
 * not need jansson): [{"file", "loc": [line, col, end_line, end_col], "rule", "severity",
 * "message", "notes": [{"file", "loc", "message"}]}]. The worker processes (jobs.h) and the
 * cache use it. *out is a new reference. 0 or TL_ENOMEM. */
int  tl_diags_encode(const struct tl_diags *diags, void **out);
/* Append what tl_diags_encode() wrote to *diags. Rule ids are those of registered rules,
 * or a driver diagnostic of TL_DRIVER_DIAGS (diag.h), mapped back to their static strings; anything
 * else, a missing field or a wrong type is TL_ESYNTAX, and *diags is then as before.
 * 0, TL_ESYNTAX or TL_ENOMEM. */
int  tl_diags_decode(const void *json, struct tl_diags *diags);

struct tl_cache_memo;

struct tl_cache {
  char *dir;                    /* absolute, without a final '/' */
  struct tl_cache_memo *memo;   /* path -> size and hash, hashed at most once per run */
  uint64_t tmp_seq;             /* names of temporary files */
  /* counters, for --stats and tests */
  uint32_t hits, misses, corrupt, stores;
};

/* Use `dir` as the cache: created when missing (its parent must exist; only `dir` itself
 * and `dir`/tmp are created), with a CACHEDIR.TAG. 0, or TL_EIO / TL_ENOMEM with a one-line
 * message in err. */
int  tl_cache_open(struct tl_cache *self, const char *dir, char *err, size_t errlen);
void tl_cache_close(struct tl_cache *self);

/* Look up `key` (TL_HASH_HEX - 1 hex digits): on a hit, *hit = 1 and the entry's findings
 * are appended to diags; on a miss (no entry, a corrupt one, or a listed file changed or
 * gone) *hit = 0. 0 or TL_ENOMEM. */
int  tl_cache_lookup(struct tl_cache *self, const char *key, struct tl_diags *diags, int *hit);
/* Store the findings of the unit under `key`, with the files it read (`deps`, absolute
 * paths; the main file among them), hashed now. A file that cannot be read makes the unit
 * uncacheable: nothing is stored and 0 is returned. 0, TL_EIO or TL_ENOMEM. */
int  tl_cache_store(struct tl_cache *self, const char *key, const tl_paths *deps,
                    const struct tl_diags *diags);
/* A fresh path for a temporary file of this process in <dir>/tmp/, ending in `suffix`
 * (malloc'd into *out). 0 or TL_ENOMEM. */
int  tl_cache_tmp_path(struct tl_cache *self, const char *suffix, char **out);

#endif /* TL_CACHE_H */
