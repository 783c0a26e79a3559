// The TypeScript parser takes exponential time over nested `async function` expressions (see
// server/src/languages/typescript/parserLimits.ts): such a file is not analysed, and such a file
// elsewhere in a project does not stall the analysis of its neighbours. Each test carries a
// timeout: without the guard they run for minutes.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asyncFunctionNesting, MAX_ASYNC_FUNCTION_NESTING } from '../../server/src/languages/typescript/parserLimits';
import { testEngine } from '../helpers/engine';
import { tempProject } from '../helpers/tempProject';

const LIMIT = 100;
const TIMEOUT = { timeout: 120_000 };

/** `levels` nested `async function` expressions passed as arguments, closed or not. */
function nestedArguments(levels: number, closed: boolean): string {
  const open = 'run(async function (signal) {\n'.repeat(levels);
  return `declare function run(f: (s: AbortSignal) => Promise<void>): void;\n${open}  await Promise.resolve(signal);\n${closed ? '});\n'.repeat(levels) : ''}`;
}

describe('TypeScript parser limits', () => {
  describe('asyncFunctionNesting', () => {
    it('counts async function expressions nested in one another, closed or not', () => {
      assert.equal(asyncFunctionNesting(nestedArguments(3, true), LIMIT), 3);
      assert.equal(asyncFunctionNesting(nestedArguments(3, false), LIMIT), 3);
      assert.equal(asyncFunctionNesting('exports.a = async function () {};\nexports.b = async function () {};\n'.repeat(20), LIMIT), 1);
      assert.equal(asyncFunctionNesting('const f = async function* gen() { yield 1; };\n', LIMIT), 1);
      assert.equal(asyncFunctionNesting('x = [async function () { y = async function () {}; }];\n', LIMIT), 2);
    });

    it('does not count declarations, arrows, methods, plain functions, strings or comments', () => {
      const text = [
        'async function a() { async function b() { async function c() {} } }',
        'export async function d() {}',
        'export default async function () {}',
        'run(async (s) => { run(async (t) => { run(async u => {}); }); });',
        'class K { async m() { return async () => 1; } }',
        'run(function () { run(function () {}); });',
        '"async function () {" + `async function () {` // async function () {',
        '/* async function () { async function () { */',
        'const async = 1; async\nfunction e() {}',
      ].join('\n');
      assert.equal(asyncFunctionNesting(`${text}\n`.repeat(20), LIMIT), 0);
    });

    it('parameters with destructuring braces do not count as the body', () => {
      assert.equal(asyncFunctionNesting('run(async function ({ a, b }, { c }) { run(async function ({ d }) {}); });\n'.repeat(15), LIMIT), 2);
    });

    it('stops counting past the limit', () => {
      assert.equal(asyncFunctionNesting(nestedArguments(40, false), 5), 6);
    });
  });

  describe('the engine', () => {
    it(`analyses ${MAX_ASYNC_FUNCTION_NESTING} nested levels, and skips deeper nesting with a clear message`, TIMEOUT, async () => {
      const engine = await testEngine();
      const within = engine.analyze({ text: nestedArguments(MAX_ASYNC_FUNCTION_NESTING, true), fileName: '/virtual/limits/within.ts' });
      assert.equal(within.skipped, undefined);
      const over = engine.analyze({ text: nestedArguments(40, false), fileName: '/virtual/limits/over.ts' });
      assert.match(over.skipped ?? '', /async function` expressions nest over 12 levels deep/);
      assert.deepEqual(over.findings, []);
    });

    it('a neighbour of that shape in the same project is read as empty: the other files are analysed', TIMEOUT, async () => {
      const project = tempProject('ag-parser-limits-');
      project.write('hostile.cjs', `const fs = require("node:fs");\n${'exports.build = async function build(out) {'.repeat(50)}\n`);
      const file = project.write('main.js', 'async function main() {\n  fetch("https://example.com");\n}\nmain();\n');
      const engine = await testEngine();
      const result = engine.analyze({ text: 'async function main() {\n  fetch("https://example.com");\n}\nmain();\n', fileName: file });
      assert.equal(result.skipped, undefined);
      assert.ok(result.findings.some((f) => f.ruleId === 'untracked-task'), JSON.stringify(result.findings.map((f) => f.ruleId)));
      engine.forget(file);
    });
  });
});
