/**
 * Fakes for the extension's ports. FakePrompts answers a script and fails
 * fast on any prompt it was not told to expect (Azure's TestUserInput): a
 * command that asks one question too many fails its test.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Space, SpaceRef } from '../../../src/core/api/models';
import { HashPool } from '../../../src/core/hash/hashPool';
import { createKooDrive, KooDriveOptions } from '../../../src/core/koodrive';
import type { Logger } from '../../../src/core/logger';
import { listSpaces } from '../../../src/core/spaces';
import { ResumeStore } from '../../../src/core/upload/resumeStore';
import { SecretStore, Session } from '../../../src/extension/auth/session';
import type { CommandId } from '../../../src/extension/commands/commandIds';
import type { HostPort, Services, TreePort } from '../../../src/extension/services';
import { DEFAULT_SETTINGS, Settings } from '../../../src/extension/settings';
import { memoryStore } from '../../../src/extension/stores/keyValueStore';
import { LinkStore } from '../../../src/extension/stores/linkStore';
import { RecentPlaces } from '../../../src/extension/stores/recentPlaces';
import { TransferService } from '../../../src/extension/transfers/transferService';
import type { ProgressOptions, ProgressReport, ProgressRunner } from '../../../src/extension/ui/progress';
import { ConfirmOptions, dismissed, InputOptions, Notifier, OpenOptions, PickItem, PickOptions, Prompts } from '../../../src/extension/ui/prompts';
import type { ItemNode, LoadMoreNode, PagedNode } from '../../../src/extension/views/treeNodes';
import { Sandbox, startSandbox } from '../../../src/sandbox/server';

export const WORKER_PATH = path.resolve(__dirname, '../../../../dist/hashWorker.js');

type PickAnswer = string | ((items: readonly PickItem[], options: PickOptions) => PickItem | undefined);

type Expectation =
  | { kind: 'pick'; id: string; answer: PickAnswer | undefined; check?: (items: readonly PickItem[], options: PickOptions) => void }
  | { kind: 'input'; id: string; answer: string | undefined; check?: (options: InputOptions) => void }
  | { kind: 'confirm'; id: string; answer: boolean; check?: (options: ConfirmOptions) => void }
  | { kind: 'open'; id: string; answer: string[] | undefined; check?: (options: OpenOptions) => void };

export interface AskedPrompt {
  kind: Expectation['kind'];
  id: string;
  title?: string;
  placeholder?: string;
  items?: readonly PickItem[];
}

const plain = (label: string): string => label.replace(/^\$\([^)]*\)\s*/, '');

export class FakePrompts implements Prompts {
  readonly asked: AskedPrompt[] = [];
  /** Assertion failures raised inside prompts (kept: core may catch what a prompt throws). */
  readonly failures: Error[] = [];
  private readonly script: Expectation[] = [];

  /** Answer with an item id, an item label (codicon prefix ignored), a chooser function, or undefined (Escape). */
  expectPick(id: string, answer: PickAnswer | undefined, check?: (items: readonly PickItem[], options: PickOptions) => void): this {
    this.script.push({ kind: 'pick', id, answer, check });
    return this;
  }

  expectInput(id: string, answer: string | undefined, check?: (options: InputOptions) => void): this {
    this.script.push({ kind: 'input', id, answer, check });
    return this;
  }

  expectConfirm(id: string, answer: boolean, check?: (options: ConfirmOptions) => void): this {
    this.script.push({ kind: 'confirm', id, answer, check });
    return this;
  }

  expectOpen(id: string, answer: string[] | undefined, check?: (options: OpenOptions) => void): this {
    this.script.push({ kind: 'open', id, answer, check });
    return this;
  }

  /** Every scripted prompt was asked. */
  assertDone(): void {
    if (this.failures.length > 0) throw this.failures[0];
    assert.deepEqual(this.script.map((e) => `${e.kind} ${e.id}`), [], 'prompts that were expected but never asked');
  }

  private next<K extends Expectation['kind']>(kind: K, id: string): Extract<Expectation, { kind: K }> {
    const e = this.script.shift();
    if (!e || e.kind !== kind || e.id !== id) {
      throw this.fail(`Unexpected prompt: ${kind} "${id}" (expected ${e ? `${e.kind} "${e.id}"` : 'no more prompts'})`);
    }
    return e as Extract<Expectation, { kind: K }>;
  }

  private fail(message: string): Error {
    const err = new assert.AssertionError({ message });
    this.failures.push(err);
    return err;
  }

  private checked(check: () => void): void {
    try {
      check();
    } catch (e) {
      this.failures.push(e as Error);
      throw e;
    }
  }

