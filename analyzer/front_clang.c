/* front_clang.c — the libclang front-end: lowers every function defined in the main file
 * into the IR (ir.h). What it lowers, how, and its limits: docs/frontends.md.
 *
 * One walk per function over its cursors (children are collected into a scratch stack, then
 * lowered recursively); one clang_tokenize per function, over the function and the text
 * just before it (async markers, operators, condition keys, `for` headers). libclang 14 does
 * not expose operator kinds (clang_getCursorBinaryOperatorKind is 17+), so operators are
 * read from those tokens; an operator spelled inside a macro body is read from the macro's
 * definition, and a comma whose left operand is void (the runtime's call-site macros) is
 * recognised by type.
 *
 * Errors while building (out of memory) are sticky in `fe->err`: the walk finishes cheaply
 * and the first error is returned. Every CXString is copied and disposed at once; the TU,
 * the index and every token array are disposed before tl_front_clang_parse() returns.
 *
 * Not done yet: see "Limits" in docs/frontends.md (computed goto targets, designated
 * initialisers into fields, GNU `a ?: b`, C++). */
#include "front.h"

#include <clang-c/Index.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "tl_errno.h"

#define NO_BLOCK UINT32_MAX
#define NO_OFF UINT32_MAX
#define MAX_CLANG_DIAGS 5

/* ---- small tables ----------------------------------------------------------------------- */

enum op {
  OP_UNKNOWN, OP_COMMA, OP_ASSIGN, OP_LAND, OP_LOR,
  OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
  OP_ADD, OP_SUB, OP_ARITH,                       /* binary arithmetic and bitwise */
  OP_ADDR, OP_DEREF, OP_NOT, OP_NEG, OP_INCDEC    /* unary; OP_NEG: - + ~ */
};

static enum op op_from_text(const char *s, int unary) {
  static const struct { const char *text; enum op bin, un; } ops[] = {
    {",", OP_COMMA, OP_UNKNOWN},  {"=", OP_ASSIGN, OP_UNKNOWN},
    {"&&", OP_LAND, OP_UNKNOWN},  {"||", OP_LOR, OP_UNKNOWN},
    {"==", OP_EQ, OP_UNKNOWN},    {"!=", OP_NE, OP_UNKNOWN},
    {"<", OP_LT, OP_UNKNOWN},     {"<=", OP_LE, OP_UNKNOWN},
    {">", OP_GT, OP_UNKNOWN},     {">=", OP_GE, OP_UNKNOWN},
    {"+", OP_ADD, OP_NEG},        {"-", OP_SUB, OP_NEG},
    {"*", OP_ARITH, OP_DEREF},    {"&", OP_ARITH, OP_ADDR},
    {"/", OP_ARITH, OP_UNKNOWN},  {"%", OP_ARITH, OP_UNKNOWN},
    {"<<", OP_ARITH, OP_UNKNOWN}, {">>", OP_ARITH, OP_UNKNOWN},
    {"|", OP_ARITH, OP_UNKNOWN},  {"^", OP_ARITH, OP_UNKNOWN},
    {"!", OP_UNKNOWN, OP_NOT},    {"~", OP_UNKNOWN, OP_NEG},
    {"++", OP_UNKNOWN, OP_INCDEC}, {"--", OP_UNKNOWN, OP_INCDEC},
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(ops[i].text, s) == 0) return unary ? ops[i].un : ops[i].bin;
  return OP_UNKNOWN;
}

static int op_is_compare(enum op op) { return op >= OP_EQ && op <= OP_GE; }

static enum tl_cmp cmp_of(enum op op, int swapped) {
  switch (op) {
  case OP_EQ: return TL_CMP_EQ;
  case OP_NE: return TL_CMP_NE;
  case OP_LT: return swapped ? TL_CMP_GT : TL_CMP_LT;
  case OP_LE: return swapped ? TL_CMP_GE : TL_CMP_LE;
  case OP_GT: return swapped ? TL_CMP_LT : TL_CMP_GT;
  case OP_GE: return swapped ? TL_CMP_LE : TL_CMP_GE;
  default:    return TL_CMP_NONE;
  }
}

/* Calls that never return, besides functions whose type or attributes say so. */
static const char *const noreturn_names[] = {
  "exit", "_Exit", "_exit", "abort", "quick_exit", "thrd_exit", "pthread_exit", "longjmp",
  "siglongjmp", "__assert_fail", "__assert_rtn", "__builtin_unreachable", "__builtin_trap",
  "err", "errx", "verr", "verrx", NULL
};

static uint32_t fnv(uint32_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}
#define FNV_INIT 2166136261u

/* ---- state ------------------------------------------------------------------------------ */

struct tok {
  uint32_t off, end, line;
  uint32_t hash;           /* of the spelling */
  uint8_t kind;            /* CXTokenKind */
  char punct[4];           /* spelling of short punctuation, else "" */
};

struct var_ent { CXCursor decl; tl_slot_id slot; int used; };
struct type_ent { const void *key; int kind; uint8_t info; int used; };
struct name_ent {
  const char *name;
  int8_t noreturn;                     /* -1 unknown */
  int8_t annotated;                    /* -1 not looked at yet */
  int8_t runs_loop;                    /* -1 unknown: a header helper that runs the loop */
  const struct tl_model_fn *annot;     /* the model its annotations make, or NULL */
};
struct label { const char *name; uint32_t block; };
struct jump { uint32_t brk, cont; };
/* The buffer a `create` names for the requests of one ticket slot (lend= or fill=), handed
 * to the `persistent` starts of that slot; `flags` 0 when creates into it disagree. */
struct made { tl_slot_id ticket, buf; uint32_t flags; };   /* flags: TL_F_LENDS|FILLS|FIXED_BUFFER */
/* What an ASSIGN of a plain local stored (note_known): an integer constant, or the value of
 * another variable copied unchanged; a condition reads it through (cond_through_locals). */
struct known {
  tl_slot_id dst;
  uint32_t block, index;            /* the ASSIGN: fe->f->blocks[block].events[index] */
  tl_slot_id src;                   /* the variable copied, or NONE: the constant */
  long long value;
  const char *spelling;             /* the constant's, or NULL */
};
struct sw { uint32_t ncases_base; uint32_t dflt; };
struct fnref { const char *name; uint32_t flag; };

enum { TI_TICKET = 1, TI_POINTER = 2, TI_ARRAY = 4, TI_VOID = 8, TI_VOIDPTR = 16,
       TI_ELEM_TICKET = 32, TI_SHARED = 64 };

struct fe {
  CXTranslationUnit tu;
  CXFile main;
  const tl_models *models;
  struct tl_unit *u;
  struct tl_diags *diags;           /* for invalid annotations; may be NULL */
  struct tl_model_set active;       /* the models this TU's includes select (model.h) */
  int err;

  TL_ARRAY(CXCursor) kids;          /* scratch stack of children */
  TL_ARRAY(tl_slot_id) uses;        /* scratch stack of slots read */
  TL_ARRAY(struct fnref) fnrefs;    /* functions named as async-fn/callback/offload-fn */
  struct type_ent *types; uint32_t ntypes, cap_types;
  struct name_ent *names; uint32_t nnames, cap_names;

  /* per function */
  struct tl_func *f;
  uint32_t cur;                     /* current block, NO_BLOCK after a jump */
  CXToken *toks; unsigned ntoks;
  struct tok *tk;
  struct var_ent *vars; uint32_t nvars, cap_vars;
  TL_ARRAY(struct label) labels;
  TL_ARRAY(struct jump) jumps;
  TL_ARRAY(struct sw) sws;
  TL_ARRAY(uint32_t) cases;
  TL_ARRAY(uint32_t) indirect;      /* blocks ending in a computed goto */
  TL_ARRAY(struct made) made;       /* buffers of the creates lowered so far */
  TL_ARRAY(struct known) known;     /* what assignments of plain locals stored */
};

enum want_kind { W_VALUE, W_DISCARD, W_VOID, W_INTO };

struct want {
  enum want_kind kind;
  tl_slot_id dst;      /* W_INTO */
  int arg;             /* the expression is a call argument */
};

/* What an expression is, once lowered. */
struct val {
  CXCursor cx;         /* the (stripped) expression */
  CXType type;         /* its type, before implicit conversions */
  tl_slot_id slot;     /* the slot holding its value: variable, field, TEMP, assigned slot */
  tl_slot_id addr;     /* for `&x`, `&a[i]`, `a + i`: the slot it points to */
  int wrote;           /* W_INTO: the expression itself wrote the destination */
  int is_const, has_value;
  long long value;
  int is_call;
};

static void lower_stmt(struct fe *fe, CXCursor c);
static void lower_expr(struct fe *fe, CXCursor c, struct want w, struct val *out);
static void lower_cond(struct fe *fe, CXCursor c, uint32_t t, uint32_t f);
static void lower_generic(struct fe *fe, CXCursor c);

static void set_err(struct fe *fe, int rc) {
  if (rc < 0 && !fe->err) fe->err = rc;
}

/* ---- strings ---------------------------------------------------------------------------- */

/* Copy a CXString into the unit's arena and dispose it. */
static const char *take(struct fe *fe, CXString s) {
  const char *c = clang_getCString(s);
  char *r = tl_arena_strdup(fe->u->arena, c ? c : "");
  clang_disposeString(s);
  if (!r) set_err(fe, TL_ENOMEM);
  return r ? r : "";
}

static uint32_t str_hash(const char *s) { return fnv(FNV_INIT, s, strlen(s)); }

/* The per-unit table of callee names: interned, with their noreturn verdict. */
static struct name_ent *name_get(struct fe *fe, const char *name) {
  if (fe->nnames * 2 >= fe->cap_names) {
    uint32_t ncap = fe->cap_names ? fe->cap_names * 2 : 64;
    struct name_ent *n = calloc(ncap, sizeof *n);
    if (!n) { set_err(fe, TL_ENOMEM); return NULL; }
    for (uint32_t i = 0; i < fe->cap_names; i++) {
      if (!fe->names[i].name) continue;
      uint32_t h = str_hash(fe->names[i].name) & (ncap - 1);
      while (n[h].name) h = (h + 1) & (ncap - 1);
      n[h] = fe->names[i];
    }
    free(fe->names);
    fe->names = n;
    fe->cap_names = ncap;
  }
  uint32_t h = str_hash(name) & (fe->cap_names - 1);
  while (fe->names[h].name) {
    if (strcmp(fe->names[h].name, name) == 0) return &fe->names[h];
    h = (h + 1) & (fe->cap_names - 1);
  }
  const char *copy = tl_arena_strdup(fe->u->arena, name);
  if (!copy) { set_err(fe, TL_ENOMEM); return NULL; }
  fe->names[h].name = copy;
  fe->names[h].noreturn = -1;
  fe->names[h].annotated = -1;
  fe->names[h].runs_loop = -1;
  fe->nnames++;
  return &fe->names[h];
}

/* ---- locations and tokens --------------------------------------------------------------- */

/* The file offset of a location: macro arguments where the user spelled them, macro bodies
 * at their expansion. NO_OFF when not in the main file. */
static uint32_t file_off(struct fe *fe, CXSourceLocation l) {
  CXFile file;
  unsigned off;
  clang_getFileLocation(l, &file, NULL, NULL, &off);
  return file && clang_File_isEqual(file, fe->main) ? off : NO_OFF;
}

static struct tl_loc loc_of_range(CXSourceRange r) {
  struct tl_loc loc = {0};
  unsigned l1, c1, l2, c2;
  clang_getFileLocation(clang_getRangeStart(r), NULL, &l1, &c1, NULL);
  clang_getFileLocation(clang_getRangeEnd(r), NULL, &l2, &c2, NULL);
  loc.line = l1;
  loc.col = c1;
  loc.end_line = l2;
  loc.end_col = c2 > 1 ? c2 - 1 : c2;         /* the range end is one past the last char */
  if (loc.end_line < loc.line || (loc.end_line == loc.line && loc.end_col < loc.col)) {
    loc.end_line = loc.line;
    loc.end_col = loc.col;
  }
  return loc;
}

static struct tl_loc loc_of(CXCursor c) { return loc_of_range(clang_getCursorExtent(c)); }

static uint32_t start_off(struct fe *fe, CXCursor c) {
  return file_off(fe, clang_getRangeStart(clang_getCursorExtent(c)));
}

static uint32_t end_off(struct fe *fe, CXCursor c) {
  return file_off(fe, clang_getRangeEnd(clang_getCursorExtent(c)));
}

/* Index of the first token of the function's token array starting at or after off. */
static uint32_t tok_lower(const struct fe *fe, uint32_t off) {
  uint32_t lo = 0, hi = fe->ntoks;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (fe->tk[mid].off < off) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static void tokens_free(struct fe *fe) {
  if (fe->toks) clang_disposeTokens(fe->tu, fe->toks, fe->ntoks);
  fe->toks = NULL;
  fe->ntoks = 0;
  free(fe->tk);
  fe->tk = NULL;
}

/* Tokenize [from, to) of the main file into fe->toks / fe->tk. */
static void tokens_load(struct fe *fe, uint32_t from, uint32_t to) {
  tokens_free(fe);
  CXSourceLocation a = clang_getLocationForOffset(fe->tu, fe->main, from);
  CXSourceLocation b = clang_getLocationForOffset(fe->tu, fe->main, to);
  clang_tokenize(fe->tu, clang_getRange(a, b), &fe->toks, &fe->ntoks);
  if (!fe->ntoks) return;
  fe->tk = calloc(fe->ntoks, sizeof *fe->tk);
  if (!fe->tk) {
    set_err(fe, TL_ENOMEM);
    clang_disposeTokens(fe->tu, fe->toks, fe->ntoks);
    fe->toks = NULL;
    fe->ntoks = 0;
    return;
  }
  for (unsigned i = 0; i < fe->ntoks; i++) {
    struct tok *t = &fe->tk[i];
    CXSourceRange r = clang_getTokenExtent(fe->tu, fe->toks[i]);
    unsigned off, end, line;
    clang_getFileLocation(clang_getRangeStart(r), NULL, &line, NULL, &off);
    clang_getFileLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);
    t->off = off;
    t->end = end;
    t->line = line;
    t->kind = (uint8_t)clang_getTokenKind(fe->toks[i]);
    CXString s = clang_getTokenSpelling(fe->tu, fe->toks[i]);
    const char *cs = clang_getCString(s);
    if (!cs) cs = "";
    size_t n = strlen(cs);
    t->hash = fnv(FNV_INIT, cs, n);
    if (t->kind == CXToken_Punctuation && n < sizeof t->punct) memcpy(t->punct, cs, n + 1);
    clang_disposeString(s);
  }
}

/* Spelling of the token at exactly `off`, copied to the arena, or NULL. */
static const char *tok_text_at(struct fe *fe, uint32_t off) {
  uint32_t i = tok_lower(fe, off);
  if (i >= fe->ntoks || fe->tk[i].off != off) return NULL;
  return take(fe, clang_getTokenSpelling(fe->tu, fe->toks[i]));
}

/* The tokens of [s, e) of the main file, concatenated (for constants' spellings). */
static const char *tok_text_range(struct fe *fe, uint32_t s, uint32_t e) {
  if (s == NO_OFF || e == NO_OFF) return NULL;
  char buf[128];
  size_t len = 0;
  for (uint32_t i = tok_lower(fe, s); i < fe->ntoks && fe->tk[i].end <= e; i++) {
    CXString sp = clang_getTokenSpelling(fe->tu, fe->toks[i]);
    const char *cs = clang_getCString(sp);
    size_t n = cs ? strlen(cs) : 0;
    if (len + n + 1 < sizeof buf) {
      memcpy(buf + len, cs, n);
      len += n;
    }
    clang_disposeString(sp);
  }
  if (!len) return NULL;
  buf[len] = '\0';
  const char *r = tl_arena_strdup(fe->u->arena, buf);
  if (!r) set_err(fe, TL_ENOMEM);
  return r;
}

/* ---- children --------------------------------------------------------------------------- */

static enum CXChildVisitResult push_kid(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  struct fe *fe = data;
  if (tl_array_push(&fe->kids, c) < 0) {
    set_err(fe, TL_ENOMEM);
    return CXChildVisit_Break;
  }
  return CXChildVisit_Continue;
}

/* Push c's children on the scratch stack; *base is where they start. Pop with kids_pop. */
static uint32_t kids_push(struct fe *fe, CXCursor c, uint32_t *base) {
  *base = fe->kids.size;
  clang_visitChildren(c, push_kid, fe);
  return fe->kids.size - *base;
}

static void kids_pop(struct fe *fe, uint32_t base) { fe->kids.size = base; }

static CXCursor kid(const struct fe *fe, uint32_t base, uint32_t i) {
  return fe->kids.data[base + i];
}

/* The only child of c, or the null cursor when it has 0 or several. */
static CXCursor only_kid(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  CXCursor k = n == 1 ? kid(fe, base, 0) : clang_getNullCursor();
  kids_pop(fe, base);
  return k;
}

static CXCursor last_kid(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  CXCursor k = n ? kid(fe, base, n - 1) : clang_getNullCursor();
  kids_pop(fe, base);
  return k;
}

/* Strip parentheses and implicit conversions (UnexposedExpr with one child). */
static CXCursor strip(struct fe *fe, CXCursor c) {
  for (;;) {
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr) return c;
    CXCursor in = only_kid(fe, c);
    if (clang_Cursor_isNull(in) || !clang_isExpression(clang_getCursorKind(in))) return c;
    c = in;
  }
}

/* ---- types ------------------------------------------------------------------------------ */

/* Remove qualifiers from a type spelling so that "const tk_promise *" is "tk_promise *". */
static void unqualify(const char *in, char *out, size_t len) {
  static const char *const quals[] = {"const", "volatile", "restrict", "__restrict", NULL};
  size_t o = 0;
  while (*in && o + 1 < len) {
    int skipped = 0;
    for (size_t q = 0; quals[q]; q++) {
      size_t n = strlen(quals[q]);
      int start_ok = o == 0 || out[o - 1] == ' ' || out[o - 1] == '*';
      if (start_ok && strncmp(in, quals[q], n) == 0 && (in[n] == ' ' || in[n] == '\0'
                                                        || in[n] == '*')) {
        in += n;
        while (*in == ' ') in++;
        skipped = 1;
        break;
      }
    }
    if (!skipped) out[o++] = *in++;
  }
  while (o > 0 && out[o - 1] == ' ') o--;
  out[o] = '\0';
}

/* ---- annotations (include/ticketlint/annotate.h, docs/models.md) ------------------------ */

#define ANNOT_PREFIX "ticketlint:"
enum { AN_ASYNC = 1, AN_TICKET_TYPE = 2, AN_MODEL = 4 };

static int starts_with_event(const char *s) {
  for (int e = TL_ME_START; e <= TL_ME_LAST; e++) {
    const char *w = tl_model_event_name((enum tl_model_event)e);
    size_t n = strlen(w);
    if (strncmp(s, w, n) == 0 && (s[n] == '\0' || s[n] == ' ')) return 1;
  }
  return 0;
}

/* The ticketlint annotations written on decl, its canonical declaration and its definition:
 * AN_* flags, and in spec (when not NULL) the model text of a function, the event first. */
static unsigned annotations(struct fe *fe, CXCursor decl, char *spec, size_t len) {
  CXCursor decls[3] = {decl, clang_getCanonicalCursor(decl), clang_getCursorDefinition(decl)};
  char rest[512] = "";
  unsigned flags = 0;
  if (spec && len) spec[0] = '\0';
  for (int d = 0; d < 3; d++) {
    if (clang_Cursor_isNull(decls[d]) || (d && clang_equalCursors(decls[d], decl))) continue;
    uint32_t base, n = kids_push(fe, decls[d], &base);
    for (uint32_t i = 0; i < n; i++) {
      CXCursor k = kid(fe, base, i);
      if (clang_getCursorKind(k) != CXCursor_AnnotateAttr) continue;
      CXString cs = clang_getCursorSpelling(k);
      const char *a = clang_getCString(cs);
      if (a && strncmp(a, ANNOT_PREFIX, strlen(ANNOT_PREFIX)) == 0) {
        a += strlen(ANNOT_PREFIX);
        if (strcmp(a, "async") == 0) flags |= AN_ASYNC;
        else if (strcmp(a, "ticket-type") == 0) flags |= AN_TICKET_TYPE;
        else if (spec && !strstr(spec, a) && !strstr(rest, a)) {
          char *into = starts_with_event(a) && !spec[0] ? spec : rest;
          size_t cap = into == spec ? len : sizeof rest, used = strlen(into);
          snprintf(into + used, cap - used, "%s%s", used ? " " : "", a);
          flags |= AN_MODEL;
        }
      }
      clang_disposeString(cs);
    }
    kids_pop(fe, base);
  }
  if (spec && rest[0]) {
    size_t used = strlen(spec);
    snprintf(spec + used, len - used, "%s%s", used ? " " : "", rest);
  }
  return flags;
}

