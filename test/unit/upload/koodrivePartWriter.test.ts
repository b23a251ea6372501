import * as assert from 'node:assert/strict';
import { urlExpiry } from '../../../src/core/upload/koodrivePartWriter';
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
