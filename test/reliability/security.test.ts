// Security, through the real CLI (dist/cli.js) and the real server (dist/server.js):
// - no workspace code is ever executed: a workspace full of files that leave a marker file when
//   run (conftest.py, setup.py, a .pth file, a TypeScript compiler plugin named by tsconfig.json,
//   package.json scripts and main, .eslintrc.js, async-guardrails.config.js, a side-effecting
//   @types package, a dependency imported by a source file) is checked, fixed, given
//   instructions, analysed as a workspace, code-actioned and fixed-all: no marker may appear;
// - writes stay inside what was asked: every file of the workspace and of a sibling folder is
//   hashed (content and mtime) before and after; `--fix <file>` changes that file only (and the
//   cache folder with `--cache`), a plain check changes nothing, the server writes nothing at all
//   (its fixes go back to the client as edits);
// - paths from config stay inside the workspace: `exclude` globs that point outside (`../`,
//   absolute) make the tool neither walk nor read nor write there (checked with strace when the
//   machine has it);
// - the extension declares untrusted-workspace support.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { distDir, repoRoot } from '../helpers/engine';
import { TestClient } from '../helpers/lspClient';

const CLI_BOUND_MS = 120_000;

/** A TypeScript file whose `return load(id)` in a try block has a safe fix (return-await-in-try). */
const TS_FIXABLE = `declare function load(id: string): Promise<string>;

export async function inTry(id: string): Promise<string> {
  try {
    return load(id);
  } catch (error) {
    throw error;
  }
}
`;
/** A Python file with a safe fix (unawaited-coroutine) and a blocking call. */
const PY_FIXABLE = `import asyncio
import time


async def notify(event):
    await asyncio.sleep(0)


async def handle(event):
    notify(event)
    time.sleep(1)
`;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: CLI_BOUND_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function cli(cwd: string, args: string[]): Promise<CliRun> {
  return run(process.execPath, [path.join(distDir, 'cli.js'), ...args], cwd);
}

