/* lines.h — the one small line-oriented format of model files and the .ticketlint config file,
 * with its own parser that is safe on any input (tests/fuzz/fuzz_lines.c).
 *
 *   # a comment runs from '#' (outside quotes) to the end of the line
 *   fn tk_await await ticket=0 value=*1 status=ret suspends
 *   exclude path="third party/old code.c" note="tab:\t quote:\" backslash:\\"
 *
 * Grammar (bytes, UTF-8 text; columns count bytes, from 1):
 *
 *   file    = [BOM] { line ( LF | CR LF ) } [ line ]
 *   line    = { blank } [ token { blank+ token } ] { blank } [ '#' comment ]
 *   blank   = ' ' | TAB
 *   token   = word | string | key '=' ( word | string )
 *   word    = one or more bytes other than blank, '#', '"', LF (a bare word; '=' allowed)
 *   key     = a word without '=' (the first '=' of a token splits key from value)
 *   string  = '"' { char | '\"' | '\\' | '\n' | '\t' } '"'
 *
 * Rules and limits, each an error with file:line:col:
 *  - no NUL bytes, no control characters (below 0x20 except TAB, 0x7F, U+0080..U+009F), no CR
 *    except right before LF, no invalid UTF-8 (overlong forms, surrogates, > U+10FFFF);
 *  - a string ends on its line, and its only escapes are \" \\ \n \t;
 *  - a string is followed by a blank, a comment or the end of the line (`"a"b` is an error),
 *    and a word does not run into a quote (`a"b"` is an error; `key="b"` is the only way);
 *  - a token of the form `=x` (empty key) or `key=` (empty value) is an error; write `key=""`;
 *  - a line holds at most TL_LINE_MAX bytes (without its line break) and TL_LINE_MAX_TOKENS
 *    tokens;
 *  - no line continuation: a line whose last byte is a '\' outside a comment is an error
 *    ("one directive per line"), so that the syntax stays free for later.
 * A UTF-8 byte order mark at the very start is skipped. Blank and comment-only lines produce
 * no struct tl_line.
 */
#ifndef TL_LINES_H
#define TL_LINES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define TL_LINE_MAX        4096   /* bytes on one line, without the line break */
#define TL_LINE_MAX_TOKENS 256    /* tokens on one line */

/* A position error: file:line:col: message. Shared by the line parser, the models and the
 * config file. line and col are 1-based; 0 when the error has no position (I/O, memory). */
struct tl_srcerr {
  char file[256];
  int line, col;
  char msg[256];
};

/* One token. A bare word `w` or a lone string `"s"` has key NULL and value "w" / "s"; a
 * `key=value` token has both. value is never NULL (a string may be empty: `k=""`). */
struct tl_token {
  const char *key;        /* NULL for a bare word or a lone string */
  const char *value;      /* the word, the string's decoded contents, or what follows '=' */
  uint32_t line, col;     /* where the token starts */
  uint32_t value_col;     /* where its value starts (== col when key is NULL) */
  unsigned quoted : 1;    /* the value was written as a "string" */
};

/* One non-blank line: its tokens, in order (ntokens >= 1). */
struct tl_line {
  uint32_t line;
  uint32_t ntokens;
  struct tl_token *tokens;
};

struct tl_lines {
  uint32_t nlines;
  struct tl_line *lines;
};

/* Parse buf[0..len) (not NUL-terminated; NULL is fine when len is 0). name is the file name
 * used in errors (NULL: "<input>"). Every string and array lives in `arena`. Returns 0 and
 * fills *out, or TL_ESYNTAX (or TL_ENOMEM) and fills *err (when err is not NULL) with the
 * first error; *out is untouched on failure, and the arena may then hold garbage that dies
 * with it. */
int tl_lines_parse(tl_arena *arena, const char *name, const char *buf, size_t len,
                   struct tl_lines *out, struct tl_srcerr *err);

/* Fill err (when not NULL) with file, line, col and a printf-formatted message (truncated to
 * fit). For the users of this format (models, config); returns nothing. */
void tl_srcerr_set(struct tl_srcerr *err, const char *file, int line, int col,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Write `s` into buf (size n >= 8, always NUL-terminated) for quoting in a message: at most
 * about 40 bytes, control characters escaped, "..." when cut. Returns buf. */
const char *tl_srcerr_quote(char *buf, size_t n, const char *s);
/* tl_srcerr_set with a va_list, for callers' own printf-like error helpers. */
void tl_srcerr_vset(struct tl_srcerr *err, const char *file, int line, int col,
                    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

#endif /* TL_LINES_H */
