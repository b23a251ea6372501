/**
 * /__sandbox/...: the fault controller, the request log and the store over
 * HTTP, for tests that drive the sandbox from another process (the CLI
 * tests, the end-to-end tests in a real VS Code). No auth; never faulted;
 * not recorded in the request log.
 *
 *   GET    /__sandbox/state                    users, spaces, teams, shares, counts, clock, faults
 *   GET    /__sandbox/faults                   pending faults
 *   POST   /__sandbox/faults                   FaultSpec or FaultSpec[] -> {ids}
 *   DELETE /__sandbox/faults                   remove all faults
 *   DELETE /__sandbox/faults/{id}              remove one
 *   GET    /__sandbox/faults/fired?id=         {firings}: every time a fault fired (of fault `id` only, if given)
 *   POST   /__sandbox/reset                    remove all faults and reset the clock offset
 *   POST   /__sandbox/expire-urls              expire every presigned URL issued so far
 *   POST   /__sandbox/expire-tokens            {token?}: expire every token issued so far, or one (refresh still works)
 *   GET    /__sandbox/clock                    {offsetMs, now}
 *   POST   /__sandbox/clock                    {offsetMs}
 *   GET    /__sandbox/requests?since=&path=    recorded requests (seq > since, path substring)
 *   DELETE /__sandbox/requests                 clear the log
 *   GET    /__sandbox/files/{fileId}           {file, revisions}
 *   GET    /__sandbox/files/{fileId}/content   current bytes (?version=N for another)
 *   GET    /__sandbox/children?containerId=&folderId=   {files}
 *   GET    /__sandbox/find?containerId=&parentId=&name= {file}
 *   GET    /__sandbox/uploads                  pending (uncompleted) uploads
 *   GET    /__sandbox/jobs                     {runMs, running}: how long batch jobs stay "running"
 *   POST   /__sandbox/jobs                     {runMs}: change it for jobs created from now on
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateFaultSpec } from './faults';
import type { FaultSpec } from './faults';
import type { Service } from './service';

export interface RecordedRequest {
  /** Increasing sequence number (survives trimming of the log). */
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers; the token in Authorization is replaced by "<redacted>" (the scheme and separator are kept). */
  headers: Record<string, string>;
  /** Response status; 0 when the connection died without a response. */
  status: number;
  /** ISO time (real clock) the request arrived. */
  at: string;
  target: 'api' | 'part' | 'download' | 'other';
  /** Parsed JSON body of API requests. */
  bodyJson?: unknown;
}

export interface AdminContext {
  svc: Service;
  requests: RecordedRequest[];
  info: () => Record<string, unknown>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(s) });
  res.end(s);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

export async function handleAdmin(ctx: AdminContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { svc } = ctx;
  const store = svc.store;
  const method = req.method ?? 'GET';
  const p = url.pathname.replace(/^\/__sandbox/, '').replace(/\/$/, '') || '/';
  const q = url.searchParams;
  let body: unknown = {};
  try {
    if (method === 'POST' || method === 'PUT') body = await readJson(req);
  } catch {
    return json(res, 400, { error: 'body must be JSON' });
  }
  const obj = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const fileMatch = /^\/files\/([^/]+)(\/content)?$/.exec(p);

  if (method === 'GET' && p === '/state') return json(res, 200, ctx.info());
  if (p === '/faults') {
    if (method === 'GET') return json(res, 200, { faults: svc.faults.list() });
    if (method === 'DELETE') {
      svc.faults.clear();
      return json(res, 200, { ok: true });
    }
    if (method === 'POST') {
      const specs = Array.isArray(body) ? body : [body];
      for (const s of specs) {
        const problem = validateFaultSpec(s);
        if (problem) return json(res, 400, { error: problem });
      }
      return json(res, 200, { ids: specs.map((s) => svc.faults.add(s as FaultSpec)) });
    }
  }
  if (method === 'GET' && p === '/faults/fired') return json(res, 200, { firings: svc.faults.firings(q.get('id') ?? undefined) });
  const faultId = /^\/faults\/([^/]+)$/.exec(p);
  if (faultId && method === 'DELETE') return json(res, svc.faults.remove(faultId[1]) ? 200 : 404, {});
  const releaseId = /^\/faults\/([^/]+)\/release$/.exec(p);
  if (releaseId && method === 'POST') return json(res, svc.faults.release(releaseId[1]) ? 200 : 404, {});
  if (method === 'POST' && p === '/reset') {
    svc.faults.reset();
    return json(res, 200, { ok: true });
  }
  if (method === 'POST' && p === '/expire-urls') {
    svc.faults.expireUrls();
    return json(res, 200, { ok: true });
  }
  if (method === 'POST' && p === '/expire-tokens') {
    if (obj.token !== undefined && typeof obj.token !== 'string') return json(res, 400, { error: 'token must be a string' });
    svc.faults.expireTokens(obj.token as string | undefined);
    return json(res, 200, { ok: true });
  }
  if (p === '/clock') {
    if (method === 'POST' || method === 'PUT') {
      const ms = obj.offsetMs;
      if (typeof ms !== 'number' || !Number.isFinite(ms)) return json(res, 400, { error: 'offsetMs must be a number' });
      svc.faults.setClockOffset(ms);
    }
    return json(res, 200, { offsetMs: svc.faults.clockOffsetMs, now: new Date(svc.now()).toISOString() });
  }
  if (p === '/requests') {
    if (method === 'DELETE') {
      ctx.requests.length = 0;
      return json(res, 200, { ok: true });
    }
    const since = Number(q.get('since') ?? -1);
    const pathFilter = q.get('path') ?? '';
    return json(res, 200, { requests: ctx.requests.filter((r) => r.seq > since && r.path.includes(pathFilter)) });
  }
  if (method === 'GET' && fileMatch) {
    const f = store.getFile(fileMatch[1]);
    if (!f) return json(res, 404, { error: 'no such file' });
    if (!fileMatch[2]) return json(res, 200, { file: f, revisions: store.revisions(f.id) });
    try {
      const v = q.get('version');
      const data = store.readContent(f.id, v ? Number(v) : undefined);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length });
      res.end(data);
      return;
    } catch (e) {
      return json(res, 404, { error: (e as Error).message });
    }
  }
  if (method === 'GET' && p === '/children') {
    const cid = q.get('containerId') ?? '';
    if (!store.state.containers[cid]) return json(res, 404, { error: 'no such space' });
    return json(res, 200, { files: store.listChildren(cid, q.get('folderId') ?? 'root') });
  }
  if (method === 'GET' && p === '/find') {
    const cid = q.get('containerId') ?? '';
    if (!store.state.containers[cid]) return json(res, 404, { error: 'no such space' });
    const f = store.findByName(cid, q.get('parentId') ?? 'root', q.get('name') ?? '');
    return f ? json(res, 200, { file: f }) : json(res, 404, { error: 'not found' });
  }
  if (method === 'GET' && p === '/uploads') return json(res, 200, { uploads: store.pendingUploads() });
  if (p === '/jobs' && (method === 'GET' || method === 'POST')) {
    if (method === 'POST') {
      const ms = obj.runMs;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return json(res, 400, { error: 'runMs must be a non-negative number' });
      svc.jobRunner.runMs = ms;
    }
    return json(res, 200, { runMs: svc.jobRunner.runMs, running: svc.jobRunner.running });
  }
  return json(res, 404, { error: `unknown admin endpoint ${method} ${url.pathname}` });
}
