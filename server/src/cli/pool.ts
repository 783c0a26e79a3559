// Worker threads for large runs. Each worker is this same bundle (dist/cli.js) started with
// `workerData.asyncGuardrailsWorker`, holds its own Engine, and analyses whole chunks of files:
// a chunk is a group of files that share per-project state (a TypeScript project), or a slice
// of independent files (Python), so no two workers rebuild the same project.
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Engine } from '../engine/engine';
import { analyzeTask, type FileOutcome, type FileTask } from './analyzeFile';

interface ChunkMessage {
  id: number;
  tasks: FileTask[];
}

type WorkerReply = { kind: 'ready' } | { kind: 'done'; id: number; outcomes: FileOutcome[] } | { kind: 'failed'; id: number; message: string };

const WORKER_FLAG = 'asyncGuardrailsWorker';

export function isPoolWorker(): boolean {
  return parentPort !== null && typeof workerData === 'object' && workerData !== null && (workerData as Record<string, unknown>)[WORKER_FLAG] === true;
}

/** The worker side: one Engine, then chunks until the parent closes the port. */
export async function runPoolWorker(): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const engine = await Engine.create({ log: (message) => process.stderr.write(`async-guardrails: ${message}\n`) });
  port.on('message', (chunk: ChunkMessage) => {
    let reply: WorkerReply;
    try {
      reply = { kind: 'done', id: chunk.id, outcomes: chunk.tasks.map((task) => analyzeTask(engine, task)) };
    } catch (error) {
      reply = { kind: 'failed', id: chunk.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
}

export function defaultCores(): number {
  return availableParallelism();
}

/** A chunk of work: its size (for ordering) and how to load its tasks (files are read just in time). */
export interface Chunk {
  weight: number;
  load(): Promise<FileTask[]>;
}

/**
 * Runs chunks on `threads` workers (never more workers than chunks); `onOutcome` sees each file
 * as its chunk completes. Chunks are handed out largest first so the tail of the run stays short.
 */
export async function runOnWorkers(chunks: readonly Chunk[], threads: number, onOutcome: (outcome: FileOutcome) => void): Promise<void> {
  const queue = [...chunks].sort((a, b) => b.weight - a.weight);
  const workerCount = Math.min(threads, queue.length);
  const workers: Promise<void>[] = [];
  for (let i = 0; i < workerCount; i++) workers.push(driveWorker(queue, onOutcome));
  await Promise.all(workers);
}

function driveWorker(queue: Chunk[], onOutcome: (outcome: FileOutcome) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // SYNC EXCEPTION HANDLER: analysis is CPU-bound synchronous work; workers are how it uses more cores.
    const worker = new Worker(__filename, { workerData: { [WORKER_FLAG]: true } });
    let settled = false;
    let nextId = 0;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    const sendNext = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const tasks = await next.load();
        if (tasks.length === 0) continue;
        worker.postMessage({ id: nextId++, tasks } satisfies ChunkMessage);
        return;
      }
      finish();
    };
    const sendOrFail = (): void => {
      sendNext().catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'failed') {
        finish(new Error(`a worker failed: ${reply.message}`));
        return;
      }
      if (reply.kind === 'done') for (const outcome of reply.outcomes) onOutcome(outcome);
      sendOrFail();
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(code === 0 || settled ? undefined : new Error(`a worker exited with code ${code}`)));
  });
}
