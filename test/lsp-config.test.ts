// The language server with config files: nearest config per file, editor settings overriding it
// per rule, live reload on watched-file changes, problems published on the config file (with the
// last good config kept), excludes, hover on suppression comments, fixAll.rules, instructions.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, waitFor } from './helpers/lspClient';

const PY = `import asyncio
import time


async def work() -> None:
    await asyncio.sleep(0)


async def start() -> None:
    time.sleep(1)
    asyncio.create_task(work())
`;

const SETTINGS = { enable: true, run: 'onType', rules: {} };

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.source === 'async-guardrails').map((d) => `${String(d.code)}:${d.severity}`).sort();
}

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
}

describe('language server with config files', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ag-lsp-config-'));
  const config = path.join(root, 'async-guardrails.toml');
  let client: TestClient;
  before(async () => {
    await write(config, '[rules]\nuntracked-task = "off"\n');
    await write(path.join(root, 'services', 'api', 'pyproject.toml'), '[tool.async-guardrails]\nrules = { blocking-call-in-async = "hint" }\nexclude = ["generated"]\n');
    client = await TestClient.start({ workspaceFolders: [root], settings: { ...SETTINGS } });
  });
  after(async () => {
    await client.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('watches config files through a dynamic registration', async () => {
    await waitFor(() => client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), 'the watcher registration');
    const registration = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    const globs = JSON.stringify(registration?.registerOptions);
    for (const name of ['async-guardrails.toml', 'pyproject.toml', 'package.json', 'tsconfig.json', 'pytest.ini']) assert.ok(globs.includes(name), name);
  });

  it('applies the nearest config to each file', async () => {
    const top = await client.openPath(path.join(root, 'app.py'), 'python', PY);
    assert.deepEqual(codes(await client.diagnostics(top)), ['blocking-call-in-async:1']);
    const nested = await client.openPath(path.join(root, 'services', 'api', 'handlers.py'), 'python', PY);
    assert.deepEqual(codes(await client.diagnostics(nested)), ['blocking-call-in-async:4', 'untracked-task:1']);
    const excluded = await client.openPath(path.join(root, 'services', 'api', 'generated', 'stub.py'), 'python', PY);
    assert.deepEqual(codes(await client.diagnostics(excluded)), []);
    await client.close(nested);
    await client.close(excluded);
  });

  it('lets editor settings override the config per rule, by id or glob', async () => {
    const uri = pathToFileURL(path.join(root, 'app.py')).toString();
    await client.configurationChanged({ ...SETTINGS, rules: { 'untracked-task': 'error' } });
    assert.deepEqual(codes(await client.diagnostics(uri)), ['blocking-call-in-async:1', 'untracked-task:1']);
    await client.configurationChanged({ ...SETTINGS, rules: { '*': 'off' } });
    assert.deepEqual(codes(await client.diagnostics(uri)), []);
    await client.configurationChanged({ ...SETTINGS });
    assert.deepEqual(codes(await client.diagnostics(uri)), ['blocking-call-in-async:1']);
  });

  it('reloads a changed config file without a restart and asks the client to pull again', async () => {
    const uri = pathToFileURL(path.join(root, 'app.py')).toString();
    const before = await client.pull(uri);
    assert.equal(before.kind, 'full');
    const refreshes = client.refreshRequests;
    await write(config, '[rules]\nblocking-call-in-async = "off"\nuntracked-task = "warning"\n');
    await client.filesChanged([{ file: config, type: 2 }]);
    await waitFor(() => client.refreshRequests > refreshes, 'a diagnostic refresh');
    const after = await client.pull(uri, before.kind === 'full' ? before.resultId : undefined);
    assert.equal(after.kind, 'full', 'the old result id is stale after a config change');
    assert.deepEqual(codes(after.kind === 'full' ? after.items : []), ['untracked-task:2']);
  });

  it('publishes problems on a malformed config at the bad spot and keeps the last good config', async () => {
    const uri = pathToFileURL(path.join(root, 'app.py')).toString();
    const configUri = pathToFileURL(config).toString();
    await write(config, '[rules]\nblocking-call-in-async = "off"\nuntracked-task = "warn\n');
    await client.filesChanged([{ file: config, type: 2 }]);
    await waitFor(() => (client.lastPublished(configUri)?.diagnostics.length ?? 0) > 0, 'diagnostics on the config file');
    const [problem] = client.lastPublished(configUri)?.diagnostics ?? [];
    assert.equal(problem.range.start.line, 2);
    assert.equal(problem.source, 'async-guardrails');
    assert.deepEqual(codes(await client.diagnostics(uri)), ['untracked-task:2'], 'the last good config stays in force');

    await write(config, '[rules]\nuntracked-task = "loud"\n');
    await client.filesChanged([{ file: config, type: 2 }]);
    await waitFor(() => /loud/.test(JSON.stringify(client.lastPublished(configUri)?.diagnostics[0]?.message ?? '')), 'the invalid value reported');
    const invalid = client.lastPublished(configUri)?.diagnostics[0];
    assert.deepEqual(invalid?.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 14 } });

    await write(config, '[rules]\nuntracked-task = "off"\n');
    await client.filesChanged([{ file: config, type: 2 }]);
    await waitFor(() => client.lastPublished(configUri)?.diagnostics.length === 0, 'the config problems cleared');
    assert.deepEqual(codes(await client.diagnostics(uri)), ['blocking-call-in-async:1']);
    assert.ok(client.isRunning);
  });

  it('sees a config file created in a sub-folder', async () => {
    const file = path.join(root, 'tools', 'script.py');
    const uri = await client.openPath(file, 'python', PY);
    assert.deepEqual(codes(await client.diagnostics(uri)), ['blocking-call-in-async:1']);
    const nested = path.join(root, 'tools', 'package.json');
    await write(nested, JSON.stringify({ name: 'tools', asyncGuardrails: { rules: { 'blocking-call-in-async': 'warning' } } }));
    await client.filesChanged([{ file: nested, type: 1 }]);
    await waitFor(() => client.refreshRequests > 0, 'a refresh');
    assert.deepEqual(codes(await client.diagnostics(uri)), ['blocking-call-in-async:2', 'untracked-task:1']);
    await client.close(uri);
  });

  it('shows the rule summary and docs link on hover over a suppression comment', async () => {
    const text = 'import time\n\n\nasync def f() -> None:\n    time.sleep(1)  # async-guardrails: ignore[blocking-call-in-async, nope]\n    time.sleep(2)  # noqa: ASYNC251\n';
    const uri = await client.openPath(path.join(root, 'hover.py'), 'python', text);
    const line = text.split('\n')[4];
    const hover = await client.hover(uri, 4, line.indexOf('blocking') + 3);
    const value = hover !== null && typeof hover.contents === 'object' && 'value' in hover.contents ? String(hover.contents.value) : '';
    assert.match(value, /\*\*blocking-call-in-async\*\*/);
    assert.match(value, /stalls the event loop/);
    assert.match(value, /\]\(file:.*docs\/rules\/blocking-call-in-async\.md\)/);
    assert.deepEqual(hover?.range?.start, { line: 4, character: line.indexOf('blocking') });
    assert.equal(await client.hover(uri, 4, line.indexOf('nope') + 1), null);
    assert.equal(await client.hover(uri, 4, 6), null);
    const noqa = await client.hover(uri, 5, text.split('\n')[5].indexOf('ASYNC251') + 2);
    assert.ok(noqa !== null && JSON.stringify(noqa.contents).includes('blocking-call-in-async'));
    await client.close(uri);
  });

  it('limits fix-all to the rules of fixAll.rules', async () => {
    const uri = pathToFileURL(path.join(root, 'app.py')).toString();
    await write(config, '');
    await client.filesChanged([{ file: config, type: 2 }]);
    await client.configurationChanged({ ...SETTINGS, fixAll: { rules: ['untracked-task'] } });
    const [action] = await client.codeActions(uri, [], ['source.fixAll.asyncGuardrails']);
    const resolved = await client.resolve(action);
    assert.doesNotMatch(JSON.stringify(resolved.edit ?? {}), /asyncio\.sleep\(1\)/, 'blocking-call-in-async fixes are not applied');
    await client.configurationChanged({ ...SETTINGS });
    const [again] = await client.codeActions(uri, [], ['source.fixAll.asyncGuardrails']);
    assert.match(JSON.stringify((await client.resolve(again)).edit ?? {}), /asyncio\.sleep\(1\)/);
  });

  it('reports the time budget with each timing', async () => {
    await client.configurationChanged({ ...SETTINGS, timeBudgetMs: 1234 });
    const uri = pathToFileURL(path.join(root, 'app.py')).toString();
    await client.diagnostics(uri);
    const last = client.statuses.at(-1) as { timeBudgetMs?: number; elapsedMs?: number };
    assert.equal(last.timeBudgetMs, 1234);
    assert.equal(typeof last.elapsedMs, 'number');
  });

  it('writes the AI assistant instructions for the languages present, idempotently', async () => {
    await write(config, '[rules]\nuntracked-task = "off"\n');
    await client.filesChanged([{ file: config, type: 2 }]);
    await client.configurationChanged({ ...SETTINGS });
    const first = (await client.executeCommand('asyncGuardrails.server.writeInstructions', [{ format: 'copilot' }])) as { file: string; changed: boolean }[];
    assert.deepEqual(first, [{ file: path.join(root, '.github', 'copilot-instructions.md'), changed: true }]);
    const text = await readFile(first[0].file, 'utf8');
    assert.match(text, /### Python/);
    assert.doesNotMatch(text, /### TypeScript/, 'no TypeScript file in this workspace');
    assert.match(text, /`blocking-call-in-async`/);
    assert.doesNotMatch(text, /`untracked-task`/, 'a rule turned off is not listed');
    const second = (await client.executeCommand('asyncGuardrails.server.writeInstructions', [{ format: 'copilot' }])) as { changed: boolean }[];
    assert.equal(second[0].changed, false);
  });

  it('forgets closed documents without trouble', async () => {
    const uri = pathToFileURL(path.join(root, 'app.py')).toString();
    await client.close(uri);
    const again = await client.openPath(path.join(root, 'app.py'), 'python', PY);
    assert.deepEqual(codes(await client.diagnostics(again)), ['blocking-call-in-async:1']);
    assert.ok(client.isRunning);
  });
});

