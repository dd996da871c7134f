#!/bin/sh
# demo.sh <builddir> — what `make demo` shows: the article's mistakes, caught.
#
# Sections (each a function; add a new one and call it at the bottom):
#   runtime   run examples/coffee_shop (must be clean) and examples/coffee_shop_bugs in
#             checked mode (TK_CHECK=1, TK_CLOCK=virtual): the runtime reports each mistake
#             as the program makes it.
#   lint      run ticketlint on examples/coffee_shop.c (must be clean) and
#             examples/coffee_shop_bugs.c: the same mistakes, found without running anything.
#
# Exit status: 0 when the demo ran as intended, i.e. the bugs were reported (the reports
# are the point, not a failure) and the correct shop was not; 1 otherwise; 2 on usage.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 <builddir>" >&2
    exit 2
fi
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
status=0

# The runtime's rule ids that coffee_shop_bugs must trigger (serial-await-in-loop is a
# cost, not a misuse: the program prints it instead).
runtime_rules="unawaited-ticket ticket-as-value await-outside-async unhandled-rejection
double-await blocking-in-async"

header() {
    printf '\n== %s ==\n' "$1"
}

# Run an example in checked mode; its stdout goes to the terminal, its stderr to $2.
run_checked() {
    TK_CHECK=1 TK_CLOCK=virtual "$1" 2>"$2"
}

section_runtime() {
    shop="$build/examples/coffee_shop"
    bugs="$build/examples/coffee_shop_bugs"
    for exe in "$shop" "$bugs"; do
        if [ ! -x "$exe" ]; then
            echo "demo: $exe is missing; build first (make build)" >&2
            status=1
            return
        fi
    done
    tmp=$(mktemp -d)

    header "runtime: examples/coffee_shop.c, the runtime used right (TK_CHECK=1)"
    if ! run_checked "$shop" "$tmp/shop.err"; then
        echo "demo: coffee_shop failed" >&2
        status=1
    fi
    if [ -s "$tmp/shop.err" ]; then
        echo "demo: the correct shop was reported:" >&2
        sed "s|$root/||" "$tmp/shop.err" >&2
        status=1
    else
        echo "-> checked mode: nothing to report"
    fi

    header "runtime: examples/coffee_shop_bugs.c, every mistake once (TK_CHECK=1)"
    if ! run_checked "$bugs" "$tmp/bugs.err"; then
        echo "demo: coffee_shop_bugs failed" >&2
        status=1
    fi
    echo "-> what the runtime reported:"
    sed "s|$root/||; s|^|   |" "$tmp/bugs.err"
    missing=""
    for rule in $runtime_rules; do
        grep -q "^ticket: $rule: " "$tmp/bugs.err" || missing="$missing $rule"
    done
    if [ -n "$missing" ]; then
        echo "demo: the runtime did not report:$missing" >&2
        status=1
    else
        echo "-> all six runtime-checked mistakes reported; the seventh (serial awaits) shows as time"
    fi
    rm -rf "$tmp"
}

# The rules ticketlint must find in coffee_shop_bugs.c: each of the article's mistakes.
lint_rules="unawaited-ticket serial-await-in-loop ticket-as-value await-outside-async
unhandled-rejection double-await blocking-in-async"

section_lint() {
    tl="$build/analyzer/ticketlint"
    if [ ! -x "$tl" ]; then
        echo "demo: $tl is missing; build first (make build)" >&2
        status=1
        return
    fi
    tmp=$(mktemp -d)
    header "ticketlint examples/coffee_shop.c"
    (cd "$root" && "$tl" examples/coffee_shop.c -- -Iinclude) >"$tmp/shop.out" 2>&1 || {
        cat "$tmp/shop.out"
        echo "demo: ticketlint reported the correct shop" >&2
        status=1
    }
    [ -s "$tmp/shop.out" ] || echo "-> no findings"

    header "ticketlint examples/coffee_shop_bugs.c (nothing is run)"
    rc=0
    (cd "$root" && "$tl" --color=auto examples/coffee_shop_bugs.c -- -Iinclude) >"$tmp/bugs.out" 2>&1 || rc=$?
    cat "$tmp/bugs.out"
    if [ "$rc" -ne 1 ]; then
        echo "demo: ticketlint exited $rc on the buggy shop, expected 1 (findings)" >&2
        status=1
    fi
    missing=""
    for rule in $lint_rules; do
        grep -q "\[$rule\]" "$tmp/bugs.out" || missing="$missing $rule"
    done
    if [ -n "$missing" ]; then
        echo "demo: ticketlint did not find:$missing" >&2
        status=1
    else
        echo "-> found without running: $lint_rules"
    fi
    rm -rf "$tmp"
}

section_runtime
section_lint
exit $status