/* The model entry a callee's annotations make (`TL_STARTS(ret)`...), or NULL. Cached by
 * name; an annotation that does not parse is a warning at the declaration. */
static const struct tl_model_fn *annotated_model(struct fe *fe, CXCursor decl,
                                                 const char *name) {
  struct name_ent *e = name_get(fe, name);
  if (!e) return NULL;
  if (e->annotated >= 0) return e->annot;
  e->annotated = 0;
  char spec[1024];
  if (!(annotations(fe, decl, spec, sizeof spec) & AN_MODEL)) return NULL;
  CXFile file;
  unsigned line, col;
  clang_getFileLocation(clang_getCursorLocation(decl), &file, &line, &col, NULL);
  const char *where = take(fe, clang_getFileName(file));
  struct tl_srcerr err = {0};
  int rc = tl_model_fn_parse(name, spec, "annotation", where, (int)line, fe->u->arena,
                             &e->annot, &err);
  if (rc == TL_ENOMEM) set_err(fe, rc);
  if (rc == TL_EMODEL && fe->diags) {
    char msg[512];
    snprintf(msg, sizeof msg, "invalid ticketlint annotation on '%s': %s", name, err.msg);
    struct tl_loc loc = {line, col, line, col};
    set_err(fe, tl_diags_add(fe->diags, where ? where : "", loc, "invalid-annotation",
                             TL_SEV_WARNING, msg, NULL));
  }
  if (rc) e->annot = NULL;
  e->annotated = 1;
  return e->annot;
}

/* A type that TL_TICKET_TYPE makes a ticket: an annotated typedef (or a typedef of one), or
 * a pointer to an annotated struct. */
static int annotated_ticket_type(struct fe *fe, CXType t) {
  for (int depth = 0; depth < 8; depth++) {
    if (t.kind == CXType_Elaborated) t = clang_Type_getNamedType(t);
    if (t.kind == CXType_Typedef) {
      CXCursor d = clang_getTypeDeclaration(t);
      if (annotations(fe, d, NULL, 0) & AN_TICKET_TYPE) return 1;
      t = clang_getTypedefDeclUnderlyingType(d);
      continue;
    }
    if (t.kind == CXType_Pointer) {
      CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
      return pt.kind == CXType_Record &&
             (annotations(fe, clang_getTypeDeclaration(pt), NULL, 0) & AN_TICKET_TYPE);
    }
    return 0;
  }
  return 0;
}

static int spelling_is_ticket(struct fe *fe, CXType t) {
  char buf[256];
  CXString s = clang_getTypeSpelling(t);
  unqualify(clang_getCString(s) ? clang_getCString(s) : "", buf, sizeof buf);
  clang_disposeString(s);
  if (tl_models_is_ticket_type(fe->models, buf)) return 1;
  s = clang_getTypeSpelling(clang_getCanonicalType(t));
  unqualify(clang_getCString(s) ? clang_getCString(s) : "", buf, sizeof buf);
  clang_disposeString(s);
  return tl_models_is_ticket_type(fe->models, buf) || annotated_ticket_type(fe, t);
}

/* TI_* bits of a type; cached by libclang's opaque type pointer. */
static uint8_t type_info(struct fe *fe, CXType t) {
  if (t.kind == CXType_Invalid) return 0;
  if (fe->ntypes * 2 >= fe->cap_types) {
    uint32_t ncap = fe->cap_types ? fe->cap_types * 2 : 256;
    struct type_ent *n = calloc(ncap, sizeof *n);
    if (!n) { set_err(fe, TL_ENOMEM); return 0; }
    for (uint32_t i = 0; i < fe->cap_types; i++) {
      if (!fe->types[i].used) continue;
      uint32_t h = fnv(FNV_INIT, &fe->types[i].key, sizeof(void *)) & (ncap - 1);
      while (n[h].used) h = (h + 1) & (ncap - 1);
      n[h] = fe->types[i];
    }
    free(fe->types);
    fe->types = n;
    fe->cap_types = ncap;
  }
  const void *key = t.data[0];
  uint32_t h = fnv(FNV_INIT, &key, sizeof key) & (fe->cap_types - 1);
  while (fe->types[h].used) {
    if (fe->types[h].key == key && fe->types[h].kind == (int)t.kind) return fe->types[h].info;
    h = (h + 1) & (fe->cap_types - 1);
  }
  uint8_t info = 0;
  CXType can = clang_getCanonicalType(t);
  if (can.kind == CXType_Void) info |= TI_VOID;
  if (can.kind == CXType_Pointer) {
    info |= TI_POINTER;
    CXType pt = clang_getCanonicalType(clang_getPointeeType(can));
    if (pt.kind == CXType_Void) info |= TI_VOIDPTR;
  }
  if (can.kind == CXType_ConstantArray || can.kind == CXType_IncompleteArray
      || can.kind == CXType_VariableArray || can.kind == CXType_DependentSizedArray)
    info |= TI_ARRAY;
  if (clang_isVolatileQualifiedType(can) || can.kind == CXType_Atomic) info |= TI_SHARED;
  if (spelling_is_ticket(fe, t)) info |= TI_TICKET;
  else if (info & TI_ARRAY) {
    if (spelling_is_ticket(fe, clang_getArrayElementType(t))) info |= TI_ELEM_TICKET;
  } else if (info & TI_POINTER) {
    if (spelling_is_ticket(fe, clang_getPointeeType(t))) info |= TI_ELEM_TICKET;
  }
  fe->types[h].used = 1;
  fe->types[h].key = key;
  fe->types[h].kind = (int)t.kind;
  fe->types[h].info = info;
  fe->ntypes++;
  return info;
}

static uint32_t slot_flags_of_type(struct fe *fe, CXType t) {
  uint8_t ti = type_info(fe, t);
  uint32_t fl = 0;
  if (ti & TI_TICKET) fl |= TL_SLOT_TICKET;
  if (ti & TI_POINTER) fl |= TL_SLOT_POINTER;
  if (ti & TI_ARRAY) fl |= TL_SLOT_ARRAY;
  if (ti & TI_SHARED) fl |= TL_SLOT_SHARED;
  return fl;
}

static int val_is_ticket(struct fe *fe, const struct val *v) {
  return (type_info(fe, v->type) & TI_TICKET) != 0;
}

static int val_is_ptr_ticket(struct fe *fe, const struct val *v) {
  uint8_t ti = type_info(fe, v->type);
  return (ti & TI_TICKET) && (ti & TI_POINTER);
}

static int val_is_null(const struct val *v) {
  return v->is_const && v->has_value && v->value == 0;
}

/* ---- building helpers ------------------------------------------------------------------- */

static struct tl_slot *slot(struct fe *fe, tl_slot_id s) { return &fe->f->slots[s]; }

static uint32_t new_block(struct fe *fe) {
  uint32_t b = 0;
  set_err(fe, tl_func_add_block(fe->u, fe->f, &b));
  return b;
}

/* The block events go to; a fresh (unreachable) one after a jump. */
static uint32_t cur_block(struct fe *fe) {
  if (fe->cur == NO_BLOCK) fe->cur = new_block(fe);
  return fe->cur;
}

static void edge(struct fe *fe, uint32_t from, uint32_t to) {
  set_err(fe, tl_func_add_edge(fe->u, fe->f, from, to));
}

/* Jump from the current block (when reachable) to b; nothing is current afterwards. */
static void jump_to(struct fe *fe, uint32_t b) {
  if (fe->cur != NO_BLOCK) edge(fe, fe->cur, b);
  fe->cur = NO_BLOCK;
}

/* Drop repeated slots from a uses list in place (lists are short); the new length. */
static uint32_t dedupe(tl_slot_id *uses, uint32_t n) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t j = 0;
    while (j < k && uses[j] != uses[i]) j++;
    if (j == k) uses[k++] = uses[i];
  }
  return k;
}

static void emit(struct fe *fe, struct tl_event *ev) {
  uint32_t b = cur_block(fe);
  if (fe->err) return;
  if (ev->nuses > 1) ev->nuses = dedupe(ev->uses, ev->nuses);
  struct tl_block *blk = &fe->f->blocks[b];
  if (blk->loc.line == 0) blk->loc = ev->loc;
  set_err(fe, tl_func_add_event(fe->u, fe->f, b, ev));
}

static void emit_simple(struct fe *fe, enum tl_ev_kind kind, uint32_t flags, tl_slot_id ticket,
                        struct tl_loc loc) {
  struct tl_event ev = {.kind = kind, .flags = flags, .ticket = ticket, .loc = loc};
  emit(fe, &ev);
}

static void push_use(struct fe *fe, tl_slot_id s) {
  if (s == TL_SLOT_NONE) return;
  if (tl_array_push(&fe->uses, s) < 0) set_err(fe, TL_ENOMEM);
}

static tl_slot_id child_slot(struct fe *fe, enum tl_slot_kind kind, tl_slot_id parent,
                             const char *field, uint32_t extra_flags) {
  if (parent == TL_SLOT_NONE || fe->err) return TL_SLOT_NONE;
  tl_slot_id s = TL_SLOT_NONE;
  set_err(fe, tl_func_child_slot(fe->u, fe->f, kind, parent, field, &s));
  if (fe->err) return TL_SLOT_NONE;
  slot(fe, s)->flags |= extra_flags;
  return s;
}

/* ELEM or DEREF of parent, with the flags of the element type known from the parent. */
static tl_slot_id pointee_slot(struct fe *fe, tl_slot_id parent, int elem) {
  return child_slot(fe, elem ? TL_SLOT_ELEM : TL_SLOT_DEREF, parent, NULL, 0);
}

/* A TEMP slot: "callee()" for a call's result, "?:" for a conditional's. */
static tl_slot_id new_temp(struct fe *fe, const char *callee, int is_call, CXType type,
                           struct tl_loc loc) {
  char name[160];
  snprintf(name, sizeof name, is_call ? "%s()" : "%s", callee ? callee : "");
  struct tl_slot s = {.kind = TL_SLOT_TEMP, .name = name, .decl = loc,
                      .flags = slot_flags_of_type(fe, type)};
  tl_slot_id id = TL_SLOT_NONE;
  if (!fe->err) set_err(fe, tl_func_add_slot(fe->u, fe->f, &s, &id));
  return id;
}

/* The slot of a variable or parameter declaration, created on first use. */
static tl_slot_id var_slot(struct fe *fe, CXCursor decl) {
  decl = clang_getCanonicalCursor(decl);
  if (fe->nvars * 2 >= fe->cap_vars) {
    uint32_t ncap = fe->cap_vars ? fe->cap_vars * 2 : 64;
    struct var_ent *n = calloc(ncap, sizeof *n);
    if (!n) { set_err(fe, TL_ENOMEM); return TL_SLOT_NONE; }
    for (uint32_t i = 0; i < fe->cap_vars; i++) {
      if (!fe->vars[i].used) continue;
      uint32_t h = clang_hashCursor(fe->vars[i].decl) & (ncap - 1);
      while (n[h].used) h = (h + 1) & (ncap - 1);
      n[h] = fe->vars[i];
    }
    free(fe->vars);
    fe->vars = n;
    fe->cap_vars = ncap;
  }
  uint32_t h = clang_hashCursor(decl) & (fe->cap_vars - 1);
  while (fe->vars[h].used) {
    if (clang_equalCursors(fe->vars[h].decl, decl)) return fe->vars[h].slot;
    h = (h + 1) & (fe->cap_vars - 1);
  }
  struct tl_slot s = {0};
  enum CXCursorKind k = clang_getCursorKind(decl);
  enum CX_StorageClass sc = clang_Cursor_getStorageClass(decl);
  CXCursor parent = clang_getCursorSemanticParent(decl);
  if (k == CXCursor_ParmDecl) s.kind = TL_SLOT_PARAM;
  else if (clang_getCursorKind(parent) == CXCursor_TranslationUnit || sc == CX_SC_Static
           || sc == CX_SC_Extern)
    s.kind = TL_SLOT_GLOBAL;
  else s.kind = TL_SLOT_LOCAL;
  s.flags = slot_flags_of_type(fe, clang_getCursorType(decl));
  if (s.kind == TL_SLOT_GLOBAL) s.flags |= TL_SLOT_STATIC | TL_SLOT_LONGLIVED;
  s.name = take(fe, clang_getCursorSpelling(decl));
  s.decl = loc_of_range(clang_getCursorExtent(decl));
  {
    unsigned line, col;
    clang_getFileLocation(clang_getCursorLocation(decl), NULL, &line, &col, NULL);
    s.decl.line = line;
    s.decl.col = col;
  }
  tl_slot_id id = TL_SLOT_NONE;
  if (!fe->err) set_err(fe, tl_func_add_slot(fe->u, fe->f, &s, &id));
  if (fe->err) return TL_SLOT_NONE;
  fe->vars[h].used = 1;
  fe->vars[h].decl = decl;
  fe->vars[h].slot = id;
  fe->nvars++;
  return id;
}

/* The element (array) or pointee (pointer) of slot s, as a ticket when its type says so. */
static tl_slot_id elem_of(struct fe *fe, tl_slot_id s, CXType parent_type, int force_elem) {
  if (s == TL_SLOT_NONE) return TL_SLOT_NONE;
  uint8_t ti = type_info(fe, parent_type);
  int elem = force_elem || (ti & TI_ARRAY) || (slot(fe, s)->flags & TL_SLOT_ARRAY);
  tl_slot_id c = pointee_slot(fe, s, elem);
  if (c && (ti & TI_ELEM_TICKET)) slot(fe, c)->flags |= TL_SLOT_TICKET;
  return c;
}

/* ---- operators -------------------------------------------------------------------------- */

/* A location in plain user text: not inside a macro expansion, nor a macro argument (whose
 * expansion location is the macro's name). libclang 14 has no true spelling locations
 * (clang_getSpellingLocation returns the file location), so this is all we can tell. */
static int plain_loc(CXSourceLocation l) {
  unsigned o1, o2;
  clang_getExpansionLocation(l, NULL, NULL, NULL, &o1);
  clang_getFileLocation(l, NULL, NULL, NULL, &o2);
  return o1 == o2;
}

/* The operator of a binary expression: the token between its operands in the user's text.
 * Operators spelled inside a macro body are not visible (see plain_loc); the one case that
 * matters, the runtime's call-site macros `(tk__site(...), call)`, is a comma, the only
 * operator that takes a void operand. */
static enum op binop(struct fe *fe, CXCursor lhs, CXCursor rhs) {
  CXSourceLocation lel = clang_getRangeEnd(clang_getCursorExtent(lhs));
  CXSourceLocation rsl = clang_getCursorLocation(rhs);
  uint32_t le = file_off(fe, lel), rs = file_off(fe, rsl);
  if (le != NO_OFF && rs != NO_OFF && le <= rs) {
    uint32_t i = tok_lower(fe, le);
    if (i < fe->ntoks && fe->tk[i].off >= le && fe->tk[i].end <= rs) {
      enum op op = op_from_text(fe->tk[i].punct, 0);
      /* Between two macro arguments the comma separates arguments. */
      if (op == OP_COMMA && !(plain_loc(lel) && plain_loc(rsl))) op = OP_UNKNOWN;
      if (op != OP_UNKNOWN) return op;
    }
  }
  /* The left operand ends inside a macro (`assert(tk_state(t) == X)`): the token just
   * before the right operand, when it lies after the left operand's start. A right operand
   * spelled in a macro body maps to the macro's name, before the left operand: refused. */
  uint32_t ls = start_off(fe, lhs);
  if (ls != NO_OFF && rs != NO_OFF && ls < rs) {
    uint32_t i = tok_lower(fe, rs);
    if (i > 0 && fe->tk[i - 1].off >= ls && fe->tk[i - 1].end <= rs) {
      enum op op = op_from_text(fe->tk[i - 1].punct, 0);
      if (op != OP_UNKNOWN && op != OP_COMMA) return op;
    }
  }
  if (type_info(fe, clang_getCursorType(lhs)) & TI_VOID) return OP_COMMA;
  return OP_UNKNOWN;
}

/* The operator of a binary expression spelled in a macro body (fio's `for (i = 0; i < (q)->nr
 * && (u = (q)->us[i]); i++)` in a macro), which has no token in the user's text and whose
 * kind libclang 14 does not give: told by types where they allow one answer. An operator
 * whose left operand is a variable, a field, an element or `*p`, and whose left operand,
 * right operand and result are all pointers, or all one struct or union, is `=` (pointer
 * arithmetic takes an integer, a pointer difference is one, a comparison is an int; C has no
 * other operator on structs). Anything else stays unknown. */
static enum op binop_by_types(struct fe *fe, CXCursor c, CXCursor lhs, CXCursor rhs) {
  enum CXCursorKind lk = clang_getCursorKind(strip(fe, lhs));
  if (lk != CXCursor_DeclRefExpr && lk != CXCursor_MemberRefExpr &&
      lk != CXCursor_ArraySubscriptExpr && lk != CXCursor_UnaryOperator)
    return OP_UNKNOWN;
  CXType t = clang_getCanonicalType(clang_getCursorType(c));
  CXType lt = clang_getCanonicalType(clang_getCursorType(lhs));
  CXType rt = clang_getCanonicalType(clang_getCursorType(rhs));
  if (t.kind == CXType_Pointer && lt.kind == CXType_Pointer && rt.kind == CXType_Pointer)
    return OP_ASSIGN;
  if (t.kind == CXType_Record && clang_equalTypes(t, lt) && clang_equalTypes(t, rt))
    return OP_ASSIGN;
  return OP_UNKNOWN;
}

static unsigned spelled_tokens(struct fe *fe, CXCursor c, char (*out)[8], unsigned max);

/* The comparison spelled in a macro body right after the left operand, read where c is
 * spelled (the file's tokens show only the macro's name): after a parenthesised operand, the
 * token after the parentheses that open c (MPICH's `#define MPI_ASSERT(rc) do { if ((rc) !=
 * MPI_SUCCESS) abort(); } while (0)`); after a variable named by its one token, the next
 * token (`#define CHECK_EQ(a, b) do { long x = (a), y = (b); if (!(x == y)) abort(); }
 * while (0)`). Anything but a comparison there: unknown; *named says a variable's token was
 * matched (what follows may name an operator the macro takes as an argument). */
static enum op compare_spelled(struct fe *fe, CXCursor c, CXCursor lhs, int *named) {
  char tok[16][8];
  *named = 0;
  while (clang_getCursorKind(lhs) == CXCursor_UnexposedExpr) {
    CXCursor in = only_kid(fe, lhs);
    if (clang_Cursor_isNull(in)) return OP_UNKNOWN;
    lhs = in;
  }
  enum CXCursorKind k = clang_getCursorKind(lhs);
  if (k == CXCursor_DeclRefExpr) {
    if (spelled_tokens(fe, c, tok, 2) != 2) return OP_UNKNOWN;
    CXString sp = clang_getCursorSpelling(lhs);
    const char *name = clang_getCString(sp);
    *named = name && strncmp(tok[0], name, sizeof tok[0] - 1) == 0 &&
             (strlen(tok[0]) == strlen(name) || strlen(tok[0]) == sizeof tok[0] - 1);
    clang_disposeString(sp);
    enum op op = *named ? op_from_text(tok[1], 0) : OP_UNKNOWN;
    return op_is_compare(op) ? op : OP_UNKNOWN;
  }
  if (k != CXCursor_ParenExpr) return OP_UNKNOWN;
  unsigned n = spelled_tokens(fe, c, tok, 16);
  for (unsigned i = 0, depth = 0; i < n; i++) {
    if (strcmp(tok[i], "(") == 0) depth++;
    else if (strcmp(tok[i], ")") == 0 && depth > 0 && --depth == 0) {
      enum op op = i + 1 < n ? op_from_text(tok[i + 1], 0) : OP_UNKNOWN;
      return op_is_compare(op) ? op : OP_UNKNOWN;
    }
    if (depth == 0) return OP_UNKNOWN;
  }
  return OP_UNKNOWN;
}