describe('language server with Jupyter notebooks', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ag-lsp-nb-'));
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ workspaceFolders: [root], settings: { ...SETTINGS } });
  });
  after(async () => {
    await client.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('analyses Python cells as one module, with top-level await allowed, and fixes per cell', async () => {
    const notebook = pathToFileURL(path.join(root, 'analysis.ipynb')).toString();
    const cell = (n: number): string => `vscode-notebook-cell:${new URL(notebook).pathname}#cell${n}`;
    const texts = [
      'import asyncio\nimport time\n',
      '# a markdown-like python comment cell\n',
      'async def fetch() -> None:\n    time.sleep(1)\n\n\nawait fetch()\nresult = await asyncio.sleep(0)\n',
    ];
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: notebook, notebookType: 'jupyter-notebook', version: 1, cells: texts.map((_, i) => ({ kind: 2, document: cell(i) })) },
      cellTextDocuments: texts.map((text, i) => ({ uri: cell(i), languageId: 'python', version: 1, text })),
    });
    const last = await client.diagnostics(cell(2));
    assert.deepEqual(codes(last), ['blocking-call-in-async:1'], 'time comes from the first cell; top-level await is fine');
    assert.deepEqual(last[0].range, { start: { line: 1, character: 4 }, end: { line: 1, character: 17 } });
    assert.deepEqual(codes(await client.diagnostics(cell(0))), []);
    const data = last[0].data as { fixes: { edits: { range: { start: { line: number } } }[] }[] };
    for (const fix of data.fixes) for (const edit of fix.edits) assert.ok(edit.range.start.line <= 5, 'fix edits stay inside the cell');
    assert.ok(client.isRunning);
  });
});
