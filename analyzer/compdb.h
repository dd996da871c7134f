/* compdb.h — where compiler flags come from, and the allowlist they pass before libclang
 * sees them.
 *
 * ticketlint lints untrusted repositories: a compile_commands.json, a CMake co-compile
 * command line or a `--` tail may name any compiler, plugin or output file. Flags reach
 * libclang only through tl_flags_filter(), a pure function that keeps what changes how the
 * code *parses* (-I, -D, -std=, -f..., -m...) and drops everything else, in particular what
 * makes a compiler write files (-MF, -o, -MJ, --serialize-diagnostics, -ftime-trace...),
 * load code (-fplugin=, -Xclang -load) or hand options to other tools (-Wl, -Wa, -Wp,
 * -Xlinker, -mllvm). The compiler a command names is never executed. docs/cli.md lists
 * every rule and why.
 *
 * The compilation database is read through libclang's CXCompilationDatabase (which expands
 * @response files while loading) and copied into plain memory at once. */
#ifndef TL_COMPDB_H
#define TL_COMPDB_H

#include <stddef.h>
#include <stdint.h>

#include "array.h"
#include "model.h"

/* A list of heap strings, each owned by the list. */
typedef TL_ARRAY(char *) tl_args;

int  tl_args_push(tl_args *self, const char *s);             /* copies s; 0 or TL_ENOMEM */
int  tl_args_pushn(tl_args *self, const char *s, size_t n);  /* copies n bytes of s */
void tl_args_free(tl_args *self);                            /* frees strings and array */

enum {
  /* argv[0] is the compiler (a compile command): drop it unless it starts with '-'. */
  TL_FLAGS_COMMAND = 1u << 0
};

/* The allowlist. Append to `kept` the arguments of argv that may reach libclang, each flag
 * with its value (`-I dir` stays two arguments, `-Idir` one), and to `dropped` (may be NULL)
 * the others, a dropped flag together with the value it consumes. Positional arguments
 * (sources, the compiler, objects) are dropped. Pure: no I/O, no environment.
 * 0 or TL_ENOMEM (kept and dropped then untouched). */
int tl_flags_filter(const char *const *argv, size_t argc, unsigned opts, tl_args *kept,
                    tl_args *dropped);

/* Resolve `path` against `base` (when relative and base is not NULL) and canonicalise it:
 * realpath() when the file exists, else a lexical clean-up of "." and "..". Heap string
 * (caller frees) or NULL when out of memory. */
char *tl_path_resolve(const char *base, const char *path);

/* One entry of compile_commands.json. */
struct tl_compdb_entry {
  char *dir;       /* absolute working directory of the command */
  char *file;      /* the source, resolved against dir (tl_path_resolve) */
  tl_args argv;    /* the command as the database has it, compiler first, unfiltered */
};

struct tl_compdb {
  char *path;      /* <build-dir>/compile_commands.json */
  uint32_t size, cap;
  struct tl_compdb_entry *data;
};

/* Read <build_dir>/compile_commands.json (build_dir may also name the file itself).
 * 0; TL_EIO when it cannot be read; TL_ECOMPDB when it is malformed (err says where, with
 * line and column for JSON syntax errors); TL_ENOMEM. On failure *self is zeroed and owns
 * nothing. A "directory" that is relative is taken relative to the build directory. */
int  tl_compdb_load(struct tl_compdb *self, const char *build_dir, struct tl_srcerr *err);
void tl_compdb_close(struct tl_compdb *self);

/* The first entry whose source is `file` (resolved against the current directory), or NULL.
 * Only real entries match: libclang's guess for files it does not list is not used. */
const struct tl_compdb_entry *tl_compdb_find(const struct tl_compdb *self, const char *file);

#endif /* TL_COMPDB_H */
