/* cache.c — the result cache: hashing, dependency files, diagnostics as JSON, entries.
 * cache.h says what and why; docs/ci.md is the user's account. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cache.h"
#include "rule.h"
#include "tl_errno.h"

#define CACHE_FORMAT 1


/* ---- the hash --------------------------------------------------------------------------- */

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t fmix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

static void absorb(struct tl_hash *self, uint64_t w) {
  self->a = rotl((self->a ^ w) * 0x9e3779b97f4a7c15ULL, 31);
  self->b = rotl((self->b ^ rotl(w, 17)) * 0xc2b2ae3d27d4eb4fULL, 27) + self->a;
}

static uint64_t load64(const unsigned char *p) {
  uint64_t w = 0;
  for (int i = 7; i >= 0; i--) w = (w << 8) | p[i];
  return w;
}

void tl_hash_init(struct tl_hash *self) {
  memset(self, 0, sizeof *self);
  self->a = 0x6a09e667f3bcc908ULL;
  self->b = 0xbb67ae8584caa73bULL;
}

void tl_hash_update(struct tl_hash *self, const void *data, size_t len) {
  const unsigned char *p = data;
  self->len += len;
  while (len && self->nbuf) {
    self->buf[self->nbuf++ & 7] = *p++;   /* nbuf < 8 always; the mask tells GCC */
    len--;
    if (self->nbuf == 8) {
      absorb(self, load64(self->buf));
      self->nbuf = 0;
    }
  }
  for (; len >= 8; p += 8, len -= 8) absorb(self, load64(p));
  while (len--) self->buf[self->nbuf++ & 7] = *p++;
}

void tl_hash_str(struct tl_hash *self, const char *s) {
  if (!s) s = "";
  tl_hash_update(self, s, strlen(s) + 1);
}

void tl_hash_u64(struct tl_hash *self, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  tl_hash_update(self, b, sizeof b);
}

void tl_hash_hex(const struct tl_hash *self, char hex[TL_HASH_HEX]) {
  struct tl_hash h = *self;
  unsigned char last[8] = {0};
  memcpy(last, h.buf, h.nbuf);
  absorb(&h, load64(last) ^ ((uint64_t)h.nbuf << 56));
  uint64_t a = fmix(h.a ^ h.len);
  uint64_t b = fmix(h.b + a + rotl(h.len, 32));
  snprintf(hex, TL_HASH_HEX, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

int tl_hash_file(const char *path, uint64_t *size, char hex[TL_HASH_HEX]) {
  unsigned char buf[65536];
  struct tl_hash h;
  uint64_t n = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return TL_EIO;
  tl_hash_init(&h);
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      close(fd);
      return TL_EIO;
    }
    if (r == 0) break;
    tl_hash_update(&h, buf, (size_t)r);
    n += (uint64_t)r;
  }
  close(fd);
  *size = n;
  tl_hash_hex(&h, hex);
  return 0;
}

/* ---- dependency files ------------------------------------------------------------------- */

void tl_paths_free(tl_paths *self) {
  for (uint32_t i = 0; i < self->size; i++) free(self->data[i]);
  tl_array_free(self);
}

/* Append `word` (made absolute against dir) to out unless already there. */
static int deps_add(tl_paths *out, const char *word, size_t n, const char *dir) {
  size_t dn = word[0] == '/' || !dir ? 0 : strlen(dir);
  char *p = malloc(dn + 1 + n + 1);
  if (!p) return TL_ENOMEM;
  size_t at = 0;
  if (dn) {
    memcpy(p, dir, dn);
    at = dn;
    if (p[at - 1] != '/') p[at++] = '/';
  }
  memcpy(p + at, word, n);
  p[at + n] = '\0';
  for (uint32_t i = 0; i < out->size; i++)
    if (strcmp(out->data[i], p) == 0) {
      free(p);
      return 0;
    }
  if (tl_array_push(out, p) < 0) {
    free(p);
    return TL_ENOMEM;
  }
  return 0;
}

