/** The Source Control view's model of a sync plan: groups, letters, strike-through, the status bar text. */
import * as assert from 'node:assert/strict';
import type { SyncChange } from '../../../src/core/sync/syncTypes';
import { groupsOf, relativeIn, statusText } from '../../../src/extension/sync/syncModel';

const file = (p: string) => ({ path: p, size: 1, mtimeMs: 1, ino: 1, sha256: 'a' });
const remote = (p: string) => ({ path: p, fileId: `id-${p}`, parentId: 'root', size: 1, sha256: 'b' });

describe('sync view model', () => {
  const changes: SyncChange[] = [
    { path: 'b.txt', cell: 'localModified', state: 'localModified', local: file('b.txt'), remote: remote('b.txt') },
    { path: 'a.txt', cell: 'localAdded', state: 'localAdded', local: file('a.txt') },
    { path: 'gone.txt', cell: 'localDeleted', state: 'localDeleted', remote: remote('gone.txt') },
    { path: 'new.txt', cell: 'remoteAdded', state: 'remoteAdded', remote: remote('new.txt') },
    { path: 'old.txt', cell: 'remoteDeleted', state: 'remoteDeleted', local: file('old.txt') },
    { path: 'both.txt', cell: 'bothModified', state: 'conflict', local: file('both.txt'), remote: remote('both.txt') },
    { path: 'same.txt', cell: 'bothModifiedSame', local: file('same.txt'), remote: remote('same.txt') },
  ];

  it('sorts the changes into Conflicts / To upload / To download, by path, with M/A/D letters and strike-through deletes', () => {
    const g = groupsOf({ changes });
    assert.deepEqual(g.upload.map((r) => `${r.letter} ${r.path}${r.strikeThrough ? ' ~' : ''}`), ['A a.txt', 'M b.txt', 'D gone.txt ~']);
    assert.deepEqual(g.download.map((r) => `${r.letter} ${r.path}${r.strikeThrough ? ' ~' : ''}`), ['A new.txt', 'D old.txt ~']);
    assert.deepEqual(g.conflicts.map((r) => `${r.letter} ${r.path}`), ['C both.txt']);
    assert.ok(g.conflicts[0].tooltip.includes('Keep Both'));
    assert.equal(g.upload[2].hasLocal, false, 'a local delete has no local file to open');
  });

  it('status bar: KooDrive ↑3 ↓2 !1, and a check mark when in step', () => {
    assert.equal(statusText(groupsOf({ changes })), 'KooDrive ↑3 ↓2 !1');
    assert.equal(statusText(groupsOf({ changes: [] })), 'KooDrive ✓');
  });

  it('relativeIn gives posix paths inside the root only', () => {
    assert.equal(relativeIn('/w/site', '/w/site/src/a.ts', '/'), 'src/a.ts');
    assert.equal(relativeIn('/w/site', '/w/site2/a.ts', '/'), undefined);
    assert.equal(relativeIn('C:\\w', 'C:\\w\\a\\b.txt', '\\'), 'a/b.txt');
  });
});
