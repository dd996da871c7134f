/* config.h — which rules run, and the .ticketlint configuration file.
 *
 * Rule selection: a list of steps `enable X` / `disable X`, X a rule id, a group
 * ("correctness", "perf") or "all", applied in order over the rules' defaults: first the
 * config file's steps, then the command line's --enable/--disable.
 *
 * The configuration file is the line format of model files (lines.h), one directive a line:
 *
 *   enable perf                          # rule ids, groups or all (one or more)
 *   disable ticket-reuse
 *   severity unawaited-ticket error      # note | warning | error
 *   model ../models/shop.model           # a model file (*.model), relative to this file
 *   fire-and-forget log_async            # its tickets are never awaited, by design
 *   ticket-type shop_order *             # a ticket type, as `type` in a model
 *   model-on mpi                         # a model on whatever the file includes
 *   model-off glib                       # ... or off (default: chosen by its `header`)
 *   blocking legacy_fetch                # a function that blocks, as `fn F blocking`
 *   failure-counter errs                 # `errs++` records a failed run: the path ends
 *
 * Nothing in it can name a program to run or a library to load: `model` files are parsed as
 * models, nothing else. Unknown directives, keys and rule ids are errors (file:line:col).
 * Each linted file uses the nearest `.ticketlint` found from its folder upward; the search
 * stops at a repository root (a folder holding `.git`) or the filesystem root. `--config
 * FILE` names one file for every linted file instead. docs/config.md documents it all. */
#ifndef TL_CONFIG_H
#define TL_CONFIG_H

#include <stddef.h>

#include "arena.h"
#include "array.h"
#include "diag.h"
#include "lines.h"

#define TL_CONFIG_NAME ".ticketlint"

/* ---- rule selection ------------------------------------------------------------------- */

/* 1 when `what` names a rule id, the group of some rule, or "all". */
int tl_select_valid(const char *what);

/* One selection step over on[0..tl_rules_count) (indexed like tl_rules): set on[i] to
 * `enable` for every rule `what` names. 0, or TL_EINVAL when `what` names nothing (on is
 * then untouched). */
int tl_select_apply(unsigned char *on, const char *what, int enable);

/* Write into buf (always NUL-terminated) up to three rule ids (or groups) close to `what`,
 * as "'a', 'b'"; "" when none is close. Returns buf. For "unknown rule" messages. */
const char *tl_rules_suggest(const char *what, char *buf, size_t n);

/* ---- the configuration file ----------------------------------------------------------- */

struct tl_config_select {
  const char *what;               /* rule id, group or "all" */
  int enable;
};

struct tl_config_severity {
  const char *what;               /* rule id, group or "all" */
  enum tl_severity severity;
};

typedef TL_ARRAY(const char *) tl_config_strs;

/* A loaded configuration. Every string lives in `arena`. */
struct tl_config {
  const char *path;               /* the file, as given or found */
  tl_arena *arena;
  TL_ARRAY(struct tl_config_select) select;       /* enable/disable, in order */
  TL_ARRAY(struct tl_config_severity) severity;   /* severity, in order */
  tl_config_strs models;                          /* model paths, resolved */
  tl_config_strs fire_and_forget;                 /* function names */
  tl_config_strs ticket_types;                    /* spellings, tokens joined by a space */
  tl_config_strs blocking;                        /* function names */
  tl_config_strs failure_counters;                /* variable names */
  TL_ARRAY(struct tl_config_select) model_select; /* model-on / model-off: `what` a model
                                                     name, in order (model.h, selection) */
};

/* Parse buf[0..len) into self (initialised by the callee). name: the file name for errors
 * and self->path; dir: the folder `model` paths are relative to (NULL: the current one).
 * 0, or TL_ECONFIG / TL_ENOMEM with *err filled (self then owns nothing). */
int  tl_config_load_buffer(struct tl_config *self, const char *name, const char *dir,
                           const char *buf, size_t len, struct tl_srcerr *err);
/* Read and parse the file at path; `model` paths are relative to its folder. 0, TL_EIO,
 * TL_ECONFIG or TL_ENOMEM with *err filled. */
int  tl_config_load_file(struct tl_config *self, const char *path, struct tl_srcerr *err);
void tl_config_close(struct tl_config *self);

/* The nearest .ticketlint from the folder of `file` upward, stopping after a folder that
 * holds `.git`, and at the filesystem root: *out gets a malloc'd absolute path, or NULL when
 * there is none. 0 or TL_ENOMEM. */
int  tl_config_find(const char *file, char **out);

/* The rules' defaults, then self's enable/disable and severity directives, into
 * on[tl_rules_count] and sev[tl_rules_count] (indexed like tl_rules). self may be NULL. */
void tl_config_rules(const struct tl_config *self, unsigned char *on, enum tl_severity *sev);

/* 1 when fn_name is listed by a `fire-and-forget` directive. self may be NULL. */
int  tl_config_fire_and_forget(const struct tl_config *self, const char *fn_name);

/* A model file's text for the `ticket-type`, `blocking` and `failure-counter` directives
 * ("model config", one `type`, `fn F blocking` or `failure-counter V` line each), malloc'd into *out (length *len); *out = NULL when
 * there are none. 0 or TL_ENOMEM. */
int  tl_config_model_text(const struct tl_config *self, char **out, size_t *len);

#endif /* TL_CONFIG_H */
