/**
 * How a node looks: label, description, tooltip (markdown source), codicon
 * and the `contextValue` that menus key off. Plain data so unit tests can
 * check it; `driveTreeProvider.ts` turns it into a vscode.TreeItem.
 *
 * contextValue vocabulary (package.json menus use exactly these):
 *   koodrive:space  koodrive:folder  koodrive:file  koodrive:loadMore  koodrive:message
 *   koodrive:recycleBin  koodrive:recycled
 */
import type { DriveItem, Space } from '../../core/api/models';
import type { RecycledItem } from '../../core/organize/recycleBin';
import type { CommandId } from '../commands/commandIds';
import { l10n } from '../l10n';
import { formatBytes, formatDateTime, parseRemoteTime } from '../ui/format';
import type { DriveNode } from './treeNodes';

export const CONTEXT_VALUES = {
  space: 'koodrive:space',
  folder: 'koodrive:folder',
  file: 'koodrive:file',
  loadMore: 'koodrive:loadMore',
  message: 'koodrive:message',
  recycleBin: 'koodrive:recycleBin',
  recycled: 'koodrive:recycled',
} as const;

export interface NodePresentation {
  label: string;
  description?: string;
  /** Markdown source. */
  tooltip?: string;
  /** Codicon id. */
  icon: string;
  contextValue: string;
  collapsible: boolean;
  /** Run when the node is clicked (with the node as argument). */
  command?: { id: CommandId; title: string };
}

export function presentNode(node: DriveNode): NodePresentation {
  switch (node.kind) {
    case 'space':
      return {
        label: node.space.name,
        description: spaceDescription(node.space),
        tooltip: spaceTooltip(node.space),
        icon: spaceIcon(node.space),
        contextValue: CONTEXT_VALUES.space,
        collapsible: true,
      };
    case 'folder':
      return {
        label: node.item.name,
        description: formatDateTime(parseRemoteTime(node.item.modifiedTime)),
        tooltip: itemTooltip(node.item),
        icon: 'folder',
        contextValue: CONTEXT_VALUES.folder,
        collapsible: true,
      };
    case 'file':
      return {
        label: node.item.name,
        description: fileDescription(node.item),
        tooltip: itemTooltip(node.item),
        icon: iconForItem(node.item),
        contextValue: CONTEXT_VALUES.file,
        collapsible: false,
        command: { id: 'koodrive.openRemoteFile', title: l10n.t('Open') },
      };
    case 'loadMore':
      return {
        label: l10n.t('Load more…'),
        description: l10n.t('{0} shown', node.loaded),
        icon: 'ellipsis',
        contextValue: CONTEXT_VALUES.loadMore,
        collapsible: false,
        command: { id: 'koodrive.loadMoreItems', title: l10n.t('Load more…') },
      };
    case 'recycleBin':
      return {
        label: l10n.t('Recycle Bin'),
        tooltip: l10n.t('Items deleted from {0}: restore them or delete them for good', escapeMarkdown(node.space.name)),
        icon: 'trash',
        contextValue: CONTEXT_VALUES.recycleBin,
        collapsible: true,
      };
    case 'recycled':
      return presentRecycled(node.entry);
    case 'message':
      return {
        label: node.text,
        icon: node.isError ? 'warning' : 'info',
        contextValue: CONTEXT_VALUES.message,
        collapsible: false,
        ...(node.isError ? { command: node.parent ? { id: 'koodrive.refreshFolder' as const, title: l10n.t('Refresh') } : { id: 'koodrive.refreshTree' as const, title: l10n.t('Refresh') } } : {}),
      };
  }
}

function presentRecycled(entry: RecycledItem): NodePresentation {
  const deleted = formatDateTime(parseRemoteTime(entry.deletedTime));
  const from = entry.originalFolder === undefined ? undefined : `/${entry.originalFolder}`;
  const description = [from, deleted && l10n.t('deleted {0}', deleted)].filter(Boolean).join(' · ');
  const lines = [`**${escapeMarkdown(entry.item.name)}**`, ''];
  lines.push(`${l10n.t('Original folder')}: ${from === undefined ? l10n.t('unknown') : escapeMarkdown(from)}`);
  if (deleted) lines.push(`${l10n.t('Deleted')}: ${deleted}`);
  if (!entry.item.isFolder) lines.push(`${l10n.t('Size')}: ${formatBytes(entry.item.size)}`);
  lines.push(`${l10n.t('ID')}: \`${entry.item.id}\``);
  return {
    label: entry.item.name,
    description,
    tooltip: lines.join('  \n'),
    icon: iconForItem(entry.item),
    contextValue: CONTEXT_VALUES.recycled,
    collapsible: false,
  };
}

