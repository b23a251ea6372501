/**
 * One unit convention (src/core/format.ts): sizes are binary and labelled
 * with IEC units, by the single formatBytes the CLI and the extension share.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../../src/core/format';

const REPO = path.resolve(__dirname, '../../..');

describe('formatBytes: binary sizes with IEC labels', () => {
  it('labels binary multiples KiB, MiB, GiB, TiB', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(52_428_800), '50 MiB'); // the example: not "50 MB"
    assert.equal(formatBytes(16 * 1024 ** 2), '16 MiB');
    assert.equal(formatBytes(1024 ** 3), '1.0 GiB');
    assert.equal(formatBytes(1.5 * 1024 ** 4), '1.5 TiB');
  });

  it('never shows 1024 of a unit: it rounds up to the next one', () => {
    assert.equal(formatBytes(1024 * 1024 - 1), '1.0 MiB');
    assert.equal(formatBytes(1024 ** 3 - 1), '1.0 GiB');
    assert.equal(formatBytes(1023.7 * 1024), '1.0 MiB');
  });

  it('handles what a progress display can hand it: NaN, Infinity, negatives', () => {
    assert.equal(formatBytes(Number.NaN), '0 B');
    assert.equal(formatBytes(-5), '0 B');
    assert.equal(formatBytes(Number.POSITIVE_INFINITY), '0 B');
  });

  it('no other size formatter: no decimal-looking size labels in the CLI, the extension or the manifest strings', () => {
    const offenders: string[] = [];
    const scan = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) scan(p);
        else if (/\.(ts|json)$/.test(e.name)) {
          fs.readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            // What users see is code, not comments (those may quote measured MB/s).
            const code = /^\s*(\*|\/\*|\/\/)/.test(line) ? '' : line.replace(/\/\/.*$/, '');
            // "200 GB" is the documented decimal file-size limit (200·10⁹ bytes), not a binary size.
            if (/\b(KB|MB|GB|TB)\b/.test(code.replace(/200 GB/g, ''))) offenders.push(`${path.relative(REPO, p)}:${i + 1}: ${line.trim()}`);
          });
        }
      }
    };
    for (const d of ['src/cli', 'src/extension', 'src/core']) scan(path.join(REPO, d));
    for (const f of fs.readdirSync(REPO).filter((n) => /^package\.nls.*\.json$/.test(n))) {
      fs.readFileSync(path.join(REPO, f), 'utf8').split('\n').forEach((line, i) => {
        if (/\b(KB|MB|GB|TB)\b/.test(line.replace(/200 GB/g, ''))) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, []);
  });
});
