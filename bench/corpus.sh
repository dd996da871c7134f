#!/bin/sh
# bench/corpus.sh — the real C code the bench measures on, and its compile_commands.json.
#
#   bench/corpus.sh <name>    prints "<src-dir> <version>" once <name> is ready in the cache
#
# Each corpus is a Debian source package, fetched with a private deb-src list
# (/work/shared/debsrc.md) into .cache/debsrc/ (ignored by git), pinned to one version; when
# the mirror no longer serves the pin, the current version is taken and printed instead.
#
# compile_commands.json is written by this script from a file list and flags, never by the
# package's own build: running a third party's configure and make (or `bear` around them)
# would run their scripts on this machine and take minutes; our list is the files a Linux
# build compiles, and the flags are the -I/-D/-std a build passes, with the one or two
# headers that configure would generate written here (docs/performance.md, "Corpora").
# Every tool is then run on the same units with the same flags.
#
#   libuv1   the library, a Linux build's sources (src/*.c, src/unix/ less other systems')
#   redis    redis-server's own sources (src/Makefile's REDIS_SERVER_OBJ, 89 units), with
#            libc malloc (no jemalloc headers needed), no TLS, no systemd
#   mpich    MPICH's test suite, point-to-point and collectives (test/mpi/pt2pt, coll): MPI
#            calls of every kind, parsed against the system's <mpi.h> (libmpich-dev)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cache="$here/.cache/debsrc"
work="$here/.cache/bench"

name=$1
case "$name" in
    libuv1) pin=1.44.2-1+deb12u1 ;;
    redis)  pin=5:7.0.15-1~deb12u7 ;;
    mpich)  pin=4.0.2-3 ;;
    *) echo "corpus.sh: unknown corpus '$name' (libuv1, redis, mpich)" >&2; exit 2 ;;
esac

# --- fetch ---------------------------------------------------------------------------------
apt_dir="$cache/apt"
o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt_dir -o Dir::State::Lists=$apt_dir/lists"
pkg_dir="$cache/$name"
src="$pkg_dir/src"
if [ ! -f "$pkg_dir/version" ] || [ ! -d "$src" ]; then
    mkdir -p "$apt_dir/lists/partial" "$pkg_dir"
    if [ ! -f "$apt_dir/src.sources" ]; then
        # shellcheck disable=SC2016
        uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' | awk '$2=="bookworm"{print $1; exit}')
        printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$uri" > "$apt_dir/src.sources"
    fi
    # shellcheck disable=SC2086
    apt-get $o update >/dev/null 2>&1 || { echo "corpus.sh: apt-get update of the deb-src list failed" >&2; exit 1; }
    rm -rf "$src" "$pkg_dir"/*.dsc "$pkg_dir"/*.tar.*
    # shellcheck disable=SC2086
    if ! (cd "$pkg_dir" && apt-get $o source --download-only "$name=$pin" >/dev/null 2>&1); then
        echo "corpus.sh: $name $pin is no longer served; taking the current version" >&2
        # shellcheck disable=SC2086
        (cd "$pkg_dir" && apt-get $o source --download-only "$name" >/dev/null 2>&1) ||
            { echo "corpus.sh: cannot fetch the $name source package" >&2; exit 1; }
    fi
    for dsc in "$pkg_dir"/*.dsc; do break; done
    (cd "$pkg_dir" && dpkg-source -x --no-check "$dsc" src >/dev/null 2>&1) ||
        { echo "corpus.sh: cannot unpack $dsc" >&2; exit 1; }
    sed -n 's/^Version: //p' "$dsc" | head -n 1 > "$pkg_dir/version"
fi
version=$(cat "$pkg_dir/version")

# --- units and flags -----------------------------------------------------------------------
out="$work/$name"
gen="$out/include"          # headers a configure step would have generated
mkdir -p "$gen"
case "$name" in
libuv1)
    files=$(cd "$src" && ls src/*.c src/unix/async.c src/unix/core.c src/unix/dl.c \
        src/unix/fs.c src/unix/getaddrinfo.c src/unix/getnameinfo.c src/unix/loop-watcher.c \
        src/unix/loop.c src/unix/pipe.c src/unix/poll.c src/unix/process.c src/unix/signal.c \
        src/unix/stream.c src/unix/tcp.c src/unix/thread.c src/unix/tty.c src/unix/udp.c \
        src/unix/linux-core.c src/unix/linux-inotify.c src/unix/linux-syscalls.c \
        src/unix/epoll.c src/unix/proctitle.c src/unix/random-devurandom.c \
        src/unix/random-getrandom.c src/unix/random-sysctl-linux.c)
    flags="-I$src/include -I$src/src -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_LARGEFILE_SOURCE"
    ;;
redis)
    objs=$(sed -n 's/^REDIS_SERVER_OBJ=//p' "$src/src/Makefile")
    files=$(for o in $objs; do echo "src/${o%.o}.c"; done)
    printf '#define REDIS_GIT_SHA1 "00000000"\n#define REDIS_GIT_DIRTY "0"\n#define REDIS_BUILD_ID "bench"\n' \
        > "$gen/release.h"
    flags="-std=c11 -DREDIS_STATIC= -I$gen -I$src/deps/hiredis -I$src/deps/linenoise"
    flags="$flags -I$src/deps/lua/src -I$src/deps/hdr_histogram"
    ;;
mpich)
    files=$(cd "$src" && ls test/mpi/pt2pt/*.c test/mpi/coll/*.c)
    cat > "$gen/mpitestconf.h" <<'H'
/* What MPICH's test-suite configure finds on Debian 12, x86-64 (written by bench/corpus.sh). */
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_UNISTD_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_RESOURCE_H 1
#define HAVE_GETRUSAGE 1
#define HAVE_PTHREAD_H 1
#define HAVE_USLEEP 1
#define HAVE_STRDUP 1
#define HAVE_LONG_LONG 1
#define HAVE_LONG_DOUBLE 1
#define HAVE_MPI_WIN_CREATE 1
#define HAVE_MPI_IO 1
#define HAVE_MPI_SPAWN 1
#define HAVE__BOOL 1
#define STDC_HEADERS 1
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_SHORT 2
#define SIZEOF_VOID_P 8
#define SIZEOF_MPI_OFFSET 8
#define POINTERINT_t long
#define THREAD_PACKAGE_NAME THREAD_PACKAGE_POSIX
H
    flags="-I$gen -I$src/test/mpi/include -I$src/test/mpi/dtpools/include"
    flags="$flags $(pkg-config --cflags mpich 2>/dev/null || echo -I/usr/include/x86_64-linux-gnu/mpich)"
    ;;
esac

# Paths go into JSON and shell words unquoted: refuse anything that would need quoting.
for w in "$src" $flags $files; do
    case "$w" in
        *[\"\\\'\ ]*) echo "corpus.sh: '$w' would need quoting" >&2; exit 1 ;;
    esac
done

# shellcheck disable=SC2086
printf '%s\n' $files > "$out/files.txt"
echo "$flags" > "$out/flags.txt"
{
    echo "["
    sep=""
    for f in $files; do
        printf '%s  {"directory": "%s", "file": "%s/%s",\n   "arguments": ["clang"' "$sep" "$src" "$src" "$f"
        for a in $flags; do printf ', "%s"' "$a"; done
        printf ', "-c", "%s/%s"]}' "$src" "$f"
        sep=",
"
    done
    printf '\n]\n'
} > "$out/compile_commands.json"
echo "$src $version"
