/* fuzz_lines.c — libFuzzer target for the line format (analyzer/lines.c) and, on top of it,
 * the model loader (analyzer/model.c). Checks the parser's promises on every input:
 *  - it returns 0, TL_ESYNTAX or TL_ENOMEM, nothing else;
 *  - on success every token has a value, positions are 1-based and inside the input, line
 *    numbers increase, no line has more than TL_LINE_MAX_TOKENS tokens;
 *  - on failure the error has a position and a NUL-terminated message;
 *  - a failed model load leaves the set unchanged.
 * Build: tests/fuzz/CMakeLists.txt (clang only). Run: fuzz_lines -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lines.h"
#include "model.h"
#include "tl_errno.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void check_lines(const uint8_t *data, size_t size) {
  tl_arena *arena = tl_arena_new();
  if (!arena) return;
  struct tl_lines out = { .nlines = 0xdeadbeef };
  struct tl_srcerr err;
  memset(&err, 0x5a, sizeof err);
  int rc = tl_lines_parse(arena, "fuzz", (const char *)data, size, &out, &err);
  CHECK(rc == 0 || rc == TL_ESYNTAX || rc == TL_ENOMEM);
  if (rc == 0) {
    uint32_t prev = 0;
    for (uint32_t i = 0; i < out.nlines; i++) {
      const struct tl_line *ln = &out.lines[i];
      CHECK(ln->line > prev);
      prev = ln->line;
      CHECK(ln->ntokens >= 1 && ln->ntokens <= TL_LINE_MAX_TOKENS);
      for (uint32_t t = 0; t < ln->ntokens; t++) {
        const struct tl_token *tok = &ln->tokens[t];
        CHECK(tok->value != NULL);
        CHECK(tok->line == ln->line);
        CHECK(tok->col >= 1 && tok->col <= TL_LINE_MAX);
        CHECK(tok->value_col >= tok->col && tok->value_col <= TL_LINE_MAX + 1);
        CHECK(strlen(tok->value) <= size);
        if (tok->key) CHECK(tok->key[0] != '\0' && strchr(tok->key, '=') == NULL);
        if (t > 0) CHECK(tok->col > ln->tokens[t - 1].col);
      }
    }
    CHECK(prev <= size + 1);
  } else {
    CHECK(out.nlines == 0xdeadbeef);
    CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL);
    CHECK(memchr(err.file, '\0', sizeof err.file) != NULL);
    CHECK(strcmp(err.file, "fuzz") == 0);
    if (rc == TL_ESYNTAX) CHECK(err.line >= 1 && err.col >= 1 && err.col <= TL_LINE_MAX + 1);
  }
  tl_arena_free(arena);
}

static void check_models(const uint8_t *data, size_t size) {
  tl_models *m;
  if (tl_models_new(&m) < 0) return;
  static const char base[] = "model base\ntype base_t\nfn keep blocking\n";
  struct tl_srcerr err;
  CHECK(tl_models_load_buffer(m, "base", base, sizeof base - 1, &err) == 0);
  const struct tl_model_fn *keep = tl_models_find(m, "keep");
  int rc = tl_models_load_buffer(m, "fuzz", (const char *)data, size, &err);
  CHECK(rc == 0 || rc == TL_EMODEL || rc == TL_ENOMEM);
  if (rc < 0) {
    CHECK(tl_models_count(m) == 1);
    CHECK(tl_models_find(m, "keep") == keep);
    CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL);
  } else {
    for (size_t i = 0; i < tl_models_count(m); i++) {
      const struct tl_model_fn *fn = tl_models_at(m, i);
      CHECK(tl_models_find(m, fn->name) == fn);
      tl_model_fn_blocks(fn);
      (void)tl_model_event_name(fn->event);
    }
  }
  (void)tl_models_is_ticket_type(m, "base_t");
  /* The input as a type spelling, a marker and a header path too. */
  char *s = malloc(size + 1);
  if (s) {
    memcpy(s, data, size);
    s[size] = '\0';
    (void)tl_models_is_ticket_type(m, s);
    (void)tl_models_is_async_marker(m, s);
    (void)tl_models_header_model(m, s);
    (void)tl_models_find(m, s);
    free(s);
  }
  tl_models_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_lines(data, size);
  check_models(data, size);
  return 0;
}
