// Starts and stops a real VS Code (code-server, web workbench + Node extension
// host) for the e2e and extension-host suites. See docs/testing.md.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { codeServerEntry, node24Bin } from './paths';

/** Without these the workspace opens in Restricted Mode (the extension never
 *  activates) and the welcome page / chat panels cover the UI under test. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'workbench.colorTheme': 'Default Light Modern',
};

export interface CodeServerDirs {
  userDataDir: string;
  extensionsDir: string;
}

export interface CodeServerOptions extends CodeServerDirs {
  /** Folder opened in the workbench. */
  workspace: string;
  /** Extra environment for code-server; it reaches the extension host. */
  env?: Record<string, string>;
  /** code-server's stdout/stderr go here (a test artifact). */
  logFile: string;
  port?: number;
  /** VS Code display language (code-server `--locale`), e.g. 'zh-cn': picks the extension's package.nls.<locale>.json and l10n bundle. */
  locale?: string;
}

export interface RunningCodeServer {
  url: string;
  /** The workbench URL with the workspace folder opened. */
  workbenchUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Writes `<userDataDir>/User/settings.json` (merged over BASE_SETTINGS). */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown> = {}): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
}

/** `--install-extension` while no server uses the extensions dir (else it asks for a restart). */
export function installExtension(vsix: string, dirs: CodeServerDirs): void {
  fs.mkdirSync(dirs.userDataDir, { recursive: true });
  fs.writeFileSync(path.join(dirs.userDataDir, 'code-server.yaml'), 'auth: none\n');
  const r = spawnSync(
    node24Bin,
    [codeServerEntry, '--config', path.join(dirs.userDataDir, 'code-server.yaml'), '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix, '--force'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) {
    throw new Error(`code-server --install-extension failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** The folder `--install-extension` put the extension in (`<publisher>.<name>-<version>`). */
export function installedExtensionDir(extensionsDir: string, id: string): string {
  const prefix = `${id.toLowerCase()}-`;
  const found = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(prefix));
  if (!found) throw new Error(`extension ${id} is not installed in ${extensionsDir}`);
  return path.join(extensionsDir, found);
}

export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  const port = opts.port ?? (await freePort());
  const log = fs.openSync(opts.logFile, 'a');
  // Its own config file, or code-server writes a default one under ~/.config.
  const config = path.join(opts.userDataDir, 'code-server.yaml');
  fs.mkdirSync(opts.userDataDir, { recursive: true });
  fs.writeFileSync(config, 'auth: none\n');
  const child = spawn(
    node24Bin,
    [
      codeServerEntry,
      '--config', config,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', opts.userDataDir,
      '--extensions-dir', opts.extensionsDir,
      ...(opts.locale ? ['--locale', opts.locale] : []),
      opts.workspace,
    ],
    {
      // Its own process group, so stop() ends code-server and every process it started.
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...opts.env },
    },
  );
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const running: RunningCodeServer = {
    url,
    workbenchUrl: `${url}/?folder=${encodeURIComponent(opts.workspace)}`,
    process: child,
    stop: () => stopGroup(child),
  };
  try {
    await waitForHealthz(url, child, 60_000);
  } catch (err) {
    await running.stop();
    throw new Error(`${(err as Error).message}; see ${opts.logFile}`);
  }
  return running;
}

async function waitForHealthz(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    if ((await httpStatus(`${url}/healthz`)) === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms`);
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** SIGTERM to the process group, SIGKILL after 5 s. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader for a moment (extension host, watchers).
  signal('SIGKILL');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