/* binop, or for an operator spelled in a macro body, what the parentheses before it or the
 * types say. */
static enum op binop_of(struct fe *fe, CXCursor c, CXCursor lhs, CXCursor rhs) {
  enum op op = binop(fe, lhs, rhs);
  int named;
  if (op == OP_UNKNOWN) op = compare_spelled(fe, c, lhs, &named);
  return op != OP_UNKNOWN ? op : binop_by_types(fe, c, lhs, rhs);
}

/* The operator of a unary expression: a prefix token in the user's text, a postfix ++/--
 * after the operand, or, inside a macro body, `*` and `&` told apart by their types. */
static enum op unop(struct fe *fe, CXCursor c, CXCursor operand) {
  uint32_t cs = start_off(fe, c), os = start_off(fe, operand);
  if (cs != NO_OFF && os != NO_OFF) {
    if (cs < os) {
      uint32_t i = tok_lower(fe, cs);
      if (i < fe->ntoks && fe->tk[i].off == cs && fe->tk[i].kind == CXToken_Punctuation) {
        enum op op = op_from_text(fe->tk[i].punct, 1);
        if (op != OP_UNKNOWN) return op;
      }
    } else if (cs == os) {
      uint32_t oe = end_off(fe, operand), ce = end_off(fe, c);
      uint32_t i = oe == NO_OFF ? fe->ntoks : tok_lower(fe, oe);
      if (i < fe->ntoks && ce != NO_OFF && fe->tk[i].end <= ce
          && op_from_text(fe->tk[i].punct, 1) == OP_INCDEC)
        return OP_INCDEC;
    }
  }
  CXType rt = clang_getCanonicalType(clang_getCursorType(c));
  CXType ot = clang_getCanonicalType(clang_getCursorType(operand));
  if (ot.kind == CXType_Pointer
      && clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(ot)), rt))
    return OP_DEREF;
  if (rt.kind == CXType_Pointer
      && clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(rt)), ot))
    return OP_ADDR;
  return OP_UNKNOWN;
}

/* A `create` into ticket slot t names buffer buf (flags TL_F_LENDS or TL_F_FILLS): remember
 * it for the persistent starts of t; creates into one slot naming different buffers (a send
 * and a receive request in one array) leave it unknown. */
static void made_note(struct fe *fe, tl_slot_id t, tl_slot_id buf, uint32_t flags) {
  if (t == TL_SLOT_NONE || buf == TL_SLOT_NONE) return;
  for (uint32_t i = 0; i < fe->made.size; i++) {
    struct made *m = &fe->made.data[i];
    if (m->ticket != t) continue;
    if (m->buf != buf || m->flags != flags) m->flags = 0;
    return;
  }
  if (tl_array_push(&fe->made, ((struct made){t, buf, flags})) < 0) set_err(fe, TL_ENOMEM);
}

/* 1 when integer constant expression c (`0`, `N - 1`, an enum constant). */
static int is_const_int(CXCursor c) {
  CXEvalResult r = clang_Cursor_Evaluate(c);
  if (!r) return 0;
  int k = clang_EvalResult_getKind(r) == CXEval_Int;
  clang_EvalResult_dispose(r);
  return k;
}

/* The slot of integer expression c when it is a plain read of a variable or of a field of
 * one (`off`, `s.off`, `s.a.off`; not through a pointer), else NONE. */
static tl_slot_id offset_var(struct fe *fe, CXCursor c, int depth) {
  c = strip(fe, c);
  enum CXCursorKind k = clang_getCursorKind(c);
  if (depth > 8) return TL_SLOT_NONE;
  if (depth == 0) {
    enum CXTypeKind tk = clang_getCanonicalType(clang_getCursorType(c)).kind;
    if (tk < CXType_Char_U || tk > CXType_Int128) return TL_SLOT_NONE;
  }
  if (k == CXCursor_DeclRefExpr) {
    CXCursor ref = clang_getCursorReferenced(c);
    enum CXCursorKind rk = clang_getCursorKind(ref);
    return rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl ? var_slot(fe, ref) : TL_SLOT_NONE;
  }
  if (k != CXCursor_MemberRefExpr) return TL_SLOT_NONE;
  uint32_t base, n = kids_push(fe, c, &base);
  CXCursor b = n ? kid(fe, base, 0) : clang_getNullCursor();
  kids_pop(fe, base);
  if (clang_Cursor_isNull(b) || (type_info(fe, clang_getCursorType(strip(fe, b))) & TI_POINTER))
    return TL_SLOT_NONE;
  tl_slot_id parent = offset_var(fe, b, depth + 1);
  return child_slot(fe, TL_SLOT_FIELD, parent, take(fe, clang_getCursorSpelling(c)),
                    slot_flags_of_type(fe, clang_getCursorType(c)));
}

/* 1 when expression c names memory at a fixed place of a variable: the variable (`buf`,
 * `&x`), or a place reached from it by fields, constant indices and constant offsets only
 * (`&buf[0]`, `&table[0][0]`, `buf + 2`, `(char *)p + 16`, `&s.rows[1]`); casts do not
 * matter. `&buf[i]` and `p + off` are not: each value of i may name other memory. With
 * `off` not NULL, one index or offset may be a variable read (offset_var: `&buf[k]`,
 * `(char *)s.buf + s.off`), whose slot goes to *off: the place is fixed while it keeps its
 * value. */
static int fixed_place(struct fe *fe, CXCursor c, tl_slot_id *off, int depth) {
  uint32_t base, n;
  int ok = 0;
  if (depth > 16) return 0;
  c = strip(fe, c);
  switch (clang_getCursorKind(c)) {
  case CXCursor_DeclRefExpr:
    return 1;
  case CXCursor_MemberRefExpr:
  case CXCursor_CStyleCastExpr:
    n = kids_push(fe, c, &base);
    if (n >= 1) {
      CXCursor k = kid(fe, base, n - 1);
      kids_pop(fe, base);
      return fixed_place(fe, k, off, depth + 1);
    }
    kids_pop(fe, base);
    return 0;
  case CXCursor_UnaryOperator: {
    CXCursor o = only_kid(fe, c);
    return !clang_Cursor_isNull(o) && unop(fe, c, o) == OP_ADDR &&
           fixed_place(fe, o, off, depth + 1);
  }
  case CXCursor_ArraySubscriptExpr:
  case CXCursor_BinaryOperator:
    n = kids_push(fe, c, &base);
    if (n == 2) {
      CXCursor a = kid(fe, base, 0), b = kid(fe, base, 1);
      kids_pop(fe, base);
      tl_slot_id v = off && !*off ? offset_var(fe, b, 0) : TL_SLOT_NONE;
      if (clang_getCursorKind(c) == CXCursor_ArraySubscriptExpr) {
        if (!is_const_int(b) && !v) return 0;
        if (!is_const_int(b)) *off = v;
        return fixed_place(fe, a, off, depth + 1);
      }
      enum op op = binop(fe, a, b);
      if (op == OP_ADD && is_const_int(a)) return fixed_place(fe, b, off, depth + 1);
      if ((op == OP_ADD || op == OP_SUB) && is_const_int(b))
        ok = fixed_place(fe, a, off, depth + 1);
      else if (op == OP_ADD && v) {
        *off = v;
        ok = fixed_place(fe, a, off, depth + 1);
      }
      return ok;
    }
    kids_pop(fe, base);
    return 0;
  default:
    return 0;
  }
}

/* The argument of role r at call c when it is a fixed place (fixed_place): TL_F_FIXED_BUFFER. */
static uint32_t fixed_buffer_flag(struct fe *fe, CXCursor c, struct tl_argref r, unsigned nargs) {
  if (r.index < 0 || (unsigned)r.index >= nargs) return 0;
  return fixed_place(fe, clang_Cursor_getArgument(c, (unsigned)r.index), NULL, 0)
             ? TL_F_FIXED_BUFFER : 0;
}

/* The variable moving the argument of role r at call c, when it is a fixed place but for one
 * index or offset held in that variable (fixed_place): the START's `offset`. */
static tl_slot_id buffer_offset(struct fe *fe, CXCursor c, struct tl_argref r, unsigned nargs) {
  tl_slot_id off = TL_SLOT_NONE;
  if (r.index < 0 || (unsigned)r.index >= nargs ||
      !fixed_place(fe, clang_Cursor_getArgument(c, (unsigned)r.index), &off, 0))
    return TL_SLOT_NONE;
  return off;
}

/* A `persistent` start of ticket slot t without a buffer role of its own: the buffer the
 * create of t named is in flight from here until the activation completes. */
static void made_lend(struct fe *fe, struct tl_event *ev) {
  for (uint32_t i = 0; i < fe->made.size; i++) {
    const struct made *m = &fe->made.data[i];
    if (m->ticket != ev->ticket || !m->flags) continue;
    ev->aux = m->buf;
    ev->flags |= m->flags;
  }
}

/* ---- expressions ------------------------------------------------------------------------ */

static struct want want_value(void) { return (struct want){.kind = W_VALUE}; }
static struct want want_discard(void) { return (struct want){.kind = W_DISCARD}; }

static void eval_const(struct val *v) {
  CXEvalResult r = clang_Cursor_Evaluate(v->cx);
  if (!r) return;
  if (clang_EvalResult_getKind(r) == CXEval_Int) {
    v->has_value = 1;
    v->value = clang_EvalResult_getAsLongLong(r);
  }
  clang_EvalResult_dispose(r);
}

static void value_use(struct fe *fe, const struct val *v, uint32_t flags, CXCursor at) {
  if (v->slot == TL_SLOT_NONE) return;
  emit_simple(fe, TL_EV_VALUE_USE, flags, v->slot, loc_of(at));
}

/* `&t` outside a call argument: the ticket escapes through the pointer. */
static void escape_addr(struct fe *fe, tl_slot_id s, CXCursor at) {
  if (s && (slot(fe, s)->flags & TL_SLOT_TICKET))
    emit_simple(fe, TL_EV_ESCAPE, 0, s, loc_of(at));
}

/* The slot an lvalue expression designates; emits the reads of base pointers and indices. */
static tl_slot_id lvalue(struct fe *fe, CXCursor c, CXType *type_out) {
  c = strip(fe, c);
  enum CXCursorKind k = clang_getCursorKind(c);
  CXType type = clang_getCursorType(c);
  if (type_out) *type_out = type;
  uint32_t base;
  switch (k) {
  case CXCursor_DeclRefExpr: {
    CXCursor ref = clang_getCursorReferenced(c);
    enum CXCursorKind rk = clang_getCursorKind(ref);
    if (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) return var_slot(fe, ref);
    return TL_SLOT_NONE;
  }
  case CXCursor_MemberRefExpr: {
    uint32_t n = kids_push(fe, c, &base);
    CXCursor b = n ? kid(fe, base, 0) : clang_getNullCursor();
    kids_pop(fe, base);
    if (clang_Cursor_isNull(b)) return TL_SLOT_NONE;
    const char *field = take(fe, clang_getCursorSpelling(c));
    tl_slot_id parent;
    CXType bt = clang_getCursorType(strip(fe, b));
    if (type_info(fe, bt) & TI_POINTER) {         /* p->f: reads p */
      struct val bv;
      lower_expr(fe, b, want_value(), &bv);
      parent = bv.slot;
    } else {
      parent = lvalue(fe, b, NULL);
    }
    return child_slot(fe, TL_SLOT_FIELD, parent, field, slot_flags_of_type(fe, type));
  }
  case CXCursor_ArraySubscriptExpr: {
    uint32_t n = kids_push(fe, c, &base);
    if (n != 2) { kids_pop(fe, base); return TL_SLOT_NONE; }
    CXCursor b = kid(fe, base, 0), idx = kid(fe, base, 1);
    kids_pop(fe, base);
    CXCursor bs = strip(fe, b);
    tl_slot_id parent;
    if (type_info(fe, clang_getCursorType(bs)) & TI_ARRAY) {
      parent = lvalue(fe, bs, NULL);             /* a[i]: the array itself is not read */
    } else {
      struct val bv;
      lower_expr(fe, b, want_value(), &bv);      /* p[i]: reads p */
      parent = bv.slot;
    }
    struct val iv;
    lower_expr(fe, idx, want_value(), &iv);
    return child_slot(fe, TL_SLOT_ELEM, parent, NULL, slot_flags_of_type(fe, type));
  }
  case CXCursor_UnaryOperator: {
    CXCursor o = only_kid(fe, c);
    if (clang_Cursor_isNull(o)) return TL_SLOT_NONE;
    if (unop(fe, c, o) == OP_DEREF) {
      struct val pv;
      lower_expr(fe, o, want_value(), &pv);
      if (pv.addr) return pv.addr;               /* *&x is x */
      return child_slot(fe, TL_SLOT_DEREF, pv.slot, NULL, slot_flags_of_type(fe, type));
    }
    struct val v;
    lower_expr(fe, c, want_value(), &v);
    return v.slot;
  }
  default: {
    struct val v;
    lower_expr(fe, c, want_value(), &v);
    return v.slot;
  }
  }
}

static void lower_into(struct fe *fe, CXCursor rhs, tl_slot_id dst, CXCursor at);

struct fields { struct fe *fe; TL_ARRAY(const char *) names; };

static enum CXVisitorResult push_field(CXCursor c, CXClientData data) {
  struct fields *fs = data;
  if (tl_array_push(&fs->names, take(fs->fe, clang_getCursorSpelling(c))) < 0) {
    set_err(fs->fe, TL_ENOMEM);
    return CXVisit_Break;
  }
  return CXVisit_Continue;
}

/* `T x = { a, .f = b, [2] = c }`: each initialiser writes its own field (or the array's
 * summarised element), so a ticket started inside an initialiser lands in its field. */
static void lower_init_list(struct fe *fe, CXCursor list, tl_slot_id dst) {
  CXType t = clang_getCanonicalType(clang_getCursorType(list));
  int is_record = t.kind == CXType_Record, is_array = (type_info(fe, t) & TI_ARRAY) != 0;
  struct fields fs = {.fe = fe};
  if (is_record) clang_Type_visitFields(t, push_field, &fs);
  uint32_t base, n = kids_push(fe, list, &base);
  uint32_t pos = 0;
  for (uint32_t i = 0; i < n && !fe->err; i++) {
    CXCursor e = kid(fe, base, i), value = e;
    const char *field = NULL;
    if (clang_getCursorKind(e) == CXCursor_UnexposedExpr) {     /* a designated initialiser */
      uint32_t b2, n2 = kids_push(fe, e, &b2);
      if (n2 >= 2) {
        CXCursor d = kid(fe, b2, 0);
        value = kid(fe, b2, n2 - 1);
        if (clang_getCursorKind(d) == CXCursor_MemberRef) {
          field = take(fe, clang_getCursorSpelling(d));
          for (uint32_t k = 0; k < fs.names.size; k++)
            if (strcmp(fs.names.data[k], field) == 0) pos = k;
        }
      }
      kids_pop(fe, b2);
    }
    if (!field && is_record && pos < fs.names.size) field = fs.names.data[pos];
    pos++;
    tl_slot_id target = TL_SLOT_NONE;
    uint32_t fl = slot_flags_of_type(fe, clang_getCursorType(value));
    if (is_record && field) target = child_slot(fe, TL_SLOT_FIELD, dst, field, fl);
    else if (is_array) target = child_slot(fe, TL_SLOT_ELEM, dst, NULL, fl);
    if (!target) target = dst;
    if (clang_getCursorKind(strip(fe, value)) == CXCursor_InitListExpr && target != dst)
      lower_init_list(fe, strip(fe, value), target);
    else lower_into(fe, value, target, value);
  }
  kids_pop(fe, base);
  tl_array_free(&fs.names);
}

/* ---- what a plain local holds ------------------------------------------------------------ */

/* 1 when s is a local variable only its own assignments write: not a field or element, not
 * static, its address not taken (so far: the caller looks no further than its block). */
static int plain_local(struct fe *fe, tl_slot_id s) {
  const struct tl_slot *sl = slot(fe, s);
  return sl->kind == TL_SLOT_LOCAL && sl->parent == TL_SLOT_NONE &&
         !(sl->flags & (TL_SLOT_ADDR | TL_SLOT_STATIC));
}

/* The size of the integer type t and whether it is signed (an enum: its integer type);
 * 0 when t is no integer type. */
static long long int_type(CXType t, int *is_signed) {
  CXType can = clang_getCanonicalType(t);
  if (can.kind == CXType_Enum)
    can = clang_getCanonicalType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(can)));
  switch (can.kind) {
  case CXType_Char_S: case CXType_SChar: case CXType_Short: case CXType_Int:
  case CXType_Long: case CXType_LongLong: case CXType_Int128:
    *is_signed = 1;
    break;
  case CXType_Bool: case CXType_Char_U: case CXType_UChar: case CXType_UShort:
  case CXType_UInt: case CXType_ULong: case CXType_ULongLong: case CXType_UInt128:
    *is_signed = 0;
    break;
  default:
    return 0;
  }
  long long n = clang_Type_getSizeOf(can);
  return n > 0 ? n : 0;
}

/* 1 when converting an integer of type `from` to type `to` keeps every value. */
static int int_widens(CXType from, CXType to) {
  int fs = 0, ts = 0;
  long long fn = int_type(from, &fs), tn = int_type(to, &ts);
  if (!fn || !tn) return 0;
  return fs == ts ? tn >= fn : !fs && tn > fn;
}

/* The variable whose value rhs, stored as type `to`, copies unchanged: a local or parameter
 * seen through parentheses and integer conversions that keep every value (`(int64_t)(r)`);
 * NONE for anything else. v: rhs lowered. */
static tl_slot_id copy_source(struct fe *fe, CXCursor rhs, const struct val *v, CXType to) {
  if (!v->slot || v->is_const || v->is_call) return TL_SLOT_NONE;
  const struct tl_slot *src = slot(fe, v->slot);
  if ((src->kind != TL_SLOT_LOCAL && src->kind != TL_SLOT_PARAM) || src->parent) return TL_SLOT_NONE;
  CXCursor c = strip(fe, rhs);
  while (clang_getCursorKind(c) == CXCursor_CStyleCastExpr) {
    CXType ct = clang_getCursorType(c);
    if (!int_widens(ct, to)) return TL_SLOT_NONE;
    to = ct;
    c = strip(fe, last_kid(fe, c));
  }
  if (clang_getCursorKind(c) != CXCursor_DeclRefExpr || !int_widens(clang_getCursorType(c), to))
    return TL_SLOT_NONE;
  return v->slot;
}

/* Record what the ASSIGN just emitted into the plain local dst stored, when it is an integer
 * constant that fits dst's type or a copy of a variable (copy_source). */
static void note_known(struct fe *fe, tl_slot_id dst, CXCursor rhs, const struct val *v,
                       CXCursor at) {
  if (fe->err || fe->cur == NO_BLOCK || !plain_local(fe, dst)) return;
  struct known k = {.dst = dst, .block = fe->cur,
                    .index = fe->f->blocks[fe->cur].nevents - 1};
  CXType to = clang_getCursorType(at);
  int sg = 0;
  long long size = int_type(to, &sg);
  if (!size) return;
  if (v->is_const) {
    struct val cv = *v;
    if (!cv.has_value && !cv.slot && !cv.is_call) eval_const(&cv);
    if (!cv.has_value) return;
    int bits = size >= 8 ? 64 : (int)size * 8;
    if (bits < 64 && (sg ? cv.value < -(1ll << (bits - 1)) || cv.value >= 1ll << (bits - 1)
                         : cv.value < 0 || cv.value >= 1ll << bits))
      return;
    if (bits == 64 && !sg && cv.value < 0) return;
    k.value = cv.value;
    CXCursor sc = strip(fe, rhs);       /* spelled without the casts a macro body adds */
    while (clang_getCursorKind(sc) == CXCursor_CStyleCastExpr) sc = strip(fe, last_kid(fe, sc));
    k.spelling = tok_text_range(fe, start_off(fe, sc), end_off(fe, sc));
  } else {
    k.src = copy_source(fe, rhs, v, to);
    if (!k.src) return;
  }
  if (tl_array_push(&fe->known, k) < 0) set_err(fe, TL_ENOMEM);
}

