import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cancelledError } from '../../../src/core/cancellation';
import { KooDriveError } from '../../../src/core/errors';
import { TransferJournal } from '../../../src/core/queue/transferJournal';
import type { RunContext } from '../../../src/core/queue/runContext';
import { TransferQueue } from '../../../src/core/queue/transferQueue';
import type { TransferRun } from '../../../src/core/queue/transferRun';

/**
 * A fake engine: each file of `request.files` takes a slot and waits until
 * the test lets it finish (or the run's signal aborts it). Files named in
 * `failing` fail once with a mapped error; `sessionLost` makes the run fail
 * as a whole.
 */
class FakeEngine {
  readonly gates = new Map<string, () => void>();
  readonly inFlight = new Set<string>();
  peak = 0;
  readonly startedOrder: string[] = [];
  /** ctx.again of every start of a run, in order. */
  readonly again: boolean[] = [];
  failing = new Set<string>();
  sessionLost = false;

  executor = async (ctx: RunContext): Promise<void> => {
    this.again.push(ctx.again);
    if (this.sessionLost) throw new KooDriveError('AuthRequired', 'Sign in again');
    const files = (ctx.run.request as { files: string[] }).files;
    ctx.setTotals({ files: files.length, bytes: files.length * 10 });
    await Promise.all(files.filter((f) => !ctx.isSettled(f) && (!ctx.only || ctx.only.has(f))).map(async (f) => {
      const release = await ctx.acquireSlot();
      try {
        ctx.fileStarted(f, `/local/${f}`, 10);
        this.inFlight.add(f);
        this.peak = Math.max(this.peak, this.inFlight.size);
        this.startedOrder.push(f);
        await new Promise<void>((resolve, reject) => {
          this.gates.set(f, resolve);
          ctx.signal.addEventListener('abort', () => reject(cancelledError(ctx.signal)), { once: true });
        }).finally(() => this.inFlight.delete(f));
        ctx.fileProgress(f, 10, 'uploading');
        if (this.failing.delete(f)) ctx.fileSettled(f, { ok: false, path: `/local/${f}`, code: 'ServerError', message: `part 1 of ${f}: 500` }, f);
        else ctx.fileSettled(f, { ok: true, bytes: 10 }, f);
      } finally {
        release();
      }
    }));
  };

  async finish(name: string): Promise<void> {
    await until(() => this.gates.has(name));
    const g = this.gates.get(name)!;
    this.gates.delete(name);
    g();
  }
}

