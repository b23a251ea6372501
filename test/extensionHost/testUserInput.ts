/**
 * Fakes the person in front of VS Code, and nothing else (Azure's
 * TestUserInput): quick picks, input boxes, open dialogs and message buttons
 * are answered from a script; anything the script did not expect is recorded
 * and dismissed, and `assertDone()` fails the test with it. Notifications
 * without an expected answer are recorded and closed (resolve undefined). An
 * expected message that never showed fails `assertDone()` too, whether or not
 * it was to be answered: a stale matcher must not pass unnoticed.
 *
 * It patches the `vscode.window` object the extension under test uses: the
 * suite bundle must live inside the extension's folder (see index.ts).
 *
 *   const ui = new TestUserInput();
 *   ui.pick('Custom endpoint…').input(url).input(token).input(userId);
 *   await ui.run('koodrive.signIn');      // executes the command, then assertDone()
 */
import * as assert from 'assert';
import * as vscode from 'vscode';

export type Matcher = string | RegExp | ((text: string) => boolean);

type Expectation =
  | { kind: 'pick'; choose: Matcher; title?: Matcher }
  | { kind: 'input'; value: string; prompt?: Matcher }
  | { kind: 'open'; paths: string[] }
  | { kind: 'message'; message: Matcher; button: string | undefined };

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  buttons: string[];
  modal: boolean;
  at: number;
}

export interface ShownPrompt {
  kind: 'pick' | 'input' | 'open' | 'save' | 'quickPick' | 'inputBox';
  /** Title / placeholder / prompt, joined. */
  text: string;
  /** The picks offered (labels without $(codicons)). */
  items?: string[];
  answer?: string;
}

/** A pick label without its `$(codicon)` prefixes. */
export function plainLabel(label: string): string {
  return label.replace(/\$\([^)]*\)\s*/g, '').trim();
}

function matches(m: Matcher, text: string): boolean {
  if (typeof m === 'string') return text === m;
  if (m instanceof RegExp) return m.test(text);
  return m(text);
}

function describe(m: Matcher): string {
  return typeof m === 'function' ? 'a predicate' : String(m);
}

type Window = typeof vscode.window;
type Patched = 'showQuickPick' | 'showInputBox' | 'showOpenDialog' | 'showSaveDialog' | 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage' | 'createQuickPick' | 'createInputBox';

export class TestUserInput implements vscode.Disposable {
  private readonly queue: Expectation[] = [];
  private readonly unexpected: string[] = [];
  readonly messages: ShownMessage[] = [];
  readonly prompts: ShownPrompt[] = [];
  private readonly originals = new Map<Patched, unknown>();
  private readonly messageWaiters = new Set<() => void>();

  constructor(private readonly window: Window = vscode.window) {
    this.install();
  }

  // ---- the script ---------------------------------------------------------

  /** The next quick pick: choose the item whose label (codicons stripped) matches. */
  pick(choose: Matcher, title?: Matcher): this {
    this.queue.push({ kind: 'pick', choose, title });
    return this;
  }

  /** The next input box: type `value`. */
  input(value: string, prompt?: Matcher): this {
    this.queue.push({ kind: 'input', value, prompt });
    return this;
  }

  /** The next open dialog: choose these paths. */
  open(...paths: string[]): this {
    this.queue.push({ kind: 'open', paths });
    return this;
  }

  /** A message matching `message` (whenever it shows): click `button` (undefined = close it). */
  answer(message: Matcher, button: string | undefined): this {
    this.queue.push({ kind: 'message', message, button });
    return this;
  }

  /**
   * Runs a command with the script, then checks that it was followed exactly.
   * A command may show its last message just after it returns (a report
   * after a job): scripted messages are waited for before checking.
   */
  async run(command: string, ...args: unknown[]): Promise<void> {
    await vscode.commands.executeCommand(command, ...args);
    await this.waitForScriptedMessages();
    this.assertDone();
  }

