// Incremental parsing: the change range our script snapshots give the compiler, and the pack's own
// parse updating its previous (disposed) tree of a file, must give what a fresh parse gives.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { SourceText } from '../../server/src/engine/sourceText';
import typescriptPack from '../../server/src/languages/typescript/pack';
import { changeRange } from '../../server/src/languages/typescript/project/project';
import { seeded as random } from '../reliability/support';

/** The common prefix and suffix, one character at a time. */
function naiveRange(before: string, after: string): { start: number; length: number; newLength: number } {
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return { start: prefix, length: before.length - prefix - suffix, newLength: after.length - prefix - suffix };
}

/** Every node's kind and span, in order: two trees of the same text must agree on all. */
function dump(sourceFile: ts.SourceFile): string {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    out.push(`${node.kind}:${node.pos}-${node.end}${node.parent === undefined && node !== sourceFile ? '!' : ''}`);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return out.join(' ');
}

const SAMPLE = 'export async function f(a: string): Promise<void> {\n  await g(a);\n  const x = [1, 2, 3];\n}\n// tail\n'.repeat(40);

describe('incremental parse', () => {
  it('change ranges equal the character-by-character common prefix and suffix', () => {
    const next = random(99);
    for (let i = 0; i < 400; i++) {
      const base = i % 2 === 0 ? SAMPLE : 'a'.repeat(Math.floor(next() * 2000));
      const at = Math.floor(next() * (base.length + 1));
      const removed = Math.floor(next() * 4);
      const inserted = ['', 'a', 'x', '{', '}\n', 'aaaa'.repeat(Math.floor(next() * 100))][Math.floor(next() * 6)];
      const after = base.slice(0, at) + inserted + base.slice(at + removed);
      const range = changeRange(base, after);
      assert.deepEqual({ start: range.span.start, length: range.span.length, newLength: range.newLength }, base === after ? { start: 0, length: 0, newLength: 0 } : naiveRange(base, after));
    }
  });

  it("the pack's own parse of an edited file equals a fresh parse", () => {
    const next = random(7);
    let text = SAMPLE;
    const fileName = 'incremental-parse-own.ts';
    for (let i = 0; i < 150; i++) {
      const at = Math.floor(next() * text.length);
      const piece = ['{', '}', '(', '"', '/*', 'async ', 'x', '\n', ''][Math.floor(next() * 9)];
      text = text.slice(0, at) + piece + text.slice(at + Math.floor(next() * 3));
      const parsed = typescriptPack.parse(new SourceText(text), fileName);
      const fresh = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      assert.equal(dump(parsed.sourceFile), dump(fresh), `edit ${i}`);
      typescriptPack.dispose(parsed);
    }
  });

  it('never updates a tree whose parse is still in use', () => {
    const fileName = 'incremental-parse-held.ts';
    const first = typescriptPack.parse(new SourceText(SAMPLE), fileName);
    typescriptPack.dispose(first);
    const held = typescriptPack.parse(new SourceText(`${SAMPLE}const y = 1;\n`), fileName);
    const shape = dump(held.sourceFile);
    // Not disposed: the next parse must leave it alone.
    typescriptPack.parse(new SourceText(`// head\n${SAMPLE}`), fileName);
    assert.equal(dump(held.sourceFile), shape);
  });
});
