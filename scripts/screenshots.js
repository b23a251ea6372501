#!/usr/bin/env node
// Copies screenshots the e2e suite staged for the docs into docs/screenshots/,
// on purpose: a test run only writes under test/e2e/artifacts/ (git-ignored),
// so `npm test` never changes a committed image.
//
//   npm run test:e2e                               the suites stage test/e2e/artifacts/screenshots/*.png
//   npm run screenshots                            copies every staged image
//   npm run screenshots -- tree.png walkthrough.png   only these
//   npm run screenshots -- --list                  shows what is staged, copies nothing
//
// KOODRIVE_E2E_ARTIFACTS moves the artifacts folder (as for the suites).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const artifacts = process.env.KOODRIVE_E2E_ARTIFACTS ? path.resolve(process.env.KOODRIVE_E2E_ARTIFACTS) : path.join(root, 'test', 'e2e', 'artifacts');
const stage = path.join(artifacts, 'screenshots');
const docs = path.join(root, 'docs', 'screenshots');

function main() {
  const args = process.argv.slice(2);
  const list = args.includes('--list');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const staged = fs.existsSync(stage) ? fs.readdirSync(stage).filter((f) => f.endsWith('.png')).sort() : [];
  if (staged.length === 0) fail(`nothing staged in ${path.relative(root, stage)}: run npm run test:e2e first`);
  if (list) {
    for (const f of staged) console.log(`${f}  ${new Date(fs.statSync(path.join(stage, f)).mtimeMs).toISOString()}`);
    return;
  }
  const missing = wanted.filter((f) => !staged.includes(f));
  if (missing.length) fail(`not staged: ${missing.join(', ')} (staged: ${staged.join(', ')})`);
  fs.mkdirSync(docs, { recursive: true });
  for (const f of wanted.length ? wanted : staged) {
    fs.copyFileSync(path.join(stage, f), path.join(docs, f));
    console.log(`docs/screenshots/${f}`);
  }
}

function fail(msg) {
  console.error(`[screenshots] ${msg}`);
  process.exit(1);
}

main();
