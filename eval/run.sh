#!/bin/sh
# eval/run.sh — `make eval`: ticketlint on real, mature C code (Debian bookworm source
# packages), one table of what it finds. Not a test: it needs the network. docs/eval.md holds
# the table of the last run and the review of every finding.
#
#   1. a release ticketlint in build-eval/ (no sanitizers);
#   2. each package fetched with a private deb-src list into .cache/debsrc/ (eval/fetch.sh;
#      never committed), its version pinned in the table; a fetch that fails is said and the
#      package skipped;
#   3. every file of the package's selection linted with every model (the default model
#      directory holds them all) and every rule (--enable=all, so the perf group too), one
#      process per file, $EVAL_JOBS at a time (ticketlint has no -j), with the package's
#      configuration eval/config/<package>.ticketlint (`--config`) when there is one: what
#      its maintainers would write (MPICH's test suite counts failures in `errs`;
#      EVAL_NO_CONFIG=1 lints without them);
#   4. eval/summarize.py prints the table: package, version, files, non-blank lines, findings
#      (and per rule), findings per 1000 lines, parse failures, time; and writes every
#      finding to build-eval/eval/findings.txt for the review.
#
# The selection of each package is the C files a Linux build of it compiles (and its tests
# and examples); files for other systems and for optional libraries that Debian's headers do
# not provide here are left out by name below. Flags are include directories and the
# config.h-style defines its configure step would produce, written here by hand (no
# configure script of the package is ever run). A file whose parse reports an error is
# counted as a parse failure (its findings still count), never dropped.
#
#   PACKAGES="mpich libuv1" ./eval/run.sh     only these packages
#   EVAL_JOBS=2                               parallel ticketlint processes (default 2)
#   EVAL_TICKETLINT=/path/to/ticketlint      use this binary instead of building one
#   EVAL_BUILD=/path/to/dir                   build and write results there (default build-eval/)
#   EVAL_NO_CONFIG=1                          ignore eval/config/<package>.ticketlint
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="${EVAL_BUILD:-$here/build-eval}"
work="$build/eval"
cache="$here/.cache/debsrc"
PACKAGES=${PACKAGES:-"mpich libuv1 liburing fio memcached glib2.0"}
EVAL_JOBS=${EVAL_JOBS:-2}

# python3 for the table; headers the packages' Linux builds need beyond `make deps`
# (memcached: libevent; fio: libaio, zlib).
need=""
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -f /usr/include/event.h ] || need="$need libevent-dev"
[ -f /usr/include/libaio.h ] || need="$need libaio-dev"
[ -f /usr/include/zlib.h ] || need="$need zlib1g-dev"
if [ -n "$need" ]; then
    s=""; [ "$(id -u)" -eq 0 ] || s=sudo
    echo "eval: installing$need"
    # shellcheck disable=SC2086
    $s env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null ||
        echo "eval: could not install$need; files needing them will fail to parse (counted)"
fi

if [ -n "${EVAL_TICKETLINT:-}" ]; then
    EVAL_TL=$EVAL_TICKETLINT       # a ticketlint built elsewhere (e.g. from a clean checkout)
else
    echo "eval: building a release ticketlint in $build"
    mkdir -p "$build"
    if ! { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTL_SANITIZE=OFF &&
           cmake --build "$build" -j 2 --target ticketlint; } >"$build/eval-build.log" 2>&1; then
        tail -n 30 "$build/eval-build.log"
        echo "eval: the build failed (log: $build/eval-build.log)"
        exit 2
    fi
    EVAL_TL="$build/analyzer/ticketlint"
