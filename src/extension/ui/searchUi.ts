/**
 * The search port: the "KooDrive: Search…" picker (searchQuickPick.ts in VS
 * Code). The command (commands/searchFiles.ts) stays free of VS Code.
 */
import type { Space } from '../../core/api/models';
import type { SearchPage, SearchResult } from '../../core/organize/search';

export type SearchAction = 'reveal' | 'open' | 'download';

export interface SearchChoice {
  result: SearchResult;
  action: SearchAction;
}

export interface SearchUiOptions {
  /** undefined = all spaces. */
  scope: Space | undefined;
  initialValue?: string;
  search(scope: Space | undefined, keyword: string, cursor: string | undefined, signal: AbortSignal): Promise<SearchPage>;
  /** Asks for another scope: `{ scope: undefined }` = all spaces; undefined = dismissed (keep the current one). */
  chooseScope(): Promise<{ scope: Space | undefined } | undefined>;
}

export interface SearchUi {
  /** undefined when the user closed the picker. */
  pick(o: SearchUiOptions): Promise<SearchChoice | undefined>;
  openFile(localPath: string): Promise<void>;
}
