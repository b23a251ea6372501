import * as assert from 'node:assert/strict';
import { appendFile, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { KooDriveError } from '../../src/core/errors';
import type { ProgressEvent } from '../../src/core/progress';
import { MIN_PART_SIZE } from '../../src/core/upload/partPlan';
import { uploadFile } from '../../src/core/upload/uploadFile';
import type { UploadTarget } from '../../src/core/upload/uploadTarget';
import { uploadFolder } from '../../src/core/upload/uploadFolder';
import { proofCode } from '../../src/sandbox/proofCode';
import { MiB, partPuts, waitFor, requestsTo, sha256, startWorld, World, writeRandomFile } from './helpers';

describe('upload engine against the sandbox', function () {
  this.timeout(120_000);
  let w: World;
  let n = 0;
  const file = (name: string): string => path.join(w.tmp, name);
  const toRoot = (conflict: 'rename' | 'fail' | 'skip-same' = 'rename', fileName?: string): UploadTarget => ({
    kind: 'file', space: w.personal, parentFolderId: 'root', conflict, fileName,
  });

  beforeEach(async () => {
    w = await startWorld();
    n++;
  });
  afterEach(async () => w.close());

  /** The sandbox holds exactly the local bytes, and says so in its metadata. */
  async function assertStored(fileId: string, local: string): Promise<void> {
    const bytes = await readFile(local);
    const stored = w.sandbox.store.getFile(fileId);
    assert.ok(stored, 'file visible on the sandbox');
    assert.equal(stored.size, bytes.length);
    assert.equal(stored.sha256, sha256(bytes));
    assert.ok(w.sandbox.store.readContent(fileId).equals(bytes), 'stored bytes equal local bytes');
  }

  for (const size of [0, 1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1]) {
    it(`uploads a ${size}-byte file with 5 MiB parts and the sandbox verifies the chain`, async () => {
      const local = file(`s${size}.bin`);
      const digest = await writeRandomFile(local, size, size);
      const r = await uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE, flashThreshold: 0 });
      assert.equal(r.sha256, digest);
      assert.equal(r.rapidUpload, false);
      await assertStored(r.fileId, local);
      assert.equal(partPuts(w.sandbox).length, Math.max(1, Math.ceil(size / MIN_PART_SIZE)));
      assert.equal(requestsTo(w.sandbox, '/files/complete').length, 1);
    });
  }

  it('uploads a multi-part file with an odd tail, parts concurrently, each with the right hashCtx', async () => {
    const local = file('odd.bin');
    const size = 23 * MiB + 77;
    await writeRandomFile(local, size, 7);
    const events: ProgressEvent[] = [];
    const r = await uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE, concurrency: 3, onProgress: (e) => events.push(e) });
    await assertStored(r.fileId, local);
    assert.equal(partPuts(w.sandbox).filter((q) => q.status === 200).length, 5);
    // Every part after the first was requested with an 8-word hashCtx.
    const asked = requestsTo(w.sandbox, '/files/multipart/uploadUrl').flatMap((q) => (q.bodyJson as { multiParts: Array<{ partNumber: number; hashCtx?: number[] }> }).multiParts);
    for (const p of asked) if (p.partNumber > 1) assert.equal(p.hashCtx?.length, 8);
    assert.ok(events.some((e) => e.phase === 'hashing') && events.some((e) => e.phase === 'uploading'));
    const lastUp = events.filter((e) => e.phase === 'uploading').at(-1)!;
    assert.equal(lastUp.bytesDone, size);
  });

  it('flash upload: identical content is created without sending bytes (hit), new content is sent (miss)', async () => {
    const a = file('a.txt');
    await writeRandomFile(a, 300_000, 11);
    const first = await uploadFile(w.deps(), a, toRoot());
    assert.equal(first.rapidUpload, false);
    const putsBefore = partPuts(w.sandbox).length;
    const copy = file('copy-of-a.txt');
    await writeFile(copy, await readFile(a));
    const second = await uploadFile(w.deps(), copy, toRoot());
    assert.equal(second.rapidUpload, true);
    assert.equal(partPuts(w.sandbox).length, putsBefore, 'no part PUT for a flash upload');
    await assertStored(second.fileId, copy);
    const other = file('other.txt');
    await writeRandomFile(other, 300_000, 12);
    const third = await uploadFile(w.deps(), other, toRoot());
    assert.equal(third.rapidUpload, false);
    assert.ok(partPuts(w.sandbox).length > putsBefore);
  });

  it('flash upload of a large file through preHash: matchedPreHash → full hash → proof → no transfer', async () => {
    const a = file('big-a.bin');
    await writeRandomFile(a, 12 * MiB + 5, 21);
    await uploadFile(w.deps(), a, toRoot(), { partSize: MIN_PART_SIZE, flashThreshold: 0 });
    const putsBefore = partPuts(w.sandbox).length;
    const b = file('big-b.bin');
    await writeFile(b, await readFile(a));
    const r = await uploadFile(w.deps(), b, toRoot(), { partSize: MIN_PART_SIZE, flashThreshold: 0 });
    assert.equal(r.rapidUpload, true);
    assert.equal(partPuts(w.sandbox).length, putsBefore);
    const creates = requestsTo(w.sandbox, '/files/create').slice(-2).map((q) => q.bodyJson as { sha256?: string; proofCode?: string; preHash?: string });
    assert.ok(creates[0].preHash && !creates[0].sha256, 'first create offers only preHash');
    const bytes = await readFile(b);
    assert.equal(creates[1].sha256, sha256(bytes), 'second create names the content');
    // The proof is computed over the Authorization value actually sent (the log shows its scheme, the token is known).
    assert.equal(requestsTo(w.sandbox, '/files/create').at(-1)!.headers.authorization, 'Bearer+<redacted>');
    assert.equal(creates[1].proofCode, proofCode(`Bearer+${w.sandbox.token}`, bytes), 'second create proves the content');
    await assertStored(r.fileId, b);
  });

  it('conflict policies: rename keeps both, fail refuses, skip-same skips identical content', async () => {
    const local = file('same.txt');
    await writeFile(local, 'hello koodrive\n');
    const a = await uploadFile(w.deps(), local, toRoot('rename'));
    const b = await uploadFile(w.deps(), local, toRoot('rename'));
    assert.notEqual(a.fileId, b.fileId);
    assert.notEqual(b.fileName, a.fileName, 'renamed on the server');
    await assert.rejects(uploadFile(w.deps(), local, toRoot('fail')), (e: unknown) => KooDriveError.is(e, 'Conflict'));
    const c = await uploadFile(w.deps(), local, toRoot('skip-same'));
    assert.equal(c.skipped, true);
    assert.equal(c.fileId, a.fileId);
    await writeFile(local, 'different content\n');
    const d = await uploadFile(w.deps(), local, toRoot('skip-same'));
    assert.equal(d.skipped, false);
    assert.notEqual(d.fileName, 'same.txt');
    await assertStored(d.fileId, local);
  });

  it('uploads a folder tree, recreating folders, skipping symlinks and excluded files', async () => {
    const root = file(`tree${n}`);
    await mkdir(path.join(root, 'src/deep/er'), { recursive: true });
    await mkdir(path.join(root, 'node_modules/pkg'), { recursive: true });
    await writeFile(path.join(root, 'README.md'), '# hi\n');
    await writeFile(path.join(root, 'src/a.ts'), 'export const a = 1;\n');
    await writeFile(path.join(root, 'src/deep/er/b.bin'), Buffer.alloc(70_000, 3));
    await writeFile(path.join(root, 'src/deep/empty.txt'), '');
    await writeFile(path.join(root, 'node_modules/pkg/x.js'), 'x');
    await writeFile(path.join(root, 'debug.log'), 'log');
    await writeFile(path.join(root, '.gitignore'), '*.log\n');
    await symlink('/etc/hostname', path.join(root, 'src/link'));
    const s = await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'rename', exclude: ['node_modules/'] });
    assert.deepEqual(s.files.map((f) => `${f.status}:${f.relPath}`), [
      'uploaded:.gitignore', 'uploaded:README.md', 'uploaded:src/a.ts', 'uploaded:src/deep/empty.txt', 'uploaded:src/deep/er/b.bin',
    ]);
    assert.deepEqual(s.skipped.map((k) => `${k.reason}:${k.relPath}`).sort(), ['excluded:debug.log', 'excluded:node_modules', 'symlink:src/link']);
    const c = w.personal.containerId;
    const top = w.sandbox.store.findByName(c, w.sandbox.store.rootId(c), path.basename(root));
    assert.equal(top?.kind, 'folder');
    const srcDir = w.sandbox.store.findByName(c, top!.id, 'src')!;
    const deep = w.sandbox.store.findByName(c, srcDir.id, 'deep')!;
    const er = w.sandbox.store.findByName(c, deep.id, 'er')!;
    const b = w.sandbox.store.findByName(c, er.id, 'b.bin')!;
    assert.ok(w.sandbox.store.readContent(b.id).equals(Buffer.alloc(70_000, 3)));
    // Uploading again merges into the existing folders (no "src (1)").
    await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'skip-same', exclude: ['node_modules/'] });
    assert.equal(w.sandbox.store.listChildren(c, top!.id).filter((f) => f.kind === 'folder').length, 1);
  });

  it('one failing file does not stop the rest of a folder', async () => {
    const root = file(`partial${n}`);
    await mkdir(root);
    await writeFile(path.join(root, 'ok-1.txt'), 'one');
    await writeFile(path.join(root, 'bad.txt'), 'bad');
    await writeFile(path.join(root, 'ok-2.txt'), 'two');
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/create' }, action: { kind: 'status', status: 400 }, skip: 0, times: 1 });
    const s = await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'rename', fileConcurrency: 1 });
    assert.deepEqual(s.files.map((f) => `${f.status}:${f.relPath}`), ['failed:bad.txt', 'uploaded:ok-1.txt', 'uploaded:ok-2.txt']);
    const failed = s.files[0];
    assert.ok(failed.status === 'failed' && KooDriveError.is(failed.error, 'InvalidInput'), `bad.txt failed with the 400 it was given: ${failed.status === 'failed' ? failed.error.code : ''}`);
  });

  it('retries a part that fails with 500/503 and still completes', async () => {
    const local = file('retry.bin');
    await writeRandomFile(local, 11 * MiB, 31);
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 500 }, times: 1 });
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 3 }, action: { kind: 'status', status: 503 }, times: 2 });
    const r = await uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE });
    await assertStored(r.fileId, local);
    assert.equal(partPuts(w.sandbox).length, 3 + 3);
  });

  it('a part that keeps failing aborts the file with a clear error and nothing visible', async () => {
    const local = file('doomed.bin');
    await writeRandomFile(local, 11 * MiB, 32);
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 500 }, times: 100 });
    await assert.rejects(uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE, maxPartAttempts: 3 }), (e: unknown) => KooDriveError.is(e, 'ServerError'));
    assert.equal(w.sandbox.store.findByName(w.personal.containerId, w.sandbox.store.rootId(w.personal.containerId), 'doomed.bin'), undefined);
    assert.equal(requestsTo(w.sandbox, '/files/complete').length, 0);
  });

  it('refreshes expired part URLs through multipart/uploadUrl', async () => {
    const local = file('expire.bin');
    await writeRandomFile(local, 16 * MiB, 33);
    // A 16 MiB file is hashed before create, so create hands out all 4 part URLs.
    // Hold part 2 on the server, expire every URL issued so far: parts 3 and 4 meet a 403.
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: 600 } });
    const upload = uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE, concurrency: 1 });
    await waitFor(() => partPuts(w.sandbox).length >= 2);
    w.sandbox.faults.expireUrls();
    const r = await upload;
    await assertStored(r.fileId, local);
    assert.deepEqual(partPuts(w.sandbox).map((q) => q.status), [200, 200, 403, 200, 200]);
    const asked = requestsTo(w.sandbox, '/files/multipart/uploadUrl').flatMap((q) => (q.bodyJson as { multiParts: Array<{ partNumber: number }> }).multiParts.map((p) => p.partNumber));
    assert.ok(asked.includes(3) && asked.includes(4), `parts 3 and 4 got fresh URLs (${asked.join(',')})`);
  });

  it('cancel mid-upload leaves nothing finished; running it again resumes and completes', async () => {
    const local = file('cancel.bin');
    await writeRandomFile(local, 26 * MiB, 34);
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 4 }, action: { kind: 'delay', ms: 5000 } });
    const ac = new AbortController();
    const run = uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE, concurrency: 1, signal: ac.signal });
    // One part at a time: part 4 starts only after part 3 was acknowledged. Cancel while part 4 hangs.
    await waitFor(() => partPuts(w.sandbox).length === 4);
    ac.abort();
    await assert.rejects(run, (e: unknown) => KooDriveError.is(e, 'Cancelled'));
    const root = w.sandbox.store.rootId(w.personal.containerId);
    assert.equal(w.sandbox.store.findByName(w.personal.containerId, root, 'cancel.bin'), undefined, 'nothing visible');
    assert.equal(requestsTo(w.sandbox, '/files/complete').length, 0);
    w.sandbox.faults.clear();
    const creates = requestsTo(w.sandbox, '/files/create').length;
    const r = await uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE });
    assert.equal(r.resumed, true);
    assert.equal(requestsTo(w.sandbox, '/files/create').length, creates, 'no new upload task');
    assert.equal(r.partsUploaded, 6 - 3);
    await assertStored(r.fileId, local);
  });

  it('a resumed upload whose file changed starts over instead of mixing contents', async () => {
    const local = file('changed.bin');
    await writeRandomFile(local, 16 * MiB, 35);
    const ac = new AbortController();
    await assert.rejects(uploadFile(w.deps(), local, toRoot(), {
      partSize: MIN_PART_SIZE, concurrency: 1, signal: ac.signal,
      onProgress: (e) => e.phase === 'uploading' && e.bytesDone >= MIN_PART_SIZE && ac.abort(),
    }), (e: unknown) => KooDriveError.is(e, 'Cancelled'));
    await appendFile(local, 'more');
    const r = await uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE });
    assert.equal(r.resumed, false);
    await assertStored(r.fileId, local);
  });

  it('a file modified during the upload is not completed', async () => {
    const local = file('moving.bin');
    await writeRandomFile(local, 16 * MiB, 36);
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: 400 } });
    const puts = partPuts(w.sandbox).length;
    const run = uploadFile(w.deps(), local, toRoot(), { partSize: MIN_PART_SIZE, concurrency: 1 });
    await waitFor(() => partPuts(w.sandbox).length >= puts + 2); // part 2 is being held: the upload is under way
    const t = new Date(Date.now() + 5000);
    await utimes(local, t, t); // a writer touched it
    await assert.rejects(run, (e: unknown) => KooDriveError.is(e, 'SourceChanged') && /moving\.bin was modified during the upload; nothing was saved/.test((e as Error).message));
    assert.equal(requestsTo(w.sandbox, '/files/complete').length, 0);
  });

  it('a small file (read once, sent from memory) rewritten during the upload is not completed', async () => {
    const local = file('small-moving.txt');
    await writeRandomFile(local, 2000, 37);
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 1 }, action: { kind: 'delay', ms: 400 } });
    const puts = partPuts(w.sandbox).length;
    const run = uploadFile(w.deps(), local, toRoot(), { flashThreshold: 0 });
    await waitFor(() => partPuts(w.sandbox).length >= puts + 1); // its only part is being held
    await writeRandomFile(local, 2000, 38); // same size, other bytes
    const t = new Date(Date.now() + 5000);
    await utimes(local, t, t);
    await assert.rejects(run, (e: unknown) => KooDriveError.is(e, 'SourceChanged') && /small-moving\.txt was modified during the upload/.test((e as Error).message));
    assert.equal(requestsTo(w.sandbox, '/files/complete').length, 0);
  });

  it('a small file is sent as read: the bytes stored are the bytes hashed, with a flash-upload proof from the same read', async () => {
    const a = file('small-a.txt');
    await writeRandomFile(a, 1500, 39);
    const first = await uploadFile(w.deps(), a, toRoot());
    assert.equal(first.rapidUpload, false);
    assert.equal(partPuts(w.sandbox).length, 1);
    await assertStored(first.fileId, a);
    // The same bytes under another name: the sandbox accepts the proofCode computed from the in-memory copy.
    const b = file('small-b.txt');
    await writeFile(b, await readFile(a));
    const second = await uploadFile(w.deps(), b, toRoot());
    assert.equal(second.rapidUpload, true);
    assert.equal(partPuts(w.sandbox).length, 1, 'no part PUT for the flash upload');
  });

  it('saves a new revision with the same engine, lists it and restores the old one', async () => {
    const local = file('doc.txt');
    await writeFile(local, 'version one\n');
    const v1 = await uploadFile(w.deps(), local, toRoot());
    await writeRandomFile(local, 6 * MiB + 3, 40);
    const v2 = await uploadFile(w.deps(), local, { kind: 'revision', space: w.personal, fileId: v1.fileId }, { partSize: MIN_PART_SIZE });
    assert.equal(v2.fileId, v1.fileId);
    await assertStored(v1.fileId, local);
    const list = await w.drive.client.listRevisions(w.personal, v1.fileId);
    assert.equal(list.items.length, 2);
    assert.ok(list.items[0].version > list.items[1].version, 'newest first');
    await w.drive.client.restoreRevision(w.personal, v1.fileId, list.items[1].revisionId);
    assert.equal(w.sandbox.store.readContent(v1.fileId).toString(), 'version one\n');
    assert.equal((await w.drive.client.listRevisions(w.personal, v1.fileId)).items.length, 3);
  });
});
