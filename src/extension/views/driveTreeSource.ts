/**
 * Binds the tree model's source to the signed-in session's client: the one
 * place the tree reaches core (kept apart from the VS Code provider so plain
 * Node tests drive the model through the very same binding).
 */
import { loadSpaces } from '../../core/spaces';
import type { SessionPort } from '../services';
import type { DriveTreeSource } from './driveTreeModel';

export function sessionTreeSource(session: Pick<SessionPort, 'connection'>): DriveTreeSource {
  return {
    listSpaces: async () => {
      const c = await session.connection();
      return loadSpaces(c.client, c.userId);
    },
    listFolder: async (space, folderId, cursor, pageSize) => (await session.connection()).client.listFiles(space, folderId, { cursor, pageSize }),
  };
}
