// The editor and the command line must agree: the same file with the same config gives the same
// findings. The CLI checks the rule fixtures in place (JSON output); the real bundled language
// server is given the same files (same paths, same text) and its diagnostics are compared.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { distDir, repoRoot } from './helpers/engine';
import { TestClient } from './helpers/lspClient';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

const LANGUAGE_IDS: Readonly<Record<string, string>> = {
  '.py': 'python',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
};

const SEVERITY_NAMES: Readonly<Record<number, string>> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

const fixturesRoot = path.join(repoRoot, 'test', 'fixtures', 'rules');

function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...fixtureFiles(full));
    else if (LANGUAGE_IDS[path.extname(name)] !== undefined) out.push(full);
  }
  return out;
}

function key(f: Omit<JsonFinding, 'file'>): string {
  return `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} [${f.rule}] ${f.message}`;
}

function fromDiagnostic(d: Diagnostic): string {
  return key({
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    rule: String(d.code),
    severity: SEVERITY_NAMES[d.severity ?? 1],
    message: typeof d.message === 'string' ? d.message : d.message.value,
  });
}

describe('CLI and editor agree', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => {
    await client.stop();
  });

  it('on every rule fixture: same findings, ranges, severities and messages', async () => {
    const files = fixtureFiles(fixturesRoot);
    assert.ok(files.length > 20, 'fixtures found');
    // Exit code 1 (findings at error level) is expected: execFile rejects then, with the output attached.
    const stdout = await promisify(execFile)(process.execPath, [path.join(distDir, 'cli.js'), path.relative(repoRoot, fixturesRoot), '--format', 'json', '--threads', '1'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (done) => done.stdout,
      (error: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(error.code, 1, error.stderr);
        return error.stdout ?? '';
      },
    );
    const byFile = new Map<string, string[]>();
    for (const f of JSON.parse(stdout) as JsonFinding[]) {
      const list = byFile.get(f.file) ?? [];
      list.push(key(f));
      byFile.set(f.file, list);
    }
    const workspace = path.join(repoRoot, 'test', 'workspace');
    let compared = 0;
    for (const file of files) {
      const shown = path.relative(repoRoot, file).split(path.sep).join('/');
      // The test client opens documents relative to test/workspace: point it at the fixture itself.
      const uri = await client.open(path.relative(workspace, file), LANGUAGE_IDS[path.extname(file)], await readFile(file, 'utf8'));
      const editor = (await client.diagnostics(uri)).map(fromDiagnostic).sort();
      const cli = (byFile.get(shown) ?? []).sort();
      assert.deepEqual(cli, editor, `${shown}: CLI and editor differ`);
      if (cli.length > 0) compared++;
      await client.close(uri);
    }
    assert.ok(compared > 10, `${compared} fixtures with findings compared`);
  });
});
