import type { Call, KooDriveClient } from './api/koodriveClient';
import type { Space } from './api/models';
import { isCancellation, KooDriveError } from './errors';

/** The listings `loadSpaces` combines; each may fail on its own. */
export type SpaceListing = 'personal' | 'departments' | 'groups' | 'sharedFolders';

/** One listing that failed while the others loaded. */
export interface SpaceListingWarning {
  listing: SpaceListing;
  error: KooDriveError;
}

export interface SpacesResult {
  /** Personal first, then departments, groups, shared folders (each as far as it loaded). */
  spaces: Space[];
  /** The listings that could not be read, in that order (empty when all loaded). */
  warnings: SpaceListingWarning[];
}

const LISTING_NAMES: Record<SpaceListing, string> = {
  personal: 'the personal space',
  departments: 'departments',
  groups: 'groups',
  sharedFolders: 'shared folders',
};

/** "Could not list shared folders: <why>" (English; the extension words its own). */
export function describeSpaceWarning(w: SpaceListingWarning): string {
  return `Could not list ${LISTING_NAMES[w.listing]}: ${w.error.message}`;
}

/**
 * Every space the user can browse: personal, departments, groups, and shared
 * folders where the edition has them. teamList and sharefolder/list are paged
 * by offset; we read all pages.
 *
 * One failing listing does not sink the rest: shared folders exist only in
 * some editions (gap 13), and a server may answer any listing with an error
 * (501 "not offered here", 403 for a tenant without teams). That listing
 * becomes a warning and the spaces that loaded are returned. Two failures
 * still end everything, because no partial list could be right after them:
 * an expired sign-in (AuthRequired: the user must sign in, not read a
 * warning) and cancellation. If every listing fails, the first error is
 * thrown: an empty list with warnings would only hide it.
 * The listings run one after another, as before: the token refresh on
 * AuthRequired must not race with itself.
 */
export async function loadSpaces(client: KooDriveClient, userId: string, o: Call = {}): Promise<SpacesResult> {
  const warnings: SpaceListingWarning[] = [];
  const attempt = async <T>(listing: SpaceListing, load: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await load();
    } catch (e) {
      if (!KooDriveError.is(e) || e.code === 'AuthRequired' || isCancellation(e) || o.signal?.aborted) throw e;
      warnings.push({ listing, error: e });
      return undefined;
    }
  };
  const personal = await attempt('personal', () => client.getPersonalSpace(userId, o));
  const departments = await attempt('departments', () => allTeams(client, 0, o));
  const groups = await attempt('groups', () => allTeams(client, 2, o));
  const shared = await attempt('sharedFolders', async () => (await client.listShareFolders({ signal: o.signal })).items);
  if (warnings.length === 4) throw warnings[0].error;

  const seen = new Set<string>(personal ? [personal.containerId] : []);
  const unique = [...(departments ?? []), ...(groups ?? [])].filter((s) => !seen.has(s.containerId) && seen.add(s.containerId));
  return { spaces: [...(personal ? [personal] : []), ...unique, ...(shared ?? [])], warnings };
}

/** The spaces that could be listed (see `loadSpaces`; its warnings are dropped here). */
export async function listSpaces(client: KooDriveClient, userId: string, o: Call = {}): Promise<Space[]> {
  return (await loadSpaces(client, userId, o)).spaces;
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
  const { spaces, warnings } = await loadSpaces(client, userId, o);
  const found = spaces.find((s) => s.containerId === containerId);
  if (!found) {
    // If a listing failed, the space may be in it: say so rather than "no such space".
    const unlisted = warnings.length > 0 ? ` (${warnings.map(describeSpaceWarning).join('; ')})` : '';
    throw new KooDriveError('NotFound', `No space with container id ${containerId}${unlisted}. Run "koodrive spaces" to see yours.`, { subject: containerId });
  }
  return found;
}
