import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { localIoError } from '../../core/errors';
import { parseRemoteSpec } from '../../core/remoteFs/remotePath';
import { parseCommandArgs } from '../args';
import type { CliContext } from '../context';
import { remoteFsFor } from '../remoteFs';

export const usage = 'koodrive cat <containerId>:<path>';

/**
 * The bytes are downloaded and verified (size + SHA-256) into a private temp
 * file first and only then written to stdout: a pipe cannot take back bytes,
 * so nothing unverified is ever printed.
 */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 1, maxPositionals: 1 });
  const remote = parseRemoteSpec(positionals[0]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'koodrive-cat-'));
  try {
    const file = path.join(dir, 'content');
    await remoteFsFor(ctx).downloadFile(remote, file, { signal: ctx.signal });
    await copyToStdout(file, ctx.signal);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function copyToStdout(file: string, signal: AbortSignal): Promise<void> {
  const out = process.stdout;
  try {
    for await (const chunk of createReadStream(file, { signal })) {
      if (!out.write(chunk)) await once(out, 'drain', { signal });
    }
  } catch (e) {
    throw localIoError(e, file, 'read');
  }
}
