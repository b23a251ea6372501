import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { localIoError } from '../../core/errors';
import { sha256Tag } from '../../core/remoteFs/contentTag';
import { childOf, parseRemoteSpec, RemotePath } from '../../core/remoteFs/remotePath';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes } from '../context';
import { ProgressBar } from '../progressBar';
import { remoteFsFor } from '../remoteFs';
import { usageError } from '../usage';

export const usage = 'koodrive put <localFile|-> <containerId>:<path> [--if-sha256 <hex>] [--quiet] [--json]';

/**
 * Creates the remote file (missing parent folders too) or, when it exists,
 * saves the content as its new revision; identical content creates nothing.
 * `--if-sha256`: only when the remote file's current SHA-256 is that one;
 * otherwise (also when it does not exist) nothing changes and the command
 * fails with [RemoteChanged].
 */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, {
    usage, options: { 'if-sha256': { type: 'string' }, quiet: { type: 'boolean', short: 'q' } }, minPositionals: 2, maxPositionals: 2,
  });
  const quiet = values.quiet === true && !ctx.flags.json;
  const [source, spec] = positionals;
  const ifSha = values['if-sha256'];
  if (ifSha !== undefined && !/^[0-9a-fA-F]{64}$/.test(ifSha)) throw usageError(usage, '--if-sha256 needs the 64 hex digits of a SHA-256');
  let remote: RemotePath = parseRemoteSpec(spec);
  if (spec.endsWith('/') || remote.names.length === 0) {
    // "put a.txt c1:Documents/" puts a.txt into Documents.
    if (source === '-') throw usageError(usage, 'Reading stdin needs the remote file name, not just its folder');
    remote = childOf(remote, path.basename(source));
  }
  const tempDir = source === '-' ? await mkdtemp(path.join(os.tmpdir(), 'koodrive-put-')) : undefined;
  const bar = new ProgressBar(ctx.isTty && !ctx.flags.json && !quiet);
  try {
    const file = tempDir ? await stdinToFile(path.join(tempDir, 'stdin')) : source;
    const r = await remoteFsFor(ctx).writeFile(remote, { file }, {
      create: true, overwrite: true, createParents: true,
      expected: ifSha ? [sha256Tag(ifSha)] : undefined,
      signal: ctx.signal, onProgress: (e) => bar.update(e),
    }).finally(() => bar.done());
    const shown = remote.names.join('/');
    if (ctx.flags.json) {
      ctx.out(JSON.stringify({ fileId: r.fileId, name: r.name, size: r.size, sha256: r.sha256, [r.outcome]: true }));
    } else if (quiet) {
      // nothing: the exit code says it worked
    } else if (r.outcome === 'created') ctx.out(`Created ${shown} (${formatBytes(r.size)})`);
    else if (r.outcome === 'revised') ctx.out(`Saved ${shown} as a new version (${formatBytes(r.size)})`);
    else ctx.out(`Unchanged: ${shown} already has this content (no new version)`);
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** stdin into a private temp file: the upload engine reads the content twice (hash, parts). */
async function stdinToFile(file: string): Promise<string> {
  try {
    await pipeline(process.stdin, createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    throw localIoError(e, 'stdin', 'read');
  }
  return file;
}
