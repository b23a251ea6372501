/**
 * Where a save is staged: the upload engine reads files, so content given as
 * bytes (the editor's save) is written to a private temp file first; content
 * given as a local file (the CLI's put) is uploaded from where it is. Either
 * way the staged content knows its SHA-256, which decides "identical content:
 * no new revision" before anything is uploaded.
 */
import { createHash } from 'node:crypto';
import { stat as fsStat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { KooDriveError, localIoError } from '../errors';
import type { FileHasher } from '../hash/fileHasher';
import { privateTempPath, removePrivateTemp } from './tempFiles';

export type WriteSource = { bytes: Uint8Array } | { file: string };

export interface StagedContent {
  file: string;
  sha256(hasher: FileHasher, signal?: AbortSignal): Promise<string>;
  cleanup(): Promise<void>;
}

export async function stageWrite(source: WriteSource, remoteName: string, tempDir: string): Promise<StagedContent> {
  if ('file' in source) {
    let st;
    try {
      st = await fsStat(source.file);
    } catch (e) {
      throw localIoError(e, source.file, 'read');
    }
    if (!st.isFile()) throw new KooDriveError('InvalidInput', `${source.file} is not a regular file`, { subject: source.file });
    const file = source.file;
    return {
      file,
      sha256: async (hasher, signal) => (await hasher.hashFile(file, { partOffsets: [0], length: st.size, mtimeMs: st.mtimeMs, signal })).sha256,
      cleanup: async () => undefined,
    };
  }
  // The temp file keeps the remote name's extension: the upload engine derives the MIME type from it.
  const ext = path.extname(remoteName).slice(0, 32);
  const file = await privateTempPath(tempDir, 'write', ext);
  try {
    await writeFile(file, source.bytes, { mode: 0o600 });
  } catch (e) {
    await removePrivateTemp(file);
    throw localIoError(e, file, 'write');
  }
  const digest = createHash('sha256').update(source.bytes).digest('hex');
  return { file, sha256: async () => digest, cleanup: () => removePrivateTemp(file) };
}
