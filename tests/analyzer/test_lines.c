/* test_lines.c — the line format's parser (analyzer/lines.h): tokens, strings, comments, and
 * every error with its exact line:col. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lines.h"
#include "tl_errno.h"

static tl_arena *arena;

static void setup(void) { arena = tl_arena_new(); }
static void teardown(void) { tl_arena_free(arena); }

TestSuite(lines, .init = setup, .fini = teardown);

static struct tl_lines parse_ok(const char *text) {
  struct tl_lines out = {0};
  struct tl_srcerr err = {0};
  int rc = tl_lines_parse(arena, "t.model", text, strlen(text), &out, &err);
  cr_assert_eq(rc, 0, "parse failed: %s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  return out;
}

static struct tl_srcerr parse_err_n(const char *text, size_t len) {
  struct tl_lines out = { .nlines = 12345 };
  struct tl_srcerr err = {0};
  int rc = tl_lines_parse(arena, "t.model", text, len, &out, &err);
  cr_assert_eq(rc, TL_ESYNTAX, "expected a syntax error, got %d", rc);
  cr_assert_eq(out.nlines, 12345, "out must be untouched on failure");
  cr_assert_str_eq(err.file, "t.model");
  return err;
}

static struct tl_srcerr parse_err(const char *text) { return parse_err_n(text, strlen(text)); }

#define assert_err(e, l, c, substr)                                                         \
  do {                                                                                      \
    cr_assert_eq((e).line, (l), "line %d, expected %d (%s)", (e).line, (l), (e).msg);       \
    cr_assert_eq((e).col, (c), "col %d, expected %d (%s)", (e).col, (c), (e).msg);          \
    cr_assert(strstr((e).msg, (substr)), "message '%s' lacks '%s'", (e).msg, (substr));     \
  } while (0)

Test(lines, bare_words_split_on_spaces_and_tabs) {
  struct tl_lines ls = parse_ok("fn  tk_await\tawait\n");
  cr_assert_eq(ls.nlines, 1);
  cr_assert_eq(ls.lines[0].line, 1);
  cr_assert_eq(ls.lines[0].ntokens, 3);
  const struct tl_token *t = ls.lines[0].tokens;
  cr_assert_null(t[0].key);
  cr_assert_str_eq(t[0].value, "fn");
  cr_assert_eq(t[0].col, 1);
  cr_assert_str_eq(t[1].value, "tk_await");
  cr_assert_eq(t[1].col, 5);
  cr_assert_str_eq(t[2].value, "await");
  cr_assert_eq(t[2].col, 14);
  cr_assert_eq(t[2].value_col, 14);
  cr_assert_eq(t[2].line, 1);
}

Test(lines, key_value_splits_at_first_equals) {
  struct tl_lines ls = parse_ok("x ticket=*6 done=eq:A=B\n");
  const struct tl_token *t = ls.lines[0].tokens;
  cr_assert_str_eq(t[1].key, "ticket");
  cr_assert_str_eq(t[1].value, "*6");
  cr_assert_eq(t[1].col, 3);
  cr_assert_eq(t[1].value_col, 10);
  cr_assert_str_eq(t[2].key, "done");
  cr_assert_str_eq(t[2].value, "eq:A=B");
  cr_assert_eq(t[2].quoted, 0);
}

Test(lines, blank_and_comment_lines_produce_nothing) {
  struct tl_lines ls = parse_ok("# header\n\n   \t\n  # indented comment\nmodel x # trailing\n");
  cr_assert_eq(ls.nlines, 1);
  cr_assert_eq(ls.lines[0].line, 5);
  cr_assert_eq(ls.lines[0].ntokens, 2);
  cr_assert_str_eq(ls.lines[0].tokens[1].value, "x");
}

Test(lines, hash_ends_a_bare_word) {
  struct tl_lines ls = parse_ok("a#b c\n");
  cr_assert_eq(ls.lines[0].ntokens, 1);
  cr_assert_str_eq(ls.lines[0].tokens[0].value, "a");
}

Test(lines, empty_input_has_no_lines) {
  struct tl_lines ls = { .nlines = 7 };
  cr_assert_eq(tl_lines_parse(arena, "e", NULL, 0, &ls, NULL), 0);
  cr_assert_eq(ls.nlines, 0);
  ls = parse_ok("");
  cr_assert_eq(ls.nlines, 0);
}

Test(lines, last_line_without_newline) {
  struct tl_lines ls = parse_ok("a\nb c");
  cr_assert_eq(ls.nlines, 2);
  cr_assert_eq(ls.lines[1].line, 2);
  cr_assert_str_eq(ls.lines[1].tokens[1].value, "c");
}

Test(lines, crlf_line_ends) {
  struct tl_lines ls = parse_ok("a b\r\n\r\nc \"d\"\r\n");
  cr_assert_eq(ls.nlines, 2);
  cr_assert_str_eq(ls.lines[0].tokens[1].value, "b");
  cr_assert_eq(ls.lines[1].line, 3);
  cr_assert_str_eq(ls.lines[1].tokens[1].value, "d");
}

Test(lines, bom_is_skipped) {
  struct tl_lines ls = parse_ok("\xef\xbb\xbfmodel x\n");
  cr_assert_str_eq(ls.lines[0].tokens[0].value, "model");
  cr_assert_eq(ls.lines[0].tokens[0].col, 1);
}

Test(lines, utf8_in_words_and_strings) {
  struct tl_lines ls = parse_ok("caf\xc3\xa9 k=\"\xe2\x82\xac \xf0\x9f\x8e\x9f\"\n");
  cr_assert_str_eq(ls.lines[0].tokens[0].value, "caf\xc3\xa9");
  cr_assert_str_eq(ls.lines[0].tokens[1].value, "\xe2\x82\xac \xf0\x9f\x8e\x9f");
  cr_assert_eq(ls.lines[0].tokens[1].col, 7);
}

Test(lines, quoted_string_alone) {
  struct tl_lines ls = parse_ok("header \"my file.h\" \"\"\n");
  const struct tl_token *t = ls.lines[0].tokens;
  cr_assert_eq(ls.lines[0].ntokens, 3);
  cr_assert_null(t[1].key);
  cr_assert_str_eq(t[1].value, "my file.h");
  cr_assert_eq(t[1].quoted, 1);
  cr_assert_eq(t[1].col, 8);
  cr_assert_str_eq(t[2].value, "");
}

Test(lines, quoted_value_with_escapes) {
  struct tl_lines ls = parse_ok("note k=\"a \\\"b\\\" c\\\\d\\ne\\tf # not a comment\" z\n");
  const struct tl_token *t = ls.lines[0].tokens;
  cr_assert_eq(ls.lines[0].ntokens, 3);
  cr_assert_str_eq(t[1].key, "k");
  cr_assert_str_eq(t[1].value, "a \"b\" c\\d\ne\tf # not a comment");
  cr_assert_eq(t[1].quoted, 1);
  cr_assert_eq(t[1].value_col, 8);
  cr_assert_str_eq(t[2].value, "z");
}

Test(lines, empty_quoted_value) {
  struct tl_lines ls = parse_ok("k=\"\"");
  cr_assert_str_eq(ls.lines[0].tokens[0].key, "k");
  cr_assert_str_eq(ls.lines[0].tokens[0].value, "");
}

Test(lines, string_then_comment) {
  struct tl_lines ls = parse_ok("\"a\"# c\n");
  cr_assert_eq(ls.lines[0].ntokens, 1);
}

Test(lines, backslash_inside_a_word_or_comment_is_fine) {
  struct tl_lines ls = parse_ok("path=C:\\dir\\x y # ends with \\\n");
  cr_assert_str_eq(ls.lines[0].tokens[0].value, "C:\\dir\\x");
}

Test(lines, exactly_256_tokens_and_4096_bytes) {
  char buf[600];
  size_t o = 0;
  for (int i = 0; i < 256; i++) o += (size_t)sprintf(buf + o, "a ");
  struct tl_lines ls = parse_ok(buf);
  cr_assert_eq(ls.lines[0].ntokens, 256);

  char *line = malloc(4096 + 2);
  memset(line, 'x', 4096);
  line[4096] = '\n';
  line[4097] = '\0';
  ls = parse_ok(line);
  cr_assert_eq(strlen(ls.lines[0].tokens[0].value), 4096);
  free(line);
}

/* ---- errors ---------------------------------------------------------------------------- */

