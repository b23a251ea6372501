/**
 * Fault injection. A fault is a match (which requests), an action (what goes
 * wrong), and a count; it fires for the first `times` matching requests after
 * letting `skip` through, then removes itself. Faults are checked in the order
 * they were added and at most one fires per hook point.
 *
 * Hook points (which action kinds can fire where):
 *   api       on entry, before auth:     status | reset | delay | stall | malformed | omitField | hold
 *   api       per item of files/download and of a batch job (POST /jobs): failItem (match.fileId)
 *   part      PUT after URL validation:  status | reset | delay | stall
 *   download  GET after URL validation:  status | reset | delay | stall | corrupt
 *
 * Every firing is logged (firings()): a test asserts that the fault it set up
 * really happened, so it cannot pass with injection broken or mis-matched.
 *
 * Plus three one-shot controls that are not counted faults: expire every
 * presigned URL issued so far, expire every token issued so far (refresh still
 * works), and shift the sandbox clock.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxClock } from './clock';

export type FaultTarget = 'api' | 'part' | 'download';

export interface FaultMatch {
  target: FaultTarget;
  /** Substring of the request path, e.g. '/files/create' or '/files/download'. */
  path?: string;
  /** HTTP method (case-insensitive). */
  method?: string;
  /** part: only this part number. */
  partNumber?: number;
  /** part: the upload's fileId; download: the downloaded file; api: body.fileId / body.fileIds[] / body.parentFileId (a folder's listing) / path. */
  fileId?: string;
  /** api: every named query parameter must have this value, e.g. `{ teamType: '2' }` (teamList of groups only). */
  query?: Record<string, string>;
}

export type FaultAction =
  /** Answer with this status instead (api: JSON error body; part/download: S3 XML). `retryAfter` in seconds.
   *  api: `echoToken` puts the request's access token (without its "Bearer" scheme) into the error message,
   *  as a careless gateway might: the client must keep it out of everything it prints. */
  | { kind: 'status'; status: number; retryAfter?: number; echoToken?: boolean }
  /** Destroy the connection: api at once; part after `afterBytes` of the request body; download after `afterBytes` of the response body. */
  | { kind: 'reset'; afterBytes?: number }
  /** Send nothing for `ms`, then proceed normally. */
  | { kind: 'delay'; ms: number }
  /** api/download: send the headers (and `afterBytes` of body), then no bytes for `ms`, then the rest.
   *  part: read `afterBytes` of the body, then stop reading for `ms`. */
  | { kind: 'stall'; ms: number; afterBytes?: number }
  /** api only. 'html': a gateway error page (status default 502, the request is not executed);
   *  'truncated-json' / 'empty': the request IS executed, then the body is cut in half / dropped (status default 200). */
  | { kind: 'malformed'; body: 'html' | 'truncated-json' | 'empty'; status?: number }
  /** api only: the request IS executed, then this top-level field is left out of the JSON answer (e.g. a
   *  job's `failedList`): a shape the docs do not promise, which the client must not read as "all is well". */
  | { kind: 'omitField'; field: string }
  /** download only: flip one byte (at `atByte`, default the middle) so the content no longer matches its sha256. */
  | { kind: 'corrupt'; atByte?: number }
  /** api files/download and batch jobs: the matching fileId's item fails with this per-item code
   *  (default "13000408" for a download, "13000201" for a job item); the other items proceed. */
  | { kind: 'failItem'; code?: string }
  /** api only: the request IS executed, then its answer is held back until the fault is released
   *  (release(id), `POST /__sandbox/faults/{id}/release`) or the sandbox closes. A test changes the
   *  drive while a client holds a stale answer, with no timing involved: it waits for the firing
   *  (firings(id)), makes its change, releases. */
  | { kind: 'hold' };

export type FaultKind = FaultAction['kind'];

export interface FaultSpec {
  match: FaultMatch;
  action: FaultAction;
  /** How many matching requests it fires for; default 1. */
  times?: number;
  /** Let this many matching requests through first: "fail the 3rd part PUT" = skip 2. Default 0. */
  skip?: number;
}

export interface ActiveFault {
  id: string;
  match: FaultMatch;
  action: FaultAction;
  /** Firings left. */
  remaining: number;
  /** Matching requests still to let through. */
  skip: number;
  fired: number;
}

/** One time a fault fired: which fault, what it did, to which request. */
export interface FaultFiring {
  faultId: string;
  kind: FaultKind;
  target: FaultTarget;
  method: string;
  path: string;
  partNumber?: number;
  /** The files the request named (api: body.fileId / fileIds; part/download: the file), when any. */
  fileIds?: string[];
  /** ISO time (real clock). */
  at: string;
}

