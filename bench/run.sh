#!/bin/sh
# bench/run.sh — `make bench`: benchmarks, printed side by side in one run. Not a test (never
# part of `make test`). docs/performance.md explains every row and holds a real run.
#
#   1. the runtime: awaits per second, cost of a context switch (bench/runtime)
#   2. the analyzer on real C code, three Debian source packages pinned in bench/corpus.sh
#      (libuv1, redis, the MPICH test suite), on the same units with the same flags:
#        floor            bench/floor: libclang parse + visit of the main file's cursors, one
#                         process for all units: the parse ticketlint cannot avoid
#        clang            `clang -fsyntax-only`, one process per unit
#        ticketlint       cold (-j1, and -jN when ticketlint has -j), warm (--cache-dir, when
#                         it has it); n/a when the option does not exist yet
#        clang-tidy       one cheap check, one process per unit
#        clang --analyze  the Clang Static Analyzer, MPI-Checker on for the MPI code
#      each a median of RUNS runs (the analyzer rows CSA_RUNS), runs interleaved so that the
#      load of the machine falls on every row alike: wall time, CPU time (user + sys of every
#      process) and peak memory (max RSS of the largest process, GNU time), with ratios to the
#      floor at the same -j.
#   3. generated inputs of growing size (bench/gen/gen.sh): how each tool's time grows from
#      10k to 100k lines in one function, and from 1k to 10k small functions.
#
# Environment:
#   RUNS=3          runs per row (medians)
#   CSA_RUNS=1      runs of the clang --analyze rows (slow: ~380 s of CPU on redis)
#   BENCH_QUICK=1   clang --analyze on every 5th unit of redis only (the row says so) and
#                   skip the 100k-line inputs
#   BENCH_TIMEOUT=120  seconds one run of a generated input may take; longer is reported as
#                   '>' the limit and not run again
#   JOBS=$(nproc)   the N of the -jN rows
#   CORPORA="libuv1 redis mpich"
#
# Release build in build-bench/ (no sanitizers).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build-bench"
RUNS=${RUNS:-3}
CSA_RUNS=${CSA_RUNS:-1}
BENCH_QUICK=${BENCH_QUICK:-0}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-120}
JOBS=${JOBS:-$(nproc)}
CORPORA=${CORPORA:-libuv1 redis mpich}
TIDY_CHECKS='-*,bugprone-argument-comment'

# --- what the bench needs ----------------------------------------------------------------
need=""
for p in clang clang-tidy time pkg-config libmpich-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
    s=""; [ "$(id -u)" -eq 0 ] || s=sudo
    echo "bench: installing:$need"
    $s env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    $s env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTL_SANITIZE=OFF &&
       cmake --build "$build" -j "$JOBS" --target ticketlint bench_runtime bench_floor; } \
       >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log"
    echo "bench: the build in $build failed"
    exit 2
fi
tl="$build/analyzer/ticketlint"
floor="$build/bench/floor/bench_floor"

echo "== machine: $(uname -m), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB;" \
     "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== ticketlint $("$tl" --version 2>/dev/null | head -n 1 | sed 's/^ticketlint //')," \
     "commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$here" \
     diff --quiet HEAD -- analyzer rules models 2>/dev/null || echo ' + uncommitted changes')"
echo "== $(clang --version | head -n 1); $(clang-tidy --version | grep -i 'version' | head -n 1 | sed 's/^ *//')"
echo
echo "== runtime"
"$build/bench/runtime/bench_runtime"

# ticketlint's options, from its --help: rows whose option does not exist yet print n/a.
help=$("$tl" --help 2>&1 || true)
has_j=0; has_cache=0
echo "$help" | grep -Eq -- '(^|[[:space:],])(-j[[:space:]<=]|--jobs)' && has_j=1
echo "$help" | grep -q -- '--cache-dir' && has_cache=1

# --- measuring -----------------------------------------------------------------------------
results="$tmp/results"       # corpus|row|j|wall_ms|cpu_ms|rss_kb|exit
: > "$results"
now_ns() { date +%s%N; }

