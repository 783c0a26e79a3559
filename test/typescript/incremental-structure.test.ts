// The structure walk (comments and depth) reuses the previous analysis outside an edited stable
// function body (see server/src/languages/typescript/incremental.ts structureOf). After every edit
// of a long seeded random sequence, it must equal a full walk of a freshly parsed tree.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { SourceText } from '../../server/src/engine/sourceText';
import { walkStructure } from '../../server/src/languages/typescript/facts/comments';
import { incrementalStats } from '../../server/src/languages/typescript/incremental';
import typescriptPack from '../../server/src/languages/typescript/pack';
import { seeded as random } from '../reliability/support';

const BASE = [
  '// A header comment.',
  '/* a block */ import { readFileSync } from "node:fs";',
  '',
  'export async function first(ids: string[]): Promise<number> { // trailing',
  '  // async-guardrails: ignore[blocking-call-in-async]',
  '  readFileSync("a"); /* after */',
  '  if (ids.length > 0) { if (ids[0]) { if (ids[1]) { return [[[1]]][0][0][0]; } } }',
  '  return 0;',
  '}',
  '',
  '/** JSDoc of second. */',
  'function second(flag: boolean): void /* before the body */ {',
  '  const text = "// not a comment";',
  '  const re = /\\/\\/ nor this/;',
  '  const tpl = `/* nor ${flag ? "this" : "that"} */`;',
  '}',
  '',
  'function loose(p: string) {',
  '  // inferred return type: never reused',
  '  return p;',
  '}',
  '',
  'export class Store {',
  '  /* member comment */',
  '  get(key: string): string | undefined {',
  '    // inside a method',
  '    return key.length > 1 ? key : undefined;',
  '  }',
  '  set value(next: number) {',
  '    void next; // set accessor',
  '  }',
  '}',
  '',
  'namespace Inner {',
  '  export function helper(): number {',
  '    return ((((((1))))));',
  '  }',
  '}',
  '// The end.',
  '',
].join('\n');

const SNIPPETS = ['// note', '/* block */', '/** doc */', '/*', '*/', '//', '{', '}', '(', ')', '[[[[1]]]]', 'f(g(h(1)));', '"', '`', '\n', ' ', 'x', 'const a = () => { /* in */ };'];

/** Offsets just inside the function bodies of `text` (after a `{` that ends a line). */
function bodyOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('{\n'); i >= 0; i = text.indexOf('{\n', i + 1)) out.push(i + 2);
  return out;
}

/** The offsets of bodyOffsets whose line looks like an annotated signature (mostly stable bodies). */
function annotatedBodyOffsets(text: string): number[] {
  const out = bodyOffsets(text).filter((at) => /\)\s*:[^{]*\{\n$|\bset \w+\(/.test(text.slice(text.lastIndexOf('\n', at - 2) + 1, at)));
  return out.length > 0 ? out : bodyOffsets(text);
}

function fresh(text: string, fileName: string): { comments: { start: number; end: number; text: string }[]; depth: number } {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const { comments, depth } = walkStructure(sourceFile);
  return { comments: comments.map(({ start, end }) => ({ start, end, text: text.slice(start, end) })), depth };
}

describe('incremental structure walk', () => {
  it('equals a full walk after each of 400 random edits', () => {
    const next = random(7_2026);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const fileName = 'incremental-structure.ts';
    const analyse = (text: string): { comments: { start: number; end: number; text: string }[]; depth: number } => {
      const parsed = typescriptPack.parse(new SourceText(text), fileName);
      return typescriptPack.structure(parsed);
    };
    let text = BASE;
    analyse(text);
    const reusedBefore = incrementalStats.structureReused;
    let steps = 0;
    const compare = (): void => {
      assert.deepEqual(analyse(text), fresh(text, fileName), `step ${steps}, text:\n${text}`);
      steps++;
    };
    while (steps < 400) {
      const roll = next();
      if (steps % 100 === 99) {
        text = BASE;
        compare();
      } else if (roll < 0.8) {
        // Typing into a body, one character at a time, then erasing it again.
        const at = pick(next() < 0.8 ? annotatedBodyOffsets(text) : bodyOffsets(text));
        const snippet = `  ${pick(SNIPPETS)}\n`;
        for (let i = 1; i <= snippet.length; i++) {
          text = text.slice(0, at) + snippet.slice(0, i) + text.slice(at + i - 1);
          compare();
        }
        for (let i = snippet.length - 1; i >= 0 && next() < 0.8; i--) {
          text = text.slice(0, at + i) + text.slice(at + i + 1);
          compare();
        }
      } else if (roll < 0.9) {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
        compare();
      } else {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 5)));
        compare();
      }
    }
    const reused = incrementalStats.structureReused - reusedBefore;
    assert.ok(reused > 100, `the structure was reused ${reused} times`);
  });

  it('reports a depth over the limit the same way after an edit deep inside a body', () => {
    const fileName = 'incremental-structure-deep.ts';
    const nested = (levels: number): string => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    // 260 levels (tree depth ≈ 530) under the limit; the edit nests 260 more (≈ 1,050) over it.
    // Not deeper: 1,100 levels overflowed the TypeScript parser's stack now and then.
    const before = `export function deep(): unknown {\n  return ${nested(260)};\n}\nexport function other(): void {\n  /* c */\n}\n`;
    const after = before.replace('1]', `${nested(260)}]`);
    for (const text of [before, after, before]) {
      const parsed = typescriptPack.parse(new SourceText(text), fileName);
      assert.deepEqual(typescriptPack.structure(parsed), fresh(text, fileName));
    }
  });
});
