#!/usr/bin/env python3
"""eval/summarize.py WORK — the table of `make eval` (eval/run.sh) from its results.

WORK/packages.tsv: one line per package: name, version, source root, wall time in ms (or
"skipped"). WORK/<pkg>/files.txt: the files linted; WORK/<pkg>/out/<file>.{json,err,meta}:
ticketlint's findings, stderr, and "<ms> <exit status>".

A file is a parse failure when ticketlint reports a compiler error for it
([clang-diagnostic] of severity error) or exits 2 (it could not parse it at all). Every
other finding counts, by rule. Writes WORK/findings.txt (one finding per line, for the
review) and WORK/parse-failures.txt (each failed file with its first error); prints the table.
"""
import collections
import json
import os
import sys

work = sys.argv[1]
rows, per_rule = [], collections.OrderedDict()
findings_out = open(os.path.join(work, "findings.txt"), "w")
failures_out = open(os.path.join(work, "parse-failures.txt"), "w")
total = collections.Counter()

def nonblank_lines(path):
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())

for line in open(os.path.join(work, "packages.tsv")):
    cols = line.rstrip("\n").split("\t")
    pkg = cols[0]
    if cols[2] == "skipped":
        rows.append((pkg, "(fetch failed)", "-", "-", "-", "-", "-", "-"))
        continue
    version, root, wall_ms = cols[1], cols[2], int(cols[3])
    files = [l.rstrip("\n") for l in open(os.path.join(work, pkg, "files.txt")) if l.strip()]
    lines = failed = 0
    rules = collections.Counter()
    for f in files:
        lines += nonblank_lines(os.path.join(root, f))
        out = os.path.join(work, pkg, "out", f.replace("/", "__"))
        ms, rc = open(out + ".meta").read().split()
        try:
            found = json.load(open(out + ".json"))
        except (OSError, ValueError):
            found = []
        errors = [d for d in found if d["rule"] == "clang-diagnostic" and d["severity"] == "error"]
        if int(rc) == 2 or errors:
            failed += 1
            first = (f"{errors[0]['file']}:{errors[0]['line']}: {errors[0]['message']}" if errors
                     else open(out + ".err").read().strip().splitlines()[-1:] or ["exit 2"])
            failures_out.write(f"{pkg}\t{f}\t{first if isinstance(first, str) else first[0]}\n")
        for d in found:
            if d["rule"] == "clang-diagnostic":
                continue
            rules[d["rule"]] += 1
            notes = " | ".join(f"{n['line']}: {n['message']}" for n in d.get("notes", []))
            findings_out.write(f"{pkg}\t{f}:{d['line']}:{d['column']}\t{d['rule']}\t{d['message']}"
                               + (f"\tnotes: {notes}" if notes else "") + "\n")
    n = sum(rules.values())
    total.update(rules)
    for r, c in rules.items():
        per_rule.setdefault(r, {})[pkg] = c
    rows.append((pkg, version, str(len(files)), str(lines), str(n),
                 f"{1000.0 * n / lines:.3f}" if lines else "-", str(failed),
                 f"{wall_ms / 1000.0:.0f} s"))

head = ("package", "version", "files", "lines", "findings", "per kLOC", "parse fail", "time")
w = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
fmt = lambda r: "  ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(r))
print()
print(fmt(head))
for r in rows:
    print(fmt(r))
pkgs = [r[0] for r in rows if r[2] != "-"]
print()
print("findings per rule")
rw = max([len("rule")] + [len(r) for r in per_rule])
pw = [max(len(p), 5) for p in pkgs]
print("rule".ljust(rw) + "  " + "  ".join(p.rjust(pw[i]) for i, p in enumerate(pkgs)) + "  total")
for r in sorted(per_rule):
    print(r.ljust(rw) + "  " + "  ".join(str(per_rule[r].get(p, 0)).rjust(pw[i])
                                         for i, p in enumerate(pkgs)) + f"  {total[r]:5d}")
if not per_rule:
    print("(none)")
print()
print(f"findings: {os.path.join(work, 'findings.txt')}; "
      f"parse failures: {os.path.join(work, 'parse-failures.txt')}")
