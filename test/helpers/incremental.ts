// Shared by the tests of findings reuse across edits: fixtures to edit, where to edit them, how
// findings are compared, and a reference engine in a worker thread (its own project model, so
// nothing it computes can be reused by, or leak into, the engine under test).
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { Finding } from '../../server/src/engine/types';
import { repoRoot } from './engine';

/** The fixture files of every rule for `language` whose names match `pattern`, in a stable order. */
export function ruleFixtures(language: 'python' | 'typescript', pattern: RegExp): string[] {
  const rulesDir = path.join(repoRoot, 'test', 'fixtures', 'rules');
  const out: string[] = [];
  for (const rule of readdirSync(rulesDir).sort()) {
    const dir = path.join(rulesDir, rule, language);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) if (pattern.test(name)) out.push(path.join(dir, name));
  }
  return out;
}

/** Findings as comparable strings (rule, range, message, severity, fixes), sorted. */
export function normalizedFindings(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify({ r: f.ruleId, s: f.start, e: f.end, m: f.message, v: f.severity, f: f.fixes ?? [] })).sort();
}

/** Offsets just inside the blocks of `text` (after a `{` that ends a line). */
export function bodyOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('{\n'); i >= 0; i = text.indexOf('{\n', i + 1)) out.push(i + 2);
  return out;
}

export interface ReferenceRequest {
  text: string;
  fileName: string;
}

/**
 * In a test file started as a worker by {@link referenceEngine}: answers each request with
 * `analyze`'s normalized findings. Does nothing on the main thread.
 */
export function serveReferenceEngine(analyze: (request: ReferenceRequest) => Promise<string[]>): void {
  if (isMainThread || parentPort === null) return;
  const port = parentPort;
  port.on('message', (request: ReferenceRequest) => {
    void analyze(request).then((found) => port.postMessage(found));
  });
}

/** A fresh engine in a worker running `testFile` (which calls {@link serveReferenceEngine}). */
export function referenceEngine(testFile: string): { analyze(text: string, fileName: string): Promise<string[]>; stop(): Promise<number> } {
  // SYNC EXCEPTION HANDLER: the reference engine must not share this thread's project model.
  const worker = new Worker(testFile);
  let pending: { resolve(found: string[]): void; reject(error: unknown): void } | undefined;
  worker.on('message', (found: string[]) => pending?.resolve(found));
  worker.on('error', (error) => pending?.reject(error));
  return {
    analyze: (text, fileName) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.postMessage({ text, fileName });
      }),
    stop: () => worker.terminate(),
  };
}
