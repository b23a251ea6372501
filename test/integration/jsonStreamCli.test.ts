/**
 * `koodrive upload --json` and `download --json` write their array as files
 * settle (JsonArrayWriter): the document must keep the shape it had when it
 * was built at the end. The golden shapes in testData/cliJsonShapes.json were
 * recorded from that earlier build (KD_WRITE_GOLDEN=1 KOODRIVE_TEST_CLI=<old dist/cli.js>).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCliContext } from '../../src/cli/context';
import * as uploadCommand from '../../src/cli/commands/upload';
import { CLI_PATH, requireBuiltCli, startWorld, World } from './helpers';

const CLI = process.env.KOODRIVE_TEST_CLI ?? CLI_PATH;
const GOLDEN = path.resolve(__dirname, '../../../test/integration/testData/cliJsonShapes.json');
const FILES = 300;

interface Run { code: number | null; stdout: string; stderr: string }

function cli(w: World, args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, KOODRIVE_ENDPOINT: w.sandbox.url, KOODRIVE_TOKEN: w.sandbox.token,
      KOODRIVE_USER_ID: w.sandbox.userId, KOODRIVE_STATE_DIR: path.join(w.tmp, 'cli-state'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Per status, every distinct list of `key:type` in field order. */
function shapes(doc: unknown): Record<string, string[]> {
  assert.ok(Array.isArray(doc), 'one JSON array');
  const by: Record<string, Set<string>> = {};
  const describe = (v: unknown): string => {
    if (v === null) return 'null';
    if (typeof v === 'object' && !Array.isArray(v)) return `{${Object.entries(v as object).map(([k, x]) => `${k}:${describe(x)}`).join(',')}}`;
    return typeof v;
  };
  for (const e of doc as Array<Record<string, unknown>>) (by[String(e.status)] ??= new Set()).add(describe(e));
  return Object.fromEntries(Object.entries(by).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, s]) => [k, [...s].sort()]));
}

describe('koodrive upload/download --json: one streamed array, same shape as before', function () {
  this.timeout(300_000);
  let w: World;
  let src: string;
  const found: Record<string, Record<string, string[]>> = {};

  before(async function () {
    requireBuiltCli(CLI); // a missing build is an error, not a pending test
    w = await startWorld({ seed: false });
    src = path.join(w.tmp, 'many');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(src, i % 3 ? `f${i}.txt` : `sub/f${i}.txt`), `file ${i} ${'x'.repeat(i)}`);
    fs.writeFileSync(path.join(src, 'bad\tname.txt'), 'a name KooDrive refuses');
    fs.symlinkSync(path.join(src, 'f1.txt'), path.join(src, 'link.txt'));
  });
  after(async () => {
    if (!w) return;
    if (process.env.KD_WRITE_GOLDEN) fs.writeFileSync(GOLDEN, `${JSON.stringify(found, null, 2)}\n`);
    await w.close();
  });

  const check = (name: string, r: Run): unknown[] => {
    const doc = JSON.parse(r.stdout) as unknown[];
    found[name] = shapes(doc);
    if (!process.env.KD_WRITE_GOLDEN) {
      const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(found[name], golden[name], `${name}: the shape of today's document`);
    }
    return doc;
  };

  it('upload: every file once (uploaded, failed, not-uploaded), then again as skipped', async () => {
    const first = await cli(w, ['upload', src, '--container', w.personal.containerId, '--json']);
    assert.equal(first.code, 1, first.stderr);
    const doc = check('upload', first) as Array<{ status: string; localPath: string }>;
    assert.equal(doc.length, FILES + 2);
    assert.equal(new Set(doc.map((e) => e.localPath)).size, FILES + 2, 'each file once');
    assert.equal(doc.filter((e) => e.status === 'uploaded').length, FILES);
    const again = await cli(w, ['upload', src, '--container', w.personal.containerId, '--conflict', 'skip-same', '--json']);
    const doc2 = check('uploadAgain', again) as Array<{ status: string }>;
    assert.equal(doc2.filter((e) => e.status === 'skipped').length, FILES);
  });

  it('download: downloaded, then failed (conflicts, a missing id), then skipped', async () => {
    const to = path.join(w.tmp, 'down');
    const first = await cli(w, ['download', `${w.personal.containerId}:/many`, '--to', to, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const doc = check('download', first) as Array<{ status: string; localPath: string }>;
    assert.equal(doc.length, FILES);
    assert.equal(new Set(doc.map((e) => e.localPath)).size, FILES, 'each file once');
    const conflicts = await cli(w, ['download', `${w.personal.containerId}:/many`, 'no-such-id', '--container', w.personal.containerId, '--to', to, '--json']);
    assert.equal(conflicts.code, 1, conflicts.stderr);
    assert.equal((check('downloadConflicts', conflicts) as Array<{ status: string }>).filter((e) => e.status === 'failed').length, FILES + 1);
    const skip = await cli(w, ['download', `${w.personal.containerId}:/many`, '--to', to, '--conflict', 'skip', '--json']);
    assert.equal(skip.code, 0, skip.stderr);
    assert.equal((check('downloadSkip', skip) as Array<{ status: string }>).filter((e) => e.status === 'skipped').length, FILES);
  });

  it('upload --json writes each entry as its own piece while the run goes, not one document at the end', async () => {
    const flags = { json: true, verbose: false, endpoint: w.sandbox.url, token: w.sandbox.token, userId: w.sandbox.userId };
    const ctx = createCliContext(flags, new AbortController().signal);
    const pieces: string[] = [];
    ctx.out = (t) => void pieces.push(t);
    ctx.write = (t) => void pieces.push(t);
    const prev = process.env.KOODRIVE_STATE_DIR;
    process.env.KOODRIVE_STATE_DIR = path.join(w.tmp, 'cli-state-inproc');
    try {
      await uploadCommand.run(ctx, [path.join(src, 'sub'), '--container', w.personal.containerId]);
    } finally {
      if (prev === undefined) delete process.env.KOODRIVE_STATE_DIR;
      else process.env.KOODRIVE_STATE_DIR = prev;
      await ctx.dispose();
    }
    const files = fs.readdirSync(path.join(src, 'sub')).length;
    assert.equal(pieces.length, files + 1, 'one piece per file, then the closing bracket');
    assert.deepEqual(JSON.parse(pieces.join('')).length, files);
  });
});
