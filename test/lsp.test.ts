// Talks to the real bundled language server (dist/server.js) over its real transports.
import * as assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, waitFor } from './helpers/lspClient';

const PY_BLOCKING = `import time


async def poll() -> None:
    time.sleep(1)
`;

const PY_TASK = `import asyncio


async def work() -> None:
    await asyncio.sleep(0)


async def start() -> None:
    asyncio.create_task(work())
`;

const TS_BLOCKING = `import { readFileSync } from "node:fs";

export async function load(path: string): Promise<string> {
  const text = readFileSync(path, "utf8");
  return text;
}
`;

const TS_FLOATING = `async function send(): Promise<void> {}

export async function run(): Promise<void> {
  send();
}
`;

function ours(diagnostics: Diagnostic[], rule: string): Diagnostic[] {
  return diagnostics.filter((d) => d.source === 'async-guardrails' && d.code === rule);
}

function firstFix(actions: CodeAction[]): CodeAction {
  const fix = actions.find((a) => a.kind === 'quickfix' && a.edit !== undefined && !a.title.startsWith('Disable') && !a.title.startsWith('Fix all'));
  assert.ok(fix, `no quick fix among: ${actions.map((a) => a.title).join(' | ')}`);
  return fix;
}

describe('language server over node IPC', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ transport: 'ipc' });
  });
  after(async () => {
    await client.stop();
  });

  it('reports a blocking Python call on the call itself, with docs link and a safe fix that works', async () => {
    const uri = await client.open('poll.py', 'python', PY_BLOCKING);
    const diagnostics = ours(await client.diagnostics(uri), 'blocking-call-in-async');
    assert.equal(diagnostics.length, 1);
    const [diagnostic] = diagnostics;
    assert.deepEqual(diagnostic.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 17 } });
    assert.match(diagnostic.codeDescription?.href ?? '', /docs\/rules\/blocking-call-in-async\.md$/);
    await access(fileURLToPath(diagnostic.codeDescription?.href ?? '')); // the docs link points at a shipped page

    const actions = await client.codeActions(uri, [diagnostic]);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Disable blocking-call-in-async for this line'), titles.join(' | '));
    assert.ok(titles.includes('Show documentation for blocking-call-in-async'), titles.join(' | '));
    const fix = firstFix(actions);
    assert.equal(fix.isPreferred, true, 'the safe fix is preferred');
    client.applyWorkspaceEdit(fix.edit ?? {});
    assert.match(client.text(uri), /^import asyncio$/m);
    assert.match(client.text(uri), /await asyncio\.sleep\(1\)/);
    assert.deepEqual(ours(await client.diagnostics(uri), 'blocking-call-in-async'), []);
  });

  it('reports an untracked Python task and adds await through the quick fix', async () => {
    const uri = await client.open('tasks.py', 'python', PY_TASK);
    const [diagnostic, ...rest] = ours(await client.diagnostics(uri), 'untracked-task');
    assert.ok(diagnostic);
    assert.equal(rest.length, 0);
    assert.equal(diagnostic.range.start.line, 8);
    const fix = (await client.codeActions(uri, [diagnostic])).find((a) => /await/i.test(a.title) && a.edit !== undefined);
    assert.ok(fix, 'an add-await quick fix is offered');
    assert.match(fix.title, /unsafe/, 'adding await is offered as an unsafe quick fix');
    client.applyWorkspaceEdit(fix.edit ?? {});
    assert.match(client.text(uri), /await asyncio\.create_task\(work\(\)\)/);
    assert.deepEqual(ours(await client.diagnostics(uri), 'untracked-task'), []);
  });

  it('reports a blocking fs call in TypeScript and replaces it with fs/promises', async () => {
    const uri = await client.open('load.ts', 'typescript', TS_BLOCKING);
    const [diagnostic] = ours(await client.diagnostics(uri), 'blocking-call-in-async');
    assert.ok(diagnostic);
    assert.equal(diagnostic.range.start.line, 3);
    assert.equal(diagnostic.range.start.character, 15);
    client.applyWorkspaceEdit(firstFix(await client.codeActions(uri, [diagnostic])).edit ?? {});
    assert.match(client.text(uri), /await readFile\(path, "utf8"\)/);
    assert.match(client.text(uri), /from "node:fs\/promises"/);
    assert.deepEqual(ours(await client.diagnostics(uri), 'blocking-call-in-async'), []);
  });

  it('reports a floating promise in TypeScript and adds await through the quick fix', async () => {
    const uri = await client.open('run.ts', 'typescript', TS_FLOATING);
    const [diagnostic] = ours(await client.diagnostics(uri), 'untracked-task');
    assert.ok(diagnostic);
    assert.deepEqual(diagnostic.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 8 } });
    client.applyWorkspaceEdit(firstFix(await client.codeActions(uri, [diagnostic])).edit ?? {});
    assert.match(client.text(uri), /^ {2}await send\(\);$/m);
    assert.deepEqual(ours(await client.diagnostics(uri), 'untracked-task'), []);
  });

  it('answers "unchanged" for an unchanged document and "full" after an edit', async () => {
    const uri = await client.open('unchanged.py', 'python', PY_BLOCKING);
    const first = await client.pull(uri);
    assert.equal(first.kind, 'full');
    const resultId = first.kind === 'full' ? first.resultId : undefined;
    assert.ok(resultId);
    assert.equal((await client.pull(uri, resultId)).kind, 'unchanged');
    await client.change(uri, `${PY_BLOCKING}\n`);
    assert.equal((await client.pull(uri, resultId)).kind, 'full');
  });

  it('fix-all applies only safe fixes (lazily resolved)', async () => {
    const uri = await client.open('mixed.py', 'python', `${PY_TASK}\n\nasync def nap() -> None:\n    time.sleep(2)\n    time.sleep(3)\n`.replace('import asyncio', 'import asyncio\nimport time'));
    await client.diagnostics(uri);
    const [action] = await client.codeActions(uri, [], ['source.fixAll.asyncGuardrails']);
    assert.ok(action, 'a fix-all action is offered');
    assert.equal(action.edit, undefined, 'the edit is resolved lazily');
    const resolved = await client.resolve(action);
    client.applyWorkspaceEdit(resolved.edit ?? {});
    const text = client.text(uri);
    assert.match(text, /await asyncio\.sleep\(2\)/);
    assert.match(text, /await asyncio\.sleep\(3\)/);
    assert.equal(text.match(/^import asyncio$/gm)?.length, 1, 'one import, however many fixes need it');
    assert.match(text, /^ {4}asyncio\.create_task\(work\(\)\)$/m, 'the unsafe fix is not part of fix-all');
  });

  it('the fix-all command applies the edit through workspace/applyEdit', async () => {
    const uri = await client.open('command.py', 'python', PY_BLOCKING);
    await client.executeCommand('asyncGuardrails.server.applyFixAll', [uri]);
    await waitFor(() => client.text(uri).includes('await asyncio.sleep(1)'), 'the fix-all edit');
  });

  it('"disable for this line" silences the diagnostic', async () => {
    const uri = await client.open('disable.ts', 'typescript', TS_FLOATING);
    const [diagnostic] = ours(await client.diagnostics(uri), 'untracked-task');
    const disable = (await client.codeActions(uri, [diagnostic])).find((a) => a.title === 'Disable untracked-task for this line');
    assert.ok(disable?.edit);
    client.applyWorkspaceEdit(disable.edit);
    assert.match(client.text(uri), /^ {2}\/\/ async-guardrails: ignore\[untracked-task\]\n {2}send\(\);$/m);
    assert.deepEqual(ours(await client.diagnostics(uri), 'untracked-task'), []);
  });

  it('settings turn a rule off (with a refresh request) and the run mode onSave waits for a save', async () => {
    const uri = await client.open('settings.py', 'python', PY_BLOCKING);
    assert.equal(ours(await client.diagnostics(uri), 'blocking-call-in-async').length, 1);
    const refreshes = client.refreshRequests;
    await client.configurationChanged({ enable: true, run: 'onType', rules: { 'blocking-call-in-async': 'off' } });
    await waitFor(() => client.refreshRequests > refreshes, 'a diagnostic refresh request');
    assert.deepEqual(ours(await client.diagnostics(uri), 'blocking-call-in-async'), []);

    await client.configurationChanged({ enable: true, run: 'onSave', rules: { 'blocking-call-in-async': 'info' } });
    const [info] = ours(await client.diagnostics(uri), 'blocking-call-in-async');
    assert.equal(info?.severity, 3, 'severity overridden to information');
    await client.change(uri, PY_BLOCKING.replace('time.sleep(1)', 'time.sleep(1)\n    time.sleep(2)'));
    assert.equal(ours(await client.diagnostics(uri), 'blocking-call-in-async').length, 1, 'not re-analysed before a save');
    await client.save(uri);
    assert.equal(ours(await client.diagnostics(uri), 'blocking-call-in-async').length, 2, 're-analysed after the save');

    await client.configurationChanged({ enable: false, run: 'onType', rules: {} });
    assert.deepEqual(await client.diagnostics(uri), []);
    await client.configurationChanged({ enable: true, run: 'onType', rules: {} });
  });

  it('a file that does not parse still gets the diagnostics of its valid parts', async () => {
    const broken = `import time\n\ndef broken(:\n    pass\n\nasync def later() -> None:\n    time.sleep(1)\n`;
    const uri = await client.open('broken.py', 'python', broken);
    const diagnostics = ours(await client.diagnostics(uri), 'blocking-call-in-async');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].range.start.line, 6);
    const tsUri = await client.open('broken.ts', 'typescript', `const x = (;\n${TS_FLOATING}`);
    assert.equal(ours(await client.diagnostics(tsUri), 'untracked-task').length, 1);
  });

  it('reports the latest version only, through a burst of edits', async () => {
    const uri = await client.open('burst.py', 'python', PY_BLOCKING);
    let text = PY_BLOCKING;
    for (let i = 0; i < 50; i++) {
      text = i % 10 === 5 ? `${text}def (\n` : `${text}async def f${i}() -> None:\n    time.sleep(${i})\n`;
      await client.change(uri, text);
    }
    const diagnostics = ours(await client.diagnostics(uri), 'blocking-call-in-async');
    const expected = (text.match(/time\.sleep/g) ?? []).length;
    assert.ok(diagnostics.length > 1 && diagnostics.length <= expected, `${diagnostics.length} of ${expected}`);
    const report = await client.pull(uri);
    assert.equal(report.kind, 'full');
    assert.ok(report.kind === 'full' && report.resultId?.startsWith('51:'), 'the result is for the last version');
  });

  it('sends the status notification and stays up', async () => {
    await waitFor(() => client.statuses.length > 0, 'a status notification');
    assert.ok(client.isRunning);
  });
});

describe('language server over stdio, for clients without pull diagnostics', () => {
  it('pushes diagnostics with the document version', async () => {
    const client = await TestClient.start({
      transport: 'stdio',
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    try {
      const uri = await client.open('push.py', 'python', PY_BLOCKING);
      await waitFor(() => client.published.some((p) => p.uri === uri && p.diagnostics.length === 1), 'published diagnostics');
      await client.change(uri, PY_BLOCKING.replace('time.sleep(1)', 'pass'));
      await waitFor(() => client.published.at(-1)?.diagnostics.length === 0 && client.published.at(-1)?.version === 2, 'an empty publish for version 2');
      const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'never an older version after a newer one');
    } finally {
      await client.stop();
    }
  });
});
