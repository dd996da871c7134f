# cli/sarif_output — --format=sarif: tool.driver.rules is every rule of rules.def (summary,
# name, help.markdown equal to docs/rules/<id>.md, default level), results point at their
# rule, levels follow the configuration, locations are relative to SRCROOT (the git root
# above the current directory, --sarif-root, else the current directory), columns count code
# points, notes are relatedLocations, NOLINT-silenced findings are results with suppressions
# that do not count for the exit status; usage errors of the new options exit 2.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null 2>&1 || fail "node not found: run cmake/install-deps.sh"
q() { node "$TL_REPO/tests/sarif/query.js" "$TMP/out" "$1"; }
# expect_q EXPR WANT WHAT: the query's output is WANT.
expect_q() {
  got=$(q "$1") || { show; fail "$3: query failed: $1"; }
  [ "$got" = "$2" ] || { show; fail "$3: $1 is '$got', expected '$2'"; }
}
cd "$TMP"
mkdir -p proj/.git proj/src
cat >proj/src/shop.c <<'C'
#include "ticket.h"
TK_ASYNC static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }

void dropped(tk_loop *loop) {
  /* é */ tk_async(loop, work, 0);
}

TK_ASYNC static int twice(void *arg, void **result) {
  tk_promise *p = tk_async(arg, work, 0);
  if (tk_await(p, result) != 0) return 1;
  return tk_await(p, result);
}

void silenced(tk_loop *loop) {
  tk_async(loop, work, 0);  // NOLINT(unawaited-ticket)
}
C

# From a subdirectory: SRCROOT is still the git root.
cd proj/src
run --format=sarif shop.c -- -I"$INC"
cd "$TMP"
expect_status 1 "findings in SARIF"
expect_q 'log.version' '2.1.0' "SARIF version"
expect_q 'run.tool.driver.name + " " + run.tool.driver.version' \
  "ticketlint $("$TICKETLINT" --version | sed -n 's/^ticketlint //p')" "driver name and version"
expect_q 'run.originalUriBaseIds.SRCROOT.uri' "file://$(cd proj && pwd -P)/" "SRCROOT is the git root"
expect_q 'run.columnKind' 'unicodeCodePoints' "column kind"

# tool.driver.rules: every rule, in rules.def order, as --list-rules has them.
"$TICKETLINT" --list-rules | cut -f1 >"$TMP/ids"
q 'run.tool.driver.rules.slice(0, '"$(wc -l <"$TMP/ids")"').map(r => r.id)' >"$TMP/sarif-ids"
diff "$TMP/ids" "$TMP/sarif-ids" >&2 || fail "tool.driver.rules is not every rule in order"
"$TICKETLINT" --list-rules | cut -f3 | sed 's/ (disabled by default)$//' >"$TMP/summaries"
q 'run.tool.driver.rules.slice(0, '"$(wc -l <"$TMP/ids")"').map(r => r.shortDescription.text)' \
  >"$TMP/sarif-summaries"
diff "$TMP/summaries" "$TMP/sarif-summaries" >&2 || fail "shortDescription is not the summary"
i=0
for id in $(cat "$TMP/ids"); do
  q "run.tool.driver.rules[$i].help.markdown" | sed '$d' >"$TMP/md"   # console.log's newline
  tail -n +2 "$TL_REPO/docs/rules/$id.md" >"$TMP/want"
  diff "$TMP/want" "$TMP/md" >&2 || fail "help.markdown of $id differs from docs/rules/$id.md"
  sev=$("$TICKETLINT" --list-rules | awk -F '\t' -v id="$id" '$1 == id { print $2 }')
  expect_q "run.tool.driver.rules[$i].defaultConfiguration.level" "$sev" "default level of $id"
  i=$((i + 1))
done
expect_q 'run.tool.driver.rules.find(r => r.id == "unawaited-ticket").name' 'UnawaitedTicket' "rule name"
expect_q 'run.tool.driver.rules.find(r => r.id == "serial-independent-awaits").defaultConfiguration.enabled' \
  'false' "a rule off by default says so"
expect_q 'run.tool.driver.rules.some(r => "helpUri" in r)' 'false' "no helpUri without --sarif-docs-url"

