// Workspace diagnostics (workspace/diagnostic) through the real server: every matching file of the
// folder, .gitignore and config excludes honoured, "unchanged" for untouched files, a held request
// answered when something changes, the "Analyse Workspace" command, progress and partial results.
// With AG_MEASURE_LATENCY=1 it also measures typing latency while ~1,000 files are analysed.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, type WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { FULL_CAPABILITIES, TestClient, waitFor } from './helpers/lspClient';

const PY_BLOCKING = 'import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n';
const PY_CLEAN = 'import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\n';
const TS_BLOCKING = 'import { readFileSync } from "node:fs";\n\nexport async function load(p: string): Promise<string> {\n  return readFileSync(p, "utf8");\n}\n';

const ON = { enable: true, run: 'onType', rules: {}, workspaceDiagnostics: true };
const OFF = { ...ON, workspaceDiagnostics: false };

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
}

function byFile(root: string, items: WorkspaceDocumentDiagnosticReport[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const name = path.relative(root, new URL(item.uri).pathname);
    out[name] = item.kind === 'full' ? `full:${item.items.map((d) => String(d.code)).join(',')}` : 'unchanged';
  }
  return out;
}

function previousIds(items: WorkspaceDocumentDiagnosticReport[]): { uri: string; value: string }[] {
  return items.filter((i) => i.resultId !== undefined).map((i) => ({ uri: i.uri, value: i.resultId as string }));
}

describe('workspace diagnostics', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ag-lsp-ws-'));
  let client: TestClient;
  before(async () => {
    await write(path.join(root, '.gitignore'), 'ignored/\n');
    await write(path.join(root, 'async-guardrails.toml'), 'exclude = ["excluded"]\n');
    await write(path.join(root, 'a.py'), PY_BLOCKING);
    await write(path.join(root, 'src', 'b.ts'), TS_BLOCKING);
    await write(path.join(root, 'src', 'clean.py'), PY_CLEAN);
    await write(path.join(root, 'ignored', 'c.py'), PY_BLOCKING);
    await write(path.join(root, 'excluded', 'd.py'), PY_BLOCKING);
    await write(path.join(root, 'node_modules', 'pkg', 'e.js'), 'require("fs").readFileSync("x");\n');
    await write(path.join(root, 'notes.txt'), 'time.sleep(1)\n');
    client = await TestClient.start({ workspaceFolders: [root], settings: { ...ON } });
  });
  after(async () => {
    await client.stop();
    await rm(root, { recursive: true, force: true });
  });

  let first: WorkspaceDocumentDiagnosticReport[] = [];

  it('reports every matching file, honouring .gitignore and the config excludes', async () => {
    first = (await client.workspaceDiagnostics()).items;
    assert.deepEqual(byFile(root, first), {
      'a.py': 'full:blocking-call-in-async',
      'src/b.ts': 'full:blocking-call-in-async',
      'src/clean.py': 'full:',
    });
    assert.ok(first.every((i) => i.kind === 'full' && typeof i.resultId === 'string'));
  });

  it('answers "unchanged" for untouched files and reports the changed one', async () => {
    await write(path.join(root, 'a.py'), PY_CLEAN);
    await client.filesChanged([{ file: path.join(root, 'a.py'), type: 2 }]);
    const second = (await client.workspaceDiagnostics(previousIds(first))).items;
    assert.deepEqual(byFile(root, second), { 'a.py': 'full:', 'src/b.ts': 'unchanged', 'src/clean.py': 'unchanged' });
    first = second;
  });

  it('holds a pull with nothing new until a file changes, then reports it (created files too)', async () => {
    const ids = previousIds(first);
    let settled = false;
    const pending = client.workspaceDiagnostics(ids).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false, 'nothing changed: the request is held');
    await write(path.join(root, 'src', 'new.py'), PY_BLOCKING);
    await client.filesChanged([{ file: path.join(root, 'src', 'new.py'), type: 1 }]);
    const report = await pending;
    assert.deepEqual(byFile(root, report.items), {
      'a.py': 'unchanged',
      'src/b.ts': 'unchanged',
      'src/clean.py': 'unchanged',
      'src/new.py': 'full:blocking-call-in-async',
    });
    first = report.items;
  });

  it('prefers the open document text and analyses it first', async () => {
    const uri = await client.openPath(path.join(root, 'src', 'clean.py'), 'python', PY_BLOCKING);
    const report = await client.workspaceDiagnostics(previousIds(first));
    const item = report.items.find((i) => i.uri === uri);
    assert.equal(item?.kind, 'full');
    assert.equal(item?.version, 1);
    assert.equal(report.items.filter((i) => i.kind === 'full')[0]?.uri, uri);
    assert.deepEqual(item?.kind === 'full' ? item.items.map((d) => d.code) : [], ['blocking-call-in-async']);
    await client.close(uri);
  });

  it('clears files that disappear', async () => {
    const all = (await client.workspaceDiagnostics()).items;
    await rm(path.join(root, 'src', 'new.py'));
    await client.filesChanged([{ file: path.join(root, 'src', 'new.py'), type: 3 }]);
    const report = await client.workspaceDiagnostics(previousIds(all));
    assert.equal(byFile(root, report.items)['src/new.py'], 'full:');
  });

  it('is cancellable', async () => {
    const source = new CancellationTokenSource();
    const ids = previousIds((await client.workspaceDiagnostics()).items);
    const pending = client.workspaceDiagnostics(ids, source.token).then(
      (r) => r.items.length,
      () => -1,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    source.cancel();
    const outcome = await pending;
    assert.ok(outcome === 0 || outcome === -1, 'a cancelled pull ends at once, with nothing or an error');
  });

  it('with the setting off, waits; "Analyse Workspace" runs it once anyway', async () => {
    await client.configurationChanged({ ...OFF });
    let settled = false;
    const pending = client.workspaceDiagnostics().then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false);
    await client.executeCommand('asyncGuardrails.server.analyseWorkspace', []);
    const report = await pending;
    assert.equal(byFile(root, report.items)['src/b.ts'], 'full:blocking-call-in-async');
    await client.configurationChanged({ ...ON });
  });
});

