/* model.c — model files (docs/models.md) read through the line format (lines.h) into a set
 * of library functions, ticket types, async markers, sentinels, failure counters and headers.
 *
 * Loading is a transaction: a batch (one buffer, one file, or one directory) is parsed and
 * checked into a `struct stage` with its own arena; only when every line is valid and every
 * allocation the commit needs has succeeded is the stage merged into the set, and its arena
 * adopted by the set. On any error the stage is dropped and the set is as it was.
 *
 * Lookup by function name is a hash table (open addressing, linear probing, FNV-1a) from
 * name to index in `fns`; the front-end calls tl_models_find() for every call expression.
 *
 * Selection by `header` (tl_models_set_*, tl_models_find_in): model names are numbered in
 * load order; a set is one byte per number.
 *
 * Does not do yet: roles on several arguments (one argument per role), variadic argument
 * indexes. */
#include "fileio.h"
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"
#include "lines.h"
#include "tl_errno.h"

#define TL_MODEL_MAX_ARG   63                  /* argument indexes 0..63 */
#define TL_MODEL_MAX_BYTES (16u * 1024 * 1024) /* a bigger model file is an error */

struct header_entry {
  const char *path;     /* as written: "ticket.h", "sys/wait.h" */
  const char *model;
};

/* A name -> index hash table over an array of functions. Slots hold index + 1; 0 is empty. */
struct fn_table {
  uint32_t *slots;
  uint32_t cap;         /* 0 or a power of two, at least twice the entries */
};

typedef TL_ARRAY(struct tl_model_fn *) fn_array;
typedef TL_ARRAY(const char *) str_array;
typedef TL_ARRAY(struct header_entry) header_array;

struct tl_models {
  TL_ARRAY(tl_arena *) arenas;   /* one per committed batch */
  fn_array fns;                  /* in first-load order; an override replaces in place */
  struct fn_table table;
  str_array types;               /* canonical spellings (type_canon) */
  str_array markers;
  str_array sentinels;
  str_array counters;            /* failure-counter variable names */
  header_array headers;
  str_array names;               /* model names, in load order: their numbers */
};

/* ---- names ----------------------------------------------------------------------------- */

static const char *const event_names[] = {
  [TL_ME_START] = "start",       [TL_ME_AWAIT] = "await",   [TL_ME_AWAIT_ALL] = "await-all",
  [TL_ME_POLL] = "poll",         [TL_ME_READ] = "read",     [TL_ME_DETACH] = "detach",
  [TL_ME_CONSUME] = "consume",   [TL_ME_SETTLE] = "settle", [TL_ME_BLOCKING] = "blocking",
  [TL_ME_LOCK] = "lock",         [TL_ME_UNLOCK] = "unlock", [TL_ME_FREE] = "free",
  [TL_ME_CREATE] = "create",     [TL_ME_CANCEL] = "cancel", [TL_ME_USE] = "use",
  [TL_ME_EXIT] = "exit",         [TL_ME_REAP] = "reap",
};
#define NEVENTS (sizeof event_names / sizeof event_names[0])

const char *tl_model_event_name(enum tl_model_event ev) {
  if ((unsigned)ev >= NEVENTS) return "?";
  return event_names[ev];
}

int tl_model_fn_blocks(const struct tl_model_fn *fn) {
  if (!fn || fn->synthesized) return 0;
  if (fn->event == TL_ME_BLOCKING) return 1;
  return (fn->event == TL_ME_AWAIT || fn->event == TL_ME_AWAIT_ALL) && !fn->suspends;
}

#define EV(e) (1u << (e))
#define EV_TICKET (EV(TL_ME_START) | EV(TL_ME_AWAIT) | EV(TL_ME_POLL) | EV(TL_ME_READ) | \
                   EV(TL_ME_DETACH) | EV(TL_ME_CONSUME) | EV(TL_ME_SETTLE) | \
                   EV(TL_ME_CREATE) | EV(TL_ME_CANCEL) | EV(TL_ME_USE))

/* The roles that take an argument, the events they apply to. */
static const struct role {
  const char *name;
  size_t offset;                 /* of the struct tl_argref in struct tl_model_fn */
  unsigned events;               /* EV() mask */
} roles[] = {
  { "ticket",     offsetof(struct tl_model_fn, ticket),     EV_TICKET },
  { "tickets",    offsetof(struct tl_model_fn, tickets),    EV(TL_ME_AWAIT_ALL) | EV(TL_ME_POLL) },
  { "count",      offsetof(struct tl_model_fn, count),      EV(TL_ME_AWAIT_ALL) | EV(TL_ME_POLL) },
  { "lend",       offsetof(struct tl_model_fn, lend),       EV(TL_ME_START) | EV(TL_ME_CREATE) },
  { "fill",       offsetof(struct tl_model_fn, fill),       EV(TL_ME_START) | EV(TL_ME_CREATE) },
  { "value",      offsetof(struct tl_model_fn, value),
    EV(TL_ME_AWAIT) | EV(TL_ME_AWAIT_ALL) | EV(TL_ME_POLL) | EV(TL_ME_READ) | EV(TL_ME_SETTLE) },
  { "status",     offsetof(struct tl_model_fn, status),
    EV(TL_ME_START) | EV(TL_ME_AWAIT) | EV(TL_ME_AWAIT_ALL) | EV(TL_ME_POLL) | EV(TL_ME_READ) |
    EV(TL_ME_CONSUME) | EV(TL_ME_SETTLE) | EV(TL_ME_CREATE) | EV(TL_ME_CANCEL) |
    EV(TL_ME_USE) },
  { "flag",       offsetof(struct tl_model_fn, flag),       EV(TL_ME_POLL) },
  { "async-fn",   offsetof(struct tl_model_fn, async_fn),   EV(TL_ME_START) },
  { "offload-fn", offsetof(struct tl_model_fn, offload_fn), EV(TL_ME_START) },
  { "callback",   offsetof(struct tl_model_fn, callback),   EV(TL_ME_START) | EV(TL_ME_CONSUME) },
  { "mutex",      offsetof(struct tl_model_fn, mutex),      EV(TL_ME_LOCK) | EV(TL_ME_UNLOCK) },
  { "buffer",     offsetof(struct tl_model_fn, buffer),     EV(TL_ME_FREE) },
  { "owner",      offsetof(struct tl_model_fn, owner),
    EV(TL_ME_START) | EV(TL_ME_REAP) | EV(TL_ME_USE) },
  { "holder",     offsetof(struct tl_model_fn, holder),     EV(TL_ME_USE) },
};
#define NROLES (sizeof roles / sizeof roles[0])

