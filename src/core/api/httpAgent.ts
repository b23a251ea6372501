import type { Dispatcher } from 'undici';
import { undici } from './undiciLazy';

export interface HttpAgentOptions {
  /** Time allowed to open a connection. */
  connectTimeoutMs?: number;
  /** Time allowed between request end and response headers. */
  headersTimeoutMs?: number;
  /** Longest gap between two body chunks before the transfer counts as stalled. */
  bodyTimeoutMs?: number;
  /** Connections per origin (parts in flight + API calls). */
  connections?: number;
}

export const DEFAULT_HTTP_OPTIONS: Required<HttpAgentOptions> = {
  connectTimeoutMs: 15_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  connections: 16,
};

/**
 * One dispatcher per client, injected: an extension host is shared with
 * other extensions, so we never touch undici's global dispatcher (STYLE 5).
 */
export function createHttpAgent(options: HttpAgentOptions = {}): Dispatcher {
  const o = { ...DEFAULT_HTTP_OPTIONS, ...options };
  return new (undici().Agent)({
    connect: { timeout: o.connectTimeoutMs },
    headersTimeout: o.headersTimeoutMs,
    bodyTimeout: o.bodyTimeoutMs,
    connections: o.connections,
    keepAliveTimeout: 10_000,
  });
}
