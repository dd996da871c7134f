# cli/cmake_clang_tidy — ticketlint as CMake's CMAKE_C_CLANG_TIDY on tests/cmake_project,
# then `ticketlint -p` on the same build tree.
#
# CMake's co-compile (cmake -E __run_co_compile) fails the compile step when the tidy tool
# exits non-zero, so plain `ticketlint` makes findings break the build (like clang-tidy with
# --warnings-as-errors), and `ticketlint;--exit-zero` reports them and lets the build go on.
# Both are checked here; docs/cli.md gives the recipe.
. "$(dirname "$0")/lib.sh"
: "${TL_CMAKE:=cmake}"
project="$TL_REPO/tests/cmake_project"
gen_flags="-DTICKET_INCLUDE_DIR=$INC -DCMAKE_EXPORT_COMPILE_COMMANDS=ON"
[ -n "${TL_CC:-}" ] && gen_flags="$gen_flags -DCMAKE_C_COMPILER=$TL_CC"

# 1. --exit-zero: the build succeeds and shows the finding.
# shellcheck disable=SC2086
"$TL_CMAKE" -S "$project" -B "$TMP/b1" $gen_flags \
  "-DCMAKE_C_CLANG_TIDY=$TICKETLINT;--exit-zero" >"$TMP/configure.log" 2>&1 ||
  { cat "$TMP/configure.log" >&2; fail "configure"; }
"$TL_CMAKE" --build "$TMP/b1" >"$TMP/build.log" 2>&1 ||
  { cat "$TMP/build.log" >&2; fail "the build failed with --exit-zero"; }
grep -q 'leaky\.c:11:[0-9]*: warning: .*\[unawaited-ticket\]' "$TMP/build.log" ||
  { cat "$TMP/build.log" >&2; fail "the build log does not show ticketlint's finding"; }
grep -q 'clean\.c:[0-9]' "$TMP/build.log" &&
  { cat "$TMP/build.log" >&2; fail "a finding or error in clean.c"; }
grep -q 'default flags' "$TMP/build.log" &&
  { cat "$TMP/build.log" >&2; fail "co-compile flags were not used"; }
[ -f "$TMP/b1/libdemo.a" ] || fail "the library was not built"

# 2. Without --exit-zero, the finding fails the build.
# shellcheck disable=SC2086
"$TL_CMAKE" -S "$project" -B "$TMP/b2" $gen_flags "-DCMAKE_C_CLANG_TIDY=$TICKETLINT" \
  >"$TMP/configure2.log" 2>&1 || { cat "$TMP/configure2.log" >&2; fail "configure 2"; }
if "$TL_CMAKE" --build "$TMP/b2" >"$TMP/build2.log" 2>&1; then
  cat "$TMP/build2.log" >&2
  fail "findings did not fail the build without --exit-zero"
fi
grep -q 'leaky\.c:11:[0-9]*: warning: .*\[unawaited-ticket\]' "$TMP/build2.log" ||
  { cat "$TMP/build2.log" >&2; fail "the failed build does not show the finding"; }

# 3. ticketlint -p on the same build tree: every source, with its flags.
[ -f "$TMP/b1/compile_commands.json" ] || fail "no compile_commands.json"
run -p "$TMP/b1"
expect_status 1 "-p on the CMake build tree"
expect_grep "$TMP/out" 'leaky\.c:11:[0-9]*: warning: .*\[unawaited-ticket\]' "the finding"
expect_no_grep "$TMP/out" 'clean\.c' "nothing in clean.c"
expect_no_grep "$TMP/out" 'clang-diagnostic' "no compiler error: flags came through"
expect_no_grep "$TMP/err" 'default flags' "every file is in the database"
echo "ok"
