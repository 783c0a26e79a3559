// Findings are reused across edits inside one function body (server/src/languages/python/incremental.ts).
// After every edit of long seeded random sequences, over every Python rule fixture and the bench's
// 5,000-line file, the incremental result must equal a full analysis's (fresh parse, nothing reused):
// the same findings, fixes and order.
import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import * as util from 'node:util';
import { generateBigFiles } from '../../bench/corpus';
import type { AnalysisResult, Engine } from '../../server/src/engine/engine';
import { incrementalOptions, incrementalStats } from '../../server/src/languages/python/incremental';
import { repoRoot, testEngine } from '../helpers/engine';
import { int, pick, type Random, seeded } from '../reliability/support';

/** Typed text: characters, keywords that change what a body is, brackets, indentation. */
const SNIPPETS = [
  'a',
  'x',
  '_',
  ' ',
  '(',
  ')',
  '[',
  ']',
  ':',
  '.',
  ',',
  '=',
  '"',
  "'",
  '#',
  '\n',
  '\n    ',
  '\n        ',
  '\t',
  'await ',
  'async ',
  'yield',
  'yield x',
  'global g\n    ',
  'nonlocal n\n    ',
  'import os\n    ',
  'from time import sleep\n    ',
  'time.sleep(1)',
  'sleep(2)',
  'asyncio.create_task(work())',
  'requests.get(url)',
  'asyncio.run(main())',
  'def ',
  'def f():\n        ',
  'class C:\n    ',
  'lambda: ',
  'try:\n        pass\n    except Exception:\n        pass\n    ',
  'except BaseException:\n        pass\n',
  '# SYNC EXCEPTION HANDLER: x',
  'return ',
  'self.',
  'logger.info(f"saved {a}")',
  'log.warning("n=%d" % n)',
  'print(a)',
  'await asyncio.gather(f(), g())',
  'a, b = await asyncio.gather(f(), g())',
  'asyncio.wait([f()])',
  'except Exception as e:\n        logger.error("failed")\n',
  'def h(a, b=1, *c, **d):\n        ',
  '-> None',
  ': int',
];

/** The rules that reuse findings (`focusable`): each must have done so in these tests. */
const FOCUSABLE = [
  'blocking-call-in-async',
  'missing-timeout',
  'missing-type-hints',
  'nested-event-loop',
  'prefer-task-group',
  'swallowed-exception',
  'unawaited-coroutine',
  'unstructured-logging',
];

/** Offsets inside indented lines (mostly function bodies) are picked three times in four. */
function offsetIn(random: Random, text: string): number {
  if (text.length === 0) return 0;
  if (random() < 0.75) {
    for (let tries = 0; tries < 8; tries++) {
      const at = int(random, text.length);
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      if (text.startsWith(' ', lineStart) || text.startsWith('\t', lineStart)) return at;
    }
  }
  return int(random, text.length + 1);
}

function randomEdit(random: Random, text: string): string {
  const at = offsetIn(random, text);
  const roll = random();
  if (roll < 0.3) return text.slice(0, at) + text.slice(at + 1);
  if (roll < 0.38) return text.slice(0, at) + text.slice(at + 1 + int(random, 12));
  return text.slice(0, at) + pick(random, SNIPPETS) + text.slice(at);
}

function plain(result: AnalysisResult): unknown {
  return {
    findings: result.findings.map((f) => ({ ...f })),
    skipped: result.skipped,
    errors: result.internalErrors,
  };
}

function analyzeIn(mode: 'full' | 'fresh', engine: Engine, fileName: string, text: string): AnalysisResult {
  incrementalOptions.mode = mode;
  try {
    return engine.analyze({ fileName, text });
  } finally {
    incrementalOptions.mode = 'reuse';
  }
}

/**
 * Texts whose incremental re-parse (from the previous tree) gave other findings than a parse from
 * scratch: tree-sitter's own incremental parsing, not the reuse of findings tested here.
 */
const reparseDifferences: string[] = [];

/** Applies `edits` seeded random edits to `original`, comparing after each; returns the edits' count. */
function checkSequence(engine: Engine, fileName: string, original: string, seed: number, edits: number): void {
  const random = seeded(seed);
  engine.forget(fileName);
  let text = original;
  engine.analyze({ fileName, text });
  for (let i = 0; i < edits; i++) {
    // Now and then back to the original (a large edit), so the text stays mostly Python.
    text = random() < 0.04 ? original : randomEdit(random, text);
    const incremental = engine.analyze({ fileName, text });
    const fresh = analyzeIn('fresh', engine, fileName, text);
    if (util.isDeepStrictEqual(plain(incremental), plain(fresh))) continue;
    // Then the same parse as the incremental analysis, with nothing reused, must give its result.
    const full = analyzeIn('full', engine, fileName, text);
    assert.deepEqual(plain(incremental), plain(full), `${fileName}, seed ${seed}, edit ${i}`);
    reparseDifferences.push(`${path.basename(fileName)} seed ${seed} edit ${i}`);
  }
  engine.forget(fileName);
}

function pythonFixtures(): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (/\.pyi?$/.test(name) && full.split(path.sep).includes('python')) out.push(full);
    }
  };
  visit(path.join(repoRoot, 'test', 'fixtures', 'rules'));
  return out;
}

describe('python findings reuse across edits', () => {
  after(() => {
    if (reparseDifferences.length > 0) console.log(`re-parse differs from a fresh parse (tree-sitter, not reuse): ${reparseDifferences.length}: ${reparseDifferences.slice(0, 5).join('; ')}`);
  });

  it('equals a full analysis after every random edit of every Python rule fixture', async () => {
    const engine = await testEngine();
    const fixtures = pythonFixtures();
    assert.ok(fixtures.length > 20);
    const before = incrementalStats.reused;
    for (const [index, file] of fixtures.entries()) {
      const text = await readFile(file, 'utf8');
      checkSequence(engine, file, text, 1000 + index, 200);
    }
    assert.ok(incrementalStats.reused - before > 100, `reused ${incrementalStats.reused - before} times`);
  });

  it('reuses the findings of every focusable rule (and of no other)', async () => {
    const engine = await testEngine();
    const reused = incrementalStats.reusedByRule;
    if (reused.size === 0) {
      // Run on its own: edit a few fixtures first.
      for (const [index, file] of pythonFixtures().slice(0, 10).entries()) checkSequence(engine, file, await readFile(file, 'utf8'), 3000 + index, 60);
    }
    assert.deepEqual([...reused.keys()].sort(), FOCUSABLE);
    for (const id of FOCUSABLE) assert.ok((reused.get(id) ?? 0) > 20, `${id} reused ${reused.get(id) ?? 0} times`);
  });

  it("equals a full analysis after every random edit of the bench's 5,000-line file", async () => {
    const engine = await testEngine();
    const dir = await mkdtemp(path.join(tmpdir(), 'py-inc-findings-'));
    let text: string;
    try {
      text = await readFile((await generateBigFiles(dir, 5000)).python, 'utf8');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const before = incrementalStats.reused;
    checkSequence(engine, path.join(dir, 'big_service.py'), text, 77, 100);
    assert.ok(incrementalStats.reused - before > 20, `reused ${incrementalStats.reused - before} times`);
  });
});
