/** files/create, files/multipart/uploadUrl, files/complete (protocol.md §2.3-2.5). */
import { ApiError, Codes, invalid } from '../errors';
import { FILE_TYPES, mimeFor, nameProblem } from '../names';
import type { Router } from '../router';
import type { Service } from '../service';
import type { PartSpec, UploadRecord } from '../store';
import { newHex, newId } from '../store';
import { flashUpload, finishUpload, issuePartUrls, MAX_FILE_LENGTH, validateParts } from '../uploads';
import { optHash, optString, reqInt, reqString, reqStringArray, reqStringOrInt } from '../validate';

export function registerUploadRoutes(router: Router, svc: Service): void {
  const store = svc.store;

  router.add('POST', '/v1/files/create', 'full', (r) => {
    const b = r.body;
    const problem = nameProblem(b.fileName);
    if (problem) throw invalid(`fileName: ${problem}`);
    let fileName = b.fileName as string;
    const fileType = reqStringOrInt(b, 'fileType');
    if (!(FILE_TYPES as readonly string[]).includes(fileType)) {
      throw invalid('fileType must be one of 15, 20, 26, 27, 28, 30, 35, 40, 45 (folders use /directory)');
    }
    const parentFolder = reqStringArray(b, 'parentFolder', 1)[0];
    const containerId = reqString(b, 'containerId', 64);
    const length = reqInt(b, 'length', 0);
    if (length > MAX_FILE_LENGTH) throw invalid('length exceeds the 200 GB multipart limit');
    if (b.uploadMode !== 'multipart') throw invalid('uploadMode must be "multipart"');
    const uploadType = reqInt(b, 'uploadType');
    if (uploadType !== 1) throw invalid('uploadType must be 1 (0 and 2 are not supported)');
    const autoRename = reqInt(b, 'autoRename');
    if (autoRename !== 2 && autoRename !== 3 && autoRename !== 4) throw invalid('autoRename must be 2, 3 or 4');
    const sha256 = optHash(b, 'sha256');
    const preHash = optHash(b, 'preHash');
    const proofCode = optString(b, 'proofCode');
    const mimeType = optString(b, 'mimeType') || mimeFor(fileName);
    const description = optString(b, 'description', 512);
    optString(b, 'createdTime');
    const specs: PartSpec[] = b.multiParts === undefined || b.multiParts === null ? [] : validateParts(b.multiParts, length, {});

    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const parent = svc.folderIn(scope, parentFolder);
    if (store.inBin(parent)) throw new ApiError(Codes.UploadParentRecycled, 'the parent folder is in the recycle bin');
    svc.quotaCheck(scope.container, length);

    const clash = svc.sameName(parent.id, fileName);
    if (clash) {
      if (autoRename === 3) {
        throw new ApiError(Codes.DuplicateName, 'a file with the same name already exists', { existFileId: clash.id });
      }
      if (autoRename === 4 && sha256 && clash.kind === 'file' && store.current(clash)?.sha256 === sha256) {
        return {
          fileId: clash.id,
          exist: true,
          rapidUpload: false,
          containerId,
          fileName: clash.name,
          parentFolder: [parent.id],
          multiParts: [],
          matchedPreHash: false,
        };
      }
      fileName = svc.resolveName(parent.id, fileName, 2);
    }
    const matchedPreHash = preHash ? store.blobWithPreHash(preHash) !== undefined : false;

    if (flashUpload(svc, r.principal, sha256, length, proofCode) === 'hit') {
      const n = svc.createFileNode({
        containerId,
        parentId: parent.id,
        name: fileName,
        fileType,
        mimeType,
        userId: r.principal.userId,
        revision: svc.newRevision(sha256 as string, length, r.principal.userId, 1, 1),
        description,
      });
      return {
        fileId: n.id,
        rapidUpload: true,
        containerId,
        fileName,
        parentFolder: [parent.id],
        exist: false,
        multiParts: [],
        matchedPreHash,
      };
    }

    const u: UploadRecord = {
      uploadId: newHex(16, true),
      objectKey: newHex(16) + '086',
      fileId: newId('F'),
      kind: 'file',
      userId: r.principal.userId,
      containerId,
      parentId: parent.id,
      fileName,
      fileType,
      mimeType,
      ...(description ? { description } : {}),
      autoRename,
      length,
      ...(sha256 ? { sha256 } : {}),
      keepPolicy: 0,
      createdAt: Date.now(),
      parts: {},
      stored: {},
    };
    store.addUpload(u);
    return {
      fileId: u.fileId,
      rapidUpload: false,
      containerId,
      fileName,
      uploadId: u.uploadId,
      parentFolder: [parent.id],
      exist: false,
      multiParts: issuePartUrls(svc, u, specs),
      matchedPreHash,
    };
  });

  router.add('POST', '/v1/files/multipart/uploadUrl', 'full', (r) => {
    const fileId = reqString(r.body, 'fileId');
    const u = store.uploadForFile(fileId);
    if (!u || u.userId !== r.principal.userId) throw new ApiError(Codes.UploadTaskNotFound, 'upload task not found; create the file again');
    if (!Array.isArray(r.body.multiParts) || r.body.multiParts.length === 0) throw invalid('multiParts is required');
    const specs = validateParts(r.body.multiParts, u.length, u.parts);
    return { multiParts: issuePartUrls(svc, u, specs) };
  });

  router.add('POST', '/v1/files/complete', 'full', async (r) => {
    const fileId = reqString(r.body, 'fileId');
    const sha256 = optHash(r.body, 'sha256');
    const u = store.uploadForFile(fileId);
    if (!u || u.kind !== 'file' || u.userId !== r.principal.userId) {
      throw new ApiError(Codes.UploadTaskNotFound, 'upload task not found; create the file again');
    }
    const content = await finishUpload(svc, u, sha256);
    if (store.state.uploads[u.uploadId] !== u) throw new ApiError(Codes.UploadTaskNotFound, 'upload task not found; create the file again');
    const parent = store.node(u.parentId);
    if (!parent) throw new ApiError(Codes.TargetDirAbnormal, 'the parent folder no longer exists');
    if (store.inBin(parent)) throw new ApiError(Codes.UploadParentRecycled, 'the parent folder is in the recycle bin');
    // The name was decided at create; if another upload took it meanwhile,
    // apply the create's policy again (3 refuses, 2/4 rename).
    const name = svc.resolveName(parent.id, u.fileName, u.autoRename === 3 ? 3 : 2);
    svc.createFileNode({
      id: u.fileId,
      containerId: parent.containerId, // the folder may have moved to another space meanwhile
      parentId: parent.id,
      name,
      fileType: u.fileType,
      mimeType: u.mimeType,
      userId: u.userId,
      revision: svc.newRevision(content.sha256, content.size, u.userId, 1, 1, content.sink),
      description: u.description,
    });
    store.dropUpload(u);
    return { fileId: u.fileId, fileName: name };
  });
}
