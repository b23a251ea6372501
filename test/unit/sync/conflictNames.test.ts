import * as assert from 'node:assert/strict';
import { conflictName, conflictPath } from '../../../src/core/sync/conflictNames';
import { utf8Length } from '../../../src/core/bytes/localNames';

describe('sync conflict names', () => {
  const when = new Date(2026, 11, 7, 9, 5, 3); // local time, as the user sees file times
  it('puts the tag before the extension', () => {
    assert.equal(conflictName('report.pdf', when), 'report (conflict 2026-12-07 090503).pdf');
    assert.equal(conflictName('a.tar.gz', when), 'a.tar (conflict 2026-12-07 090503).gz');
  });
  it('dotfiles and names without extension get it at the end', () => {
    assert.equal(conflictName('.env', when), '.env (conflict 2026-12-07 090503)');
    assert.equal(conflictName('Makefile', when), 'Makefile (conflict 2026-12-07 090503)');
  });
  it('numbers a second one of the same second', () => {
    assert.equal(conflictName('a.txt', when, 1), 'a (conflict 2026-12-07 090503 2).txt');
  });
  it('keeps the folder and stays within the name byte limit', () => {
    assert.equal(conflictPath('src/x/a.ts', when), 'src/x/a (conflict 2026-12-07 090503).ts');
    const long = `${'é'.repeat(120)}.txt`;
    const n = conflictName(long, when);
    assert.ok(utf8Length(n) <= 255, n);
    assert.ok(n.endsWith('(conflict 2026-12-07 090503).txt'));
  });
});
