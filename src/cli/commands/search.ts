import { keywordProblem, searchDrive, SearchResult } from '../../core/organize/search';
import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';
import { usageError } from '../usage';

export const usage = 'koodrive search <keyword> [--container <containerId>] [--json]';

/** Every page of a name search, in one space or in all the user's spaces (personal, then teams). */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { container: { type: 'string' } }, minPositionals: 1, maxPositionals: 1 });
  const keyword = positionals[0];
  const problem = keywordProblem(keyword);
  if (problem) throw usageError(usage, problem.replace(/\.$/, ''));
  const { client } = ctx.drive();
  const scope = values.container
    ? { space: await resolveSpace(client, ctx.userId(), values.container, { signal: ctx.signal }) }
    : { all: [] };
  const results: SearchResult[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await searchDrive(client, { keyword, scope, cursor, signal: ctx.signal });
    results.push(...page.results);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const pathOf = (r: SearchResult): string => `/${r.folderPath ? `${r.folderPath}/` : ''}${r.item.name}`;
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(results.map((r) => ({
      fileId: r.item.id,
      name: r.item.name,
      path: pathOf(r),
      isFolder: r.item.isFolder,
      size: r.item.size,
      modified: r.item.modifiedTime ?? null,
      containerId: r.containerId,
    }))));
    return;
  }
  if (results.length === 0) {
    ctx.out(`Nothing found for "${keyword}"`);
    return;
  }
  ctx.out(table([
    ['TYPE', 'ID', 'SIZE', 'MODIFIED', 'SPACE', 'PATH'],
    ...results.map((r) => [r.item.isFolder ? 'dir' : 'file', r.item.id, r.item.isFolder ? '' : formatBytes(r.item.size), r.item.modifiedTime ?? '', r.containerId, pathOf(r)]),
  ]));
}
