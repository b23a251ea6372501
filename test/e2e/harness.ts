/**
 * One real VS Code session for a test run: a fresh sandbox process, a fresh
 * code-server (own user-data and extensions dirs) with the packaged extension
 * installed, a workspace folder, and optionally Chromium showing the workbench.
 * Used by the e2e suite, the extension-host suite (runCodeServer.ts) and
 * `npm run demo`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { installExtension, RunningCodeServer, startCodeServer, writeUserSettings } from './codeServer';
import { artifactsDir, docsScreenshotsStage, testHooksVsixPath, vsixPath } from './paths';
import { SANDBOX_TOKEN, SANDBOX_USER_ID } from './sandboxAdmin';
import { SandboxProcess, startSandboxProcess } from './sandboxProcess';
import { launchBrowser, openWorkbench, widenSideBar, Workbench } from './workbench';

export interface HarnessOptions {
  /** Names the artifacts folder: test/e2e/artifacts/<name>/ (logs, screenshots). */
  name: string;
  /** Environment for code-server (reaches the extension host). */
  env?: (ctx: { sandbox: SandboxProcess; root: string; scratch: string; workspace: string }) => Record<string, string>;
  /** More .vsix files to install next to the extension. */
  extraVsix?: string[];
  /** Install the build with test hooks compiled in (the suites) instead of the production .vsix (the demo). */
  testHooks?: boolean;
  /** Install this .vsix as the extension (e.g. the universal package) instead of the one `testHooks` picks. */
  vsix?: string;
  /** Runs after the extensions are installed, before code-server starts. */
  afterInstall?: (dirs: { extensionsDir: string; userDataDir: string }) => void;
  /** Fills the workspace folder before code-server opens it. */
  populateWorkspace?: (workspace: string) => void;
  /** User settings over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Open the workbench in Chromium (default true). */
  browser?: boolean;
  /** Keep the temp folders after dispose() (default: $KOODRIVE_E2E_KEEP). */
  keep?: boolean;
  /** Keep the workspace folder after dispose() even when the rest is deleted (the demo: files a person downloaded). */
  keepWorkspace?: boolean;
  sandboxPort?: number;
  codeServerPort?: number;
  /** VS Code display language (code-server `--locale`), e.g. 'zh-cn'. */
  locale?: string;
  log?: (line: string) => void;
}

export interface Harness {
  /** The temp root holding workspace/, user-data/, extensions/, sandbox-data/, scratch/. */
  root: string;
  workspace: string;
  scratch: string;
  userDataDir: string;
  extensionsDir: string;
  /** test/e2e/artifacts/<name>/ */
  artifacts: string;
  sandbox: SandboxProcess;
  codeServer: RunningCodeServer;
  browser?: Browser;
  page?: Page;
  /** Saves a PNG of the page under artifacts/; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Stages a screenshot for the docs as test/e2e/artifacts/screenshots/<docsName> (git-ignored);
   *  `npm run screenshots` copies the staged ones into docs/screenshots/. */
  keepForDocs(shot: string, docsName: string): string;
  dispose(): Promise<void>;
}

