/**
 * The upload task on KooDrive: files/create for a new file, createRevision
 * for a new version. Offered the whole-file SHA-256 and a proofCode, the
 * service may answer "already have it" (flash upload: nothing to send);
 * offered only the preHash, it says whether proving the whole file is worth
 * it (matchedPreHash).
 */
import type { KooDriveClient } from '../api/koodriveClient';
import type { CreateFileResponse, CreateRevisionResponse, MultiPartInfo } from '../api/types';
import { KooDriveError } from '../errors';
import type { HashFileResult } from '../hash/fileHasher';
import { fileCategory, mimeTypeOf } from './fileCategory';
import type { InspectedFile } from './inspectLocalFile';
import { URL_BATCH_SIZE } from './koodrivePartWriter';
import type { Midstates } from './midstates';
import { computeProofCode, proofCodeFromBytes, proofRange } from './proofCode';
import { AUTO_RENAME, UploadTarget } from './uploadTarget';

export interface UploadSession {
  fileId: string;
  fileName: string;
  uploadId?: string;
  rapidUpload: boolean;
  skipped: boolean;
  urls?: MultiPartInfo[];
  matchedPreHash: boolean;
  revision?: { versionId?: string; version?: number };
}

export interface SessionRequest {
  client: KooDriveClient;
  target: UploadTarget;
  localPath: string;
  fileName: string;
  file: InspectedFile;
  /** Start states of the first parts known so far (part 2 on needs one). */
  midstates: Midstates;
  /** With it, the sha256 and proofCode are offered for a flash upload. */
  full?: HashFileResult;
  signal: AbortSignal;
}

/** files/create or createRevision; with `full`, offers sha256 + proofCode for a flash upload. */
export async function createUploadSession(r: SessionRequest): Promise<UploadSession> {
  const { client, target, file, signal } = r;
  const firstParts: MultiPartInfo[] = [];
  for (const p of file.plan.parts.slice(0, URL_BATCH_SIZE)) {
    const ctx = r.midstates.get(p.partNumber);
    if (!ctx) break;
    firstParts.push({ partNumber: p.partNumber, partSize: p.partSize, partOffset: p.partOffset, ...(p.partNumber > 1 ? { hashCtx: ctx } : {}) });
  }
  const proof = r.full && file.size > 0
    ? { sha256: r.full.sha256, proofCode: await proofCode(client, r.localPath, file) }
    : {};
  const common = {
    length: file.size, uploadMode: 'multipart' as const, uploadType: 1 as const, multiParts: firstParts,
    preHash: file.preHash, ...proof, mimeType: mimeTypeOf(r.fileName),
  };
  if (target.kind === 'file') {
    const res: CreateFileResponse = await client.createFile(target.space, {
      ...common, fileName: r.fileName, fileType: fileCategory(r.fileName), parentFolder: [target.parentFolderId], autoRename: AUTO_RENAME[target.conflict],
    }, { signal });
    if (!res.fileId) throw new KooDriveError('BadResponse', `files/create returned no fileId for ${r.localPath}`);
    return {
      fileId: res.fileId, fileName: res.fileName ?? r.fileName, uploadId: res.uploadId, rapidUpload: res.rapidUpload === true,
      skipped: res.exist === true, urls: res.multiParts, matchedPreHash: res.matchedPreHash === true,
    };
  }
  const res: CreateRevisionResponse = await client.createRevision(target.space, {
    ...common, fileId: target.fileId, keepPolicy: target.keepForever ? 1 : 0,
  }, { signal });
  return {
    fileId: target.fileId, fileName: r.fileName, uploadId: res.uploadId, rapidUpload: res.rapidUpload === true, skipped: false,
    urls: res.multiParts, matchedPreHash: res.matchedPreHash === true,
    revision: { versionId: res.versionId, version: res.version === undefined ? undefined : Number(res.version) },
  };
}

async function proofCode(client: KooDriveClient, localPath: string, file: InspectedFile): Promise<string | undefined> {
  const authorization = await client.transport.authorization();
  if (!file.bytes) return computeProofCode(localPath, file.size, authorization);
  const range = proofRange(authorization, file.size);
  return range && proofCodeFromBytes(file.bytes.subarray(range.start, range.end));
}
