/**
 * Test mode, for the extension-host integration suite (test/extensionHost/)
 * only. Compiled in only when esbuild.js runs with `--test-hooks` (which
 * defines `__KOODRIVE_TEST_HOOKS__` as true): in every other build, the
 * production .vsix included, the constant is false, activate() never calls
 * registerTestMode and the bundler drops this module, so no shipped build can
 * expose SecretStorage whatever its environment. test/unit/build checks that.
 * Even in a test-hooks build it stays inert unless the extension host runs
 * with KOODRIVE_TEST_MODE=1 (a second lock), which only the test harnesses
 * set (runElectron.ts through extensionTestsEnv, runCodeServer.ts through
 * code-server's environment).
 *
 * It then registers one command, not contributed (so never in the palette),
 * through which the suite reaches what the public `vscode` API cannot show
 * it: the data behind the KooDrive tree view, read the way VS Code reads it
 * (getChildren / getTreeItem), and the extension's SecretStorage. Everything else the suite does goes through
 * the real commands, prompts and storage.
 *
 * activate() calls, once the tree exists:
 *   if (__KOODRIVE_TEST_HOOKS__) registerTestMode(context, { tree, dragAndDrop });
 */
import * as vscode from 'vscode';
import type { SyncController } from './sync/syncController';

export const TEST_MODE_ENV = 'KOODRIVE_TEST_MODE';
export const TEST_HOOKS_COMMAND = 'koodrive.test.hooks';

export interface TestHooks {
  /** The KooDrive tree's data provider. */
  tree: vscode.TreeDataProvider<unknown>;
  /** The tree's drag-and-drop controller (handleDrag/handleDrop as VS Code calls them). */
  dragAndDrop?: vscode.TreeDragAndDropController<unknown>;
  /** The Transfers view's data provider. */
  transfers?: vscode.TreeDataProvider<unknown>;
  /** Stops the transfer queue the way deactivate does and loads it again from its journal, as activate does. */
  restartTransfers?: () => Promise<void>;
  /** Where the upload engine keeps its resume state. */
  resumeStateDir?: string;
  /** The KooDrive tree view itself (to select a row, as a click does, before a palette command). */
  explorer?: vscode.TreeView<unknown>;
  /** Folder sync: the Source Control entries of the linked folders (their groups and resource states). */
  sync?: SyncController;
}

export function registerTestMode(context: vscode.ExtensionContext, hooks: TestHooks): void {
  if (!__KOODRIVE_TEST_HOOKS__ || process.env[TEST_MODE_ENV] !== '1') return;
  // The extension's own SecretStorage, to check where the token is (and is not) kept.
  const exposed = { ...hooks, secrets: context.secrets };
  context.subscriptions.push(vscode.commands.registerCommand(TEST_HOOKS_COMMAND, () => exposed));
}
