// Runs ruff's WASM build (@astral-sh/ruff-wasm-nodejs) over every .py file of a folder with the
// rule families that match ours: `node ruff-wasm.js <dir> [--threads N]`. With N > 1 the files are
// split across N worker threads, each with its own ruff workspace. Prints {files, diagnostics}.
import { readFile } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';
import { filesUnder } from './walkFiles';

const SETTINGS = { lint: { select: ['ASYNC', 'RUF006', 'BLE001'] } };

async function checkAll(files: readonly string[]): Promise<number> {
  const workspace = new Workspace(SETTINGS, PositionEncoding.Utf16);
  let diagnostics = 0;
  for (const file of files) {
    const found = workspace.check(await readFile(file, 'utf8')) as unknown[];
    diagnostics += found.length;
  }
  workspace.free();
  return diagnostics;
}

async function main(): Promise<void> {
  if (!isMainThread) {
    const count = await checkAll(workerData as string[]);
    parentPort?.postMessage(count);
    return;
  }
  const dir = process.argv[2];
  const threadsIndex = process.argv.indexOf('--threads');
  const threads = threadsIndex > 0 ? Number(process.argv[threadsIndex + 1]) : 1;
  const files = await filesUnder(dir, ['.py']);
  let diagnostics = 0;
  if (threads <= 1) diagnostics = await checkAll(files);
  else {
    const slices = Array.from({ length: threads }, (_, i) => files.filter((_, j) => j % threads === i));
    const counts = await Promise.all(
      slices.map(
        (slice) =>
          new Promise<number>((resolve, reject) => {
            // SYNC EXCEPTION HANDLER: ruff's WASM check is synchronous; threads are how it uses more cores.
            const worker = new Worker(__filename, { workerData: slice });
            worker.once('message', (count: number) => {
              resolve(count);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
    diagnostics = counts.reduce((a, b) => a + b, 0);
  }
  process.stdout.write(`${JSON.stringify({ files: files.length, diagnostics })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 2;
});
