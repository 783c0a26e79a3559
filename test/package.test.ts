// The .vsix: built by vsce from the current build, it must hold the bundles, the WASM grammars,
// the docs and snippets — and no node_modules, no native modules, no sources.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from './helpers/engine';

const scratch = mkdtempSync(path.join(tmpdir(), 'ag-vsix-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Entry names from a zip's central directory (signature 0x02014b50). */
function zipEntries(zip: Buffer): string[] {
  const names: string[] = [];
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x06054b50) continue;
    let offset = zip.readUInt32LE(i + 16);
    const count = zip.readUInt16LE(i + 10);
    for (let n = 0; n < count; n++) {
      assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'central directory entry');
      const nameLength = zip.readUInt16LE(offset + 28);
      const extraLength = zip.readUInt16LE(offset + 30);
      const commentLength = zip.readUInt16LE(offset + 32);
      names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  throw new Error('not a zip file');
}

describe('the .vsix package', () => {
  it('holds what the extension needs and nothing native', () => {
    const out = path.join(scratch, 'test.vsix');
    const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const entries = zipEntries(readFileSync(out));
    for (const needed of [
      'extension/package.json',
      'extension/dist/client.js',
      'extension/dist/server.js',
      'extension/dist/tree-sitter.wasm',
      'extension/dist/tree-sitter-python.wasm',
      'extension/docs/rules/blocking-call-in-async.md',
      'extension/docs/rules/untracked-task.md',
      'extension/snippets/python.json',
    ]) {
      assert.ok(entries.includes(needed), `${needed} missing from the .vsix`);
    }
    assert.deepEqual(entries.filter((e) => e.includes('node_modules/') || e.endsWith('.node') || e.endsWith('.ts') || e.includes('/test/')), []);
  });
});
