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
 * with "suppressed": true and "suppressed_by": {"kind", "line"}.
 *
 * SARIF 2.1.0: one log with one run, written by tl_output_finish():
 * tool.driver with every registered rule (id, name, descriptions, help from struct
 * tl_rule.doc, default level), then one result per finding with its location relative to
 * SRCROOT, its notes as relatedLocations and a partialFingerprints entry that does not
 * depend on line numbers. Findings silenced by NOLINT are always included, with
 * suppressions [{"kind": "inSource"}]. docs/cli.md ("SARIF") is the user's account.
 *
 * --output FILE (tl_output_open): whatever the format, the output is written to a temporary
 * file beside FILE and renamed over it by tl_output_finish(); without a finish (an error)
 * tl_output_close() removes it, so FILE is never half written. */
#ifndef TL_OUTPUT_H
#define TL_OUTPUT_H

#include <stdio.h>

#include "array.h"
#include "cli.h"
#include "diag.h"
#include "suppress.h"

struct tl_rule;

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
  /* The current directory when the output was made. Relative paths are taken from it:
   * libclang may change the process's directory while parsing (-working-directory of a
   * compilation database entry). NULL when unknown. */
  char *cwd;
  /* SARIF */
  char *root;              /* SRCROOT: absolute, ending in '/' */
  const char *docs_url;    /* base of each rule's helpUri, or NULL: no helpUri */
  void *sarif_rules;       /* json_t array of reportingDescriptor objects */
  void *sarif_results;     /* json_t array of result objects */
  TL_ARRAY(uint64_t) prints;  /* fingerprint of each result so far, without occurrence */
  /* --output */
  char *path;              /* the file to replace, or NULL: `out` is the caller's */
  char *tmp_path;          /* the temporary file `out` writes, renamed at finish */
};

/* color: 1 to colour text output (the caller decides, e.g. isatty(stdout)). 0 or TL_ENOMEM.
 * SARIF output made this way has SRCROOT = the current directory. */
int  tl_output_init(struct tl_output *self, FILE *out, enum tl_format format, int color);
/* What the command line asks for: cli->format; standard output, or with cli->output a
 * temporary file in that file's directory; colour per cli->color on that stream;
 * show_suppressed; for SARIF, SRCROOT = cli->sarif_root, else the nearest folder holding
 * .git from the current directory upward, else the current directory, and
 * cli->sarif_docs_url. 0, or TL_EIO / TL_ENOMEM with a one-line message in err. */
int  tl_output_open(struct tl_output *self, const struct tl_cli *cli, char *err,
                    size_t errlen);
/* Text: print diags now, in their order. JSON: append them to the array. 0 or TL_ENOMEM. */
int  tl_output_write(struct tl_output *self, const struct tl_diags *diags);
/* The same, where suppressed[i] (suppressed may be NULL) is the NOLINT mark that silenced
 * diags->data[i], or NULL when it is not silenced. 0 or TL_ENOMEM. */
int  tl_output_write_marked(struct tl_output *self, const struct tl_diags *diags,
                            const struct tl_nolint *const *suppressed);
/* JSON: print the array (also when empty). SARIF: print the log. Text: nothing. Then, with
 * --output, close the temporary file and rename it over the file. 0, TL_ENOMEM or TL_EIO. */
int  tl_output_finish(struct tl_output *self);
/* Free everything; a temporary --output file not yet renamed is removed. */
void tl_output_close(struct tl_output *self);

/* A rule's documentation (struct tl_rule.doc) as Markdown, as cmake/RuleDocs.cmake writes
 * docs/rules/<id>.md without the page's generator comment: "# id", the summary, then the
 * sections with "## " headings. For --explain and SARIF's help.markdown. */
void tl_output_rule_doc(const struct tl_rule *rule, FILE *out);

/* 1 when color mode `mode` means colour on a stream with file descriptor fd. */
int  tl_output_want_color(enum tl_color mode, int fd);

#endif /* TL_OUTPUT_H */
