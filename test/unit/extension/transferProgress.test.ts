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
});