fi
export EVAL_TL
# Every model on, whatever each file includes (by default a model is on only where its
# header is included): the names of the `model` lines of models/*.model.
EVAL_MODELS=$(awk '$1 == "model" { printf "%s+%s", sep, $2; sep = "," }' "$here"/models/*.model)
export EVAL_MODELS
echo "eval: $("$EVAL_TL" --version | head -n 1); models forced on: $EVAL_MODELS"

rm -rf "$work"
mkdir -p "$work"

# --- per package: the files (relative to the source root) and the flags -------------------
# Each select_<pkg> sets $root (the folder the files are relative to) and $flags, and prints
# the files, one per line. $gen is a folder for the generated config headers.

select_mpich() {
    root="$src/test/mpi"
    cat >"$gen/mpitestconf.h" <<'H'
/* eval/run.sh: the defines MPICH's test-suite configure finds on Debian 12 (x86_64, glibc). */
#ifndef MPITESTCONF_H_INCLUDED
#define MPITESTCONF_H_INCLUDED
#define HAVE_DLFCN_H 1
#define HAVE_DOUBLE__COMPLEX 1
#define HAVE_FLOAT__COMPLEX 1
#define HAVE_GETRUSAGE 1
#define HAVE_INTTYPES_H 1
#define HAVE_LONG_DOUBLE 1
#define HAVE_LONG_DOUBLE__COMPLEX 1
#define HAVE_LONG_LONG 1
#define HAVE_MEMORY_H 1
#define HAVE_MPI_IO 1
#define HAVE_MPI_SPAWN 1
#define HAVE_MPI_WIN_CREATE 1
#define HAVE_PTHREAD_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRDUP 1
#define HAVE_STRINGS_H 1
#define HAVE_STRING_H 1
#define HAVE_SYS_RESOURCE_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_UNISTD_H 1
#define HAVE_USLEEP 1
#define HAVE__BOOL 1
#define MPIO_USES_MPI_REQUEST 1
#define POINTERINT_t int
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_MPI_OFFSET 8
#define SIZEOF_SHORT 2
#define SIZEOF_VOID_P 8
#define STDC_HEADERS 1
#define THREAD_PACKAGE_NAME THREAD_PACKAGE_POSIX
#define USE_LONG_DOUBLE_COMPLEX 1
#endif
H
    flags="-I$gen -Iinclude -Idtpools/include -Iutil $(pkg-config --cflags mpich) -D_GNU_SOURCE"
    # Every C file of the test suite; the Fortran and C++ binding folders hold a few C
    # helpers, kept. Windows-only files fail to parse and are counted.
    (cd "$root" && find . -name '*.c' | sed 's|^\./||' | sort)
}

