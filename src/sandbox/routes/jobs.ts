/**
 * Batch jobs (docs/protocol.md §2.12): copy, delete (to the bin or for good), move,
 * restore, empty the bin. The POST validates the request and answers with
 * the job id; the work runs at once or after the configured "running" time
 * (jobRunner.ts). Polling reports status 1 (running, with progress) and then
 * 2 (done) with taskResultCode 1 ok / 2 partial / 3 failed and a failedList
 * of per-item codes. Response shapes are undocumented; ours:
 * POST -> {jobId, status, taskResultCode?}; GET /{job_id} -> the job object,
 * which also lists `renamedList` (items that took another name because of a
 * clash: the docs are silent, and we keep both rather than overwrite or fail)
 * and `restoredToRoot` (restored items whose original folder was gone).
 * Unzip (5) and pack download (6) are not implemented (13000102).
 */
import { ApiError, Codes, invalid } from '../errors';
import type { Router } from '../router';
import type { Scope, Service } from '../service';
import { MAX_DEPTH } from '../service';
import type { JobFailure, JobRecord, JobRename, NodeRecord } from '../store';
import { newHex, newId } from '../store';
import type { Body } from '../validate';
import { isObject, optInt, optString, queryInt, reqInt, reqString } from '../validate';

export const MAX_JOB_ITEMS = 100;

const DEFAULT_ACTION: Record<number, number | undefined> = { 1: 101, 3: 301, 7: 701 };
const ALLOWED_ACTIONS: Record<number, number[]> = { 1: [101], 2: [201, 202], 3: [301], 4: [], 7: [701] };

