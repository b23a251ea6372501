/** files/download (protocol.md §2.9): a batch of presigned GET URLs with per-item codes. */
import { ApiError, Codes } from '../errors';
import type { Router } from '../router';
import type { Service } from '../service';
import { reqString, reqStringArray } from '../validate';

export const MAX_DOWNLOAD_BATCH = 100;

export function registerDownloadRoutes(router: Router, svc: Service): void {
  const store = svc.store;

  router.add('POST', '/v1/files/download', 'full', (r) => {
    const containerId = reqString(r.body, 'containerId', 64);
    const fileIds = reqStringArray(r.body, 'fileIds', 1, MAX_DOWNLOAD_BATCH);
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const downloads = fileIds.map((fileId) => {
      const fail = (code: string, msg: string): Record<string, unknown> => ({ fileId, fileName: '', url: '', code, msg });
      const injected = svc.faults.take({ target: 'api', method: r.method, path: r.path, fileIds: [fileId] }, ['failItem']);
      let n;
      try {
        n = svc.nodeIn(scope, fileId);
      } catch (e) {
        if (e instanceof ApiError) return fail(String(e.code), e.message);
        throw e;
      }
      if (injected && injected.kind === 'failItem') {
        return { ...fail(injected.code ?? String(Codes.DownloadFailed), 'download failed (injected fault)'), fileName: n.name };
      }
      if (n.kind === 'folder') return { ...fail(String(Codes.FolderNotAllowed), 'not allowed on a folder'), fileName: n.name };
      if (store.inBin(n)) return { ...fail(String(Codes.FileRecycled), 'file is in the recycle bin'), fileName: n.name };
      const rev = store.current(n);
      if (!rev || rev.sink) {
        return { ...fail(String(Codes.DownloadAddressMissing), 'download address missing (content was discarded in sink mode)'), fileName: n.name };
      }
      return { fileId, fileName: n.name, url: svc.presigner.downloadUrl(rev.objectKey, n.name), code: '0', msg: 'success' };
    });
    const ok = downloads.filter((d) => d.code === '0').length;
    const batchCode = ok === downloads.length ? 1 : ok === 0 ? 2 : 0;
    return { batchCode, downloads };
  });
}
