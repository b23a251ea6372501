import { HelpRequested, parseCommandArgs } from '../args';
import { sameAsLatestRevision } from '../../core/upload/sameAsLatest';
import { uploadFile } from '../../core/upload/uploadFile';
import { CliContext, formatBytes, table } from '../context';
import { uploadDepsFor } from '../hashing';
import { parseByteSize } from '../parse';
import { ProgressBar } from '../progressBar';
import { resolveTargets } from '../targets';
import { usageError } from '../usage';

// --file-id takes <containerId>:<path> too; --container is then not needed.
export const usage = [
  'koodrive revision save <file> --container <containerId> --file-id <fileId|containerId:path> [--keep-forever] [--force] [--part-size BYTES] [--quiet] [--json]',
  'koodrive revision list --container <containerId> --file-id <fileId|containerId:path> [--json]',
  'koodrive revision restore --container <containerId> --file-id <fileId|containerId:path> --revision <revisionId> [--json]',
].join('\n  ');

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') throw new HelpRequested(usage);
  const { positionals, values } = parseCommandArgs(rest, {
    usage,
    options: {
      container: { type: 'string' }, 'file-id': { type: 'string' }, revision: { type: 'string' },
      'keep-forever': { type: 'boolean' }, force: { type: 'boolean' }, 'part-size': { type: 'string' }, 'no-resume': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (sub !== 'save' && sub !== 'list' && sub !== 'restore') throw usageError(usage, sub ? `Unknown revision command "${sub}"` : 'Missing revision command (save, list or restore)');
  if (!values['file-id']) throw usageError(usage, 'Missing --file-id');
  const client = ctx.drive().client;
  const { space, items: [target] } = await resolveTargets(ctx, [values['file-id']], { container: values.container, usage, what: '--file-id' });
  const fileId = target.fileId;
  const quiet = values.quiet === true && !ctx.flags.json;

  if (sub === 'save') {
    if (positionals.length !== 1) throw usageError(usage);
    const localPath = positionals[0];
    // Content identical to the latest version would only add a duplicate version: skip it unless --force.
    if (!values.force) {
      const check = await sameAsLatestRevision(client, space, fileId, localPath, ctx.signal);
      if (check.same) {
        if (!quiet) ctx.out(ctx.flags.json
          ? JSON.stringify({ unchanged: true, localPath, fileId, size: check.size, sha256: check.sha256 })
          : `Unchanged: ${localPath} is identical to the latest version of ${fileId}; no new version saved (--force saves it anyway)`);
        return;
      }
    }
    const deps = uploadDepsFor(ctx, { resume: !values['no-resume'] });
    const bar = new ProgressBar(ctx.isTty && !ctx.flags.json && !quiet);
    const r = await uploadFile(deps, localPath, { kind: 'revision', space, fileId, keepForever: values['keep-forever'] }, {
      partSize: parseByteSize(values['part-size'], '--part-size'), signal: ctx.signal, onProgress: (e) => bar.update(e),
    }).finally(() => bar.done());
    if (!quiet) ctx.out(ctx.flags.json ? JSON.stringify({ unchanged: false, ...r }) : `Saved ${r.localPath} as a new version of ${fileId}${r.rapidUpload ? ' (flash upload, nothing sent)' : ''}`);
  } else if (sub === 'list') {
    const items = [];
    for (let cursor: string | undefined; ; ) {
      const page = await client.listRevisions(space, fileId, { cursor, signal: ctx.signal });
      items.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    if (ctx.flags.json) ctx.out(JSON.stringify(items));
    else {
      ctx.out(table([
        ['VERSION', 'REVISION ID', 'SIZE', 'CREATED', 'KEEP', 'NOTE'],
        ...items.map((r) => [String(r.version), r.revisionId, r.size === undefined ? '' : formatBytes(r.size), r.createdAt ? new Date(r.createdAt).toISOString() : '', r.keepForever ? 'forever' : '', `${r.isLatest ? 'latest ' : ''}${r.reason === 'restored' ? 'restored' : ''}`.trim()]),
      ]));
    }
  } else if (sub === 'restore') {
    if (!values.revision) throw usageError(usage);
    await client.restoreRevision(space, fileId, values.revision, { signal: ctx.signal });
    ctx.out(ctx.flags.json ? JSON.stringify({ fileId, restored: values.revision }) : `Restored ${values.revision} as the latest version of ${fileId}`);
  } else {
    throw usageError(usage);
  }
}
