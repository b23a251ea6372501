/**
 * The logic behind "KooDrive: Search…", without VS Code (unit-testable):
 * searches as the user types, debounced, from MIN_KEYWORD characters on;
 * every keystroke aborts the request in flight at once (a stale answer can
 * never overwrite a newer one); keyword rules are checked before sending;
 * "Load more results…" follows the cursor of the last page.
 */
import { isCancellation, KooDriveError } from '../../core/errors';
import { keywordProblem, SearchPage, SearchResult } from '../../core/organize/search';
import { l10n } from '../l10n';

export const MIN_KEYWORD = 2;
export const SEARCH_DEBOUNCE_MS = 250;

export interface SearchViewState {
  keyword: string;
  results: SearchResult[];
  hasMore: boolean;
  busy: boolean;
  /** Why there are no results (too short, bad keyword, nothing found, error). */
  message?: string;
}

export type RunSearch = (keyword: string, cursor: string | undefined, signal: AbortSignal) => Promise<SearchPage>;

export class SearchSession {
  private timer?: ReturnType<typeof setTimeout>;
  private inFlight?: AbortController;
  private cursor?: string;
  private state: SearchViewState = { keyword: '', results: [], hasMore: false, busy: false };
  /** Keywords actually sent, in order (the log and tests read it). */
  readonly sent: string[] = [];

  constructor(private readonly run: RunSearch, private readonly render: (s: SearchViewState) => void, private readonly debounceMs = SEARCH_DEBOUNCE_MS) {}

  /** The input box changed. */
  onInput(value: string): void {
    const keyword = value.trim();
    this.cancelPending();
    if (keyword.length < MIN_KEYWORD) {
      this.update({ keyword, results: [], hasMore: false, busy: false, message: keyword ? l10n.t('Type at least {0} characters', MIN_KEYWORD) : undefined });
      return;
    }
    const problem = keywordProblem(keyword);
    if (problem) {
      this.update({ keyword, results: [], hasMore: false, busy: false, message: problem });
      return;
    }
    this.update({ ...this.state, keyword, busy: true, message: undefined });
    this.timer = setTimeout(() => void this.fetch(keyword, undefined), this.debounceMs);
  }

  /** "Load more results…" was chosen. */
  loadMore(): void {
    if (!this.cursor || this.state.busy) return;
    this.update({ ...this.state, busy: true });
    void this.fetch(this.state.keyword, this.cursor);
  }

  dispose(): void {
    this.cancelPending();
  }

  private cancelPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort(new KooDriveError('Cancelled', 'A newer search replaced this one'));
    this.inFlight = undefined;
  }

  private async fetch(keyword: string, cursor: string | undefined): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    this.sent.push(keyword);
    try {
      const page = await this.run(keyword, cursor, controller.signal);
      if (this.inFlight !== controller) return; // replaced meanwhile
      this.cursor = page.nextCursor;
      const results = cursor ? [...this.state.results, ...page.results] : page.results;
      this.update({
        keyword, results, hasMore: Boolean(page.nextCursor), busy: false,
        message: results.length === 0 ? l10n.t('Nothing in KooDrive matches "{0}"', keyword) : undefined,
      });
    } catch (e) {
      if (isCancellation(e) || this.inFlight !== controller) return;
      this.update({ ...this.state, busy: false, message: KooDriveError.is(e) ? e.message : String((e as Error)?.message ?? e) });
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  private update(s: SearchViewState): void {
    this.state = s;
    this.render(s);
  }
}
