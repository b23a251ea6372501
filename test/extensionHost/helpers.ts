/** Shared steps of the extension-host suites: the tree as VS Code reads it, signing in. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { extension, sandbox } from './env';
import { TestUserInput } from './testUserInput';

/** src/extension/testMode.ts */
const TEST_HOOKS_COMMAND = 'koodrive.test.hooks';

interface TestHooks {
  tree: vscode.TreeDataProvider<unknown>;
  secrets: vscode.SecretStorage;
}

export async function testHooks(): Promise<TestHooks> {
  await extension().activate();
  const hooks = (await vscode.commands.executeCommand(TEST_HOOKS_COMMAND)) as TestHooks | undefined;
  assert.ok(hooks?.tree, `the extension did not register ${TEST_HOOKS_COMMAND}: activate() must call registerTestMode(context, { tree }) (src/extension/testMode.ts)`);
  return hooks;
}

/** A tree row: the node as the provider returns it and the TreeItem VS Code would render. */
export interface Row {
  node: unknown;
  item: vscode.TreeItem;
  label: string;
}

function labelOf(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

/** The children of a row (the roots when `parent` is undefined), in the tree's order. */
export async function children(parent?: Row): Promise<Row[]> {
  const { tree } = await testHooks();
  const nodes = (await tree.getChildren(parent?.node)) ?? [];
  const rows: Row[] = [];
  for (const node of nodes) {
    const item = await tree.getTreeItem(node);
    rows.push({ node, item, label: labelOf(item) });
  }
  return rows;
}

export function row(rows: Row[], label: string): Row {
  const r = rows.find((x) => x.label === label);
  assert.ok(r, `no tree row "${label}" among ${JSON.stringify(rows.map((x) => x.label))}`);
  return r;
}

/** Follows labels from the roots: path('My Space', 'Documents'). */
export async function rowAt(...labels: string[]): Promise<Row> {
  let current: Row | undefined;
  for (const l of labels) current = row(await children(current), l);
  assert.ok(current, 'rowAt needs at least one label');
  return current;
}

/** Runs a row's click command (e.g. "Load more…") the way the tree view does. */
export async function click(r: Row): Promise<void> {
  assert.ok(r.item.command, `tree row "${r.label}" has no command`);
  await vscode.commands.executeCommand(r.item.command.command, ...(r.item.command.arguments ?? []));
}

/** The personal space's row label (the first root). */
export async function personalSpaceLabel(): Promise<string> {
  const roots = await children();
  assert.ok(roots.length > 0, 'the tree has no roots: not signed in?');
  return roots[0].label;
}

/** Signs in to the harness's sandbox through the real sign-in prompts (with the demo token unless given another). */
export async function signInToSandbox(token?: string): Promise<void> {
  const sb = sandbox();
  const ui = new TestUserInput();
  try {
    ui.pick('Custom endpoint…', /Sign in to KooDrive/)
      .input(sb.url, /endpoint URL/i)
      .input(token ?? sb.token, /Access token/i)
      .input(sb.userId, /user ID/i)
      .answer(/^Signed in to KooDrive/, undefined);
    await ui.run('koodrive.signIn');
    await ui.waitForMessage(/^Signed in to KooDrive/);
  } finally {
    ui.dispose();
  }
}

export async function signOut(): Promise<void> {
  const ui = new TestUserInput();
  try {
    ui.answer(/^Signed out/, undefined);
    await ui.run('koodrive.signOut');
  } finally {
    ui.dispose();
  }
}

export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
