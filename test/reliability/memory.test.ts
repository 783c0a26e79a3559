// Memory: many edits and many opened/closed documents leave memory where it started.
// In-process: the engine's JS heap and its WASM/array-buffer memory (tree-sitter trees live in
// WASM memory; a tree not freed shows there), measured after forced garbage collections and a
// pause for V8 to hand the freed pages back (see settledRss: reading the RSS straight after gc()
// counted the pages of the garbage the run had piled up, not a leak).
// Through the server: its resident set (/proc/<pid>/status) after warm-up and after the run, the
// server started with the Node flags and environment the client uses (SERVER_PROCESS), so this
// measures the product as VS Code runs it.
// The server's JS heap is read through a preloaded probe (SIGUSR2 → gc → memoryUsage to a file).
// The server's own idle collection (server/src/lsp/idleGc.ts) is checked through its log: once
// quiet, it collects (one or two full collections) and then stays still.
// Short: 2,000 edits / 200 documents in-process, 1,000 edits / 200 documents over LSP.
// AG_STRESS=1: 10,000 edits and 1,000 documents both ways.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { SERVER_PROCESS } from '../../server/src/lsp/protocol';
import { repoRoot, testEngine } from '../helpers/engine';
import { TestClient } from '../helpers/lspClient';
import { ALL_RULES, int, seeded, STRESS } from './support';

const EDITS = STRESS ? 10_000 : 2_000;
const DOCUMENTS = STRESS ? 1_000 : 200;
const LSP_EDITS = STRESS ? 10_000 : 1_000;
/** Growth allowed after the run, in MB (stated margins; the runs allocate hundreds of MB in total). */
const HEAP_MARGIN_MB = 16;
const BUFFERS_MARGIN_MB = 16;
const RSS_MARGIN_MB = 80;
/**
 * The in-process run's RSS margin, read once V8 has released the pages it freed (settledRss).
 * Measured: +13 MB over 2,000 edits and 200 documents, +19 MB over 10,000 edits and 1,000
 * documents (V8's pages back where they started; the rest is native memory — compiled code,
 * malloc — that levels off after the first few thousand analyses). A leak of one TypeScript
 * program per edit or of tree-sitter trees (WASM memory, not in the heap figures) passes this
 * within a few hundred edits.
 */
const IN_PROCESS_RSS_MARGIN_MB = 40;

const MB = 1024 * 1024;

/** Preloaded into the server (`--require`): on SIGUSR2, collect garbage and write the memory usage. */
const HEAP_PROBE = `'use strict';
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => {
  gc();
  gc();
  require('node:fs').writeFile(process.env.AG_HEAP_REPORT, JSON.stringify(process.memoryUsage()), () => undefined);
});
`;

function forceGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/**
 * The process's RSS in MB once it stops falling. V8 frees the pages of collected garbage on its
 * background threads after gc() returns: read at once, the RSS still counts them (an uncapped heap
 * running thousands of analyses between collections piles up hundreds of MB of garbage: read at
 * once after gc(), +70–90 MB over 2,000 edits and +120–215 MB over 10,000 looked like a leak;
 * a few milliseconds later they are gone).
 */
async function settledRss(): Promise<number> {
  let last = process.memoryUsage().rss;
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = process.memoryUsage().rss;
    if (Math.abs(now - last) < MB / 2) return now;
    last = now;
  }
  return last;
}

function rssMb(pid: number | undefined): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
}

const SOURCES = [
  { file: path.join(repoRoot, 'examples', 'python', 'orders.py'), languageId: 'python', name: 'mem.py' },
  { file: path.join(repoRoot, 'examples', 'typescript', 'orders.ts'), languageId: 'typescript', name: 'mem.ts' },
];

/** The text after edit `i`: a character typed at a seeded place, or removed again. */
function edited(base: string, random: () => number, i: number): string {
  const at = int(random, base.length);
  return i % 2 === 0 ? `${base.slice(0, at)}${'x({'[i % 3]}${base.slice(at)}` : base;
}

