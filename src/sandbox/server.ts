/**
 * The KooDrive sandbox: a local, dependency-free implementation of the
 * KooDrive REST API (contract: docs/protocol.md) plus an OBS-like store
 * for presigned part uploads and downloads. Used by the tests, the benchmarks,
 * and embedded in the extension as the "try it without an account" default.
 *
 *   const sb = await startSandbox();         // http://127.0.0.1:<port>, demo token
 *   sb.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 503 } });
 *   ...
 *   await sb.close();
 *
 * Independent of src/ on purpose: the client is tested against a second
 * implementation of the contract, not against itself.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedRequest } from './admin';
import { handleAdmin } from './admin';
import { AuthService } from './auth';
import { SandboxClock } from './clock';
import { ApiError, Codes, GatewayError } from './errors';
import type { FaultAction } from './faults';
import { FaultController } from './faults';
import { handleObs } from './obs';
import { Presigner } from './presign';
import type { ApiRequest } from './router';
import { Router } from './router';
import { registerDownloadRoutes } from './routes/download';
import { registerFileRoutes } from './routes/files';
import { registerJobRoutes } from './routes/jobs';
import { registerRevisionRoutes } from './routes/revisions';
import { registerSessionRoutes } from './routes/session';
import { registerSpaceRoutes } from './routes/spaces';
import { registerUploadRoutes } from './routes/upload';
import type { SandboxUser } from './seed';
import { DEFAULT_USERS, ensureUsers, personalContainer, seedDemo } from './seed';
import { SHARE_HEADER, Service } from './service';
import type { SandboxStoreView } from './store';
import { Store } from './store';
import { isObject } from './validate';

export type { RecordedRequest } from './admin';
export type { ActiveFault, FaultAction, FaultFiring, FaultMatch, FaultSpec, FaultTarget } from './faults';
export { FaultController } from './faults';
export type { SandboxUser } from './seed';
export type { PendingUpload, SandboxFile, SandboxRevision, SandboxStoreView } from './store';

export interface SandboxOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (ephemeral). */
  port?: number;
  /** Persistent data dir (state.json + blobs). Default: a fresh temp dir, deleted on close(). */
  dataDir?: string;
  /** Discard part bodies (no storage, no hashing) for throughput benchmarks; complete then only checks byte counts. */
  sink?: boolean;
  /** Seed the demo content on a fresh data dir (default true). */
  seed?: boolean;
  /** Sliding token idle lifetime in ms; default 20 min. 0 or Infinity = never expires. */
  tokenTtlMs?: number;
  /** Presigned URL lifetime in seconds; default 3600. */
  urlTtlSeconds?: number;
  /** Users; the first one is the demo user. Default: sandbox-user with token sandbox-token. */
  users?: SandboxUser[];
  /** Serve /__sandbox/... (default true). */
  admin?: boolean;
  /** Keep at most this many entries in `requests` (oldest dropped); default 10 000. */
  maxRecordedRequests?: number;
  /** Batch jobs stay "running" this long before they do their work (ms); default 0 = done inside the POST. */
  jobRunMs?: number;
}

export interface SandboxTeam {
  id: string;
  name: string;
  /** 0 department, 2 group (the team_type of /files/{groupId}/{type}). */
  teamType: 0 | 2;
  containerId: string;
  rootId: string;
}

export interface SandboxSharedFolder {
  /** The value for the x-hw-share-folder-id header. */
  id: string;
  name: string;
  containerId: string;
  /** The shared folder's file id (list it as parentFileId). */
  folderId: string;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:54321 -- the endpoint; the API is under /koodrive/ose/v1. */
  url: string;
  /** The demo access token (raw, without "Bearer"). */
  token: string;
  /** The demo user id (X-User-Id). */
  userId: string;
  /** The demo token's session id (x-session-id for POST /session/refresh). */
  sessionId: string;
  personalContainerId: string;
  personalRootId: string;
  /** Empty when started without seeding. */
  teams: SandboxTeam[];
  sharedFolders: SandboxSharedFolder[];
  dataDir: string;
  faults: FaultController;
  /** Every request received (admin calls excluded), oldest first. */
  requests: RecordedRequest[];
  store: SandboxStoreView;
  /** Changes how long later batch jobs stay "running" (ms; 0 = done inside the POST). */
  setJobRunMs(ms: number): void;
  /** From now on, file listings and details carry no `sha256` (a server that leaves the field out). */
  setOmitFileSha256(omit: boolean): void;
  close(): Promise<void>;
}