/** Firings kept (oldest dropped): enough for any test, bounded for a long-running sandbox. */
const MAX_FIRINGS = 1000;

/** What a hook point knows about the request. */
export interface FaultProbe {
  target: FaultTarget;
  method: string;
  path: string;
  partNumber?: number;
  fileIds?: string[];
  query?: URLSearchParams;
}

export interface FaultHooks {
  expireUrls(): void;
  expireTokens(token?: string): void;
}

const KINDS_BY_TARGET: Record<FaultTarget, FaultKind[]> = {
  api: ['status', 'reset', 'delay', 'stall', 'malformed', 'omitField', 'failItem', 'hold'],
  part: ['status', 'reset', 'delay', 'stall'],
  download: ['status', 'reset', 'delay', 'stall', 'corrupt'],
};

export class FaultController {
  private faults: ActiveFault[] = [];
  private readonly firingLog: FaultFiring[] = [];
  /** Hold faults: the gate each held answer waits on, by fault id (kept after the fault is used up). */
  private readonly gates = new Map<string, { open: Promise<void>; release(): void }>();
  private readonly gateOf = new WeakMap<FaultAction, string>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly hooks: FaultHooks,
  ) {}

  /** Add one fault; returns its id. Throws a TypeError when the spec is invalid. */
  add(spec: FaultSpec): string {
    const problem = validateFaultSpec(spec);
    if (problem) throw new TypeError(`invalid fault: ${problem}`);
    const f: ActiveFault = {
      id: randomUUID(),
      match: { ...spec.match, ...(spec.match.query ? { query: { ...spec.match.query } } : {}) },
      action: { ...spec.action },
      remaining: spec.times ?? 1,
      skip: spec.skip ?? 0,
      fired: 0,
    };
    if (f.action.kind === 'hold') {
      let release!: () => void;
      const open = new Promise<void>((resolve) => (release = resolve));
      this.gates.set(f.id, { open, release });
      this.gateOf.set(f.action, f.id);
    }
    this.faults.push(f);
    return f.id;
  }

  /** Lets the answers held by hold fault `id` go (now and for later firings); false when there is no such fault. */
  release(id: string): boolean {
    const gate = this.gates.get(id);
    gate?.release();
    return gate !== undefined;
  }

  /** Releases every held answer (the sandbox is closing). */
  releaseAll(): void {
    for (const gate of this.gates.values()) gate.release();
  }

  /** Internal: resolves when the hold fault that `action` came from is released. */
  heldUntilReleased(action: FaultAction): Promise<void> {
    const id = this.gateOf.get(action);
    return (id !== undefined && this.gates.get(id)?.open) || Promise.resolve();
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  /** Remove every pending fault (the clock offset is left alone; see reset()). */
  clear(): void {
    this.faults = [];
  }

  /** Remove every fault and put the clock back. */
  reset(): void {
    this.faults = [];
    this.clock.offsetMs = 0;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f, match: { ...f.match }, action: { ...f.action } }));
  }

  /** Firings so far, oldest first; only those of fault `faultId` when given. Survives clear()/reset() (ids are unique). */
  firings(faultId?: string): FaultFiring[] {
    return this.firingLog.filter((f) => faultId === undefined || f.faultId === faultId).map((f) => ({ ...f }));
  }

  /** Every presigned URL issued so far answers 403 AccessDenied "Request has expired". */
  expireUrls(): void {
    this.hooks.expireUrls();
  }

  /**
   * Every access token issued so far (or just `token`, raw without "Bearer")
   * is expired: 401 APIGW.0301; POST /session/refresh still works.
   */
  expireTokens(token?: string): void {
    this.hooks.expireTokens(token);
  }

  /** Shift the sandbox clock (Date header, X-Date window, URL signing/expiry) by `ms` relative to real time. */
  setClockOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new TypeError('clock offset must be a finite number of ms');
    this.clock.offsetMs = ms;
  }

  get clockOffsetMs(): number {
    return this.clock.offsetMs;
  }

  /**
   * Internal: the fault that fires for this request at a hook point that can
   * apply `kinds`, consuming one use; undefined when none does.
   */
  take(probe: FaultProbe, kinds: readonly FaultKind[]): FaultAction | undefined {
    for (const f of this.faults) {
      if (!kinds.includes(f.action.kind) || !matches(f.match, probe)) continue;
      if (f.skip > 0) {
        f.skip--;
        continue;
      }
      f.remaining--;
      f.fired++;
      this.firingLog.push({
        faultId: f.id, kind: f.action.kind, target: probe.target, method: probe.method, path: probe.path,
        ...(probe.partNumber !== undefined ? { partNumber: probe.partNumber } : {}),
        ...(probe.fileIds?.length ? { fileIds: [...probe.fileIds] } : {}), at: new Date().toISOString(),
      });
      if (this.firingLog.length > MAX_FIRINGS) this.firingLog.splice(0, this.firingLog.length - MAX_FIRINGS);
      if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
      return f.action;
    }
    return undefined;
  }
}

