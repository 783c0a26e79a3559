// The Python pack re-parses a file it parsed before incrementally (the previous tree, edited):
// the tree must be the one a fresh parse gives, and the kept trees must not leak WASM memory.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Parser, Tree } from 'web-tree-sitter';
import { SourceText } from '../../server/src/engine/sourceText';
import { pythonFacts } from '../../server/src/languages/python/facts/facts';
import pythonPack, { editBetween, keptTreeFiles } from '../../server/src/languages/python/pack';
import { repoRoot, testEngine } from '../helpers/engine';
import { seeded as random } from '../reliability/support';

/**
 * The tree-sitter WASM memory, caught as the runtime creates it (this test file runs
 * in a process of its own, and the engine is created after this hook is in place).
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type MemoryClass = new (descriptor: object) => WasmMemory;
// The compiler's lib for this project has no WebAssembly types: name the little used here.
const wasm = (globalThis as unknown as { WebAssembly: { Memory: MemoryClass } }).WebAssembly;
let wasmMemory: WasmMemory | undefined;
const OriginalMemory = wasm.Memory;
wasm.Memory = class extends OriginalMemory {
  constructor(descriptor: object) {
    super(descriptor);
    wasmMemory ??= this;
  }
};

/** Trees created (parse, copy) minus trees deleted: what the pack holds in WASM memory. */
let liveTrees = 0;
const originalParse = Parser.prototype.parse;
Parser.prototype.parse = function parse(this: Parser, ...args: Parameters<Parser['parse']>): Tree | null {
  const tree = originalParse.apply(this, args);
  if (tree !== null) liveTrees++;
  return tree;
};
const originalCopy = Tree.prototype.copy;
Tree.prototype.copy = function copy(this: Tree): Tree {
  liveTrees++;
  return originalCopy.call(this);
};
const originalDelete = Tree.prototype.delete;
Tree.prototype.delete = function remove(this: Tree): void {
  liveTrees--;
  originalDelete.call(this);
};

/** Real Python to edit: the Python rule fixtures, joined (about `size` characters). */
function corpus(size: number): string {
  const root = path.join(repoRoot, 'test', 'fixtures', 'rules');
  const parts: string[] = [];
  for (const rule of readdirSync(root).sort()) {
    const dir = path.join(root, rule, 'python');
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith('.py')) parts.push(readFileSync(path.join(dir, name), 'utf8'));
    if (parts.join('\n').length >= size) break;
  }
  return parts.join('\n').slice(0, size);
}

const SNIPPETS = ['\n', '    ', 'await ', 'async ', '(', ')', ':', 'x', 'def f(a):\n    return a\n', '"""', "'", '#', '\\', 'é', '😀', 'try:\n', 'except:\n    pass\n', ']', '{'];

/** One edit as a person (or a paste) makes it: insert, delete or replace a small range. */
function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const kind = r();
  if (kind < 0.45) return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
  const end = Math.min(text.length, at + 1 + Math.floor(r() * 12));
  if (kind < 0.8) return text.slice(0, at) + text.slice(end);
  return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(end);
}

function treeOf(text: string, fileName: string): string {
  const parsed = pythonPack.parse(new SourceText(text), fileName);
  try {
    return parsed.root.toString();
  } finally {
    pythonPack.dispose(parsed);
  }
}

