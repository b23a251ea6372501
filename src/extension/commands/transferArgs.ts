/** The transfer a Transfers-view command is about (its row, or one of the row's files). */
import { KooDriveError } from '../../core/errors';
import type { RunView } from '../../core/queue/runView';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { TransferNode } from '../views/transfersPresentation';

export function isTransferNode(v: unknown): v is TransferNode {
  const n = v as TransferNode | undefined;
  return typeof n === 'object' && n !== null && typeof n.runId === 'string' && typeof n.kind === 'string' && n.kind.startsWith('transfer');
}

export function transferFromArgs(s: Services, node: unknown): RunView {
  const run = isTransferNode(node) ? s.transfers.queue.get(node.runId) : undefined;
  if (!run) throw new KooDriveError('InvalidInput', l10n.t('Choose a transfer in the Transfers view.'));
  return run;
}
