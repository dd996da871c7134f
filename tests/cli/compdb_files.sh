# cli/compdb_files — -p: every file of the database with its own flags (relative -I,
# -D, directory); -p with files; -p naming the file itself.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
mkdir -p proj/src proj/include build
cat >proj/include/gate.h <<'C'
#define GATE_H 1
C
cat >proj/src/bad.c <<'C'
#include "ticket.h"
#include "gate.h"  /* found only through the database's relative -I */
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }
#ifdef GATE  /* defined only by the database */
void fire_and_forget(tk_loop *loop) {
  tk_async(loop, work, 0);
}
#endif
C
write_clean proj/src/clean.c
cat >build/compile_commands.json <<JSON
[
  {"directory": "$TMP/build",
   "arguments": ["cc", "-I../proj/include", "-I$INC", "-DGATE", "-c", "../proj/src/bad.c",
                 "-o", "bad.o"],
   "file": "../proj/src/bad.c"},
  {"directory": "$TMP/build",
   "command": "cc -DGATE -c $TMP/proj/src/clean.c -o clean.o",
   "file": "$TMP/proj/src/clean.c"}
]
JSON

run -p build
expect_status 1 "lint every entry"
expect_grep "$TMP/out" '/proj/src/bad\.c:6:3: warning: .*\[unawaited-ticket\]' "finding with database flags"
expect_no_grep "$TMP/out" 'clang-diagnostic' "no compiler error: -I and -D reached libclang"
expect_no_grep "$TMP/out" 'clean\.c' "no finding in the clean file"
expect_no_grep "$TMP/err" 'default flags' "every file is in the database"

cd proj/src
run -p ../../build bad.c
expect_status 1 "-p with a relative file name"
expect_grep "$TMP/out" '/proj/src/bad\.c:6:3: warning: .*\[unawaited-ticket\]' "finding, by its database path"
cd "$TMP"

run -p build/compile_commands.json proj/src/clean.c
expect_status 0 "-p naming compile_commands.json"
expect_no_grep "$TMP/err" 'not in' "the file is found in the database"
echo "ok"
