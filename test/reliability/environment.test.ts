// Config and environment faults, through the real CLI (dist/cli.js) and the real server: malformed
// config files, unreadable entries, symlink loops in a walked folder, a tsconfig that extends a
// missing file. Each must give a clear message (naming the file) and break nothing else: the
// other files are still analysed and their findings reported.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { distDir } from '../helpers/engine';
import { TestClient, waitFor } from '../helpers/lspClient';

const PY_BAD = 'import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n';
const TS_BAD = 'import { readFileSync } from "node:fs";\n\nexport async function load(path: string): Promise<string> {\n  return readFileSync(path, "utf8");\n}\n';
const CLI_BOUND_MS = 60_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function cli(cwd: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(distDir, 'cli.js'), ...args], { cwd, timeout: CLI_BOUND_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const timedOut = error !== null && (error as { killed?: boolean }).killed === true;
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null;
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

function rulesIn(stdout: string): { file: string; rule: string }[] {
  try {
    return (JSON.parse(stdout) as { file: string; rule: string }[]).map((f) => ({ file: path.basename(f.file), rule: f.rule }));
  } catch {
    return [];
  }
}

const roots: string[] = [];
async function workspace(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ag-env-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

describe('config and environment faults', () => {
  after(async () => {
    await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
  });

  const MALFORMED: Record<string, string> = {
    'async-guardrails.toml': '[rules\n"untracked-task" = = "off"\n',
    'pyproject.toml': '[tool.async-guardrails]\nrules = { "blocking-call-in-async" = "loud" }\n[[[\n',
    'package.json': '{ "name": "x", "asyncGuardrails": { "rules": { "untracked-task": "warning" }, }',
  };
  for (const [name, text] of Object.entries(MALFORMED)) {
    it(`CLI: a malformed ${name} is named with its line and column; the files are analysed, or the run stops as a usage error`, async () => {
      const root = await workspace({ [name]: text, 'app.py': PY_BAD, 'app.ts': TS_BAD });
      const run = await cli(root, ['.', '--format', 'json']);
      assert.equal(run.timedOut, false);
      assert.doesNotMatch(run.stderr, /internal error/i, run.stderr);
      assert.match(run.stderr, new RegExp(name.replace('.', '\\.')), `no message names ${name}: ${run.stderr}`);
      // Either the CLI goes on with defaults for that config (the files are analysed), or it stops
      // as a usage error (exit 2) pointing at the config's line and column, as ruff does.
      const found = rulesIn(run.stdout);
      const analysed = found.some((f) => f.file === 'app.py' && f.rule === 'blocking-call-in-async') && found.some((f) => f.file === 'app.ts' && f.rule === 'blocking-call-in-async');
      const stoppedClearly = run.code === 2 && new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+`).test(run.stderr) && run.stderr.trim().split('\n').length <= 3;
      assert.ok(analysed || stoppedClearly, `exit ${run.code}; stdout ${run.stdout.slice(0, 300)}; stderr ${run.stderr}`);
    });
  }

  it('CLI: a symlink loop, a dangling symlink and a directory named like a source file do not stop the walk', async () => {
    const root = await workspace({ 'src/app.py': PY_BAD, 'src/nested/deeper/app.ts': TS_BAD });
    await symlink('..', path.join(root, 'src', 'nested', 'deeper', 'loop'));
    await symlink(path.join(root, 'src'), path.join(root, 'src', 'nested', 'back-to-src'));
    await symlink(path.join(root, 'nowhere.py'), path.join(root, 'src', 'dangling.py'));
    await mkdir(path.join(root, 'src', 'folder.py'));
    const started = Date.now();
    const run = await cli(root, ['src', '--format', 'json']);
    assert.equal(run.timedOut, false, `the walk did not finish within ${CLI_BOUND_MS} ms`);
    assert.doesNotMatch(run.stderr, /internal error/i, run.stderr);
    const found = rulesIn(run.stdout);
    // Each real file is reported once, however many links lead to it.
    assert.equal(found.filter((f) => f.file === 'app.py' && f.rule === 'blocking-call-in-async').length, 1, run.stdout.slice(0, 800));
    assert.equal(found.filter((f) => f.file === 'app.ts' && f.rule === 'blocking-call-in-async').length, 1, run.stdout.slice(0, 800));
    assert.ok(Date.now() - started < CLI_BOUND_MS);
  });

  it('CLI: a file named explicitly that cannot be read gets a one-line message naming it', async () => {
    const root = await workspace({ 'ok.py': PY_BAD });
    await symlink(path.join(root, 'nowhere.py'), path.join(root, 'dangling.py'));
    const run = await cli(root, ['dangling.py', 'ok.py', '--format', 'json']);
    assert.doesNotMatch(run.stderr, /internal error/i, run.stderr);
    assert.match(run.stderr, /dangling\.py/, run.stderr);
  });

  it('CLI: a tsconfig that extends a missing file is reported and the TypeScript files are still analysed', async () => {
    const root = await workspace({ 'tsconfig.json': '{ "extends": "./missing/base.json", "compilerOptions": { "strict": true } }', 'src/app.ts': TS_BAD });
    const run = await cli(root, ['.', '--format', 'json']);
    assert.doesNotMatch(run.stderr, /internal error/i, run.stderr);
    assert.ok(rulesIn(run.stdout).some((f) => f.file === 'app.ts' && f.rule === 'blocking-call-in-async'), `${run.stdout.slice(0, 500)} ${run.stderr}`);
  });

  it('server: malformed config files and a broken tsconfig in the workspace leave diagnostics working', async () => {
    const root = await workspace({
      'pyproject.toml': MALFORMED['pyproject.toml'],
      'async-guardrails.toml': MALFORMED['async-guardrails.toml'],
      'package.json': MALFORMED['package.json'],
      'tsconfig.json': '{ "extends": "./missing/base.json" }',
    });
    const client = await TestClient.start({ transport: 'ipc', workspaceFolders: [root] });
    try {
      const py = await client.openPath(path.join(root, 'app.py'), 'python', PY_BAD);
      const ts = await client.openPath(path.join(root, 'app.ts'), 'typescript', TS_BAD);
      const pyDiagnostics = (await client.diagnostics(py)).filter((d) => d.source === 'async-guardrails');
      const tsDiagnostics = (await client.diagnostics(ts)).filter((d) => d.source === 'async-guardrails');
      assert.ok(pyDiagnostics.some((d) => d.code === 'blocking-call-in-async'), JSON.stringify(pyDiagnostics));
      assert.ok(tsDiagnostics.some((d) => d.code === 'blocking-call-in-async'), JSON.stringify(tsDiagnostics));
      assert.ok(client.isRunning);
    } finally {
      await client.stop();
    }
  });

  let deletedFolderLogs: { folder: string; logs: string[] } | undefined;
  it('server: a folder deleted while workspace analysis runs leaves no diagnostics behind and the server answering', async (t) => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`doomed/sub${i % 10}/d${i}.${i % 2 === 0 ? 'py' : 'ts'}`] = i % 2 === 0 ? PY_BAD : TS_BAD;
    for (let i = 0; i < 20; i++) files[`kept/k${i}.py`] = PY_BAD;
    const root = await workspace(files);
    const doomed = path.join(root, 'doomed');
    const client = await TestClient.start({ transport: 'ipc', workspaceFolders: [root], settings: { enable: true, run: 'onType', rules: {}, workspaceDiagnostics: true } });
    try {
      let settled = false;
      // Partial results stream every 50 files: the first one shows the run has started.
      const first = client.workspaceDiagnostics([], undefined, { partialResultToken: 'deleted-folder' }).then((report) => {
        settled = true;
        return report;
      });
      const partials = (): WorkspaceDocumentDiagnosticReport[] => client.progress.filter((p) => p.token === 'deleted-folder').flatMap((p) => (p.value as { items: WorkspaceDocumentDiagnosticReport[] }).items);
      await waitFor(() => partials().length > 0 || settled, 'the first partial result of the workspace analysis', 60_000);
      const deletedMidRun = !settled;
      const doomedFiles = Object.keys(files).filter((f) => f.startsWith('doomed/')).map((f) => path.join(root, f));
      await rm(doomed, { recursive: true, force: true });
      await client.filesChanged([{ file: doomed, type: 3 }, ...doomedFiles.map((file) => ({ file, type: 3 as const }))]);
      const last = await first;
      const report = { items: [...partials(), ...last.items] };
      assert.ok(client.isRunning, 'the server died during the run');
      assert.ok(deletedMidRun, 'the run ended before the folder was deleted: the test did not test anything (make the workspace larger)');
      const isDoomed = (uri: string): boolean => fileURLToPath(uri).startsWith(doomed + path.sep);
      const kept = report.items.filter((i) => !isDoomed(i.uri));
      assert.equal(kept.length, 20, 'every file outside the deleted folder is reported');
      assert.ok(kept.every((i) => i.kind === 'full' && i.items.some((d) => d.code === 'blocking-call-in-async')));
      // Files read after the deletion are reported empty; the next pull clears those analysed before it.
      const previous = report.items.filter((i) => i.resultId !== undefined).map((i) => ({ uri: i.uri, value: i.resultId as string }));
      const second = await client.workspaceDiagnostics(previous);
      const latest = new Map<string, number>();
      for (const item of [...report.items, ...second.items]) if (item.kind === 'full') latest.set(item.uri, item.items.length);
      const leftOver = [...latest].filter(([uri, count]) => isDoomed(uri) && count > 0);
      assert.deepEqual(leftOver, [], 'diagnostics left for deleted files');
      const before = report.items.filter((i) => isDoomed(i.uri) && i.kind === 'full' && i.items.length > 0).length;
      const cleared = second.items.filter((i) => isDoomed(i.uri) && i.kind === 'full' && i.items.length === 0).length;
      deletedFolderLogs = { folder: doomed, logs: [...client.logs] };
      t.diagnostic(`${before} deleted files had diagnostics from before the deletion, ${cleared} cleared by the next pull; server log: ${client.logs.filter((l) => /doomed|workspace/i.test(l)).slice(0, 3).join(' | ') || '(nothing)'}`);
      assert.ok(!client.logs.some((l) => /internal error|TypeError|ReferenceError|unhandled/i.test(l)), client.logs.join('\n'));
      // The server keeps answering: a document opened now gets its diagnostics.
      const after = await client.openPath(path.join(root, 'kept', 'after.py'), 'python', PY_BAD);
      assert.ok((await client.diagnostics(after)).some((d) => d.code === 'blocking-call-in-async'));
    } finally {
      await client.stop();
    }
  });

  it('server: the files that vanished during workspace analysis are named in the log', () => {
    assert.ok(deletedFolderLogs !== undefined, 'runs after the deleted-folder test');
    assert.ok(
      deletedFolderLogs.logs.some((l) => l.includes(deletedFolderLogs?.folder ?? '\0')),
      `no log line names ${deletedFolderLogs.folder}: ${deletedFolderLogs.logs.join(' | ')}`,
    );
  });
});
