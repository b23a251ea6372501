/** What the suite knows about where it runs: the extension under test, the sandbox, a scratch folder. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { SANDBOX_TOKEN, SANDBOX_USER_ID, SandboxAdmin } from '../e2e/sandboxAdmin';
import { SANDBOX_URL_ENV, SCRATCH_ENV } from './results';

export const EXTENSION_ID = 'koodrive-dev.koodrive';

interface Manifest {
  contributes?: {
    commands?: { command: string; title: string }[];
    views?: Record<string, { id: string; name: string }[]>;
  };
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext;
}

export function packageJson(): Manifest {
  return extension().packageJSON as Manifest;
}

export interface SandboxTarget {
  url: string;
  token: string;
  userId: string;
  admin: SandboxAdmin;
}

/** The sandbox the harness started (its URL comes in $KOODRIVE_TEST_SANDBOX_URL). */
export function sandbox(): SandboxTarget {
  const url = process.env[SANDBOX_URL_ENV];
  if (!url) throw new Error(`${SANDBOX_URL_ENV} is not set: the harness starts the sandbox and passes its URL`);
  return { url, token: SANDBOX_TOKEN, userId: SANDBOX_USER_ID, admin: new SandboxAdmin(url) };
}

/** A fresh folder under the harness's scratch dir (or the OS temp dir). */
export function scratchDir(name: string): string {
  const base = process.env[SCRATCH_ENV] ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${name}-`));
}