int tl_deps_parse(const char *text, size_t len, const char *dir, tl_paths *out) {
  tl_paths got = {0};
  char *word = malloc(len + 1);
  int rc = TL_ENOMEM, seen_target = 0;
  size_t i = 0;
  if (!word) goto fail;
  while (i < len) {
    /* blanks, and backslash-newline continuations */
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
      i++;
      continue;
    }
    if (text[i] == '\\' && i + 1 < len && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      i += 2;
      continue;
    }
    size_t n = 0;
    int target = 0;
    while (i < len) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
      if (c == '\\' && i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '#' ||
                                       text[i + 1] == '\\')) {
        word[n++] = text[i + 1];
        i += 2;
        continue;
      }
      if (c == '\\' && i + 1 < len && (text[i + 1] == '\n' || text[i + 1] == '\r')) break;
      if (c == '$' && i + 1 < len && text[i + 1] == '$') {
        word[n++] = '$';
        i += 2;
        continue;
      }
      if (c == ':' && !seen_target && (i + 1 == len || text[i + 1] == ' ' ||
                                       text[i + 1] == '\n' || text[i + 1] == '\t' ||
                                       text[i + 1] == '\r')) {
        target = 1;
        i++;
        break;
      }
      word[n++] = c;
      i++;
    }
    if (target) {
      seen_target = 1;
      continue;
    }
    if (!seen_target) continue;   /* words of the target itself */
    if (n && (rc = deps_add(&got, word, n, dir)) < 0) goto fail;
  }
  if (!seen_target) {
    rc = TL_ESYNTAX;
    goto fail;
  }
  if (tl_array_reserve(out, out->size + got.size) < 0) {
    rc = TL_ENOMEM;
    goto fail;
  }
  for (uint32_t k = 0; k < got.size; k++) out->data[out->size++] = got.data[k];
  tl_array_free(&got);
  free(word);
  return 0;

fail:
  tl_paths_free(&got);
  free(word);
  return rc;
}

/* ---- diagnostics as JSON ---------------------------------------------------------------- */

static json_t *loc_encode(struct tl_loc loc) {
  return json_pack("[iiii]", (json_int_t)loc.line, (json_int_t)loc.col,
                   (json_int_t)loc.end_line, (json_int_t)loc.end_col);
}

int tl_diags_encode(const struct tl_diags *diags, void **out) {
  json_t *arr = json_array();
  if (!arr) return TL_ENOMEM;
  for (uint32_t i = 0; i < diags->size; i++) {
    const struct tl_diag *d = &diags->data[i];
    json_t *notes = json_array();
    if (!notes) goto oom;
    for (uint32_t k = 0; k < d->nnotes; k++) {
      const struct tl_note *n = &d->notes[k];
      if (json_array_append_new(notes, json_pack("{s:s, s:o, s:s}", "file", n->file ? n->file : "",
                                                 "loc", loc_encode(n->loc), "message",
                                                 n->message ? n->message : "")) < 0) {
        json_decref(notes);
        goto oom;
      }
    }
    json_t *o = json_pack("{s:s, s:o, s:s?, s:i, s:s, s:o}", "file", d->file ? d->file : "",
                          "loc", loc_encode(d->loc), "rule", d->rule, "severity",
                          (int)d->severity, "message", d->message ? d->message : "",
                          "notes", notes);
    if (!o || json_array_append_new(arr, o) < 0) goto oom;
  }
  *out = arr;
  return 0;
oom:
  json_decref(arr);
  return TL_ENOMEM;
}

static int loc_decode(json_t *j, struct tl_loc *loc) {
  json_int_t v[4];
  if (!json_is_array(j) || json_array_size(j) != 4) return TL_ESYNTAX;
  for (size_t i = 0; i < 4; i++) {
    json_t *x = json_array_get(j, i);
    if (!json_is_integer(x) || json_integer_value(x) < 0 ||
        json_integer_value(x) > (json_int_t)UINT32_MAX)
      return TL_ESYNTAX;
    v[i] = json_integer_value(x);
  }
  loc->line = (uint32_t)v[0];
  loc->col = (uint32_t)v[1];
  loc->end_line = (uint32_t)v[2];
  loc->end_col = (uint32_t)v[3];
  return 0;
}