describe('workspace diagnostics: progress and partial results', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ag-lsp-ws-progress-'));
  let client: TestClient;
  before(async () => {
    for (let i = 0; i < 120; i++) await write(path.join(root, 'pkg', `m${i}.py`), i % 3 === 0 ? PY_BLOCKING : PY_CLEAN);
    client = await TestClient.start({
      workspaceFolders: [root],
      settings: { ...ON },
      capabilities: { ...FULL_CAPABILITIES, window: { workDoneProgress: true } },
    });
  });
  after(async () => {
    await client.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('reports progress through a server-created token and streams partial results', async () => {
    const report = await client.workspaceDiagnostics([], undefined, { partialResultToken: 'partial-1' });
    assert.deepEqual(report.items, [], 'everything went through $/progress');
    const streamed = client.progress
      .filter((p) => p.token === 'partial-1')
      .flatMap((p) => (p.value as { items: WorkspaceDocumentDiagnosticReport[] }).items);
    assert.equal(streamed.length, 120);
    assert.equal(streamed.filter((i) => i.kind === 'full' && i.items.length === 1).length, 40);
    assert.equal(client.progressTokens.length, 1);
    const kinds = client.progress.filter((p) => p.token === client.progressTokens[0]).map((p) => (p.value as { kind: string }).kind);
    assert.equal(kinds[0], 'begin');
    assert.ok(kinds.includes('report'));
    assert.equal(kinds.at(-1), 'end');
  });
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('typing latency while the workspace is analysed', { skip: process.env.AG_MEASURE_LATENCY !== '1' }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ag-lsp-ws-latency-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  async function typing(client: TestClient, uri: string, edits: number): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < edits; i++) {
      const started = performance.now();
      await client.changeRange(uri, [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, newText: `    x${i} = ${i}\n` }]);
      await client.diagnostics(uri);
      samples.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return samples.sort((a, b) => a - b);
  }

  it('measures keystroke → fresh diagnostics with and without a workspace run of ~1,000 files', async () => {
    const body = (i: number, ts: boolean): string =>
      ts
        ? `import { readFileSync } from "node:fs";\n${Array.from({ length: 20 }, (_, j) => `export async function f${i}_${j}(p: string): Promise<string> {\n  await Promise.resolve();\n  return ${j % 5 === 0 ? 'readFileSync(p, "utf8")' : 'p'};\n}\n`).join('')}`
        : `import asyncio\nimport time\n${Array.from({ length: 20 }, (_, j) => `\n\nasync def f${i}_${j}(p: str) -> str:\n    await asyncio.sleep(0)\n    ${j % 5 === 0 ? 'time.sleep(1)' : 'pass'}\n    return p\n`).join('')}`;
    for (let i = 0; i < 1000; i++) await write(path.join(root, `d${i % 20}`, i % 2 === 0 ? `m${i}.py` : `m${i}.ts`), body(i, i % 2 === 1));
    const editedText = 'import asyncio\nimport time\n\n\nasync def edited() -> None:\n    time.sleep(1)\n';

    const client = await TestClient.start({ workspaceFolders: [root], settings: { ...ON } });
    try {
      const uri = await client.openPath(path.join(root, 'edited.py'), 'python', editedText);
      await client.diagnostics(uri);
      const idle = await typing(client, uri, 40);

      const startedRun = performance.now();
      let runMs = 0;
      const run = client.workspaceDiagnostics().then((r) => {
        runMs = performance.now() - startedRun;
        return r.items.length;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const busy: number[] = [];
      while (runMs === 0 && busy.length < 400) busy.push(...(await typing(client, uri, 10)));
      busy.sort((a, b) => a - b);
      const files = await run;
      await waitFor(() => runMs > 0, 'the workspace run');
      const line = (name: string, s: number[]): string =>
        `${name}: n=${s.length} p50=${percentile(s, 50).toFixed(1)} ms p95=${percentile(s, 95).toFixed(1)} ms max=${s[s.length - 1].toFixed(1)} ms`;
      process.stdout.write(`\n# typing latency (keystroke → fresh diagnostics)\n# ${line('idle', idle)}\n# ${line('during workspace run', busy)}\n# workspace run: ${files} files in ${(runMs / 1000).toFixed(1)} s\n`);
      assert.ok(files >= 1000);
    } finally {
      await client.stop();
    }
  });
});
