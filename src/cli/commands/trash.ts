import { emptyRecycleBin, restoreItems } from '../../core/organize/organizeItems';
import { listRecycleBin, RecycledItem } from '../../core/organize/recycleBin';
import type { Space } from '../../core/api/models';
import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { usageError } from '../usage';

export const usage = [
  'koodrive trash ls --container <containerId> [--json]',
  'koodrive trash restore <id...> --container <containerId> [--json]',
  'koodrive trash empty --container <containerId> --yes [--json]',
].join('\n  ');

/** The recycle bin: list it, restore items to where they were, or empty it (only with --yes). */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') parseCommandArgs(argv, { usage, options: {} });
  if (sub !== 'ls' && sub !== 'restore' && sub !== 'empty') throw usageError(usage, sub ? `Unknown trash command "${sub}"` : 'Missing trash command');
  const { positionals, values } = parseCommandArgs(rest, {
    usage, options: { container: { type: 'string' }, yes: { type: 'boolean' } },
    minPositionals: sub === 'restore' ? 1 : 0, maxPositionals: sub === 'restore' ? undefined : 0,
  });
  if (!values.container) throw usageError(usage, 'Missing --container');
  if (values.yes && sub !== 'empty') throw usageError(usage, '--yes only applies to "trash empty"');
  // Emptying the bin cannot be undone: refuse before contacting the service.
  if (sub === 'empty' && !values.yes) {
    throw usageError(usage, 'Emptying the recycle bin deletes everything in it for good; add --yes to confirm');
  }
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), values.container, { signal: ctx.signal });
  if (sub === 'restore') {
    const out = await restoreItems(client, space, positionals.map((fileId) => ({ fileId })), { signal: ctx.signal, onProgress: jobProgress(ctx) });
    reportOutcome(ctx, out, 'restored');
    return;
  }
  if (sub === 'empty') {
    // Counted first: the emptying job reports only failures, and "emptied" alone does not say whether anything went.
    const count = (await listAll(ctx, space)).length;
    const out = await emptyRecycleBin(client, space, { signal: ctx.signal, onProgress: jobProgress(ctx) });
    if (out.items.length > 0) reportOutcome(ctx, out, 'deleted');
    if (ctx.flags.json) ctx.out(JSON.stringify({ emptied: true, deleted: count }));
    else ctx.out(count === 0 ? 'The recycle bin was already empty' : `Deleted ${count} item(s) from the recycle bin for good`);
    return;
  }
  const items = await listAll(ctx, space);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(items.map((r) => ({
      fileId: r.item.id,
      name: r.item.name,
      isFolder: r.item.isFolder,
      size: r.item.size,
      originalFolder: r.originalFolder === undefined ? null : `/${r.originalFolder}`,
      deleted: r.deletedTime ?? null,
    }))));
    return;
  }
  if (items.length === 0) {
    ctx.out('The recycle bin is empty');
    return;
  }
  ctx.out(table([
    ['TYPE', 'ID', 'SIZE', 'DELETED', 'FROM', 'NAME'],
    ...items.map((r) => [r.item.isFolder ? 'dir' : 'file', r.item.id, r.item.isFolder ? '' : formatBytes(r.item.size), r.deletedTime ?? '', r.originalFolder === undefined ? '?' : `/${r.originalFolder}`, r.item.name]),
  ]));
}

/** Every page of the space's recycle bin. */
async function listAll(ctx: CliContext, space: Space): Promise<RecycledItem[]> {
  const { client } = ctx.drive();
  const items: RecycledItem[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await listRecycleBin(client, space, { cursor, rootFolderId: space.rootFolderId, signal: ctx.signal });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}