describe('memory', () => {
  it(`in-process: ${EDITS} edits and ${DOCUMENTS} opened/closed documents leave the heap and WASM memory where they were`, async (t) => {
    const engine = await testEngine();
    const gc = forceGc();
    const texts = await Promise.all(SOURCES.map((s) => readFile(s.file, 'utf8')));
    const random = seeded(7);
    const run = (edits: number, documents: number): void => {
      for (let i = 0; i < edits; i++) {
        const k = i % SOURCES.length;
        engine.analyze({ text: edited(texts[k], random, i), fileName: path.join(repoRoot, 'test', 'workspace', SOURCES[k].name), settings: ALL_RULES });
      }
      for (let i = 0; i < documents; i++) {
        const k = i % SOURCES.length;
        const fileName = path.join(repoRoot, 'test', 'workspace', `doc${i}${path.extname(SOURCES[k].name)}`);
        engine.analyze({ text: texts[k], fileName, settings: ALL_RULES });
        engine.forget(fileName);
      }
    };
    run(200, 20); // warm-up: caches, JIT, WASM memory growth to its working size
    gc();
    const start = { ...process.memoryUsage(), rss: await settledRss() };
    run(EDITS, DOCUMENTS);
    gc();
    const end = { ...process.memoryUsage(), rss: await settledRss() };
    const heap = (end.heapUsed - start.heapUsed) / MB;
    const buffers = (end.arrayBuffers - start.arrayBuffers) / MB;
    // WASM memory (tree-sitter's trees) is not in arrayBuffers: a tree never freed shows in the RSS.
    const rss = (end.rss - start.rss) / MB;
    t.diagnostic(`heap ${(start.heapUsed / MB).toFixed(1)} → ${(end.heapUsed / MB).toFixed(1)} MB (${heap.toFixed(1)}), array buffers/WASM ${(start.arrayBuffers / MB).toFixed(1)} → ${(end.arrayBuffers / MB).toFixed(1)} MB (${buffers.toFixed(1)}), RSS ${(start.rss / MB).toFixed(0)} → ${(end.rss / MB).toFixed(0)} MB`);
    assert.ok(heap < HEAP_MARGIN_MB, `the JS heap grew by ${heap.toFixed(1)} MB (margin ${HEAP_MARGIN_MB} MB)`);
    assert.ok(buffers < BUFFERS_MARGIN_MB, `array-buffer memory grew by ${buffers.toFixed(1)} MB (margin ${BUFFERS_MARGIN_MB} MB)`);
    assert.ok(rss < IN_PROCESS_RSS_MARGIN_MB, `the test process's RSS (JS heap + WASM memory) grew by ${rss.toFixed(0)} MB (margin ${IN_PROCESS_RSS_MARGIN_MB} MB)`);
  });

  describe('through the server', () => {
    let client: TestClient;
    let probeDir: string;
    let savedEnv: Record<string, string | undefined> = {};
    before(async () => {
      // A preload in the server process (the server itself is untouched): on SIGUSR2 it collects
      // garbage and writes process.memoryUsage() to a file, so the test reads the server's heap.
      probeDir = await mkdtemp(path.join(os.tmpdir(), 'ag-heap-'));
      await writeFile(path.join(probeDir, 'probe.js'), HEAP_PROBE);
      process.env.AG_HEAP_REPORT = path.join(probeDir, 'heap.json');
      // The server inherits this process's environment: add the client's (then take it away again).
      savedEnv = Object.fromEntries(Object.keys(SERVER_PROCESS.env).map((name) => [name, process.env[name]]));
      Object.assign(process.env, SERVER_PROCESS.env);
      client = await TestClient.start({ transport: 'ipc', execArgv: [...SERVER_PROCESS.execArgv, '--require', path.join(probeDir, 'probe.js')] });
    });
    after(async () => {
      await client.stop();
      delete process.env.AG_HEAP_REPORT;
      for (const [name, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(probeDir, { recursive: true, force: true });
    });

    /** The server's heap in MB after forced garbage collections (through the preloaded probe). */
    const serverHeapMb = async (): Promise<number> => {
      const report = path.join(probeDir, 'heap.json');
      await rm(report, { force: true });
      client.child.kill('SIGUSR2');
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          return (JSON.parse(await readFile(report, 'utf8')) as NodeJS.MemoryUsage).heapUsed / MB;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };

    it(`${LSP_EDITS} edits and ${DOCUMENTS} opened/closed documents leave the server's heap and RSS where they were (started as the client starts it)`, async (t) => {
      const texts = await Promise.all(SOURCES.map((s) => readFile(s.file, 'utf8')));
      const random = seeded(11);
      const session = async (edits: number, documents: number, tag: string): Promise<void> => {
        const uris = await Promise.all(SOURCES.map((s, k) => client.open(`${tag}-${s.name}`, s.languageId, texts[k])));
        for (let i = 0; i < edits; i++) {
          const k = i % SOURCES.length;
          await client.change(uris[k], edited(texts[k], random, i));
          if (i % 10 === 0) await client.diagnostics(uris[k]);
        }
        for (const uri of uris) await client.close(uri);
        for (let i = 0; i < documents; i++) {
          const k = i % SOURCES.length;
          const uri = await client.open(`${tag}-doc${i}${path.extname(SOURCES[k].name)}`, SOURCES[k].languageId, texts[k]);
          await client.diagnostics(uri);
          await client.close(uri);
        }
      };
      await session(200, 20, 'warm');
      const heapStart = await serverHeapMb();
      const start = await rssMb(client.child.pid);
      await session(LSP_EDITS, DOCUMENTS, 'run');
      const settle = await client.open('settle.py', 'python', texts[0]);
      await client.diagnostics(settle);
      await client.close(settle);
      const heapEnd = await serverHeapMb();
      const end = await rssMb(client.child.pid);
      const summary = `server heap ${heapStart.toFixed(1)} → ${heapEnd.toFixed(1)} MB (${(heapEnd - heapStart).toFixed(1)}, margin ${HEAP_MARGIN_MB} MB), RSS ${start.toFixed(0)} → ${end.toFixed(0)} MB (margin ${RSS_MARGIN_MB} MB), after ${LSP_EDITS} edits and ${DOCUMENTS} documents opened and closed`;
      t.diagnostic(summary);
      if (STRESS) process.stdout.write(`# ${summary}\n`);
      assert.ok(client.isRunning, 'the server died');
      assert.ok(heapEnd - heapStart < HEAP_MARGIN_MB, `the server's heap grew by ${(heapEnd - heapStart).toFixed(1)} MB (margin ${HEAP_MARGIN_MB} MB)`);
      assert.ok(end - start < RSS_MARGIN_MB, `the server's RSS grew by ${(end - start).toFixed(0)} MB (margin ${RSS_MARGIN_MB} MB)`);
    });

    it('once quiet, the server collects its garbage by itself (idle collection: at most two full collections, then none)', async (t) => {
      const text = await readFile(SOURCES[1].file, 'utf8');
      const random = seeded(13);
      const seen = client.logs.length;
      const uri = await client.open('idle-mem.ts', 'typescript', text);
      for (let i = 0; i < 300; i++) {
        await client.change(uri, edited(text, random, i));
        if (i % 10 === 0) await client.diagnostics(uri);
      }
      await client.diagnostics(uri);
      await client.close(uri);
      const busy = await rssMb(client.child.pid);
      const idleLogs = (): string[] => client.logs.slice(seen).filter((line) => line.startsWith('idle:'));
      // Quiet for IDLE_MS (5 s), then one collection, and a second one 1 s later if the heap is still spread out.
      const deadline = Date.now() + 20_000;
      while (idleLogs().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const quiet = await rssMb(client.child.pid);
      const logs = idleLogs();
      t.diagnostic(`RSS ${busy.toFixed(0)} MB after 300 edits, ${quiet.toFixed(0)} MB once quiet; ${logs.join('; ')}`);
      assert.ok(client.isRunning, 'the server died');
      assert.ok(logs.length >= 1 && logs.length <= 2, `expected one or two idle collections, got: ${logs.join('; ') || 'none'}`);
      for (const line of logs) {
        const used = /heap used (\d+) → (\d+) MB/.exec(line);
        assert.ok(used !== null && Number(used[2]) <= Number(used[1]), `the collection freed nothing: ${line}`);
      }
    });
  });
});