  async pick<T extends PickItem>(items: readonly T[], options: PickOptions): Promise<T> {
    this.asked.push({ kind: 'pick', id: options.id, title: options.title, placeholder: options.placeholder, items });
    const e = this.next('pick', options.id);
    if (e.check) this.checked(() => e.check!(items, options));
    if (e.answer === undefined) throw dismissed(options.id);
    const choosable = items.filter((i) => !i.separator);
    const hit = typeof e.answer === 'function'
      ? e.answer(choosable, options)
      : choosable.find((i) => i.id === e.answer) ?? choosable.find((i) => plain(i.label) === e.answer);
    if (!hit) {
      throw this.fail(`Prompt "${options.id}" has no item ${String(e.answer)}; items: ${choosable.map((i) => `${i.id} (${plain(i.label)})`).join(', ')}`);
    }
    return hit as T;
  }

  async input(options: InputOptions): Promise<string> {
    this.asked.push({ kind: 'input', id: options.id, title: options.title, placeholder: options.placeholder });
    const e = this.next('input', options.id);
    if (e.check) this.checked(() => e.check!(options));
    if (e.answer === undefined) throw dismissed(options.id);
    const problem = options.validate?.(e.answer);
    if (problem) throw this.fail(`Prompt "${options.id}" would not accept ${JSON.stringify(e.answer)}: ${problem}`);
    return e.answer;
  }

  async confirm(options: ConfirmOptions): Promise<void> {
    this.asked.push({ kind: 'confirm', id: options.id, title: options.message });
    const e = this.next('confirm', options.id);
    if (e.check) this.checked(() => e.check!(options));
    if (!e.answer) throw dismissed(options.id);
  }

  async open(options: OpenOptions): Promise<string[]> {
    this.asked.push({ kind: 'open', id: options.id, title: options.title });
    const e = this.next('open', options.id);
    if (e.check) this.checked(() => e.check!(options));
    if (!e.answer || e.answer.length === 0) throw dismissed(options.id);
    return e.answer;
  }
}

export interface Shown {
  level: 'info' | 'warn' | 'error' | 'flash';
  message: string;
  buttons: string[];
}

export class FakeNotifier implements Notifier {
  readonly shown: Shown[] = [];
  /** Buttons to "click", in order, for messages that have buttons. */
  readonly clicks: Array<string | undefined> = [];

  private answer(level: Shown['level'], message: string, buttons: string[]): Promise<string | undefined> {
    this.shown.push({ level, message, buttons });
    return Promise.resolve(buttons.length > 0 ? this.clicks.shift() : undefined);
  }

  info(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.answer('info', message, buttons);
  }

  warn(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.answer('warn', message, buttons);
  }

  error(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.answer('error', message, buttons);
  }

  flash(message: string): void {
    this.shown.push({ level: 'flash', message, buttons: [] });
  }

  messages(level?: Shown['level']): string[] {
    return this.shown.filter((s) => !level || s.level === level).map((s) => s.message);
  }
}

export class FakeProgress implements ProgressRunner {
  readonly runs: Array<{ options: ProgressOptions; reports: ProgressReport[] }> = [];
  /** Abort the next run's signal after this many reports (cancel tests). */
  cancelAfterReports?: number;