/* done= and the bare flags are not argument roles. */
#define DONE_EVENTS     EV(TL_ME_POLL)
#define SUSPENDS_EVENTS (EV(TL_ME_AWAIT) | EV(TL_ME_AWAIT_ALL))
#define TIMER_EVENTS    (EV(TL_ME_START) | EV(TL_ME_BLOCKING))
#define CALLBACK_EVENTS (EV(TL_ME_START) | EV(TL_ME_CONSUME))
#define PERSISTENT_EVENTS EV(TL_ME_START)
#define COMPLETES_EVENTS  EV(TL_ME_POLL)
#define SOME_EVENTS       EV(TL_ME_AWAIT_ALL)
#define PARTIAL_ON_ERROR_EVENTS EV(TL_ME_AWAIT_ALL)
#define REFETCH_EVENTS    EV(TL_ME_START)
#define ACCEPTS_SENTINEL_EVENTS (EV(TL_ME_AWAIT) | EV(TL_ME_POLL) | EV(TL_ME_READ))

static struct tl_argref *role_ref(struct tl_model_fn *fn, const struct role *r) {
  return (struct tl_argref *)((char *)fn + r->offset);
}

void tl_model_fn_clear(struct tl_model_fn *fn) {
  *fn = (struct tl_model_fn){.callback_err = -1};
  for (size_t r = 0; r < NROLES; r++) role_ref(fn, &roles[r])->index = TL_ARG_NONE;
}

