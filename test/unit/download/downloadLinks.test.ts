import * as assert from 'node:assert/strict';
import type { DownloadLinks } from '../../../src/core/api/koodriveClient';
import { KooDriveError } from '../../../src/core/errors';
import { DownloadLinkBatcher, DownloadLinkClient, linkResult } from '../../../src/core/download/downloadLinks';

const space = { containerId: 'C1' };

/** A files/download fake: records calls; `fail` maps an id to a per-file code. */
function fakeClient(opts: { fail?: Record<string, number>; throwOnce?: KooDriveError } = {}): DownloadLinkClient & { calls: string[][] } {
  const calls: string[][] = [];
  let throwOnce = opts.throwOnce;
  return {
    calls,
    async getDownloadLinks(_space, ids): Promise<DownloadLinks> {
      calls.push([...ids]);
      await new Promise((r) => setImmediate(r));
      if (throwOnce) {
        const e = throwOnce;
        throwOnce = undefined;
        throw e;
      }
      const links = ids.map((id) => {
        const code = opts.fail?.[id] ?? 0;
        return { fileId: id, url: code ? undefined : `https://obs.example/${id}?n=${calls.length}`, code, message: code ? 'download failed' : undefined };
      });
      const failed = links.filter((l) => l.code !== 0).length;
      return { batchCode: failed === 0 ? 1 : failed === ids.length ? 2 : 0, links };
    },
  };
}

describe('DownloadLinkBatcher', () => {
  const ids = Array.from({ length: 250 }, (_, i) => `F${i}`);

  it('fetches links in batches of at most 100, lazily, once per batch even under concurrency', async () => {
    const client = fakeClient();
    const b = new DownloadLinkBatcher(client, space, ids);
    assert.equal(client.calls.length, 0);
    const urls = await Promise.all(ids.slice(0, 10).map((id) => b.get(id)));
    assert.equal(client.calls.length, 1);
    assert.equal(client.calls[0].length, 100);
    assert.match(urls[3], /F3\?n=1$/);
    await b.get('F150');
    await b.get('F249');
    assert.deepEqual(client.calls.map((c) => c.length), [100, 100, 50]);
    // A batch is the file asking plus the earliest queued files without a link.
    assert.deepEqual([...client.calls[1]].sort(), ids.slice(100, 200).sort());
    assert.deepEqual([...client.calls[2]].sort(), ids.slice(200).sort());
  });

  it('takes files added as the run finds them into the next batch, and forgets released ones', async () => {
    const client = fakeClient();
    const b = new DownloadLinkBatcher(client, space, []);
    for (const id of ['A', 'B', 'C']) b.add(id);
    const a = await b.get('A');
    assert.ok(await b.get('C'));
    assert.deepEqual(client.calls, [['A', 'B', 'C']]);
    assert.equal(await b.get('A'), a, 'the link is reused until the file is released');
    b.release('A');
    b.add('D');
    await b.get('A');
    assert.deepEqual(client.calls, [['A', 'B', 'C'], ['A', 'D']]);
  });

  it('reports a per-file failure for that file only, then asks again for it alone', async () => {
    const client = fakeClient({ fail: { F1: 13000408 } });
    const b = new DownloadLinkBatcher(client, space, ids.slice(0, 5));
    await assert.rejects(b.get('F1'), (e: unknown) => KooDriveError.is(e, 'ServerError') && e.retryable && e.subject === 'F1');
    assert.ok(await b.get('F2'));
    // Asked again for F1 alone; the fake fails it again, with the same per-file error.
    await assert.rejects(b.get('F1'), (e: unknown) => KooDriveError.is(e, 'ServerError') && e.retryable && e.subject === 'F1');
    assert.deepEqual(client.calls, [['F0', 'F1', 'F2', 'F3', 'F4'], ['F1']]);
  });

  it('maps non-retryable per-file codes (not found) to their KooDrive error', async () => {
    const b = new DownloadLinkBatcher(fakeClient({ fail: { F0: 13000309 } }), space, ['F0']);
    await assert.rejects(b.get('F0'), (e: unknown) => KooDriveError.is(e, 'NotFound') && !e.retryable);
  });

  it('refetches an invalidated (expired) link with a single-id call', async () => {
    const client = fakeClient();
    const b = new DownloadLinkBatcher(client, space, ['A', 'B']);
    const first = await b.get('A');
    b.invalidate('A');
    const second = await b.get('A');
    assert.notEqual(first, second);
    assert.deepEqual(client.calls, [['A', 'B'], ['A']]);
    assert.equal(await b.get('A'), second, 'the fresh link is reused until invalidated again');
  });

  it('does not remember a failed call: the next get asks again', async () => {
    const client = fakeClient({ throwOnce: new KooDriveError('Network', 'down', { retryable: true }) });
    const b = new DownloadLinkBatcher(client, space, ['A', 'B']);
    await assert.rejects(b.get('A'), (e: unknown) => KooDriveError.is(e, 'Network'));
    assert.ok(await b.get('B'));
    assert.equal(client.calls.length, 2);
  });

  it('linkResult: missing entry and empty url are bad responses', () => {
    const answer: DownloadLinks = { batchCode: 0, links: [{ fileId: 'A', code: 0 }] };
    const missing = linkResult('B', answer);
    assert.ok('error' in missing && missing.error.code === 'BadResponse');
    const empty = linkResult('A', answer);
    assert.ok('error' in empty && empty.error.code === 'BadResponse');
  });
});