/* What the plain local s holds at the end of the current block: what its last ASSIGN
 * stored, when that ASSIGN is in this block and only ASSIGNs of other plain locals follow it
 * (no call, no write through a pointer), none of the variable it copied. NULL when unknown. */
static const struct known *known_here(struct fe *fe, tl_slot_id s) {
  if (!s || fe->cur == NO_BLOCK || !plain_local(fe, s)) return NULL;
  const struct tl_block *b = &fe->f->blocks[fe->cur];
  for (uint32_t i = fe->known.size; i-- > 0;) {
    const struct known *k = &fe->known.data[i];
    if (k->dst != s) continue;
    if (k->block != fe->cur || k->index >= b->nevents || b->events[k->index].dst != s)
      return NULL;
    for (uint32_t e = k->index + 1; e < b->nevents; e++) {
      const struct tl_event *ev = &b->events[e];
      if (ev->kind != TL_EV_ASSIGN || !ev->dst || !plain_local(fe, ev->dst) || ev->dst == s ||
          ev->dst == k->src)
        return NULL;
    }
    return k;
  }
  return NULL;
}

/* Write the value of rhs into dst (an initialisation or `dst = rhs`): the call or `?:` arm
 * writes it itself, anything else becomes ASSIGN. Uses are popped afterwards. */
static void lower_into(struct fe *fe, CXCursor rhs, tl_slot_id dst, CXCursor at) {
  CXCursor list = strip(fe, rhs);
  if (clang_getCursorKind(list) == CXCursor_CompoundLiteralExpr) list = last_kid(fe, list);
  if (clang_getCursorKind(list) == CXCursor_InitListExpr) {
    uint8_t ti = type_info(fe, clang_getCursorType(list));
    if ((ti & TI_ARRAY) || clang_getCanonicalType(clang_getCursorType(list)).kind
                               == CXType_Record) {
      lower_init_list(fe, list, dst);
      return;
    }
  }
  uint32_t mark = fe->uses.size;
  struct val v;
  struct want w = {.kind = W_INTO, .dst = dst};
  lower_expr(fe, rhs, w, &v);
  if (fe->err) return;
  struct tl_loc loc = loc_of(at);
  uint32_t dfl = slot(fe, dst)->flags;
  int rhs_ticket = val_is_ticket(fe, &v);
  /* A pointer ticket copied into another typed object pointer (`__typeof__ (*pp) p = *pp;`
   * in GLib's g_clear_object) is the same object, not its value; into a `void *` it is. */
  uint8_t dti = type_info(fe, clang_getCursorType(at));
  if (rhs_ticket && !(dfl & TL_SLOT_TICKET) && !val_is_null(&v)
      && !((dti & TI_POINTER) && !(dti & TI_VOIDPTR) && val_is_ptr_ticket(fe, &v)))
    value_use(fe, v.wrote ? &(struct val){.slot = dst} : &v, TL_F_CAST, at);
  if (!v.wrote) {
    struct tl_event ev = {.kind = TL_EV_ASSIGN, .dst = dst, .loc = loc,
                          .uses = fe->uses.data + mark, .nuses = fe->uses.size - mark};
    if (v.is_const) ev.flags |= TL_F_CONST;
    if (v.addr && !v.slot && ev.nuses == 1 && ev.uses[0] == v.addr) ev.flags |= TL_F_ADDR_OF;
    /* `ret = T_EXIT_FAIL;`: an integer known nonzero from here (summary.c, failing exits) */
    struct val cv = v;
    if (cv.is_const && !cv.has_value && !cv.slot && !cv.is_call) eval_const(&cv);
    enum CXTypeKind ak = clang_getCanonicalType(clang_getCursorType(at)).kind;
    if (cv.is_const && cv.has_value && cv.value != 0 && !(dfl & TL_SLOT_POINTER) &&
        ((ak >= CXType_Bool && ak <= CXType_Int128) || ak == CXType_Enum)) {
      ev.flags |= TL_F_NONZERO;
      ev.value = cv.value;
    }
    if (val_is_null(&v) && ((dfl & TL_SLOT_POINTER) || (type_info(fe, v.type) & TI_POINTER)))
      ev.flags |= TL_F_NULL;
    emit(fe, &ev);
    note_known(fe, dst, rhs, &v, at);
    if ((dfl & TL_SLOT_LONGLIVED) && v.slot && (slot(fe, v.slot)->flags & TL_SLOT_TICKET))
      emit_simple(fe, TL_EV_ESCAPE, 0, v.slot, loc);
  } else if ((dfl & TL_SLOT_LONGLIVED) && (dfl & TL_SLOT_TICKET) && rhs_ticket) {
    emit_simple(fe, TL_EV_ESCAPE, 0, dst, loc);
  }
  fe->uses.size = mark;
}

/* Resolve a model role to a slot. */
static tl_slot_id role_slot(struct fe *fe, struct tl_argref r, const struct val *args,
                            unsigned nargs, tl_slot_id res) {
  if (r.index == TL_ARG_NONE) return TL_SLOT_NONE;
  if (r.index == TL_ARG_RET) return res;
  if (r.index < 0 || (unsigned)r.index >= nargs) return TL_SLOT_NONE;
  const struct val *v = &args[r.index];
  if (!r.deref) return v->slot ? v->slot : v->addr;
  if (v->addr) return v->addr;
  if (v->slot) return elem_of(fe, v->slot, v->type, 0);
  return TL_SLOT_NONE;
}

/* A `holder=` call (g_object_add_weak_pointer(G_OBJECT(task), &p)) makes the place h hold a
 * reference to the ticket t. A store of t into h earlier in this block, h not written since,
 * kept the ticket there as the object: the conversion to a plain value it was lowered as
 * (VALUE_USE with TL_F_CAST just before the ASSIGN: `p = task` into a `gpointer`) is dropped. */
static void keep_held(struct fe *fe, tl_slot_id t, tl_slot_id h) {
  if (!t || !h || fe->err || fe->cur == NO_BLOCK) return;
  struct tl_block *b = &fe->f->blocks[fe->cur];
  for (uint32_t i = b->nevents; i-- > 0;) {
    const struct tl_event *ev = &b->events[i];
    int touches = ev->dst == h || ev->aux == h || ev->ticket == h;
    for (uint32_t a = 0; ev->args && a < ev->nargs; a++) touches |= ev->args[a].addr == h;
    if (!touches) continue;
    int reads_t = 0;
    for (uint32_t u = 0; u < ev->nuses; u++) reads_t |= ev->uses[u] == t;
    if (ev->kind != TL_EV_ASSIGN || ev->dst != h || !reads_t || i == 0) return;
    struct tl_event *vu = &b->events[i - 1];
    if (vu->kind != TL_EV_VALUE_USE || vu->ticket != t || !(vu->flags & TL_F_CAST)) return;
    memmove(vu, vu + 1, (b->nevents - i) * sizeof *vu);
    b->nevents--;
    for (uint32_t k = 0; k < fe->known.size; k++)     /* what plain locals hold moved too */
      if (fe->known.data[k].block == fe->cur && fe->known.data[k].index >= i)
        fe->known.data[k].index--;
    return;
  }
}

/* The summarised element slot of an array-of-tickets argument. */
static tl_slot_id tickets_slot(struct fe *fe, struct tl_argref r, const struct val *args,
                               unsigned nargs) {
  if (r.index < 0 || (unsigned)r.index >= nargs) return TL_SLOT_NONE;
  const struct val *v = &args[r.index];
  if (r.deref) return role_slot(fe, r, args, nargs, TL_SLOT_NONE);
  if (v->addr) return v->addr;
  return elem_of(fe, v->slot, v->type, 1);
}

/* The name of the function an argument designates (`f`, `&f`, `(tk_fn)f`), or NULL. */
static const char *fn_arg_name(struct fe *fe, CXCursor a) {
  for (int depth = 0; depth < 8; depth++) {
    a = strip(fe, a);
    enum CXCursorKind k = clang_getCursorKind(a);
    if (k == CXCursor_DeclRefExpr) {
      CXCursor ref = clang_getCursorReferenced(a);
      if (clang_getCursorKind(ref) != CXCursor_FunctionDecl) return NULL;
      return take(fe, clang_getCursorSpelling(ref));
    }
    if (k == CXCursor_CStyleCastExpr || k == CXCursor_UnaryOperator) {
      a = last_kid(fe, a);
      if (clang_Cursor_isNull(a)) return NULL;
      continue;
    }
    return NULL;
  }
  return NULL;
}

static void note_fnref(struct fe *fe, struct tl_argref r, CXCursor call, unsigned nargs,
                       uint32_t flag) {
  if (r.index < 0 || (unsigned)r.index >= nargs) return;
  const char *name = fn_arg_name(fe, clang_Cursor_getArgument(call, (unsigned)r.index));
  if (!name) return;
  struct fnref ref = {name, flag};
  if (tl_array_push(&fe->fnrefs, ref) < 0) set_err(fe, TL_ENOMEM);
}

/* What header_helper_runs_loop's walk of a body looks for. */
struct loop_walk {
  struct fe *fe;
  unsigned visited;
  int found;
};

static enum CXChildVisitResult find_loop_run(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  struct loop_walk *w = data;
  if (++w->visited > 4096) return CXChildVisit_Break;
  if (clang_getCursorKind(c) == CXCursor_CallExpr) {
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
      CXString s = clang_getCursorSpelling(ref);
      const char *cs = clang_getCString(s);
      const struct tl_model_fn *m = cs ? tl_models_find_in(w->fe->models, &w->fe->active, cs)
                                       : NULL;
      clang_disposeString(s);
      if (m && m->runs_loop) {
        w->found = 1;
        return CXChildVisit_Break;
      }
    }
  }
  return CXChildVisit_Recurse;
}

/* A function defined in a header of the project (not the main file, not a system header),
 * whose body calls a `runs-loop` function itself: libuv's tests run the loop in
 * close_loop(), a static function of test/task.h. Functions of the main file are the
 * summary's and lifecycle's (tl_lc_runs_loop); headers' are not lowered, so their bodies
 * are only read for this. Cached by name. */
static int header_helper_runs_loop(struct fe *fe, CXCursor decl, const char *name) {
  struct name_ent *e = name_get(fe, name);
  if (!e) return 0;
  if (e->runs_loop >= 0) return e->runs_loop;
  e->runs_loop = 0;
  CXCursor def = clang_getCursorDefinition(decl);
  if (clang_Cursor_isNull(def)) return 0;
  CXSourceLocation at = clang_getCursorLocation(def);
  if (clang_Location_isFromMainFile(at) || clang_Location_isInSystemHeader(at)) return 0;
  struct loop_walk w = {fe, 0, 0};
  clang_visitChildren(def, find_loop_run, &w);
  e->runs_loop = (int8_t)w.found;
  return w.found;
}

static int callee_noreturn(struct fe *fe, CXCursor decl, const char *name) {
  struct name_ent *e = name_get(fe, name);
  if (!e) return 0;
  if (e->noreturn >= 0) return e->noreturn;
  int nr = 0;
  for (size_t i = 0; noreturn_names[i]; i++)
    if (strcmp(noreturn_names[i], name) == 0) nr = 1;
  if (!nr) {
    CXString s = clang_getTypeSpelling(clang_getCursorType(decl));
    const char *cs = clang_getCString(s);
    nr = cs && strstr(cs, "noreturn") != NULL;
    clang_disposeString(s);
  }
  if (!nr) {                              /* _Noreturn, [[noreturn]]: an unexposed attribute */
    uint32_t base, n = kids_push(fe, decl, &base);
    for (uint32_t i = 0; i < n && !nr; i++) {
      CXCursor k = kid(fe, base, i);
      if (clang_getCursorKind(k) != CXCursor_UnexposedAttr) continue;
      CXToken *toks = NULL;
      unsigned nt = 0;
      clang_tokenize(fe->tu, clang_getCursorExtent(k), &toks, &nt);
      for (unsigned t = 0; t < nt && t < 4; t++) {
        CXString s = clang_getTokenSpelling(fe->tu, toks[t]);
        const char *cs = clang_getCString(s);
        if (cs && (strcmp(cs, "_Noreturn") == 0 || strcmp(cs, "noreturn") == 0
                   || strcmp(cs, "__noreturn__") == 0))
          nr = 1;
        clang_disposeString(s);
      }
      if (toks) clang_disposeTokens(fe->tu, toks, nt);
    }
    kids_pop(fe, base);
  }
  e->noreturn = (int8_t)nr;
  return nr;
}

/* TL_F_MACRO: the call comes from a macro body other than a wrapper of the same name (the
 * runtime's call-site macros). The token where the call starts in the user's text is the
 * callee's name for a plain call, a wrapper or a call written in a macro argument, and
 * another macro's name otherwise. */
static int call_in_macro(struct fe *fe, CXCursor c, const char *callee) {
  if (!callee) return 0;
  uint32_t off = file_off(fe, clang_getCursorLocation(c));
  if (off == NO_OFF) return 1;
  uint32_t i = tok_lower(fe, off);
  if (i >= fe->ntoks || fe->tk[i].off != off) return 1;
  if (fe->tk[i].hash != str_hash(callee)) return 1;
  const char *name = tok_text_at(fe, off);
  return !name || strcmp(name, callee) != 0;
}

/* TL_F_NOT_TICKET: the argument of ticket role r is no ticket: a null pointer constant, a
 * model `sentinel`, or a cast from a type that is neither a ticket, nor a pointer to or an
 * array of tickets, nor `void *` (a ticket passed through a context pointer is trusted).
 * With `sentinel_ok` (model `accepts-sentinel`) the call is defined on a null or sentinel
 * ticket passed by value, and only a cast counts. */
static int arg_not_ticket(struct fe *fe, CXCursor call, struct tl_argref r,
                          const struct val *args, unsigned nargs, int sentinel_ok) {
  if (r.index < 0 || (unsigned)r.index >= nargs) return 0;
  int constant_ok = sentinel_ok && !r.deref;
  if (val_is_null(&args[r.index])) return !constant_ok;
  CXCursor a = strip(fe, clang_Cursor_getArgument(call, (unsigned)r.index));
  if (!r.deref && clang_getCursorKind(a) == CXCursor_DeclRefExpr) {
    const char *name = take(fe, clang_getCursorSpelling(a));
    if (tl_models_is_sentinel(fe->models, name)) return !constant_ok;
  } else if (!r.deref) {
    const char *text = tok_text_range(fe, start_off(fe, a), end_off(fe, a));
    if (text && tl_models_is_sentinel(fe->models, text)) return !constant_ok;
  }
  int cast = 0;
  for (int depth = 0; depth < 8 && clang_getCursorKind(a) == CXCursor_CStyleCastExpr; depth++) {
    a = last_kid(fe, a);
    if (clang_Cursor_isNull(a)) return 0;
    a = strip(fe, a);
    cast = 1;
  }
  if (!cast) return 0;
  uint8_t ti = type_info(fe, clang_getCursorType(a));
  return !(ti & (TI_TICKET | TI_ELEM_TICKET | TI_VOIDPTR));
}

/* The function a model's async-fn=, offload-fn= or callback= argument names, or NULL. */
static const char *model_fn_arg(struct fe *fe, const struct tl_model_fn *m, CXCursor call,
                                unsigned nargs) {
  const struct tl_argref *refs[] = {&m->async_fn, &m->offload_fn, &m->callback};
  for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
    if (refs[i]->index >= 0 && (unsigned)refs[i]->index < nargs)
      return fn_arg_name(fe, clang_Cursor_getArgument(call, (unsigned)refs[i]->index));
  return NULL;
}

/* glibc's error(status, errnum, fmt, ...) and error_at_line(status, ...) call exit(status)
 * when status is nonzero (error(3)): with a nonzero constant status, declared in a system
 * header (not a function of your own called `error`), the call never returns. */
static int exits_on_status(CXCursor decl, const char *name, const struct val *status) {
  if (strcmp(name, "error") != 0 && strcmp(name, "error_at_line") != 0) return 0;
  if (!clang_Location_isInSystemHeader(clang_getCursorLocation(decl))) return 0;
  struct val v = *status;
  if (!v.is_const) return 0;
  if (!v.has_value) eval_const(&v);
  return v.has_value && v.value != 0;
}

static enum tl_ev_kind ev_of_model(enum tl_model_event me) {
  switch (me) {
  case TL_ME_START:     return TL_EV_START;
  case TL_ME_AWAIT:     return TL_EV_AWAIT;
  case TL_ME_AWAIT_ALL: return TL_EV_AWAIT_ALL;
  case TL_ME_POLL:      return TL_EV_POLL;
  case TL_ME_READ:      return TL_EV_READ;
  case TL_ME_DETACH:    return TL_EV_DETACH;
  case TL_ME_CONSUME:   return TL_EV_CONSUME;
  case TL_ME_SETTLE:    return TL_EV_SETTLE;
  case TL_ME_BLOCKING:  return TL_EV_BLOCKING;
  case TL_ME_LOCK:      return TL_EV_LOCK;
  case TL_ME_UNLOCK:    return TL_EV_UNLOCK;
  case TL_ME_FREE:      return TL_EV_CALL;      /* a CALL whose aux is the freed buffer */
  case TL_ME_CREATE:    return TL_EV_CREATE;
  case TL_ME_CANCEL:    return TL_EV_CALL;      /* a CALL whose ticket is the cancelled one */
  case TL_ME_USE:       return TL_EV_CALL;      /* a CALL whose ticket is the one used */
  case TL_ME_EXIT:      return TL_EV_CALL;      /* a CALL that never returns */
  case TL_ME_REAP:      return TL_EV_CALL;      /* a CALL whose owner is the reaped one */
  }
  return TL_EV_CALL;
}

