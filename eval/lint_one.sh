#!/bin/sh
# eval/lint_one.sh OUT SRC_ROOT FILE — lint one file of a package for eval/run.sh.
# Runs from SRC_ROOT; the flags are $EVAL_FLAGS (word-split on purpose), the binary $EVAL_TL,
# the models forced on $EVAL_MODELS (a --models= list), the package's configuration
# $EVAL_CONFIG (eval/config/<package>.ticketlint; empty when it has none).
# Writes OUT.json (the findings), OUT.err (stderr) and OUT.meta ("<ms> <exit status>").
out=$1 root=$2 file=$3
cd "$root" || exit 1
t0=$(date +%s%N)
# shellcheck disable=SC2086
"$EVAL_TL" --format=json --enable=all ${EVAL_MODELS:+--models=$EVAL_MODELS} ${EVAL_CONFIG:+"--config=$EVAL_CONFIG"} --exit-zero "$file" -- $EVAL_FLAGS >"$out.json" 2>"$out.err"
rc=$?
t1=$(date +%s%N)
echo "$(( (t1 - t0) / 1000000 )) $rc" >"$out.meta"
exit 0
