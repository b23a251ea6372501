/**
 * `koodrive sync …`: a local folder kept in step with a KooDrive folder
 * (docs/sync.md). The contract — arguments, the JSON of `status`, the exit
 * codes (0 in sync, 1 a file failed, 2 usage, 3 conflicts left, 4 stopped by
 * a safety rule with nothing changed) — is pinned by test/integration/syncCli.test.ts.
 */
import { KooDriveError } from '../../core/errors';
import { parseRemoteSpec, displayNames } from '../../core/remoteFs/remotePath';
import { resolveSpace } from '../../core/spaces';
import { makeHashFile } from '../../core/sync/hashFilePort';
import { folderTrash } from '../../core/sync/localTrash';
import { parseMaxDelete } from '../../core/sync/safetyRules';
import { linkFolder, loadLinked, syncFolder, syncStatus, unlinkFolder, type SyncContext } from '../../core/sync/syncRun';
import { SyncStateStore } from '../../core/sync/syncState';
import type { ApplyResult, ConflictResolution, Direction, SyncAction, SyncChange, SyncLink, SyncNotice, SyncPlan } from '../../core/sync/syncTypes';
import { HelpRequested, parseCommandArgs } from '../args';
import type { CliContext } from '../context';
import { ExitWith } from '../exitCode';
import { hashPoolFor, stateDir, uploadDepsFor } from '../hashing';
import { remoteFsFor } from '../remoteFs';
import { usageError } from '../usage';

export const usage = [
  'koodrive sync <localDir> [--dry-run] [--direction both|push|pull] [--conflict skip|local|remote|keep-both] [--max-delete N|N%] [--force] [--json]',
  'koodrive sync link <localDir> <containerId>:<path> [--json]',
  'koodrive sync unlink <localDir>',
  'koodrive sync links [--json]',
  'koodrive sync status <localDir> [--json]',
  '    exit codes: 0 in sync, 1 a file failed, 2 usage, 3 conflicts left unresolved, 4 stopped by a safety rule (nothing changed)',
].join('\n  ');

/** Exit codes of `koodrive sync` (the contract). */
export const SYNC_EXIT = { inSync: 0, failed: 1, usage: 2, conflicts: 3, stopped: 4 } as const;

const DIRECTIONS: readonly Direction[] = ['both', 'push', 'pull'];
const RESOLUTIONS: readonly ConflictResolution[] = ['skip', 'local', 'remote', 'keep-both'];

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined) throw usageError(usage);
  if (sub === '--help' || sub === '-h') throw new HelpRequested(usage);
  switch (sub) {
    case 'link':
      return link(ctx, rest);
    case 'unlink':
      return unlink(ctx, rest);
    case 'links':
      return links(ctx, rest);
    case 'status':
      return status(ctx, rest);
    default:
      return sync(ctx, argv);
  }
}

function syncContext(ctx: CliContext): SyncContext {
  return { stateDir: stateDir(), client: ctx.drive().client, hashFile: makeHashFile(hashPoolFor(ctx)) };
}

/** The link as the CLI prints it (status --json "link"). */
function linkJson(l: SyncLink): { local: string; containerId: string; folderId: string; remotePath: string } {
  return { local: l.localRoot, containerId: l.containerId, folderId: l.folderId, remotePath: l.remotePath };
}

async function link(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 2, maxPositionals: 2 });
  const [localDir, spec] = positionals;
  const remote = parseRemoteSpec(spec);
  const client = ctx.drive().client;
  const space = await resolveSpace(client, ctx.userId(), remote.containerId, { signal: ctx.signal });
  const st = await remoteFsFor(ctx).stat(remote, { signal: ctx.signal });
  if (st.kind !== 'folder') throw new KooDriveError('InvalidInput', `${spec} is a file; link a folder`, { subject: spec });
  const l = await linkFolder(syncContext(ctx), localDir, { space, folderId: st.id, remotePath: `/${displayNames(remote).replace(/^\//, '')}` });
  ctx.out(ctx.flags.json ? JSON.stringify(linkJson(l)) : `Linked ${l.localRoot} ↔ ${l.containerId}:${l.remotePath} (folder ${l.folderId}). Run "koodrive sync status ${localDir}" to see what differs.`);
}