static void lower_call(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  CXCursor ref = clang_getCursorReferenced(c);
  const char *name = NULL;
  if (clang_getCursorKind(ref) == CXCursor_FunctionDecl)
    name = take(fe, clang_getCursorSpelling(ref));
  int nargs_i = clang_Cursor_getNumArguments(c);
  unsigned nargs = nargs_i > 0 ? (unsigned)nargs_i : 0;

  /* __builtin_expect(x, v) is x: keep the condition normalisable. */
  if (name && strcmp(name, "__builtin_expect") == 0 && nargs >= 1) {
    lower_expr(fe, clang_Cursor_getArgument(c, 0), w, out);
    return;
  }

  uint32_t mark = fe->uses.size;
  if (!name) {                                   /* through a pointer: reads the pointer */
    uint32_t base, n = kids_push(fe, c, &base);
    CXCursor callee = n ? kid(fe, base, 0) : clang_getNullCursor();
    kids_pop(fe, base);
    if (!clang_Cursor_isNull(callee)) {
      struct val cv;
      lower_expr(fe, callee, want_value(), &cv);
    }
  }
  struct val small[8];
  struct val *args = nargs <= 8 ? small : calloc(nargs, sizeof *args);
  if (!args) { set_err(fe, TL_ENOMEM); return; }
  for (unsigned i = 0; i < nargs; i++) {
    struct want aw = {.kind = W_VALUE, .arg = 1};
    lower_expr(fe, clang_Cursor_getArgument(c, i), aw, &args[i]);
  }

  const struct tl_model_fn *m = name ? tl_models_find_in(fe->models, &fe->active, name) : NULL;
  if (!m && name) m = annotated_model(fe, ref, name);   /* the models win */
  CXType rtype = clang_getCursorType(c);
  tl_slot_id res = TL_SLOT_NONE;
  if (w.kind == W_INTO) {
    res = w.dst;
    out->wrote = 1;
  } else if (w.kind == W_VALUE && !(type_info(fe, rtype) & TI_VOID)) {
    res = new_temp(fe, name ? name : "(*)", 1, rtype, loc_of(c));
  }

  struct tl_loc loc = loc_of(c);
  struct tl_event ev = {.kind = TL_EV_CALL, .loc = loc, .callee = name, .model = m,
                        .uses = NULL, .nuses = 0};
  if (call_in_macro(fe, c, name)) ev.flags |= TL_F_MACRO;
  int ticket_arg = -1, tickets_arg = -1;
  int discarded = w.kind == W_DISCARD || w.kind == W_VOID;
  uint32_t discard_flag = w.kind == W_VOID ? TL_F_VOID_CAST : TL_F_DISCARDED;
  if (m) {
    ev.kind = ev_of_model(m->event);
    ticket_arg = m->ticket.index;
    tickets_arg = m->tickets.index;
    switch (m->event) {
    case TL_ME_START:
      if (m->sync_without_cb && m->callback.index >= 0 && (unsigned)m->callback.index < nargs &&
          val_is_null(&args[m->callback.index])) {
        /* No callback: the call runs synchronously, blocks, and leaves its result in the
         * request, which is then no pending ticket (nothing to wait for). */
        tl_slot_id req = role_slot(fe, m->ticket, args, nargs, res);
        if (req && req != res) emit(fe, &(struct tl_event){.kind = TL_EV_ASSIGN, .dst = req,
                                                          .loc = loc});
        ev.kind = TL_EV_BLOCKING;
        ev.dst = res;
        break;
      }
      ev.ticket = role_slot(fe, m->ticket, args, nargs, res);
      if (m->ticket.index == TL_ARG_RET && discarded) ev.flags |= discard_flag;
      if (m->ticket.index != TL_ARG_RET) ev.dst = res;
      if (m->lend.index != TL_ARG_NONE) {
        ev.aux = role_slot(fe, m->lend, args, nargs, res);
        ev.flags |= TL_F_LENDS | fixed_buffer_flag(fe, c, m->lend, nargs);
        if (!(ev.flags & TL_F_FIXED_BUFFER)) ev.offset = buffer_offset(fe, c, m->lend, nargs);
      } else if (m->fill.index != TL_ARG_NONE) {
        ev.aux = role_slot(fe, m->fill, args, nargs, res);
        ev.flags |= TL_F_FILLS | fixed_buffer_flag(fe, c, m->fill, nargs);
        if (!(ev.flags & TL_F_FIXED_BUFFER)) ev.offset = buffer_offset(fe, c, m->fill, nargs);
      } else if (m->persistent && ev.ticket) {
        made_lend(fe, &ev);
      }
      if (m->timer) ev.flags |= TL_F_TIMER;
      ev.owner = role_slot(fe, m->owner, args, nargs, res);
      if (m->offload_fn.index != TL_ARG_NONE) ev.flags |= TL_F_OFFLOAD;
      if (m->ticket.deref && m->ticket.index >= 0 && (unsigned)m->ticket.index < nargs &&
          val_is_null(&args[m->ticket.index]))
        ev.flags |= TL_F_NOT_TICKET;              /* the ticket has nowhere to go */
      break;
    case TL_ME_AWAIT:
    case TL_ME_AWAIT_ALL:
      if (m->event == TL_ME_AWAIT) ev.ticket = role_slot(fe, m->ticket, args, nargs, res);
      else ev.ticket = tickets_slot(fe, m->tickets, args, nargs);
      ev.dst = role_slot(fe, m->value, args, nargs, res);
      ev.aux = role_slot(fe, m->status, args, nargs, res);
      if (m->partial_on_error && m->status.index == TL_ARG_NONE)
        ev.aux = res;             /* its returned code, which tl_lc_refine tests */
      if (m->event == TL_ME_AWAIT_ALL && !m->count.deref)    /* how many it waits for */
        ev.owner = role_slot(fe, m->count, args, nargs, res);
      if (m->status.index == TL_ARG_RET && discarded)
        ev.flags |= TL_F_STATUS_DISCARDED | (w.kind == W_VOID ? TL_F_VOID_CAST : 0);
      break;
    case TL_ME_POLL:
      ev.ticket = role_slot(fe, m->ticket, args, nargs, res);
      if (m->ticket.index == TL_ARG_NONE && m->completes)   /* all of them, when done */
        ev.ticket = tickets_slot(fe, m->tickets, args, nargs);
      ev.dst = role_slot(fe, m->flag, args, nargs, res);
      break;
    case TL_ME_READ:
      ev.ticket = role_slot(fe, m->ticket, args, nargs, res);
      if (m->value.index != TL_ARG_NONE) ev.dst = role_slot(fe, m->value, args, nargs, res);
      else if (m->status.index != TL_ARG_NONE)
        ev.dst = role_slot(fe, m->status, args, nargs, res);
      else ev.dst = res;
      break;
    case TL_ME_DETACH:
    case TL_ME_CONSUME:
    case TL_ME_SETTLE:
      ev.ticket = role_slot(fe, m->ticket, args, nargs, res);
      ev.dst = res;
      break;
    case TL_ME_LOCK:
    case TL_ME_UNLOCK: {
      struct tl_argref r = m->mutex.index != TL_ARG_NONE ? m->mutex : m->ticket;
      if (r.index == TL_ARG_NONE) r = (struct tl_argref){0, 0};
      if (r.index >= 0 && (unsigned)r.index < nargs) {
        const struct val *v = &args[r.index];
        ev.aux = r.deref ? role_slot(fe, r, args, nargs, res) : (v->addr ? v->addr : v->slot);
      }
      ev.dst = res;
      break;
    }
    case TL_ME_BLOCKING:
      ev.dst = res;
      if (m->timer) ev.flags |= TL_F_TIMER;
      if (m->runs_loop) ev.flags |= TL_F_RUNS_LOOP;
      break;
    case TL_ME_FREE:
      ev.aux = role_slot(fe, m->buffer, args, nargs, res);
      ev.dst = res;
      break;
    case TL_ME_CREATE:
    case TL_ME_CANCEL:
    case TL_ME_USE:
      ev.ticket = role_slot(fe, m->ticket, args, nargs, res);
      ev.owner = role_slot(fe, m->owner, args, nargs, res);
      ev.dst = res;
      keep_held(fe, ev.ticket, role_slot(fe, m->holder, args, nargs, res));
      if (m->event == TL_ME_CREATE && m->lend.index != TL_ARG_NONE)
        made_note(fe, ev.ticket, role_slot(fe, m->lend, args, nargs, res),
                  TL_F_LENDS | fixed_buffer_flag(fe, c, m->lend, nargs));
      else if (m->event == TL_ME_CREATE && m->fill.index != TL_ARG_NONE)
        made_note(fe, ev.ticket, role_slot(fe, m->fill, args, nargs, res),
                  TL_F_FILLS | fixed_buffer_flag(fe, c, m->fill, nargs));
      break;
    case TL_ME_EXIT:
      ev.flags |= TL_F_NORETURN;
      break;
    case TL_ME_REAP:
      ev.owner = role_slot(fe, m->owner, args, nargs, res);
      ev.dst = res;
      break;
    }
    if (m->event != TL_ME_START && m->event != TL_ME_BLOCKING && m->event != TL_ME_LOCK &&
        m->event != TL_ME_UNLOCK && m->event != TL_ME_CREATE && m->event != TL_ME_EXIT &&
        m->event != TL_ME_REAP &&
        arg_not_ticket(fe, c, m->ticket.index != TL_ARG_NONE ? m->ticket : m->tickets, args,
                       nargs, m->accepts_sentinel))
      ev.flags |= TL_F_NOT_TICKET;
    ev.fn_arg = model_fn_arg(fe, m, c, nargs);
    note_fnref(fe, m->async_fn, c, nargs, TL_FN_ASYNC_PASSED);
    note_fnref(fe, m->callback, c, nargs, TL_FN_CALLBACK);
    note_fnref(fe, m->offload_fn, c, nargs, TL_FN_OFFLOADED);
  } else {
    ev.dst = res;
    if (discarded) ev.flags |= discard_flag;   /* a same-file helper may return a ticket */
  }
  /* A named call keeps its arguments: the summary pass (summary.h) maps an unmodelled
   * callee's parameter roles onto them, and asks what a modelled one may write. */
  struct tl_arg small_args[8], *call_args = NULL;
  if (name && nargs) {
    call_args = nargs <= 8 ? small_args : calloc(nargs, sizeof *call_args);
    if (!call_args) set_err(fe, TL_ENOMEM);
    for (unsigned i = 0; call_args && i < nargs; i++)
      call_args[i] = (struct tl_arg){args[i].slot, args[i].addr,
                                     args[i].is_const && args[i].has_value, args[i].value};
    if (call_args) ev.args = call_args, ev.nargs = nargs;
  }
  int noreturn = !m && name && callee_noreturn(fe, ref, name);
  if (!m && name && !noreturn && nargs >= 1 && exits_on_status(ref, name, &args[0]))
    noreturn = 1;
  if (noreturn) ev.flags |= TL_F_NORETURN;
  if (!m && name && header_helper_runs_loop(fe, ref, name)) ev.flags |= TL_F_RUNS_LOOP;

  /* Tickets handed to anything but a ticket role escape. */
  for (unsigned i = 0; i < nargs; i++) {
    if ((int)i == ticket_arg || (int)i == tickets_arg) continue;
    const struct val *v = &args[i];
    tl_slot_id t = TL_SLOT_NONE;
    if (v->slot && (slot(fe, v->slot)->flags & TL_SLOT_TICKET)) t = v->slot;
    else if (v->addr && (slot(fe, v->addr)->flags & TL_SLOT_TICKET)) t = v->addr;
    else if (v->slot && (type_info(fe, v->type) & TI_ELEM_TICKET))
      t = elem_of(fe, v->slot, v->type, 0);
    if (t) {
      emit_simple(fe, TL_EV_ESCAPE, 0, t, loc_of(clang_Cursor_getArgument(c, i)));
      continue;
    }
    /* `&s` or `p` of an aggregate: the tickets already tracked inside it escape too. */
    tl_slot_id agg = v->addr ? v->addr : v->slot;
    if (!agg) continue;
    for (tl_slot_id k = agg + 1; k < fe->f->nslots; k++) {
      if (!(slot(fe, k)->flags & TL_SLOT_TICKET)) continue;
      tl_slot_id up = slot(fe, k)->parent;
      while (up && up != agg) up = slot(fe, up)->parent;
      if (up == agg)
        emit_simple(fe, TL_EV_ESCAPE, 0, k, loc_of(clang_Cursor_getArgument(c, i)));
    }
  }
  ev.uses = fe->uses.data + mark;
  ev.nuses = fe->uses.size - mark;
  emit(fe, &ev);
  if (args != small) free(args);
  if (call_args != small_args) free(call_args);
  fe->uses.size = mark;

  if (noreturn && fe->cur != NO_BLOCK) jump_to(fe, fe->f->exit);

  out->is_call = 1;
  out->slot = res;
  if (w.kind == W_VALUE) push_use(fe, res);
}

/* `c ? a : b` outside a condition: each arm writes the destination. */
static void lower_ternary(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n != 3) {                         /* GNU `a ?: b`: not split */
    kids_pop(fe, base);
    lower_generic(fe, c);
    return;
  }
  CXCursor cc = kid(fe, base, 0), a = kid(fe, base, 1), b = kid(fe, base, 2);
  kids_pop(fe, base);
  uint32_t t = new_block(fe), f = new_block(fe), join = new_block(fe);
  uint32_t mark = fe->uses.size;
  lower_cond(fe, cc, t, f);
  fe->uses.size = mark;
  tl_slot_id dst = TL_SLOT_NONE;
  if (w.kind == W_INTO) dst = w.dst;
  else if (w.kind == W_VALUE && !(type_info(fe, clang_getCursorType(c)) & TI_VOID))
    dst = new_temp(fe, "?:", 0, clang_getCursorType(c), loc_of(c));
  CXCursor arms[2] = {a, b};
  uint32_t blocks[2] = {t, f};
  for (int i = 0; i < 2; i++) {
    fe->cur = blocks[i];
    if (dst) lower_into(fe, arms[i], dst, arms[i]);
    else {
      struct val v;
      struct want aw = {.kind = w.kind == W_VOID ? W_VOID : W_DISCARD};
      lower_expr(fe, arms[i], aw, &v);
      fe->uses.size = mark;
    }
    jump_to(fe, join);
  }
  fe->cur = join;
  out->slot = dst;
  out->wrote = w.kind == W_INTO;
  if (w.kind == W_VALUE) push_use(fe, dst);
}

/* 1 when v is a pointer to an object: of pointer type, not a constant, and not a value
 * cast to a pointer (`(void *)n`; a cast of a pointer, `(void *)p`, still is one). */
static int val_is_object_pointer(struct fe *fe, const struct val *v) {
  if (v->is_const || clang_Cursor_isNull(v->cx)) return 0;
  CXCursor a = strip(fe, v->cx);
  for (int depth = 0; depth < 8 && clang_getCursorKind(a) == CXCursor_CStyleCastExpr; depth++) {
    a = last_kid(fe, a);
    if (clang_Cursor_isNull(a)) return 0;
    a = strip(fe, a);
  }
  return (type_info(fe, clang_getCursorType(a)) & TI_POINTER) != 0;
}

/* Both operands of a comparison, and the VALUE_USE it implies. `t == p` and `t != p` with a
 * pointer ticket and a pointer to an object of any type (a `gpointer` holding a task, a
 * weak pointer) ask whether both name the same object: an identity test, like `t == u`
 * between two tickets or `t == NULL`, not a read of the ticket's value. */
static void lower_compare(struct fe *fe, CXCursor c, enum op op, CXCursor l, CXCursor r,
                          struct val *lv, struct val *rv) {
  lower_expr(fe, l, want_value(), lv);
  lower_expr(fe, r, want_value(), rv);
  int lt = val_is_ticket(fe, lv), rt = val_is_ticket(fe, rv);
  int identity = (op == OP_EQ || op == OP_NE) &&
                 val_is_ptr_ticket(fe, lt ? lv : rv) && val_is_object_pointer(fe, lt ? rv : lv);
  if (lt && !rt && !val_is_null(rv) && !identity) value_use(fe, lv, TL_F_COMPARE, c);
  if (rt && !lt && !val_is_null(lv) && !identity) value_use(fe, rv, TL_F_COMPARE, c);
}

static void lower_generic(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  for (uint32_t i = 0; i < n; i++) {
    CXCursor k = kid(fe, base, i);
    if (!clang_isExpression(clang_getCursorKind(k))) continue;
    struct val v;
    lower_expr(fe, k, want_value(), &v);
  }
  kids_pop(fe, base);
}

static void lower_binary(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n != 2) { kids_pop(fe, base); lower_generic(fe, c); return; }
  CXCursor l = kid(fe, base, 0), r = kid(fe, base, 1);
  kids_pop(fe, base);
  enum op op = binop_of(fe, c, l, r);
  struct val lv, rv;
  switch (op) {
  case OP_COMMA: {
    uint32_t mark = fe->uses.size;
    lower_expr(fe, l, want_discard(), &lv);
    fe->uses.size = mark;
    lower_expr(fe, r, w, out);
    return;
  }
  case OP_ASSIGN: {
    CXType lt;
    tl_slot_id dst = lvalue(fe, l, &lt);
    if (dst) {
      lower_into(fe, r, dst, c);
    } else {
      uint32_t mark = fe->uses.size;
      lower_expr(fe, r, want_value(), &rv);
      if (rv.slot && (slot(fe, rv.slot)->flags & TL_SLOT_TICKET))
        emit_simple(fe, TL_EV_ESCAPE, 0, rv.slot, loc_of(c));   /* stored who knows where */
      fe->uses.size = mark;
    }
    out->slot = dst;
    out->type = lt;
    if (w.kind == W_VALUE || w.kind == W_INTO) push_use(fe, dst);
    return;
  }
  case OP_LAND:
  case OP_LOR: {
    uint32_t t = new_block(fe), f = new_block(fe), join = new_block(fe);
    lower_cond(fe, c, t, f);
    fe->cur = t;
    jump_to(fe, join);
    fe->cur = f;
    jump_to(fe, join);
    fe->cur = join;
    return;
  }
  default:
    break;
  }
  if (op_is_compare(op)) {
    lower_compare(fe, c, op, l, r, &lv, &rv);
    out->is_const = lv.is_const && rv.is_const;
    return;
  }
  lower_expr(fe, l, want_value(), &lv);
  lower_expr(fe, r, want_value(), &rv);
  if (op == OP_ADD || op == OP_SUB || op == OP_ARITH) {
    if (val_is_ticket(fe, &lv)) value_use(fe, &lv, TL_F_ARITH, c);
    if (val_is_ticket(fe, &rv)) value_use(fe, &rv, TL_F_ARITH, c);
    uint8_t lti = type_info(fe, lv.type);
    if ((op == OP_ADD || op == OP_SUB) && (lti & (TI_POINTER | TI_ARRAY)) &&
        !val_is_ticket(fe, &lv)) {
      out->addr = lv.addr ? lv.addr : elem_of(fe, lv.slot, lv.type, 1);   /* a + i */
    }
  }
  out->is_const = lv.is_const && rv.is_const;
}

static void lower_compound_assign(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n != 2) { kids_pop(fe, base); lower_generic(fe, c); return; }
  CXCursor l = kid(fe, base, 0), r = kid(fe, base, 1);
  kids_pop(fe, base);
  CXType lt;
  uint32_t mark = fe->uses.size;
  tl_slot_id dst = lvalue(fe, l, &lt);
  push_use(fe, dst);
  struct val rv;
  lower_expr(fe, r, want_value(), &rv);
  struct val dv = {.slot = dst, .type = lt};
  if (val_is_ticket(fe, &dv)) value_use(fe, &dv, TL_F_ARITH, c);
  if (val_is_ticket(fe, &rv)) value_use(fe, &rv, TL_F_ARITH, c);
  if (dst) {
    struct tl_event ev = {.kind = TL_EV_ASSIGN, .dst = dst, .loc = loc_of(c),
                          .uses = fe->uses.data + mark, .nuses = fe->uses.size - mark};
    emit(fe, &ev);
  }
  fe->uses.size = mark;
  out->slot = dst;
  out->type = lt;
  if (w.kind == W_VALUE || w.kind == W_INTO) push_use(fe, dst);
}

static void lower_unary(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  CXCursor o = only_kid(fe, c);
  if (clang_Cursor_isNull(o)) { lower_generic(fe, c); return; }
  enum op op = unop(fe, c, o);
  struct val v;
  switch (op) {
  case OP_ADDR: {
    tl_slot_id s = lvalue(fe, o, NULL);
    if (s) slot(fe, s)->flags |= TL_SLOT_ADDR;
    out->addr = s;
    push_use(fe, s);
    if (!w.arg) escape_addr(fe, s, c);
    return;
  }
  case OP_DEREF: {
    tl_slot_id s = lvalue(fe, c, NULL);
    out->slot = s;
    push_use(fe, s);
    return;
  }
  case OP_INCDEC: {
    CXType t;
    uint32_t mark = fe->uses.size;
    tl_slot_id dst = lvalue(fe, o, &t);
    struct val dv = {.slot = dst, .type = t};
    if (val_is_ticket(fe, &dv)) value_use(fe, &dv, TL_F_ARITH, c);
    if (dst) {
      struct tl_event ev = {.kind = TL_EV_ASSIGN, .dst = dst, .loc = loc_of(c), .nuses = 1,
                            .uses = &dst};
      emit(fe, &ev);
    }
    fe->uses.size = mark;
    out->slot = dst;
    out->type = t;
    if (w.kind == W_VALUE || w.kind == W_INTO) push_use(fe, dst);
    return;
  }
  case OP_NOT:
    lower_expr(fe, o, want_value(), &v);
    if (val_is_ticket(fe, &v) && !val_is_ptr_ticket(fe, &v))
      value_use(fe, &v, TL_F_IN_COND, c);
    out->is_const = v.is_const;
    return;
  case OP_NEG:
    lower_expr(fe, o, want_value(), &v);
    if (val_is_ticket(fe, &v)) value_use(fe, &v, TL_F_ARITH, c);
    out->is_const = v.is_const;
    return;
  default:
    lower_expr(fe, o, want_value(), &v);
    return;
  }
}

/* 1 when `c` designates a variable that is a model `failure-counter` (a local, a global or
 * a static, matched by name). */