/* ---- the hash table -------------------------------------------------------------------- */

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* Index of `name` in fns, or -1. */
static int64_t table_find(const struct fn_table *t, struct tl_model_fn *const *fns,
                          const char *name) {
  if (!t->cap) return -1;
  for (uint32_t i = hash_str(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    uint32_t s = t->slots[i];
    if (!s) return -1;
    if (strcmp(fns[s - 1]->name, name) == 0) return s - 1;
  }
}

/* Insert index idx of fns[idx]->name; the name must be absent and the table big enough. */
static void table_insert(struct fn_table *t, struct tl_model_fn *const *fns, uint32_t idx) {
  uint32_t i = hash_str(fns[idx]->name) & (t->cap - 1);
  while (t->slots[i]) i = (i + 1) & (t->cap - 1);
  t->slots[i] = idx + 1;
}

/* A table for `n` entries, empty; fresh->cap is 0 when the current one is big enough. */
static int table_prepare(const struct fn_table *t, uint32_t n, struct fn_table *fresh) {
  fresh->slots = NULL;
  fresh->cap = 0;
  if (t->cap && (uint64_t)n * 2 <= t->cap) return 0;
  uint64_t cap = 64;
  while (cap < (uint64_t)n * 2) cap *= 2;
  if (cap > UINT32_MAX / 2) return TL_ENOMEM;
  fresh->slots = calloc(cap, sizeof *fresh->slots);
  if (!fresh->slots) return TL_ENOMEM;
  fresh->cap = (uint32_t)cap;
  return 0;
}

/* Rebuild `fresh` from fns[0..n) and make it the table. */
static void table_adopt(struct fn_table *t, struct fn_table *fresh, struct tl_model_fn *const *fns,
                        uint32_t n) {
  if (!fresh->cap) return;
  free(t->slots);
  *t = *fresh;
  for (uint32_t i = 0; i < n; i++) table_insert(t, fns, i);
}

/* ---- ticket types ---------------------------------------------------------------------- */

static int is_ident(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c >= 0x80;
}

static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_qualifier(const char *s, size_t n) {
  static const char *const q[] = { "const", "volatile", "restrict", "__restrict",
                                   "__restrict__" };
  for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
    if (strlen(q[i]) == n && memcmp(q[i], s, n) == 0) return 1;
  return 0;
}

/* The next token of a type spelling: an identifier or one other character, skipping
 * whitespace and cv-qualifiers. 0 at the end. */
static int type_next(const char **p, const char **tok, size_t *len) {
  const char *s = *p;
  for (;;) {
    while (is_space((unsigned char)*s)) s++;
    if (!*s) {
      *p = s;
      return 0;
    }
    const char *b = s;
    if (is_ident((unsigned char)*s))
      while (is_ident((unsigned char)*s)) s++;
    else
      s++;
    if (is_ident((unsigned char)*b) && is_qualifier(b, (size_t)(s - b))) continue;
    *tok = b;
    *len = (size_t)(s - b);
    *p = s;
    return 1;
  }
}

/* 1 when both spellings have the same tokens. */
static int type_equal(const char *a, const char *b) {
  const char *ta, *tb;
  size_t la, lb;
  for (;;) {
    int ha = type_next(&a, &ta, &la), hb = type_next(&b, &tb, &lb);
    if (ha != hb) return 0;
    if (!ha) return 1;
    if (la != lb || memcmp(ta, tb, la) != 0) return 0;
  }
}

/* The canonical spelling, as libclang writes it: "tk_promise *", "struct aiocb", "T **". */
static char *type_canon(tl_arena *arena, const char *spelling) {
  char *out = tl_arena_alloc(arena, strlen(spelling) * 2 + 1);
  if (!out) return NULL;
  size_t o = 0, len;
  const char *p = spelling, *tok;
  int prev_ident = 0;
  while (type_next(&p, &tok, &len)) {
    int ident = is_ident((unsigned char)*tok);
    if (o && (ident || prev_ident)) out[o++] = ' ';
    memcpy(out + o, tok, len);
    o += len;
    prev_ident = ident;
  }
  out[o] = '\0';
  return out;
}

/* ---- the set --------------------------------------------------------------------------- */

int tl_models_new(tl_models **out) {
  tl_models *self = calloc(1, sizeof *self);
  if (!self) return TL_ENOMEM;
  *out = self;
  return 0;
}

void tl_models_free(tl_models *self) {
  if (!self) return;
  for (uint32_t i = 0; i < self->arenas.size; i++) tl_arena_free(self->arenas.data[i]);
  tl_array_free(&self->arenas);
  tl_array_free(&self->fns);
  free(self->table.slots);
  tl_array_free(&self->types);
  tl_array_free(&self->markers);
  tl_array_free(&self->sentinels);
  tl_array_free(&self->counters);
  tl_array_free(&self->headers);
  tl_array_free(&self->names);
  free(self);
}

const struct tl_model_fn *tl_models_find(const tl_models *self, const char *fn_name) {
  if (!self || !fn_name) return NULL;
  int64_t i = table_find(&self->table, self->fns.data, fn_name);
  return i < 0 ? NULL : self->fns.data[i];
}

int tl_models_is_ticket_type(const tl_models *self, const char *type_spelling) {
  if (!self || !type_spelling) return 0;
  for (uint32_t i = 0; i < self->types.size; i++)
    if (type_equal(self->types.data[i], type_spelling)) return 1;
  return 0;
}

int tl_models_is_async_marker(const tl_models *self, const char *name) {
  if (!self || !name) return 0;
  for (uint32_t i = 0; i < self->markers.size; i++)
    if (strcmp(self->markers.data[i], name) == 0) return 1;
  return 0;
}

int tl_models_is_sentinel(const tl_models *self, const char *name) {
  if (!self || !name) return 0;
  for (uint32_t i = 0; i < self->sentinels.size; i++)
    if (strcmp(self->sentinels.data[i], name) == 0) return 1;
  return 0;
}

int tl_models_is_failure_counter(const tl_models *self, const char *name) {
  if (!self || !name) return 0;
  for (uint32_t i = 0; i < self->counters.size; i++)
    if (strcmp(self->counters.data[i], name) == 0) return 1;
  return 0;
}

size_t tl_models_count(const tl_models *self) { return self ? self->fns.size : 0; }

const struct tl_model_fn *tl_models_at(const tl_models *self, size_t i) {
  if (!self || i >= self->fns.size) return NULL;
  return self->fns.data[i];
}

/* 1 when `header` (as written: "sys/wait.h") names include path p of length n. */
static int header_matches(const char *header, const char *p, size_t n) {
  size_t l = strlen(header);
  if (l > n || strcmp(p + n - l, header) != 0) return 0;
  return l == n || p[n - l - 1] == '/';
}

const char *tl_models_header_model(const tl_models *self, const char *include_path) {
  if (!self || !include_path) return NULL;
  size_t n = strlen(include_path);
  for (uint32_t i = self->headers.size; i-- > 0;)
    if (header_matches(self->headers.data[i].path, include_path, n))
      return self->headers.data[i].model;
  return NULL;
}

/* ---- a batch being loaded -------------------------------------------------------------- */

struct stage {
  tl_arena *arena;              /* functions and strings; adopted by the set on commit */
  fn_array fns;                 /* unique names; a later file of the batch replaces */
  TL_ARRAY(uint32_t) fn_file;   /* the batch's file number of fns[i] */
  struct fn_table table;
  str_array types, markers, sentinels, counters;
  header_array headers;
  uint32_t nfiles;
};

/* The state of one file being checked. */
struct mfile {
  struct stage *st;
  const char *name;             /* in the stage's arena */
  struct tl_srcerr *err;
  const char *model;            /* NULL until the `model` directive */
  uint32_t file_no;
};

static void stage_free(struct stage *st) {
  tl_arena_free(st->arena);
  tl_array_free(&st->fns);
  tl_array_free(&st->fn_file);
  free(st->table.slots);
  tl_array_free(&st->types);
  tl_array_free(&st->markers);
  tl_array_free(&st->sentinels);
  tl_array_free(&st->counters);
  tl_array_free(&st->headers);
}

static int merr(struct mfile *f, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int merr(struct mfile *f, uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  tl_srcerr_vset(f->err, f->name, (int)line, (int)col, fmt, ap);
  va_end(ap);
  return TL_EMODEL;
}

static int nomem(struct mfile *f) {
  tl_srcerr_set(f->err, f->name, 0, 0, "out of memory");
  return TL_ENOMEM;
}

/* A token as written, quoted for a message: word, "string", key=value. */
static const char *tok_text(char *buf, size_t n, const struct tl_token *t) {
  char v[64];
  tl_srcerr_quote(v, sizeof v, t->value);
  if (t->key) {
    char k[64];
    tl_srcerr_quote(k, sizeof k, t->key);
    snprintf(buf, n, t->quoted ? "%s=\"%s\"" : "%s=%s", k, v);
  } else {
    snprintf(buf, n, t->quoted ? "\"%s\"" : "%s", v);
  }
  return buf;
}

static int is_c_ident(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9')) return 0;
  for (; *s; s++)
    if (!is_ident((unsigned char)*s) || (unsigned char)*s >= 0x80) return 0;
  return 1;
}

/* A bare word or a string, not key=value. */
static int want_word(struct mfile *f, const struct tl_token *t, const char *what) {
  char b[160];
  if (t->key) return merr(f, t->line, t->col, "expected %s, found '%s'", what,
                          tok_text(b, sizeof b, t));
  return 0;
}

static int str_push(struct mfile *f, str_array *a, const char *s) {
  char *c = tl_arena_strdup(f->st->arena, s);
  if (!c || tl_array_push(a, (const char *)c) < 0) return nomem(f);
  return 0;
}

static int do_model(struct mfile *f, const struct tl_line *ln) {
  const struct tl_token *t = ln->tokens;
  char b[160];
  if (f->model)
    return merr(f, t->line, t->col, "duplicate 'model' directive (the model is '%s')",
                f->model);
  if (ln->ntokens < 2) return merr(f, t->line, t->col, "'model' needs a name");
  if (ln->ntokens > 2)
    return merr(f, t[2].line, t[2].col, "unexpected '%s' after the model name",
                tok_text(b, sizeof b, &t[2]));
  int rc = want_word(f, &t[1], "a model name");
  if (rc < 0) return rc;
  for (const char *s = t[1].value; *s; s++)
    if (!is_ident((unsigned char)*s) && *s != '-' && *s != '.') goto bad;
  if (!t[1].value[0] || (unsigned char)t[1].value[0] >= 0x80) goto bad;
  f->model = tl_arena_strdup(f->st->arena, t[1].value);
  return f->model ? 0 : nomem(f);
bad:
  return merr(f, t[1].line, t[1].col,
              "invalid model name '%s' (letters, digits, '_', '-', '.')",
              tok_text(b, sizeof b, &t[1]));
}

static int do_header(struct mfile *f, const struct tl_line *ln) {
  const struct tl_token *t = ln->tokens;
  char b[160];
  if (ln->ntokens < 2) return merr(f, t->line, t->col, "'header' needs a header name");
  for (uint32_t i = 1; i < ln->ntokens; i++) {
    int rc = want_word(f, &t[i], "a header name");
    if (rc < 0) return rc;
    const char *v = t[i].value;
    size_t l = strlen(v);
    if (!l || v[0] == '/' || v[l - 1] == '/' || strchr(v, '<') || strchr(v, '>'))
      return merr(f, t[i].line, t[i].col,
                  "invalid header '%s' (write a name such as 'ticket.h' or 'sys/wait.h')",
                  tok_text(b, sizeof b, &t[i]));
    struct header_entry h = { tl_arena_strdup(f->st->arena, v), f->model };
    if (!h.path || tl_array_push(&f->st->headers, h) < 0) return nomem(f);
  }
  return 0;
}

static int do_type(struct mfile *f, const struct tl_line *ln) {
  const struct tl_token *t = ln->tokens;
  char b[160];
  if (ln->ntokens < 2) return merr(f, t->line, t->col, "'type' needs a type spelling");
  size_t total = 0;
  for (uint32_t i = 1; i < ln->ntokens; i++) {
    int rc = want_word(f, &t[i], "a type spelling");
    if (rc < 0) return rc;
    for (const char *s = t[i].value; *s; s++)
      if (!is_ident((unsigned char)*s) && *s != '*' && !is_space((unsigned char)*s))
        return merr(f, t[i].line, t[i].col,
                    "invalid character '%c' in type '%s' (identifiers and '*' only)", *s,
                    tok_text(b, sizeof b, &t[i]));
    total += strlen(t[i].value) + 1;
  }
  char *joined = tl_arena_alloc(f->st->arena, total);
  if (!joined) return nomem(f);
  for (uint32_t i = 1; i < ln->ntokens; i++) {
    if (i > 1) strcat(joined, " ");
    strcat(joined, t[i].value);
  }
  char *canon = type_canon(f->st->arena, joined);
  if (!canon) return nomem(f);
  if (!canon[0] || canon[0] == '*')
    return merr(f, t[1].line, t[1].col, "type '%s' names no type",
                tl_srcerr_quote(b, sizeof b, joined));
  if (tl_array_push(&f->st->types, (const char *)canon) < 0) return nomem(f);
  return 0;
}

/* `async-marker NAME...` and `sentinel NAME...`: identifiers into `into`. */
static int do_names(struct mfile *f, const struct tl_line *ln, const char *directive,
                    const char *what, str_array *into) {
  const struct tl_token *t = ln->tokens;
  char b[160];
  char a[64];
  snprintf(a, sizeof a, "a %s", what);
  if (ln->ntokens < 2) return merr(f, t->line, t->col, "'%s' needs %s", directive, a);
  for (uint32_t i = 1; i < ln->ntokens; i++) {
    int rc = want_word(f, &t[i], a);
    if (rc < 0) return rc;
    if (!is_c_ident(t[i].value))
      return merr(f, t[i].line, t[i].col, "invalid %s '%s'", what,
                  tok_text(b, sizeof b, &t[i]));
    rc = str_push(f, into, t[i].value);
    if (rc < 0) return rc;
  }
  return 0;
}

static int do_marker(struct mfile *f, const struct tl_line *ln) {
  return do_names(f, ln, "async-marker", "macro name", &f->st->markers);
}

static int do_sentinel(struct mfile *f, const struct tl_line *ln) {
  return do_names(f, ln, "sentinel", "constant name", &f->st->sentinels);
}

static int do_failure_counter(struct mfile *f, const struct tl_line *ln) {
  return do_names(f, ln, "failure-counter", "variable name", &f->st->counters);
}

/* N, *N or ret into *ref; 0 or an error at the value. */
static int parse_argref(struct mfile *f, const struct tl_token *t, struct tl_argref *ref) {
  const char *v = t->value;
  char b[160];
  if (strcmp(v, "ret") == 0) {
    ref->index = TL_ARG_RET;
    ref->deref = 0;
    return 0;
  }
  ref->deref = 0;
  if (*v == '*') ref->deref = 1, v++;
  if (*v < '0' || *v > '9') {
    if (ref->deref && strcmp(v, "ret") == 0)
      return merr(f, t->line, t->value_col, "'%s=' cannot be '*ret' (expected N, *N or ret)",
                  t->key);
    return merr(f, t->line, t->value_col, "invalid argument '%s' for '%s=' (expected N, *N "
                "or ret)", tl_srcerr_quote(b, sizeof b, t->value), t->key);
  }
  long n = 0;
  for (; *v >= '0' && *v <= '9'; v++)
    if (n <= TL_MODEL_MAX_ARG) n = n * 10 + (*v - '0');
  if (*v)
    return merr(f, t->line, t->value_col, "invalid argument '%s' for '%s=' (expected N, *N "
                "or ret)", tl_srcerr_quote(b, sizeof b, t->value), t->key);
  if (n > TL_MODEL_MAX_ARG)
    return merr(f, t->line, t->value_col, "argument index '%s' out of range 0..%d",
                tl_srcerr_quote(b, sizeof b, t->value), TL_MODEL_MAX_ARG);
  ref->index = (int)n;
  return 0;
}

/* A done= constant: an identifier or an integer (maybe negative). */
static int is_constant(const char *s) {
  if (is_c_ident(s)) return 1;
  if (*s == '-') s++;
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static int parse_done(struct mfile *f, const struct tl_token *t, struct tl_model_fn *fn) {
  const char *v = t->value;
  char b[160];
  if (strcmp(v, "nonzero") == 0) fn->done = TL_DONE_NONZERO;
  else if (strcmp(v, "zero") == 0) fn->done = TL_DONE_ZERO;
  else if (strncmp(v, "eq:", 3) == 0 || strncmp(v, "ne:", 3) == 0) {
    if (!is_constant(v + 3))
      return merr(f, t->line, t->value_col + 3,
                  "invalid constant '%s' in done= (an identifier or an integer)",
                  tl_srcerr_quote(b, sizeof b, v + 3));
    fn->done = v[0] == 'e' ? TL_DONE_EQ : TL_DONE_NE;
    fn->done_constant = tl_arena_strdup(f->st->arena, v + 3);
    if (!fn->done_constant) return nomem(f);
  } else {
    return merr(f, t->line, t->value_col,
                "invalid done= '%s' (expected nonzero, zero, eq:CONST or ne:CONST)",
                tl_srcerr_quote(b, sizeof b, v));
  }
  return 0;
}

static const struct role *role_find(const char *name) {
  for (size_t i = 0; i < NROLES; i++)
    if (strcmp(roles[i].name, name) == 0) return &roles[i];
  return NULL;
}

static int do_fn(struct mfile *f, const struct tl_line *ln) {
  const struct tl_token *t = ln->tokens;
  struct stage *st = f->st;
  char b[160];
  if (ln->ntokens < 3)
    return merr(f, t->line, t->col, "'fn' needs a function name and an event");
  int rc = want_word(f, &t[1], "a function name");
  if (rc < 0) return rc;
  if (!is_c_ident(t[1].value))
    return merr(f, t[1].line, t[1].col, "invalid function name '%s'",
                tok_text(b, sizeof b, &t[1]));
  rc = want_word(f, &t[2], "an event");
  if (rc < 0) return rc;
  size_t ev = 0;
  while (ev < NEVENTS && strcmp(event_names[ev], t[2].value) != 0) ev++;
  if (ev == NEVENTS)
    return merr(f, t[2].line, t[2].col,
                "unknown event '%s' (expected start, await, await-all, poll, read, detach, "
                "consume, settle, blocking, lock, unlock, free, create, cancel, use, exit or reap)",
                tok_text(b, sizeof b, &t[2]));

  struct tl_model_fn *fn = tl_arena_alloc(st->arena, sizeof *fn);
  if (!fn) return nomem(f);
  tl_model_fn_clear(fn);
  fn->name = tl_arena_strdup(st->arena, t[1].value);
  if (!fn->name) return nomem(f);
  fn->event = (enum tl_model_event)ev;
  fn->model = f->model;
  fn->file = f->name;
  fn->line = (int)ln->line;

  unsigned seen_flags = 0;   /* 1 suspends, 2 timer, 4 done, 8 callback-err, 16 persistent,
                                32 completes, 256 some, 512 refetch, 1024 accepts-sentinel,
                                2048 partial-on-error */
  for (uint32_t i = 3; i < ln->ntokens; i++) {
    const struct tl_token *r = &t[i];
    if (!r->key && !r->quoted && (strcmp(r->value, "runs-loop") == 0 ||
                                  strcmp(r->value, "blocks-without-callback") == 0)) {
      int loop = r->value[0] == 'r';
      unsigned bit = loop ? 64 : 128, allowed = EV(loop ? TL_ME_BLOCKING : TL_ME_START);
      if (seen_flags & bit) return merr(f, r->line, r->col, "duplicate flag '%s'", r->value);
      if (!(allowed & EV(ev)))
        return merr(f, r->line, r->col, "flag '%s' does not apply to a '%s' function",
                    r->value, event_names[ev]);
      seen_flags |= bit;
      if (loop) fn->runs_loop = 1;
      else fn->sync_without_cb = 1;
      continue;
    }
    if (!r->key) {
      unsigned bit = 0, allowed = 0;
      if (!r->quoted && strcmp(r->value, "suspends") == 0) bit = 1, allowed = SUSPENDS_EVENTS;
      else if (!r->quoted && strcmp(r->value, "timer") == 0) bit = 2, allowed = TIMER_EVENTS;
      else if (!r->quoted && strcmp(r->value, "persistent") == 0)
        bit = 16, allowed = PERSISTENT_EVENTS;
      else if (!r->quoted && strcmp(r->value, "completes") == 0)
        bit = 32, allowed = COMPLETES_EVENTS;
      else if (!r->quoted && strcmp(r->value, "some") == 0)
        bit = 256, allowed = SOME_EVENTS;
      else if (!r->quoted && strcmp(r->value, "refetch") == 0)
        bit = 512, allowed = REFETCH_EVENTS;
      else if (!r->quoted && strcmp(r->value, "accepts-sentinel") == 0)
        bit = 1024, allowed = ACCEPTS_SENTINEL_EVENTS;
      else if (!r->quoted && strcmp(r->value, "partial-on-error") == 0)
        bit = 2048, allowed = PARTIAL_ON_ERROR_EVENTS;
      else if (!r->quoted && (role_find(r->value) || strcmp(r->value, "done") == 0))
        return merr(f, r->line, r->col, "role '%s' needs a value, as in %s=%s", r->value,
                    r->value, strcmp(r->value, "done") == 0 ? "nonzero" : "0");
      else
        return merr(f, r->line, r->col,
                    "unknown flag '%s' (expected a role such as ticket=0, or suspends, timer, "
                    "persistent, completes, some, refetch, accepts-sentinel, partial-on-error)",
                    tok_text(b, sizeof b, r));
      if (seen_flags & bit) return merr(f, r->line, r->col, "duplicate flag '%s'", r->value);
      if (!(allowed & EV(ev)))
        return merr(f, r->line, r->col, "flag '%s' does not apply to a '%s' function",
                    r->value, event_names[ev]);
      seen_flags |= bit;
      if (bit == 1) fn->suspends = 1;
      else if (bit == 2) fn->timer = 1;
      else if (bit == 16) fn->persistent = 1;
      else if (bit == 32) fn->completes = 1;
      else if (bit == 512) fn->refetch = 1;
      else if (bit == 1024) fn->accepts_sentinel = 1;
      else if (bit == 2048) fn->partial_on_error = 1;
      else fn->some = 1;
      continue;
    }
    if (strcmp(r->key, "suspends") == 0 || strcmp(r->key, "timer") == 0 ||
        strcmp(r->key, "persistent") == 0 || strcmp(r->key, "completes") == 0 ||
        strcmp(r->key, "some") == 0 || strcmp(r->key, "refetch") == 0 ||
        strcmp(r->key, "accepts-sentinel") == 0 || strcmp(r->key, "partial-on-error") == 0)
      return merr(f, r->line, r->col, "flag '%s' takes no value", r->key);
    if (strcmp(r->key, "done") == 0) {
      if (seen_flags & 4) return merr(f, r->line, r->col, "duplicate role 'done='");
      if (!(DONE_EVENTS & EV(ev)))
        return merr(f, r->line, r->col, "role 'done=' does not apply to a '%s' function",
                    event_names[ev]);
      seen_flags |= 4;
      rc = parse_done(f, r, fn);
      if (rc < 0) return rc;
      continue;
    }
    if (strcmp(r->key, "callback-err") == 0) {
      if (seen_flags & 8) return merr(f, r->line, r->col, "duplicate role 'callback-err='");
      if (!(CALLBACK_EVENTS & EV(ev)))
        return merr(f, r->line, r->col, "role 'callback-err=' does not apply to a '%s' "
                    "function", event_names[ev]);
      seen_flags |= 8;
      struct tl_argref p;
      rc = parse_argref(f, r, &p);
      if (rc < 0) return rc;
      if (p.index < 0 || p.deref)
        return merr(f, r->line, r->value_col, "invalid parameter '%s' for 'callback-err=' "
                    "(expected N)", tl_srcerr_quote(b, sizeof b, r->value));
      fn->callback_err = p.index;
      continue;
    }
    const struct role *role = role_find(r->key);
    if (!role)
      return merr(f, r->line, r->col,
                  "unknown role '%s=' (expected ticket=, tickets=, count=, lend=, fill=, "
                  "value=, status=, flag=, async-fn=, offload-fn=, callback=, callback-err=, "
                  "mutex=, buffer=, owner=, holder=, done=)",
                  tl_srcerr_quote(b, sizeof b, r->key));
    if (!(role->events & EV(ev)))
      return merr(f, r->line, r->col, "role '%s=' does not apply to a '%s' function",
                  role->name, event_names[ev]);
    struct tl_argref *ref = role_ref(fn, role);
    if (ref->index != TL_ARG_NONE)
      return merr(f, r->line, r->col, "duplicate role '%s='", role->name);
    rc = parse_argref(f, r, ref);
    if (rc < 0) return rc;
  }

  /* Required roles, reported at the event. */
  const char *missing = NULL;
  switch (fn->event) {
  case TL_ME_AWAIT_ALL:
    if (fn->tickets.index == TL_ARG_NONE) missing = "tickets=";
    else if (fn->count.index == TL_ARG_NONE) missing = "count=";
    break;
  case TL_ME_POLL:
    if (fn->ticket.index == TL_ARG_NONE && fn->tickets.index == TL_ARG_NONE)
      missing = "ticket= (or tickets= and count=)";
    else if (fn->ticket.index != TL_ARG_NONE && fn->tickets.index != TL_ARG_NONE)
      return merr(f, t[2].line, t[2].col, "a 'poll' function takes ticket= or tickets=, "
                  "not both");
    else if (fn->tickets.index != TL_ARG_NONE && fn->count.index == TL_ARG_NONE)
      missing = "count=";
    else if (fn->ticket.index != TL_ARG_NONE && fn->count.index != TL_ARG_NONE)
      return merr(f, t[2].line, t[2].col, "role 'count=' needs tickets=, not ticket=");
    else if (fn->flag.index == TL_ARG_NONE) missing = "flag=";
    else if (fn->done == TL_DONE_NONE) missing = "done=";
    break;
  case TL_ME_START:
    /* A start whose ticket exists only as its callback's argument (GIO's *_async: the
     * GAsyncResult) names a callback= and no ticket=. */
    if (fn->ticket.index == TL_ARG_NONE && fn->callback.index == TL_ARG_NONE)
      missing = "ticket= (or callback=, when the ticket only reaches the callback)";
    break;
  case TL_ME_BLOCKING: case TL_ME_LOCK: case TL_ME_UNLOCK: case TL_ME_EXIT:
    break;
  case TL_ME_FREE:
    if (fn->buffer.index == TL_ARG_NONE) missing = "buffer=";
    break;
  case TL_ME_REAP:
    if (fn->owner.index == TL_ARG_NONE) missing = "owner=";
    break;
  case TL_ME_USE:
    /* A use of an owner (the ring) without meeting its tickets names owner= only. */
    if (fn->ticket.index == TL_ARG_NONE && fn->owner.index == TL_ARG_NONE)
      missing = "ticket= (or owner=, when it works with the tickets' owner)";
    break;
  default:
    if (fn->ticket.index == TL_ARG_NONE) missing = "ticket=";
    break;
  }
  if (!missing && fn->callback_err >= 0 && fn->callback.index == TL_ARG_NONE)
    missing = "callback= (with callback-err=)";
  if (!missing && fn->refetch && fn->owner.index == TL_ARG_NONE)
    missing = "owner= (with refetch)";
  if (!missing && fn->sync_without_cb && fn->callback.index == TL_ARG_NONE)
    missing = "callback= (with blocks-without-callback)";
  if (missing)
    return merr(f, t[2].line, t[2].col, "'%s' function '%s' needs role %s", event_names[ev],
                fn->name, missing);

  /* Unique in this file; a function of an earlier file of the batch is replaced. */
  int64_t prev = table_find(&st->table, st->fns.data, fn->name);
  if (prev >= 0 && st->fn_file.data[prev] == f->file_no)
    return merr(f, t[1].line, t[1].col, "duplicate function '%s' (first at line %d)",
                fn->name, st->fns.data[prev]->line);
  if (prev >= 0) {
    st->fns.data[prev] = fn;
    st->fn_file.data[prev] = f->file_no;
    return 0;
  }
  struct fn_table fresh;
  if (table_prepare(&st->table, st->fns.size + 1, &fresh) < 0 ||
      tl_array_reserve(&st->fns, st->fns.size + 1) < 0 ||
      tl_array_reserve(&st->fn_file, st->fns.size + 1) < 0) {
    free(fresh.slots);
    return nomem(f);
  }
  table_adopt(&st->table, &fresh, st->fns.data, st->fns.size);
  st->fns.data[st->fns.size] = fn;
  st->fn_file.data[st->fn_file.size++] = f->file_no;
  table_insert(&st->table, st->fns.data, st->fns.size++);
  return 0;
}

/* Check one file's text into the stage. */
static int stage_buffer(struct stage *st, const char *name, const char *buf, size_t len,
                        struct tl_srcerr *err) {
  struct mfile f = { .st = st, .err = err, .file_no = st->nfiles++ };
  f.name = tl_arena_strdup(st->arena, name ? name : "<input>");
  if (!f.name) {
    tl_srcerr_set(err, name, 0, 0, "out of memory");
    return TL_ENOMEM;
  }
  tl_arena *scratch = tl_arena_new();
  if (!scratch) return nomem(&f);
  struct tl_lines lines;
  int rc = tl_lines_parse(scratch, f.name, buf, len, &lines, err);
  if (rc == TL_ESYNTAX) rc = TL_EMODEL;
  if (rc < 0) goto fail;

  static const struct {
    const char *name;
    int (*fn)(struct mfile *, const struct tl_line *);
  } directives[] = {
    { "model", do_model }, { "header", do_header }, { "type", do_type },
    { "async-marker", do_marker }, { "sentinel", do_sentinel }, { "fn", do_fn },
    { "failure-counter", do_failure_counter },
  };
  for (uint32_t i = 0; i < lines.nlines; i++) {
    const struct tl_line *ln = &lines.lines[i];
    const struct tl_token *t = &ln->tokens[0];
    char b[160];
    size_t d = 0;
    if (t->key || t->quoted) {
      rc = merr(&f, t->line, t->col, "expected a directive, found '%s'",
                tok_text(b, sizeof b, t));
      goto fail;
    }
    while (d < sizeof directives / sizeof directives[0] &&
           strcmp(directives[d].name, t->value) != 0)
      d++;
    if (d == sizeof directives / sizeof directives[0]) {
      rc = merr(&f, t->line, t->col, "unknown directive '%s' (expected model, header, type, "
                "async-marker, sentinel, failure-counter or fn)", tok_text(b, sizeof b, t));
      goto fail;
    }
    if (!f.model && directives[d].fn != do_model) {
      rc = merr(&f, t->line, t->col, "expected 'model <name>' before '%s'", t->value);
      goto fail;
    }
    rc = directives[d].fn(&f, ln);
    if (rc < 0) goto fail;
  }
  if (!f.model) {
    rc = merr(&f, 1, 1, "missing 'model <name>' directive");
    goto fail;
  }
  tl_arena_free(scratch);
  return 0;

fail:
  tl_arena_free(scratch);
  return rc;
}

static int str_has(const str_array *a, const char *s, int (*eq)(const char *, const char *)) {
  for (uint32_t i = 0; i < a->size; i++)
    if (eq(a->data[i], s)) return 1;
  return 0;
}

static int str_eq(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* Merge the stage into the set. Everything that can fail happens before the first change. */
static int stage_commit(tl_models *self, struct stage *st, struct tl_srcerr *err) {
  uint32_t need = self->fns.size + st->fns.size;
  struct fn_table fresh = {0};
  if (need < self->fns.size ||
      tl_array_reserve(&self->fns, need) < 0 ||
      tl_array_reserve(&self->types, self->types.size + st->types.size) < 0 ||
      tl_array_reserve(&self->markers, self->markers.size + st->markers.size) < 0 ||
      tl_array_reserve(&self->sentinels, self->sentinels.size + st->sentinels.size) < 0 ||
      tl_array_reserve(&self->counters, self->counters.size + st->counters.size) < 0 ||
      tl_array_reserve(&self->headers, self->headers.size + st->headers.size) < 0 ||
      tl_array_reserve(&self->arenas, self->arenas.size + 1) < 0 ||
      table_prepare(&self->table, need, &fresh) < 0) {
    tl_srcerr_set(err, "<models>", 0, 0, "out of memory");
    return TL_ENOMEM;
  }
  /* No failure from here on. */
  table_adopt(&self->table, &fresh, self->fns.data, self->fns.size);
  for (uint32_t i = 0; i < st->fns.size; i++) {
    struct tl_model_fn *fn = st->fns.data[i];
    int64_t at = table_find(&self->table, self->fns.data, fn->name);
    if (at >= 0) {
      self->fns.data[at] = fn;
      continue;
    }
    self->fns.data[self->fns.size] = fn;
    table_insert(&self->table, self->fns.data, self->fns.size++);
  }
  for (uint32_t i = 0; i < st->types.size; i++)
    if (!str_has(&self->types, st->types.data[i], type_equal))
      self->types.data[self->types.size++] = st->types.data[i];
  for (uint32_t i = 0; i < st->markers.size; i++)
    if (!str_has(&self->markers, st->markers.data[i], str_eq))
      self->markers.data[self->markers.size++] = st->markers.data[i];
  for (uint32_t i = 0; i < st->sentinels.size; i++)
    if (!str_has(&self->sentinels, st->sentinels.data[i], str_eq))
      self->sentinels.data[self->sentinels.size++] = st->sentinels.data[i];
  for (uint32_t i = 0; i < st->counters.size; i++)
    if (!str_has(&self->counters, st->counters.data[i], str_eq))
      self->counters.data[self->counters.size++] = st->counters.data[i];
  /* One entry per (header, model): a header two models name selects both; the look-up by
   * header alone (tl_models_header_model) reads from the end, so the latest load wins. */
  for (uint32_t i = 0; i < st->headers.size; i++) {
    uint32_t j = 0;
    while (j < self->headers.size &&
           (strcmp(self->headers.data[j].path, st->headers.data[i].path) != 0 ||
            strcmp(self->headers.data[j].model, st->headers.data[i].model) != 0))
      j++;
    if (j == self->headers.size) self->headers.data[self->headers.size++] = st->headers.data[i];
  }
  self->arenas.data[self->arenas.size++] = st->arena;
  st->arena = NULL;
  /* model names, for selection (a failure here only leaves a model unnumbered: always on) */
  for (uint32_t i = 0; i < st->fns.size; i++)
    if (self->names.size < TL_MODELS_MAX && !str_has(&self->names, st->fns.data[i]->model, str_eq))
      (void)tl_array_push(&self->names, st->fns.data[i]->model);
  for (uint32_t i = 0; i < st->headers.size; i++)
    if (self->names.size < TL_MODELS_MAX &&
        !str_has(&self->names, st->headers.data[i].model, str_eq))
      (void)tl_array_push(&self->names, st->headers.data[i].model);
  return 0;
}

static int stage_init(struct stage *st, struct tl_srcerr *err) {
  memset(st, 0, sizeof *st);
  st->arena = tl_arena_new();
  if (!st->arena) {
    tl_srcerr_set(err, "<models>", 0, 0, "out of memory");
    return TL_ENOMEM;
  }
  return 0;
}

int tl_models_load_buffer(tl_models *self, const char *name, const char *buf, size_t len,
                          struct tl_srcerr *err) {
  if (!self) return TL_EINVAL;
  struct stage st;
  int rc = stage_init(&st, err);
  if (rc < 0) return rc;
  rc = stage_buffer(&st, name, buf, len, err);
  if (rc == 0) rc = stage_commit(self, &st, err);
  stage_free(&st);
  return rc;
}

/* Read a whole model file into a malloc'd buffer; files of TL_MODEL_MAX_BYTES or more are
 * refused. */
static int read_file(const char *path, char **out, size_t *len, struct tl_srcerr *err) {
  int rc = tl_file_read(path, TL_MODEL_MAX_BYTES - 1, out, len);
  if (rc == TL_ELIMIT) {
    tl_srcerr_set(err, path, 0, 0, "model file larger than %u bytes", TL_MODEL_MAX_BYTES);
    return TL_EIO;
  }
  if (rc == TL_ENOMEM) tl_srcerr_set(err, path, 0, 0, "out of memory");
  else if (rc < 0) tl_srcerr_set(err, path, 0, 0, "cannot read model file: %s", strerror(errno));
  return rc;
}

static int stage_file(struct stage *st, const char *path, struct tl_srcerr *err) {
  char *buf;
  size_t len;
  int rc = read_file(path, &buf, &len, err);
  if (rc < 0) return rc;
  rc = stage_buffer(st, path, buf, len, err);
  free(buf);
  return rc;
}

int tl_models_load_file(tl_models *self, const char *path, struct tl_srcerr *err) {
  if (!self || !path) return TL_EINVAL;
  struct stage st;
  int rc = stage_init(&st, err);
  if (rc < 0) return rc;
  rc = stage_file(&st, path, err);
  if (rc == 0) rc = stage_commit(self, &st, err);
  stage_free(&st);
  return rc;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int tl_models_load_dir(tl_models *self, const char *dir, struct tl_srcerr *err) {
  if (!self || !dir) return TL_EINVAL;
  TL_ARRAY(char *) names = {0};
  struct stage st;
  int rc = stage_init(&st, err);
  if (rc < 0) return rc;
  DIR *d = opendir(dir);
  if (!d) {
    tl_srcerr_set(err, dir, 0, 0, "cannot open model directory: %s", strerror(errno));
    rc = TL_EIO;
    goto fail;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || l <= 6 || strcmp(de->d_name + l - 6, ".model") != 0) continue;
    char *path = malloc(strlen(dir) + l + 2);
    if (!path || tl_array_push(&names, path) < 0) {
      free(path);
      closedir(d);
      tl_srcerr_set(err, dir, 0, 0, "out of memory");
      rc = TL_ENOMEM;
      goto fail;
    }
    sprintf(path, "%s/%s", dir, de->d_name);
  }
  closedir(d);
  if (names.size) qsort(names.data, names.size, sizeof *names.data, cmp_names);
  for (uint32_t i = 0; i < names.size; i++) {
    rc = stage_file(&st, names.data[i], err);
    if (rc < 0) goto fail;
  }
  rc = stage_commit(self, &st, err);

fail:
  for (uint32_t i = 0; i < names.size; i++) free(names.data[i]);
  tl_array_free(&names);
  stage_free(&st);
  return rc;
}

/* ---- annotations ------------------------------------------------------------------------- */

static const char *dup_or_null(tl_arena *a, const char *s, int *oom) {
  if (!s) return NULL;
  const char *d = tl_arena_strdup(a, s);
  if (!d) *oom = 1;
  return d;
}

int tl_model_fn_parse(const char *name, const char *spec, const char *model,
                      const char *where, int line, tl_arena *arena,
                      const struct tl_model_fn **out, struct tl_srcerr *err) {
  tl_models *tmp = NULL;
  char *text = NULL;
  int rc = TL_ENOMEM;
  size_t len = strlen(name) + strlen(spec) + 32;
  if (!(text = malloc(len)) || tl_models_new(&tmp) < 0) goto fail;
  snprintf(text, len, "model annotations\nfn %s %s\n", name, spec);
  if ((rc = tl_models_load_buffer(tmp, "annotation", text, strlen(text), err)) < 0) goto fail;
  rc = TL_ENOMEM;
  const struct tl_model_fn *m = tl_models_find(tmp, name);
  struct tl_model_fn *copy = tl_arena_alloc(arena, sizeof *copy);
  if (!m || !copy) goto fail;
  int oom = 0;
  *copy = *m;
  copy->name = dup_or_null(arena, m->name, &oom);
  copy->model = dup_or_null(arena, model, &oom);
  copy->file = dup_or_null(arena, where, &oom);
  copy->done_constant = dup_or_null(arena, m->done_constant, &oom);
  copy->line = line;
  copy->annotated = 1;
  if (oom) goto fail;
  *out = copy;
  rc = 0;
fail:
  free(text);
  tl_models_free(tmp);
  return rc;
}

/* ---- selection by header ----------------------------------------------------------------- */

size_t tl_models_nmodels(const tl_models *self) { return self ? self->names.size : 0; }

const char *tl_models_model_name(const tl_models *self, size_t i) {
  return self && i < self->names.size ? self->names.data[i] : NULL;
}

int tl_models_model_index(const tl_models *self, const char *name) {
  for (uint32_t i = 0; self && name && i < self->names.size; i++)
    if (strcmp(self->names.data[i], name) == 0) return (int)i;
  return -1;
}

void tl_models_set_default(const tl_models *self, struct tl_model_set *out) {
  memset(out, 0, sizeof *out);
  for (uint32_t i = 0; self && i < self->names.size; i++) {
    int has_header = 0;
    for (uint32_t h = 0; h < self->headers.size && !has_header; h++)
      has_header = strcmp(self->headers.data[h].model, self->names.data[i]) == 0;
    out->on[i] = !has_header;
  }
}

void tl_models_set_include(const tl_models *self, struct tl_model_set *set, const char *path) {
  size_t n = path ? strlen(path) : 0;
  for (uint32_t h = 0; self && path && h < self->headers.size; h++) {
    if (!header_matches(self->headers.data[h].path, path, n)) continue;
    int i = tl_models_model_index(self, self->headers.data[h].model);
    if (i >= 0) set->on[i] = 1;
  }
}

int tl_models_set_force(const tl_models *self, struct tl_model_set *set,
                        const struct tl_model_force *force, size_t n) {
  int rc = 0;
  for (size_t k = 0; k < n; k++) {
    int i = tl_models_model_index(self, force[k].name);
    if (i < 0) rc = TL_EINVAL;
    else set->on[i] = force[k].on != 0;
  }
  return rc;
}

const struct tl_model_fn *tl_models_find_in(const tl_models *self,
                                            const struct tl_model_set *set,
                                            const char *fn_name) {
  const struct tl_model_fn *fn = tl_models_find(self, fn_name);
  if (!fn || !set) return fn;
  int i = tl_models_model_index(self, fn->model);
  return i < 0 || set->on[i] ? fn : NULL;
}

const char *tl_models_batch_await(const tl_models *self, const struct tl_model_fn *m) {
  if (!self || !m || !m->model) return NULL;
  for (size_t i = 0, n = tl_models_count(self); i < n; i++) {
    const struct tl_model_fn *f = tl_models_at(self, i);
    if (f && f->event == TL_ME_AWAIT_ALL && f->model && strcmp(f->model, m->model) == 0)
      return f->name;
  }
  return NULL;
}