const MAX_API_BODY = 1024 * 1024;
const PENDING_UPLOAD_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/** X-Traceid: "58 bits" = 58 characters; one page says letters, digits and underscores. */
const TRACE_ID = /^[A-Za-z0-9_]{58}$/;
const API_PREFIX = '/koodrive/ose/';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function redactHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const s = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' ? s.replace(/^(\S*?Bearer[+ ]?).*$/s, '$1<redacted>') : s;
  }
  return out;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const s = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(s),
    'X-Request-Id': randomUUID(),
    ...extra,
  });
  res.end(s);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      req.resume();
      return 'too-large';
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** The body an injected status fault answers with on an API path. */
function faultBody(status: number, echoedToken?: string): unknown {
  if (echoedToken !== undefined) {
    const echo = `the access token ${echoedToken} was not accepted here`;
    return status >= 500 ? { code: Codes.Internal, msg: `inner server invoke failure: ${echo}` } : { code: Codes.BadRequest, msg: echo };
  }
  if (status === 429) {
    return { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit' };
  }
  if (status === 401) return { error_code: 'APIGW.0301', error_msg: 'Incorrect authentication information: token missing, expired or invalid' };
  if (status >= 500) return { code: Codes.Internal, msg: 'inner server invoke failure' };
  return { code: Codes.BadRequest, msg: 'bad request' };
}

const GATEWAY_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>' +
  '<hr><center>nginx</center></body></html>\n';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const ownsDataDir = options.dataDir === undefined;
  const users = options.users && options.users.length > 0 ? options.users : DEFAULT_USERS;
  const maxRecorded = options.maxRecordedRequests ?? 10_000;

  let app: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  const server = http.createServer((req, res) => {
    if (app) app(req, res);
    else sendJson(res, 503, { code: Codes.Internal, msg: 'starting' });
  });
  // Sockets are kept alive for the clients' connection pools; a 5 GiB part may
  // take longer than Node's default 5-minute request timeout.
  server.keepAliveTimeout = 30_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  const dataDir = options.dataDir ? path.resolve(options.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-sandbox-'));
  let store: Store;
  try {
    store = new Store(dataDir);
  } catch (e) {
    server.close();
    throw e;
  }
  const clock = new SandboxClock();
  const auth = new AuthService(clock, options.tokenTtlMs ?? 20 * 60 * 1000);
  const presigner = new Presigner({
    clock,
    baseUrl: url,
    ttlSeconds: options.urlTtlSeconds ?? 3600,
    secret: () => store.state.secret,
    keyGen: () => store.state.urlKeyGen,
  });
  const faults = new FaultController(clock, {
    expireUrls: () => {
      store.state.urlKeyGen++;
      store.touch();
    },
    expireTokens: (token) => auth.expire(token),
  });
  const svc = new Service(store, clock, auth, presigner, faults, { sink: options.sink ?? false, jobRunMs: options.jobRunMs ?? 0 });

  const fresh = !store.existed;
  // Uploads abandoned for a week are dropped with their parts (undocumented
  // on the real service; keeps a long-lived data dir from filling up).
  for (const u of Object.values(store.state.uploads)) {
    if (Date.now() - u.createdAt > PENDING_UPLOAD_LIFETIME_MS) store.dropUpload(u);
  }
  ensureUsers(svc, users);
  if (fresh && options.seed !== false) seedDemo(svc, users[0].userId, users.map((u) => u.userId));
  store.flush();
  for (const u of users) {
    if (u.token) auth.register(u.token, u.userId, u.sessionId ?? `${u.userId}-session`);
  }

  const router = new Router();
  registerSessionRoutes(router, svc, url);
  registerSpaceRoutes(router, svc);
  registerUploadRoutes(router, svc);
  registerDownloadRoutes(router, svc);
  registerRevisionRoutes(router, svc);
  registerFileRoutes(router, svc);
  registerJobRoutes(router, svc); // last: GET /v1/{job_id} matches any segment

  const requests: RecordedRequest[] = [];
  let seq = 0;
  const demo = users[0];
  const personal = personalContainer(svc, demo.userId);

  const teams = (): SandboxTeam[] =>
    Object.values(store.state.teams).map((t) => ({
      id: t.id,
      name: t.name,
      teamType: t.kind,
      containerId: t.containerId,
      rootId: store.state.containers[t.containerId].rootId,
    }));
  const sharedFolders = (): SandboxSharedFolder[] =>
    Object.values(store.state.shares).map((s) => ({ id: s.id, name: s.name, containerId: s.containerId, folderId: s.folderId }));

  const info = (): Record<string, unknown> => {
    const nodes = Object.values(store.state.nodes);
    return {
      url,
      userId: demo.userId,
      token: demo.token ?? null,
      sessionId: demo.sessionId ?? `${demo.userId}-session`,
      personalContainerId: personal.id,
      personalRootId: personal.rootId,
      dataDir,
      sink: svc.options.sink,
      users: Object.values(store.state.users),
      containers: Object.values(store.state.containers),
      teams: teams(),
      sharedFolders: sharedFolders(),
      counts: {
        files: nodes.filter((n) => n.kind === 'file').length,
        folders: nodes.filter((n) => n.kind === 'folder' && n.parentId).length,
        pendingUploads: Object.keys(store.state.uploads).length,
        blobs: Object.keys(store.state.blobs).length,
        jobs: Object.keys(store.state.jobs).length,
      },
      clockOffsetMs: clock.offsetMs,
      faults: faults.list(),
    };
  };

  const record = (req: http.IncomingMessage, res: http.ServerResponse, u: URL, target: RecordedRequest['target']): RecordedRequest => {
    const entry: RecordedRequest = {
      seq: ++seq,
      method: req.method ?? '',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: redactHeaders(req.headers),
      status: 0,
      at: new Date().toISOString(),
      target,
    };
    requests.push(entry);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    return entry;
  };

  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, u: URL, entry: RecordedRequest): Promise<void> => {
    const method = req.method ?? 'GET';
    const m = router.match(method, u.pathname);
    const raw = await readBody(req, MAX_API_BODY);
    if (!m) {
      return sendJson(res, 404, {
        error_code: 'APIGW.0101',
        error_msg: 'The API does not exist or has not been published in the environment',
      });
    }
    if (raw === 'too-large') return sendJson(res, 400, { code: Codes.BadRequest, msg: 'bad request: body too large' });
    let body: Record<string, unknown> = {};
    let badJson = false;
    if (raw.length > 0) {
      try {
        const parsed = JSON.parse(raw.toString('utf8')) as unknown;
        entry.bodyJson = parsed;
        if (isObject(parsed)) body = parsed;
        else badJson = true;
      } catch {
        badJson = true;
      }
    }
    const ids: string[] = [];
    if (typeof body.fileId === 'string') ids.push(body.fileId);
    if (Array.isArray(body.fileIds)) for (const x of body.fileIds) if (typeof x === 'string') ids.push(x);
    // A listing is about the folder listed: a fault can target one folder's listing.
    if (typeof body.parentFileId === 'string') ids.push(body.parentFileId);
    const fault: FaultAction | undefined = faults.take({ target: 'api', method, path: u.pathname, fileIds: ids, query: u.searchParams }, [
      'status',
      'reset',
      'delay',
      'stall',
      'malformed',
      'omitField',
      'hold',
    ]);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const echoed = fault.echoToken ? String(req.headers.authorization ?? '').replace(/^Bearer[+ ]/i, '') : undefined;
      return sendJson(res, fault.status, faultBody(fault.status, echoed), fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {});
    }
    if (fault?.kind === 'malformed' && fault.body === 'html') {
      res.writeHead(fault.status ?? 502, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(GATEWAY_ERROR_PAGE) });
      res.end(GATEWAY_ERROR_PAGE);
      return;
    }

    let status = 200;
    let payload: unknown;
    let extraHeaders: Record<string, string> = {};
    try {
      if (badJson) throw new ApiError(Codes.BadRequest, 'bad request: the body must be a JSON object');
      const { route, params } = m;
      const principal =
        route.auth === 'none'
          ? { userId: '', token: '', sessionId: '', authorization: '' }
          : auth.authenticate(req.headers, route.auth === 'full');
      const traceId = req.headers['x-traceid'];
      if (traceId !== undefined) {
        extraHeaders = { 'X-Traceid': String(traceId) };
        if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) {
          throw new ApiError(Codes.ParamInvalid, 'parameter check failed: X-Traceid must be 58 letters, digits or underscores');
        }
      }
      const share = req.headers[SHARE_HEADER];
      const r: ApiRequest = {
        method,
        path: u.pathname,
        params,
        query: u.searchParams,
        headers: req.headers,
        body,
        principal,
        shareFolderId: (Array.isArray(share) ? share[0] : share) || undefined,
      };
      const result = await route.handler(r);
      payload = { code: 0, msg: 'success', ...result };
    } catch (e) {
      if (e instanceof ApiError) {
        status = 400;
        payload = { code: e.code, msg: e.message, ...e.extra };
      } else if (e instanceof GatewayError) {
        status = e.status;
        payload = { error_code: e.errorCode, error_msg: e.message };
        extraHeaders = { ...extraHeaders, ...e.headers };
      } else {
        console.error('[koodrive-sandbox] internal error:', e);
        status = 500;
        payload = { code: Codes.Internal, msg: 'inner server invoke failure' };
      }
    }
    if (fault?.kind === 'omitField' && isObject(payload)) delete payload[fault.field];
    if (fault?.kind === 'hold') await faults.heldUntilReleased(fault);
    if (fault?.kind === 'malformed') {
      const text = JSON.stringify(payload);
      const cut = fault.body === 'empty' ? '' : text.slice(0, Math.floor(text.length / 2));
      res.writeHead(fault.status ?? 200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(cut) });
      res.end(cut);
      return;
    }
    if (fault?.kind === 'stall') {
      const text = JSON.stringify(payload);
      const buf = Buffer.from(text);
      const cut = Math.min(fault.afterBytes ?? 0, buf.length);
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': buf.length, ...extraHeaders });
      if (cut > 0) res.write(buf.subarray(0, cut));
      else res.flushHeaders();
      await sleep(fault.ms);
      if (!res.destroyed) res.end(buf.subarray(cut));
      return;
    }
    sendJson(res, status, payload, extraHeaders);
  };

  const loginPage = (res: http.ServerResponse, u: URL): void => {
    const redirect = u.searchParams.get('redirect_uri');
    const link = redirect ? `${redirect}${redirect.includes('?') ? '&' : '?'}code=sandbox` : '';
    const html =
      '<!DOCTYPE html><html><head><title>KooDrive sandbox sign-in</title></head><body>' +
      '<h1>KooDrive sandbox</h1><p>Authorization code: <code>sandbox</code></p>' +
      (link ? `<p><a href="${link.replace(/"/g, '&quot;')}">Continue</a></p>` : '') +
      '</body></html>';
    res.writeHead(200, { 'Content-Type': 'text/html;charset=UTF-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(html);
  };

  app = (req, res) => {
    // Every response carries the sandbox clock's Date (clients derive their skew from it).
    res.setHeader('Date', new Date(clock.now()).toUTCString());
    let u: URL;
    try {
      u = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const fail = (e: unknown): void => {
      console.error('[koodrive-sandbox] internal error:', e);
      if (!res.headersSent) sendJson(res, 500, { code: Codes.Internal, msg: 'inner server invoke failure' });
      else res.destroy();
    };
    if (u.pathname.startsWith('/__sandbox/') || u.pathname === '/__sandbox') {
      if (options.admin === false) {
        sendJson(res, 404, { error: 'admin endpoints are disabled' });
        return;
      }
      handleAdmin({ svc, requests, info }, req, res, u).catch(fail);
      return;
    }
    if (u.pathname.startsWith('/obs/')) {
      const target = req.method === 'PUT' ? 'part' : 'download';
      record(req, res, u, target);
      handleObs(svc, req, res, u).catch(fail);
      return;
    }
    const entry = record(req, res, u, u.pathname.startsWith(API_PREFIX) ? 'api' : 'other');
    if (u.pathname.startsWith(API_PREFIX)) {
      handleApi(req, res, u, entry).catch(fail);
      return;
    }
    if (req.method === 'GET' && u.pathname.startsWith('/sandbox-login')) {
      loginPage(res, u);
      return;
    }
    req.resume();
    sendJson(res, 404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    faults.releaseAll();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    svc.jobRunner.finishAll();
    store.close();
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  return {
    url,
    token: demo.token ?? '',
    userId: demo.userId,
    sessionId: demo.sessionId ?? `${demo.userId}-session`,
    personalContainerId: personal.id,
    personalRootId: personal.rootId,
    teams: teams(),
    sharedFolders: sharedFolders(),
    dataDir,
    faults,
    requests,
    store,
    setJobRunMs: (ms: number) => {
      svc.jobRunner.runMs = ms;
    },
    setOmitFileSha256: (omit: boolean) => {
      svc.options.omitFileSha256 = omit;
    },
    close,
  };
}

