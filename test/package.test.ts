// The .vsix: built by vsce from the current build, it must hold the bundles, the WASM grammars,
// the docs and snippets — and no node_modules, no native modules, no sources.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { repoRoot } from './helpers/engine';
import { TestClient } from './helpers/lspClient';

const scratch = mkdtempSync(path.join(tmpdir(), 'ag-vsix-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface ZipEntry {
  name: string;
  data(): Buffer;
}

/** Entries from a zip's central directory (signature 0x02014b50), with their contents on demand. */
function zipEntries(zip: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x06054b50) continue;
    let offset = zip.readUInt32LE(i + 16);
    const count = zip.readUInt16LE(i + 10);
    for (let n = 0; n < count; n++) {
      assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'central directory entry');
      const nameLength = zip.readUInt16LE(offset + 28);
      const extraLength = zip.readUInt16LE(offset + 30);
      const commentLength = zip.readUInt16LE(offset + 32);
      const method = zip.readUInt16LE(offset + 10);
      const compressedSize = zip.readUInt32LE(offset + 20);
      const localHeader = zip.readUInt32LE(offset + 42);
      entries.push({
        name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
        data() {
          const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
          const raw = zip.subarray(start, start + compressedSize);
          return method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
        },
      });
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }
  throw new Error('not a zip file');
}

describe('the .vsix package', () => {
  const out = path.join(scratch, 'test.vsix');
  let entries: ZipEntry[] = [];

  it('holds what the extension needs and nothing native', () => {
    const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    entries = zipEntries(readFileSync(out));
    const names = entries.map((e) => e.name);
    for (const needed of [
      'extension/package.json',
      'extension/dist/client.js',
      'extension/dist/server.js',
      'extension/dist/tree-sitter.wasm',
      'extension/dist/tree-sitter-python.wasm',
      'extension/dist/lib.es2023.d.ts',
      'extension/dist/lib.dom.d.ts',
      'extension/docs/rules/blocking-call-in-async.md',
      'extension/docs/rules/untracked-task.md',
      'extension/snippets/python.json',
    ]) {
      assert.ok(names.includes(needed), `${needed} missing from the .vsix`);
    }
    assert.deepEqual(names.filter((e) => e.includes('node_modules/') || e.endsWith('.node') || (e.endsWith('.ts') && !/\/dist\/lib\.[\w.]*\.d\.ts$/.test(e)) || e.includes('/test/')), []);
  });

  it('its server, unpacked as VS Code would, analyses Python with the shipped WASM grammar', async () => {
    assert.ok(entries.length > 0, 'the package was built');
    const unpacked = path.join(scratch, 'unpacked');
    for (const entry of entries.filter((e) => e.name.startsWith('extension/'))) {
      const target = path.join(unpacked, entry.name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, entry.data());
    }
    const client = await TestClient.start({ serverPath: path.join(unpacked, 'extension', 'dist', 'server.js') });
    try {
      const uri = await client.open('packaged.py', 'python', 'import time\n\nasync def f() -> None:\n    time.sleep(1)\n');
      const diagnostics = await client.diagnostics(uri);
      assert.deepEqual(diagnostics.map((d) => d.code), ['blocking-call-in-async']);
      assert.match(diagnostics[0].codeDescription?.href ?? '', /unpacked\/extension\/docs\/rules\/blocking-call-in-async\.md$/);
      // Only the type-aware check knows that `later()` returns a promise: it needs the shipped lib.*.d.ts files.
      const tsUri = await client.open('packaged.ts', 'typescript', 'function later(): Promise<number> {\n  return Promise.resolve(1);\n}\n\nexport async function run(): Promise<void> {\n  later();\n}\n');
      const tsCodes = (await client.diagnostics(tsUri)).map((d) => d.code);
      assert.ok(tsCodes.includes('untracked-task'), tsCodes.join(', '));
    } finally {
      await client.stop();
    }
  });
});
