// The focusable checks (syntax-only ones included) reuse their findings outside an edited function
// body (see server/src/languages/typescript/incremental.ts). Over every TypeScript rule fixture
// and a 5,000-line generated service file, after each seeded random edit, the incremental findings
// must equal those of an engine that reuses nothing. The edits aim at what could break reuse:
// braces, imports, `var`, declarations, label comments, `async` keywords, unbalanced text.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import type { EngineSettings } from '../../server/src/engine/settings';
import { forgetIncremental, incrementalStats } from '../../server/src/languages/typescript/incremental';
import { projects } from '../../server/src/languages/typescript/pack';
import { repoRoot, testEngine } from '../helpers/engine';
import { bodyOffsets, normalizedFindings, referenceEngine, ruleFixtures, serveReferenceEngine } from '../helpers/incremental';
import { seeded as random } from '../reliability/support';

const SETTINGS: EngineSettings = { preview: true };

/** Statements and fragments typed into bodies (one character at a time) or dropped anywhere. */
const SNIPPETS = [
  'readFileSync("x");',
  'fs.readFileSync(p);',
  'execSync("ls");',
  'const fsp = 1;',
  'let promisify = 2;',
  'var Promise = 3;',
  'var x = 1;',
  'while (Date.now() < end) {}',
  'new Promise(async (resolve) => { resolve(1); });',
  'try { await f(); } catch {}',
  'try { return fetch(u); } catch (e) { log(e); }',
  'p.catch(() => {});',
  '// SYNC EXCEPTION HANDLER: needed',
  '/* SYNC EXCEPTION HANDLER */',
  'new Worker("./w.js");',
  'fetch(url);',
  'axios.defaults.timeout = 5;',
  'for (const x of xs) { await load(x); }',
  'console.log(`a ${b}`);',
  'import("./other");',
  'const r = require("fs");',
  'async ',
  'async function inner() { readFileSync(p); }',
  'function () {',
  '{',
  '}',
  '(',
  ')',
  '"',
  '`',
  '/*',
  '*/',
  '//',
  '\n',
  '\r\n',
  ' ',
  'x',
];

serveReferenceEngine(async (request) => {
  const engine = await testEngine();
  forgetIncremental(projects.nameOf(request.fileName));
  return normalizedFindings(engine.analyze({ ...request, settings: SETTINGS }).findings);
});

/**
 * Applies `steps` seeded edits to `start` (as `fileName`), comparing after each. Returns how many
 * times findings were reused.
 */
async function exercise(fileName: string, start: string, seed: number, steps: number): Promise<number> {
  const engine = await testEngine();
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const reference = referenceEngine(__filename);
  const reusedBefore = incrementalStats.reused;
  let text = start;
  const compare = async (current: string, step: number): Promise<void> => {
    const incremental = engine.analyze({ text: current, fileName, settings: SETTINGS });
    assert.deepEqual(incremental.internalErrors, []);
    assert.deepEqual(normalizedFindings(incremental.findings), await reference.analyze(current, fileName), `${path.basename(fileName)} step ${step}, text:\n${current}`);
  };
  try {
    await compare(text, -1);
    for (let step = 0; step < steps; step++) {
      const roll = next();
      if (roll < 0.55) {
        // Typing a snippet into a body one character at a time (each prefix analysed), then
        // sometimes erasing it again.
        const bodies = bodyOffsets(text);
        const at = pick(bodies.length > 0 ? bodies : [0]);
        const snippet = `  ${pick(SNIPPETS)}\n`;
        for (let i = 1; i <= snippet.length && step < steps; i++, step++) {
          text = text.slice(0, at) + snippet.slice(0, i) + text.slice(at + i - 1);
          await compare(text, step);
        }
        if (next() < 0.4) {
          text = text.slice(0, at) + text.slice(at + snippet.length);
          await compare(text, step);
        }
      } else if (roll < 0.8) {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
      } else {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 5)));
      }
      await compare(text, step);
    }
  } finally {
    await reference.stop();
    forgetIncremental(projects.nameOf(fileName));
  }
  return incrementalStats.reused - reusedBefore;
}

describe('incremental findings of the focusable checks', { skip: !isMainThread }, () => {
  it('equal a fresh analysis after random edits of every TypeScript fixture', async () => {
    let reused = 0;
    const fixtures = ruleFixtures('typescript', /\.(?:ts|tsx|mts|cts)$/);
    assert.ok(fixtures.length > 20, `found ${fixtures.length} fixtures`);
    for (const [i, file] of fixtures.entries()) {
      reused += await exercise(path.join(path.dirname(file), `incremental-${path.basename(file)}`), await readFile(file, 'utf8'), 7000 + i, 16);
    }
    assert.ok(reused > 100, `findings were reused ${reused} times`);
  });

  it('equal a fresh analysis after random edits of a 5,000-line service file', async () => {
    const text = bigServiceFile();
    const reused = await exercise(path.join(repoRoot, 'out', 'incremental-big', 'bigService.ts'), text, 424242, 40);
    assert.ok(reused > 40, `findings were reused ${reused} times`);
  });
});

/** A long file in the shape of the bench's generated services: many annotated async functions. */
function bigServiceFile(): string {
  const lines = [
    'import { readFileSync } from "node:fs";',
    'import { Worker } from "node:worker_threads";',
    'declare function load(id: string, signal?: AbortSignal): Promise<number>;',
    'declare function log(...args: unknown[]): void;',
    '',
  ];
  for (let i = 0; lines.length < 5000; i++) {
    lines.push(
      `export async function handler${i}(ids: readonly string[], signal: AbortSignal): Promise<number> {`,
      '  let total = 0;',
      '  for (const id of ids) {',
      '    total += await load(id, signal);',
      '  }',
      i % 7 === 0 ? '  const config = readFileSync("/etc/config");' : '  const config = "";',
      i % 5 === 0 ? '  try { total += await load("x"); } catch {}' : '  try { total += await load("y"); } catch (error) { log(error); throw error; }',
      i % 11 === 0 ? '  new Worker("./w.js");' : '  log(config);',
      i % 13 === 0 ? '  await new Promise(async (resolve) => { resolve(await load("z")); });' : '  log(total);',
      '  return total;',
      '}',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
