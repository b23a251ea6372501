/**
 * `koodrive transfers [--json]`: the resumable uploads and downloads found in
 * the state directory (KOODRIVE_STATE_DIR, else ~/.koodrive): running the
 * same `upload` / `download` again continues them.
 * `koodrive transfers clear [--all]`: forgets the entries that can no longer
 * be resumed (older than the upload lifetime, local file changed or gone, no
 * partial files left); with --all, every entry, and the partial files of
 * unfinished downloads too.
 */
import { parseCommandArgs } from '../args';
import { clearResumable, listResumable, Resumable } from '../../core/queue/resumeInventory';
import { CliContext, formatBytes, table } from '../context';
import { stateDir } from '../hashing';
import { usageError } from '../usage';

export const usage = 'koodrive transfers [clear [--all]] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { all: { type: 'boolean' } }, maxPositionals: 1 });
  const [sub] = positionals;
  if (sub !== undefined && sub !== 'clear') throw usageError(usage, `Unknown subcommand "${sub}"`);
  if (values.all && sub !== 'clear') throw usageError(usage, '--all goes with "clear"');
  const dir = stateDir();
  if (sub === 'clear') {
    const removed = await clearResumable(dir, { all: values.all === true });
    if (ctx.flags.json) ctx.out(JSON.stringify({ stateDir: dir, removed: removed.map(toJson) }));
    else ctx.out(`Removed ${removed.length} entr${removed.length === 1 ? 'y' : 'ies'} from ${dir}${values.all ? '' : ' (those that can no longer be resumed; --all removes every one)'}`);
    return;
  }
  const entries = await listResumable(dir);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(entries.map(toJson)));
    return;
  }
  if (entries.length === 0) {
    ctx.out(`Nothing to resume in ${dir}`);
    return;
  }
  ctx.out(table([
    ['KIND', 'STATE', 'DONE', 'STARTED', 'WHAT'],
    ...entries.map((e) => [
      e.kind,
      e.stale ? `stale: ${e.stale}` : 'resumable',
      e.kind === 'upload' ? `${formatBytes(e.bytesDone)} of ${formatBytes(e.size)} (${e.partsDone}/${e.partsTotal} parts)` : `${formatBytes(e.partials.reduce((n, p) => n + p.bytes, 0))} in ${e.partials.length} file(s)`,
      e.createdAt ? new Date(e.createdAt).toISOString().slice(0, 16).replace('T', ' ') : '',
      e.kind === 'upload' ? `${e.localPath} → ${e.containerId}` : `${e.containerId}: ${e.items.map((i) => i.name).join(', ')} → ${e.targetDir}`,
    ]),
  ]));
  ctx.out('Run the same koodrive upload / download again to continue; koodrive transfers clear forgets the stale ones.');
}

/** The --json shape (a contract: field names do not change). */
function toJson(e: Resumable): Record<string, unknown> {
  const common = { kind: e.kind, resumable: !e.stale, stale: e.stale ?? null, createdAt: e.createdAt ? new Date(e.createdAt).toISOString() : null, stateFile: e.stateFile, containerId: e.containerId };
  if (e.kind === 'upload') {
    return { ...common, localPath: e.localPath, fileName: e.fileName, size: e.size, bytesDone: e.bytesDone, partsDone: e.partsDone, partsTotal: e.partsTotal };
  }
  return {
    ...common, targetDir: e.targetDir, items: e.items, bytesDone: e.partials.reduce((n, p) => n + p.bytes, 0),
    partialFiles: e.partials.map((p) => ({ path: p.path, bytes: p.bytes })),
  };
}
