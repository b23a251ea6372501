/**
 * Progress is bytes in the core; hosts throttle for display (AWS Toolkit
 * reports at most every 250 ms; VS Code drops very frequent increments).
 */
export type TransferPhase = 'hashing' | 'uploading' | 'downloading' | 'verifying' | 'completing';

export interface ProgressEvent {
  phase: TransferPhase;
  /** Local path or remote name of the file this event is about. */
  subject: string;
  /** Bytes of this file processed so far in this phase. */
  bytesDone: number;
  /** Total bytes of this file. */
  bytesTotal: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** Calls `fn` at most once per `intervalMs`, always delivering the latest value, plus a final flush. */
export function throttle<T>(fn: (value: T) => void, intervalMs: number): { push(value: T): void; flush(): void } {
  let last = 0;
  let pending: { value: T } | undefined;
  return {
    push(value: T) {
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        pending = undefined;
        fn(value);
      } else {
        pending = { value };
      }
    },
    flush() {
      if (pending) {
        const { value } = pending;
        pending = undefined;
        last = Date.now();
        fn(value);
      }
    },
  };
}
