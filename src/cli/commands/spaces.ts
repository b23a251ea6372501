import { listSpaces } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';

export const usage = 'koodrive spaces [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  parseCommandArgs(argv, { usage, options: {}, maxPositionals: 0 });
  const spaces = await listSpaces(ctx.drive().client, ctx.userId(), { signal: ctx.signal });
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(spaces));
    return;
  }
  ctx.out(table([
    ['KIND', 'CONTAINER ID', 'USED', 'NAME'],
    ...spaces.map((s) => [s.kind, s.containerId, s.usedBytes === undefined ? '' : formatBytes(s.usedBytes), s.name]),
  ]));
}
