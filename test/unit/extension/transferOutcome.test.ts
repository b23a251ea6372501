import * as assert from 'node:assert/strict';
import type { DownloadFileResult } from '../../../src/core/download/downloadTally';
import type { UploadResult } from '../../../src/core/upload/uploadFile';
import { KooDriveError } from '../../../src/core/errors';
import type { Services } from '../../../src/extension/services';
import { newDownloadOutcome, noteDownloaded, reportDownload } from '../../../src/extension/transfers/runDownload';
import { newUploadOutcome, noteUploaded, reportUpload } from '../../../src/extension/transfers/runUpload';

const N = 10_000;

function fakeServices(messages: string[]): Services {
  return {
    notifier: {
      info: async (m: string) => void messages.push(m),
      warn: async (m: string) => {
        messages.push(m);
        return undefined;
      },
    },
    host: { showLog: () => undefined, executeCommand: async () => undefined },
  } as unknown as Services;
}

describe('a transfer run\'s outcome: counts and failures, nothing per settled file', () => {
  it('download: after 10 000 files it holds the failed ones and the first downloaded; the summary counts all', async () => {
    const o = newDownloadOutcome();
    for (let i = 0; i < N; i++) {
      const failed = i % 100 === 99;
      const r: DownloadFileResult = failed
        ? { fileId: `f${i}`, remotePath: `/r/f${i}`, size: 1, status: 'failed', error: new KooDriveError('ApiError', 'boom') }
        : { fileId: `f${i}`, remotePath: `/r/f${i}`, localPath: `/t/f${i}`, size: 1, status: i % 10 === 1 ? 'skipped' : 'downloaded' };
      noteDownloaded(o, r);
    }
    assert.equal(o.total, N);
    assert.equal(o.failed, N / 100);
    assert.equal(o.skipped, N / 10 - 0);
    assert.equal(o.downloaded, N - N / 100 - N / 10);
    assert.equal(o.failures.length, N / 100, 'only the failed files are kept');
    assert.equal(o.firstDownloaded?.fileId, 'f0');
    assert.ok(!Object.values(o).some((v) => Array.isArray(v) && v !== o.failures), 'no other list');
    const messages: string[] = [];
    await reportDownload(fakeServices(messages), '/t', o);
    assert.deepEqual(messages, [`Downloaded ${o.downloaded} of ${N} files to /t; ${N / 100} failed. ${N / 10} skipped (already there).`]);
  });

  it('upload: after 10 000 files it holds no result but the first; counts of flash and identical files', async () => {
    const o = newUploadOutcome();
    for (let i = 0; i < N; i++) {
      noteUploaded(o, { localPath: `/w/f${i}`, fileId: `id${i}`, fileName: `f${i}`, size: 1, sha256: 'x', rapidUpload: i % 4 === 1, skipped: i % 4 === 2, resumed: false } as UploadResult);
    }
    o.files = N;
    assert.equal(o.uploaded, N);
    assert.equal(o.flash, N / 4);
    assert.equal(o.same, N / 4);
    assert.equal(o.first?.fileId, 'id0');
    assert.ok(!Object.values(o).some((v) => Array.isArray(v) && v !== o.failed), 'no list of results');
    const messages: string[] = [];
    await reportUpload(fakeServices(messages), { paths: ['/w'], destination: { path: '/KooDrive/x' } } as never, o);
    assert.equal(messages.length, 1);
    assert.match(messages[0], new RegExp(`^Uploaded ${N} files to /KooDrive/x\\. \\(${N / 4} by flash upload .*; ${N / 4} already there \\(identical\\)\\)$`));
  });

  it('one file: the messages still name it', async () => {
    const d = newDownloadOutcome();
    noteDownloaded(d, { fileId: 'a', remotePath: '/r/a.txt', localPath: '/t/a.txt', size: 1, status: 'downloaded' });
    const u = newUploadOutcome();
    noteUploaded(u, { localPath: '/w/b.txt', fileId: 'b', fileName: 'b.txt', size: 1, sha256: 'x', rapidUpload: false, skipped: false, resumed: false } as UploadResult);
    u.files = 1;
    const messages: string[] = [];
    await reportDownload(fakeServices(messages), '/t', d);
    await reportUpload(fakeServices(messages), { paths: ['/w/b.txt'], destination: { path: '/KooDrive' } } as never, u);
    assert.deepEqual(messages, ['Downloaded a.txt to /t.', 'Uploaded b.txt to /KooDrive.']);
  });
});
