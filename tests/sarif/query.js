// query.js — print what a JavaScript expression says about a SARIF (or any JSON) file, for
// the shell tests: `node query.js FILE 'EXPR'` with the document bound to `log`, its first
// run to `run` and its results to `results`. A string prints as is, anything else as JSON,
// an array of strings one per line. Exit 1 when the file is not JSON or EXPR throws.
'use strict';
const fs = require('fs');
const [file, expr] = process.argv.slice(2);
if (!file || !expr) {
  console.error('usage: node query.js FILE EXPR');
  process.exit(2);
}
try {
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  const run = log && log.runs ? log.runs[0] : undefined;
  const results = run ? run.results : undefined;
  const value = new Function('log', 'run', 'results', 'return (' + expr + ');')(log, run, results);
  if (typeof value === 'string') console.log(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    value.forEach((v) => console.log(v));
  else console.log(JSON.stringify(value));
} catch (e) {
  console.error('query.js: ' + file + ': ' + e.message);
  process.exit(1);
}
