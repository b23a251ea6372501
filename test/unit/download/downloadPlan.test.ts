import * as assert from 'node:assert/strict';
import type { DriveItem, Page } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import type { SpaceRef } from '../../../src/core/api/models';
import { DownloadListClient, LISTING_CONCURRENCY, listAllChildren, PlanFailure, PlannedFile, PlannedFolder, walkDownload } from '../../../src/core/download/downloadPlan';

/** The whole walk collected as lists (files and folders in depth-first listing order, failures apart). */
async function planDownload(client: DownloadListClient, space: SpaceRef, items: readonly DriveItem[]): Promise<{ files: PlannedFile[]; folders: PlannedFolder[]; failures: PlanFailure[] }> {
  const plan = { files: [] as PlannedFile[], folders: [] as PlannedFolder[], failures: [] as PlanFailure[] };
  for await (const e of walkDownload(client, space, items)) {
    if (e.kind === 'file') plan.files.push({ item: e.item, remotePath: e.remotePath, dirSegments: e.dirSegments, localName: e.localName });
    else if (e.kind === 'folder') plan.folders.push({ item: e.item, remotePath: e.remotePath, segments: e.segments });
    else if (e.kind === 'failure') plan.failures.push({ item: e.item, remotePath: e.remotePath, error: e.error });
  }
  return plan;
}

const dir = (id: string, name = id): DriveItem => ({ id, name, isFolder: true, fileType: '10', size: 0 });
const file = (id: string, name = id): DriveItem => ({ id, name, isFolder: false, fileType: '26', size: 1 });

/** Listing fake: `tree` maps a folder id to its children; pages of `pageSize`; `delayMs` per call. */
function lister(tree: Record<string, DriveItem[]>, o: { pageSize?: number; delayMs?: number; fail?: string[] } = {}): DownloadListClient & { calls: string[]; maxActive: number } {
  let active = 0;
  const c = {
    calls: [] as string[],
    maxActive: 0,
    async listFiles(_s: unknown, folderId: string, opts?: { cursor?: string }): Promise<Page<DriveItem>> {
      c.calls.push(folderId);
      active++;
      c.maxActive = Math.max(c.maxActive, active);
      await new Promise((r) => setTimeout(r, o.delayMs ?? 1));
      active--;
      if (o.fail?.includes(folderId)) throw new KooDriveError('ServerError', 'boom', { retryable: true });
      const all = tree[folderId] ?? [];
      const size = o.pageSize ?? 100;
      const at = opts?.cursor ? Number(opts.cursor) : 0;
      return { items: all.slice(at, at + size), nextCursor: at + size < all.length ? String(at + size) : undefined };
    },
  };
  return c;
}

describe('downloadPlan', () => {
  const space = { containerId: 'C' };

  it('listAllChildren follows cursors until there is none, even over empty pages', async () => {
    let n = 0;
    const client: DownloadListClient = {
      async listFiles(_s, _f, o) {
        n++;
        const at = Number(o?.cursor ?? 0);
        if (at === 1) return { items: [], nextCursor: '2' }; // a short (empty) page before the end
        return { items: at < 3 ? [file(`f${at}`)] : [], nextCursor: at < 3 ? String(at + 1) : undefined };
      },
    };
    const items = await listAllChildren(client, space, 'D');
    assert.deepEqual(items.map((i) => i.id), ['f0', 'f2']);
    assert.equal(n, 4);
  });

  it('refuses a listing that repeats a cursor (it would never end)', async () => {
    const client: DownloadListClient = { listFiles: async () => ({ items: [file('x')], nextCursor: 'same' }) };
    await assert.rejects(listAllChildren(client, space, 'D'), (e: unknown) => KooDriveError.is(e, 'BadResponse'));
  });

  it('keeps depth-first listing order while listing folders concurrently (bounded)', async () => {
    const tree: Record<string, DriveItem[]> = { R: [] };
    for (let i = 0; i < 10; i++) {
      tree.R.push(dir(`D${i}`));
      tree[`D${i}`] = [file(`F${i}a`), dir(`E${i}`)];
      tree[`E${i}`] = [file(`F${i}b`)];
    }
    const client = lister(tree, { delayMs: 5 });
    const plan = await planDownload(client, space, [dir('R', 'root')]);
    assert.deepEqual(plan.files.map((f) => f.remotePath).slice(0, 4), ['root/D0/F0a', 'root/D0/E0/F0b', 'root/D1/F1a', 'root/D1/E1/F1b']);
    assert.equal(plan.files.length, 20);
    assert.equal(plan.folders.length, 21);
    assert.ok(client.maxActive > 1 && client.maxActive <= LISTING_CONCURRENCY, `max ${client.maxActive}`);
    assert.deepEqual(plan.files[1].dirSegments, ['root', 'D0', 'E0']);
  });

  it('a folder that cannot be listed is one failure; the rest is planned', async () => {
    const client = lister({ R: [dir('A'), dir('B')], A: [file('a')], B: [file('b')] }, { fail: ['A'] });
    const plan = await planDownload(client, space, [dir('R')]);
    assert.deepEqual(plan.files.map((f) => f.remotePath), ['R/B/b']);
    assert.equal(plan.failures.length, 1);
    assert.equal(plan.failures[0].remotePath, 'R/A');
    assert.match(plan.failures[0].error.message, /Cannot list folder R\/A/);
  });

  it('takes an id once, even when a folder lists its ancestor', async () => {
    const client = lister({ R: [dir('A'), file('x')], A: [dir('R'), file('x')] });
    const plan = await planDownload(client, space, [dir('R'), file('x')]);
    assert.deepEqual(plan.files.map((f) => f.remotePath), ['x'], 'the item passed in is claimed before listings find it');
    assert.deepEqual(client.calls.sort(), ['A', 'R']);
  });

  it('an unsafe folder name fails the folder without listing it', async () => {
    const client = lister({ R: [dir('A', '..')], A: [file('a')] });
    const plan = await planDownload(client, space, [dir('R')]);
    assert.deepEqual(plan.files, []);
    assert.equal(plan.failures[0].remotePath, 'R/..');
    assert.ok(!client.calls.includes('A'));
  });
});
