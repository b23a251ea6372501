/**
 * The Transfers view in a real VS Code, against the sandbox slowed down by its
 * fault injection: pause stops the part requests, the run survives a
 * deactivate + activate of the transfer queue as Paused, Resume completes it
 * (the sandbox's hash-chain check at complete passes and the bytes match),
 * Cancel leaves no resume state, a failed part shows its reason and Retry
 * completes it, and two runs share the koodrive.transfers.maxFiles limit.
 */
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { extension, sandbox, scratchDir } from '../env';
import { eventually, personalSpaceLabel } from '../helpers';
import { TestUserInput } from '../testUserInput';

interface TransferHooks {
  transfers: vscode.TreeDataProvider<unknown>;
  restartTransfers(): Promise<void>;
  resumeStateDir: string;
}

interface Row {
  node: unknown;
  item: vscode.TreeItem;
  label: string;
  /** From the contextValue koodrive:transfer:<direction>:<state>. */
  state: string;
}

const MiB = 1024 * 1024;

async function hooks(): Promise<TransferHooks> {
  await extension().activate();
  const h = (await vscode.commands.executeCommand('koodrive.test.hooks')) as Partial<TransferHooks> | undefined;
  assert.ok(h?.transfers && h.restartTransfers && h.resumeStateDir, 'test mode must expose transfers, restartTransfers and resumeStateDir');
  return h as TransferHooks;
}

async function rowsOf(parent?: Row): Promise<Row[]> {
  const { transfers } = await hooks();
  const nodes = (await transfers.getChildren(parent?.node)) ?? [];
  const rows: Row[] = [];
  for (const node of nodes) {
    const item = await transfers.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    rows.push({ node, item, label, state: String(item.contextValue ?? '').split(':')[3] ?? '' });
  }
  return rows;
}

async function runRow(name: string): Promise<Row> {
  return eventually(`the Transfers row of ${name}`, async () => (await rowsOf()).find((r) => r.label === `↑ ${name}`));
}

