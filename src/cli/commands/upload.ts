import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseCommandArgs } from '../args';
import { resolveSpace } from '../../core/spaces';
import { isCancellation, KooDriveError, localIoError } from '../../core/errors';
import { checkRemoteName } from '../../core/remoteNames';
import { checkPartSize, planParts } from '../../core/upload/partPlan';
import { uploadFile, UploadResult } from '../../core/upload/uploadFile';
import type { ConflictPolicy } from '../../core/upload/uploadTarget';
import { FileOutcome, uploadFolder } from '../../core/upload/uploadFolder';
import { CliContext, formatBytes } from '../context';
import { uploadDepsFor, uploadRunMarksFor } from '../hashing';
import { parseByteSize, parseChoice, parsePositiveInt } from '../parse';
import { JsonArrayWriter } from '../jsonArrayWriter';
import { ProgressBar } from '../progressBar';
import { resolveFolder } from '../targets';
import { usageError } from '../usage';
import { isRemoteSpec, parseRemoteSpec } from '../../core/remoteFs/remotePath';

export const usage =
  'koodrive upload <path...> --container <containerId> [--parent <folderId|containerId:path>] [--conflict rename|fail|skip-same (default rename)] [--part-size BYTES] [--concurrency N] [--exclude GLOB]... [--no-gitignore] [--no-resume] [--quiet] [--json]';

const CONFLICTS = ['rename', 'fail', 'skip-same'] as const;