# measure <corpus> <row> <j> <timeout-s or 0> <command...>: one timed run, appended to results.
measure() {
    m_corpus=$1 m_row=$2 m_j=$3 m_limit=$4
    shift 4
    if [ "$m_limit" -gt 0 ]; then set -- timeout "$m_limit" "$@"; fi
    t0=$(now_ns)
    /usr/bin/time -f 'tl-bench %U %S %M %x' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || true
    t1=$(now_ns)
    # shellcheck disable=SC2046
    set -- $(grep '^tl-bench ' "$tmp/time" | tail -n 1)
    cpu=$(awk -v u="$2" -v s="$3" 'BEGIN{printf "%d", (u + s) * 1000}')
    wall=$(( (t1 - t0) / 1000000 ))
    echo "$m_corpus|$m_row|$m_j|$wall|$cpu|$4|$5" >> "$results"
}

# The medians of one row: "wall cpu rss exit runs" (exit: the worst), or nothing.
medians() {
    awk -F'|' -v c="$1" -v r="$2" -v j="$3" '
        $1 == c && $2 == r && $3 == j { n++; w[n] = $4; u[n] = $5; m[n] = $6; if ($7 > x) x = $7 }
        function med(a, n,   i, k, t) {
            for (i = 2; i <= n; i++) { t = a[i]; for (k = i - 1; k > 0 && a[k] > t; k--) a[k + 1] = a[k]; a[k + 1] = t }
            return a[int((n + 1) / 2)]
        }
        END { if (n) print med(w, n), med(u, n), med(m, n), x + 0, n }' "$results"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

# row <corpus> <label> <row> <j> [note]: one line of the table; ratios to the floor at -j.
row() {
    r_label=$2 r_j=$4 r_note=${5:-}
    line=$(medians "$1" "$3" "$4")
    f=$(medians "$1" floor "$4")
    if [ -z "$line" ]; then
        printf '%-44s %3s  %s\n' "$r_label" "$r_j" "${r_note:-n/a}"
        return
    fi
    # shellcheck disable=SC2086
    set -- $line $f
    flag=""; [ "$4" -ne 0 ] && flag=" (exit status $4: see docs/performance.md)"
    printf '%-44s %3s %9s %7s %9s %7s %7s %7s  %s%s\n' "$r_label" "$r_j" "$1" \
        "$(ratio "$1" "$6")" "$2" "$(ratio "$2" "$7")" "$(( $3 / 1024 ))" "$(ratio "$3" "$8")" \
        "${5}${r_note:+, $r_note}" "$flag"
}

header() {
    printf '%-44s %3s %9s %7s %9s %7s %7s %7s  %s\n' "tool" "-j" "wall ms" "/floor" \
        "cpu ms" "/floor" "RSS MB" "/floor" "runs"
}

# --- the corpora ---------------------------------------------------------------------------
summary="$tmp/summary"
: > "$summary"
for corpus in $CORPORA; do
    if ! info=$("$here/bench/corpus.sh" "$corpus" 2>"$tmp/corpus.err"); then
        echo
        echo "== $corpus: skipped: $(cat "$tmp/corpus.err")"
        continue
    fi
    src=${info%% *}
    version=${info#* }
    db="$here/.cache/bench/$corpus"
    flags=$(cat "$db/flags.txt")
    nunits=$(wc -l < "$db/files.txt")
    csa_extra=""
    [ "$corpus" = mpich ] && csa_extra="-Xclang -analyzer-checker=optin.mpi.MPI-Checker"
    csa_files="$db/files.txt"
    csa_note=""
    if [ "$BENCH_QUICK" = 1 ] && [ "$corpus" = redis ]; then
        awk 'NR % 5 == 1' "$db/files.txt" > "$tmp/csa-files"
        csa_files="$tmp/csa-files"
        csa_note="BENCH_QUICK: $(wc -l < "$csa_files") of $nunits units, ratios not comparable"
    fi
    echo
    echo "== analyzer on $corpus $version: $nunits units ($db/compile_commands.json)"

    run=1
    while [ "$run" -le "$RUNS" ]; do
        for j in 1 "$JOBS"; do
            measure "$corpus" floor "$j" 0 "$floor" -j "$j" -p "$db"
            measure "$corpus" clang "$j" 0 sh -c \
                "cd '$src' && xargs -P $j -n 1 clang -fsyntax-only -w $flags < '$db/files.txt'"
            tlj=""; [ "$has_j" = 1 ] && tlj="-j $j"
            if [ "$j" = 1 ] || [ "$has_j" = 1 ]; then
                cache=""
                if [ "$has_cache" = 1 ]; then       # cold: a fresh, empty cache every run
                    rm -rf "$tmp/cache-cold"
                    cache="--cache-dir $tmp/cache-cold"
                fi
                # shellcheck disable=SC2086
                measure "$corpus" tl "$j" 0 "$tl" $tlj $cache --exit-zero --stats -p "$db"
                if [ "$j" = 1 ]; then
                    grep 'stats:' "$tmp/err" | tail -n 1 > "$tmp/stats-$corpus" || true
                    grep -c 'warning:' "$tmp/out" > "$tmp/findings-$corpus" || true
                fi
            fi
        done
        if [ "$has_cache" = 1 ]; then
            tlj=""; [ "$has_j" = 1 ] && tlj="-j $JOBS"
            # shellcheck disable=SC2086
            [ -d "$tmp/cache-warm-$corpus" ] ||
                "$tl" $tlj --cache-dir "$tmp/cache-warm-$corpus" --exit-zero -p "$db" >/dev/null 2>&1 || true
            # shellcheck disable=SC2086
            measure "$corpus" tlwarm "$JOBS" 0 "$tl" $tlj --cache-dir "$tmp/cache-warm-$corpus" \
                --exit-zero -p "$db"
        fi
        measure "$corpus" tidy "$JOBS" 0 sh -c "cd '$src' && xargs -P $JOBS -n 1 clang-tidy -p '$db' --quiet \
            '-checks=$TIDY_CHECKS' < '$db/files.txt'"
        if [ "$run" -le "$CSA_RUNS" ]; then
            measure "$corpus" csa "$JOBS" 0 sh -c "cd '$src' && xargs -P $JOBS -n 1 clang --analyze \
                --analyzer-output text -w $csa_extra $flags < '$csa_files'"
        fi
        run=$((run + 1))
    done

    header
    row "$corpus" "floor: bench_floor (parse + visit, 1 process)" floor 1
    row "$corpus" "floor: bench_floor (parse + visit, 1 process)" floor "$JOBS"
    row "$corpus" "clang -fsyntax-only (a process per unit)" clang 1
    row "$corpus" "clang -fsyntax-only (a process per unit)" clang "$JOBS"
    row "$corpus" "ticketlint, cold" tl 1
    na=""; [ "$has_j" = 1 ] || na="n/a: no -j in ticketlint --help"
    row "$corpus" "ticketlint, cold" tl "$JOBS" "$na"
    na=""; [ "$has_cache" = 1 ] || na="n/a: no --cache-dir in ticketlint --help"
    row "$corpus" "ticketlint, warm cache (--cache-dir)" tlwarm "$JOBS" "$na"
    row "$corpus" "clang-tidy $TIDY_CHECKS" tidy "$JOBS"
    if [ -n "$csa_extra" ]; then csa_label="clang --analyze + MPI-Checker"; else csa_label="clang --analyze"; fi
    row "$corpus" "$csa_label" csa "$JOBS" "$csa_note"
    if [ -s "$tmp/stats-$corpus" ]; then
        echo "ticketlint -j1 $(sed 's/^ticketlint: //' "$tmp/stats-$corpus"), $(cat "$tmp/findings-$corpus") warnings"
    fi

    # The goals (docs/performance.md).
    fl1=$(medians "$corpus" floor 1); flN=$(medians "$corpus" floor "$JOBS")
    tl1=$(medians "$corpus" tl 1); tlN=$(medians "$corpus" tl "$JOBS")
    warm=$(medians "$corpus" tlwarm "$JOBS")
    {
        if [ -n "$tlN" ]; then
            # shellcheck disable=SC2086
            set -- $tlN $flN
            echo "$corpus: cold ticketlint -j$JOBS / floor -j$JOBS (goal <= 1.10x): wall $(ratio "$1" "$6"), cpu $(ratio "$2" "$7")"
        else
            echo "$corpus: cold ticketlint -j$JOBS / floor -j$JOBS (goal <= 1.10x): n/a (no -j)"
        fi
        if [ -n "$warm" ] && [ -n "$tlN" ]; then
            # shellcheck disable=SC2086
            set -- $warm $tlN
            echo "$corpus: warm / cold, -j$JOBS (goal < 0.05x): wall $(ratio "$1" "$6")"
        else
            echo "$corpus: warm / cold (goal < 0.05x): n/a (no --cache-dir or no -j)"
        fi
        # shellcheck disable=SC2086
        set -- $tl1 $fl1
        echo "$corpus: peak memory ticketlint -j1 / floor -j1 (goal <= 1.2x): $(ratio "$3" "$8")"
    } >> "$summary"
done

# --- generated inputs ----------------------------------------------------------------------
echo
echo "== generated inputs (bench/gen/gen.sh; median of $RUNS runs, -j1, a run stopped after ${BENCH_TIMEOUT} s)"
gen="$tmp/gen"
mkdir -p "$gen"
inc="-I$here/include"
sizes="one-function:1000 one-function:10000 one-function:100000"
sizes="$sizes one-function-locals:1000 one-function-locals:10000 one-function-locals:100000"
sizes="$sizes many-functions:1000 many-functions:10000"
limit_ms=$((BENCH_TIMEOUT * 1000))
gen_j=""; [ "$has_j" = 1 ] && gen_j="-j 1"
printf '%-28s %8s %12s %12s %12s  %s\n' "input" "lines" "floor ms" "clang ms" "ticketlint" \
    "ticketlint's split (parse / lower / rules ms)"
for s in $sizes; do
    shape=${s%%:*} n=${s#*:}
    [ "$BENCH_QUICK" = 1 ] && [ "$n" = 100000 ] && continue
    f="$gen/$shape-$n.c"
    "$here/bench/gen/gen.sh" "$shape" "$n" > "$f"
    for tool in floor clang tl; do
        run=1
        while [ "$run" -le "$RUNS" ]; do
            case $tool in
                floor) measure gen "$tool" "$s" "$BENCH_TIMEOUT" "$floor" "$f" -- "$inc" ;;
                clang) measure gen "$tool" "$s" "$BENCH_TIMEOUT" clang -fsyntax-only -w "$inc" "$f" ;;
                tl)    # shellcheck disable=SC2086
                       measure gen "$tool" "$s" "$BENCH_TIMEOUT" "$tl" $gen_j --exit-zero --stats "$f" -- "$inc"
                       grep 'stats:' "$tmp/err" | tail -n 1 > "$tmp/stats-gen-$s" || true ;;
            esac
            # A run that hit the limit is not repeated.
            [ "$(medians gen "$tool" "$s" | cut -d' ' -f1)" -ge "$limit_ms" ] && break
            run=$((run + 1))
        done
    done
    cell() {         # the median, '>limit' past the limit, '!' after a failed run
        # shellcheck disable=SC2046
        set -- $(medians gen "$1" "$s")
        if [ "$1" -ge "$limit_ms" ]; then echo ">$limit_ms"
        elif [ "$4" -ne 0 ]; then echo "$1!"
        else echo "$1"; fi
    }
    split=$(sed -n 's/.*parse-ms=\([0-9.]*\) lower-ms=\([0-9.]*\) rules-ms=\([0-9.]*\).*/\1 \/ \2 \/ \3/p' \
            "$tmp/stats-gen-$s" 2>/dev/null || true)
    [ "$(cell tl)" = ">$limit_ms" ] && split="stopped at the limit"
    printf '%-28s %8s %12s %12s %12s  %s\n' "$shape" "$(wc -l < "$f")" "$(cell floor)" \
        "$(cell clang)" "$(cell tl)" "$split"
