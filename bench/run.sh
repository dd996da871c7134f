#!/bin/sh
# bench/run.sh — `make bench`: benchmarks, printed side by side in one run. Not a test.
#
#   1. the runtime: awaits per second, cost of a context switch (bench/runtime)
#   2. the analyzer on real C code (Debian's libuv1 source package, fetched into .cache/):
#      `clang -fsyntax-only` per file (the floor: libclang cannot parse faster than clang)
#      against `ticketlint` on the same files, and ticketlint's own split of its time
#      (parse / lower / rules) from --stats. Goal: lowering + rules add < 10% to the parse.
#
# Release build in build-bench/ (no sanitizers). Medians of $RUNS runs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build-bench"
cache="$here/.cache/debsrc"
RUNS=${RUNS:-3}
PKG=${PKG:-libuv1}

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTL_SANITIZE=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target ticketlint bench_runtime >/dev/null

echo "== runtime ($(uname -m), $(nproc) cores)"
"$build/bench/runtime/bench_runtime"

command -v clang >/dev/null 2>&1 || {
    s=""; [ "$(id -u)" -eq 0 ] || s=sudo
    $s env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >/dev/null
}

# Fetch the source package with a private deb-src list (../shared/debsrc.md).
src="$cache/$PKG/src"
if [ ! -d "$src" ]; then
    mkdir -p "$cache/$PKG/lists/partial"
    uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' | awk '$2=="bookworm"{print $1; exit}')
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$uri" > "$cache/$PKG/src.sources"
    o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$cache/$PKG -o Dir::State::Lists=$cache/$PKG/lists"
    if ! { apt-get $o update >/dev/null 2>&1 &&
           (cd "$cache/$PKG" && apt-get $o source --download-only "$PKG" >/dev/null 2>&1); }; then
        echo "bench: cannot fetch the $PKG source package; skipping the analyzer benchmark"
        exit 0
    fi
    (cd "$cache/$PKG" && dpkg-source -x --no-check ./*.dsc src >/dev/null 2>&1)
fi
version=$(cd "$cache/$PKG" && ls ./*.dsc | sed 's/.*_//; s/\.dsc$//')

# The files a Linux build of libuv compiles.
files=$(cd "$src" && ls src/*.c src/unix/async.c src/unix/core.c src/unix/dl.c src/unix/fs.c \
        src/unix/getaddrinfo.c src/unix/getnameinfo.c src/unix/loop-watcher.c src/unix/loop.c \
        src/unix/pipe.c src/unix/poll.c src/unix/process.c src/unix/signal.c src/unix/stream.c \
        src/unix/tcp.c src/unix/thread.c src/unix/tty.c src/unix/udp.c src/unix/linux-core.c \
        src/unix/linux-inotify.c src/unix/linux-syscalls.c src/unix/epoll.c \
        src/unix/proctitle.c 2>/dev/null || true)
flags="-Iinclude -Isrc -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64"
nfiles=$(echo "$files" | wc -w)

now_ms() { date +%s%N | cut -b1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

clang_runs=""; tl_runs=""; stats=""
i=0
while [ $i -lt "$RUNS" ]; do
    t0=$(now_ms)
    (cd "$src" && for f in $files; do clang -fsyntax-only -w $flags "$f"; done)
    t1=$(now_ms)
    # shellcheck disable=SC2086
    (cd "$src" && "$build/analyzer/ticketlint" --stats $files -- $flags >/dev/null 2>"$build/bench-stats.txt") || true
    t2=$(now_ms)
    clang_runs="$clang_runs $((t1 - t0))"
    tl_runs="$tl_runs $((t2 - t1))"
    stats=$(grep 'stats:' "$build/bench-stats.txt" | tail -n 1 || true)
    i=$((i + 1))
done
c=$(echo $clang_runs | tr ' ' '\n' | median)
t=$(echo $tl_runs | tr ' ' '\n' | median)

echo
echo "== analyzer on $PKG $version ($nfiles files, median of $RUNS runs, $(clang --version | head -n 1))"
printf '%-34s %8s ms  %5s\n' "clang -fsyntax-only (floor)" "$c" "1.00x"
printf '%-34s %8s ms  %5s\n' "ticketlint (parse + lower + rules)" "$t" \
    "$(awk -v a="$t" -v b="$c" 'BEGIN{printf "%.2fx", a/b}')"
if [ -n "$stats" ]; then
    echo "ticketlint's own split: $stats"
    echo "$stats" | awk '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        if (v["parse-ms"] > 0)
            printf "lowering + rules add %.1f%% to the parse (goal: < 10%%)\n",
                   100 * (v["lower-ms"] + v["rules-ms"]) / v["parse-ms"]
    }'
fi
