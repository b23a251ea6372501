/**
 * The "KooDrive: Search…" QuickPick (VS Code side of searchSession.ts):
 * results show name, folder path (with the space when searching all spaces),
 * size and date; Enter reveals the item in the tree, the item buttons open
 * or download it; the title button changes the scope (one space or all).
 */
import * as vscode from 'vscode';
import type { Space } from '../../core/api/models';
import type { SearchResult } from '../../core/organize/search';
import { l10n } from '../l10n';
import { formatBytes, formatDateTime, parseRemoteTime } from './format';
import type { SearchChoice, SearchUi, SearchUiOptions } from './searchUi';
import { SearchSession } from './searchSession';

const LOAD_MORE = '$(ellipsis) ';

interface ResultItem extends vscode.QuickPickItem {
  result?: SearchResult;
  loadMore?: boolean;
}

export class VsCodeSearchUi implements SearchUi {
  async pick(o: SearchUiOptions): Promise<SearchChoice | undefined> {
    let scope = o.scope;
    let value = o.initialValue ?? '';
    for (;;) {
      const r = await this.pickOnce(o, scope, value);
      if (r.kind !== 'scope') return r.kind === 'done' ? r.choice : undefined;
      value = r.value;
      const next = await o.chooseScope();
      if (next) scope = next.scope;
    }
  }

  private pickOnce(o: SearchUiOptions, scope: Space | undefined, value: string): Promise<
    { kind: 'done'; choice?: SearchChoice } | { kind: 'scope'; value: string }
  > {
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick<ResultItem>();
      qp.title = scope ? l10n.t('Search KooDrive: {0}', scope.name) : l10n.t('Search KooDrive: all spaces');
      qp.placeholder = l10n.t('Type part of a file or folder name (at least 2 characters, no spaces)');
      qp.matchOnDescription = true;
      qp.ignoreFocusOut = true;
      const scopeButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('filter'), tooltip: l10n.t('Search in…') };
      qp.buttons = [scopeButton];
      const openButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: l10n.t('Open') };
      const downloadButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('cloud-download'), tooltip: l10n.t('Download…') };
      const revealButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('list-tree'), tooltip: l10n.t('Reveal in KooDrive view') };
      let settled = false;
      const finish = (r: { kind: 'done'; choice?: SearchChoice } | { kind: 'scope'; value: string }): void => {
        if (settled) return;
        settled = true;
        session.dispose();
        qp.hide();
        qp.dispose();
        resolve(r);
      };
      const session = new SearchSession((keyword, cursor, signal) => o.search(scope, keyword, cursor, signal), (st) => {
        qp.busy = st.busy;
        const items: ResultItem[] = st.results.map((result) => ({
          label: `$(${result.item.isFolder ? 'folder' : 'file'}) ${result.item.name}`,
          description: locationOf(result, scope),
          detail: detailOf(result),
          result,
          buttons: result.item.isFolder ? [revealButton] : [openButton, downloadButton, revealButton],
          alwaysShow: true,
        }));
        if (st.hasMore) items.push({ label: `${LOAD_MORE}${l10n.t('Load more results…')}`, description: l10n.t('{0} shown', st.results.length), loadMore: true, alwaysShow: true });
        if (items.length === 0 && st.message) items.push({ label: `$(info) ${st.message}`, alwaysShow: true });
        qp.items = items;
      });
      qp.onDidChangeValue((v) => session.onInput(v));
      qp.onDidTriggerButton((b) => {
        if (b === scopeButton) finish({ kind: 'scope', value: qp.value });
      });
      qp.onDidTriggerItemButton((e) => {
        const result = e.item.result;
        if (!result) return;
        const action = e.button === openButton ? 'open' : e.button === downloadButton ? 'download' : 'reveal';
        finish({ kind: 'done', choice: { result, action } });
      });
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0] ?? qp.activeItems[0];
        if (!item) return;
        if (item.loadMore) {
          session.loadMore();
          return;
        }
        if (item.result) finish({ kind: 'done', choice: { result: item.result, action: 'reveal' } });
      });
      qp.onDidHide(() => finish({ kind: 'done' }));
      qp.show();
      if (value) {
        qp.value = value;
        session.onInput(value);
      }
    });
  }

  async openFile(localPath: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(localPath));
  }
}

/** "Engineering · docs/reports" (the space only when searching all spaces). */
function locationOf(r: SearchResult, scope: Space | undefined): string {
  const folder = r.folderPath ? `/${r.folderPath}` : '/';
  return scope ? folder : `${r.space?.name ?? r.containerId} · ${folder}`;
}

function detailOf(r: SearchResult): string {
  const date = formatDateTime(parseRemoteTime(r.item.modifiedTime));
  return [r.item.isFolder ? l10n.t('Folder') : formatBytes(r.item.size), date].filter(Boolean).join(' · ');
}