Test(lines, error_nul_byte) {
  struct tl_srcerr e = parse_err_n("ok\nab\0c\n", 8);
  assert_err(e, 2, 3, "NUL byte");
}

Test(lines, error_nul_byte_in_string) {
  struct tl_srcerr e = parse_err_n("k=\"a\0\"", 6);
  assert_err(e, 1, 5, "NUL byte");
}

Test(lines, error_control_character) {
  struct tl_srcerr e = parse_err("a\n  b\x01\n");
  assert_err(e, 2, 4, "control character U+0001");
  e = parse_err("x \"\x1b[0m\"");
  assert_err(e, 1, 4, "control character U+001B");
  e = parse_err("del\x7f");
  assert_err(e, 1, 4, "control character U+007F");
  e = parse_err("c1 \xc2\x85");
  assert_err(e, 1, 4, "control character U+0085");
}

Test(lines, error_lone_carriage_return) {
  struct tl_srcerr e = parse_err("a\rb\n");
  assert_err(e, 1, 2, "carriage return");
  e = parse_err("a\r");
  assert_err(e, 1, 2, "carriage return");
}

Test(lines, error_invalid_utf8) {
  struct tl_srcerr e = parse_err("ab\xff");
  assert_err(e, 1, 3, "invalid UTF-8 byte 0xff");
  e = parse_err("\xc0\xaf");                      /* overlong '/' */
  assert_err(e, 1, 1, "invalid UTF-8");
  e = parse_err("x \xed\xa0\x80");                /* a surrogate */
  assert_err(e, 1, 3, "invalid UTF-8");
  e = parse_err("x \xf4\x90\x80\x80");            /* above U+10FFFF */
  assert_err(e, 1, 3, "invalid UTF-8");
  e = parse_err("x \"\xe2\x82\"");                /* cut short by the quote */
  assert_err(e, 1, 4, "invalid UTF-8");
  e = parse_err("x \xe2\x82");                    /* cut short by the end */
  assert_err(e, 1, 3, "invalid UTF-8");
}

