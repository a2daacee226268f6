// Validates a HAR file with two independent consumers: `har-validator` (the `har-schema`
// JSON schemas, HAR 1.2) and the HAR 1.2 schema `@har-sdk/validator` ships, checked with
// Ajv. Prints "ok" or the errors, and exits non-zero on any error.
'use strict';
const fs = require('fs');
const path = require('path');
const harValidator = require('har-validator');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

async function main(file) {
  const har = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = [];
  try {
    await harValidator.har(har);
  } catch (err) {
    problems.push('har-validator: ' + JSON.stringify(err.errors || err.message));
  }
  const schemaFile = path.join(
    path.dirname(require.resolve('@har-sdk/validator/package.json')),
    'dist/schemas/har/v1.2.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // That schema uses ajv-errors' `errorMessage` for nicer messages; not needed to validate.
  ajv.addKeyword('errorMessage');
  try {
    await ajv.compile(schema)(har);
  } catch (err) {
    problems.push('har-sdk schema: ' + JSON.stringify(err.errors || err.message));
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('ok ' + har.log.entries.length + ' entries');
}

main(process.argv[2]).catch((err) => { console.error(String(err && err.stack || err)); process.exit(2); });