async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('TransferQueue (the Transfers view\'s state machine)', () => {
  let dir: string;
  let engine: FakeEngine;
  let discarded: string[];
  let queues: TransferQueue[];
  const make = (maxFiles = 4): TransferQueue => remember(new TransferQueue({
    maxFiles: () => maxFiles,
    executors: { upload: engine.executor, download: engine.executor },
    discard: async (run) => {
      discarded.push(run.id);
    },
    journal: new TransferJournal(path.join(dir, 'transfers.json')),
  }));
  const remember = (q: TransferQueue): TransferQueue => {
    queues.push(q);
    return q;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kd-queue-'));
    engine = new FakeEngine();
    discarded = [];
    queues = [];
  });
  afterEach(async () => {
    for (const q of queues) await q.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('queued → running → done, with counts and bytes rolled up', async () => {
    const q = make();
    const run = q.add('upload', 'docs', { files: ['a', 'b'] });
    assert.equal(run.state, 'queued');
    await until(() => q.get(run.id)!.state === 'running', 'running');
    assert.equal(q.get(run.id)!.active.length, 2);
    await engine.finish('a');
    await engine.finish('b');
    const end = await q.settled(run.id);
    assert.equal(end!.state, 'done');
    assert.deepEqual(end!.done, { files: 2, bytes: 20, noTransfer: 0 });
    assert.deepEqual(end!.totals, { files: 2, bytes: 20 });
    assert.equal(end!.active.length, 0);
  });

  it('never has more than maxFiles files in flight across runs, and a later run waits behind an earlier one', async () => {
    const q = make(2);
    const first = q.add('upload', 'one', { files: ['1a', '1b', '1c'] });
    const second = q.add('upload', 'two', { files: ['2a', '2b'] });
    await until(() => engine.inFlight.size === 2);
    assert.deepEqual(engine.startedOrder, ['1a', '1b']);
    assert.equal(q.get(second.id)!.state, 'queued');
    await engine.finish('1a');
    await until(() => engine.startedOrder.length === 3);
    assert.equal(engine.startedOrder[2], '1c', 'the freed slot goes to the earlier run');
    for (const f of ['1b', '1c', '2a', '2b']) await engine.finish(f);
    assert.equal((await q.settled(first.id))!.state, 'done');
    assert.equal((await q.settled(second.id))!.state, 'done');
    assert.equal(engine.peak, 2);
  });

  it('pause aborts the files in flight and keeps what was settled; resume runs only the rest', async () => {
    const q = make();
    const run = q.add('upload', 'docs', { files: ['a', 'b', 'c'] });
    await engine.finish('a');
    await until(() => q.get(run.id)!.done.files === 1);
    await q.pause(run.id);
    assert.equal(q.get(run.id)!.state, 'paused');
    assert.equal(engine.inFlight.size, 0, 'nothing in flight after a pause');
    engine.startedOrder.length = 0;
    await q.resume(run.id);
    await until(() => engine.startedOrder.length === 2);
    assert.deepEqual([...engine.startedOrder].sort(), ['b', 'c']);
    await engine.finish('b');
    await engine.finish('c');
    const end = await q.settled(run.id);
    assert.equal(end!.state, 'done');
    assert.equal(end!.done.files, 3);
    assert.deepEqual(engine.again, [false, true], 'a first start uploads as asked; Resume recognises files finished unrecorded');
  });

  it('a failed file makes the run failed with the reason; Retry runs only the failed files', async () => {
    const q = make();
    engine.failing.add('b');
    const run = q.add('upload', 'docs', { files: ['a', 'b'] });
    await engine.finish('a');
    await engine.finish('b');
    const failed = await q.settled(run.id);
    assert.equal(failed!.state, 'failed');
    assert.deepEqual(failed!.failed.map((f) => [f.key, f.code, f.message]), [['b', 'ServerError', 'part 1 of b: 500']]);
    engine.startedOrder.length = 0;
    await q.retry(run.id);
    await engine.finish('b');
    const end = await q.settled(run.id);
    assert.deepEqual(engine.startedOrder, ['b']);
    assert.equal(end!.state, 'done');
    assert.deepEqual(end!.failed, []);
    assert.equal(end!.done.files, 2);
  });

  it('a run that fails as a whole (session lost) keeps its error; Retry starts it again', async () => {
    const q = make();
    engine.sessionLost = true;
    const run = q.add('upload', 'docs', { files: ['a'] });
    const failed = await q.settled(run.id);
    assert.equal(failed!.state, 'failed');
    assert.deepEqual(failed!.error, { code: 'AuthRequired', message: 'Sign in again' });
    engine.sessionLost = false;
    await q.retry(run.id);
    await engine.finish('a');
    assert.equal((await q.settled(run.id))!.state, 'done');
  });

  it('cancel from running, paused or failed discards the resume state; done stays done', async () => {
    const q = make();
    const running = q.add('upload', 'r', { files: ['r1'] });
    await until(() => engine.inFlight.has('r1'));
    await q.cancel(running.id);
    assert.equal(q.get(running.id)!.state, 'cancelled');
    assert.equal(engine.inFlight.size, 0);
    const paused = q.add('upload', 'p', { files: ['p1'] });
    await until(() => engine.inFlight.has('p1'));
    await q.pause(paused.id);
    await q.cancel(paused.id);
    assert.deepEqual(discarded, [running.id, paused.id]);
    const done = q.add('upload', 'd', { files: ['d1'] });
    await engine.finish('d1');
    await q.settled(done.id);
    await q.cancel(done.id);
    assert.equal(q.get(done.id)!.state, 'done');
    assert.equal(discarded.length, 2);
  });

  it('pause all / resume all / clear finished', async () => {
    const q = make(1);
    const a = q.add('upload', 'a', { files: ['a1'] });
    const b = q.add('download', 'b', { files: ['b1'] });
    await until(() => engine.inFlight.has('a1'));
    await q.pauseAll();
    assert.deepEqual(q.list().map((r) => r.state), ['paused', 'paused']);
    await q.resumeAll();
    await engine.finish('a1');
    await engine.finish('b1');
    await q.settled(a.id);
    await q.settled(b.id);
    const c = q.add('upload', 'c', { files: ['c1'] });
    await until(() => engine.inFlight.has('c1'));
    await q.cancel(c.id);
    assert.equal(q.clearFinished(), 3);
    assert.deepEqual(q.list(), []);
  });

  it('persistence round trip: a window killed (SIGKILL) mid-run leaves a journal with its runs; after a reload they come back paused with their progress, and resume', async () => {
    // The window is a process of its own (real queue, real journal), killed without any shutdown: only the journal remains.
    const journalFile = path.join(dir, 'transfers.json');
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'queueChild.js'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const onDisk = async (): Promise<TransferRun[] | undefined> => {
      const text = await readFile(journalFile, 'utf8').catch(() => undefined);
      return text ? (JSON.parse(text) as { runs: TransferRun[] }).runs : undefined;
    };
    // a1's settling is no state change: it reaches the journal by the scheduled save alone.
    let saved: TransferRun[] | undefined;
    try {
      for (const end = Date.now() + 20_000; !(saved = await onDisk())?.some((r) => r.name === 'a' && r.done.files === 1);) {
        if (Date.now() > end) throw new Error(`the journal never recorded a1 as settled: ${JSON.stringify(saved)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    saved = (await onDisk())!;
    assert.deepEqual(saved.map((r) => [r.name, r.state, r.done.files, r.settledKeys]), [['a', 'running', 1, ['a1']], ['b', 'queued', 0, []]]);
    const [a, b] = saved;

    engine = new FakeEngine();
    const reloaded = make(1);
    assert.equal(await reloaded.restore(), 2);
    const runs = reloaded.list();
    assert.deepEqual(runs.map((r) => [r.name, r.state, r.done.files]), [['a', 'paused', 1], ['b', 'paused', 0]]);
    assert.equal(runs[0].id, a.id);
    // The engine's saved bytes (resume store / partial files) show on the paused row until it runs again.
    reloaded.noteBytesOnDisk(a.id, 7);
    assert.equal(reloaded.get(a.id)!.bytesDone, 10 + 7);
    await reloaded.resume(a.id);
    await engine.finish('a2');
    const end = await reloaded.settled(a.id);
    assert.equal(end!.state, 'done');
    assert.equal(end!.done.files, 2);
    assert.deepEqual(engine.startedOrder, ['a2'], 'the file settled before the reload is not sent again');
    assert.deepEqual(engine.again, [true], 'resumed after a crash: the engine recognises files it may have finished unrecorded');
    // A later run gets a later place in the queue than the restored ones.
    const c = reloaded.add('upload', 'c', { files: [] });
    assert.ok(c.seq > b.seq);
    await reloaded.dispose();
  });

  it('resume waits for a pause that is still finishing, and starts nothing if the run was cancelled meanwhile', async () => {
    // The engine takes its time after the abort (it saves its resume state): the run is not over when pause() has set 'paused'.
    let letItStop!: () => void;
    const stopping = new Promise<void>((r) => (letItStop = r));
    const started: string[] = [];
    const slow = async (ctx: RunContext): Promise<void> => {
      const release = await ctx.acquireSlot();
      try {
        ctx.fileStarted('x', '/local/x', 10);
        started.push('x');
        await new Promise<void>((_, reject) => ctx.signal.addEventListener('abort', () => void stopping.then(() => reject(cancelledError(ctx.signal))), { once: true }));
      } finally {
        release();
      }
    };
    const q = remember(new TransferQueue({ maxFiles: () => 4, executors: { upload: slow, download: slow }, journal: new TransferJournal(path.join(dir, 'transfers.json')) }));
    const run = q.add('upload', 'x', {});
    await until(() => started.length === 1);
    const paused = q.pause(run.id);
    assert.equal(q.get(run.id)!.state, 'paused');
    const resumed = q.resume(run.id);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, ['x'], 'nothing starts again while the paused run is still finishing');
    const cancelled = q.cancel(run.id);
    letItStop();
    await Promise.all([paused, resumed, cancelled]);
    assert.equal(q.get(run.id)!.state, 'cancelled');
    assert.deepEqual(started, ['x'], 'a run cancelled while Resume waited is not started');
  });

  it('an unreadable journal is set aside with a warning instead of failing', async () => {
    const file = path.join(dir, 'transfers.json');
    await writeFile(file, '{"format":"something else"');
    const warnings: string[] = [];
    const journal = new TransferJournal(file, { trace() {}, debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) });
    assert.deepEqual(await journal.load(), []);
    assert.match(warnings[0], /unreadable/);
    assert.equal(await readFile(`${file}.bad`, 'utf8'), '{"format":"something else"');
  });

  it('unknown run ids are a clear error', async () => {
    const q = make();
    await assert.rejects(q.pause('nope'), (e: unknown) => KooDriveError.is(e, 'NotFound'));
  });
});
