// validate.js — check SARIF logs against the official SARIF 2.1.0 JSON schema with ajv.
//
//   node validate.js <sarif-2.1.0.json> [--invalid] <log.sarif>...
//
// Every log after --invalid must be REJECTED by the schema (proof that the check can fail);
// every log before it must be accepted. Prints one line per log; exit 0 when all went as
// expected, 1 otherwise, 2 on usage errors. ajv and ajv-formats come from NODE_PATH
// (.cache/npm/node_modules, installed by cmake/install-deps.sh).
'use strict';
const fs = require('fs');

let Ajv2020, addFormats;
try {
  Ajv2020 = require('ajv/dist/2020');
  addFormats = require('ajv-formats');
} catch (e) {
  console.error('validate.js: cannot load ajv/ajv-formats (' + e.message + '); ' +
                'run cmake/install-deps.sh and set NODE_PATH to .cache/npm/node_modules');
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error('usage: node validate.js <schema.json> [--invalid] <log.sarif>...');
  process.exit(2);
}
const schema = JSON.parse(fs.readFileSync(args[0], 'utf8'));
// The schema's $schema is draft 2020-12. Strict mode off: ajv's strictRequired rejects the
// schema itself ("required property "index" is not defined at #/anyOf/0", a `required`
// inside anyOf naming a property declared one level up), which is valid JSON Schema.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let failures = 0, checked = 0, wantValid = true;
for (const file of args.slice(1)) {
  if (file === '--invalid') {
    wantValid = false;
    continue;
  }
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log((wantValid ? 'FAIL ' : 'ok   ') + file + ': not JSON: ' + e.message);
    if (wantValid) failures++;
    checked++;
    continue;
  }
  const valid = validate(doc);
  checked++;
  if (valid === wantValid) {
    console.log('ok   ' + file + (valid ? ': valid' : ': rejected as expected (' +
                ajv.errorsText(validate.errors.slice(0, 3)) + ')'));
  } else {
    failures++;
    console.log('FAIL ' + file + (valid ? ': accepted, but it is broken on purpose'
                                        : ': ' + ajv.errorsText(validate.errors)));
  }
}
if (checked === 0) {
  console.error('validate.js: no log given');
  process.exit(2);
}
console.log(`${checked - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
