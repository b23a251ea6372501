// Hash worker entry point (bundled by esbuild to dist/hashWorker.js). Started
// by HashPool with the path the host resolves next to its own bundle.
import { parentPort } from 'node:worker_threads';
import { serveHashRequests } from '../core/hash/hashWorkerMain';

if (!parentPort) throw new Error('hashWorker.js must be started as a worker thread');
serveHashRequests(parentPort);
