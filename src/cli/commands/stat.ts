import { parseRemoteSpec } from '../../core/remoteFs/remotePath';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';
import { remoteFsFor, statJson } from '../remoteFs';

export const usage = 'koodrive stat <containerId>:<path> [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 1, maxPositionals: 1 });
  const remote = parseRemoteSpec(positionals[0]);
  const st = await remoteFsFor(ctx).stat(remote, { signal: ctx.signal });
  const j = statJson(st);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(j));
    return;
  }
  ctx.out(table([
    ['Name:', st.name],
    ['Type:', st.kind],
    ['File ID:', st.id],
    ...(st.kind === 'file' ? [['Size:', `${formatBytes(st.size)} (${st.size} bytes)`], ['SHA-256:', st.sha256 ?? '']] : []),
    ['Modified:', String(j.modified ?? '')],
  ]));
}
