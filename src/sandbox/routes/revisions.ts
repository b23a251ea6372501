/** Historical versions (protocol.md §4). */
import { ApiError, Codes, invalid } from '../errors';
import type { ApiRequest, Router } from '../router';
import type { Service } from '../service';
import type { NodeRecord, RevisionRecord, UploadRecord } from '../store';
import { newHex } from '../store';
import { finishUpload, flashUpload, issuePartUrls, MAX_FILE_LENGTH, validateParts } from '../uploads';
import { optBool, optHash, optInt, optString, pageInfo, reqInt, reqString, slicePage } from '../validate';

export function registerRevisionRoutes(router: Router, svc: Service): void {
  const store = svc.store;

  /** The file a revision call is about: containerId* + fileId*; folders -> 13000406. */
  const fileFor = (r: ApiRequest): NodeRecord => {
    const containerId = reqString(r.body, 'containerId', 64);
    const fileId = reqString(r.body, 'fileId');
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const n = svc.nodeIn(scope, fileId);
    if (n.kind !== 'file') throw new ApiError(Codes.FolderNotAllowed, 'not allowed on a folder');
    return n;
  };

  /** revisionId is "assetId.versionId" (the asset id is the file id). */
  const revisionFor = (r: ApiRequest, n: NodeRecord): RevisionRecord => {
    const revisionId = reqString(r.body, 'revisionId');
    const dot = revisionId.lastIndexOf('.');
    if (dot <= 0 || revisionId.slice(0, dot) !== n.id) throw invalid('revisionId must be "<fileId>.<versionId>" of this file');
    const rev = n.revisions.find((x) => x.versionId === revisionId.slice(dot + 1));
    if (!rev) throw new ApiError(Codes.NotFound, 'revision not found');
    return rev;
  };

  const revisionObject = (n: NodeRecord, rev: RevisionRecord): Record<string, unknown> => ({
    containerId: n.containerId,
    fileId: n.id,
    fileName: n.name,
    revisionId: `${n.id}.${rev.versionId}`,
    versionId: rev.versionId,
    revisionVersion: rev.version,
    keepForever: rev.keepForever,
    latestVersion: store.current(n) === rev,
    createReason: rev.createReason,
    createdAt: rev.createdAt,
    createdBy: rev.createdBy,
    size: rev.size,
    sha256: rev.sha256,
  });

  const bumpCurrent = (n: NodeRecord, rev: RevisionRecord, userId: string): void => {
    store.addRevision(n, rev);
    n.nextVersion = rev.version + 1;
    n.editedAt = svc.now();
    n.lastEditorId = userId;
    store.touch();
  };

  router.add('POST', '/v1/revision/createRevision', 'full', (r) => {
    const b = r.body;
    const n = fileFor(r);
    const length = reqInt(b, 'length', 0);
    if (length > MAX_FILE_LENGTH) throw invalid('length exceeds the 200 GB multipart limit');
    if (b.uploadMode !== 'multipart') throw invalid('uploadMode must be "multipart"');
    if (reqInt(b, 'uploadType') !== 1) throw invalid('uploadType must be 1 (0 and 2 are not supported)');
    const sha256 = optHash(b, 'sha256');
    const preHash = optHash(b, 'preHash');
    const proofCode = optString(b, 'proofCode');
    if (sha256 && !proofCode && length > 0) throw invalid('proofCode is required when sha256 is given');
    const keepPolicy = optInt(b, 'keepPolicy', 0, 1) ?? 0;
    optString(b, 'mimeType');
    optString(b, 'createdTime');
    const specs = b.multiParts === undefined || b.multiParts === null ? [] : validateParts(b.multiParts, length, {});
    if (store.inBin(n)) throw new ApiError(Codes.FileRecycled, 'file is in the recycle bin');
    svc.quotaCheck(store.state.containers[n.containerId], length);
    const matchedPreHash = preHash ? store.blobWithPreHash(preHash) !== undefined : false;
    const version = n.nextVersion;

    if (flashUpload(svc, r.principal, sha256, length, proofCode) === 'hit') {
      const rev = svc.newRevision(sha256 as string, length, r.principal.userId, version, 1);
      rev.keepForever = keepPolicy === 1;
      bumpCurrent(n, rev, r.principal.userId);
      return {
        id: n.id,
        fileId: n.id,
        versionId: rev.versionId,
        version: String(version),
        keepPolicy: String(keepPolicy),
        rapidUpload: true,
        multiParts: [],
        matchedPreHash,
      };
    }
    const u: UploadRecord = {
      uploadId: newHex(16, true),
      objectKey: newHex(16) + '086',
      fileId: n.id,
      kind: 'revision',
      userId: r.principal.userId,
      containerId: n.containerId,
      parentId: n.parentId as string,
      fileName: n.name,
      fileType: n.fileType,
      mimeType: n.mimeType,
      autoRename: 2,
      length,
      ...(sha256 ? { sha256 } : {}),
      keepPolicy,
      versionId: newHex(16),
      version,
      createdAt: Date.now(),
      parts: {},
      stored: {},
    };
    // A new createRevision replaces a pending one for the same file.
    store.addUpload(u);
    return {
      id: n.id,
      fileId: n.id,
      versionId: u.versionId,
      version: String(version),
      keepPolicy: String(keepPolicy),
      rapidUpload: false,
      uploadId: u.uploadId,
      multiParts: issuePartUrls(svc, u, specs),
      matchedPreHash,
    };
  });

  router.add('POST', '/v1/revision/completeRevision', 'full', async (r) => {
    const fileId = reqString(r.body, 'fileId');
    const sha256 = optHash(r.body, 'sha256');
    const u = store.uploadForFile(fileId);
    if (!u || u.kind !== 'revision' || u.userId !== r.principal.userId) {
      throw new ApiError(Codes.UploadTaskNotFound, 'upload task not found; create the revision again');
    }
    const content = await finishUpload(svc, u, sha256);
    if (store.state.uploads[u.uploadId] !== u) throw new ApiError(Codes.UploadTaskNotFound, 'upload task not found');
    const n = store.node(fileId);
    if (!n) throw new ApiError(Codes.NotFound, 'file not found');
    if (store.inBin(n)) throw new ApiError(Codes.FileRecycled, 'file is in the recycle bin');
    // The version announced at createRevision, unless a restore took it meanwhile.
    const version = Math.max(u.version ?? n.nextVersion, n.nextVersion);
    const rev = svc.newRevision(content.sha256, content.size, u.userId, version, 1, content.sink);
    if (u.versionId) rev.versionId = u.versionId;
    rev.keepForever = u.keepPolicy === 1;
    bumpCurrent(n, rev, u.userId);
    store.dropUpload(u);
    return { fileId: n.id, versionId: rev.versionId, version: String(rev.version) };
  });

  router.add('POST', '/v1/revision/listRevision', 'full', (r) => {
    const n = fileFor(r);
    optString(r.body, 'fields');
    const newestFirst = [...n.revisions].reverse();
    const page = pageInfo(r.body, `revisions|${n.id}`);
    const { items, next } = slicePage(newestFirst, page);
    return { revisionList: items.map((rev) => revisionObject(n, rev)), ...(next ? { nextPageCursor: next } : {}) };
  });

  // Response shape undocumented: the revision's fields plus downloadUrl.
  router.add('POST', '/v1/revision/getRevision', 'full', (r) => {
    const n = fileFor(r);
    const rev = revisionFor(r, n);
    optInt(r.body, 'urlType', 1, 2);
    optString(r.body, 'fields');
    return {
      ...revisionObject(n, rev),
      ...(rev.sink ? {} : { downloadUrl: svc.presigner.downloadUrl(rev.objectKey, n.name) }),
    };
  });

  router.add('POST', '/v1/revision/updateRevision', 'full', (r) => {
    const n = fileFor(r);
    const rev = revisionFor(r, n);
    const keepForever = optBool(r.body, 'keepForever');
    if (keepForever === undefined) throw invalid('keepForever is required');
    rev.keepForever = keepForever;
    store.touch();
    return {};
  });

  router.add('POST', '/v1/revision/deleteRevision', 'full', (r) => {
    const n = fileFor(r);
    const rev = revisionFor(r, n);
    if (store.current(n) === rev) throw invalid('the latest version cannot be deleted');
    store.removeRevision(n, rev.versionId);
    return {};
  });

  router.add('POST', '/v1/revision/restoreRevision', 'full', (r) => {
    const n = fileFor(r);
    const rev = revisionFor(r, n);
    if (store.inBin(n)) throw new ApiError(Codes.FileRecycled, 'file is in the recycle bin');
    const fresh = svc.newRevision(rev.sha256, rev.size, r.principal.userId, n.nextVersion, 2, rev.sink);
    bumpCurrent(n, fresh, r.principal.userId);
    return { versionId: fresh.versionId, version: String(fresh.version), revisionId: `${n.id}.${fresh.versionId}` };
  });
}
