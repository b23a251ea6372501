import * as assert from 'node:assert/strict';
import type { ProgressReport } from '../../../src/extension/ui/progress';
import { ThrottledProgress, TransferTracker } from '../../../src/extension/ui/transferProgress';

const MB = 1024 * 1024;

describe('transfer progress', () => {
  it('distinguishes hashing from uploading, with bytes, percentage and files', () => {
    let now = 0;
    const t = new TransferTracker('upload', { files: 2, bytes: 40 * MB }, () => now);
    t.fileStarted('/w/a.bin', 20 * MB);
    t.onProgress({ phase: 'hashing', subject: '/w/a.bin', bytesDone: 10 * MB, bytesTotal: 20 * MB });
    let s = t.snapshot();
    assert.match(s.message, /^Hashing a\.bin \(50%\) · 0 B of 40 MiB \(0%\) · 0 of 2 files$/);
    assert.equal(s.percent, 0);
    now = 1000;
    t.onProgress({ phase: 'uploading', subject: '/w/a.bin', bytesDone: 10 * MB, bytesTotal: 20 * MB });
    s = t.snapshot();
    assert.match(s.message, /^Uploading a\.bin · 10 MiB of 40 MiB \(25%\) · 0 of 2 files · 10 MiB\/s$/);
    assert.equal(s.percent, 25);
    t.fileFinished('/w/a.bin', 'done', 20 * MB);
    t.fileStarted('/w/b.bin', 20 * MB);
    t.fileFinished('/w/b.bin', 'flash', 20 * MB);
    s = t.snapshot();
    assert.equal(s.percent, 100);
    assert.match(s.message, /40 MiB of 40 MiB \(100%\) · 2 of 2 files/);
    assert.match(s.message, /1 by flash upload/);
    assert.deepEqual(t.counts, { done: 1, flash: 1, failed: 0, skipped: 0 });
  });

  it('a stalled transfer slows down on screen, then shows no speed (the same sampler as the Transfers view)', () => {
    let now = 0;
    const t = new TransferTracker('download', { files: 1, bytes: 100 * MB }, () => now);
    t.fileStarted('/w/big.bin', 100 * MB);
    t.onProgress({ phase: 'downloading', subject: '/w/big.bin', bytesDone: 0, bytesTotal: 100 * MB });
    now = 1000;
    t.onProgress({ phase: 'downloading', subject: '/w/big.bin', bytesDone: 10 * MB, bytesTotal: 100 * MB });
    assert.match(t.snapshot().message, / · 10 MiB\/s$/);
    now = 2000; // nothing arrived for a second
    assert.match(t.snapshot().message, / · 5\.0 MiB\/s$/);
    now = 7000; // nothing for a whole window
    assert.doesNotMatch(t.snapshot().message, /\/s/);
  });

  it('shows files done without a percentage while totals are unknown', () => {
    const t = new TransferTracker('download', {}, () => 0);
    t.onProgress({ phase: 'downloading', subject: '/d/x.txt', bytesDone: 5, bytesTotal: 5 });
    const s = t.snapshot();
    assert.equal(s.percent, undefined);
    assert.match(s.message, /1 files done/);
  });

  it('throttles reports to one per interval and converts percentages to increments', () => {
    let now = 0;
    const t = new TransferTracker('upload', { files: 1, bytes: 100 }, () => now);
    const reports: ProgressReport[] = [];
    const p = new ThrottledProgress(t, (r) => reports.push(r), 250, () => now);
    t.fileStarted('/f', 100);
    for (let i = 1; i <= 100; i++) {
      now += 10; // an event every 10 ms
      t.onProgress({ phase: 'uploading', subject: '/f', bytesDone: i, bytesTotal: 100 });
      p.update();
    }
    p.flush();
    assert.ok(reports.length >= 4 && reports.length <= 6, `${reports.length} reports`);
    const total = reports.reduce((n, r) => n + (r.increment ?? 0), 0);
    assert.equal(total, 100);
    assert.ok(reports.every((r) => (r.increment ?? 0) >= 0));
  });

  it('after 10 000 files settle it holds entries only for the files in flight and the failed ones; the totals are right', () => {
    let now = 0;
    const N = 10_000;
    const t = new TransferTracker('upload', { files: N + 2, bytes: (N + 2) * 10 }, () => now);
    for (let i = 0; i < N; i++) {
      const f = `/w/f${i}`;
      t.fileStarted(f, 10);
      now += 1;
      t.onProgress({ phase: 'hashing', subject: f, bytesDone: 10, bytesTotal: 10 });
      t.onProgress({ phase: 'uploading', subject: f, bytesDone: 5, bytesTotal: 10 });
      t.onProgress({ phase: 'uploading', subject: f, bytesDone: 10, bytesTotal: 10 });
      t.fileFinished(f, i % 100 === 0 ? 'failed' : i % 10 === 0 ? 'flash' : i % 7 === 0 ? 'skipped' : 'done', 10);
    }
    t.fileStarted('/w/busy1', 10);
    t.onProgress({ phase: 'uploading', subject: '/w/busy1', bytesDone: 4, bytesTotal: 10 });
    t.fileStarted('/w/busy2', 10);
    const failed = N / 100;
    const flash = N / 10 - failed;
    let skipped = 0;
    for (let i = 0; i < N; i++) if (i % 10 !== 0 && i % 7 === 0) skipped++;
    assert.deepEqual(t.counts, { done: N - failed - flash - skipped, flash, failed, skipped });
    const held = t.held();
    assert.deepEqual(held.inFlight, ['/w/busy1', '/w/busy2']);
    assert.equal(held.failed.length, failed);
    assert.equal(held.failed[0], '/w/f0');
    assert.equal(held.entries, 2 + failed, 'one entry per file in flight or failed, none for the others');
    const s = t.snapshot();
    assert.match(s.message, /^Uploading busy2 · /);
    assert.match(s.message, new RegExp(`${N} of ${N + 2} files`));
    assert.equal(s.percent, percentOf(N * 10 + 4, (N + 2) * 10));
  });

  it('a download counts a file done when its last byte arrives, once, also when it settles later (or fails verification)', () => {
    const t = new TransferTracker('download', { files: 2, bytes: 20 });
    t.fileStarted('/d/a', 10);
    t.onProgress({ phase: 'downloading', subject: '/d/a', bytesDone: 10, bytesTotal: 10 });
    assert.deepEqual(t.counts, { done: 1, flash: 0, failed: 0, skipped: 0 });
    t.onProgress({ phase: 'verifying', subject: '/d/a', bytesDone: 10, bytesTotal: 10 });
    t.fileFinished('/d/a', 'done', 10);
    assert.deepEqual(t.counts, { done: 1, flash: 0, failed: 0, skipped: 0 });
    t.fileStarted('/d/b', 10);
    t.onProgress({ phase: 'downloading', subject: '/d/b', bytesDone: 10, bytesTotal: 10 });
    t.fileFinished('/d/b', 'failed', 10);
    assert.deepEqual(t.counts, { done: 1, flash: 0, failed: 1, skipped: 0 });
    assert.deepEqual(t.held(), { inFlight: [], failed: ['/d/b'], entries: 1 });
    assert.match(t.snapshot().message, /2 of 2 files/);
  });

  it('reaches the UI at most 4 times a second however many events come (fake clock)', () => {
    let now = 0;
    const t = new TransferTracker('upload', { files: 1, bytes: 10_000 }, () => now);
    const reports: ProgressReport[] = [];
    const p = new ThrottledProgress(t, (r) => reports.push(r), 250, () => now);
    t.fileStarted('/f', 10_000);
    for (let i = 1; i <= 10_000; i++) {
      if (i % 10 === 0) now += 1; // 10 000 events over one second
      p.onProgress({ phase: 'uploading', subject: '/f', bytesDone: i, bytesTotal: 10_000 });
    }
    assert.ok(reports.length <= 5, `${reports.length} reports in one second`); // at 0, 250, 500, 750, 1000 ms
    p.flush();
  });
});

function percentOf(done: number, total: number): number {
  return Math.floor((done / total) * 100);
}