async function unlink(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 1, maxPositionals: 1 });
  const l = await unlinkFolder({ stateDir: stateDir() }, positionals[0]);
  ctx.out(ctx.flags.json ? JSON.stringify(linkJson(l)) : `Unlinked ${l.localRoot} from ${l.containerId}:${l.remotePath}; both sides are kept as they are.`);
}

async function links(ctx: CliContext, argv: string[]): Promise<void> {
  parseCommandArgs(argv, { usage, options: {}, maxPositionals: 0 });
  const all = await new SyncStateStore(stateDir()).listLinks();
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(all.map(linkJson)));
    return;
  }
  ctx.out(all.length === 0 ? 'No linked folders.' : all.map((l) => `${l.localRoot}  ↔  ${l.containerId}:${l.remotePath}`).join('\n'));
}

/** One change as `status --json` prints it (the contract's shape, nothing more). */
function changeJson(c: SyncChange): Record<string, unknown> {
  return {
    path: c.path,
    state: c.state,
    local: c.local ? { size: c.local.size, sha256: c.local.sha256 } : null,
    remote: c.remote ? { fileId: c.remote.fileId, size: c.remote.size, sha256: c.remote.sha256 ?? null } : null,
  };
}

async function status(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 1, maxPositionals: 1 });
  const sctx = syncContext(ctx);
  await loadLinked(sctx, positionals[0]);
  const { plan } = await syncStatus(sctx, positionals[0], { signal: ctx.signal });
  printNotices(ctx, plan.notices);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({ link: linkJson(plan.link), changes: plan.changes.map(changeJson), summary: plan.summary }));
    return;
  }
  ctx.out(describePlan(plan, false));
}

const LABEL: Record<string, string> = {
  localModified: 'to upload    modified', localAdded: 'to upload    new', localDeleted: 'to upload    deleted',
  remoteModified: 'to download  modified', remoteAdded: 'to download  new', remoteDeleted: 'to download  deleted',
  conflict: 'conflict     both changed',
};

function describePlan(plan: SyncPlan, withActions: boolean): string {
  const lines = [`${plan.link.localRoot}  ↔  ${plan.link.containerId}:${plan.link.remotePath}`];
  for (const c of plan.changes) lines.push(`  ${LABEL[c.state ?? ''] ?? c.state}  ${c.path}${c.movedFrom ? `  (moved from ${c.movedFrom})` : ''}`);
  if (withActions) {
    lines.push('Plan:');
    const shown = plan.actions.filter((a) => a.kind !== 'record');
    for (const a of shown) lines.push(`  ${actionText(a)}`);
    if (shown.length === 0) lines.push('  nothing to transfer');
  }
  const s = plan.summary;
  lines.push(`${s.toUpload} to upload, ${s.toDownload} to download, ${s.conflicts} conflict${s.conflicts === 1 ? '' : 's'}, ${s.unchanged} unchanged`);
  for (const stop of plan.stops) lines.push(`STOP: ${stop.message}`);
  return lines.join('\n');
}

function actionText(a: SyncAction): string {
  switch (a.kind) {
    case 'moveRemote':
    case 'moveLocal':
      return `${a.kind === 'moveRemote' ? 'move on KooDrive' : 'move locally'}: ${a.from} → ${a.path}`;
    case 'resolve':
      return `resolve (${a.resolution}): ${a.path}`;
    default:
      return `${ACTION_TEXT[a.kind]}: ${a.path}`;
  }
}

const ACTION_TEXT: Record<string, string> = {
  upload: 'upload', uploadRevision: 'upload new version', download: 'download', recycleRemote: 'move to the KooDrive recycle bin',
  trashLocal: 'move to the local trash', record: 'record', forget: 'forget',
};

function printNotices(ctx: CliContext, notices: readonly SyncNotice[]): void {
  for (const n of notices) ctx.err(`warning: ${n.path}: ${n.message}`);
}

