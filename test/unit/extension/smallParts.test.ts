/** Settings parsing, the link store, formatting, name rules, argument handling. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Space } from '../../../src/core/api/models';
import { parseTokenInput } from '../../../src/extension/commands/signIn';
import { readSettings } from '../../../src/extension/settings';
import { memoryStore } from '../../../src/extension/stores/keyValueStore';
import { LinkStore, MAX_LINKS } from '../../../src/extension/stores/linkStore';
import { RecentPlaces } from '../../../src/extension/stores/recentPlaces';
import { containerFromArg, itemNodesFromArgs, localPathsFromArgs, parseUriList } from '../../../src/extension/targets';
import { dedupe } from '../../../src/extension/transfers/runUpload';
import { formatBytes, parseRemoteTime } from '../../../src/extension/ui/format';
import { remoteNameProblem } from '../../../src/core/remoteNames';
import { baseNameSelection, validateRemoteName } from '../../../src/extension/ui/remoteNames';
import type { FileNode, FolderNode, SpaceNode } from '../../../src/extension/views/treeNodes';

const space: Space = { kind: 'personal', name: 'Personal space', containerId: 'C1', rootFolderId: 'root' };

describe('settings', () => {
  it('defaults', () => {
    const s = readSettings(() => undefined);
    assert.deepEqual(s, {
      upload: { partSize: 16 * 1024 * 1024, concurrency: 4, conflictPolicy: 'rename', exclude: ['node_modules/', '.git/'] },
      download: { conflictPolicy: 'ask' },
      editor: { maxFileSize: 50 * 1024 * 1024, pollInterval: 30 },
      transfers: { maxFiles: 4 },
    });
  });

  it('editor: the size limit in MiB (1 … 1024), the poll in seconds (0 = off)', () => {
    const s = readSettings((k) => ({ 'editor.maxFileSize': 0, 'editor.pollInterval': 0 })[k]);
    assert.equal(s.editor.maxFileSize, 1024 * 1024);
    assert.equal(s.editor.pollInterval, 0);
    assert.equal(readSettings((k) => (k === 'editor.maxFileSize' ? 2 : undefined)).editor.maxFileSize, 2 * 1024 * 1024);
  });

  it('clamps numbers and ignores unknown values', () => {
    const values: Record<string, unknown> = {
      'upload.partSize': 1, 'upload.concurrency': 99, 'upload.conflictPolicy': 'explode', 'upload.exclude': ['dist/', 3, ''], 'download.conflictPolicy': 'overwrite',
    };
    const s = readSettings((k) => values[k]);
    assert.equal(s.upload.partSize, 5 * 1024 * 1024);
    assert.equal(s.upload.concurrency, 16);
    assert.equal(s.upload.conflictPolicy, 'rename');
    assert.deepEqual(s.upload.exclude, ['dist/']);
    assert.equal(s.download.conflictPolicy, 'overwrite');
    assert.equal(readSettings((k) => ({ 'transfers.maxFiles': 0 })[k]).transfers.maxFiles, 1);
    assert.equal(readSettings((k) => ({ 'transfers.maxFiles': 'many' })[k]).transfers.maxFiles, 4);
  });
});

describe('link store', () => {
  it('remembers which KooDrive file a local path is, by path and by file id', async () => {
    let t = 1;
    const links = new LinkStore(memoryStore(), 'linux', () => t++);
    await links.set('/w/a.txt', { fileId: 'F1', space, name: 'a.txt', parentId: 'root' });
    await links.set('/other/a.txt', { fileId: 'F1', space, name: 'a.txt' });
    assert.equal(links.get('/w/./a.txt')?.fileId, 'F1');
    assert.equal(links.get('/w/A.txt'), undefined, 'case-sensitive on Linux');
    assert.equal(links.findByFileId('C1', 'F1')?.localPath, path.resolve('/other/a.txt'), 'the most recent copy');
    await links.delete('/other/a.txt');
    assert.equal(links.findByFileId('C1', 'F1')?.localPath, path.resolve('/w/a.txt'));
  });

  it('is case-insensitive where the file system is', async () => {
    const links = new LinkStore(memoryStore(), 'darwin');
    await links.set('/w/Report.TXT', { fileId: 'F', space, name: 'Report.TXT' });
    assert.equal(links.get('/w/report.txt')?.fileId, 'F');
  });

  it('stays bounded', async () => {
    let t = 0;
    const store = memoryStore();
    const links = new LinkStore(store, 'linux', () => t++);
    await links.setMany(Array.from({ length: MAX_LINKS + 10 }, (_, i) => ({ localPath: `/w/${i}`, fileId: `F${i}`, space, name: `${i}` })));
    await links.set('/w/new', { fileId: 'N', space, name: 'new' });
    assert.equal(Object.keys(store.get<Record<string, unknown>>('koodrive.links') ?? {}).length, MAX_LINKS);
    assert.equal(links.get('/w/new')?.fileId, 'N');
  });

  it('recent places', async () => {
    const places = new RecentPlaces(memoryStore());
    assert.equal(places.lastUploadDestination(), undefined);
    await places.rememberUploadDestination({ space, folderId: 'D', path: 'Personal space/Docs' });
    assert.equal(places.lastUploadDestination()?.path, 'Personal space/Docs');
    await places.rememberDownloadFolder('/w');
    assert.equal(places.lastDownloadFolder(), '/w');
  });
});

describe('formatting and names', () => {
  it('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(20 * 1024 * 1024), '20 MiB');
  });

  it('parseRemoteTime reads the formats KooDrive pages use', () => {
    assert.equal(parseRemoteTime('2024-05-01 10:22:00'), Date.UTC(2024, 4, 1, 10, 22));
    assert.equal(parseRemoteTime('2024-05-01T10:22:00Z'), Date.UTC(2024, 4, 1, 10, 22));
    assert.equal(parseRemoteTime('1714558920000'), 1714558920000);
    assert.equal(parseRemoteTime('1714558920'), 1714558920000);
    assert.equal(parseRemoteTime('yesterday'), undefined);
    assert.equal(parseRemoteTime(undefined), undefined);
  });

  it('validateRemoteName follows §7', () => {
    assert.equal(validateRemoteName('report.txt'), undefined);
    for (const bad of ['', '  ', '.', '..', 'a/b', 'a\\b', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b', 'a|b', 'x'.repeat(251)]) {
      assert.ok(validateRemoteName(bad), JSON.stringify(bad));
    }
  });

  it('validateRemoteName refuses what the core refuses: control characters too (one rule set for the tree and the engines)', () => {
    for (const bad of ['a\tb', 'line\nbreak', 'bell\u0007', 'del\u007f']) {
      assert.ok(validateRemoteName(bad), `accepted ${JSON.stringify(bad)}`);
      assert.ok(remoteNameProblem(bad), `the core refuses ${JSON.stringify(bad)} too`);
    }
    assert.match(validateRemoteName('a\tb')!, /control characters/);
  });

  it('baseNameSelection pre-selects the name without its extension', () => {
    assert.deepEqual(baseNameSelection('report.final.txt', false), [0, 12]);
    assert.deepEqual(baseNameSelection('.env', false), [0, 4]);
    assert.deepEqual(baseNameSelection('v1.2', true), [0, 4]);
  });

  it('parseTokenInput takes a token or createSession\'s JSON answer', () => {
    assert.deepEqual(parseTokenInput('  abc123  '), { token: 'abc123' });
    assert.deepEqual(parseTokenInput('{"code":0,"data":{"accessToken":"Bearer t1","sessionId":"s1","userId":"u1"}}'), { token: 'Bearer t1', sessionId: 's1', userId: 'u1' });
    assert.deepEqual(parseTokenInput('{"accessToken":"Bearer+t2","sessionId":"s2"}'), { token: 'Bearer+t2', sessionId: 's2', userId: undefined });
    assert.deepEqual(parseTokenInput('{not json'), { token: '{not json' });
  });
});

describe('command arguments', () => {
  const root: SpaceNode = { kind: 'space', key: 'space:C1', space };
  const folder: FolderNode = { kind: 'folder', key: 'C1/D', space, parent: root, item: { id: 'D', name: 'Docs', isFolder: true, fileType: '10', size: 0 } };
  const file: FileNode = { kind: 'file', key: 'C1/F', space, parent: folder, item: { id: 'F', name: 'a.txt', isFolder: false, fileType: '26', size: 1 } };
  const other: FileNode = { ...file, key: 'C1/G', item: { ...file.item, id: 'G', name: 'b.txt' } };

  it('Explorer (uri, uris): the multi-selection wins; non-file URIs are refused', () => {
    const u = (p: string) => ({ scheme: 'file', fsPath: p });
    assert.deepEqual(localPathsFromArgs(u('/a'), [u('/a'), u('/b')]), ['/a', '/b']);
    assert.deepEqual(localPathsFromArgs(u('/a'), undefined), ['/a']);
    assert.deepEqual(localPathsFromArgs(undefined, undefined), []);
    assert.throws(() => localPathsFromArgs({ scheme: 'vscode-remote', fsPath: '/x' }, undefined), /Only local files/);
  });

  it('tree (node, nodes): the selection when the clicked node is in it, else the clicked node', () => {
    assert.deepEqual(itemNodesFromArgs(file, [file, other]), [file, other]);
    assert.deepEqual(itemNodesFromArgs(file, [other]), [file]);
    assert.deepEqual(itemNodesFromArgs(file, undefined), [file]);
    assert.deepEqual(itemNodesFromArgs(undefined, undefined), []);
    assert.equal(containerFromArg(file), folder);
    assert.equal(containerFromArg(root), root);
    assert.equal(containerFromArg({ fsPath: '/x', scheme: 'file' }), undefined);
  });

  it('parseUriList (drag and drop)', () => {
    const a = path.resolve('/tmp/a b.txt');
    const text = `# comment\r\n${pathToFileURL(a).href}\r\nhttps://example.com/x\r\n\r\n${pathToFileURL('/tmp/dir').href}\n`;
    assert.deepEqual(parseUriList(text), [a, path.resolve('/tmp/dir')]);
  });

  it('dedupe drops paths inside another selected folder', () => {
    assert.deepEqual(dedupe(['/w/p', '/w/p/a.txt', '/w/pa.txt', '/w/p']), ['/w/p', '/w/pa.txt'].map((p) => path.resolve(p)));
  });
});
