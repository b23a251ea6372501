/**
 * What the Transfers view shows, as plain data (no VS Code): one row per
 * run with direction, name, bytes, speed, ETA and state; below it the files
 * in flight and the files that failed, each with its reason. Finished files
 * are only counted: a folder of 100 000 files is one row and a few children.
 */
import type { RunView } from '../../core/queue/runView';
import type { FailedFile, RunState } from '../../core/queue/transferRun';
import { l10n } from '../l10n';
import { formatBytes, formatSpeed, percent } from '../ui/format';

export type TransferNode =
  | { kind: 'transfer'; key: string; runId: string }
  | { kind: 'transferFile'; key: string; runId: string; path: string; size: number; bytes: number; phase?: string }
  | { kind: 'transferFailure'; key: string; runId: string; failure: FailedFile }
  | { kind: 'transferMore'; key: string; runId: string; more: number };

export interface TransferPresentation {
  label: string;
  description?: string;
  tooltip?: string;
  icon: string;
  /** ThemeColor id for the icon. */
  color?: string;
  contextValue: string;
  collapsible: boolean;
}

/** Failed files listed under a run; the rest are counted. */
export const MAX_FAILED_SHOWN = 200;

const STATE_ICON: Record<RunState, { icon: string; color?: string }> = {
  queued: { icon: 'clock' },
  running: { icon: 'sync~spin' },
  paused: { icon: 'debug-pause' },
  failed: { icon: 'error', color: 'errorForeground' },
  cancelled: { icon: 'circle-slash' },
  done: { icon: 'pass', color: 'testing.iconPassed' },
};

export function stateLabel(state: RunState): string {
  switch (state) {
    case 'queued': return l10n.t('Queued');
    case 'running': return l10n.t('Running');
    case 'paused': return l10n.t('Paused');
    case 'failed': return l10n.t('Failed');
    case 'cancelled': return l10n.t('Cancelled');
    case 'done': return l10n.t('Done');
  }
}

export function formatEta(seconds: number): string {
  if (seconds < 60) return l10n.t('{0} s left', seconds);
  if (seconds < 3600) return l10n.t('{0} min left', Math.ceil(seconds / 60));
  return l10n.t('{0} h {1} min left', Math.floor(seconds / 3600), Math.ceil((seconds % 3600) / 60));
}

function arrowOf(direction: RunView['direction']): string {
  return direction === 'upload' ? '↑' : direction === 'sync' ? '⇅' : '↓';
}

export function presentRun(run: RunView): TransferPresentation {
  const arrow = arrowOf(run.direction);
  const parts: string[] = [stateLabel(run.state)];
  const settledFiles = run.done.files + run.failed.length;
  if (run.totals.files !== undefined && run.totals.files > 1) parts.push(l10n.t('{0} of {1} files', settledFiles, run.totals.files));
  else if (run.totals.files === undefined && settledFiles > 0) parts.push(l10n.t('{0} files done', settledFiles));
  if (run.totals.bytes !== undefined && run.totals.bytes > 0) {
    parts.push(l10n.t('{0} of {1} ({2}%)', formatBytes(Math.min(run.bytesDone, run.totals.bytes)), formatBytes(run.totals.bytes), percent(run.bytesDone, run.totals.bytes)));
  } else if (run.bytesDone > 0) {
    parts.push(formatBytes(run.bytesDone));
  }
  if (run.state === 'running' && run.speed > 0) parts.push(formatSpeed(run.speed));
  if (run.state === 'running' && run.etaSeconds !== undefined) parts.push(formatEta(run.etaSeconds));
  if (run.failed.length > 0) parts.push(l10n.t('{0} failed', run.failed.length));
  if (run.error) parts.push(run.error.message);
  const { icon, color } = STATE_ICON[run.state];
  const tooltip = [
    `${arrow} ${run.name}`,
    parts.join(' · '),
    ...(run.error ? [`${run.error.code}: ${run.error.message}`] : []),
    ...run.failed.slice(0, 5).map((f) => `✗ ${f.path}: ${f.message}`),
  ].join('\n\n');
  return {
    label: `${arrow} ${run.name}`,
    description: parts.join(' · '),
    tooltip,
    icon,
    color,
    // e.g. koodrive:transfer:upload:paused (menus match on state)
    contextValue: `koodrive:transfer:${run.direction}:${run.state}`,
    collapsible: run.active.length > 0 || run.failed.length > 0,
  };
}

export function childrenOf(run: RunView): TransferNode[] {
  const nodes: TransferNode[] = run.active.map((f) => ({ kind: 'transferFile', key: `${run.id}/a/${f.key}`, runId: run.id, path: f.path, size: f.size, bytes: f.bytes, phase: f.phase }));
  for (const failure of run.failed.slice(0, MAX_FAILED_SHOWN)) nodes.push({ kind: 'transferFailure', key: `${run.id}/f/${failure.key}`, runId: run.id, failure });
  if (run.failed.length > MAX_FAILED_SHOWN) nodes.push({ kind: 'transferMore', key: `${run.id}/more`, runId: run.id, more: run.failed.length - MAX_FAILED_SHOWN });
  return nodes;
}

export function presentChild(node: Exclude<TransferNode, { kind: 'transfer' }>): TransferPresentation {
  if (node.kind === 'transferFile') {
    const verb = node.phase === 'hashing' ? l10n.t('Hashing') : node.phase === 'completing' || node.phase === 'verifying' ? l10n.t('Finishing') : undefined;
    const bytes = node.size > 0 ? `${formatBytes(node.bytes)} / ${formatBytes(node.size)} (${percent(node.bytes, node.size)}%)` : formatBytes(node.size);
    return { label: baseName(node.path), description: verb ? `${verb} · ${bytes}` : bytes, tooltip: node.path, icon: 'file', contextValue: 'koodrive:transferFile:running', collapsible: false };
  }
  if (node.kind === 'transferFailure') {
    return {
      label: baseName(node.failure.path), description: node.failure.message, tooltip: `${node.failure.path}\n\n${node.failure.code}: ${node.failure.message}`,
      icon: 'error', color: 'errorForeground', contextValue: 'koodrive:transferFile:failed', collapsible: false,
    };
  }
  return { label: l10n.t('…and {0} more failed files (see the KooDrive log)', node.more), icon: 'ellipsis', contextValue: 'koodrive:transferMore', collapsible: false };
}

/** The status bar's summary, e.g. "↑ 2 · ↓ 1 · 48 MiB/s"; undefined when nothing runs or waits. */
export function summarize(runs: readonly RunView[]): { text: string; tooltip: string } | undefined {
  const live = runs.filter((r) => r.state === 'running' || r.state === 'queued');
  const paused = runs.filter((r) => r.state === 'paused').length;
  if (live.length === 0 && paused === 0) return undefined;
  const up = live.filter((r) => r.direction === 'upload').length;
  const synced = live.filter((r) => r.direction === 'sync').length;
  const down = live.length - up - synced;
  const speed = live.reduce((n, r) => n + r.speed, 0);
  const parts: string[] = [];
  if (up) parts.push(`↑ ${up}`);
  if (down) parts.push(`↓ ${down}`);
  if (synced) parts.push(`⇅ ${synced}`);
  if (speed > 0) parts.push(formatSpeed(speed));
  if (live.length === 0) parts.push(l10n.t('{0} paused', paused));
  const tooltip = runs.filter((r) => r.state !== 'done' && r.state !== 'cancelled')
    .map((r) => `${arrowOf(r.direction)} ${r.name} — ${presentRun(r).description ?? ''}`).join('\n');
  return { text: parts.join(' · '), tooltip };
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}