async function sync(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, {
    usage,
    options: { 'dry-run': { type: 'boolean' }, direction: { type: 'string' }, conflict: { type: 'string' }, 'max-delete': { type: 'string' }, force: { type: 'boolean' } },
    minPositionals: 1, maxPositionals: 1,
  });
  const direction = (values.direction ?? 'both') as Direction;
  if (!DIRECTIONS.includes(direction)) throw usageError(usage, `--direction must be one of ${DIRECTIONS.join(', ')}`);
  const conflict = (values.conflict ?? 'skip') as ConflictResolution;
  if (!RESOLUTIONS.includes(conflict)) throw usageError(usage, `--conflict must be one of ${RESOLUTIONS.join(', ')}`);
  const maxDelete = values['max-delete'] === undefined ? undefined : parseMaxDelete(values['max-delete']);
  if (values['max-delete'] !== undefined && !maxDelete) throw usageError(usage, '--max-delete takes a count (N) or a percentage (N%)');
  const localDir = positionals[0];
  const sctx = syncContext(ctx);
  const linked = await loadLinked(sctx, localDir);
  const dryRun = Boolean(values['dry-run']);
  const trash = folderTrash(stateDir(), linked.link.id);
  const deps = uploadDepsFor(ctx, { resume: true });
  const human = !ctx.flags.json;
  const result = await syncFolder(sctx, { dispatcher: deps.dispatcher, hasher: deps.hasher, resumeStore: deps.resumeStore, logger: ctx.logger, trash, redact: ctx.redact }, localDir, {
    dryRun, direction, conflict, maxDelete, force: Boolean(values.force), signal: ctx.signal, owner: 'koodrive sync',
    onEvent: human ? (e) => {
      if (e.kind === 'done' && e.action.kind !== 'record') ctx.out(`${actionText(e.action)}${e.detail ? ` — ${e.detail}` : ''}`);
      else if (e.kind === 'conflict') ctx.out(`conflict: ${e.path}: ${e.why}`);
      else if (e.kind === 'failed') ctx.err(`failed: ${e.action.path}: ${ctx.redact(e.error.message)}`);
    } : undefined,
  });
  const { plan, applied } = result;
  printNotices(ctx, plan.notices);
  const unresolved = unresolvedConflicts(plan, applied);
  const code = result.stopped ? SYNC_EXIT.stopped : applied && applied.failed.length > 0 ? SYNC_EXIT.failed : unresolved.length > 0 ? SYNC_EXIT.conflicts : SYNC_EXIT.inSync;
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({
      link: linkJson(plan.link), dryRun, exitCode: code,
      stopped: plan.stops.map((s) => ({ rule: s.rule, message: s.message })),
      changes: plan.changes.map(changeJson),
      summary: plan.summary,
      actions: plan.actions.filter((a) => a.kind !== 'record').map((a) => ({ ...a })),
      result: applied ? { done: applied.done, failed: applied.failed, conflicts: unresolved, trashed: applied.trashed, bytesUp: applied.bytesUp, bytesDown: applied.bytesDown } : null,
    }));
  } else if (dryRun || result.stopped) {
    ctx.out(`${dryRun ? 'Dry run: nothing was changed.\n' : ''}${describePlan(plan, true)}`);
  } else {
    const a = applied!;
    if (a.trashed.length) ctx.out(`Local files moved to the trash (${trash.dir}): ${a.trashed.length}`);
    ctx.out(`${a.done} done, ${a.failed.length} failed, ${unresolved.length} conflict${unresolved.length === 1 ? '' : 's'} left${unresolved.length ? ` (${unresolved.slice(0, 5).join(', ')}${unresolved.length > 5 ? ', …' : ''}); resolve with --conflict local|remote|keep-both` : ''}`);
  }
  if (result.stopped) for (const s of plan.stops) ctx.err(`koodrive: ${s.message}`);
  if (code !== 0) throw new ExitWith(code);
}

/** Conflicts the plan had no resolution for, plus those found while applying. */
function unresolvedConflicts(plan: SyncPlan, applied: ApplyResult | undefined): string[] {
  const resolved = new Set(plan.actions.filter((a) => a.kind === 'resolve').map((a) => a.path));
  const left = plan.changes.filter((c) => c.state === 'conflict' && !resolved.has(c.path)).map((c) => c.path);
  return [...new Set([...left, ...(applied?.conflicts ?? [])])].sort();
}
