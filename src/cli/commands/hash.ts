import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseCommandArgs } from '../args';
import { localIoError } from '../../core/errors';
import { planParts } from '../../core/upload/partPlan';
import { CliContext, formatBytes } from '../context';
import { hashFileInProcess } from '../../core/hash/inProcessHash';
import { defaultNativeBinaryPath } from '../../core/hash/sha256Native';
import { ProgressBar } from '../progressBar';
import { parseByteSize } from '../parse';
import { usageError } from '../usage';

export const usage = 'koodrive hash <file> [--part-size BYTES] [--json]';

/** Prints exactly the plan the uploader would send: sizes, offsets and each part's starting midstate. */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { 'part-size': { type: 'string' } }, minPositionals: 1, maxPositionals: 1 });
  if (positionals.length !== 1) throw usageError(usage);
  const file = positionals[0];
  const st = await stat(file).catch((e) => {
    throw localIoError(e, file, 'read');
  });
  if (!st.isFile()) throw usageError(usage, `${file} is not a regular file`);
  const plan = planParts(st.size, parseByteSize(values['part-size'], '--part-size'), file);
  const states = new Map<number, number[]>();
  const bar = new ProgressBar(ctx.isTty && !ctx.flags.json);
  const started = Date.now();
  // On this thread, not in a worker: this process only hashes, and a worker's
  // start-up was a measurable share of hashing a 600 MiB file (docs/performance.md).
  const job = { path: file, partOffsets: plan.parts.map((p) => p.partOffset), length: st.size, mtimeMs: st.mtimeMs };
  const result = await hashFileInProcess(job, {
    nativePath: defaultNativeBinaryPath(path.dirname(ctx.hashWorkerPath)),
    logger: ctx.logger,
    signal: ctx.signal,
    onPartState: (i, _offset, ctxWords) => states.set(i, ctxWords),
    onProgress: (bytes) => bar.update({ phase: 'hashing', subject: file, bytesDone: bytes, bytesTotal: st.size }),
  });
  bar.done();
  const out = {
    length: result.length,
    sha256: result.sha256,
    preHash: result.preHash,
    impl: result.impl,
    parts: plan.parts.map((p, i) => ({ ...p, hashCtx: p.partNumber === 1 ? [] : states.get(i) ?? [] })),
  };
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(out));
    return;
  }
  const secs = (Date.now() - started) / 1000;
  ctx.out(`${result.sha256}  ${file}\n${formatBytes(result.length)} in ${plan.parts.length} part(s) of ${formatBytes(plan.partSize)}; hashed at ${formatBytes(result.length / Math.max(secs, 0.001))}/s (${result.impl})`);
}