function matches(m: FaultMatch, p: FaultProbe): boolean {
  if (m.target !== p.target) return false;
  if (m.method && m.method.toUpperCase() !== p.method.toUpperCase()) return false;
  if (m.path && !p.path.includes(m.path)) return false;
  if (m.partNumber !== undefined && m.partNumber !== p.partNumber) return false;
  if (m.query) {
    for (const [name, value] of Object.entries(m.query)) if (p.query?.get(name) !== value) return false;
  }
  if (m.fileId !== undefined) {
    const inIds = p.fileIds?.includes(m.fileId) ?? false;
    if (!inIds && !(p.target === 'api' && p.path.includes(m.fileId))) return false;
  }
  return true;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonNegInt(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** A reason the spec is unusable, or undefined when it is fine (used for specs arriving over HTTP). */
export function validateFaultSpec(spec: unknown): string | undefined {
  if (!isObj(spec)) return 'spec must be an object';
  const { match, action, times, skip } = spec;
  if (!isObj(match)) return 'match must be an object';
  if (match.target !== 'api' && match.target !== 'part' && match.target !== 'download') {
    return "match.target must be 'api', 'part' or 'download'";
  }
  if (match.path !== undefined && typeof match.path !== 'string') return 'match.path must be a string';
  if (match.method !== undefined && typeof match.method !== 'string') return 'match.method must be a string';
  if (match.fileId !== undefined && typeof match.fileId !== 'string') return 'match.fileId must be a string';
  if (match.partNumber !== undefined && !nonNegInt(match.partNumber)) return 'match.partNumber must be an integer';
  if (match.query !== undefined) {
    if (match.target !== 'api') return 'match.query applies to api requests only';
    if (!isObj(match.query) || !Object.values(match.query).every((v) => typeof v === 'string')) {
      return 'match.query must be an object of strings';
    }
  }
  if (!isObj(action)) return 'action must be an object';
  const kind = action.kind as FaultKind;
  if (!KINDS_BY_TARGET[match.target].includes(kind)) {
    return `action.kind '${String(action.kind)}' cannot apply to target '${match.target}'`;
  }
  if (times !== undefined && (!Number.isSafeInteger(times) || (times as number) < 1)) return 'times must be an integer >= 1';
  if (skip !== undefined && !nonNegInt(skip)) return 'skip must be an integer >= 0';
  switch (kind) {
    case 'status':
      if (!Number.isInteger(action.status) || (action.status as number) < 400 || (action.status as number) > 599) {
        return 'status must be 400..599';
      }
      if (action.retryAfter !== undefined && !nonNegInt(action.retryAfter)) return 'retryAfter must be seconds >= 0';
      if (action.echoToken !== undefined && (typeof action.echoToken !== 'boolean' || match.target !== 'api')) return 'echoToken must be a boolean, for api faults';
      return undefined;
    case 'reset':
      return action.afterBytes === undefined || nonNegInt(action.afterBytes) ? undefined : 'afterBytes must be >= 0';
    case 'delay':
      return nonNegInt(action.ms) ? undefined : 'ms must be >= 0';
    case 'stall':
      if (!nonNegInt(action.ms)) return 'ms must be >= 0';
      return action.afterBytes === undefined || nonNegInt(action.afterBytes) ? undefined : 'afterBytes must be >= 0';
    case 'malformed':
      if (action.body !== 'html' && action.body !== 'truncated-json' && action.body !== 'empty') {
        return "body must be 'html', 'truncated-json' or 'empty'";
      }
      if (action.status !== undefined && (!Number.isInteger(action.status) || (action.status as number) < 100)) {
        return 'status must be an HTTP status';
      }
      return undefined;
    case 'omitField':
      return typeof action.field === 'string' && action.field !== '' ? undefined : 'field must be a non-empty string';
    case 'corrupt':
      return action.atByte === undefined || nonNegInt(action.atByte) ? undefined : 'atByte must be >= 0';
    case 'hold':
      return undefined;
    case 'failItem':
      if (match.fileId === undefined) return 'failItem needs match.fileId';
      return action.code === undefined || typeof action.code === 'string' ? undefined : 'code must be a string';
    default:
      return `unknown action.kind '${String(kind)}'`;
  }
}