  /** Waits until every scripted message was shown, or `timeoutMs` passed (assertDone then names what is missing). */
  async waitForScriptedMessages(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.some((e) => e.kind === 'message')) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await this.nextMessageShown(left);
    }
  }

  /** Fails when a prompt came that the script did not expect, or an expected one (a message too) never came. */
  assertDone(): void {
    const problems = [...this.unexpected];
    for (const e of this.queue) problems.push(`expected but never shown: ${this.describeExpectation(e)}`);
    this.unexpected.length = 0;
    this.queue.length = 0;
    assert.deepStrictEqual(problems, [], `The UI did not go as scripted:\n  ${problems.join('\n  ')}\nMessages shown: ${JSON.stringify(this.messages.map((m) => m.message))}`);
  }

  /** Forgets recorded messages and prompts (not the script). */
  clearLog(): void {
    this.messages.length = 0;
    this.prompts.length = 0;
  }

  /** Resolves with the first message (recorded since the last clearLog) matching, waiting for it if needed. */
  async waitForMessage(m: Matcher, timeoutMs = 30_000): Promise<ShownMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((x) => matches(m, x.message));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message matching ${describe(m)} within ${timeoutMs} ms; shown: ${JSON.stringify(this.messages.map((x) => x.message))}`);
      await this.nextMessageShown(left);
    }
  }

  /** Resolves when the next message is shown, or after `ms`. */
  private nextMessageShown(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.messageWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.messageWaiters.add(done);
    });
  }

  dispose(): void {
    for (const [name, fn] of this.originals) (this.window as unknown as Record<string, unknown>)[name] = fn;
    this.originals.clear();
  }

  // ---- the fakes ----------------------------------------------------------

  private install(): void {
    const w = this.window as unknown as Record<Patched, unknown>;
    const patch = (name: Patched, fn: unknown): void => {
      this.originals.set(name, w[name]);
      w[name] = fn;
    };
    patch('showQuickPick', (items: unknown, options?: vscode.QuickPickOptions) => this.showQuickPick(items, options));
    patch('showInputBox', (options?: vscode.InputBoxOptions) => this.showInputBox(options));
    patch('showOpenDialog', (options?: vscode.OpenDialogOptions) => this.showOpenDialog(options));
    patch('showSaveDialog', (options?: vscode.SaveDialogOptions) => {
      this.fail(`save dialog "${options?.title ?? ''}"`, { kind: 'save', text: options?.title ?? '' });
      return Promise.resolve(undefined);
    });
    patch('showInformationMessage', (message: string, ...rest: unknown[]) => this.showMessage('info', message, rest));
    patch('showWarningMessage', (message: string, ...rest: unknown[]) => this.showMessage('warning', message, rest));
    patch('showErrorMessage', (message: string, ...rest: unknown[]) => this.showMessage('error', message, rest));
    // Multi-step quick inputs are not used by the extension; fail loudly if they appear.
    patch('createQuickPick', () => {
      this.fail('createQuickPick (not supported by the fake)', { kind: 'quickPick', text: '' });
      throw new Error('TestUserInput: createQuickPick is not faked');
    });
    patch('createInputBox', () => {
      this.fail('createInputBox (not supported by the fake)', { kind: 'inputBox', text: '' });
      throw new Error('TestUserInput: createInputBox is not faked');
    });
  }

  private fail(what: string, prompt: ShownPrompt): void {
    this.prompts.push(prompt);
    this.unexpected.push(`unexpected ${what}`);
  }

  private next<K extends Expectation['kind']>(kind: K): Extract<Expectation, { kind: K }> | undefined {
    const i = this.queue.findIndex((e) => e.kind !== 'message');
    if (i < 0 || this.queue[i].kind !== kind) return undefined;
    return this.queue.splice(i, 1)[0] as Extract<Expectation, { kind: K }>;
  }

  private async showQuickPick(itemsOrPromise: unknown, options?: vscode.QuickPickOptions): Promise<unknown> {
    const items = (await Promise.resolve(itemsOrPromise)) as Array<string | vscode.QuickPickItem>;
    const labelOf = (i: string | vscode.QuickPickItem): string => plainLabel(typeof i === 'string' ? i : i.label);
    const choosable = items.filter((i) => typeof i === 'string' || i.kind !== vscode.QuickPickItemKind.Separator);
    const text = [options?.title, options?.placeHolder].filter(Boolean).join(' | ');
    const prompt: ShownPrompt = { kind: 'pick', text, items: choosable.map(labelOf) };
    this.prompts.push(prompt);
    const e = this.next('pick');
    if (!e) {
      this.unexpected.push(`unexpected quick pick "${text}" offering ${JSON.stringify(prompt.items)}`);
      return undefined;
    }
    if (e.title && !matches(e.title, text)) {
      this.unexpected.push(`quick pick "${text}" is not the expected one (${describe(e.title)})`);
      return undefined;
    }
    const chosen = choosable.filter((i) => matches(e.choose, labelOf(i)));
    if (chosen.length === 0) {
      this.unexpected.push(`quick pick "${text}" has no item matching ${describe(e.choose)}; offered ${JSON.stringify(prompt.items)}`);
      return undefined;
    }
    prompt.answer = labelOf(chosen[0]);
    return options?.canPickMany ? chosen : chosen[0];
  }

  private async showInputBox(options?: vscode.InputBoxOptions): Promise<string | undefined> {
    const text = [options?.title, options?.prompt, options?.placeHolder].filter(Boolean).join(' | ');
    const prompt: ShownPrompt = { kind: 'input', text };
    this.prompts.push(prompt);
    const e = this.next('input');
    if (!e) {
      this.unexpected.push(`unexpected input box "${text}"`);
      return undefined;
    }
    if (e.prompt && !matches(e.prompt, text)) {
      this.unexpected.push(`input box "${text}" is not the expected one (${describe(e.prompt)})`);
      return undefined;
    }
    const invalid = await Promise.resolve(options?.validateInput?.(e.value));
    const message = typeof invalid === 'string' ? invalid : invalid?.message;
    if (message) {
      this.unexpected.push(`input box "${text}" rejected ${JSON.stringify(e.value)}: ${message}`);
      return undefined;
    }
    prompt.answer = options?.password ? '***' : e.value;
    return e.value;
  }

  private async showOpenDialog(options?: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    const text = options?.title ?? options?.openLabel ?? '';
    const prompt: ShownPrompt = { kind: 'open', text };
    this.prompts.push(prompt);
    const e = this.next('open');
    if (!e) {
      this.unexpected.push(`unexpected open dialog "${text}"`);
      return undefined;
    }
    prompt.answer = e.paths.join(', ');
    return e.paths.map((p) => vscode.Uri.file(p));
  }

  private async showMessage(severity: ShownMessage['severity'], message: string, rest: unknown[]): Promise<unknown> {
    const options = rest.length > 0 && typeof rest[0] === 'object' && rest[0] !== null && !('title' in (rest[0] as object)) ? (rest[0] as vscode.MessageOptions) : undefined;
    const items = (options ? rest.slice(1) : rest) as Array<string | vscode.MessageItem>;
    const titleOf = (i: string | vscode.MessageItem): string => (typeof i === 'string' ? i : i.title);
    const shown: ShownMessage = { severity, message, buttons: items.map(titleOf), modal: Boolean(options?.modal), at: Date.now() };
    this.messages.push(shown);
    for (const w of [...this.messageWaiters]) w();
    const i = this.queue.findIndex((e) => e.kind === 'message' && matches(e.message, message));
    if (i >= 0) {
      const e = this.queue.splice(i, 1)[0] as Extract<Expectation, { kind: 'message' }>;
      if (e.button === undefined) return undefined;
      const item = items.find((x) => titleOf(x) === e.button);
      if (!item) this.unexpected.push(`message "${message}" has no button "${e.button}" (has ${JSON.stringify(shown.buttons)})`);
      return item;
    }
    if (shown.modal) this.unexpected.push(`unexpected modal dialog "${message}" with ${JSON.stringify(shown.buttons)}`);
    return undefined;
  }

  private describeExpectation(e: Expectation): string {
    switch (e.kind) {
      case 'pick':
        return `quick pick → ${describe(e.choose)}`;
      case 'input':
        return `input box${e.prompt ? ` (${describe(e.prompt)})` : ''} → ${JSON.stringify(e.value)}`;
      case 'open':
        return `open dialog → ${e.paths.join(', ')}`;
      case 'message':
        return `message ${describe(e.message)} → ${e.button}`;
    }
  }
}