done

# growth <shape> <small> <big>: time(big) / time(small) for each tool.
growth() {
    g_line="$1 $3 vs $2:"
    for tool in floor clang tl; do
        a=$(medians gen "$tool" "$1:$2" | cut -d' ' -f1)
        b=$(medians gen "$tool" "$1:$3" | cut -d' ' -f1)
        if [ -z "$a" ] || [ -z "$b" ]; then g="n/a"
        elif [ "$b" -ge "$limit_ms" ]; then g="> $(ratio "$b" "$a")"
        else g=$(ratio "$b" "$a"); fi
        g_line="$g_line $tool $g,"
    done
    echo "${g_line%,}"
}
echo
echo "growth (10x the input is 10x the time when linear; goal for ticketlint: <= 12x;"
echo "'!': that run exited with an error, see docs/performance.md):"
growth one-function 10000 100000
growth one-function-locals 10000 100000
growth many-functions 1000 10000

echo
echo "== goals (docs/performance.md)"
cat "$summary"
g=$(medians gen tl one-function:10000 | cut -d' ' -f1)
h=$(medians gen tl one-function:100000 | cut -d' ' -f1)
if [ -n "$g" ] && [ -n "$h" ]; then
    if [ "$h" -ge "$limit_ms" ]; then
        echo "generated: ticketlint 100k-line function / 10k-line (goal <= 12x): > $(ratio "$h" "$g") (stopped at ${BENCH_TIMEOUT} s)"
    else
        echo "generated: ticketlint 100k-line function / 10k-line (goal <= 12x): $(ratio "$h" "$g")"
    fi
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