Test(lines, error_unterminated_string) {
  struct tl_srcerr e = parse_err("a\nk=\"abc\n\"\n");
  assert_err(e, 2, 3, "unterminated string");
  e = parse_err("  \"abc\\\"");
  assert_err(e, 1, 3, "unterminated string");
  e = parse_err("\"abc\\");
  assert_err(e, 1, 1, "unterminated string");
}

Test(lines, error_invalid_escape) {
  struct tl_srcerr e = parse_err("k=\"a\\qb\"");
  assert_err(e, 1, 5, "invalid escape '\\q'");
  e = parse_err("\"\\0\"");
  assert_err(e, 1, 2, "invalid escape '\\0'");
  e = parse_err("\"\\\x01\"");
  assert_err(e, 1, 3, "control character U+0001");
}

Test(lines, error_quote_inside_word) {
  struct tl_srcerr e = parse_err("ab\"c\"");
  assert_err(e, 1, 3, "unexpected '\"' inside a word");
  e = parse_err("k=v\"x\"");
  assert_err(e, 1, 4, "unexpected '\"' inside a word");
}

Test(lines, error_text_after_string) {
  struct tl_srcerr e = parse_err("x \"a\"b");
  assert_err(e, 1, 6, "expected a blank after the closing quote");
  e = parse_err("k=\"a\"=");
  assert_err(e, 1, 6, "expected a blank after the closing quote");
}

Test(lines, error_empty_key_or_value) {
  struct tl_srcerr e = parse_err("a =b");
  assert_err(e, 1, 3, "missing key before '='");
  e = parse_err("a ticket= 0");
  assert_err(e, 1, 9, "missing value after '=' (write ticket=\"\" for an empty value)");
  e = parse_err("=");
  assert_err(e, 1, 1, "missing key");
}

Test(lines, error_line_too_long) {
  char *line = malloc(5000);
  memcpy(line, "ok\n", 3);
  memset(line + 3, 'x', 4097);
  line[3 + 4097] = '\0';
  struct tl_srcerr e = parse_err(line);
  assert_err(e, 2, 4097, "line longer than 4096 bytes");
  free(line);
}

Test(lines, error_too_many_tokens) {
  char buf[600];
  size_t o = 0;
  for (int i = 0; i < 257; i++) o += (size_t)sprintf(buf + o, "a ");
  struct tl_srcerr e = parse_err(buf);
  assert_err(e, 1, 513, "more than 256 tokens on one line");
}

Test(lines, error_line_continuation) {
  struct tl_srcerr e = parse_err("fn a \\\n  blocking\n");
  assert_err(e, 1, 6, "line continuation");
  e = parse_err("fn a\\\r\n");
  assert_err(e, 1, 5, "line continuation");
}

Test(lines, error_without_err_or_name) {
  struct tl_lines out;
  cr_assert_eq(tl_lines_parse(arena, NULL, "\"", 1, &out, NULL), TL_ESYNTAX);
  struct tl_srcerr err;
  cr_assert_eq(tl_lines_parse(arena, NULL, "\"", 1, &out, &err), TL_ESYNTAX);
  cr_assert_str_eq(err.file, "<input>");
}

Test(lines, quote_for_messages_is_short_and_escaped) {
  char b[64];
  cr_assert_str_eq(tl_srcerr_quote(b, sizeof b, "a\nb\t'c"), "a\\nb\\t\\'c");
  char long_s[100];
  memset(long_s, 'y', 99);
  long_s[99] = '\0';
  tl_srcerr_quote(b, sizeof b, long_s);
  cr_assert_eq(strlen(b), 43);
  cr_assert_str_eq(b + 40, "...");
  cr_assert_str_eq(tl_srcerr_quote(b, 8, "abcdefghij"), "abc...");
}
