/**
 * The bad-input catalogue, unit level: every input the client must refuse
 * (or make safe) before it could reach the service or the disk, with the
 * message the user sees. Integration counterparts (the CLI and engines
 * against the sandbox, "no mutating request") are in
 * test/integration/faults/badInputs.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { ApiTransport } from '../../src/core/api/httpTransport';
import { readLimited } from '../../src/core/api/httpTransport';
import { KooDriveClient } from '../../src/core/api/koodriveClient';
import { normalizeEndpoint } from '../../src/core/endpoint';
import { KooDriveError } from '../../src/core/errors';
import { checkRemoteName, remoteNameProblem } from '../../src/core/remoteNames';
import { resolveInside, toLocalName } from '../../src/core/bytes/localNames';
import { checkFileSize, checkPartSize, MAX_FILE_SIZE, MAX_PARTS, MIN_PART_SIZE, planParts } from '../../src/core/upload/partPlan';

const MiB = 1024 * 1024;

/** Asserts `fn` throws InvalidInput (or `code`) with a message matching `re`. */
function refuses(fn: () => unknown, re: RegExp, code: KooDriveError['code'] = 'InvalidInput'): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(KooDriveError.is(e, code), `expected ${code}, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

describe('bad inputs (unit): refused with a clear message before any request', () => {
  describe('names KooDrive refuses (§7), checked before an upload starts', () => {
    for (const c of ['<', '>', '|', ':', '"', '*', '?', '/', '\\']) {
      it(`a name containing ${c}`, () => {
        refuses(() => checkRemoteName(`report${c}2024.txt`, `/home/u/report${c}2024.txt`), new RegExp(`cannot contain '${c.replace(/[|*?\\]/g, '\\$&')}'`));
      });
    }
    it('"." and ".."', () => {
      refuses(() => checkRemoteName('.'), /"\." is not allowed as a name/);
      refuses(() => checkRemoteName('..'), /"\.\." is not allowed as a name/);
    });
    it('an empty or blank name', () => {
      refuses(() => checkRemoteName(''), /the name is empty/);
      refuses(() => checkRemoteName('   '), /the name is empty/);
    });
    it('251 characters (250 is the limit, counted in characters, not bytes)', () => {
      refuses(() => checkRemoteName('x'.repeat(251)), /251 characters; KooDrive allows 250/);
      assert.equal(remoteNameProblem('x'.repeat(250)), undefined);
      assert.equal(remoteNameProblem('日'.repeat(250)), undefined, '750 bytes of UTF-8 are still 250 characters');
    });
    it('control characters (newline, tab)', () => {
      refuses(() => checkRemoteName('two\nlines.txt'), /control characters/);
    });
    it('the message names the local file and says what to do', () => {
      refuses(() => checkRemoteName('a:b.txt', '/home/u/a:b.txt'), /^Cannot upload as "a:b\.txt" \(\/home\/u\/a:b\.txt\): KooDrive names cannot contain ':'.*Rename it and try again\.$/);
    });
  });

  describe('sizes and part plans', () => {
    it('a file over 200 GB', () => {
      refuses(() => checkFileSize(MAX_FILE_SIZE + 1, '/data/huge.img'), /\/data\/huge\.img is 200000000001 bytes; KooDrive accepts files up to 200 GB/);
      assert.equal(planParts(MAX_FILE_SIZE).parts.length <= MAX_PARTS, true, 'exactly 200 GB is planned');
    });
    it('an explicit part size that needs more than 10 000 parts', () => {
      refuses(() => planParts(MAX_PARTS * MIN_PART_SIZE + 1, MIN_PART_SIZE), /would need 10001 parts; KooDrive allows 10000\. Use at least \d+ bytes/);
    });
    it('without an explicit part size, the part size grows instead', () => {
      const plan = planParts(MAX_PARTS * MIN_PART_SIZE * 3);
      assert.ok(plan.parts.length <= MAX_PARTS && plan.partSize % 64 === 0);
    });
    it('a part size that is not a multiple of 64', () => {
      refuses(() => checkPartSize(5 * MiB + 1), /multiple of 64 bytes.*try 5242944/);
    });
    it('a part size below 5 MiB (or above 5 GiB)', () => {
      refuses(() => checkPartSize(5 * MiB - 64), /between 5 MiB .* and 5 GiB/);
      refuses(() => checkPartSize(5 * 1024 * MiB + 64), /between 5 MiB .* and 5 GiB/);
    });
    it('an empty file is one empty part (not an error)', () => {
      assert.deepEqual(planParts(0).parts, [{ partNumber: 1, partOffset: 0, partSize: 0 }]);
    });
  });

  describe('names supplied by the server, made safe before they touch the disk', () => {
    const cases: Array<[string, string]> = [
      ['../../etc/passwd', '.._.._etc_passwd'],
      ['/etc/passwd', '_etc_passwd'],
      ['C:\\Windows\\evil.dll', 'C__Windows_evil.dll'],
      ['nul\u0000byte.txt', 'nul_byte.txt'],
      ['CON', 'CON_'],
      ['nul.txt', 'nul_.txt'],
      ['LPT1.log', 'LPT1_.log'],
      ['trailing. . ', 'trailing'],
    ];
    for (const [remote, local] of cases) {
      it(`${JSON.stringify(remote)} → ${JSON.stringify(local)}`, () => assert.equal(toLocalName(remote), local));
    }
    it('"", "." and ".." cannot be made safe: refused', () => {
      for (const bad of ['', '.', '..', ' . ']) refuses(() => toLocalName(bad), /Unsafe name/);
    });
    it('a path that would leave the target folder is refused (defence in depth)', () => {
      refuses(() => resolveInside('/tmp/target', ['..', 'outside']), /Refusing to write outside/);
      assert.equal(resolveInside('/tmp/target', ['a', 'b']), path.resolve('/tmp/target/a/b'));
    });
  });

  describe('endpoints', () => {
    it('plain http to a host that is not loopback (the token would travel in clear)', () => {
      refuses(() => normalizeEndpoint('http://drive.example.com'), /Refusing plain http to drive\.example\.com/);
      refuses(() => normalizeEndpoint('http://localhost.example.com'), /Refusing plain http/);
      refuses(() => normalizeEndpoint('http://127.0.0.1.nip.io:8080'), /Refusing plain http/);
      assert.equal(normalizeEndpoint('http://127.0.0.1:8080'), 'http://127.0.0.1:8080', 'the local sandbox');
    });
    it('other schemes and credentials in the URL', () => {
      refuses(() => normalizeEndpoint('ftp://drive.example.com'), /must use https/);
      refuses(() => normalizeEndpoint('https://user:pw@drive.example.com'), /must not contain credentials/);
    });
  });

  describe('requests the API does not allow', () => {
    const noRequest = new KooDriveClient({
      call: () => {
        throw new Error('no request may be sent');
      },
    } as unknown as ApiTransport);
    it('more than 100 ids in one files/download call (and none)', async () => {
      const space = { containerId: 'c' };
      await assert.rejects(noRequest.getDownloadLinks(space, Array.from({ length: 101 }, (_, i) => `f${i}`)), /A download batch takes 1 to 100 file ids \(got 101\)/);
      await assert.rejects(noRequest.getDownloadLinks(space, []), /got 0/);
    });
    it('a page size over 100', async () => {
      await assert.rejects(noRequest.listFiles({ containerId: 'c' }, 'root', { pageSize: 101 }), /pageSize must be between 1 and 100/);
    });
  });

  describe('oversized responses', () => {
    it('a JSON answer larger than the limit is refused without being kept in memory', async () => {
      let produced = 0;
      const body = new Readable({
        read() {
          produced += MiB;
          this.push(produced > 64 * MiB ? null : Buffer.alloc(MiB, 0x20));
        },
      });
      await assert.rejects(readLimited(body as never, 16 * MiB), (e: unknown) => KooDriveError.is(e, 'BadResponse') && /larger than 16 MiB/.test(e.message));
      assert.ok(produced < 24 * MiB, `stopped reading early (${produced / MiB} MiB read)`);
    });
  });
});