/** Exit codes 0 (clean) and 1 (findings) are normal runs; anything else is not. */
function assertRan(result: CliRun, what: string): void {
  assert.ok(result.code === 0 || result.code === 1, `${what} exited ${result.code}: ${result.stderr.slice(0, 800)}`);
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

const scratch: string[] = [];

/**
 * A folder holding `ws/` (the workspace), `sibling/` (a folder next to it with its own findings)
 * and `markers/` (where hostile code would leave a file named after itself if it ever ran).
 */
async function hostileWorkspace(): Promise<{ base: string; ws: string; sibling: string; markers: string }> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'ag-security-'));
  scratch.push(base);
  const ws = path.join(base, 'ws');
  const sibling = path.join(base, 'sibling');
  const markers = path.join(base, 'markers');
  const js = (name: string): string => `require("fs").writeFileSync(${JSON.stringify(path.join(markers, name))}, "executed");\n`;
  const py = (name: string): string => `open(${JSON.stringify(path.join(markers, name))}, "w").write("executed")\n`;
  const files: Record<string, string> = {
    'conftest.py': `${py('conftest.py')}\nimport time\n\n\nasync def fixture_helper():\n    time.sleep(1)\n`,
    'setup.py': `${py('setup.py')}from setuptools import setup\nsetup(name="x")\n`,
    'sitecustomize.py': py('sitecustomize.py'),
    'usercustomize.py': py('usercustomize.py'),
    'hook.pth': `import os; ${py('hook.pth').trim()}\n`,
    '.venv/lib/python3.12/site-packages/evil.pth': `import os; ${py('venv.pth').trim()}\n`,
    'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "backend"\nbackend-path = ["."]\n\n[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
    'backend.py': py('build-backend'),
    'noxfile.py': py('noxfile.py'),
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, plugins: [{ name: 'evil-plugin' }], types: ['x'] }, include: ['src'] }, null, 2),
    'jsconfig.json': JSON.stringify({ compilerOptions: { plugins: [{ name: 'evil-plugin' }] } }),
    'node_modules/evil-plugin/package.json': JSON.stringify({ name: 'evil-plugin', main: 'index.js' }),
    'node_modules/evil-plugin/index.js': `${js('ts-plugin')}module.exports = () => ({ create: (info) => info.languageService });\n`,
    'node_modules/@types/x/package.json': JSON.stringify({ name: '@types/x', main: 'index.js', types: 'index.d.ts' }),
    'node_modules/@types/x/index.js': js('types-x'),
    'node_modules/@types/x/index.d.ts': 'declare const x: number;\n',
    'node_modules/evil-dep/package.json': JSON.stringify({ name: 'evil-dep', main: 'index.js' }),
    'node_modules/evil-dep/index.js': `${js('imported-dependency')}module.exports = { value: 1 };\n`,
    'package.json': JSON.stringify(
      {
        name: 'hostile',
        main: 'main.js',
        scripts: { preinstall: `node main.js`, postinstall: 'node main.js', prepare: 'node main.js', test: 'node main.js', lint: 'node main.js' },
        asyncGuardrails: { rules: { 'missing-timeout': 'off' } },
      },
      null,
      2,
    ),
    'main.js': js('package-main'),
    '.eslintrc.js': `${js('eslintrc')}module.exports = {};\n`,
    'eslint.config.js': `${js('eslint-config')}module.exports = [];\n`,
    'async-guardrails.config.js': `${js('config-js')}module.exports = { rules: {} };\n`,
    'async-guardrails.config.mjs': `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(path.join(markers, 'config-mjs'))}, "executed");\nexport default {};\n`,
    '.async-guardrails.js': js('dot-config-js'),
    'src/app.ts': `import dep from "evil-dep";\nexport const value = dep;\n${TS_FIXABLE}`,
    'src/other.ts': TS_FIXABLE,
    'src/app.py': PY_FIXABLE,
    'src/other.py': PY_FIXABLE,
    'src/run-me.js': `${js('workspace-source')}export async function f() { return Promise.resolve(1); }\n`,
    'src/run-me.cjs': js('workspace-source-cjs'),
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(ws, name)), { recursive: true });
    await writeFile(path.join(ws, name), text);
  }
  await mkdir(path.join(sibling, 'pkg'), { recursive: true });
  await writeFile(path.join(sibling, 'pkg', 'outside.py'), PY_FIXABLE);
  await writeFile(path.join(sibling, 'outside.ts'), TS_FIXABLE);
  await mkdir(markers);
  return { base, ws, sibling, markers };
}

/** Content hash, size and mtime of every file under each folder (dotfiles and node_modules included). */
async function snapshot(folders: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const info = await stat(full);
        const hash = createHash('sha256').update(await readFile(full)).digest('hex');
        out.set(full, `${hash}:${info.size}:${info.mtimeMs}`);
      }
    }
  };
  for (const folder of folders) await walk(folder);
  return out;
}

/** The files added, removed or changed between two snapshots, sorted. */
function changes(before: Map<string, string>, afterSnap: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const [file, value] of before) if (afterSnap.get(file) !== value) out.add(file);
  for (const file of afterSnap.keys()) if (!before.has(file)) out.add(file);
  return [...out].sort();
}

async function markersLeft(markers: string): Promise<string[]> {
  return (await readdir(markers)).sort();
}

