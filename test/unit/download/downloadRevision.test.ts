/** One version of a file into a local path: URL from getRevision, verified bytes, temp file moved into place. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import type { Revision, SpaceRef } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import { downloadRevision } from '../../../src/core/download/downloadRevision';

const space: SpaceRef = { containerId: 'C1' };
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('downloadRevision', () => {
  const body = Buffer.from('version one\n'.repeat(1000));
  let server: http.Server;
  let base = '';
  let gets = 0;
  let expireFirst = false;
  let dir: string;
  const dispatcher = new Agent();

  before(async () => {
    server = http.createServer((req, res) => {
      gets++;
      if (expireFirst && req.url?.includes('old')) {
        res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
        return;
      }
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await dispatcher.close();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-rev-'));
    gets = 0;
    expireFirst = false;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function client(answers: Array<Partial<Revision> & { url?: string }>) {
    const calls: string[] = [];
    return {
      calls,
      getRevision: async (_s: SpaceRef, fileId: string, revisionId: string) => {
        calls.push(`${fileId}/${revisionId}`);
        const a = answers[Math.min(calls.length - 1, answers.length - 1)];
        return { revisionId, version: 1, isLatest: false, keepForever: false, reason: 'created' as const, ...a };
      },
    };
  }

  it('downloads and verifies a version, then moves it into place', async () => {
    const c = client([{ url: `${base}/v1`, size: body.length, sha256: sha(body) }]);
    const dest = path.join(dir, 'notes.txt');
    const events: number[] = [];
    const r = await downloadRevision({ client: c, dispatcher }, space, 'F1', { revisionId: 'R1', version: 1 }, dest, { onProgress: (e) => events.push(e.bytesDone) });
    assert.equal(r.sha256, sha(body));
    assert.ok(fs.readFileSync(dest).equals(body));
    assert.ok(!fs.existsSync(`${dest}.koodrive-partial`));
    assert.deepEqual(c.calls, ['F1/R1'], 'one getRevision call');
    assert.equal(events.at(-1), body.length);
  });

  it('asks for a fresh link when the first one has expired', async () => {
    expireFirst = true;
    const c = client([{ url: `${base}/old`, size: body.length }, { url: `${base}/new`, size: body.length }]);
    const dest = path.join(dir, 'a.txt');
    await downloadRevision({ client: c, dispatcher, retry: { baseDelayMs: 1, maxDelayMs: 5 } }, space, 'F1', { revisionId: 'R1', version: 1 }, dest);
    assert.ok(fs.readFileSync(dest).equals(body));
    assert.equal(c.calls.length, 2);
  });

  it('rejects bytes that do not match the version\'s SHA-256 and leaves nothing under the name', async () => {
    const c = client([{ url: `${base}/v1`, size: body.length }]);
    const dest = path.join(dir, 'b.txt');
    await assert.rejects(
      downloadRevision({ client: c, dispatcher, retry: { maxAttempts: 1 } }, space, 'F1', { revisionId: 'R1', version: 1, sha256: 'ab'.repeat(32) }, dest),
      (e: unknown) => KooDriveError.is(e, 'IntegrityFailed'),
    );
    assert.ok(!fs.existsSync(dest));
  });

  it('needs a size, from the list or from getRevision', async () => {
    const c = client([{ url: `${base}/v1` }]);
    await assert.rejects(
      downloadRevision({ client: c, dispatcher }, space, 'F1', { revisionId: 'R1', version: 1 }, path.join(dir, 'c.txt')),
      (e: unknown) => KooDriveError.is(e, 'BadResponse'),
    );
    assert.equal(gets, 0);
  });
});
