/**
 * putFileRange over real loopback HTTP with a real file: the bytes the
 * server receives are exactly the requested range, on both send paths
 * (whole-part buffer up to WHOLE_PART_MAX, streaming above it), with reused
 * buffers shared by concurrent parts; progress adds up to the part size; a
 * file that became shorter is SourceChanged before anything is sent.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { KooDriveError } from '../../../src/core/errors';
import { putFileRange, WHOLE_PART_MAX } from '../../../src/core/bytes/storageHttp';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('bytes/storageHttp putFileRange (real HTTP, real file)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let data: Buffer;
  let server: http.Server;
  let url: string;
  let agent: Agent;
  /** sha256 and length of each body received, by request path. */
  const received = new Map<string, { sha: string; length: number; declared: number }>();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-storagehttp-'));
    file = path.join(dir, 'f.bin');
    data = randomBytes(WHOLE_PART_MAX * 3 + 12345);
    fs.writeFileSync(file, data);
    server = http.createServer((req, res) => {
      const h = createHash('sha256');
      let length = 0;
      req.on('data', (c: Buffer) => {
        h.update(c);
        length += c.length;
      });
      req.on('end', () => {
        received.set(req.url!, { sha: h.digest('hex'), length, declared: Number(req.headers['content-length']) });
        res.setHeader('etag', `"${req.url}"`);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent({ connections: 8 });
  });
  after(async () => {
    await agent.close();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = async (name: string, offset: number, size: number) => {
    let progress = 0;
    const r = await putFileRange({ dispatcher: agent, url: `${url}/${name}`, path: file, offset, size, onBytes: (n) => (progress += n) });
    return { etag: r.etag, progress, got: received.get(`/${name}`)! };
  };

  it('whole-part and streamed parts arrive byte for byte, concurrently, with progress adding up', async () => {
    // 8 parts at once: more than the buffer budget, so some stream while others use (reused) buffers.
    const ranges: Array<[number, number]> = [
      [0, WHOLE_PART_MAX], [WHOLE_PART_MAX, WHOLE_PART_MAX], [2 * WHOLE_PART_MAX, 5 * MiB + 3], [64, 1],
      [7, 4 * MiB + 1], [0, WHOLE_PART_MAX + 1], [WHOLE_PART_MAX - 64, 2 * WHOLE_PART_MAX], [3 * WHOLE_PART_MAX, 12345],
    ];
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(ranges.map(([off, size], i) => send(`r${round}-${i}`, off, size)));
      results.forEach((r, i) => {
        const [off, size] = ranges[i];
        assert.equal(r.got.length, size, `part ${i}: length`);
        assert.equal(r.got.declared, size, `part ${i}: content-length`);
        assert.equal(r.got.sha, sha(data.subarray(off, off + size)), `part ${i} (round ${round}): bytes`);
        assert.equal(r.progress, size, `part ${i}: progress`);
        assert.equal(r.etag, `"/r${round}-${i}"`);
      });
    }
  });

  it('an empty part sends an empty body', async () => {
    const r = await send('empty', 0, 0);
    assert.equal(r.got.length, 0);
    assert.equal(r.progress, 0);
  });

  it('a range past the end of the file is SourceChanged, on both paths', async () => {
    for (const size of [MiB, WHOLE_PART_MAX + MiB]) {
      const before = received.size;
      await assert.rejects(
        putFileRange({ dispatcher: agent, url: `${url}/short-${size}`, path: file, offset: data.length - 100, size }),
        (e: unknown) => {
          // Streamed, the short file shows as a failed send: it must still be told apart from a network failure.
          assert.ok(KooDriveError.is(e, 'SourceChanged'), `size ${size}: ${String(e)}`);
          assert.match((e as Error).message, /became shorter while it was being uploaded/);
          return true;
        },
      );
      if (size <= WHOLE_PART_MAX) assert.equal(received.size, before, 'nothing was sent for a whole-part read that came up short');
    }
  });

  it('a missing file is LocalIo', async () => {
    await assert.rejects(
      putFileRange({ dispatcher: agent, url: `${url}/missing`, path: path.join(dir, 'nope.bin'), offset: 0, size: 100 }),
      (e: unknown) => KooDriveError.is(e, 'LocalIo'),
    );
  });
});
