// Type-aware findings are reused across edits inside function bodies whose signature cannot change
// (see server/src/languages/typescript/incremental.ts). After every edit of a long seeded random
// sequence, the incremental findings must equal those of an analysis that reuses nothing.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import { forgetIncremental, incrementalStats } from '../../server/src/languages/typescript/incremental';
import { projects } from '../../server/src/languages/typescript/pack';
import { testEngine } from '../helpers/engine';
import { bodyOffsets, normalizedFindings, referenceEngine, serveReferenceEngine } from '../helpers/incremental';
import { seeded as random } from '../reliability/support';

const BASE = [
  'declare function load(id: string, init?: { signal?: AbortSignal }): Promise<number>;',
  'declare function save(value: number): Promise<void>;',
  'declare function on(listener: () => void): void;',
  'let counter: number | undefined = 0;',
  'const started = load("boot");',
  '',
  'export async function annotated(ids: string[], signal: AbortSignal): Promise<number> {',
  '  const first = load(ids[0]);',
  '  await load("a");',
  '  save(1);',
  '  ids.forEach(async (id) => { await load(id); });',
  '  if (load("b")) { counter = 1; }',
  '  return await first;',
  '}',
  '',
  'export async function inferred(signal?: AbortSignal) {',
  '  const value = await load("c");',
  '  save(value);',
  '  return value;',
  '}',
  '',
  'function plain(flag: boolean): void {',
  '  const pending = save(2);',
  '  on(async () => { await save(3); });',
  '  if (flag) { void started; }',
  '}',
  '',
  'function loose(p: string | undefined) {',
  '  if (p) { on(() => { console.log(p.length); }); }',
  '  return p;',
  '}',
  '',
  'export const arrow = async (signal: AbortSignal): Promise<void> => {',
  '  load("d");',
  '  try { return save(4); } finally { counter = undefined; }',
  '};',
  '',
  'export class Store {',
  '  private value = 0;',
  '  constructor(private readonly name: string) {',
  '    save(5);',
  '  }',
  '  async get(signal: AbortSignal): Promise<number> {',
  '    load(this.name);',
  '    return this.value;',
  '  }',
  '  set current(next: number) {',
  '    this.value = next;',
  '    save(next);',
  '  }',
  '  handler = (): void => {',
  '    save(this.value);',
  '  };',
  '}',
  '',
  'namespace Inner {',
  '  export function helper(): Promise<void> {',
  '    return save(6);',
  '  }',
  '}',
  '',
].join('\n');

const SNIPPETS = [
  'save(7);',
  'load("x", {});',
  'await load("y");',
  'const later = load("z");',
  'later;',
  'counter = 2;',
  'if (save(8)) {}',
  'started;',
  'p = undefined;',
  '{',
  '}',
  '(',
  '"',
  '/*',
  '`',
  'import("./other");',
  'return 1;',
  ' ',
  '\n',
  'x',
];

serveReferenceEngine(async (request) => {
  const engine = await testEngine();
  forgetIncremental(projects.nameOf(request.fileName));
  return normalizedFindings(engine.analyze(request).findings);
});

describe('incremental type-aware findings', { skip: !isMainThread }, () => {
  it('equal a fresh analysis after each of 240 random edits', async () => {
    const engine = await testEngine();
    const next = random(20240607);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const editedName = 'incremental-edited.ts';
    const reference = referenceEngine(__filename);
    let text = BASE;
    engine.analyze({ text, fileName: editedName });
    const reusedBefore = incrementalStats.reused;
    for (let step = 0; step < 240; step++) {
      const roll = next();
      if (step % 60 === 59) {
        text = BASE;
      } else if (roll < 0.45) {
        // Typing a statement into a body, one character at a time.
        const at = pick(bodyOffsets(text));
        const snippet = `  ${pick(SNIPPETS)}\n`;
        for (let i = 1; i <= snippet.length && step < 240; i++) {
          text = text.slice(0, at) + snippet.slice(0, i) + text.slice(at + i - 1);
          if (i < snippet.length) {
            await compare(text, step);
            step++;
          }
        }
      } else if (roll < 0.7) {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
      } else {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 5)));
      }
      await compare(text, step);
    }
    await reference.stop();
    assert.ok(incrementalStats.reused - reusedBefore > 100, `findings were reused ${incrementalStats.reused - reusedBefore} times`);

    async function compare(current: string, step: number): Promise<void> {
      const incremental = engine.analyze({ text: current, fileName: editedName });
      assert.deepEqual(incremental.internalErrors, []);
      assert.deepEqual(normalizedFindings(incremental.findings), await reference.analyze(current, editedName), `step ${step}, text:\n${current}`);
    }
  });

  it('falls back when another file of the project changes', async () => {
    const engine = await testEngine();
    const text = 'export async function f(): Promise<void> {\n  g();\n}\nasync function g(): Promise<void> {}\n';
    engine.analyze({ text, fileName: 'incremental-other-a.ts' });
    engine.analyze({ text: 'export const x = 1;\n', fileName: 'incremental-other-b.ts' });
    const before = incrementalStats.reused;
    const edited = text.replace('  g();', '  g(); ');
    const found = engine.analyze({ text: edited, fileName: 'incremental-other-a.ts' }).findings;
    assert.equal(incrementalStats.reused, before, 'no reuse after another file changed');
    assert.deepEqual(found.map((f) => f.ruleId), ['untracked-task']);
  });
});