# Results: each names its rule by id and index.
expect_q 'results.every(r => run.tool.driver.rules[r.ruleIndex].id == r.ruleId)' 'true' "ruleIndex"
expect_q 'results.map(r => r.ruleId + " " + r.locations[0].physicalLocation.region.startLine).join(",")' \
  'unawaited-ticket 5,double-await 11,unawaited-ticket 15' "the findings, in order"
expect_q 'results[0].locations[0].physicalLocation.artifactLocation' \
  '{"uri":"src/shop.c","uriBaseId":"SRCROOT"}' "repository-relative URI"
# "  /* é */ tk_async(": the finding is at byte column 12, code point column 11 (é is two
# bytes); it covers one character, so the (exclusive) end column is 12.
expect_q 'results[0].locations[0].physicalLocation.region' \
  '{"startLine":5,"startColumn":11,"endLine":5,"endColumn":12}' "code point columns"
expect_q 'results[0].level' 'warning' "level"
expect_q 'results[0].message.text' "ticket from 'tk_async' is discarded and never awaited" "message"
expect_q 'results[1].relatedLocations.map(n => n.id + " " + n.physicalLocation.region.startLine + " " + n.message.text).join(",")' \
  "1 10 first collected here by 'tk_await'" "notes are relatedLocations with ids"
expect_q '"suppressions" in results[0]' 'false' "an unsilenced finding has no suppressions"
expect_q 'results[2].suppressions.map(s => s.kind + " " + s.location.physicalLocation.region.startLine).join()' \
  'inSource 15' "a NOLINT-silenced finding is kept, with its suppression"
expect_q 'results.every(r => /^[0-9a-f]{16}:[0-9]+$/.test(r.partialFingerprints["ticketlint/v1"]))' \
  'true' "every result has a fingerprint"

# Only silenced findings: exit 0, still in the log.
cat >proj/quiet.c <<'C'
#include "ticket.h"
TK_ASYNC static int work(void *arg, void **result) { (void)arg; *result = 0; return 0; }
void silenced(tk_loop *loop) {
  tk_async(loop, work, 0);  // NOLINT
}
C
cd proj; run --format=sarif quiet.c -- -I"$INC"; cd "$TMP"
expect_status 0 "silenced findings do not count"
expect_q 'results.length + " " + results[0].suppressions[0].kind' '1 inSource' "kept in SARIF"

# The configuration's severity is the result's level; the rule's own stays the default.
printf 'severity unawaited-ticket error\n' >proj/.ticketlint
cd proj; run --format=sarif src/shop.c -- -I"$INC"; cd "$TMP"
expect_q 'results[0].level + " " + run.tool.driver.rules[results[0].ruleIndex].defaultConfiguration.level' \
  'error warning' "configured level"
rm proj/.ticketlint

# --sarif-root and --sarif-docs-url.
cd proj; run --format=sarif --sarif-root=src --sarif-docs-url https://example.org/tl/rules/ src/shop.c -- -I"$INC"; cd "$TMP"
expect_q 'results[0].locations[0].physicalLocation.artifactLocation.uri' 'shop.c' "--sarif-root"
expect_q 'run.tool.driver.rules.find(r => r.id == "double-await").helpUri' \
  'https://example.org/tl/rules/double-await.md' "helpUri"

# No .git above: SRCROOT is the current directory.
mkdir -p plain
cp proj/src/shop.c plain/
d=$(cd plain && pwd -P)
has_git=0
while [ "$d" != "/" ]; do [ -e "$d/.git" ] && has_git=1; d=$(dirname "$d"); done
if [ "$has_git" -eq 0 ]; then
  cd plain; run --format=sarif shop.c -- -I"$INC"; cd "$TMP"
  expect_q 'run.originalUriBaseIds.SRCROOT.uri' "file://$(cd plain && pwd -P)/" "SRCROOT is the current directory"
fi

# Usage errors.
run --format=xml a.c
expect_status 2 "unknown format"
expect_grep "$TMP/err" "unknown format 'xml' (text, json, sarif or codeclimate)" "lists the formats"
run --format=sarif --sarif-root "$TMP/nowhere" proj/src/shop.c -- -I"$INC"
expect_status 2 "--sarif-root that does not exist"
expect_grep "$TMP/err" "is not a directory" "says why"
run --format=sarif --sarif-docs-url docs/rules/ proj/src/shop.c
expect_status 2 "--sarif-docs-url must be absolute"
echo "ok"
