import * as path from 'node:path';
import { parseCommandArgs } from '../args';
import type { ProgressEvent } from '../../core/progress';
import { KooDriveError } from '../../core/errors';
import { resolveSpace } from '../../core/spaces';
import type { ConflictPolicy } from '../../core/download/downloadConflicts';
import { downloadFiles } from '../../core/download/downloadFiles';
import type { DownloadFileResult } from '../../core/download/downloadTally';
import { resolveDownloadItems } from '../../core/download/resolveDownloadItems';
import { CliContext, formatBytes } from '../context';
import { downloadRecordsFor } from '../hashing';
import { parseChoice, parsePositiveInt } from '../parse';
import { usageError } from '../usage';

export const usage =
  'koodrive download <fileId|folderId...> --container <containerId> --to <dir> [--conflict fail|overwrite|skip|rename (default fail)] [--concurrency N (default 4)] [--json]';

/**
 * Default 'fail': an existing local file is never replaced unless asked; that
 * file is reported as failed (Conflict), the others still download.
 */
const CONFLICTS = ['fail', 'overwrite', 'skip', 'rename'] as const satisfies readonly ConflictPolicy[];

interface Entry {
  fileId: string;
  remotePath: string;
  localPath: string | null;
  size: number;
  sha256: string | null;
  status: DownloadFileResult['status'];
  resumedFrom?: number;
  error?: { code: string; message: string };
}

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, {
    usage,
    options: { container: { type: 'string' }, to: { type: 'string' }, conflict: { type: 'string' }, concurrency: { type: 'string' } },
  });
  if (positionals.length === 0 || !values.container || !values.to) throw usageError(usage);
  const conflict = parseChoice(values.conflict, '--conflict', CONFLICTS) ?? 'fail';
  const concurrency = parsePositiveInt(values.concurrency, '--concurrency', 32);
  const targetDir = path.resolve(values.to);

  const drive = ctx.drive();
  const space = await resolveSpace(drive.client, ctx.userId(), values.container, { signal: ctx.signal });
  const resolved = await resolveDownloadItems(drive.client, space, positionals, { signal: ctx.signal });
  const line = new ProgressLine(ctx.isTty && !ctx.flags.json);
  const started = Date.now();
  let files: DownloadFileResult[];
  // A note in the state directory while it runs, so `koodrive transfers` finds an interrupted download.
  const forget = await downloadRecordsFor().begin({ targetDir, containerId: space.containerId, items: resolved.items.map((i) => ({ fileId: i.id, name: i.name })) })
    .catch((e: unknown) => {
      ctx.logger.warn(`Cannot record the download in the state directory: ${(e as Error).message}`);
      return undefined;
    });
  try {
    const summary = await downloadFiles(drive, space, resolved.items, {
      targetDir, conflict, concurrency, signal: ctx.signal, onProgress: (e) => line.update(e),
    });
    files = [...resolved.failures, ...summary.files];
  } finally {
    line.done();
  }
  // Finished (failures included: they left no partial file worth resuming unless they were interrupted).
  if (!files.some((f) => f.status === 'failed' && f.error?.retryable)) await forget?.();

  const entries = files.map((r) => toEntry(r, ctx.redact));
  if (ctx.flags.json) ctx.out(JSON.stringify(entries));
  else report(ctx, entries, targetDir, Date.now() - started);
  const failed = entries.filter((e) => e.status === 'failed');
  if (failed.length > 0) {
    const codes = new Set(failed.map((f) => f.error?.code));
    const code = codes.size === 1 ? (failed[0].error?.code as KooDriveError['code']) : 'ApiError';
    throw new KooDriveError(code ?? 'ApiError', `${failed.length} of ${entries.length} file(s) could not be downloaded`, { subject: 'partial' });
  }
}

/** `redact`: the CLI's (token from flags/environment), so a --json message never carries it. */
function toEntry(r: DownloadFileResult, redact: (text: string) => string): Entry {
  const e: Entry = {
    fileId: r.fileId, remotePath: r.remotePath, localPath: r.localPath ?? null, size: r.size, sha256: r.sha256 ?? null, status: r.status,
  };
  if (r.resumedFrom) e.resumedFrom = r.resumedFrom;
  if (r.error) e.error = { code: r.error.code, message: redact(r.error.message) };
  return e;
}

function report(ctx: CliContext, entries: Entry[], targetDir: string, ms: number): void {
  const rel = (p: string | null): string => {
    if (!p) return '';
    const r = path.relative(process.cwd(), p);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
  };
  const downloaded = entries.filter((e) => e.status === 'downloaded');
  const listEach = downloaded.length <= 50 || ctx.flags.verbose;
  for (const e of entries) {
    if (e.status === 'failed') {
      const msg = e.error?.message ?? 'failed';
      ctx.err(`✗ ${msg.includes(e.remotePath) ? msg : `${e.remotePath}: ${msg}`} [${e.error?.code}]`);
    }
    else if (e.status === 'skipped') ctx.out(`- ${rel(e.localPath)} (exists, skipped)`);
    else if (listEach) ctx.out(`✓ ${rel(e.localPath)} ${formatBytes(e.size)}${e.resumedFrom ? ` (resumed at ${formatBytes(e.resumedFrom)})` : ''}`);
  }
  const bytes = downloaded.reduce((n, e) => n + e.size, 0);
  const secs = Math.max(ms, 1) / 1000;
  const skipped = entries.filter((e) => e.status === 'skipped').length;
  const failed = entries.length - downloaded.length - skipped;
  ctx.out(
    `${downloaded.length} file(s) downloaded to ${rel(targetDir) || '.'}, ${formatBytes(bytes)} in ${secs.toFixed(1)} s (${formatBytes(bytes / secs)}/s)` +
      `${skipped ? `, ${skipped} skipped` : ''}${failed ? `, ${failed} failed` : ''}`,
  );
}

/** One status line on stderr (terminal only): bytes so far over bytes known so far, rate, files done. */
class ProgressLine {
  private readonly files = new Map<string, ProgressEvent>();
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(e: ProgressEvent): void {
    if (!this.enabled) return;
    this.files.set(e.subject, e);
    const now = Date.now();
    if (now - this.lastDraw < 250 && e.bytesDone !== e.bytesTotal) return;
    this.lastDraw = now;
    let done = 0;
    let total = 0;
    let complete = 0;
    for (const f of this.files.values()) {
      done += f.bytesDone;
      total += f.bytesTotal;
      if (f.bytesDone === f.bytesTotal) complete++;
    }
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const name = path.basename(e.subject);
    const text = `↓ ${formatBytes(done)}/${formatBytes(total)}  ${formatBytes(done / secs)}/s  ${complete}/${this.files.size} files  ${name.length > 40 ? `…${name.slice(-39)}` : name}`;
    const width = this.stream.columns ? Math.min(this.stream.columns - 1, 120) : 100;
    this.stream.write(`\r${text.slice(0, width).padEnd(width)}`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
