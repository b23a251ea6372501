import type { Call, KooDriveClient } from './api/koodriveClient';
import type { Space } from './api/models';
import { KooDriveError } from './errors';

/**
 * Every space the user can browse: personal, departments, groups, and shared
 * folders where the edition has them. teamList and sharefolder/list are paged
 * by offset; we read all pages.
 */
export async function listSpaces(client: KooDriveClient, userId: string, o: Call = {}): Promise<Space[]> {
  const personal = await client.getPersonalSpace(userId, o);
  const departments = await allTeams(client, 0, o);
  const groups = await allTeams(client, 2, o);
  let shared: Space[] = [];
  try {
    shared = (await client.listShareFolders({ signal: o.signal })).items;
  } catch (e) {
    // Gap 13: shared folders are documented for the carrier edition only; a
    // tenant without them answers with "not found"/"bad request". That is not an error for us.
    if (!KooDriveError.is(e) || !['NotFound', 'InvalidInput', 'ApiError'].includes(e.code)) throw e;
  }
  const seen = new Set<string>([personal.containerId]);
  const unique = [...departments, ...groups].filter((s) => !seen.has(s.containerId) && seen.add(s.containerId));
  return [personal, ...unique, ...shared];
}

async function allTeams(client: KooDriveClient, teamType: 0 | 2, o: Call): Promise<Space[]> {
  const out: Space[] = [];
  for (let offset = 0; ; ) {
    const page = await client.listTeams({ teamType, offset, limit: 100, signal: o.signal });
    out.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return out;
  }
}

/** Finds a space by container id (what the CLI takes on its command line). */
export async function resolveSpace(client: KooDriveClient, userId: string, containerId: string, o: Call = {}): Promise<Space> {
  const spaces = await listSpaces(client, userId, o);
  const found = spaces.find((s) => s.containerId === containerId);
  if (!found) {
    throw new KooDriveError('NotFound', `No space with container id ${containerId}. Run "koodrive spaces" to see yours.`, { subject: containerId });
  }
  return found;
}
