/**
 * A minimal raw HTTP client for the sandbox's own tests (undici `request`),
 * deliberately not the project's client: these tests check the sandbox.
 */
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { formatCompactDate } from '../../../src/sandbox/clock';
import { proofCode } from '../../../src/sandbox/proofCode';
import { hashCtxAt, sha256Hex } from '../../../src/sandbox/sha256';

export const API = '/koodrive/ose/v1';

export type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  data: Buffer;
}

export interface ClientTarget {
  url: string;
  token: string;
  userId: string;
}

export class TestClient {
  /** How the token is sent: 'Bearer+' (documented) or 'Bearer ' (createSession style). */
  scheme = 'Bearer+';

  /** Optional connection pool (default: undici's global one). */
  constructor(
    public target: ClientTarget,
    public dispatcher?: Dispatcher,
  ) {}

  authorization(): string {
    return `${this.scheme}${this.target.token}`;
  }

  headers(extra: Record<string, string | undefined> = {}): Record<string, string> {
    const h: Record<string, string | undefined> = {
      authorization: this.authorization(),
      'x-user-id': this.target.userId,
      'x-date': formatCompactDate(Date.now()),
      'content-type': 'application/json',
      ...extra,
    };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
    return out;
  }

  /** `path` relative to /koodrive/ose/v1 unless it starts with /koodrive. Headers set to undefined are omitted. */
  async call(method: string, path: string, body?: unknown, extra: Record<string, string | undefined> = {}): Promise<Reply> {
    const full = path.startsWith('/koodrive') ? path : `${API}${path}`;
    const res = await request(`${this.target.url}${full}`, {
      method: method as 'GET',
      headers: this.headers(extra),
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.dispatcher,
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, body: parsed };
  }

  post(path: string, body: unknown = {}, extra: Record<string, string | undefined> = {}): Promise<Reply> {
    return this.call('POST', path, body, extra);
  }

  get(path: string, extra: Record<string, string | undefined> = {}): Promise<Reply> {
    return this.call('GET', path, undefined, extra);
  }

  /** POST that must succeed (HTTP 200, code 0). */
  async ok(path: string, body: unknown = {}, extra: Record<string, string | undefined> = {}): Promise<Reply['body']> {
    const r = await this.post(path, body, extra);
    if (r.status !== 200 || Number(r.body?.code) !== 0) throw new Error(`${path} failed: ${r.status} ${r.text}`);
    return r.body;
  }

  /** POST that must fail with this KooDrive code; returns the body. */
  async fails(path: string, body: unknown, code: number, extra: Record<string, string | undefined> = {}): Promise<Reply['body']> {
    const r = await this.post(path, body, extra);
    if (r.status !== 400 || r.body?.code !== code) throw new Error(`${path}: expected ${code}, got ${r.status} ${r.text}`);
    return r.body;
  }

  async put(url: string, data: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await request(url, { method: 'PUT', body: data, headers: { 'content-length': String(data.length), ...headers }, dispatcher: this.dispatcher });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, body: undefined };
  }

  async fetch(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET'): Promise<RawReply> {
    const res = await request(url, { method, headers, dispatcher: this.dispatcher });
    const data = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, data };
  }

  /** The parts layout of `length` with `partSize`-byte parts (last part shorter). */
  static layout(length: number, partSize: number): { partNumber: number; partOffset: number; partSize: number }[] {
    const parts = [];
    let n = 1;
    for (let off = 0; off < length || (length === 0 && n === 1); off += partSize, n++) {
      parts.push({ partNumber: n, partOffset: off, partSize: Math.min(partSize, length - off) });
      if (length === 0) break;
    }
    return parts;
  }

  /** MultiPartInfo[] with correct hashCtx for `data`. */
  static parts(data: Buffer, partSize: number): { partNumber: number; partOffset: number; partSize: number; hashCtx: number[] }[] {
    const layout = TestClient.layout(data.length, partSize);
    const ctxs = hashCtxAt(data, layout.map((p) => p.partOffset));
    return layout.map((p, i) => ({ ...p, hashCtx: p.partNumber === 1 ? [] : ctxs[i] }));
  }

  proof(data: Buffer): string {
    return proofCode(this.authorization(), data);
  }

  /** create + PUT every part + complete; returns the create response and the fileId. */
  async upload(args: {
    containerId: string;
    parent?: string;
    name: string;
    data: Buffer;
    partSize?: number;
    autoRename?: number;
    extra?: Record<string, string | undefined>;
  }): Promise<{ fileId: string; fileName: string; create: Reply['body'] }> {
    const parts = TestClient.parts(args.data, args.partSize ?? 5 * 1024 * 1024);
    const create = await this.ok(
      '/files/create',
      {
        fileName: args.name,
        fileType: '45',
        parentFolder: [args.parent ?? 'root'],
        containerId: args.containerId,
        length: args.data.length,
        uploadMode: 'multipart',
        uploadType: 1,
        autoRename: args.autoRename ?? 2,
        multiParts: parts,
      },
      args.extra,
    );
    for (const p of create.multiParts as { partNumber: number; partOffset: number; partSize: number; uploadUrl: string }[]) {
      const r = await this.put(p.uploadUrl, args.data.subarray(p.partOffset, p.partOffset + p.partSize));
      if (r.status !== 200) throw new Error(`part ${p.partNumber}: ${r.status} ${r.text}`);
    }
    await this.ok('/files/complete', { fileId: create.fileId, sha256: sha256Hex(args.data) }, args.extra);
    return { fileId: create.fileId, fileName: create.fileName, create };
  }
}
