/**
 * A tiny router for the JSON API under /koodrive/ose. Each route declares its
 * auth level; handlers return the success payload (merged into the
 * `{code: 0, msg: "success"}` envelope) or throw ApiError/GatewayError.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './auth';
import type { Body } from './validate';

/** 'none': no auth. 'session': token required, X-User-Id/X-Date checked if sent. 'full': all of them required. */
export type AuthLevel = 'none' | 'session' | 'full';

export interface ApiRequest {
  method: string;
  /** Path without the query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body ({} when there is none). */
  body: Body;
  /** Set for 'session' and 'full' routes. */
  principal: Principal;
  /** The x-hw-share-folder-id header, if any. */
  shareFolderId: string | undefined;
}

export type ApiResult = Record<string, unknown>;
export type Handler = (r: ApiRequest) => ApiResult | Promise<ApiResult>;

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  auth: AuthLevel;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` relative to /koodrive/ose, e.g. '/v1/files/:fileId/detail'. First match wins. */
  add(method: string, path: string, auth: AuthLevel, handler: Handler): void {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^/koodrive/ose${source}/?$`), keys, auth, handler });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1]);
      });
      return { route, params };
    }
    return undefined;
  }
}
