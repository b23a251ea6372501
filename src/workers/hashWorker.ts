// Hash worker entry point (bundled by esbuild to dist/hashWorker.js). Started
// by HashPool with the path the host resolves next to its own bundle; the
// native SHA-256 addon, when packaged, sits next to it in dist/native/.
import { parentPort, workerData } from 'node:worker_threads';
import { hashImplPreference } from '../core/hash/hashImpl';
import type { HashWorkerData } from '../core/hash/hashProtocol';
import { serveHashRequests } from '../core/hash/hashWorkerMain';
import { defaultNativeBinaryPath } from '../core/hash/sha256Native';

if (!parentPort) throw new Error('hashWorker.js must be started as a worker thread');
const data = (workerData ?? {}) as HashWorkerData;
serveHashRequests(parentPort, {
  implementation: data.implementation ?? hashImplPreference(process.env),
  nativePath: data.nativePath ?? defaultNativeBinaryPath(__dirname),
});
