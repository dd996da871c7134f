#!/bin/sh
# docs/readme-lists-rules: the README's rules table names every rule `ticketlint --list-rules`
# prints, and no rule that does not exist. Usage: readme_rules.sh <ticketlint> <README.md>
set -eu
tl=$1 readme=$2
status=0
ids=$("$tl" --list-rules | cut -f1)
for id in $ids; do
    grep -q "^| \`$id\` |" "$readme" || { echo "README.md: rule '$id' is not in the rules table"; status=1; }
done
for id in $(sed -n 's/^| `\([a-z-]*\)` |.*/\1/p' "$readme"); do
    echo "$ids" | grep -qx "$id" || { echo "README.md: '$id' is listed but is not a rule"; status=1; }
done
[ $status -eq 0 ] && echo "README.md lists all $(echo "$ids" | wc -l) rules"
exit $status