function keepForDocs(shot: string, docsName: string): string {
  fs.mkdirSync(docsScreenshotsStage, { recursive: true });
  const staged = path.join(docsScreenshotsStage, docsName);
  fs.copyFileSync(shot, staged);
  return staged;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const log = opts.log ?? ((line: string) => console.log(`[harness] ${line}`));
  const extensionVsix = opts.vsix ?? (opts.testHooks ? testHooksVsixPath : vsixPath);
  if (!fs.existsSync(extensionVsix)) throw new Error(`${extensionVsix} is missing: run the e2e setup first (node out/test/e2e/setup.js)`);
  const artifacts = path.join(artifactsDir, opts.name);
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `koodrive-${opts.name}-`));
  const dirs = {
    workspace: path.join(root, 'workspace'),
    scratch: path.join(root, 'scratch'),
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  opts.populateWorkspace?.(dirs.workspace);

  const cleanups: (() => Promise<void>)[] = [];
  const dispose = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup: ${(e as Error).message}`));
    cleanups.length = 0;
    // VS Code's own logs (extension host, server) are worth keeping with the run's artifacts.
    const logs = path.join(dirs.userDataDir, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(artifacts, 'vscode-logs'), { recursive: true });
    if (opts.keep ?? Boolean(process.env.KOODRIVE_E2E_KEEP)) log(`kept ${root}`);
    else if (opts.keepWorkspace) {
      for (const entry of fs.readdirSync(root)) {
        if (path.join(root, entry) !== dirs.workspace) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
      }
    } else fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    const t0 = Date.now();
    const sandbox = await startSandboxProcess({
      dataDir: path.join(root, 'sandbox-data'),
      logFile: path.join(artifacts, 'sandbox.log'),
      port: opts.sandboxPort,
    });
    cleanups.push(() => sandbox.stop());
    log(`sandbox at ${sandbox.url}`);

    for (const vsix of [extensionVsix, ...(opts.extraVsix ?? [])]) installExtension(vsix, dirs);
    opts.afterInstall?.(dirs);
    writeUserSettings(dirs.userDataDir, opts.settings);

    const codeServer = await startCodeServer({
      userDataDir: dirs.userDataDir,
      extensionsDir: dirs.extensionsDir,
      workspace: dirs.workspace,
      // The CLI's state directory (folder sync's links) of this run only, never the user's ~/.koodrive.
      env: { KOODRIVE_STATE_DIR: path.join(root, 'state'), ...opts.env?.({ sandbox, root, scratch: dirs.scratch, workspace: dirs.workspace }) },
      logFile: path.join(artifacts, 'code-server.log'),
      port: opts.codeServerPort,
      locale: opts.locale,
    });
    cleanups.push(() => codeServer.stop());
    log(`code-server at ${codeServer.url} (${Date.now() - t0} ms)`);

    let browser: Browser | undefined;
    let page: Page | undefined;
    if (opts.browser !== false) {
      browser = await launchBrowser();
      cleanups.push(() => browser!.close());
      page = await openWorkbench(browser, codeServer.workbenchUrl, path.join(artifacts, 'browser-console.log'));
      await widenSideBar(page, 420).catch((e) => log(`could not widen the side bar: ${(e as Error).message}`));
      log(`workbench loaded (${Date.now() - t0} ms)`);
    }

    let shot = 0;
    const screenshot = async (name: string): Promise<string> => {
      if (!page) throw new Error('no browser in this harness');
      const file = path.join(artifacts, `${String(++shot).padStart(2, '0')}-${name}.png`);
      // Park the mouse on the empty title bar, so no tooltip hides what the picture is for.
      await page.mouse.move(page.viewportSize()!.width - 200, 12);
      // Let quick inputs and notifications finish fading in.
      await page.waitForTimeout(250);
      await page.screenshot({ path: file });
      return file;
    };
    return { root, ...dirs, artifacts, sandbox, codeServer, browser, page, screenshot, keepForDocs, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * Signs in through the KooDrive view's welcome content with the sandbox's demo
 * credentials (Custom endpoint… → URL, token, user id), waits for the
 * "Signed in" notification and the spaces in the tree, clears notifications
 * and returns the personal space's label (the tree's first space).
 */
export async function signInThroughWelcomeView(wb: Workbench, sandboxUrl: string): Promise<string> {
  await wb.openViewContainer('KooDrive');
  const files = wb.viewPane('Files');
  const welcome = files.locator('.welcome-view-content');
  await welcome.waitFor({ state: 'visible', timeout: 30_000 });
  await welcome.getByRole('button', { name: 'Sign in' }).click();
  await wb.pick('Custom endpoint…', { title: 'Sign in to KooDrive' });
  await wb.type(sandboxUrl, { prompt: /endpoint URL/ });
  await wb.type(SANDBOX_TOKEN, { prompt: /Access token/ });
  await wb.type(SANDBOX_USER_ID, { prompt: /user ID/ });
  await wb.notification(/Signed in to KooDrive as/).waitFor({ timeout: 30_000 });
  await wb.treeRow(files, 'Engineering').waitFor({ timeout: 30_000 });
  const personal = (await wb.treeLabels(files))[0];
  await wb.clearNotifications();
  return personal;
}
