/* output.h — printing diagnostics: GCC/clang-style text, or one JSON array.
 *
 * Text, as editors and CI problem matchers read it:
 *
 *   file.c:12:5: warning: ticket 't' is never awaited [unawaited-ticket]
 *       tk_async(loop, work, NULL);
 *       ^~~~~~~~~~~~~~~~~~~~~~~~~~
 *   file.c:9:1: note: ...
 *
 * JSON: an array of {"file", "line", "column", "end_line", "end_column", "rule",
 * "severity", "message", "notes": [{"file", "line", "column", "message"}]}, written by
 * tl_output_finish(), so several files' diagnostics form one array.
 *
 * A finding silenced by a NOLINT comment (suppress.h) is printed only when show_suppressed
 * is set: in text with " (suppressed by NOLINT... on line N)" after its rule id, in JSON
 * with "suppressed": true and "suppressed_by": {"kind", "line"}. */
#ifndef TL_OUTPUT_H
#define TL_OUTPUT_H

#include <stdio.h>

#include "cli.h"
#include "diag.h"
#include "suppress.h"

struct tl_output {
  FILE *out;
  enum tl_format format;
  int color;          /* text: ANSI colours */
  int show_suppressed; /* print findings silenced by NOLINT (marked) instead of hiding them */
  void *json;         /* json_t array being filled (JSON format) */
  /* text: the file whose lines were read last, for source lines and carets */
  char *src_path;
  char *src;
  size_t src_len;
};

/* color: 1 to colour text output (the caller decides, e.g. isatty(stdout)). 0 or TL_ENOMEM. */
int  tl_output_init(struct tl_output *self, FILE *out, enum tl_format format, int color);
/* Text: print diags now, in their order. JSON: append them to the array. 0 or TL_ENOMEM. */
int  tl_output_write(struct tl_output *self, const struct tl_diags *diags);
/* The same, where suppressed[i] (suppressed may be NULL) is the NOLINT mark that silenced
 * diags->data[i], or NULL when it is not silenced. 0 or TL_ENOMEM. */
int  tl_output_write_marked(struct tl_output *self, const struct tl_diags *diags,
                            const struct tl_nolint *const *suppressed);
/* JSON: print the array (also when empty). Text: nothing. 0, TL_ENOMEM or TL_EIO. */
int  tl_output_finish(struct tl_output *self);
void tl_output_close(struct tl_output *self);

/* 1 when color mode `mode` means colour on a stream with file descriptor fd. */
int  tl_output_want_color(enum tl_color mode, int fd);

#endif /* TL_OUTPUT_H */