static int is_failure_counter(struct fe *fe, CXCursor c) {
  c = strip(fe, c);
  if (clang_getCursorKind(c) != CXCursor_DeclRefExpr) return 0;
  CXCursor d = clang_getCursorReferenced(c);
  if (clang_getCursorKind(d) != CXCursor_VarDecl) return 0;
  CXString name = clang_getCursorSpelling(d);
  int yes = tl_models_is_failure_counter(fe->models, clang_getCString(name));
  clang_disposeString(name);
  return yes;
}

/* The spellings of up to `max` tokens from where the expression `c` starts, as they are
 * written, also inside a macro body (where the file tokens show the macro's name): clang
 * lexes a range at the start's spelling, the one place libclang 14 exposes it. Each
 * spelling is cut to 7 bytes. Returns how many were read. */
static unsigned spelled_tokens(struct fe *fe, CXCursor c, char (*out)[8], unsigned max) {
  CXSourceLocation at = clang_getRangeStart(clang_getCursorExtent(c));
  CXToken *first = NULL, *toks = NULL;
  unsigned nfirst = 0, n = 0, got = 0;
  clang_tokenize(fe->tu, clang_getRange(at, at), &first, &nfirst);
  if (nfirst == 0) return 0;
  CXFile file;
  unsigned off;
  clang_getFileLocation(clang_getRangeStart(clang_getTokenExtent(fe->tu, first[0])), &file,
                        NULL, NULL, &off);
  clang_disposeTokens(fe->tu, first, nfirst);
  size_t size = 0;
  if (!file || !clang_getFileContents(fe->tu, file, &size)) return 0;
  unsigned to = size - off > 64 ? off + 64 : (unsigned)size;    /* a few tokens' worth */
  clang_tokenize(fe->tu, clang_getRange(clang_getLocationForOffset(fe->tu, file, off),
                                        clang_getLocationForOffset(fe->tu, file, to)),
                 &toks, &n);
  for (; got < n && got < max; got++) {
    CXString sp = clang_getTokenSpelling(fe->tu, toks[got]);
    const char *cs = clang_getCString(sp);
    snprintf(out[got], sizeof out[got], "%s", cs ? cs : "");
    clang_disposeString(sp);
  }
  if (toks) clang_disposeTokens(fe->tu, toks, n);
  return got;
}

/* 1 when `c`, a unary or compound-assignment operator, increments a failure counter by a
 * positive constant: `errs++`, `++errs`, `errs += 2`; not a decrement, not `errs += f()`.
 * The operator is read where it is spelled, also in a macro body (`#define check(x) if
 * (!(x)) ++errs`). */
static int counts_failure(struct fe *fe, CXCursor c) {
  enum CXCursorKind k = clang_getCursorKind(c);
  uint32_t base, n = kids_push(fe, c, &base);
  CXCursor lhs = n >= 1 ? kid(fe, base, 0) : clang_getNullCursor();
  CXCursor rhs = n == 2 ? kid(fe, base, 1) : clang_getNullCursor();
  kids_pop(fe, base);
  if ((k == CXCursor_UnaryOperator ? n != 1 : n != 2) || !is_failure_counter(fe, lhs))
    return 0;
  char tok[2][8];
  unsigned nt = spelled_tokens(fe, c, tok, 2);
  if (nt == 0) return 0;
  if (k == CXCursor_UnaryOperator)                 /* `++errs`, or `errs ++` */
    return strcmp(tok[0], "++") == 0 || (nt == 2 && strcmp(tok[1], "++") == 0 &&
                                         strcmp(tok[0], "(") != 0);
  struct val rv = {.cx = rhs};
  eval_const(&rv);
  return nt == 2 && strcmp(tok[1], "+=") == 0 && rv.has_value && rv.value > 0;
}

/* An increment of a failure counter records that the run has failed: lowered as a call
 * that never returns (no callee, TL_F_NORETURN), as `exit(1)` is, so the path ends there. */
static void lower_failure(struct fe *fe, CXCursor c) {
  if (fe->cur == NO_BLOCK) return;
  emit_simple(fe, TL_EV_CALL, TL_F_NORETURN, TL_SLOT_NONE, loc_of(c));
  jump_to(fe, fe->f->exit);
}

/* An integer (or enum) type: MPICH's MPI_Request is an int handle. */
static int is_integer_type(CXType t) {
  CXType can = clang_getCanonicalType(t);
  return (can.kind >= CXType_Bool && can.kind <= CXType_Int128) || can.kind == CXType_Enum;
}

static void lower_cast(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  CXCursor o = last_kid(fe, c);
  if (clang_Cursor_isNull(o) || !clang_isExpression(clang_getCursorKind(o))) return;
  CXType ct = clang_getCursorType(c);
  uint8_t cti = type_info(fe, ct);
  if (cti & TI_VOID) {                                    /* (void)e */
    struct want vw = {.kind = W_VOID};
    uint32_t mark = fe->uses.size;
    lower_expr(fe, o, vw, out);
    fe->uses.size = mark;
    memset(out, 0, sizeof *out);
    out->cx = c;
    out->type = ct;
    return;
  }
  /* Is this a cast of a ticket to a plain value? Then the operand is computed first.
   * Not when the cast only renames the ticket: a pointer ticket seen as another typed
   * object pointer (GLib's G_TASK(res), G_IS_ASYNC_RESULT(res) cast to GTypeInstance *;
   * `void *` stays a value), or an integer handle as another integer (MPICH's
   * MPI_Request_c2f macro, (MPI_Fint)req). */
  CXType ot = clang_getCursorType(strip(fe, o));
  int value_cast = (type_info(fe, ot) & TI_TICKET) && !(cti & TI_TICKET)
                   && !((cti & TI_VOIDPTR) && w.arg)
                   && !((cti & TI_POINTER) && !(cti & TI_VOIDPTR)
                        && (type_info(fe, ot) & TI_POINTER))
                   && !(is_integer_type(ct) && is_integer_type(ot));
  if (value_cast || w.kind == W_DISCARD || w.kind == W_VOID) {
    struct want vw = want_value();
    vw.arg = w.arg;
    lower_expr(fe, o, value_cast ? vw : w, out);
    if (value_cast) value_use(fe, out, TL_F_CAST, c);
  } else {
    lower_expr(fe, o, w, out);                            /* transparent */
  }
  out->cx = c;
  out->type = ct;
}

static void lower_stmt_expr(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  CXCursor body = only_kid(fe, c);
  if (clang_Cursor_isNull(body)) return;
  uint32_t base, n = kids_push(fe, body, &base);
  for (uint32_t i = 0; i < n; i++) {
    CXCursor s = kid(fe, base, i);
    if (i + 1 == n && clang_isExpression(clang_getCursorKind(s))) {
      lower_expr(fe, s, w, out);
    } else {
      uint32_t mark = fe->uses.size;
      lower_stmt(fe, s);
      fe->uses.size = mark;
    }
  }
  kids_pop(fe, base);
}

static void lower_expr(struct fe *fe, CXCursor c, struct want w, struct val *out) {
  memset(out, 0, sizeof *out);
  out->cx = c;
  out->type = clang_getCursorType(c);
  if (fe->err) return;
  enum CXCursorKind k = clang_getCursorKind(c);
  switch (k) {
  case CXCursor_ParenExpr:
  case CXCursor_UnexposedExpr: {
    CXCursor in = only_kid(fe, c);
    if (!clang_Cursor_isNull(in) && clang_isExpression(clang_getCursorKind(in))) {
      lower_expr(fe, in, w, out);
      return;
    }
    if (k == CXCursor_UnexposedExpr) lower_generic(fe, c);
    return;
  }
  case CXCursor_IntegerLiteral:
  case CXCursor_CharacterLiteral:
    out->is_const = 1;
    eval_const(out);
    return;
  case CXCursor_FloatingLiteral:
  case CXCursor_StringLiteral:
  case CXCursor_UnaryExpr:                 /* sizeof, _Alignof: not evaluated */
    out->is_const = 1;
    return;
  case CXCursor_DeclRefExpr: {
    CXCursor ref = clang_getCursorReferenced(c);
    enum CXCursorKind rk = clang_getCursorKind(ref);
    if (rk == CXCursor_EnumConstantDecl) {
      out->is_const = out->has_value = 1;
      out->value = clang_getEnumConstantDeclValue(ref);
    } else if (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) {
      out->slot = var_slot(fe, ref);
      push_use(fe, out->slot);
    } else if (rk == CXCursor_FunctionDecl) {    /* a function pointer: called elsewhere */
      struct fnref r = {take(fe, clang_getCursorSpelling(ref)), TL_FN_ADDR_TAKEN};
      if (tl_array_push(&fe->fnrefs, r) < 0) set_err(fe, TL_ENOMEM);
    }
    return;
  }
  case CXCursor_MemberRefExpr:
  case CXCursor_ArraySubscriptExpr:
    out->slot = lvalue(fe, c, NULL);
    push_use(fe, out->slot);
    return;
  case CXCursor_CallExpr:
    lower_call(fe, c, w, out);
    return;
  case CXCursor_BinaryOperator:
    lower_binary(fe, c, w, out);
    return;
  case CXCursor_CompoundAssignOperator:
    lower_compound_assign(fe, c, w, out);
    if (counts_failure(fe, c)) lower_failure(fe, c);
    return;
  case CXCursor_UnaryOperator:
    lower_unary(fe, c, w, out);
    if (counts_failure(fe, c)) lower_failure(fe, c);
    return;
  case CXCursor_ConditionalOperator:
    lower_ternary(fe, c, w, out);
    return;
  case CXCursor_CStyleCastExpr:
    lower_cast(fe, c, w, out);
    return;
  case CXCursor_StmtExpr:
    lower_stmt_expr(fe, c, w, out);
    return;
  default:
    lower_generic(fe, c);
    return;
  }
}

/* ---- conditions ------------------------------------------------------------------------- */

static uint32_t cond_key(struct fe *fe, CXCursor c, const tl_slot_id *uses, uint32_t n) {
  uint32_t s = start_off(fe, c), e = end_off(fe, c);
  uint32_t h = FNV_INIT;
  if (s != NO_OFF && e != NO_OFF)
    for (uint32_t i = tok_lower(fe, s); i < fe->ntoks && fe->tk[i].end <= e; i++)
      h = fnv(h, &fe->tk[i].hash, sizeof fe->tk[i].hash);
  h = fnv(h, uses, n * sizeof *uses);
  return h ? h : 1;
}

/* A constant operand of a normalised comparison: its value and spelling. */
static int cond_constant(struct fe *fe, struct val *v, struct tl_cond *cond) {
  if (!v->is_const) return 0;
  if (!v->has_value) eval_const(v);
  if (!v->has_value) return 0;
  cond->value = v->value;
  cond->constant = tok_text_range(fe, start_off(fe, v->cx), end_off(fe, v->cx));
  return 1;
}

/* The variable a condition on slot s tests: the one s copies at the end of the block
 * (`long a = r; if (a < 0)` tests r), else s. A source it reads is pushed on the uses. */
static tl_slot_id cond_through_copy(struct fe *fe, tl_slot_id s) {
  const struct known *k = known_here(fe, s);
  if (!k || !k->src) return s;
  push_use(fe, k->src);
  return k->src;
}

/* A comparison of two variables, one a plain local holding a constant at the end of the
 * block: the comparison of the other (or the variable it copies) with that constant. An
 * assertion macro that copies both sides into locals before comparing them (libuv's
 * `ASSERT_EQ(r, UV_EDESTADDRREQ)`: `volatile int64_t eval_a = (int64_t)(r); volatile int64_t
 * eval_b = ...; if (!(eval_a == eval_b))`) tests r against the constant. 0 when neither
 * side is such a constant. */
static int cond_through_locals(struct fe *fe, enum op op, const struct val *lv,
                               const struct val *rv, struct tl_cond *cond) {
  for (int swapped = 0; swapped < 2; swapped++) {
    const struct val *var = swapped ? rv : lv, *cst = swapped ? lv : rv;
    if (!var->slot || var->is_const || !cst->slot || cst->is_const) continue;
    const struct known *k = known_here(fe, cst->slot);
    if (!k || k->src) continue;
    cond->cmp = cmp_of(op, swapped);
    cond->value = k->value;
    cond->constant = k->spelling;
    cond->slot = cond_through_copy(fe, var->slot);
    return 1;
  }
  return 0;
}

/* ---- macro arguments, read from the text ---------------------------------------------- */

#define PP_TOK 32           /* a token's text, truncated */
#define PP_ARGS_MAX 8       /* a macro's parameters or arguments looked at */

static int pp_ident_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_';
}

/* The next preprocessing token of s[*i..n) into out (truncated): an identifier or number, a
 * string or character literal, or a punctuator (two characters for `==`, `!=`, `<=`, `>=`,
 * `&&`, `||`, `<<`, `>>`, `->`, `++`, `--`, `##` and compound assignments). Skips blanks,
 * comments and backslash-newlines. 0 at the end, and with `line` at a newline (a directive's
 * end). */
static int pp_token(const char *s, size_t n, size_t *i, int line, char (*out)[PP_TOK]) {
  size_t p = *i;
  for (;;) {
    if (p >= n) { *i = n; return 0; }
    char ch = s[p];
    if (ch == '\\' && p + 1 < n && s[p + 1] == '\n') p += 2;
    else if (ch == '\\' && p + 2 < n && s[p + 1] == '\r' && s[p + 2] == '\n') p += 3;
    else if (ch == '\n' && line) { *i = p; return 0; }
    else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v' || ch == '\n') p++;
    else if (ch == '/' && p + 1 < n && s[p + 1] == '*') {
      for (p += 2; p + 1 < n && !(s[p] == '*' && s[p + 1] == '/'); p++) {}
      p += 2;
    } else if (ch == '/' && p + 1 < n && s[p + 1] == '/') {
      while (p < n && s[p] != '\n') p++;
    } else {
      break;
    }
  }
  size_t b = p;
  char ch = s[p++];
  if (pp_ident_char(ch)) {
    while (p < n && pp_ident_char(s[p])) p++;
  } else if (ch == '"' || ch == '\'') {
    while (p < n && s[p] != ch && s[p] != '\n') p += s[p] == '\\' ? 2 : 1;
    p++;
  } else {
    static const char two[] = "==!=<=>=&&||<<>>->++--+=-=*=/=%=&=|=^=##";
    for (size_t k = 0; p < n && two[k]; k += 2)
      if (ch == two[k] && s[p] == two[k + 1]) { p++; break; }
  }
  if (p > n) p = n;
  size_t len = p - b < PP_TOK - 1 ? p - b : PP_TOK - 1;
  memcpy(*out, s + b, len);
  (*out)[len] = '\0';
  *i = p;
  return 1;
}

/* The parenthesised, comma-separated list that comes next in s[*i..n) (a macro's parameters,
 * an invocation's arguments): each one-token element into args[k], "" for one of several
 * tokens or none; up to PP_ARGS_MAX. How many elements, -1 when no list closes there. */
static int pp_list(const char *s, size_t n, size_t *i, int line, char (*args)[PP_TOK]) {
  char t[PP_TOK];
  if (!pp_token(s, n, i, line, &t) || strcmp(t, "(") != 0) return -1;
  int k = 0, depth = 1, ntok = 0;
  while (pp_token(s, n, i, line, &t)) {
    int end = strcmp(t, ")") == 0 && depth == 1, sep = strcmp(t, ",") == 0 && depth == 1;
    if (end || sep) {
      if (k < PP_ARGS_MAX && ntok != 1) args[k][0] = '\0';
      if (end) return k + 1;
      k++;
      ntok = 0;
      continue;
    }
    if (strcmp(t, "(") == 0) depth++;
    else if (strcmp(t, ")") == 0) depth--;
    if (k < PP_ARGS_MAX && ntok++ == 0) memcpy(args[k], t, PP_TOK);
  }
  return -1;
}

/* The function-like `#define` of s named `name` (NULL: the one whose body holds offset at):
 * its name, parameters (how many into *np) and the offset of its body. 0 when none. */
static int pp_define(const char *s, size_t n, const char *name, size_t at, char (*found)[PP_TOK],
                     char (*params)[PP_TOK], int *np, size_t *body) {
  for (size_t p = 0; p < n; p++) {
    if (p > 0 && s[p - 1] != '\n') continue;
    char t[PP_TOK];
    size_t i = p;
    if (!pp_token(s, n, &i, 1, &t) || strcmp(t, "#") != 0 || !pp_token(s, n, &i, 1, &t) ||
        strcmp(t, "define") != 0 || !pp_token(s, n, &i, 1, found) ||
        (name && strcmp(*found, name) != 0) || i >= n || s[i] != '(')
      continue;
    *np = pp_list(s, n, &i, 1, params);
    if (*np < 0) continue;
    *body = i;
    if (name) return 1;
    while (pp_token(s, n, &i, 1, &t)) {}
    if (at >= *body && at < i) return 1;
  }
  return 0;
}

/* The comparison operator a one-token macro argument `arg` spells, else OP_UNKNOWN. */
static enum op pp_compare(const char *arg) {
  enum op op = op_from_text(arg, 0);
  return op_is_compare(op) ? op : OP_UNKNOWN;
}

/* The comparison operator of condition c spelled in a macro body as one of the macro's
 * parameters (libuv's `#define ASSERT_BASE(a, operator, b, type, conv)` with `if (!(eval_a
 * operator eval_b))`; GLib's `g_assert_cmpint (n1, cmp, n2)`): the argument given for it,
 * read from the text, where the condition's macro is invoked in the file or in the body of
 * the file's macro invoked there, defined in the same header (`#define ASSERT_EQ(a, b)
 * ASSERT_BASE(a, ==, b, int64_t, PRId64)`). OP_UNKNOWN when that argument is no comparison
 * operator or cannot be found. */
static enum op cond_compare_macro_arg(struct fe *fe, CXCursor c) {
  CXSourceLocation at = clang_getRangeStart(clang_getCursorExtent(c));
  CXToken *first = NULL;
  unsigned nfirst = 0, off = 0;
  clang_tokenize(fe->tu, clang_getRange(at, at), &first, &nfirst);
  if (nfirst == 0) return OP_UNKNOWN;
  CXFile file = NULL;
  clang_getFileLocation(clang_getRangeStart(clang_getTokenExtent(fe->tu, first[0])), &file,
                        NULL, NULL, &off);
  clang_disposeTokens(fe->tu, first, nfirst);
  size_t n = 0, mn = 0, i = off;
  const char *s = file ? clang_getFileContents(fe->tu, file, &n) : NULL;
  const char *ms = clang_getFileContents(fe->tu, fe->main, &mn);
  uint32_t moff = start_off(fe, c);
  if (!s || !ms || moff == NO_OFF) return OP_UNKNOWN;
  char t[PP_TOK], param[PP_TOK], name[PP_TOK], m[PP_TOK];
  char params[PP_ARGS_MAX][PP_TOK], margs[PP_ARGS_MAX][PP_TOK], args[PP_ARGS_MAX][PP_TOK];
  int np, k = -1;
  size_t body;
  if (!pp_token(s, n, &i, 0, &t) || !pp_token(s, n, &i, 0, &param) || !pp_ident_char(param[0]) ||
      !pp_define(s, n, NULL, off, &name, params, &np, &body))
    return OP_UNKNOWN;
  for (int j = 0; j < np && j < PP_ARGS_MAX; j++)
    if (strcmp(params[j], param) == 0) k = j;
  size_t mi = moff;
  if (k < 0 || !pp_token(ms, mn, &mi, 0, &m)) return OP_UNKNOWN;
  int nm = pp_list(ms, mn, &mi, 0, margs);
  if (strcmp(m, name) == 0) return k < nm ? pp_compare(margs[k]) : OP_UNKNOWN;
  /* one macro between: m's body invokes the condition's macro */
  char mparams[PP_ARGS_MAX][PP_TOK];
  int nmp;
  if (!pp_define(s, n, m, 0, &t, mparams, &nmp, &body)) return OP_UNKNOWN;
  for (size_t b = body; pp_token(s, n, &b, 1, &t);) {
    if (strcmp(t, name) != 0) continue;
    int na = pp_list(s, n, &b, 1, args);
    if (na <= k) return OP_UNKNOWN;
    enum op op = pp_compare(args[k]);
    for (int j = 0; op == OP_UNKNOWN && j < nmp && j < nm && j < PP_ARGS_MAX; j++)
      if (args[k][0] && strcmp(args[k], mparams[j]) == 0) op = pp_compare(margs[j]);
    return op;
  }
  return OP_UNKNOWN;
}

