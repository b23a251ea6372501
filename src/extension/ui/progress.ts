/**
 * The progress port: long work runs in a cancellable notification
 * (window.withProgress in VS Code, `vscodeProgress.ts`); Cancel aborts the
 * AbortSignal handed to core. Transfers also light the status-bar item.
 */
export interface ProgressReport {
  message?: string;
  /** Percentage points to add (VS Code sums them up to 100). */
  increment?: number;
}

export interface ProgressOptions {
  title: string;
  /** Default true. */
  cancellable?: boolean;
  /** Counts as a running transfer (status bar). */
  transfer?: boolean;
}

export interface ProgressRunner {
  run<T>(options: ProgressOptions, task: (report: (r: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
}