export function registerJobRoutes(router: Router, svc: Service): void {
  const store = svc.store;

  const jobObject = (j: JobRecord): Record<string, unknown> => ({
    jobId: j.jobId,
    taskType: j.taskType,
    actionType: j.actionType,
    status: j.status,
    ...(j.status === 2 ? { taskResultCode: j.taskResultCode } : {}),
    progress: svc.jobRunner.progress(j),
    total: j.total,
    successCount: j.succeeded,
    failCount: j.failedList.length,
    failedList: j.failedList,
    newFileIds: j.newFileIds,
    renamedList: j.renamedList ?? [],
    restoredToRoot: j.restoredToRoot ?? [],
    createTime: new Date(j.createdAt).toISOString(),
    ...(j.status === 2 ? { finishTime: new Date(j.finishedAt).toISOString() } : {}),
  });

  /** "root", a folder id, or a path of ids "/rootId/F1/F2" (last segment). */
  const destinationFolder = (scope: Scope, newFilePath: string): NodeRecord => {
    const segs = newFilePath.split('/').filter(Boolean);
    const id = segs.length ? segs[segs.length - 1] : 'root';
    const dir = svc.folderIn(scope, id);
    if (store.inBin(dir)) throw new ApiError(Codes.TargetDirRecycled, 'target folder is in the recycle bin');
    return dir;
  };

  const subtreeHeight = (n: NodeRecord): number => {
    let h = 0;
    for (const c of store.children(n.id)) if (c.kind === 'folder') h = Math.max(h, 1 + subtreeHeight(c));
    return h;
  };

  const copyTree = (src: NodeRecord, parentId: string, containerId: string, name: string, userId: string): NodeRecord => {
    const now = svc.now();
    const cur = store.current(src);
    const copy: NodeRecord = {
      ...src,
      id: newId('F'),
      containerId,
      parentId,
      name,
      createdAt: now,
      editedAt: now,
      ownerId: userId,
      lastEditorId: userId,
      recycled: false,
      recycledAt: undefined,
      revisions: cur ? [{ ...svc.newRevision(cur.sha256, cur.size, userId, 1, 1, cur.sink) }] : [],
      nextVersion: 2,
    };
    store.addNode(copy);
    for (const c of store.children(src.id)) if (!c.recycled) copyTree(c, copy.id, containerId, c.name, userId);
    return copy;
  };

  router.add('POST', '/v1/jobs', 'full', (r) => {
    const b = r.body;
    const taskType = reqInt(b, 'taskType', 1, 7);
    if (taskType === 5 || taskType === 6) throw invalid('taskType 5 (unzip) and 6 (pack download) are not supported by the sandbox');
    const actionType = optInt(b, 'actionType') ?? DEFAULT_ACTION[taskType] ?? null;
    if (taskType === 2 && actionType === null) throw invalid('actionType is required for delete (201 recycle bin, 202 permanent)');
    const allowed = ALLOWED_ACTIONS[taskType];
    if (actionType !== null && allowed.length > 0 && !allowed.includes(actionType)) {
      throw invalid(`actionType ${actionType} does not fit taskType ${taskType}`);
    }
    if (!isObject(b.taskInfo)) throw invalid('taskInfo is required');
    const info = b.taskInfo as Body;
    const srcContainerId = reqString(info, 'srcContainerId', 64);
    const dstContainerId = reqString(b, 'dstContainerId', 64);
    optString(b, 'password');
    const src = svc.scope(r.principal, srcContainerId, r.shareFolderId);
    const dst = taskType === 1 || taskType === 3 ? svc.scope(r.principal, dstContainerId, r.shareFolderId) : src;
    if (taskType !== 1 && taskType !== 3 && dstContainerId !== srcContainerId) {
      throw invalid('dstContainerId must equal srcContainerId for delete, restore and empty-bin jobs');
    }

    let items: { fileId: string; filePath?: string }[] = [];
    if (taskType !== 7) {
      const fi = info.fileInfo;
      if (!Array.isArray(fi) || fi.length === 0 || fi.length > MAX_JOB_ITEMS) {
        throw invalid(`taskInfo.fileInfo must list 1..${MAX_JOB_ITEMS} files`);
      }
      items = fi.map((x) => {
        if (!isObject(x) || typeof x.fileId !== 'string' || !x.fileId) throw invalid('taskInfo.fileInfo[].fileId is required');
        if (x.filePath !== undefined && typeof x.filePath !== 'string') throw invalid('taskInfo.fileInfo[].filePath must be a string');
        return { fileId: x.fileId, filePath: x.filePath as string | undefined };
      });
      // "filePath (full path incl. fileId; required for 201 so restore works)".
      if (actionType === 201) {
        for (const it of items) {
          if (!it.filePath || it.filePath.split('/').filter(Boolean).pop() !== it.fileId) {
            throw invalid('taskInfo.fileInfo[].filePath (the id path ending in the fileId) is required for actionType 201');
          }
        }
      }
    }
    let target: NodeRecord | undefined;
    if (taskType === 1 || taskType === 3) {
      const nfp = reqString(info, 'newFilePath');
      target = destinationFolder(dst, nfp);
    }

    const failedList: JobFailure[] = [];
    // failItem faults (match.fileId): that item fails with the fault's per-item code, the others run.
    const forced = new Map<string, string>();
    for (const it of items) {
      const f = svc.faults.take({ target: 'api', method: r.method, path: r.path, fileIds: [it.fileId] }, ['failItem']);
      if (f?.kind === 'failItem') forced.set(it.fileId, f.code ?? String(Codes.Internal));
    }
    const newFileIds: string[] = [];
    const renamedList: JobRename[] = [];
    const restoredToRoot: string[] = [];
    const me = r.principal.userId;
    const runItem = (fileId: string): void => {
      const n = svc.nodeIn(src, fileId);
      if (!n.parentId) throw invalid('the space root cannot be moved, copied or deleted');
      if (src.shareRoot === n.id && taskType !== 1) throw new ApiError(Codes.NoPermission, 'the shared folder itself cannot be changed here');
      switch (taskType) {
        case 1:
        case 3: {
          const dir = target as NodeRecord;
          if (store.inBin(n)) throw new ApiError(Codes.FileRecycled, 'file is in the recycle bin');
          if (store.isWithin(dir, n.id)) throw new ApiError(Codes.DirsNested, 'a folder cannot go into itself or its subfolders');
          if (svc.depth(dir) + 1 + (n.kind === 'folder' ? subtreeHeight(n) : 0) > MAX_DEPTH) {
            throw new ApiError(Codes.DepthLimit, `folders may nest at most ${MAX_DEPTH} levels`);
          }
          if (taskType === 3 && n.parentId === dir.id) throw new ApiError(Codes.AlreadyInTarget, 'already in the target folder');
          const bytes = store.subtree(n).reduce((s, x) => s + (store.current(x)?.size ?? 0), 0);
          if (taskType === 1 || dst.container.id !== src.container.id) svc.quotaCheck(dst.container, bytes);
          // Name clashes in the target keep both (timestamp rename), like renameMode 2.
          const name = svc.resolveName(dir.id, n.name, 2, taskType === 3 ? n.id : undefined);
          if (name !== n.name) renamedList.push({ fileId: n.id, name: n.name, newName: name });
          if (taskType === 1) {
            newFileIds.push(copyTree(n, dir.id, dst.container.id, name, me).id);
          } else {
            store.renameNode(n, name);
            store.moveNode(n, dir.id, dst.container.id);
            n.editedAt = svc.now();
          }
          return;
        }
        case 2:
          if (actionType === 202) {
            store.deleteNode(n);
            return;
          }
          if (store.inBin(n)) throw new ApiError(Codes.FileRecycled, 'file is already in the recycle bin');
          n.recycled = true;
          n.recycledAt = svc.now();
          store.touch();
          return;
        case 4: {
          if (!n.recycled) throw new ApiError(Codes.NotInRecycleBin, 'file is not in the recycle bin');
          let parent = store.node(n.parentId);
          // The docs do not say what happens when the original folder is gone
          // (deleted for good, or itself in the bin). We restore to the space
          // root (the share's folder inside a shared folder) and report it in
          // restoredToRoot, rather than fail or bring the folder back too.
          if (!parent || store.inBin(parent)) {
            parent = store.node(src.shareRoot ?? src.container.rootId) as NodeRecord;
            restoredToRoot.push(n.id);
            store.moveNode(n, parent.id, n.containerId);
          }
          const name = svc.resolveName(parent.id, n.name, 2, n.id);
          if (name !== n.name) renamedList.push({ fileId: n.id, name: n.name, newName: name });
          store.renameNode(n, name);
          n.recycled = false;
          delete n.recycledAt;
          store.touch();
          return;
        }
      }
    };

    const job: JobRecord = {
      jobId: newHex(16),
      userId: me,
      taskType,
      actionType,
      status: 0,
      taskResultCode: 0,
      total: taskType === 7 ? 0 : items.length,
      succeeded: 0,
      failedList,
      newFileIds,
      renamedList,
      restoredToRoot,
      createdAt: svc.now(),
      finishedAt: 0,
    };
    store.state.jobs[job.jobId] = job;

    const work = (): void => {
      if (taskType === 7) {
        const recycled = Object.values(store.state.nodes).filter(
          (n) => n.containerId === src.container.id && n.recycled && (!src.shareRoot || store.isWithin(n, src.shareRoot)),
        );
        job.total = recycled.length;
        for (const n of recycled) if (store.node(n.id)) store.deleteNode(n);
      } else {
        for (const it of items) {
          const code = forced.get(it.fileId);
          if (code !== undefined) {
            failedList.push({ fileId: it.fileId, code, msg: 'the item failed (injected fault)' });
            continue;
          }
          try {
            runItem(it.fileId);
          } catch (e) {
            // Work may run on a timer (jobRunner.ts), where a throw would bring the
            // server down: an unexpected error fails the item as an internal error.
            const code = e instanceof ApiError ? e.code : Codes.Internal;
            failedList.push({ fileId: it.fileId, code: String(code), msg: (e as Error).message });
          }
        }
      }
      job.succeeded = job.total - failedList.length;
      job.status = 2;
      job.taskResultCode = failedList.length === 0 ? 1 : job.succeeded === 0 ? 3 : 2;
      job.finishedAt = svc.now();
      delete job.runUntil;
      store.touch();
    };
    svc.jobRunner.schedule(job, work);
    store.touch();
    return { jobId: job.jobId, status: job.status, ...(job.status === 2 ? { taskResultCode: job.taskResultCode } : {}) };
  });

  router.add('GET', '/v1/jobs', 'full', (r) => {
    const type = r.query.get('type');
    const status = r.query.get('status');
    const offset = queryInt(r.query, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = queryInt(r.query, 'limit', 1, 100, 100);
    const jobs = Object.values(store.state.jobs)
      .filter((j) => j.userId === r.principal.userId)
      .filter((j) => !type || String(j.taskType) === type)
      .filter((j) => !status || String(j.status) === status)
      .sort((a, b) => b.createdAt - a.createdAt);
    return { total: jobs.length, jobs: jobs.slice(offset, offset + limit).map(jobObject) };
  });

  // Must be the last route: it matches any single segment.
  router.add('GET', '/v1/:jobId', 'full', (r) => {
    const j = store.state.jobs[r.params.jobId];
    if (!j || !Object.prototype.hasOwnProperty.call(store.state.jobs, r.params.jobId) || j.userId !== r.principal.userId) {
      throw new ApiError(Codes.NotFound, 'job not found');
    }
    return jobObject(j);
  });
}