type Entry =
  | ({ status: 'uploaded' | 'rapid' | 'skipped' } & Pick<UploadResult, 'localPath' | 'fileId' | 'fileName' | 'size' | 'sha256' | 'rapidUpload' | 'resumed'>)
  | { status: 'failed'; localPath: string; error: { code: string; message: string } }
  | { status: 'not-uploaded'; localPath: string; reason: string; message: string };

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, {
    usage,
    options: {
      container: { type: 'string' }, parent: { type: 'string' }, conflict: { type: 'string' }, 'part-size': { type: 'string' },
      concurrency: { type: 'string' }, exclude: { type: 'string', multiple: true }, 'no-gitignore': { type: 'boolean' }, 'no-resume': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (positionals.length === 0) throw usageError(usage, 'Missing the files or folders to upload');
  // --parent <containerId>:<path> names the space too.
  const parentSpec = values.parent !== undefined && isRemoteSpec(values.parent) ? parseRemoteSpec(values.parent) : undefined;
  if (!values.container && !parentSpec) throw usageError(usage, 'Missing --container (or a <containerId>:<folder> target with --parent)');
  if (values.container && parentSpec && parentSpec.containerId !== values.container) {
    throw usageError(usage, `--container ${values.container} and --parent ${values.parent} name two spaces`);
  }
  const quiet = values.quiet === true;
  const conflict: ConflictPolicy = parseChoice(values.conflict, '--conflict', CONFLICTS) ?? 'rename';
  const partSize = parseByteSize(values['part-size'], '--part-size');
  if (partSize !== undefined) {
    try {
      checkPartSize(partSize);
    } catch (e) {
      throw new KooDriveError('InvalidInput', `--part-size: ${(e as Error).message}`, { subject: 'usage' });
    }
  }
  const concurrency = parsePositiveInt(values.concurrency, '--concurrency');
  // Check every path before any request: a typo, a name KooDrive refuses or a
  // file it cannot take must not leave half the list uploaded.
  const targets: Array<{ path: string; isDir: boolean }> = [];
  for (const p of positionals) {
    const st = await stat(p).catch((e) => {
      throw localIoError(e, p, 'upload');
    });
    if (!st.isFile() && !st.isDirectory()) throw new KooDriveError('InvalidInput', `${p} is neither a file nor a folder`, { subject: p });
    checkRemoteName(path.basename(path.resolve(p)), p);
    if (st.isFile()) planParts(st.size, partSize, p);
    targets.push({ path: p, isDir: st.isDirectory() });
  }

  const deps = uploadDepsFor(ctx, { resume: !values['no-resume'] });
  const space = await resolveSpace(deps.client, ctx.userId(), parentSpec?.containerId ?? (values.container as string), { signal: ctx.signal });
  const parentFolderId = values.parent ? (await resolveFolder(ctx, values.parent, space, usage)).folderId : space.rootFolderId;
  // Without resume state (--no-resume) nothing is written, the mark neither.
  const marks = values['no-resume'] ? undefined : uploadRunMarksFor();
  const runKey = { paths: targets.map((t) => t.path), containerId: space.containerId, parentFolderId };
  // Best effort, like the resume state: a state folder we cannot write must not stop the upload.
  const again = marks ? await marks.begin(runKey).catch((e: Error) => {
    ctx.logger.warn(`Cannot write the upload mark in ${marks.dir}: ${e.message}`);
    return false;
  }) : false;
  const bar = new ProgressBar(ctx.isTty && !ctx.flags.json && !quiet);
  const common = { partSize, concurrency, signal: ctx.signal, onProgress: (e: Parameters<typeof bar.update>[0]) => bar.update(e) };
  // --json: each entry is written as its file settles (one JSON array, nothing kept per file); the text report keeps them for its listing.
  const json = ctx.flags.json ? new JsonArrayWriter((chunk) => ctx.write(chunk)) : undefined;
  const entries: Entry[] = [];
  let total = 0;
  let bad = 0;
  const add = (e: Entry): void => {
    total++;
    if (e.status === 'failed' || e.status === 'not-uploaded') bad++;
    if (json) json.push(e);
    else entries.push(e);
  };
  const started = Date.now();
  try {
    for (const t of targets) {
      if (t.isDir) {
        const s = await uploadFolder(deps, t.path, { space, parentFolderId }, {
          ...common, conflict, again, exclude: values.exclude, useGitignore: !values['no-gitignore'],
          ...(json ? { keepOutcomes: false, onFileDone: (f: FileOutcome) => add(fromOutcome(f, ctx.redact)) } : {}),
        });
        for (const f of s.files) add(fromOutcome(f, ctx.redact));
        for (const k of s.skipped) if (k.reason !== 'excluded') add({ status: 'not-uploaded', localPath: k.absPath, reason: k.reason, message: k.message });
      } else {
        try {
          add(fromResult(await uploadFile(deps, t.path, { kind: 'file', space, parentFolderId, conflict, again }, common)));
        } catch (e) {
          // An expired session fails every later file too: one clear "sign in again" instead.
          if (isCancellation(e) || KooDriveError.is(e, 'AuthRequired') || targets.length === 1) throw e;
          add(failed(t.path, e, ctx.redact));
        }
      }
    }
  } catch (e) {
    // Stopped (cancelled, session expired): the entries already written still form one JSON document.
    json?.abort();
    throw e;
  } finally {
    bar.done();
  }
  if (json) json.close();
  else report(ctx, entries, Date.now() - started, quiet);
  if (bad) throw new KooDriveError('ApiError', `${bad} of ${total} file(s) were not uploaded`, { subject: 'partial' });
  await marks?.end(runKey).catch(() => undefined);
}

function fromOutcome(f: FileOutcome, redact: (text: string) => string): Entry {
  return f.status === 'uploaded' ? fromResult(f.result) : failed(f.localPath, f.error, redact);
}

function fromResult(r: UploadResult): Entry {
  return {
    status: r.skipped ? 'skipped' : r.rapidUpload ? 'rapid' : 'uploaded',
    localPath: r.localPath, fileId: r.fileId, fileName: r.fileName, size: r.size, sha256: r.sha256, rapidUpload: r.rapidUpload, resumed: r.resumed,
  };
}

/** `redact`: the CLI's (token from flags/environment), so a --json message never carries it. */
function failed(localPath: string, e: unknown, redact: (text: string) => string): Entry {
  const err = KooDriveError.is(e) ? e : new KooDriveError('ApiError', String((e as Error)?.message ?? e));
  return { status: 'failed', localPath, error: { code: err.code, message: redact(err.message) } };
}

/** The text report (not --json). `quiet`: only what was not uploaded (on stderr). */
function report(ctx: CliContext, entries: Entry[], ms: number, quiet: boolean): void {
  let bytes = 0;
  for (const e of entries) {
    if (e.status === 'failed') ctx.err(`✗ ${e.localPath}: ${e.error.message}`);
    else if (e.status === 'not-uploaded') ctx.err(`- ${e.localPath}: ${e.message}`);
    else if (!quiet) {
      if (e.status === 'uploaded') bytes += e.size;
      const note = e.status === 'rapid' ? ' (flash upload: already on KooDrive, nothing sent)' : e.status === 'skipped' ? ' (identical file already there, skipped)' : e.resumed ? ' (resumed)' : '';
      ctx.out(`✓ ${path.relative(process.cwd(), e.localPath) || e.localPath} → ${e.fileName} ${e.fileId}${note}`);
    }
  }
  if (quiet) return;
  const ok = entries.filter((e) => e.status !== 'failed' && e.status !== 'not-uploaded').length;
  ctx.out(`${ok}/${entries.length} file(s) uploaded, ${formatBytes(bytes)} sent in ${(ms / 1000).toFixed(1)} s`);
}