async function waitForState(name: string, state: string, timeoutMs = 120_000): Promise<Row> {
  return eventually(`${name} ${state}`, async () => {
    const r = await runRow(name);
    return r.state === state ? r : undefined;
  }, timeoutMs);
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

async function partsSince(seq: number): Promise<Array<{ seq: number; status: number }>> {
  return (await sandbox().admin.requests({ since: seq })).filter((r) => r.target === 'part');
}

describe('Transfers view', function () {
  this.timeout(300_000);
  let local: string;
  let destination: unknown;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('koodrive');

  /** Starts an upload the way "Retry Failed" does (an UploadRequest argument: no prompts); resolves when the command returns. */
  function upload(paths: string[]): Thenable<unknown> {
    return vscode.commands.executeCommand('koodrive.uploadFiles', undefined, undefined, { paths, destination });
  }

  before(async () => {
    local = scratchDir('transfers-view');
    const st = await sandbox().admin.state();
    destination = {
      space: { kind: 'personal', name: await personalSpaceLabel(), containerId: st.personalContainerId, rootFolderId: st.personalRootId },
      folderId: st.personalRootId,
      path: 'Personal',
    };
    // Small parts sent one at a time, so a pause lands between parts.
    await config().update('upload.partSize', 5, vscode.ConfigurationTarget.Global);
    await config().update('upload.concurrency', 1, vscode.ConfigurationTarget.Global);
  });

  afterEach(() => sandbox().admin.clearFaults());

  after(async () => {
    await config().update('upload.partSize', undefined, vscode.ConfigurationTarget.Global);
    await config().update('upload.concurrency', undefined, vscode.ConfigurationTarget.Global);
    await config().update('transfers.maxFiles', undefined, vscode.ConfigurationTarget.Global);
  });

  it('Pause stops the part requests; after a deactivate + activate the upload is Paused; Resume completes it and the hash chain holds', async () => {
    const sb = sandbox();
    const file = path.join(local, 'big-pause.bin');
    const data = randomBytes(30 * MiB);
    fs.writeFileSync(file, data);
    await sb.admin.addFaults({ match: { target: 'part' }, action: { kind: 'delay', ms: 800 }, times: 1000 });
    const seq0 = await sb.admin.lastRequestSeq();
    const command = upload([file]);
    await eventually('a part sent', async () => (await partsSince(seq0)).some((p) => p.status === 200), 60_000);
    const running = await runRow('big-pause.bin');
    assert.match(running.state, /^(running|queued)$/);

    await vscode.commands.executeCommand('koodrive.pauseTransfer', running.node);
    const atPause = await sb.admin.lastRequestSeq();
    await command; // the command that started it ends quietly
    assert.equal((await runRow('big-pause.bin')).state, 'paused');
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await partsSince(atPause), [], 'no part request reached the sandbox after the pause');
    const sentBefore = (await partsSince(seq0)).filter((p) => p.status === 200).length;
    assert.ok(sentBefore >= 1 && sentBefore < 6, `${sentBefore} of 6 parts sent before the pause`);

    // Deactivate + activate: the queue stops and is loaded again from its journal.
    await (await hooks()).restartTransfers();
    const restored = await waitForState('big-pause.bin', 'paused', 20_000);
    assert.match(String(restored.item.description), /^Paused/);
    // The bytes already sent come from the upload engine's resume store (the run itself only counts finished files).
    await eventually('the restored row shows the bytes already sent', async () => /\(([1-9]\d*)%\)/.test(String((await runRow('big-pause.bin')).item.description)), 20_000);

    await sb.admin.clearFaults();
    await vscode.commands.executeCommand('koodrive.resumeTransfer', restored.node);
    await waitForState('big-pause.bin', 'done');
    const remote = await sb.admin.getPath('big-pause.bin');
    assert.equal(await sb.admin.contentSha256(remote.id), sha256(data), 'the sandbox verified the chain at complete and holds our bytes');
    const sentAfter = (await partsSince(seq0)).filter((p) => p.status === 200).length - sentBefore;
    assert.ok(sentAfter <= 6 - sentBefore, `only the missing parts were sent after Resume (${sentAfter})`);
    const st = await sb.admin.state();
    const copies = (await sb.admin.children(st.personalContainerId, st.personalRootId)).filter((f) => f.name.startsWith('big-pause'));
    assert.equal(copies.length, 1, 'resumed into the same file, not a second copy');
  });

  it('Cancel asks (MiB were sent), stops the upload and leaves no resume state', async () => {
    const sb = sandbox();
    const file = path.join(local, 'big-cancel.bin');
    fs.writeFileSync(file, randomBytes(20 * MiB));
    await sb.admin.addFaults({ match: { target: 'part' }, action: { kind: 'delay', ms: 800 }, times: 1000 });
    const seq0 = await sb.admin.lastRequestSeq();
    const command = upload([file]);
    await eventually('a part sent', async () => (await partsSince(seq0)).some((p) => p.status === 200), 60_000);
    await vscode.commands.executeCommand('koodrive.pauseTransfer', (await runRow('big-cancel.bin')).node);
    await command;
    const { resumeStateDir } = await hooks();
    const stateFor = (): string[] => (fs.existsSync(resumeStateDir) ? fs.readdirSync(resumeStateDir) : [])
      .filter((n) => n.endsWith('.json') && fs.readFileSync(path.join(resumeStateDir, n), 'utf8').includes('big-cancel.bin'));
    assert.equal(stateFor().length, 1, 'paused: the resume state is kept');

    const ui = new TestUserInput();
    try {
      ui.answer(/^Cancel "big-cancel\.bin"\?/, 'Cancel Transfer');
      await ui.run('koodrive.cancelTransfer', (await runRow('big-cancel.bin')).node);
    } finally {
      ui.dispose();
    }
    assert.equal((await runRow('big-cancel.bin')).state, 'cancelled');
    assert.deepEqual(stateFor(), [], 'no resume state left');
  });

  it('a failed part shows the error on the row; Retry completes the file', async () => {
    const sb = sandbox();
    const file = path.join(local, 'flaky.bin');
    const data = randomBytes(12 * MiB);
    fs.writeFileSync(file, data);
    // More 500s than the engine's attempts per part: the file fails.
    await sb.admin.addFaults({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 500 }, times: 50 });
    // The command that started it reports the failure in a notification: the person closes it.
    const ui = new TestUserInput();
    let failed: Row;
    try {
      ui.answer(/HTTP 500/, undefined);
      const command = upload([file]);
      failed = await waitForState('flaky.bin', 'failed');
      await command;
    } finally {
      ui.dispose();
    }
    const children = await rowsOf(failed);
    const failure = children.find((c) => c.item.contextValue === 'koodrive:transferFile:failed');
    assert.ok(failure, `a failed-file row under the run: ${JSON.stringify(children.map((c) => c.label))}`);
    assert.equal(failure.label, 'flaky.bin');
    assert.ok(String(failure.item.description).length > 0, 'the row says why');
    assert.match(String(failed.item.description), /1 failed/);

    await sb.admin.clearFaults();
    await vscode.commands.executeCommand('koodrive.retryTransfer', failed.node);
    await waitForState('flaky.bin', 'done');
    const remote = await sb.admin.getPath('flaky.bin');
    assert.equal(await sb.admin.contentSha256(remote.id), sha256(data));
  });

  it('two runs share koodrive.transfers.maxFiles: never more files in flight, the later run waits', async () => {
    const sb = sandbox();
    await config().update('transfers.maxFiles', 2, vscode.ConfigurationTarget.Global);
    const folders = ['queue-a', 'queue-b'].map((name) => {
      const dir = path.join(local, name);
      for (let i = 0; i < 4; i++) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `f${i}.txt`), randomBytes(3000 + i));
      }
      return dir;
    });
    await sb.admin.addFaults({ match: { target: 'part' }, action: { kind: 'delay', ms: 700 }, times: 1000 });
    // b starts once a is running: slots are work-conserving (a run that asks while a slot is free gets it), so two
    // runs started at the same instant may begin in either order; a run started later must queue behind a running one.
    const commands = [upload([folders[0]])];
    await waitForState('queue-a', 'running');
    commands.push(upload([folders[1]]));
    let peak = 0;
    let bWaitedWhileABusy = false;
    for (let i = 0; i < 600; i++) {
      const runs = (await rowsOf()).filter((r) => r.label === '↑ queue-a' || r.label === '↑ queue-b');
      let inFlight = 0;
      for (const r of runs) inFlight += (await rowsOf(r)).filter((c) => c.item.contextValue === 'koodrive:transferFile:running').length;
      peak = Math.max(peak, inFlight);
      const a = runs.find((r) => r.label === '↑ queue-a');
      const b = runs.find((r) => r.label === '↑ queue-b');
      if (a?.state === 'running' && b?.state === 'queued') bWaitedWhileABusy = true;
      if (runs.length === 2 && runs.every((r) => r.state === 'done')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(commands);
    assert.equal((await runRow('queue-a')).state, 'done');
    assert.equal((await runRow('queue-b')).state, 'done');
    assert.ok(peak <= 2, `at most 2 files in flight, saw ${peak}`);
    assert.equal(peak, 2, 'the limit was reached');
    assert.ok(bWaitedWhileABusy, 'the later run queued behind the earlier one');
    for (const f of ['queue-a/f0.txt', 'queue-b/f3.txt']) await sb.admin.getPath(f);
  });

  it('Clear Finished removes done and cancelled rows', async () => {
    await vscode.commands.executeCommand('koodrive.clearFinishedTransfers');
    const left = await rowsOf();
    assert.ok(left.every((r) => r.state !== 'done' && r.state !== 'cancelled'), JSON.stringify(left.map((r) => `${r.label} ${r.state}`)));
  });

  it('Cancel All asks once (MiB were sent), cancels every unfinished run and leaves no resume state or remote file', async () => {
    const sb = sandbox();
    const names = ['cancel-all-a.bin', 'cancel-all-b.bin'];
    const files = names.map((n) => {
      const f = path.join(local, n);
      fs.writeFileSync(f, randomBytes(15 * MiB));
      return f;
    });
    await sb.admin.addFaults({ match: { target: 'part' }, action: { kind: 'delay', ms: 800 }, times: 1000 });
    const seq0 = await sb.admin.lastRequestSeq();
    const commands = files.map((f) => upload([f]));
    await eventually('both runs running', async () => (await Promise.all(names.map(runRow))).every((r) => r.state === 'running'), 60_000);
    await eventually('a part sent', async () => (await partsSince(seq0)).some((p) => p.status === 200), 60_000);

    const ui = new TestUserInput();
    try {
      ui.answer(/^Cancel \d+ transfers\?$/, 'Cancel All');
      await ui.run('koodrive.cancelAllTransfers');
    } finally {
      ui.dispose();
    }
    await Promise.all(commands);
    for (const n of names) assert.equal((await runRow(n)).state, 'cancelled', n);
    assert.ok((await rowsOf()).every((r) => r.state !== 'running' && r.state !== 'queued' && r.state !== 'paused'), 'nothing left unfinished');
    const atCancel = await sb.admin.lastRequestSeq();
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(await partsSince(atCancel), [], 'no part request reached the sandbox after Cancel All');
    const { resumeStateDir } = await hooks();
    const left = (fs.existsSync(resumeStateDir) ? fs.readdirSync(resumeStateDir) : [])
      .filter((n) => n.endsWith('.json') && names.some((name) => fs.readFileSync(path.join(resumeStateDir, n), 'utf8').includes(name)));
    assert.deepEqual(left, [], 'no resume state left');
    for (const n of names) assert.equal(await sb.admin.findPath(n), undefined, `${n} is not on the drive`);
  });

  it('Retry All Failed runs the failed files of every failed run again; both complete with our bytes', async () => {
    const sb = sandbox();
    const names = ['retry-all-a.bin', 'retry-all-b.bin'];
    const data = names.map(() => randomBytes(12 * MiB));
    const files = names.map((n, i) => {
      const f = path.join(local, n);
      fs.writeFileSync(f, data[i]);
      return f;
    });
    // More 500s than the engine's attempts per part, for both files: both runs fail.
    await sb.admin.addFaults({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 500 }, times: 200 });
    const ui = new TestUserInput();
    try {
      // The commands that started them report the failures in notifications (recorded and closed).
      const commands = files.map((f) => upload([f]));
      for (const n of names) await waitForState(n, 'failed');
      await Promise.all(commands);
    } finally {
      ui.dispose();
    }
    await sb.admin.clearFaults();
    await vscode.commands.executeCommand('koodrive.retryFailedTransfers');
    for (const n of names) await waitForState(n, 'done');
    for (const [i, n] of names.entries()) {
      const remote = await sb.admin.getPath(n);
      assert.equal(await sb.admin.contentSha256(remote.id), sha256(data[i]), n);
    }
    assert.ok(!(await rowsOf()).some((r) => r.state === 'failed'), 'no failed run left');
  });

  it('Retry All Failed and Cancel All with nothing to do change nothing and ask nothing', async () => {
    const before = (await rowsOf()).map((r) => `${r.label} ${r.state}`);
    const ui = new TestUserInput();
    try {
      await ui.run('koodrive.retryFailedTransfers');
      await ui.run('koodrive.cancelAllTransfers');
    } finally {
      ui.dispose();
    }
    assert.deepEqual((await rowsOf()).map((r) => `${r.label} ${r.state}`), before);
  });
});
