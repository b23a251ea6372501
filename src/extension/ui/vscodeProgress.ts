/** The progress port: a cancellable notification whose Cancel aborts the core's AbortSignal. */
import * as vscode from 'vscode';
import { KooDriveError } from '../../core/errors';
import type { ProgressOptions, ProgressReport, ProgressRunner } from './progress';
import type { TransferStatusBar } from './statusBar';

export class VsCodeProgress implements ProgressRunner {
  constructor(private readonly status: TransferStatusBar) {}

  run<T>(options: ProgressOptions, task: (report: (r: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: options.cancellable ?? true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort(new KooDriveError('Cancelled', 'Cancelled by the user')));
        const running = options.transfer ? this.status.begin(options.title) : undefined;
        try {
          return await task((r) => {
            progress.report(r);
            running?.update(r.message);
          }, controller.signal);
        } finally {
          sub.dispose();
          running?.end();
        }
      },
    ));
  }
}
