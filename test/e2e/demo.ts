/**
 * `npm run demo`: the packaged extension in a real VS Code in your browser,
 * against a local sandbox with demo content. Nothing to sign up for.
 *
 *   npm run demo                      code-server on http://127.0.0.1:8080, sandbox on :8787
 *   npm run demo -- --port 9000 --sandbox-port 9787 --folder ~/some/project
 *   npm run demo -- --clean           delete the demo's workspace when it stops
 *
 * Open the printed URL, click the KooDrive icon in the activity bar and sign
 * in with the printed endpoint, token and user id, or pick "Try the local
 * sandbox": the extension is pointed at the demo's own sandbox
 * (KOODRIVE_SANDBOX_URL), so both paths show the same files. Ctrl-C stops
 * everything this started; the workspace folder (with anything downloaded
 * into it) is kept unless --clean is given. Logs: test/e2e/artifacts/demo/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startHarness } from './harness';
import { SANDBOX_TOKEN, SANDBOX_USER_ID } from './sandboxAdmin';

interface DemoOptions {
  port: number;
  sandboxPort: number;
  folder?: string;
  /** Delete the temporary workspace when the demo stops (default: keep it). */
  clean: boolean;
}

function parseArgs(argv: string[]): DemoOptions {
  const o: DemoOptions = {
    port: Number(process.env.KOODRIVE_DEMO_PORT ?? 8080),
    sandboxPort: Number(process.env.KOODRIVE_SANDBOX_PORT ?? 8787),
    clean: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--port':
        o.port = Number(next());
        break;
      case '--sandbox-port':
        o.sandboxPort = Number(next());
        break;
      case '--folder':
        o.folder = path.resolve(next());
        break;
      case '--clean':
        o.clean = true;
        break;
      case '-h':
      case '--help':
        console.log('npm run demo -- [--port 8080] [--sandbox-port 8787] [--folder <workspace folder>] [--clean]');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

/** A small workspace to upload from, when no --folder is given. */
function populateDemoWorkspace(ws: string): void {
  const write = (rel: string, data: string): void => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), data);
  };
  write('README.md', '# Demo workspace\n\nRight-click a file or folder in the Explorer and choose "Upload to KooDrive".\n');
  write('reports/q3-summary.md', '# Q3 summary\n\nRevenue up 12 %.\n');
  write('reports/figures.csv', 'month,revenue\nJul,100\nAug,110\nSep,123\n');
  write('src/hello.ts', 'export const hello = (name: string): string => `Hello, ${name}!`;\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const h = await startHarness({
    name: 'demo',
    browser: false,
    sandboxPort: opts.sandboxPort,
    codeServerPort: opts.port,
    populateWorkspace: opts.folder ? undefined : populateDemoWorkspace,
    keepWorkspace: !opts.clean,
    env: ({ sandbox }) => ({
      // Offered as the custom endpoint when signing in.
      KOODRIVE_ENDPOINT: sandbox.url,
      // "Try the local sandbox" signs in to this sandbox instead of starting its own, empty one.
      KOODRIVE_SANDBOX_URL: sandbox.url,
    }),
    log: () => undefined,
  });
  const workbenchUrl = opts.folder
    ? `${h.codeServer.url}/?folder=${encodeURIComponent(opts.folder)}`
    : h.codeServer.workbenchUrl;
  const workspaceNote = opts.folder
    ? `  Workspace:   ${opts.folder}`
    : `  Workspace:   ${h.workspace}\n               ${opts.clean ? 'deleted when the demo stops (--clean)' : 'kept when the demo stops (downloads land here); add --clean to delete it'}`;
  console.log(
    [
      '',
      'KooDrive demo is running.',
      '',
      `  Open:        ${workbenchUrl}`,
      '',
      workspaceNote,
      '',
      '  Then click the KooDrive icon in the activity bar, "Sign in", choose "Custom endpoint…", and enter:',
      `    endpoint:  ${h.sandbox.url}`,
      `    token:     ${SANDBOX_TOKEN}`,
      `    user id:   ${SANDBOX_USER_ID}`,
      '  or pick "Try the local sandbox": it signs in to this same sandbox, so both show the same files.',
      '',
      `  Sandbox admin (faults, request log, state): ${h.sandbox.url}/__sandbox/state`,
      `  Logs: ${h.artifacts}`,
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server and the sandbox...`);
    h.dispose().then(
      () => {
        if (!opts.folder && !opts.clean) console.log(`Kept the workspace: ${h.workspace}`);
        process.exit(0);
      },
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Either child dying ends the demo.
  h.codeServer.process.once('exit', () => stop('code-server exited'));
  h.sandbox.process.once('exit', () => stop('the sandbox exited'));
}

main().catch((err) => {
  console.error(`[demo] ${(err as Error).message}`);
  process.exit(1);
});