select_libuv1() {
    root="$src"
    flags="-Iinclude -Isrc -Itest -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_LARGEFILE_SOURCE"
    # src/ and src/unix/ as a Linux build compiles them (CMakeLists.txt), the tests, the
    # benchmarks and the documentation's example programs (docs/code/: libuv's own idioms).
    (cd "$root" && {
        ls src/*.c
        for f in async core dl fs getaddrinfo getnameinfo loop-watcher loop pipe poll process \
                 signal stream tcp thread tty udp linux proctitle random-devurandom \
                 random-getrandom random-sysctl-linux epoll linux-core linux-inotify \
                 linux-syscalls; do
            [ -f "src/unix/$f.c" ] && echo "src/unix/$f.c"
        done
        ls test/*.c
        find docs/code -name '*.c' 2>/dev/null
    } | sort -u)
}

select_liburing() {
    root="$src"
    # The CONFIG_* defines liburing's configure writes to config-host.h on Debian 12;
    # liburing/compat.h (generated by configure) comes from the installed liburing-dev.
    flags="-Isrc/include -Itest -D_GNU_SOURCE -D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64
           -DCONFIG_HAVE_KERNEL_RWF_T -DCONFIG_HAVE_KERNEL_TIMESPEC -DCONFIG_HAVE_OPEN_HOW
           -DCONFIG_HAVE_STATX -DCONFIG_HAVE_GLIBC_STATX -DCONFIG_HAVE_UCONTEXT
           -DCONFIG_HAVE_NVME_URING -DLIBURING_INTERNAL"
    # src/nolibc.c is built only with --nolibc.
    (cd "$root" && ls src/*.c test/*.c examples/*.c | grep -v '^src/nolibc\.c$' | sort)
}

select_fio() {
    root="$src"
    cat >"$gen/config-host.h" <<'H'
/* eval/run.sh: what fio's configure writes on Debian 12 (x86_64, glibc), without optional
   libraries whose headers are not installed here. */
#define CONFIG_64BIT
#define CONFIG_LITTLE_ENDIAN
#define CONFIG_CLOCK_GETTIME
#define CONFIG_CLOCK_MONOTONIC
#define CONFIG_GETTIMEOFDAY
#define CONFIG_SFAA
#define CONFIG_SFFA
#define CONFIG_SYNC_SYNC
#define CONFIG_CMP_SWAP
#define CONFIG_TLS_THREAD
#define CONFIG_STRSEP
#define CONFIG_STRCASESTR
#define CONFIG_STRNDUP
#define CONFIG_GETOPT_LONG_ONLY
#define CONFIG_SOCKLEN_T
#define CONFIG_TCP_NODELAY
#define CONFIG_RLIMIT_MEMLOCK
#define CONFIG_PWRITEV
#define CONFIG_PWRITEV2
#define CONFIG_IPV6
#define CONFIG_LINUX_SPLICE
#define CONFIG_SCHED_IDLE
#define CONFIG_POSIX_FALLOCATE
#define CONFIG_LINUX_FALLOCATE
#define CONFIG_FDATASYNC
#define CONFIG_SYNC_FILE_RANGE
#define CONFIG_POSIXAIO
#define CONFIG_POSIXAIO_FSYNC
#define CONFIG_LINUX_EXT4_MOVE_EXTENT
#define CONFIG_HAVE_GETTID
#define CONFIG_GETMNTENT
#define CONFIG_HAVE_STATX
#define CONFIG_HAVE_STATX_SYSCALL
#define CONFIG_PTHREAD_CONDATTR_SETCLOCK
#define CONFIG_PTHREAD_SIGMASK
#define CONFIG_PTHREAD_GETAFFINITY
#define CONFIG_SCHED_SETAFFINITY
#define CONFIG_SOCKET_MSG_NOSIGNAL
#define CONFIG_RUSAGE_THREAD
#define CONFIG_VALGRIND_DEV
#define CONFIG_HAVE_BOOL
#define CONFIG_HAVE_KERNEL_RWF_T
#define CONFIG_LINUX_BLKZONED
#define CONFIG_HAVE_BYTESWAP_H
#define CONFIG_BUILTIN_BSWAP
#define CONFIG_GETTIMEOFDAY
#define CONFIG_TIMERFD_CREATE
#define CONFIG_INET_ATON
#define CONFIG_SHM
#define FIO_HAVE_STATIC_ASSERT
#define HAVE_THP
#define CONFIG_ZLIB
#define CONFIG_LIBAIO
#define CONFIG_LIBAIO_URING
#define FIO_VERSION "fio-3.33"
H
    flags="-include $gen/config-host.h -I. -D_GNU_SOURCE -D_LARGEFILE_SOURCE
           -D_FILE_OFFSET_BITS=64 -DFIO_INC_DEBUG -DBITS_PER_LONG=64 -DFIO_INTERNAL -std=gnu99"
    # The fio program (not gfio, the GTK front-end), its libraries, the Linux engines that
    # need no optional library beyond libaio and zlib, the profiles and the t/ tools.
    (cd "$root" && {
        ls *.c crc/*.c lib/*.c oslib/*.c profiles/*.c t/*.c 2>/dev/null |
            grep -vE '^(gfio|gclient|gcompat|gerror|ghelpers|goptions|graph|cairo_text_helpers|tickmarks)\.c$' |
            grep -vE '^oslib/(libmtd.*|getopt_long|inet_aton|strlcat|strsep|strcasestr|strndup|statx)\.c$'
        for e in cmdprio cpu e4defrag exec falloc fileoperations ftruncate io_uring libaio \
                 mmap mtd net null posixaio sg splice sync nvme; do
            [ -f "engines/$e.c" ] && echo "engines/$e.c"
        done
    } | sort -u)
}

select_memcached() {
    root="$src"
    cat >"$gen/config.h" <<'H'
/* eval/run.sh: memcached's configure on Debian 12 (x86_64), without TLS, SASL or proxy. */
#define ENDIAN_LITTLE 1
#define EXTSTORE 1
#define HAVE_ACCEPT4 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_EVENTFD 1
#define HAVE_GCC_64ATOMICS 1
#define HAVE_GCC_ATOMICS 1
#define HAVE_GETOPT_LONG 1
#define HAVE_INTTYPES_H 1
#define HAVE_MLOCKALL 1
#define HAVE_PREAD 1
#define HAVE_PREADV 1
#define HAVE_STDBOOL_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDIO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRINGS_H 1
#define HAVE_STRING_H 1
#define HAVE_SYSCONF 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_UNISTD_H 1
#define HAVE__BOOL 1
#define PACKAGE "memcached"
#define PACKAGE_NAME "memcached"
#define PACKAGE_STRING "memcached 1.6.18"
#define PACKAGE_VERSION "1.6.18"
#define SIZEOF_VOID_P 8
#define STDC_HEADERS 1
#define VERSION "1.6.18"
#define _GNU_SOURCE 1
#include <stdbool.h>
#include <inttypes.h>
H
    flags="-I$gen -I. -DHAVE_CONFIG_H"
    # The server and its tests, as built without --enable-proxy/--enable-tls/--enable-sasl;
    # the privilege-dropping files of other systems are left out.
    (cd "$root" && ls *.c | grep -vE '^(proxy_.*|tls|sasl_defs|darwin_priv|freebsd_priv|openbsd_priv|solaris_priv|linux_priv)\.c$' | sort)
}

select_glib2_0() {
    root="$src"
    cat >"$gen/config.h" <<'H'
/* eval/run.sh: the part of GLib's meson config.h that gio/ tests, for Debian 12 (x86_64). */
#define GETTEXT_PACKAGE "glib20"
#define GLIB_LOCALE_DIR "/usr/share/locale"
#define GLIB_LOCALSTATEDIR "/var"
#define GLIB_RUNSTATEDIR "/run"
#define GIO_MODULE_DIR "/usr/lib/x86_64-linux-gnu/gio/modules"
#define GIO_LAUNCH_DESKTOP "/usr/lib/x86_64-linux-gnu/glib-2.0/gio-launch-desktop"
#define ALIGNOF_GUINT32 4
#define ALIGNOF_GUINT64 8
#define ALIGNOF_UNSIGNED_LONG 8
#define ENABLE_NLS 1
#define G_VA_COPY va_copy
#define HAVE_C99_SNPRINTF 1
#define HAVE_C99_VSNPRINTF 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_DCGETTEXT 1
#define HAVE_DIRENT_H 1
#define HAVE_ENDMNTENT 1
#define HAVE_ENDSERVENT 1
#define HAVE_EVENTFD 1
#define HAVE_FALLOCATE 1
#define HAVE_FCHMOD 1
#define HAVE_FCHOWN 1
#define HAVE_FSTAB_H 1
#define HAVE_FSYNC 1
#define HAVE_FUTEX 1
#define HAVE_GETAUXVAL 1
#define HAVE_GETC_UNLOCKED 1
#define HAVE_GETGRGID_R 1
#define HAVE_GETMNTENT_R 1
#define HAVE_GETPWUID_R 1
#define HAVE_GETRESUID 1
#define HAVE_GETTEXT 1
#define HAVE_GMTIME_R 1
#define HAVE_INOTIFY_INIT1 1
#define HAVE_INTTYPES_H 1
#define HAVE_IPV6 1
#define HAVE_IF_INDEXTONAME 1
#define HAVE_IF_NAMETOINDEX 1
#define HAVE_LANGINFO_CODESET 1
#define HAVE_LANGINFO_TIME 1
#define HAVE_LCHOWN 1
#define HAVE_LIBMOUNT 1
#define HAVE_LINUX_MAGIC_H 1
#define HAVE_LOCALTIME_R 1
#define HAVE_LSTAT 1
#define HAVE_MEMALIGN 1
#define HAVE_MKOSTEMP 1
#define HAVE_MMAP 1
#define HAVE_MNTENT_H 1
#define HAVE_NETLINK 1
#define HAVE_OPEN_O_DIRECTORY 1
#define HAVE_PIPE2 1
#define HAVE_POLL 1
#define HAVE_POSIX_MEMALIGN 1
#define HAVE_POSIX_SPAWN 1
#define HAVE_PTHREAD_GETNAME_NP 1
#define HAVE_PTHREAD_SETNAME_NP_WITH_TID 1
#define HAVE_PTHREAD_CONDATTR_SETCLOCK 1
#define HAVE_READLINK 1
#define HAVE_RECVMMSG 1
#define HAVE_RES_INIT 1
#define HAVE_RES_NQUERY 1
#define HAVE_SCHED_H 1
#define HAVE_SELINUX 0
#define HAVE_SENDMMSG 1
#define HAVE_SETENV 1
#define HAVE_SETMNTENT 1
#define HAVE_SIOCGIFADDR 1
#define HAVE_SPLICE 1
#define HAVE_STATFS 1
#define HAVE_STATVFS 1
#define HAVE_STATX 1
#define HAVE_STDINT_H 1
#define HAVE_STRERROR_R 1
#define HAVE_STRNLEN 1
#define HAVE_STRSIGNAL 1
#define HAVE_STRTOD_L 1
#define HAVE_STRTOLL_L 1
#define HAVE_STRTOULL_L 1
#define HAVE_STRUCT_DIRENT_D_TYPE 1
#define HAVE_STRUCT_STATFS_F_BAVAIL 1
#define HAVE_STRUCT_STAT_ST_ATIM_TV_NSEC 1
#define HAVE_STRUCT_STAT_ST_BLKSIZE 1
#define HAVE_STRUCT_STAT_ST_BLOCKS 1
#define HAVE_STRUCT_STAT_ST_CTIM_TV_NSEC 1
#define HAVE_STRUCT_STAT_ST_MTIM_TV_NSEC 1
#define HAVE_STRUCT_TM_TM_GMTOFF 1
#define HAVE_SYMLINK 1
#define HAVE_SYS_INOTIFY_H 1
#define HAVE_SYS_MOUNT_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_SYS_RESOURCE_H 1
#define HAVE_SYS_SELECT_H 1
#define HAVE_SYS_STATFS_H 1
#define HAVE_SYS_STATVFS_H 1
#define HAVE_SYS_SYSMACROS_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_VFS_H 1
#define HAVE_SYS_XATTR_H 1
#define HAVE_TERMIOS_H 1
#define HAVE_TIMEGM 1
#define HAVE_UNISTD_H 1
#define HAVE_UNSETENV 1
#define HAVE_USELOCALE 1
#define HAVE_UTIMENSAT 1
#define HAVE_VALLOC 1
#define HAVE_VASPRINTF 1
#define HAVE_XATTR 1
#define MAJOR_IN_SYSMACROS 1
#define SIZEOF_CHAR 1
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_SHORT 2
#define SIZEOF_SIZE_T 8
#define SIZEOF_SSIZE_T 8
#define SIZEOF_VOID_P 8
#define SIZEOF_WCHAR_T 4
#define STATFS_ARGS 2
#define THREADS_POSIX 1
#define USE_STATFS 1
#define _GNU_SOURCE 1
H
    # The source tree's headers first; the generated ones (gioenumtypes.h, glibconfig.h,
    # glib-enumtypes.h…) of the same version from the installed libglib2.0-dev.
    flags="-I$gen -I. -Iglib -Igmodule -Igio -Igio/inotify -Igio/xdgmime
           -idirafter /usr/include/glib-2.0 -idirafter /usr/include/glib-2.0/gio
           -idirafter /usr/lib/x86_64-linux-gnu/glib-2.0/include
           -idirafter /usr/include/libmount -idirafter /usr/include/blkid
           -DGIO_COMPILATION -DG_LOG_DOMAIN=\"GLib-GIO\" -DGLIB_DISABLE_DEPRECATION_WARNINGS
           -DG_DISABLE_CAST_CHECKS"
    # gio/ as a Linux build compiles it (no Windows, macOS, kqueue), with inotify,
    # xdgmime and the tests.
    (cd "$root" && {
        ls gio/*.c | grep -vE '^gio/(gwin32|giowin32|gmemorymonitorwin32|gcontenttype-win32|gregistrysettingsbackend|ggtknotificationbackend)'
        ls gio/inotify/*.c gio/xdgmime/*.c gio/tests/*.c
    } | sort -u)
}

now_ms() { date +%s%N | cut -b1-13; }

for pkg in $PACKAGES; do
    if ! version=$("$here/eval/fetch.sh" "$pkg"); then
        echo "eval: $pkg: fetch failed; skipping it"
        echo "$pkg	-	skipped" >>"$work/packages.tsv"
        continue
    fi
    src="$cache/$pkg/src"
    gen="$work/$pkg/gen"
    mkdir -p "$gen" "$work/$pkg/out"
    fn=$(echo "select_$pkg" | tr '.' '_')
    root="" flags=""
    "$fn" >"$work/$pkg/files.txt"    # a function call: runs in this shell, sets $root, $flags
    flags=$(echo $flags)
    n=$(wc -l <"$work/$pkg/files.txt")
    echo "eval: $pkg $version: $n files, flags: $flags"
    t0=$(now_ms)
    EVAL_FLAGS=$flags
    EVAL_CONFIG=""    # the package's own configuration, as its maintainers would write it
    if [ -z "${EVAL_NO_CONFIG:-}" ] && [ -f "$here/eval/config/$pkg.ticketlint" ]; then
        EVAL_CONFIG="$here/eval/config/$pkg.ticketlint"
        echo "eval: $pkg: configuration eval/config/$pkg.ticketlint"
    fi
    export EVAL_FLAGS EVAL_CONFIG
    awk '{ o = $0; gsub("/", "__", o); print o "\t" $0 }' "$work/$pkg/files.txt" |
        while IFS="	" read -r o f; do printf '%s\0%s\0' "$work/$pkg/out/$o" "$f"; done |
        xargs -0 -n 2 -P "$EVAL_JOBS" sh -c '"$0" "$1" "'"$root"'" "$2"' "$here/eval/lint_one.sh"
    t1=$(now_ms)
    printf '%s\t%s\t%s\t%s\n' "$pkg" "$version" "$root" "$((t1 - t0))" >>"$work/packages.tsv"
done

python3 "$here/eval/summarize.py" "$work"