/* The static string for rule id `id`, or NULL when it names nothing we know. */
static const char *rule_intern(const char *id) {
  if (!id[0]) return "";   /* tl_diags_add's spelling of "no rule" */
  const struct tl_rule *r = tl_rule_find(id);
  if (r) return r->id;
  return tl_driver_diag_id(id);
}

int tl_diags_decode(const void *json, struct tl_diags *diags) {
  json_t *arr = (json_t *)json;
  uint32_t before = diags->size;
  int rc = TL_ESYNTAX;
  if (!json_is_array(arr)) return TL_ESYNTAX;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_array_get(arr, i), *jloc = NULL, *jnotes = NULL, *jrule = NULL;
    const char *file = NULL, *message = NULL, *rule = NULL;
    int sev = 0;
    struct tl_loc loc;
    struct tl_diag *d = NULL;
    if (json_unpack(o, "{s:s, s:o, s:o, s:i, s:s, s:o}", "file", &file, "loc", &jloc, "rule",
                    &jrule, "severity", &sev, "message", &message, "notes", &jnotes) < 0)
      goto fail;
    if (loc_decode(jloc, &loc) < 0 || !json_is_array(jnotes)) goto fail;
    if (sev < TL_SEV_NOTE || sev > TL_SEV_ERROR) goto fail;
    if (!json_is_null(jrule)) {
      if (!json_is_string(jrule) || !(rule = rule_intern(json_string_value(jrule)))) goto fail;
    }
    if (tl_diags_add(diags, file, loc, rule, (enum tl_severity)sev, message, &d) < 0) {
      rc = TL_ENOMEM;
      goto fail;
    }
    for (size_t k = 0; k < json_array_size(jnotes); k++) {
      const char *nfile = NULL, *nmsg = NULL;
      json_t *nloc = NULL;
      struct tl_loc l;
      if (json_unpack(json_array_get(jnotes, k), "{s:s, s:o, s:s}", "file", &nfile, "loc",
                      &nloc, "message", &nmsg) < 0 ||
          loc_decode(nloc, &l) < 0)
        goto fail;
      if (tl_diag_add_note(d, nfile, l, nmsg) < 0) {
        rc = TL_ENOMEM;
        goto fail;
      }
    }
  }
  return 0;

fail:
  /* drop what this call added */
  while (diags->size > before) {
    struct tl_diag *d = &diags->data[--diags->size];
    for (uint32_t k = 0; k < d->nnotes; k++) {
      free(d->notes[k].file);
      free(d->notes[k].message);
    }
    free(d->notes);
    free(d->file);
    free(d->message);
  }
  return rc;
}

/* ---- the memo: each file hashed once per run ---------------------------------------------- */

struct memo_entry {
  char *path;            /* NULL: free slot */
  uint64_t size;
  int ok;                /* 0: could not be read */
  char hex[TL_HASH_HEX];
};

struct tl_cache_memo {
  struct memo_entry *slots;
  uint32_t cap, size;    /* cap: a power of two */
};

static uint64_t str_hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

static int memo_grow(struct tl_cache_memo *m) {
  uint32_t ncap = m->cap ? m->cap * 2 : 256;
  struct memo_entry *ns = calloc(ncap, sizeof *ns);
  if (!ns) return TL_ENOMEM;
  for (uint32_t i = 0; i < m->cap; i++) {
    if (!m->slots[i].path) continue;
    uint32_t j = (uint32_t)str_hash(m->slots[i].path) & (ncap - 1);
    while (ns[j].path) j = (j + 1) & (ncap - 1);
    ns[j] = m->slots[i];
  }
  free(m->slots);
  m->slots = ns;
  m->cap = ncap;
  return 0;
}