export function spaceKindLabel(space: Space): string {
  switch (space.kind) {
    case 'personal': return l10n.t('Personal');
    case 'department': return l10n.t('Department');
    case 'group': return l10n.t('Group');
    case 'shared': return l10n.t('Shared folder');
  }
}

function spaceIcon(space: Space): string {
  switch (space.kind) {
    case 'personal': return 'account';
    case 'department': return 'organization';
    case 'group': return 'folder-library';
    case 'shared': return 'live-share';
  }
}

function spaceDescription(space: Space): string {
  const kind = spaceKindLabel(space);
  if (space.usedBytes !== undefined && space.capacityBytes) {
    return `${kind} · ${l10n.t('{0} of {1} used', formatBytes(space.usedBytes), formatBytes(space.capacityBytes))}`;
  }
  return kind;
}

function spaceTooltip(space: Space): string {
  const lines = [`**${escapeMarkdown(space.name)}**`, '', `${l10n.t('Type')}: ${spaceKindLabel(space)}`];
  if (space.usedBytes !== undefined) lines.push(`${l10n.t('Used')}: ${formatBytes(space.usedBytes)}${space.capacityBytes ? ` / ${formatBytes(space.capacityBytes)}` : ''}`);
  lines.push(`${l10n.t('Space ID')}: \`${space.containerId}\``);
  return lines.join('  \n');
}

function fileDescription(item: DriveItem): string {
  const date = formatDateTime(parseRemoteTime(item.modifiedTime));
  return date ? `${formatBytes(item.size)} · ${date}` : formatBytes(item.size);
}

function itemTooltip(item: DriveItem): string {
  const lines = [`**${escapeMarkdown(item.name)}**`, ''];
  if (!item.isFolder) lines.push(`${l10n.t('Size')}: ${formatBytes(item.size)} (${l10n.t('{0} bytes', item.size)})`);
  const modified = formatDateTime(parseRemoteTime(item.modifiedTime));
  if (modified) lines.push(`${l10n.t('Modified')}: ${modified}`);
  if (item.ownerName) lines.push(`${l10n.t('Owner')}: ${escapeMarkdown(item.ownerName)}`);
  if (item.sha256) lines.push(`SHA-256: \`${item.sha256}\``);
  lines.push(`${l10n.t('ID')}: \`${item.id}\``);
  return lines.join('  \n');
}

const EXT_ICONS: Array<[RegExp, string]> = [
  [/\.(pdf)$/i, 'file-pdf'],
  [/\.(md|markdown)$/i, 'markdown'],
  [/\.(json|jsonc)$/i, 'json'],
  [/\.(zip|7z|rar|tar|gz|tgz|bz2|xz|zst|jar)$/i, 'file-zip'],
  [/\.(png|jpe?g|gif|bmp|svg|webp|ico|tiff?|heic)$/i, 'file-media'],
  [/\.(mp4|mkv|mov|avi|wmv|webm|m4v|flv)$/i, 'device-camera-video'],
  [/\.(mp3|wav|flac|aac|ogg|m4a|wma)$/i, 'unmute'],
  [/\.(xlsx?|csv|tsv|ods)$/i, 'table'],
  [/\.(pptx?|odp|key)$/i, 'preview'],
  [/\.(ts|tsx|js|jsx|mjs|cjs|py|java|kt|go|rs|c|cc|cpp|h|hpp|cs|rb|php|swift|scala|sh|bash|ps1|sql|html?|css|scss|less|vue|xml|ya?ml|toml|ini|gradle|lua|r|dart)$/i, 'file-code'],
  [/\.(exe|dll|so|dylib|bin|msi|deb|rpm|apk|dmg|iso|img|wasm|class|o)$/i, 'file-binary'],
];

/** §7 fileType: 15 image, 20 video, 26 Word/text, 27 Excel, 28 PowerPoint, 30 audio, 35 archive, 40 application. */
const TYPE_ICONS: Record<string, string> = {
  '15': 'file-media', '20': 'device-camera-video', '27': 'table', '28': 'preview', '30': 'unmute', '35': 'file-zip', '40': 'file-binary',
};

export function iconForItem(item: DriveItem): string {
  if (item.isFolder) return 'folder';
  for (const [re, icon] of EXT_ICONS) if (re.test(item.name)) return icon;
  return TYPE_ICONS[item.fileType] ?? 'file';
}

export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}
