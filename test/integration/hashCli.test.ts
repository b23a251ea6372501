/**
 * `koodrive hash --json` as a process: the same digest and part states with
 * every implementation KOODRIVE_HASH_IMPL can force, and `"impl"` naming the
 * one that ran; a bad value is refused with a message naming the choices.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sha256 } from '../../src/core/hash/sha256';
import { CLI_PATH, MiB } from './helpers';

interface HashJson {
  length: number;
  sha256: string;
  impl: string;
  parts: Array<{ partNumber: number; partOffset: number; partSize: number; hashCtx: number[] }>;
}

describe('koodrive hash --json (CLI process)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let data: Buffer;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-hashcli-'));
    file = path.join(dir, 'f.bin');
    data = randomBytes(12 * MiB + 7);
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (impl: string) =>
    spawnSync(process.execPath, [CLI_PATH, 'hash', file, '--part-size', String(5 * MiB), '--json'], {
      env: { ...process.env, KOODRIVE_HASH_IMPL: impl },
      encoding: 'utf8',
    });

  const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
  for (const impl of [...(linuxX64 ? ['native'] : []), 'wasm', 'js', 'auto']) {
    it(`KOODRIVE_HASH_IMPL=${impl}: the right digest and part states, "impl" says which ran`, () => {
      const r = run(impl);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as HashJson;
      assert.equal(out.impl, impl === 'auto' ? (linuxX64 ? 'native' : 'wasm') : impl);
      assert.equal(out.sha256, createHash('sha256').update(data).digest('hex'));
      assert.equal(out.parts.length, 3);
      for (const p of out.parts.slice(1)) {
        assert.equal(Sha256.fromState(p.hashCtx, p.partOffset).update(data.subarray(p.partOffset)).digestHex(), out.sha256, `part ${p.partNumber}`);
      }
    });
  }

  it('an unknown KOODRIVE_HASH_IMPL is refused, naming the choices', () => {
    const r = run('fastest');
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /KOODRIVE_HASH_IMPL must be one of auto, native, wasm, js; got 'fastest'/);
  });
});