/* The memo entry of path, hashing the file on first use. 0 or TL_ENOMEM. */
static int memo_get(struct tl_cache_memo *m, const char *path, const struct memo_entry **out) {
  if ((m->size + 1) * 2 > m->cap && memo_grow(m) < 0) return TL_ENOMEM;
  uint32_t j = (uint32_t)str_hash(path) & (m->cap - 1);
  while (m->slots[j].path) {
    if (strcmp(m->slots[j].path, path) == 0) {
      *out = &m->slots[j];
      return 0;
    }
    j = (j + 1) & (m->cap - 1);
  }
  struct memo_entry e = {0};
  if (!(e.path = strdup(path))) return TL_ENOMEM;
  int rc = tl_hash_file(path, &e.size, e.hex);
  if (rc == TL_ENOMEM) {
    free(e.path);
    return rc;
  }
  e.ok = rc == 0;
  m->slots[j] = e;
  m->size++;
  *out = &m->slots[j];
  return 0;
}

/* ---- the cache -------------------------------------------------------------------------- */

static int ensure_dir(const char *path) {
  struct stat st;
  if (mkdir(path, 0777) == 0) return 0;
  if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  if (errno == EEXIST) errno = ENOTDIR;
  return -1;
}

/* Write len bytes of data to path through a temporary file and a rename. */
static int write_atomic(struct tl_cache *self, const char *path, const char *data,
                        size_t len) {
  char *tmp = NULL;
  int rc = tl_cache_tmp_path(self, ".part", &tmp);
  if (rc < 0) return rc;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) goto io;
  while (len) {
    ssize_t w = write(fd, data, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      unlink(tmp);
      goto io;
    }
    data += w;
    len -= (size_t)w;
  }
  if (close(fd) < 0 || rename(tmp, path) < 0) {
    unlink(tmp);
    goto io;
  }
  free(tmp);
  return 0;
io:
  free(tmp);
  return TL_EIO;
}

int tl_cache_open(struct tl_cache *self, const char *dir, char *err, size_t errlen) {
  static const char tag[] =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This directory is a ticketlint result cache (--cache-dir); it may be deleted.\n";
  struct tl_cache c = {0};
  char *tmpdir = NULL, *tagpath = NULL;
  struct stat st;
  if (errlen) err[0] = '\0';
  if (ensure_dir(dir) < 0) {
    snprintf(err, errlen, "cannot create cache directory '%s': %s", dir, strerror(errno));
    return TL_EIO;
  }
  if (!(c.dir = realpath(dir, NULL))) {
    snprintf(err, errlen, "cannot use cache directory '%s': %s", dir, strerror(errno));
    return TL_EIO;
  }
  if (!(c.memo = calloc(1, sizeof *c.memo))) goto oom;
  size_t n = strlen(c.dir);
  if (!(tmpdir = malloc(n + 5)) || !(tagpath = malloc(n + 14))) goto oom;
  snprintf(tmpdir, n + 5, "%s/tmp", c.dir);
  snprintf(tagpath, n + 14, "%s/CACHEDIR.TAG", c.dir);
  if (ensure_dir(tmpdir) < 0) {
    snprintf(err, errlen, "cannot create '%s': %s", tmpdir, strerror(errno));
    goto io;
  }
  if (stat(tagpath, &st) < 0 && write_atomic(&c, tagpath, tag, sizeof tag - 1) < 0) {
    snprintf(err, errlen, "cannot write in cache directory '%s': %s", c.dir, strerror(errno));
    goto io;
  }
  free(tmpdir);
  free(tagpath);
  *self = c;
  return 0;

oom:
  snprintf(err, errlen, "%s", tl_strerror(TL_ENOMEM));
  free(tmpdir);
  free(tagpath);
  tl_cache_close(&c);
  return TL_ENOMEM;
io:
  free(tmpdir);
  free(tagpath);
  tl_cache_close(&c);
  return TL_EIO;
}

void tl_cache_close(struct tl_cache *self) {
  if (self->memo) {
    for (uint32_t i = 0; i < self->memo->cap; i++) free(self->memo->slots[i].path);
    free(self->memo->slots);
    free(self->memo);
  }
  free(self->dir);
  memset(self, 0, sizeof *self);
}