/* `!o` in a condition. Also when the operator is spelled in a macro body, where the file's
 * tokens show the macro's name (libuv's `ASSERT(e)`, MPICH's `check(x)`: `do { if (!(e))
 * abort(); } while (0)`): read where it is spelled (spelled_tokens); failing that, the only
 * unary operator written on a truth value (a comparison, `&&`, `||`) is `!`. */
static int cond_negates(struct fe *fe, CXCursor c, CXCursor o) {
  enum op op = unop(fe, c, o);
  if (op != OP_UNKNOWN) return op == OP_NOT;
  char tok[1][8];
  if (spelled_tokens(fe, c, tok, 1) == 1 && op_from_text(tok[0], 1) != OP_UNKNOWN)
    return strcmp(tok[0], "!") == 0;
  CXCursor in = strip(fe, o);
  if (clang_getCursorKind(in) != CXCursor_BinaryOperator) return 0;
  uint32_t base, n = kids_push(fe, in, &base);
  enum op bop = n == 2 ? binop_of(fe, in, kid(fe, base, 0), kid(fe, base, 1)) : OP_UNKNOWN;
  kids_pop(fe, base);
  return op_is_compare(bop) || bop == OP_LAND || bop == OP_LOR;
}

/* Lower the condition c, branching to t when it holds and to f when not: `&&`, `||`, `!`,
 * `?:` and `,` become control flow, every other operand a BRANCH block of its own. `!x` is
 * the branch of `x` with its targets swapped: the same condition (one key), so `if (!x)`
 * and a later `if (x)` are correlated, and `!(a == b)` is understood as `a != b`. The uses
 * it reads stay on the uses stack (callers pop them). */
static void lower_cond(struct fe *fe, CXCursor c, uint32_t t, uint32_t f) {
  if (fe->err) return;
  c = strip(fe, c);
  enum CXCursorKind k = clang_getCursorKind(c);
  uint32_t base, n;
  if (k == CXCursor_BinaryOperator) {
    n = kids_push(fe, c, &base);
    if (n == 2) {
      CXCursor l = kid(fe, base, 0), r = kid(fe, base, 1);
      kids_pop(fe, base);
      enum op op = binop_of(fe, c, l, r);
      if (op == OP_LAND || op == OP_LOR) {
        uint32_t mid = new_block(fe);
        if (op == OP_LAND) lower_cond(fe, l, mid, f);
        else lower_cond(fe, l, t, mid);
        fe->cur = mid;
        lower_cond(fe, r, t, f);
        return;
      }
      if (op == OP_COMMA) {
        struct val v;
        uint32_t mark = fe->uses.size;
        lower_expr(fe, l, want_discard(), &v);
        fe->uses.size = mark;
        lower_cond(fe, r, t, f);
        return;
      }
    } else {
      kids_pop(fe, base);
    }
  } else if (k == CXCursor_UnaryOperator) {
    CXCursor o = only_kid(fe, c);
    if (!clang_Cursor_isNull(o) && cond_negates(fe, c, o)) {
      lower_cond(fe, o, f, t);
      return;
    }
  } else if (k == CXCursor_ConditionalOperator) {
    n = kids_push(fe, c, &base);
    if (n == 3) {
      CXCursor cc = kid(fe, base, 0), a = kid(fe, base, 1), b = kid(fe, base, 2);
      kids_pop(fe, base);
      uint32_t ct = new_block(fe), cf = new_block(fe);
      lower_cond(fe, cc, ct, cf);
      fe->cur = ct;
      lower_cond(fe, a, t, f);
      fe->cur = cf;
      lower_cond(fe, b, t, f);
      return;
    }
    kids_pop(fe, base);
  }

  /* A leaf. */
  struct tl_cond cond = {0};
  uint32_t mark = fe->uses.size;
  int folded = -1;                      /* constant condition: 0 or 1 */
  struct val v, lv, rv;
  enum op op = OP_UNKNOWN;
  CXCursor cl = clang_getNullCursor(), cr = clang_getNullCursor();
  if (k == CXCursor_BinaryOperator) {
    n = kids_push(fe, c, &base);
    if (n == 2) {
      cl = kid(fe, base, 0);
      cr = kid(fe, base, 1);
      int named = 0;
      op = binop(fe, cl, cr);
      if (op == OP_UNKNOWN) op = compare_spelled(fe, c, cl, &named);
      if (op == OP_UNKNOWN && named) op = cond_compare_macro_arg(fe, c);
      if (op == OP_UNKNOWN) op = binop_by_types(fe, c, cl, cr);
    }
    kids_pop(fe, base);
  }
  if (op_is_compare(op)) {
    lower_compare(fe, c, op, cl, cr, &lv, &rv);
    if (lv.slot && !lv.is_const && cond_constant(fe, &rv, &cond)) {
      cond.cmp = cmp_of(op, 0);
      cond.slot = cond_through_copy(fe, lv.slot);
    } else if (rv.slot && !rv.is_const && cond_constant(fe, &lv, &cond)) {
      cond.cmp = cmp_of(op, 1);
      cond.slot = cond_through_copy(fe, rv.slot);
    } else if (cond_through_locals(fe, op, &lv, &rv, &cond)) {
      /* both sides read through the locals that hold them */
    } else if (lv.is_const && rv.is_const) {
      struct val whole = {.cx = c, .is_const = 1};
      eval_const(&whole);
      if (whole.has_value) folded = whole.value != 0;
    }
  } else {
    lower_expr(fe, c, want_value(), &v);
    if (val_is_ticket(fe, &v) && !val_is_ptr_ticket(fe, &v))
      value_use(fe, &v, TL_F_IN_COND, c);
    if (v.is_const) {
      if (!v.has_value) eval_const(&v);
      if (v.has_value) folded = v.value != 0;
    } else if (v.slot) {
      cond.cmp = TL_CMP_NONZERO;
      cond.slot = cond_through_copy(fe, v.slot);
    }
  }
  if (fe->err) return;
  if (folded >= 0) {
    jump_to(fe, folded ? t : f);
    return;
  }
  cond.uses = fe->uses.data + mark;
  cond.nuses = dedupe(cond.uses, fe->uses.size - mark);
  cond.key = cond_key(fe, c, cond.uses, cond.nuses);
  cond.loc = loc_of(c);
  uint32_t b = cur_block(fe);
  struct tl_block *blk = &fe->f->blocks[b];
  if (blk->loc.line == 0) blk->loc = cond.loc;
  set_err(fe, tl_func_set_term(fe->u, fe->f, b, TL_TERM_BRANCH, &cond));
  edge(fe, b, t);
  edge(fe, b, f);
  fe->cur = NO_BLOCK;
}

/* ---- statements ------------------------------------------------------------------------- */

static uint32_t label_block(struct fe *fe, const char *name) {
  for (uint32_t i = 0; i < fe->labels.size; i++)
    if (strcmp(fe->labels.data[i].name, name) == 0) return fe->labels.data[i].block;
  struct label l = {name, new_block(fe)};
  if (tl_array_push(&fe->labels, l) < 0) set_err(fe, TL_ENOMEM);
  return l.block;
}

static void lower_vardecl(struct fe *fe, CXCursor d) {
  if (clang_getCursorKind(d) != CXCursor_VarDecl) return;
  tl_slot_id s = var_slot(fe, d);
  if (!s || slot(fe, s)->kind == TL_SLOT_GLOBAL) return;   /* static: initialised once */
  uint32_t base, n = kids_push(fe, d, &base);
  CXCursor init = clang_getNullCursor();
  if (n) {
    CXCursor last = kid(fe, base, n - 1);
    enum CXCursorKind lk = clang_getCursorKind(last);
    /* Array sizes are children too: an array's initialiser is a list or a string. */
    int is_array = (slot(fe, s)->flags & TL_SLOT_ARRAY) != 0;
    if (clang_isExpression(lk)
        && (!is_array || lk == CXCursor_InitListExpr || lk == CXCursor_StringLiteral))
      init = last;
  }
  kids_pop(fe, base);
  if (!clang_Cursor_isNull(init)) lower_into(fe, init, s, d);
}

static void push_jump(struct fe *fe, uint32_t brk, uint32_t cont) {
  struct jump j = {brk, cont};
  if (tl_array_push(&fe->jumps, j) < 0) set_err(fe, TL_ENOMEM);
}

static void lower_if(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n < 2) { kids_pop(fe, base); return; }
  CXCursor cond = kid(fe, base, n == 2 ? 0 : n - 3);
  CXCursor then = kid(fe, base, n == 2 ? 1 : n - 2);
  CXCursor els = n >= 3 ? kid(fe, base, n - 1) : clang_getNullCursor();
  kids_pop(fe, base);
  uint32_t tb = new_block(fe), join = new_block(fe);
  uint32_t eb = clang_Cursor_isNull(els) ? join : new_block(fe);
  uint32_t mark = fe->uses.size;
  lower_cond(fe, cond, tb, eb);
  fe->uses.size = mark;
  fe->cur = tb;
  lower_stmt(fe, then);
  jump_to(fe, join);
  if (!clang_Cursor_isNull(els)) {
    fe->cur = eb;
    lower_stmt(fe, els);
    jump_to(fe, join);
  }
  fe->cur = join;
}

static void lower_while(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n < 2) { kids_pop(fe, base); return; }
  CXCursor cond = kid(fe, base, n - 2), body = kid(fe, base, n - 1);
  kids_pop(fe, base);
  uint32_t head = new_block(fe), bb = new_block(fe), after = new_block(fe);
  jump_to(fe, head);
  fe->cur = head;
  uint32_t mark = fe->uses.size;
  lower_cond(fe, cond, bb, after);
  fe->uses.size = mark;
  fe->cur = bb;
  push_jump(fe, after, head);
  lower_stmt(fe, body);
  fe->jumps.size--;
  jump_to(fe, head);
  fe->cur = after;
}

static void lower_do(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n < 2) { kids_pop(fe, base); return; }
  CXCursor body = kid(fe, base, 0), cond = kid(fe, base, 1);
  kids_pop(fe, base);
  uint32_t bb = new_block(fe), cb = new_block(fe), after = new_block(fe);
  jump_to(fe, bb);
  fe->cur = bb;
  push_jump(fe, after, cb);
  lower_stmt(fe, body);
  fe->jumps.size--;
  jump_to(fe, cb);
  fe->cur = cb;
  uint32_t mark = fe->uses.size;
  lower_cond(fe, cond, bb, after);
  fe->uses.size = mark;
  fe->cur = after;
}

/* `for (init; cond; inc) body`: absent parts are absent children, so the `;` of the header
 * tell which child is which. */
static void lower_for(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  CXCursor part[4] = {clang_getNullCursor(), clang_getNullCursor(), clang_getNullCursor(),
                      clang_getNullCursor()};
  uint32_t s0 = start_off(fe, c), semi1 = NO_OFF, semi2 = NO_OFF, rparen = NO_OFF;
  uint32_t ft = s0 == NO_OFF ? fe->ntoks : tok_lower(fe, s0);
  if (ft < fe->ntoks && fe->tk[ft].off == s0 && fe->tk[ft].hash == str_hash("for")) {
    int depth = 0;
    for (uint32_t i = ft + 1; i < fe->ntoks; i++) {
      const char *p = fe->tk[i].punct;
      if (strcmp(p, "(") == 0) depth++;
      else if (strcmp(p, ")") == 0 && --depth == 0) { rparen = fe->tk[i].off; break; }
      else if (strcmp(p, ";") == 0 && depth == 1) {
        if (semi1 == NO_OFF) semi1 = fe->tk[i].off;
        else semi2 = fe->tk[i].off;
      }
    }
  }
  if (rparen != NO_OFF && semi2 != NO_OFF) {
    for (uint32_t i = 0; i < n; i++) {
      CXCursor k = kid(fe, base, i);
      uint32_t o = start_off(fe, k);
      int which = o < semi1 ? 0 : o < semi2 ? 1 : o < rparen ? 2 : 3;
      if (which == 0 && clang_getCursorKind(k) != CXCursor_DeclStmt && semi1 <= o) which = 1;
      part[which] = k;
    }
  } else if (n == 4) {
    for (int i = 0; i < 4; i++) part[i] = kid(fe, base, (uint32_t)i);
  } else if (n >= 1) {                          /* inside a macro: best guess */
    part[3] = kid(fe, base, n - 1);
    if (n >= 2) part[clang_getCursorKind(kid(fe, base, 0)) == CXCursor_DeclStmt ? 0 : 1] =
        kid(fe, base, 0);
    if (n == 3) part[clang_Cursor_isNull(part[1]) ? 1 : 2] = kid(fe, base, 1);
  }
  kids_pop(fe, base);
  uint32_t mark = fe->uses.size;
  if (!clang_Cursor_isNull(part[0])) lower_stmt(fe, part[0]);
  fe->uses.size = mark;
  uint32_t head = new_block(fe), bb = new_block(fe), inc = new_block(fe), after = new_block(fe);
  jump_to(fe, head);
  fe->cur = head;
  if (!clang_Cursor_isNull(part[1])) lower_cond(fe, part[1], bb, after);
  else jump_to(fe, bb);
  fe->uses.size = mark;
  fe->cur = bb;
  push_jump(fe, after, inc);
  if (!clang_Cursor_isNull(part[3])) lower_stmt(fe, part[3]);
  fe->jumps.size--;
  jump_to(fe, inc);
  fe->cur = inc;
  if (!clang_Cursor_isNull(part[2])) lower_stmt(fe, part[2]);
  fe->uses.size = mark;
  jump_to(fe, head);
  fe->cur = after;
}

static void lower_switch(struct fe *fe, CXCursor c) {
  uint32_t base, n = kids_push(fe, c, &base);
  if (n < 2) { kids_pop(fe, base); return; }
  CXCursor cond = kid(fe, base, n - 2), body = kid(fe, base, n - 1);
  kids_pop(fe, base);
  uint32_t mark = fe->uses.size;
  struct val v;
  lower_expr(fe, cond, want_value(), &v);
  struct tl_cond tc = {.slot = v.slot, .loc = loc_of(cond),
                       .uses = fe->uses.data + mark, .nuses = fe->uses.size - mark};
  tc.key = cond_key(fe, cond, tc.uses, tc.nuses);
  uint32_t head = cur_block(fe);
  set_err(fe, tl_func_set_term(fe->u, fe->f, head, TL_TERM_SWITCH, &tc));
  fe->uses.size = mark;
  fe->cur = NO_BLOCK;
  uint32_t after = new_block(fe);
  struct sw s = {fe->cases.size, NO_BLOCK};
  if (tl_array_push(&fe->sws, s) < 0) { set_err(fe, TL_ENOMEM); return; }
  uint32_t cont = fe->jumps.size ? fe->jumps.data[fe->jumps.size - 1].cont : NO_BLOCK;
  push_jump(fe, after, cont);
  lower_stmt(fe, body);
  fe->jumps.size--;
  jump_to(fe, after);
  s = fe->sws.data[--fe->sws.size];
  for (uint32_t i = s.ncases_base; i < fe->cases.size; i++) edge(fe, head, fe->cases.data[i]);
  edge(fe, head, s.dflt != NO_BLOCK ? s.dflt : after);
  fe->cases.size = s.ncases_base;
  fe->cur = after;
}

static void lower_case(struct fe *fe, CXCursor c, int is_default) {
  uint32_t base, n = kids_push(fe, c, &base);      /* case: value [, GNU range end], stmt */
  CXCursor sub = n >= (is_default ? 1u : 2u) ? kid(fe, base, n - 1) : clang_getNullCursor();
  kids_pop(fe, base);
  uint32_t b = new_block(fe);
  jump_to(fe, b);                                   /* fall-through from the case above */
  fe->cur = b;
  if (fe->sws.size) {
    struct sw *s = &fe->sws.data[fe->sws.size - 1];
    if (is_default) s->dflt = b;
    else if (tl_array_push(&fe->cases, b) < 0) set_err(fe, TL_ENOMEM);
  }
  struct tl_block *blk = &fe->f->blocks[b];
  blk->loc = loc_of(c);
  if (!clang_Cursor_isNull(sub)) lower_stmt(fe, sub);
}

/* 1 when c names an integer variable (a local, a parameter, a global) that is no constant. */
static int integer_variable(struct fe *fe, CXCursor c) {
  c = strip(fe, c);
  if (clang_getCursorKind(c) != CXCursor_DeclRefExpr) return 0;
  enum CXCursorKind dk = clang_getCursorKind(clang_getCursorReferenced(c));
  struct val v = {.cx = c};
  eval_const(&v);
  return (dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl) && !v.has_value &&
         is_integer_type(clang_getCursorType(c));
}

/* 1 when the returned expression e is 0 whenever the one variable it reads is 0
 * (TL_F_ZERO_IF_ZERO): the variable itself (`return ret;`), or its comparison with a
 * constant that 0 fails (`return ret == -EAGAIN;`, `ret < 0`, `ret != 0`, `-1 == ret`). */
static int zero_if_zero(struct fe *fe, CXCursor e) {
  e = strip(fe, e);
  if (integer_variable(fe, e)) return 1;
  if (clang_getCursorKind(e) != CXCursor_BinaryOperator) return 0;
  uint32_t base, n = kids_push(fe, e, &base);
  CXCursor l = n == 2 ? kid(fe, base, 0) : clang_getNullCursor();
  CXCursor r = n == 2 ? kid(fe, base, 1) : clang_getNullCursor();
  kids_pop(fe, base);
  if (n != 2) return 0;
  enum op op = binop_of(fe, e, l, r);
  int swapped = !integer_variable(fe, l);
  if (!op_is_compare(op) || !integer_variable(fe, swapped ? r : l)) return 0;
  struct val k = {.cx = swapped ? l : r};      /* the constant side */
  eval_const(&k);
  if (!k.has_value) return 0;
  struct tl_cond cmp = {.cmp = cmp_of(op, swapped), .value = k.value};
  return tl_cond_holds(&cmp, 0) == 0;          /* `0 <op> c` fails */
}

static void lower_return(struct fe *fe, CXCursor c) {
  CXCursor e = only_kid(fe, c);
  uint32_t mark = fe->uses.size;
  struct tl_event ev = {.kind = TL_EV_RETURN, .loc = loc_of(c)};
  if (!clang_Cursor_isNull(e) && clang_isExpression(clang_getCursorKind(e))) {
    struct val v;
    lower_expr(fe, e, want_value(), &v);
    if (val_is_ticket(fe, &v) || (v.slot && (slot(fe, v.slot)->flags & TL_SLOT_TICKET)))
      ev.ticket = v.slot;
    /* `return TK_EFAILED;`, `return -1;`: an error code (a rejection, for an async function) */
    enum CXTypeKind tk = clang_getCanonicalType(clang_getCursorType(e)).kind;
    if (!v.has_value && !v.slot && !v.is_call) eval_const(&v);
    if (v.has_value && v.value != 0 &&
        ((tk >= CXType_Bool && tk <= CXType_Int128) || tk == CXType_Enum)) {
      ev.flags |= TL_F_NONZERO;
      ev.value = v.value;
    } else if (zero_if_zero(fe, e)) {
      ev.flags |= TL_F_ZERO_IF_ZERO;
    }
    if ((tk >= CXType_Bool && tk <= CXType_LongDouble) || tk == CXType_Enum)
      ev.flags |= TL_F_SCALAR;
  }
  ev.uses = fe->uses.data + mark;
  ev.nuses = fe->uses.size - mark;
  emit(fe, &ev);
  fe->uses.size = mark;
  if (fe->err) return;
  uint32_t b = fe->cur;
  set_err(fe, tl_func_set_term(fe->u, fe->f, b, TL_TERM_RETURN, NULL));
  jump_to(fe, fe->f->exit);
}