  async run<T>(options: ProgressOptions, task: (report: (r: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    const entry = { options, reports: [] as ProgressReport[] };
    this.runs.push(entry);
    const controller = new AbortController();
    const limit = this.cancelAfterReports;
    this.cancelAfterReports = undefined;
    return task((r) => {
      entry.reports.push(r);
      if (limit !== undefined && entry.reports.length >= limit && !controller.signal.aborted) {
        controller.abort(new Error('Cancelled by the test'));
      }
    }, controller.signal);
  }
}

export class FakeHost implements HostPort {
  folders: Array<{ name: string; path: string }> = [];
  active?: string;
  readonly saved: string[] = [];
  readonly copied: string[] = [];
  readonly diffs: Array<{ left: string; right: string; title: string }> = [];
  readonly executed: Array<{ id: CommandId; args: unknown[] }> = [];
  readonly envVars: Record<string, string> = {};
  logShown = 0;
  /** Set by makeWorld: runs a command through the real table. */
  runCommand?: (id: CommandId, ...args: unknown[]) => Promise<unknown>;

  workspaceFolders(): Array<{ name: string; path: string }> {
    return this.folders;
  }

  activeFile(): string | undefined {
    return this.active;
  }

  activeRemoteUri(): { scheme: string; authority: string; path: string } | undefined {
    return undefined;
  }

  async saveIfDirty(p: string): Promise<void> {
    this.saved.push(p);
  }

  async copyText(text: string): Promise<void> {
    this.copied.push(text);
  }

  async openDiff(left: string, right: string, title: string): Promise<void> {
    this.diffs.push({ left, right, title });
  }

  showLog(): void {
    this.logShown++;
  }

  readonly revealed: string[] = [];

  async revealLocal(p: string): Promise<void> {
    this.revealed.push(p);
  }

  async executeCommand(id: CommandId, ...args: unknown[]): Promise<unknown> {
    this.executed.push({ id, args });
    return this.runCommand?.(id, ...args);
  }

  env(name: string): string | undefined {
    return this.envVars[name];
  }
}

export class FakeTree implements TreePort {
  readonly refreshed: Array<{ containerId: string; folderId: string }> = [];
  refreshedAll = 0;
  readonly refreshedNodes: PagedNode[] = [];
  readonly refreshedBins: string[] = [];
  readonly revealed: Array<{ containerId: string; folderIds: readonly string[]; itemId: string }> = [];

  constructor(private readonly services: () => Services) {}

  refreshAll(): void {
    this.refreshedAll++;
  }

  refreshFolder(space: SpaceRef, folderId: string): void {
    this.refreshed.push({ containerId: space.containerId, folderId });
  }

  refreshNode(node: PagedNode): void {
    this.refreshedNodes.push(node);
  }

  refreshRecycleBin(space: SpaceRef): void {
    this.refreshedBins.push(space.containerId);
  }

  async revealItem(space: Space, folderIds: readonly string[], itemId: string): Promise<ItemNode | undefined> {
    this.revealed.push({ containerId: space.containerId, folderIds, itemId });
    return undefined;
  }

  /** What the tests select in the tree (palette commands act on it). */
  selection: ItemNode[] = [];

  selectedItems(): ItemNode[] {
    return this.selection;
  }

  async loadMore(_node: LoadMoreNode): Promise<void> {
    /* the model's own tests cover paging */
  }

  async listSpaces(): Promise<Space[]> {
    const c = await this.services().session.connection();
    return listSpaces(c.client, c.userId);
  }
}

export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  trace = (m: string): void => void this.lines.push(`trace ${m}`);
  debug = (m: string): void => void this.lines.push(`debug ${m}`);
  info = (m: string): void => void this.lines.push(`info ${m}`);
  warn = (m: string): void => void this.lines.push(`warn ${m}`);
  error = (m: string): void => void this.lines.push(`error ${m}`);
}

export function memorySecrets(): SecretStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (k) => data.get(k),
    store: async (k, v) => void data.set(k, v),
    delete: async (k) => void data.delete(k),
  };
}

/** Fast retries: tests should not wait for back-off. */
export const fastDrive = (o: KooDriveOptions) => createKooDrive({ ...o, retry: { baseDelayMs: 5, maxDelayMs: 20, ...o.retry } });

export interface World {
  sandbox: Sandbox;
  session: Session;
  services: Services;
  prompts: FakePrompts;
  notifier: FakeNotifier;
  progress: FakeProgress;
  host: FakeHost;
  tree: FakeTree;
  logger: MemoryLogger;
  state: ReturnType<typeof memoryStore>;
  settings: Settings;
  tmp: string;
  personal(): Promise<Space>;
  close(): Promise<void>;
}

/** A real in-process sandbox, a real Session signed in to it, and fakes for everything a person would do. */
export async function makeWorld(o: { signIn?: boolean } = {}): Promise<World> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'kd-ext-'));
  const sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox') });
  const logger = new MemoryLogger();
  const state = memoryStore();
  const session = new Session({
    secrets: memorySecrets(),
    endpointSetting: { get: () => undefined, set: async () => undefined },
    state,
    createDrive: fastDrive,
    sandbox: { start: async () => ({ url: sandbox.url, token: sandbox.token, userId: sandbox.userId }), stop: async () => undefined },
    logger,
  });
  if (o.signIn !== false) await session.signInSandbox();
  const prompts = new FakePrompts();
  const notifier = new FakeNotifier();
  const progress = new FakeProgress();
  const host = new FakeHost();
  const settings: Settings = JSON.parse(JSON.stringify(DEFAULT_SETTINGS)) as Settings;
  const hasher = new HashPool({ workerPath: WORKER_PATH, size: 1 });
  // eslint-disable-next-line prefer-const
  let services: Services;
  const tree = new FakeTree(() => services);
  const base: Omit<Services, 'transfers'> = {
    session,
    prompts,
    notifier,
    progress,
    tree,
    links: new LinkStore(state),
    places: new RecentPlaces(state),
    settings: () => settings,
    logger,
    host,
    hasher,
    resumeStore: new ResumeStore(path.join(tmp, 'resume')),
    tempDir: path.join(tmp, 'ext-tmp'),
  };
  services = { ...base, transfers: new TransferService(base, { maxFiles: () => settings.transfers.maxFiles }) };
  return {
    sandbox, session, services, prompts, notifier, progress, host, tree, logger, state, settings, tmp,
    personal: async () => (await tree.listSpaces()).find((s) => s.kind === 'personal')!,
    async close() {
      await services.transfers.queue.dispose();
      await hasher.close();
      await session.dispose();
      await sandbox.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