int tl_cache_tmp_path(struct tl_cache *self, const char *suffix, char **out) {
  size_t n = strlen(self->dir) + strlen(suffix) + 64;
  char *p = malloc(n);
  if (!p) return TL_ENOMEM;
  snprintf(p, n, "%s/tmp/%ld-%llu%s", self->dir, (long)getpid(),
           (unsigned long long)self->tmp_seq++, suffix);
  *out = p;
  return 0;
}

static char *entry_path(const struct tl_cache *self, const char *key) {
  size_t n = strlen(self->dir) + strlen(key) + 8;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s.json", self->dir, key);
  return p;
}

int tl_cache_lookup(struct tl_cache *self, const char *key, struct tl_diags *diags, int *hit) {
  char *path = entry_path(self, key);
  json_t *root = NULL, *deps = NULL, *jdiags = NULL;
  const char *jkey = NULL;
  int version = 0, rc = 0;
  *hit = 0;
  if (!path) return TL_ENOMEM;
  if (access(path, F_OK) < 0) goto miss;
  root = json_load_file(path, 0, NULL);
  if (!root || json_unpack(root, "{s:i, s:s, s:o, s:o}", "format", &version, "key", &jkey,
                           "deps", &deps, "diags", &jdiags) < 0 ||
      version != CACHE_FORMAT || strcmp(jkey, key) != 0 || !json_is_array(deps) ||
      json_array_size(deps) == 0)
    goto corrupt;
  for (size_t i = 0; i < json_array_size(deps); i++) {
    const char *dpath = NULL, *dhash = NULL;
    json_int_t size = 0;
    const struct memo_entry *e = NULL;
    if (json_unpack(json_array_get(deps, i), "{s:s, s:I, s:s}", "path", &dpath, "size", &size,
                    "hash", &dhash) < 0)
      goto corrupt;
    if ((rc = memo_get(self->memo, dpath, &e)) < 0) goto done;
    if (!e->ok || (json_int_t)e->size != size || strcmp(e->hex, dhash) != 0) goto miss;
  }
  rc = tl_diags_decode(jdiags, diags);
  if (rc == TL_ESYNTAX) goto corrupt;
  if (rc < 0) goto done;
  *hit = 1;
  self->hits++;
  goto done;

corrupt:
  self->corrupt++;
miss:
  self->misses++;
  rc = 0;
done:
  json_decref(root);
  free(path);
  return rc;
}

int tl_cache_store(struct tl_cache *self, const char *key, const tl_paths *deps,
                   const struct tl_diags *diags) {
  json_t *root = NULL, *jdeps = NULL;
  void *jdiags = NULL;
  char *text = NULL, *path = NULL;
  int rc = TL_ENOMEM;
  if (!(jdeps = json_array())) goto done;
  for (uint32_t i = 0; i < deps->size; i++) {
    const struct memo_entry *e = NULL;
    if ((rc = memo_get(self->memo, deps->data[i], &e)) < 0) goto done;
    if (!e->ok) {   /* gone already, or unreadable: not cacheable */
      rc = 0;
      goto done;
    }
    rc = TL_ENOMEM;
    if (json_array_append_new(jdeps, json_pack("{s:s, s:I, s:s}", "path", e->path, "size",
                                               (json_int_t)e->size, "hash", e->hex)) < 0)
      goto done;
  }
  if ((rc = tl_diags_encode(diags, &jdiags)) < 0) goto done;
  rc = TL_ENOMEM;
  root = json_pack("{s:i, s:s, s:o, s:o}", "format", CACHE_FORMAT, "key", key, "deps", jdeps,
                   "diags", (json_t *)jdiags);
  jdeps = NULL;
  jdiags = NULL;
  if (!root || !(text = json_dumps(root, JSON_COMPACT)) || !(path = entry_path(self, key)))
    goto done;
  rc = write_atomic(self, path, text, strlen(text));
  if (rc == 0) self->stores++;
done:
  json_decref(jdeps);
  json_decref((json_t *)jdiags);
  json_decref(root);
  free(text);
  free(path);
  return rc;
}