/* 1 when local slot s holds a ticket, or tickets inside (a field, an element). */
static int slot_holds_tickets(struct fe *fe, tl_slot_id s) {
  if (slot(fe, s)->flags & TL_SLOT_TICKET) return 1;
  for (tl_slot_id k = s + 1; k < fe->f->nslots; k++) {
    if (!(slot(fe, k)->flags & TL_SLOT_TICKET)) continue;
    for (tl_slot_id up = slot(fe, k)->parent; up && up < k; up = slot(fe, up)->parent)
      if (up == s) return 1;
  }
  return 0;
}

/* The end of inner block c (kids base..base+n), reached by falling through: the locals it
 * declares that hold tickets die here (SCOPE_END). The function's body is left by RETURN. */
static void end_scope(struct fe *fe, CXCursor c, uint32_t base, uint32_t n) {
  if (fe->cur == NO_BLOCK) return;
  struct tl_loc at = loc_of(c);
  if (at.end_line == fe->f->loc.end_line && at.end_col == fe->f->loc.end_col) return;
  at.line = at.end_line;
  at.col = at.end_col;
  for (uint32_t i = 0; i < n; i++) {
    CXCursor k = kid(fe, base, i);
    if (clang_getCursorKind(k) != CXCursor_DeclStmt) continue;
    uint32_t dbase, dn = kids_push(fe, k, &dbase);
    for (uint32_t j = 0; j < dn; j++) {
      CXCursor d = kid(fe, dbase, j);
      if (clang_getCursorKind(d) != CXCursor_VarDecl) continue;
      tl_slot_id s = var_slot(fe, d);
      if (s && slot(fe, s)->kind == TL_SLOT_LOCAL && slot_holds_tickets(fe, s))
        emit(fe, &(struct tl_event){.kind = TL_EV_SCOPE_END, .dst = s, .loc = at});
    }
    kids_pop(fe, dbase);
  }
}

static void lower_stmt(struct fe *fe, CXCursor c) {
  if (fe->err) return;
  enum CXCursorKind k = clang_getCursorKind(c);
  uint32_t base, n;
  switch (k) {
  case CXCursor_CompoundStmt:
  case CXCursor_DeclStmt:
    n = kids_push(fe, c, &base);
    for (uint32_t i = 0; i < n; i++) {
      CXCursor s = kid(fe, base, i);
      uint32_t mark = fe->uses.size;
      if (k == CXCursor_DeclStmt) lower_vardecl(fe, s);
      else lower_stmt(fe, s);
      fe->uses.size = mark;
    }
    if (k == CXCursor_CompoundStmt) end_scope(fe, c, base, n);
    kids_pop(fe, base);
    return;
  case CXCursor_IfStmt:       lower_if(fe, c); return;
  case CXCursor_WhileStmt:    lower_while(fe, c); return;
  case CXCursor_DoStmt:       lower_do(fe, c); return;
  case CXCursor_ForStmt:      lower_for(fe, c); return;
  case CXCursor_SwitchStmt:   lower_switch(fe, c); return;
  case CXCursor_CaseStmt:     lower_case(fe, c, 0); return;
  case CXCursor_DefaultStmt:  lower_case(fe, c, 1); return;
  case CXCursor_ReturnStmt:   lower_return(fe, c); return;
  case CXCursor_BreakStmt:
    if (fe->jumps.size) jump_to(fe, fe->jumps.data[fe->jumps.size - 1].brk);
    return;
  case CXCursor_ContinueStmt:
    for (uint32_t i = fe->jumps.size; i-- > 0;)
      if (fe->jumps.data[i].cont != NO_BLOCK) {
        jump_to(fe, fe->jumps.data[i].cont);
        break;
      }
    return;
  case CXCursor_GotoStmt: {
    CXCursor ref = only_kid(fe, c);
    if (clang_Cursor_isNull(ref)) return;
    const char *name = take(fe, clang_getCursorSpelling(ref));
    jump_to(fe, label_block(fe, name));
    return;
  }
  case CXCursor_IndirectGotoStmt: {             /* a SWITCH over every label, at the end */
    struct val v;
    uint32_t mark = fe->uses.size;
    CXCursor e = only_kid(fe, c);
    if (!clang_Cursor_isNull(e)) lower_expr(fe, e, want_value(), &v);
    struct tl_cond tc = {.loc = loc_of(c), .uses = fe->uses.data + mark,
                         .nuses = fe->uses.size - mark};
    uint32_t b = cur_block(fe);
    set_err(fe, tl_func_set_term(fe->u, fe->f, b, TL_TERM_SWITCH, &tc));
    fe->uses.size = mark;
    if (tl_array_push(&fe->indirect, b) < 0) set_err(fe, TL_ENOMEM);
    fe->cur = NO_BLOCK;
    return;
  }
  case CXCursor_LabelStmt: {
    const char *name = take(fe, clang_getCursorSpelling(c));
    uint32_t b = label_block(fe, name);
    jump_to(fe, b);
    fe->cur = b;
    CXCursor sub = only_kid(fe, c);
    if (!clang_Cursor_isNull(sub)) lower_stmt(fe, sub);
    return;
  }
  case CXCursor_NullStmt:
  case CXCursor_GCCAsmStmt:
    return;
  default:
    if (clang_isExpression(k)) {
      struct val v;
      lower_expr(fe, c, want_discard(), &v);
    } else if (clang_isStatement(k)) {
      n = kids_push(fe, c, &base);
      for (uint32_t i = 0; i < n; i++) lower_stmt(fe, kid(fe, base, i));
      kids_pop(fe, base);
    }
    return;
  }
}

/* ---- functions -------------------------------------------------------------------------- */

/* An async marker among the tokens before the function's name (ignoring preprocessor
 * lines): `TK_ASYNC static int f(...)`, `static TK_ASYNC int f(...)`. */
static int has_marker(struct fe *fe, uint32_t name_off) {
  uint32_t skip_line = 0;
  for (uint32_t i = 0; i < fe->ntoks && fe->tk[i].off < name_off; i++) {
    const struct tok *t = &fe->tk[i];
    int first_on_line = i == 0 || fe->tk[i - 1].line != t->line;
    if (first_on_line && strcmp(t->punct, "#") == 0) skip_line = t->line;
    if (t->line == skip_line) continue;
    if (t->kind != CXToken_Identifier) continue;
    CXString s = clang_getTokenSpelling(fe->tu, fe->toks[i]);
    int m = tl_models_is_async_marker(fe->models, clang_getCString(s));
    clang_disposeString(s);
    if (m) return 1;
  }
  return 0;
}

static void func_reset(struct fe *fe) {
  tokens_free(fe);
  free(fe->vars);
  fe->vars = NULL;
  fe->nvars = fe->cap_vars = 0;
  tl_array_clear(&fe->labels);
  tl_array_clear(&fe->jumps);
  tl_array_clear(&fe->sws);
  tl_array_clear(&fe->cases);
  tl_array_clear(&fe->indirect);
  tl_array_clear(&fe->made);
  tl_array_clear(&fe->known);
  tl_array_clear(&fe->uses);
  fe->f = NULL;
}

static void lower_function(struct fe *fe, CXCursor fn, uint32_t prev_end) {
  const char *name = take(fe, clang_getCursorSpelling(fn));
  CXSourceRange ext = clang_getCursorExtent(fn);
  uint32_t name_off = file_off(fe, clang_getCursorLocation(fn));
  uint32_t fend = file_off(fe, clang_getRangeEnd(ext));
  uint32_t fstart = file_off(fe, clang_getRangeStart(ext));
  if (fstart == NO_OFF || fend == NO_OFF) return;
  if (prev_end > fstart) prev_end = fstart;
  tokens_load(fe, prev_end, fend);

  struct tl_func *f = NULL;
  set_err(fe, tl_unit_add_func(fe->u, name, &f));
  if (fe->err) return;
  fe->f = f;
  f->loc = loc_of_range(ext);
  {
    unsigned line, col;
    clang_getFileLocation(clang_getCursorLocation(fn), NULL, &line, &col, NULL);
    f->loc.line = line;
    f->loc.col = col;
  }
  if (clang_Cursor_getStorageClass(fn) == CX_SC_Static) f->flags |= TL_FN_STATIC;
  else if (clang_equalCursors(clang_getCanonicalCursor(fn), fn))
    f->flags |= TL_FN_UNDECLARED;          /* its definition is its first declaration */
  if (name_off != NO_OFF && has_marker(fe, name_off)) f->flags |= TL_FN_ASYNC_MARKED;
  if (annotations(fe, fn, NULL, 0) & AN_ASYNC) f->flags |= TL_FN_ASYNC_MARKED;   /* TL_ASYNC */

  uint32_t entry = new_block(fe);
  f->exit = new_block(fe);
  fe->cur = entry;

  uint32_t base, n = kids_push(fe, fn, &base);
  CXCursor body = clang_getNullCursor();
  for (uint32_t i = 0; i < n; i++) {
    CXCursor k = kid(fe, base, i);
    if (clang_getCursorKind(k) == CXCursor_ParmDecl) var_slot(fe, k);
    else if (clang_getCursorKind(k) == CXCursor_CompoundStmt) body = k;
  }
  kids_pop(fe, base);
  if (!clang_Cursor_isNull(body)) lower_stmt(fe, body);
  if (fe->err) return;

  /* Falling off the end: a RETURN at the closing brace. */
  if (fe->cur != NO_BLOCK) {
    unsigned line, col;
    clang_getFileLocation(clang_getRangeEnd(clang_getCursorExtent(body)), NULL, &line, &col,
                          NULL);
    struct tl_loc loc = {line, col > 1 ? col - 1 : col, line, col > 1 ? col - 1 : col};
    emit_simple(fe, TL_EV_RETURN, 0, TL_SLOT_NONE, loc);
    set_err(fe, tl_func_set_term(fe->u, fe->f, fe->cur, TL_TERM_RETURN, NULL));
    jump_to(fe, fe->f->exit);
  }
  /* A computed goto may reach any label. */
  for (uint32_t i = 0; i < fe->indirect.size; i++) {
    for (uint32_t l = 0; l < fe->labels.size; l++)
      edge(fe, fe->indirect.data[i], fe->labels.data[l].block);
    if (!fe->labels.size) edge(fe, fe->indirect.data[i], fe->f->exit);
  }
  /* Blocks left without a successor (a goto to an undefined label in broken code). */
  for (uint32_t b = 0; b < fe->f->nblocks && !fe->err; b++) {
    const struct tl_block *blk = &fe->f->blocks[b];
    if (b != fe->f->exit && blk->term == TL_TERM_GOTO && blk->nsuccs == 0)
      edge(fe, b, fe->f->exit);
  }
  if (fe->err) return;
  set_err(fe, tl_func_finish(fe->u, fe->f));
#ifndef NDEBUG
  char msg[256];
  if (!fe->err && tl_func_verify(fe->f, msg, sizeof msg) != 0) {
    fprintf(stderr, "front_clang: invalid IR: %s\n", msg);
    tl_func_dump(fe->f, stderr);
    set_err(fe, TL_EINVAL);
  }
#endif
}

/* ---- the translation unit --------------------------------------------------------------- */

static enum CXChildVisitResult push_top(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  struct fe *fe = data;
  if (!clang_Location_isFromMainFile(clang_getCursorLocation(c))) return CXChildVisit_Continue;
  if (tl_array_push(&fe->kids, c) < 0) {
    set_err(fe, TL_ENOMEM);
    return CXChildVisit_Break;
  }
  return CXChildVisit_Continue;
}

/* A function named in a file-scope initializer (`static test_fn *tests[] = { test_a };`)
 * may be called through the pointer. */
static enum CXChildVisitResult note_fn_addr(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  struct fe *fe = data;
  if (clang_getCursorKind(c) != CXCursor_DeclRefExpr) return CXChildVisit_Recurse;
  CXCursor ref = clang_getCursorReferenced(c);
  if (clang_getCursorKind(ref) != CXCursor_FunctionDecl) return CXChildVisit_Continue;
  struct fnref r = {take(fe, clang_getCursorSpelling(ref)), TL_FN_ADDR_TAKEN};
  if (tl_array_push(&fe->fnrefs, r) < 0) set_err(fe, TL_ENOMEM);
  return CXChildVisit_Continue;
}

/* TL_FN_ONLY_OFFLOADED: every reference taking the function's address is the function
 * argument of an offloading start (each such argument is also lowered as a reference:
 * one ADDR_TAKEN per OFFLOADED). A pointer copied first (`fp = fn;`) or a table entry
 * takes it elsewhere. */
static void mark_only_offloaded(struct fe *fe, struct tl_unit *out) {
  for (uint32_t k = 0; k < out->nfuncs; k++) {
    struct tl_func *fn = &out->funcs[k];
    if (!fn->name || !(fn->flags & TL_FN_OFFLOADED)) continue;
    uint32_t taken = 0, offloaded = 0;
    for (uint32_t i = 0; i < fe->fnrefs.size; i++) {
      if (strcmp(fe->fnrefs.data[i].name, fn->name) != 0) continue;
      if (fe->fnrefs.data[i].flag == TL_FN_ADDR_TAKEN) taken++;
      if (fe->fnrefs.data[i].flag == TL_FN_OFFLOADED) offloaded++;
    }
    if (taken <= offloaded) fn->flags |= TL_FN_ONLY_OFFLOADED;
  }
}

static void add_clang_diags(struct fe *fe, struct tl_diags *diags, const char *file) {
  unsigned n = clang_getNumDiagnostics(fe->tu), added = 0;
  for (unsigned i = 0; i < n && added < MAX_CLANG_DIAGS; i++) {
    CXDiagnostic d = clang_getDiagnostic(fe->tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXFile df;
      unsigned line, col;
      clang_getExpansionLocation(clang_getDiagnosticLocation(d), &df, &line, &col, NULL);
      CXString fname = clang_getFileName(df);
      CXString msg = clang_getDiagnosticSpelling(d);
      const char *fn = clang_getCString(fname);
      struct tl_loc loc = {line, col, line, col};
      set_err(fe, tl_diags_add(diags, fn && *fn ? fn : file, loc, "clang-diagnostic",
                               TL_SEV_ERROR, clang_getCString(msg), NULL));
      clang_disposeString(fname);
      clang_disposeString(msg);
      added++;
    }
    clang_disposeDiagnostic(d);
  }
}

static int has_errors(CXTranslationUnit tu) {
  unsigned n = clang_getNumDiagnostics(tu);
  int r = 0;
  for (unsigned i = 0; i < n && !r; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    r = clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error;
    clang_disposeDiagnostic(d);
  }
  return r;
}

static void fe_close(struct fe *fe) {
  func_reset(fe);
  tl_array_free(&fe->kids);
  tl_array_free(&fe->uses);
  tl_array_free(&fe->fnrefs);
  tl_array_free(&fe->labels);
  tl_array_free(&fe->jumps);
  tl_array_free(&fe->sws);
  tl_array_free(&fe->cases);
  tl_array_free(&fe->indirect);
  tl_array_free(&fe->made);
  tl_array_free(&fe->known);
  free(fe->types);
  free(fe->names);
}

/* Every file the TU includes, at any depth, selects the model whose `header` it is. */
static void select_include(CXFile file, CXSourceLocation *stack, unsigned depth,
                           CXClientData data) {
  struct fe *fe = data;
  if (depth == 0) return;                  /* the main file itself */
  (void)stack;
  CXString name = clang_getFileName(file);
  const char *path = clang_getCString(name);
  if (path) tl_models_set_include(fe->models, &fe->active, path);
  clang_disposeString(name);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int tl_front_clang_parse(const char *file, const struct tl_front_opts *opts,
                         const tl_models *models, struct tl_unit *out,
                         struct tl_diags *diags) {
  static const struct tl_front_opts defaults = {.keep_going = 1};
  if (!opts) opts = &defaults;
  if (!file) file = opts->unsaved_name;
  int rc = tl_unit_init(out, file);
  if (rc < 0) return rc;
  if (!file) return TL_EINVAL;

  struct fe fe = {.models = models, .u = out, .diags = diags};
  CXIndex index = clang_createIndex(0, 0);
  const char **argv = calloc((size_t)(opts->nargs > 0 ? opts->nargs : 0) + 1, sizeof *argv);
  if (!index || !argv) { rc = TL_ENOMEM; goto done; }
  int argc = 0, has_x = 0;
  for (int i = 0; i < opts->nargs; i++)
    if (strncmp(opts->args[i], "-x", 2) == 0) has_x = 1;
  if (!has_x) argv[argc++] = "-xc";
  for (int i = 0; i < opts->nargs; i++) argv[argc++] = opts->args[i];
  struct CXUnsavedFile unsaved = {0};
  unsigned nunsaved = 0;
  if (opts->unsaved_name && opts->unsaved_text) {
    unsaved.Filename = opts->unsaved_name;
    unsaved.Contents = opts->unsaved_text;
    unsaved.Length = (unsigned long)strlen(opts->unsaved_text);
    nunsaved = 1;
  }
  uint64_t t0 = now_ns();
  enum CXErrorCode ec = clang_parseTranslationUnit2(
    index, file, argv, argc, nunsaved ? &unsaved : NULL, nunsaved,
    CXTranslationUnit_KeepGoing, &fe.tu);
  uint64_t t1 = now_ns();
  if (opts->stats) opts->stats->parse_ns += t1 - t0;
  if (ec != CXError_Success || !fe.tu) { rc = TL_EPARSE; goto done; }
  fe.main = clang_getFile(fe.tu, file);
  if (!fe.main) { rc = TL_EPARSE; goto done; }
  if (diags) add_clang_diags(&fe, diags, file);
  tl_models_set_default(models, &fe.active);
  clang_getInclusions(fe.tu, select_include, &fe);
  (void)tl_models_set_force(models, &fe.active, opts->force, opts->nforce);  /* names: CLI */
  if (!opts->keep_going && has_errors(fe.tu)) goto done;

  /* Top-level cursors of the main file, then each function definition. */
  uint32_t ntop = 0;
  clang_visitChildren(clang_getTranslationUnitCursor(fe.tu), push_top, &fe);
  ntop = fe.kids.size;
  CXCursor *top = NULL;
  if (ntop) {
    top = malloc(ntop * sizeof *top);
    if (!top) { rc = TL_ENOMEM; goto done; }
    memcpy(top, fe.kids.data, ntop * sizeof *top);
  }
  fe.kids.size = 0;
  uint32_t prev_end = 0;
  for (uint32_t i = 0; i < ntop && !fe.err; i++) {
    CXCursor c = top[i];
    if (clang_getCursorKind(c) == CXCursor_FunctionDecl) {
      if (clang_isCursorDefinition(c)) {
        lower_function(&fe, c, prev_end);
      } else {
        /* A marked prototype marks the definition too. */
        uint32_t s = file_off(&fe, clang_getCursorLocation(c));
        uint32_t st = file_off(&fe, clang_getRangeStart(clang_getCursorExtent(c)));
        if (s != NO_OFF && st != NO_OFF) {
          tokens_load(&fe, prev_end < st ? prev_end : st, s);
          if (has_marker(&fe, s)) {
            struct fnref r = {take(&fe, clang_getCursorSpelling(c)), TL_FN_ASYNC_MARKED};
            if (tl_array_push(&fe.fnrefs, r) < 0) set_err(&fe, TL_ENOMEM);
          }
        }
      }
      func_reset(&fe);
    } else if (clang_getCursorKind(c) == CXCursor_VarDecl) {
      clang_visitChildren(c, note_fn_addr, &fe);
    }
    uint32_t e = file_off(&fe, clang_getRangeEnd(clang_getCursorExtent(c)));
    if (e != NO_OFF && e > prev_end) prev_end = e;
  }
  free(top);

  /* Functions named as async-fn / callback / offload-fn anywhere in the unit. */
  for (uint32_t i = 0; i < fe.fnrefs.size; i++) {
    uint32_t k = tl_unit_find_func(out, fe.fnrefs.data[i].name);
    if (k != UINT32_MAX) out->funcs[k].flags |= fe.fnrefs.data[i].flag;
  }
  mark_only_offloaded(&fe, out);
  rc = fe.err;
  if (opts->stats) opts->stats->lower_ns += now_ns() - t1;

done:
  fe_close(&fe);
  if (fe.tu) clang_disposeTranslationUnit(fe.tu);
  if (index) clang_disposeIndex(index);
  free(argv);
  return rc;
}