describe('security', { concurrency: 2 }, () => {
  after(async () => {
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe('no workspace code is ever executed', () => {
    it('CLI: check, --fix, --fix --unsafe-fixes, --cache, worker threads, --stdin and instructions', async () => {
      const { ws, markers } = await hostileWorkspace();
      const runs: [string, string[]][] = [
        ['check', ['.', '--format', 'json']],
        ['--fix --unsafe-fixes --cache with worker threads', ['.', '--fix', '--unsafe-fixes', '--cache', '--threads', '2', '--format', 'json']],
        ['instructions', ['instructions']],
      ];
      for (const [what, args] of runs) {
        const result = await cli(ws, args);
        if (what.startsWith('instructions')) assert.equal(result.code, 0, `${what}: ${result.stderr}`);
        else assertRan(result, what);
        assert.deepEqual(await markersLeft(markers), [], `workspace code ran during "${what}"`);
      }
      const stdin = await new Promise<CliRun>((resolve) => {
        const child = execFile(process.execPath, [path.join(distDir, 'cli.js'), '--stdin', '--stdin-filename', 'src/app.ts', '--fix'], { cwd: ws, timeout: CLI_BOUND_MS }, (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout, stderr }),
        );
        child.stdin?.end(TS_FIXABLE);
      });
      assertRan(stdin, '--stdin --fix');
      assert.deepEqual(await markersLeft(markers), [], 'workspace code ran during --stdin');
    });

    it('server: open files, workspace analysis, code actions, resolve, fix-all and instructions', async () => {
      const { ws, markers } = await hostileWorkspace();
      const client = await TestClient.start({ transport: 'ipc', workspaceFolders: [ws], settings: { enable: true, run: 'onType', rules: {}, workspaceDiagnostics: true } });
      try {
        const report = await client.workspaceDiagnostics();
        assert.ok(report.items.length > 0, 'the workspace analysis reported nothing');
        for (const name of ['src/app.ts', 'src/other.ts', 'src/app.py', 'conftest.py', 'setup.py', 'src/run-me.js', 'async-guardrails.config.js', '.eslintrc.js']) {
          const file = path.join(ws, name);
          const languageId = name.endsWith('.py') ? 'python' : name.endsWith('.ts') ? 'typescript' : 'javascript';
          const uri = await client.openPath(file, languageId, await readFile(file, 'utf8'));
          const diagnostics = await client.diagnostics(uri);
          const actions = await client.codeActions(uri, diagnostics);
          for (const action of actions.slice(0, 6)) await client.resolve(action);
          const fixAll: CodeAction[] = await client.codeActions(uri, [], ['source.fixAll']);
          for (const action of fixAll) await client.resolve(action);
          await client.executeCommand('asyncGuardrails.server.applyFixAll', [uri]);
        }
        await client.executeCommand('asyncGuardrails.server.writeInstructions', [{ format: 'copilot' }]);
        assert.ok(client.isRunning);
      } finally {
        await client.stop();
      }
      assert.deepEqual(await markersLeft(markers), [], 'workspace code ran in the server');
    });
  });

  describe('writes stay inside what was asked', () => {
    it('CLI: a plain check writes nothing; --fix <file> changes that file only; --cache adds only its folder', async () => {
      const { ws, sibling } = await hostileWorkspace();
      const target = path.join(ws, 'src', 'app.ts');
      // A check (with an explicit cache location) writes nothing but the cache, where asked.
      const elsewhere = path.join(path.dirname(ws), 'my-cache');
      let before = await snapshot([ws, sibling]);
      assertRan(await cli(ws, ['.', '--cache-location', elsewhere, '--format', 'json']), 'check');
      assert.deepEqual(changes(before, await snapshot([ws, sibling])), [], 'a check without --fix wrote files');
      assert.ok(await exists(elsewhere), 'the cache was not written where asked');

      before = await snapshot([ws, sibling]);
      assertRan(await cli(ws, ['src/app.ts', '--fix', '--unsafe-fixes', '--format', 'json']), '--fix');
      assert.deepEqual(changes(before, await snapshot([ws, sibling])), [target], '--fix changed files other than the one named');

      const pyTarget = path.join(ws, 'src', 'app.py');
      before = await snapshot([ws, sibling]);
      assertRan(await cli(ws, ['src/app.py', '--fix', '--cache', '--format', 'json']), '--fix --cache');
      const cacheDir = path.join(ws, 'node_modules', '.cache', 'async-guardrails');
      const changed = changes(before, await snapshot([ws, sibling]));
      assert.ok(changed.includes(pyTarget), `the fixed file did not change: ${changed.join(', ')}`);
      assert.deepEqual(
        changed.filter((f) => f !== pyTarget && !f.startsWith(cacheDir + path.sep)),
        [],
        '--fix --cache changed files other than the one named and the cache folder',
      );

    });

    it('server: workspace analysis, code actions and fix-all write nothing (edits go back to the client)', async () => {
      const { ws, sibling } = await hostileWorkspace();
      const before = await snapshot([ws, sibling]);
      const client = await TestClient.start({ transport: 'ipc', workspaceFolders: [ws], settings: { enable: true, run: 'onType', rules: {}, workspaceDiagnostics: true } });
      let fixedText = '';
      try {
        await client.workspaceDiagnostics();
        const file = path.join(ws, 'src', 'app.ts');
        const uri = await client.openPath(file, 'typescript', await readFile(file, 'utf8'));
        const diagnostics = await client.diagnostics(uri);
        for (const action of await client.codeActions(uri, diagnostics)) await client.resolve(action);
        await client.executeCommand('asyncGuardrails.server.applyFixAll', [uri]);
        fixedText = client.text(uri);
        await client.save(uri);
        assert.ok(client.isRunning);
      } finally {
        await client.stop();
      }
      assert.notEqual(fixedText, await readFile(path.join(ws, 'src', 'app.ts'), 'utf8'), 'fix-all sent no edit to the client');
      assert.deepEqual(changes(before, await snapshot([ws, sibling])), [], 'the server wrote files');
    });
  });

  describe('paths from config stay inside the workspace', () => {
    const OUTSIDE_EXCLUDES = (sibling: string): string[] => ['../sibling/**', '../**', `${sibling}/**`, '/etc/**', '../../**/*.py'];

    it('CLI: exclude globs pointing outside neither walk, read nor write there', async (t) => {
      const { ws, sibling } = await hostileWorkspace();
      await writeFile(path.join(ws, 'async-guardrails.toml'), `exclude = ${JSON.stringify(OUTSIDE_EXCLUDES(sibling))}\n`, { signal: t.signal });
      const before = await snapshot([sibling]);
      const strace = await exists('/usr/bin/strace');
      if (!strace) t.diagnostic('strace is not installed: the "not read" half is skipped');
      const trace = path.join(path.dirname(ws), 'trace.txt');
      const args = [path.join(distDir, 'cli.js'), '.', '--format', 'json', '--cache', '--threads', '1'];
      const result = strace ? await run('/usr/bin/strace', ['-f', '-qq', '-e', 'trace=%file', '-o', trace, process.execPath, ...args], ws) : await run(process.execPath, args, ws);
      assertRan(result, 'check');
      const files = (JSON.parse(result.stdout) as { file: string }[]).map((f) => path.resolve(ws, f.file));
      assert.ok(files.length > 0, 'the workspace files were not analysed');
      assert.deepEqual(files.filter((f) => !f.startsWith(ws + path.sep)), [], 'findings reported for files outside the workspace');
      assert.deepEqual(changes(before, await snapshot([sibling])), [], 'files outside the workspace changed');
      if (strace) {
        const lines = (await readFile(trace, 'utf8')).split('\n');
        assert.ok(lines.some((line) => line.includes(path.join(ws, 'src'))), 'the trace does not show the workspace being read: strace did not trace');
        const touched = lines.filter((line) => line.includes(sibling));
        assert.deepEqual(touched, [], 'the CLI touched the sibling folder');
      }
    });

    it('server: exclude globs pointing outside report nothing outside the workspace', async () => {
      const { ws, sibling } = await hostileWorkspace();
      await writeFile(path.join(ws, 'async-guardrails.toml'), `exclude = ${JSON.stringify(OUTSIDE_EXCLUDES(sibling))}\n`);
      const before = await snapshot([ws, sibling]);
      const client = await TestClient.start({ transport: 'ipc', workspaceFolders: [ws], settings: { enable: true, run: 'onType', rules: {}, workspaceDiagnostics: true } });
      try {
        const report = await client.workspaceDiagnostics();
        const files = report.items.map((i) => fileURLToPath(i.uri));
        assert.ok(files.length > 0);
        assert.deepEqual(files.filter((f) => !f.startsWith(ws + path.sep)), [], 'diagnostics for files outside the workspace');
      } finally {
        await client.stop();
      }
      assert.deepEqual(changes(before, await snapshot([ws, sibling])), []);
    });
  });

  it('package.json declares untrusted-workspace support (the extension runs no workspace code)', async () => {
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { capabilities?: { untrustedWorkspaces?: { supported?: unknown } } };
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
  });
});
