import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../../src/core/errors';
import { runMultipart, PartWriter } from '../../../src/core/upload/multipartEngine';

const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runMultipart (generic engine)', () => {
  it('writes every part once, with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const written: number[] = [];
    const writer: PartWriter<number> = {
      async write(p) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await tick(2);
        inFlight--;
        written.push(p);
      },
      retryDelay: async () => undefined,
    };
    await runMultipart({ parts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], writer, concurrency: 3 });
    assert.deepEqual([...written].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(peak, 3);
  });

  it('waits for each part to become ready', async () => {
    const readyAt = new Map<number, () => void>();
    const gates = new Map([1, 2, 3].map((n) => [n, new Promise<void>((r) => readyAt.set(n, r))]));
    const order: number[] = [];
    const run = runMultipart({
      parts: [1, 2, 3], concurrency: 3,
      writer: { ready: (p) => gates.get(p)!, write: async (p) => void order.push(p), retryDelay: async () => undefined },
    });
    readyAt.get(3)!();
    await tick();
    readyAt.get(1)!();
    await tick();
    assert.deepEqual(order, [3, 1]);
    readyAt.get(2)!();
    await run;
    assert.deepEqual(order, [3, 1, 2]);
  });

  it('retries retryable failures as the writer decides', async () => {
    const attempts = new Map<number, number>();
    await runMultipart({
      parts: [1, 2], concurrency: 2,
      writer: {
        async write(p, attempt) {
          attempts.set(p, attempt);
          if (p === 2 && attempt < 3) throw new KooDriveError('ServerError', '500', { retryable: true });
        },
        retryDelay: async (_p, _e, attempt) => (attempt < 5 ? 0 : undefined),
      },
    });
    assert.equal(attempts.get(2), 3);
  });

  it('fails fast: a part that cannot be written aborts the others and the run', async () => {
    const aborted: number[] = [];
    const started: number[] = [];
    const err = await runMultipart({
      parts: [1, 2, 3, 4, 5, 6], concurrency: 2,
      writer: {
        async write(p, _a, signal) {
          started.push(p);
          if (p === 2) throw new KooDriveError('InvalidInput', 'bad part');
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, 200);
            signal.addEventListener('abort', () => {
              clearTimeout(t);
              aborted.push(p);
              reject(signal.reason);
            });
          });
        },
        retryDelay: async () => 0,
      },
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(KooDriveError.is(err, 'InvalidInput'));
    assert.deepEqual(aborted, [1]);
    assert.deepEqual(started, [1, 2]);
  });

  it('stops with Cancelled when the caller aborts', async () => {
    const ac = new AbortController();
    const run = runMultipart({
      parts: [1, 2, 3], concurrency: 1, signal: ac.signal,
      writer: { write: () => tick(20), retryDelay: async () => undefined },
    });
    ac.abort();
    await assert.rejects(run, (e: unknown) => KooDriveError.is(e, 'Cancelled'));
  });
});
