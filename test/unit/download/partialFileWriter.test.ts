/**
 * The temp-file writer on real files: every byte lands at the right offset
 * whatever the chunking (the queue is split into writev calls of at most
 * 1 MiB, also mid-queue), a resumed write starts at its position, and a
 * refused chunk stops it with nothing after it written.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { open } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { PartialFileWriter } from '../../../src/core/download/partialFileWriter';
import type { ResponseBody } from '../../../src/core/download/rangeRequest';

const MiB = 1024 * 1024;

describe('download/partialFileWriter', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-pfw-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Feeds `data` in chunks of the given sizes (cycled), then ends the body. */
  function bodyOf(data: Buffer, sizes: number[]): ResponseBody {
    const body = new PassThrough();
    let at = 0;
    let i = 0;
    const pump = (): void => {
      while (at < data.length) {
        const n = Math.min(sizes[i++ % sizes.length], data.length - at);
        const more = body.write(data.subarray(at, at + n));
        at += n;
        if (!more) return void body.once('drain', pump);
      }
      body.end();
    };
    setImmediate(pump);
    return body as unknown as ResponseBody;
  }

  async function write(file: string, from: number, data: Buffer, sizes: number[], durable: boolean): Promise<number> {
    const fh = await open(file, from > 0 ? 'r+' : 'w');
    let accepted = 0;
    try {
      const w = new PartialFileWriter(fh, from, durable, (chunk) => ((accepted += chunk.length), true));
      await w.consume(bodyOf(data, sizes));
      await w.flush();
    } finally {
      await fh.close();
    }
    return accepted;
  }

  for (const [name, sizes] of [
    ['64 KiB chunks (what a socket delivers)', [64 * 1024]],
    ['odd sizes around the 1 MiB writev limit', [1, 1000, MiB - 1, MiB + 1, 3 * MiB + 17, 64 * 1024 - 3]],
  ] as const) {
    it(`writes every byte in order: ${name}`, async () => {
      const data = randomBytes(13 * MiB + 5);
      const file = path.join(dir, 'f.part');
      assert.equal(await write(file, 0, data, [...sizes], true), data.length);
      assert.ok(fs.readFileSync(file).equals(data));
    });
  }

  it('a resumed write continues at its position and keeps the prefix', async () => {
    const data = randomBytes(5 * MiB + 3);
    const file = path.join(dir, 'f.part');
    const split = 2 * MiB + 11;
    fs.writeFileSync(file, data.subarray(0, split));
    await write(file, split, data.subarray(split), [300 * 1024], false);
    assert.ok(fs.readFileSync(file).equals(data));
  });

  it('a refused chunk fails the write and nothing from it on is written', async () => {
    const data = randomBytes(4 * MiB);
    const file = path.join(dir, 'f.part');
    const fh = await open(file, 'w');
    let seen = 0;
    try {
      const w = new PartialFileWriter(fh, 0, false, (chunk) => {
        if (seen + chunk.length > 3 * MiB) return false;
        seen += chunk.length;
        return true;
      });
      await assert.rejects(w.consume(bodyOf(data, [256 * 1024])), /more than expected/);
      await w.settled();
    } finally {
      await fh.close();
    }
    const onDisk = fs.readFileSync(file);
    assert.ok(onDisk.length <= 3 * MiB, `${onDisk.length} bytes written`);
    assert.ok(onDisk.equals(data.subarray(0, onDisk.length)));
  });
});
