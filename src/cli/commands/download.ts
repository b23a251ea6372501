import * as path from 'node:path';
import { parseCommandArgs } from '../args';
import type { ProgressEvent } from '../../core/progress';
import { KooDriveError } from '../../core/errors';
import type { ConflictPolicy } from '../../core/download/downloadConflicts';
import { downloadFiles } from '../../core/download/downloadFiles';
import type { DownloadFileResult } from '../../core/download/downloadTally';
import { resolveDownloadItems } from '../../core/download/resolveDownloadItems';
import type { DriveItem } from '../../core/api/models';
import { CliContext, formatBytes } from '../context';
import { downloadRecordsFor } from '../hashing';
import { JsonArrayWriter } from '../jsonArrayWriter';
import { parseChoice, parsePositiveInt } from '../parse';
import { resolveTargets } from '../targets';
import { usageError } from '../usage';

export const usage =
  'koodrive download <fileId|folderId|containerId:path...> [--container <containerId>] --to <dir> [--conflict fail|overwrite|skip|rename (default fail)] [--concurrency N (default 4)] [--quiet] [--json]';

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
    options: {
      container: { type: 'string' }, to: { type: 'string' }, conflict: { type: 'string' }, concurrency: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (positionals.length === 0) throw usageError(usage, 'Missing what to download: file or folder ids, or <containerId>:<path>');
  if (!values.to) throw usageError(usage, 'Missing --to <dir>');
  const conflict = parseChoice(values.conflict, '--conflict', CONFLICTS) ?? 'fail';
  const concurrency = parsePositiveInt(values.concurrency, '--concurrency', 32);
  const targetDir = path.resolve(values.to);
  const quiet = values.quiet === true;

  const drive = ctx.drive();
  // Paths are looked up here (a missing one is reported like a missing id, and the rest still download); ids by their details.
  const targets = await resolveTargets(ctx, positionals, { container: values.container, usage, what: 'what to download', keepMissing: true });
  const space = targets.space;
  const byId = await resolveDownloadItems(drive.client, space, targets.items.filter((t) => t.item === undefined).map((t) => t.fileId), { signal: ctx.signal });
  const details = new Map(byId.items.map((i) => [i.id, i]));
  const resolved = {
    // In the order given.
    items: targets.items.map((t) => t.item ?? details.get(t.fileId)).filter((i): i is DriveItem => i !== undefined),
    failures: [
      ...targets.missing.map((m): DownloadFileResult => ({ fileId: m.arg, remotePath: m.arg, size: 0, status: 'failed', error: m.error })),
      ...byId.failures,
    ],
  };
  const line = new ProgressLine(ctx.isTty && !ctx.flags.json && !quiet);
  const started = Date.now();
  // --json: each entry is written as its file settles (one JSON array, nothing kept per downloaded file); the text report keeps them for its listing.
  const json = ctx.flags.json ? new JsonArrayWriter((chunk) => ctx.write(chunk)) : undefined;
  const entries: Entry[] = [];
  let total = 0;
  let interrupted = false;
  const failedCodes = new Set<string | undefined>();
  let failedCount = 0;
  const add = (r: DownloadFileResult): void => {
    total++;
    if (r.status === 'failed') {
      failedCount++;
      failedCodes.add(r.error?.code);
      if (r.error?.retryable) interrupted = true;
    }
    const e = toEntry(r, ctx.redact);
    if (json) json.push(e);
    else entries.push(e);
  };
  // Results already written through onFileDone (failed ones only: the summary keeps no others with keepResults 'failed').
  const written = new Set<DownloadFileResult>();
  // A note in the state directory while it runs, so `koodrive transfers` finds an interrupted download.
  const forget = await downloadRecordsFor().begin({ targetDir, containerId: space.containerId, items: resolved.items.map((i) => ({ fileId: i.id, name: i.name })) })
    .catch((e: unknown) => {
      ctx.logger.warn(`Cannot record the download in the state directory: ${(e as Error).message}`);
      return undefined;
    });
  try {
    for (const f of resolved.failures) add(f);
    const summary = await downloadFiles(drive, space, resolved.items, {
      targetDir, conflict, concurrency, signal: ctx.signal, onProgress: (e) => line.update(e),
      ...(json ? {
        keepResults: 'failed' as const,
        onFileDone: (r: DownloadFileResult) => {
          add(r);
          if (r.status === 'failed') written.add(r);
        },
      } : {}),
    });
    // Without --json: every file, in walk order. With it: what onFileDone did not report (items that could not be planned, folders that could not be created).
    for (const f of summary.files) if (!written.has(f)) add(f);
  } catch (e) {
    // Stopped (cancelled, session expired): the entries already written still form one JSON document.
    json?.abort();
    throw e;
  } finally {
    line.done();
  }
  // Finished (failures included: they left no partial file worth resuming unless they were interrupted).
  if (!interrupted) await forget?.();

  if (json) json.close();
  else report(ctx, entries, targetDir, Date.now() - started, quiet);
  if (failedCount > 0) {
    const code = failedCodes.size === 1 ? ([...failedCodes][0] as KooDriveError['code'] | undefined) : 'ApiError';
    throw new KooDriveError(code ?? 'ApiError', `${failedCount} of ${total} file(s) could not be downloaded`, { subject: 'partial' });
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

/** `quiet`: only the failures (on stderr). */
function report(ctx: CliContext, entries: Entry[], targetDir: string, ms: number, quiet: boolean): void {
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
    else if (quiet) continue;
    else if (e.status === 'skipped') ctx.out(`- ${rel(e.localPath)} (exists, skipped)`);
    else if (listEach) ctx.out(`✓ ${rel(e.localPath)} ${formatBytes(e.size)}${e.resumedFrom ? ` (resumed at ${formatBytes(e.resumedFrom)})` : ''}`);
  }
  const bytes = downloaded.reduce((n, e) => n + e.size, 0);
  const secs = Math.max(ms, 1) / 1000;
  const skipped = entries.filter((e) => e.status === 'skipped').length;
  const failed = entries.length - downloaded.length - skipped;
  if (quiet) return;
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
