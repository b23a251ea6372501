/**
 * Searching by name (§2.10) in one space or in all of the user's spaces.
 * The API searches either the personal space or the team spaces
 * (`searchType`); "all spaces" runs the personal search to its end and then
 * the team search, behind one opaque cursor. Keyword rules are checked before
 * anything is sent, so the user gets a clear message instead of 13000102.
 */
import type { Call, KooDriveClient, SearchHit } from '../api/koodriveClient';
import type { Space } from '../api/models';
import { KooDriveError } from '../errors';

/** Documented: fuzzy keyword of at most 80 characters (older pages: 255), no spaces (user guide). */
export const MAX_KEYWORD_LENGTH = 80;

/** Why a keyword cannot be sent, or undefined when it is fine. */
export function keywordProblem(keyword: string): string | undefined {
  if (keyword.length === 0) return 'Type a name to search for.';
  if (/\s/.test(keyword)) return 'KooDrive search does not allow spaces: search for one word of the name.';
  if (keyword.length > MAX_KEYWORD_LENGTH) return `KooDrive search takes at most ${MAX_KEYWORD_LENGTH} characters.`;
  return undefined;
}

export interface SearchResult {
  item: SearchHit;
  /** The space the item is in, when it is one of the given spaces. */
  space?: Space;
  containerId: string;
  /** Folder path inside the space, "" at the top ("docs/reports"). */
  folderPath: string;
  /** Ids of the folders from the space's top level down to the item's folder (for revealing it). */
  folderIds: string[];
}

export interface SearchPage {
  results: SearchResult[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

export interface SearchOptions extends Call {
  keyword: string;
  /** One space, or every space in `spaces`. */
  scope: { space: Space } | { all: Space[] };
  cursor?: string;
  pageSize?: number;
}

type Phase = 'personal' | 'team';

export async function searchDrive(client: KooDriveClient, o: SearchOptions): Promise<SearchPage> {
  const problem = keywordProblem(o.keyword);
  if (problem) throw new KooDriveError('InvalidInput', problem, { subject: o.keyword });
  const spaces = 'space' in o.scope ? [o.scope.space] : o.scope.all;
  if ('space' in o.scope) {
    const s = o.scope.space;
    const page = await client.searchFiles({
      keyWord: o.keyword,
      searchType: s.kind === 'personal' || s.kind === 'shared' ? 'personal' : 'team',
      containerId: s.containerId,
      // A shared folder is a subtree of someone's personal space: search below it only.
      ...(s.kind === 'shared' ? { parentFolder: s.rootFolderId, recursived: true, shareFolderId: s.shareFolderId } : {}),
      cursor: o.cursor, pageSize: o.pageSize, signal: o.signal,
    });
    return { results: page.items.map((h) => toResult(h, spaces)), nextCursor: page.nextCursor };
  }
  let [phase, cursor] = decodeCursor(o.cursor);
  const results: SearchResult[] = [];
  for (;;) {
    const page = await client.searchFiles({ keyWord: o.keyword, searchType: phase, cursor, pageSize: o.pageSize, signal: o.signal });
    results.push(...page.items.map((h) => toResult(h, spaces)));
    if (page.nextCursor) return { results, nextCursor: encodeCursor(phase, page.nextCursor) };
    if (phase === 'team') return { results };
    // The personal results are exhausted: this page goes on with the team search,
    // so "Load more" is only offered when there really is more.
    [phase, cursor] = ['team', undefined];
  }
}

function encodeCursor(phase: Phase, cursor: string): string {
  return `${phase === 'personal' ? 'p' : 't'}:${cursor}`;
}

function decodeCursor(c: string | undefined): [Phase, string | undefined] {
  if (!c) return ['personal', undefined];
  const m = /^([pt]):(.*)$/s.exec(c);
  if (!m) throw new KooDriveError('InvalidInput', 'Not a search cursor from this search');
  return [m[1] === 'p' ? 'personal' : 'team', m[2] || undefined];
}

/** namePath "/root{containerId}/a/b/name" -> folder path "a/b" (the first segment names the space root). */
export function folderPathOf(namePath: string): string {
  const segs = namePath.split('/').filter(Boolean);
  return segs.slice(1, -1).join('/');
}

function toResult(h: SearchHit, spaces: Space[]): SearchResult {
  const containerId = h.containerId ?? '';
  const ids = h.idPath.split('/').filter(Boolean);
  // Ancestors between the space root and the item. Inside a shared folder, start below it.
  const space = spaces.find((s) => s.containerId === containerId && (!s.shareFolderId || ids.includes(s.rootFolderId)));
  let folderIds = ids.slice(1, -1);
  let folderPath = folderPathOf(h.namePath);
  if (space?.shareFolderId) {
    const at = folderIds.indexOf(space.rootFolderId);
    folderPath = folderPath.split('/').slice(at + 1).join('/');
    folderIds = folderIds.slice(at + 1);
  }
  return { item: h, space, containerId, folderPath, folderIds };
}
