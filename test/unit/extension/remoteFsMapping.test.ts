/** The koodrive: adapter's pure parts: every error mapping, and URIs ↔ remote paths. */
import * as assert from 'node:assert/strict';
import { KooDriveError, KooDriveErrorCode } from '../../../src/core/errors';
import { findSpaceByKey } from '../../../src/core/remoteFs/remotePath';
import { isFolderError, notFolderError, tooLargeError } from '../../../src/core/remoteFs/remoteFsErrors';
import { describeFsError, FsErrorKind } from '../../../src/extension/remoteFs/fsErrorMapping';
import { namesOfNode, remotePathOfUri, uriPartsFor, workspaceFolderName } from '../../../src/extension/remoteFs/remoteUris';
import type { FileNode, FolderNode, SpaceNode } from '../../../src/extension/views/treeNodes';

describe('koodrive: error mapping (KooDriveError → FileSystemError kind)', () => {
  const expected: Record<KooDriveErrorCode, FsErrorKind> = {
    Cancelled: 'Other',
    AuthRequired: 'NoPermissions',
    PermissionDenied: 'NoPermissions',
    NotFound: 'FileNotFound',
    Conflict: 'FileExists',
    QuotaExceeded: 'NoPermissions',
    InvalidInput: 'Other',
    RateLimited: 'Unavailable',
    ServerError: 'Unavailable',
    Network: 'Unavailable',
    Timeout: 'Unavailable',
    ClockSkew: 'Unavailable',
    UrlExpired: 'Unavailable',
    IntegrityFailed: 'Other',
    BadResponse: 'Unavailable',
    SourceChanged: 'Other',
    RemoteChanged: 'Other',
    LocalIo: 'Other',
    ApiError: 'Other',
  };
  for (const [code, kind] of Object.entries(expected) as Array<[KooDriveErrorCode, FsErrorKind]>) {
    it(`${code} → ${kind}`, () => {
      const d = describeFsError(new KooDriveError(code, `KooDrive says ${code}`, { traceId: 'trace123' }));
      assert.equal(d.kind, kind);
      if (code !== 'Cancelled') assert.equal(d.message, `KooDrive says ${code} (trace trace123)`);
    });
  }

  it('folder/file mix-ups and the size limit keep their own kinds', () => {
    assert.equal(describeFsError(isFolderError('Documents')).kind, 'FileIsADirectory');
    assert.equal(describeFsError(notFolderError('a.txt')).kind, 'FileNotADirectory');
    const big = describeFsError(tooLargeError('big.bin', 100, 10));
    assert.equal(big.kind, 'Other');
    assert.match(big.message, /big\.bin is 100 bytes/);
  });

  it('foreign errors and cancellations are generic; secrets are redacted from messages', () => {
    assert.equal(describeFsError(new Error('boom')).kind, 'Other');
    assert.equal(describeFsError(Object.assign(new Error('x'), { name: 'AbortError' })).message, 'Cancelled');
    const d = describeFsError(new KooDriveError('Network', 'GET https://obs.example/x?X-Amz-Signature=abcdef0123456789 failed'));
    assert.ok(!d.message.includes('abcdef0123456789'), d.message);
  });
});

describe('koodrive: URIs', () => {
  const space = { kind: 'personal' as const, name: 'Personal space', containerId: 'c-1', rootFolderId: 'root' };
  const shared = { ...space, kind: 'shared' as const, name: 'Shared', shareFolderId: 'sf9' };

  it('authority is the container id (plus ~shareFolderId for a shared folder); names are the path', () => {
    assert.deepEqual(uriPartsFor(space, ['Documents', 'a #%&+[]{}~.txt']), { scheme: 'koodrive', authority: 'c-1', path: '/Documents/a #%&+[]{}~.txt' });
    assert.equal(uriPartsFor(shared, []).authority, 'c-1~sf9');
    assert.deepEqual(remotePathOfUri({ authority: 'c-1', path: '/Documents/a #%&+[]{}~.txt' }), { containerId: 'c-1', names: ['Documents', 'a #%&+[]{}~.txt'] });
    assert.deepEqual(remotePathOfUri({ authority: 'c-1', path: '/' }).names, []);
    assert.throws(() => remotePathOfUri({ authority: 'c-1', path: '/a/../b' }), (e) => KooDriveError.is(e, 'InvalidInput'));
  });

  it('finds the space of a lower-cased authority (VS Code lower-cases it), never guessing between two', () => {
    const a = { containerId: 'AbC', name: 'a' };
    const b = { containerId: 'abc', name: 'b' };
    const s = { containerId: 'XyZ', shareFolderId: 'Sf1', name: 's' };
    assert.equal(findSpaceByKey([a, s], 'abc')?.name, 'a');
    assert.equal(findSpaceByKey([a, b], 'abc')?.name, 'b', 'an exact match wins');
    assert.equal(findSpaceByKey([a, b], 'ABC'), undefined, 'two spaces differ only in case: no guess');
    assert.equal(findSpaceByKey([a, s], 'xyz~sf1')?.name, 's');
    assert.equal(findSpaceByKey([a, s], 'nope'), undefined);
  });

  it('names of a tree node, and the workspace folder name', () => {
    const s: SpaceNode = { kind: 'space', key: 's', space };
    const item = (id: string, name: string, isFolder: boolean) => ({ id, name, isFolder, fileType: isFolder ? '10' : '26', size: 0 });
    const docs: FolderNode = { kind: 'folder', key: 'd', space, parent: s, item: item('d', 'Documents', true) };
    const file: FileNode = { kind: 'file', key: 'f', space, parent: docs, item: item('f', '.hidden', false) };
    assert.deepEqual(namesOfNode(file), ['Documents', '.hidden']);
    assert.deepEqual(namesOfNode(s), []);
    assert.equal(workspaceFolderName(space, namesOfNode(docs)), 'KooDrive · Personal space/Documents');
  });
});
