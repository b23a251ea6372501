import * as assert from 'node:assert/strict';
import { KooDrivePartWriter, urlExpiry } from '../../../src/core/upload/koodrivePartWriter';
import { Midstates } from '../../../src/core/upload/midstates';
import { KooDriveError } from '../../../src/core/errors';

describe('presigned URL expiry and midstate waits', () => {
  it('reads X-Amz-Date + X-Amz-Expires, defaulting to an hour', () => {
    const now = Date.UTC(2024, 5, 21, 8, 30, 0);
    assert.equal(urlExpiry('https://obs/x?X-Amz-Date=20240621T082041Z&X-Amz-Expires=3600', now), Date.UTC(2024, 5, 21, 9, 20, 41));
    assert.equal(urlExpiry('https://obs/x?partNumber=1', now), now + 3600_000);
    // A signing time in our future (clock difference) is not trusted.
    assert.equal(urlExpiry('https://obs/x?X-Amz-Date=20300101T000000Z&X-Amz-Expires=60', now), now + 60_000);
  });

  it('resolves waiters when a midstate arrives and rejects them when hashing fails', async () => {
    const m = new Midstates();
    assert.deepEqual(await m.wait(1), []);
    const w2 = m.wait(2);
    m.set(2, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(await w2, [1, 2, 3, 4, 5, 6, 7, 8]);
    const w3 = m.wait(3);
    m.fail(new KooDriveError('SourceChanged', 'changed'));
    await assert.rejects(w3, (e: unknown) => KooDriveError.is(e, 'SourceChanged'));
    await assert.rejects(m.wait(4), (e: unknown) => KooDriveError.is(e, 'SourceChanged'));
  });
});

describe('KooDrivePartWriter: an expired URL renews every URL issued with it', () => {
  it('drops the URLs of one create answer together even when the clock ticks between them', async () => {
    const midstates = new Midstates();
    for (let n = 1; n <= 4; n++) midstates.set(n, n === 1 ? [] : new Array(10).fill(n));
    const asked: number[][] = [];
    let issued = 0;
    const client = {
      getUploadUrls: async (_s: unknown, _f: unknown, infos: Array<{ partNumber: number }>) => {
        asked.push(infos.map((i) => i.partNumber));
        issued++;
        return infos.map((i) => ({ partNumber: i.partNumber, uploadUrl: `https://obs/new${issued}/${i.partNumber}` }));
      },
    };
    const parts = [1, 2, 3, 4].map((n) => ({ partNumber: n, partOffset: (n - 1) * 10, partSize: 10 }));
    const writer = new KooDrivePartWriter({
      client: client as never, dispatcher: {} as never, space: { containerId: 'c' } as never, fileId: 'f', path: '/nowhere',
      parts: parts as never, midstates, maxAttempts: 3, onPartBytes: () => undefined,
    });
    // The clock moves on by a millisecond for every reading while the create answer's URLs are cached.
    const realNow = Date.now;
    let t = realNow();
    Date.now = () => ++t;
    try {
      writer.seedUrls(parts.map((p) => ({ ...p, uploadUrl: `https://obs/create/${p.partNumber}` })) as never);
    } finally {
      Date.now = realNow;
    }
    const signal = new AbortController().signal;
    const expired = new KooDriveError('UrlExpired', 'expired');
    assert.equal(await writer.retryDelay(parts[2] as never, expired, 1, signal), 0);
    assert.deepEqual(asked, [[3, 4]], 'one uploadUrl call renews part 3 and part 4, issued with it');
    await writer.ready(parts[3] as never, signal);
    assert.deepEqual(asked, [[3, 4]], 'part 4 goes with its renewed URL, not the expired one');
  });
});
