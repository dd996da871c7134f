# cli/hostile_compdb — linting an untrusted repository runs, loads and writes nothing that
# its compile commands name. The compiler is a script that would leave a marker; evil.so is
# a real shared library whose constructor would leave one; every output flag points into
# the test directory. After ticketlint, no marker and no new file may exist anywhere in it,
# while the flags that matter for parsing (-I, -D) must still have been used.
. "$(dirname "$0")/lib.sh"
: "${TL_CC:=cc}"
cd "$TMP"
mkdir inc cwd
cat >inc/gate.h <<'C'
#define GATE_H 1
C
cat >a.c <<'C'
#include "ticket.h"
#include "gate.h"
static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }
#ifdef GATE
void fire_and_forget(tk_loop *loop) {
  tk_async(loop, work, 0);
}
#endif
C

# The canaries, and proof that they work.
cat >fakecc <<SH
#!/bin/sh
touch "$TMP/MARKER_compiler_ran"
SH
chmod +x fakecc
cat >evil.c <<C
#include <stdio.h>
__attribute__((constructor)) static void evil(void) {
  FILE *f = fopen("$TMP/MARKER_library_loaded", "w");
  if (f) fclose(f);
}
C
"$TL_CC" -shared -fPIC -o evil.so evil.c || fail "cannot build evil.so"
rm evil.c
./fakecc
[ -e MARKER_compiler_ran ] || fail "the fake compiler canary does not work"
LD_PRELOAD="$TMP/evil.so" /bin/true
[ -e MARKER_library_loaded ] || fail "the evil.so canary does not work"
rm MARKER_compiler_ran MARKER_library_loaded

cat >rsp <<RSP
-MD -MF$TMP/rsp.d -Wp,-MD,$TMP/wp.d -Xclang -load -Xclang $TMP/evil.so -fplugin=$TMP/evil.so
RSP

# Every way a command line can make a compiler write or load something.
T="$TMP"
hostile="-MD -MF $T/evil.d -MJ $T/j.json -o $T/evil.o -save-temps -save-temps=obj -ftime-trace \
-ftime-trace=$T/trace.json --serialize-diagnostics $T/d.dia -Xclang -load -Xclang $T/evil.so \
-fplugin=$T/evil.so -fpass-plugin=$T/evil.so -Xclang -add-plugin -Xclang evil \
-fprofile-instr-generate=$T/p.profraw -fcoverage-mapping -fmodules -fmodules-cache-path=$T/mc \
-fcrash-diagnostics-dir=$T/crash -fsave-optimization-record -save-stats=obj \
-Wp,-MD,$T/wp2.d -Wl,-Map,$T/map.txt -Xpreprocessor -MD -mllvm -time-passes \
-fproc-stat-report=$T/stat.csv -fstack-usage -fdump-tree-all --config $T/evil.cfg"
q() {   # a JSON array of the words of $*
  printf '['
  sep=''
  for w in "$@"; do printf '%s"%s"' "$sep" "$w"; sep=', '; done
  printf ']'
}
# shellcheck disable=SC2086
cat >compile_commands.json <<JSON
[
  {"directory": "$T",
   "command": "$T/fakecc -I$T/inc -I$INC -DGATE $hostile @$T/rsp -c a.c",
   "file": "a.c"},
  {"directory": "$T",
   "arguments": $(q "$T/fakecc" "-I$T/inc" "-I$INC" -DGATE $hostile "@$T/rsp" -c "$T/a.c"),
   "file": "$T/a.c"}
]
JSON

# Every path under $TMP but run()'s out/err and the snapshots themselves.
snapshot() {
  (cd "$TMP" && find . | grep -v -x -e ./out -e ./err -e ./snap.before -e ./snap.after |
     LC_ALL=C sort)
}
snapshot >"$TMP/snap.before"

# 1. Through the compilation database (-p, every entry).
cd "$TMP/cwd"
run -p "$TMP"
expect_status 1 "hostile database: the finding, no error"
expect_grep "$TMP/out" 'a\.c:6:3: warning: .*\[unawaited-ticket\]' "-I and -D still reached libclang"
expect_no_grep "$TMP/out" 'clang-diagnostic' "no compiler error"

# 2. Through '--', as CMake's co-compile passes the full command.
# shellcheck disable=SC2086
run --extra-arg-before=--driver-mode=gcc --extra-arg=-fplugin=$T/evil.so \
  --extra-arg=-MF$T/extra.d "$T/a.c" -- "$T/fakecc" "-I$T/inc" "-I$INC" -DGATE $hostile \
  "@$T/rsp" -c "$T/a.c"
expect_status 1 "hostile '--' command: the finding, no error"
expect_grep "$TMP/out" 'a\.c:6:3: warning: .*\[unawaited-ticket\]' "-I and -D still reached libclang"
cd "$TMP"

snapshot >"$TMP/snap.after"
diff "$TMP/snap.before" "$TMP/snap.after" >&2 ||
  fail "ticketlint created or removed files (diff above)"
[ -z "$(ls -A "$TMP/cwd")" ] || fail "files appeared in the working directory: $(ls -A "$TMP/cwd")"
for m in MARKER_compiler_ran MARKER_library_loaded; do
  [ ! -e "$TMP/$m" ] || fail "$m exists"
done
echo "ok"