describe('Python incremental re-parse', () => {
  before(async () => {
    await testEngine();
  });

  it('computes the edit between two texts from their common prefix and suffix', () => {
    const edit = editBetween('ab\ncd\nef', 'ab\ncXYd\nef');
    assert.deepEqual(edit, {
      startIndex: 4,
      oldEndIndex: 4,
      newEndIndex: 6,
      startPosition: { row: 1, column: 1 },
      oldEndPosition: { row: 1, column: 1 },
      newEndPosition: { row: 1, column: 3 },
    });
    const removed = editBetween('a\nb\nc', 'a\nc');
    assert.equal(removed.startIndex, 2);
    assert.equal(removed.oldEndIndex, 4);
    assert.equal(removed.newEndIndex, 2);
    assert.deepEqual(removed.oldEndPosition, { row: 2, column: 0 });
    // Never splits a surrogate pair.
    const emoji = editBetween('x😀y', 'x😁y');
    assert.equal(emoji.startIndex, 1);
    assert.equal(emoji.oldEndIndex, 3);
  });

  it('gives the same tree as a fresh parse over many random edits', () => {
    const r = random(7);
    let text = corpus(6_000);
    const fileName = 'incremental.py';
    treeOf(text, fileName);
    for (let i = 0; i < 300; i++) {
      text = mutate(text, r);
      const incremental = treeOf(text, fileName);
      const fresh = treeOf(text, `fresh-${i}.py`);
      pythonPack.forget?.(`fresh-${i}.py`);
      assert.equal(incremental, fresh, `edit ${i} gave a different tree`);
    }
    pythonPack.forget?.(fileName);
  });

  it('gives the same findings as a fresh analysis after edits', async () => {
    const engine = await testEngine();
    const r = random(11);
    let text = corpus(4_000);
    for (let i = 0; i < 40; i++) {
      text = mutate(text, r);
      const incremental = engine.analyze({ text, fileName: 'edited.py' });
      const fresh = engine.analyze({ text, fileName: `edited-fresh-${i}.py` });
      pythonPack.forget?.(`edited-fresh-${i}.py`);
      const describeAll = (result: typeof fresh): string[] => result.findings.map((f) => `${f.ruleId}@${f.start}-${f.end}: ${f.message}`);
      assert.deepEqual(describeAll(incremental), describeAll(fresh), `edit ${i}`);
    }
    pythonPack.forget?.('edited.py');
  });

  it('reuses an unchanged tree and frees it when the file is forgotten', () => {
    const text = 'async def f():\n    await g()\n';
    const first = pythonPack.parse(new SourceText(text), 'same.py');
    const second = pythonPack.parse(new SourceText(text), 'same.py');
    assert.equal(first.root.toString(), second.root.toString());
    assert.equal(pythonFacts(second).suspensions.length, 1);
    pythonPack.dispose(first);
    pythonPack.dispose(second);
    assert.ok(keptTreeFiles().includes('same.py'));
    pythonPack.forget?.('same.py');
    assert.ok(!keptTreeFiles().includes('same.py'));
  });

  it('keeps the trees of a bounded number of files', () => {
    for (let i = 0; i < 40; i++) treeOf(`x = ${i}\n`, `many-${i}.py`);
    const kept = keptTreeFiles();
    assert.ok(kept.length <= 16, `${kept.length} trees kept`);
    assert.ok(kept.includes('many-39.py'));
    assert.ok(!kept.includes('many-0.py'));
    for (const name of kept) pythonPack.forget?.(name);
    assert.equal(keptTreeFiles().length, 0);
  });

  it('does not grow memory over 2,000 alternating edits', () => {
    const base = corpus(3_000);
    const middle = Math.floor(base.length / 2);
    const variants = [base, `${base.slice(0, middle)}\nx = 1\n${base.slice(middle)}`];
    const run = (count: number): void => {
      for (let i = 0; i < count; i++) {
        const parsed = pythonPack.parse(new SourceText(variants[i % 2]), 'alternating.py');
        pythonFacts(parsed);
        pythonPack.structure(parsed);
        pythonPack.dispose(parsed);
      }
    };
    run(200);
    assert.ok(wasmMemory !== undefined, 'the WASM memory was not found');
    const memoryBefore = wasmMemory.buffer.byteLength;
    const treesBefore = liveTrees;
    run(2_000);
    // Every parse's tree is freed; only the one kept for the next parse lives on.
    assert.equal(liveTrees, treesBefore);
    // WASM memory only grows: leaked trees would show here.
    const grown = wasmMemory.buffer.byteLength - memoryBefore;
    assert.ok(grown < 2 * 1024 * 1024, `the WASM memory grew by ${grown} bytes`);
    pythonPack.forget?.('alternating.py');
    assert.equal(liveTrees, treesBefore - 1);
  });
});
