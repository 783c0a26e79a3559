// unlabelled-sync-bridge for TypeScript/JavaScript: the label fix and the allowedModules option.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesModule } from '../../server/src/engine/moduleGlobs';
import { checkFix, checkFixAllIdempotent, ruleFindings, type FixCase } from './fix-helpers';

const RULE = 'unlabelled-sync-bridge';
const LABEL = '// SYNC EXCEPTION HANDLER: <why sync is unavoidable>';

const cases: FixCase[] = [
  {
    name: 'a statement inside a function keeps its indentation',
    input: 'import { Worker } from "worker_threads";\nfunction f() {\n    return new Worker("w.js");\n}\n',
    expected: `import { Worker } from "worker_threads";\nfunction f() {\n    ${LABEL}\n    return new Worker("w.js");\n}\n`,
    safety: 'safe',
  },
  {
    name: 'a multi-line statement gets the label above its first line',
    input: 'import Piscina from "piscina";\nexport const pool =\n  new Piscina({\n    filename: "x.js",\n  });\n',
    expected: `import Piscina from "piscina";\n${LABEL}\nexport const pool =\n  new Piscina({\n    filename: "x.js",\n  });\n`,
    safety: 'safe',
  },
  {
    name: 'CRLF',
    input: 'const { Worker } = require("node:worker_threads");\r\nnew Worker("w.js");\r\n',
    fileName: 'example.js',
    expected: `const { Worker } = require("node:worker_threads");\r\n${LABEL}\r\nnew Worker("w.js");\r\n`,
    safety: 'safe',
  },
];

describe('unlabelled-sync-bridge (TypeScript) fixes', () => {
  for (const c of cases) it(c.name, () => checkFix(RULE, c));

  it('no fix when the statement does not start its line', async () => {
    const found = await ruleFindings(RULE, 'import { Worker } from "worker_threads";\nlet a = 1; new Worker("w.js");\n');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].fixes, []);
  });

  it('fix-all (safe) labels every bridge once and is idempotent', async () => {
    const fixed = await checkFixAllIdempotent(RULE, 'import { Worker } from "worker_threads";\nnew Worker("a.js");\nnew Worker("b.js");\n', 'example.ts', false);
    assert.equal(fixed, `import { Worker } from "worker_threads";\n${LABEL}\nnew Worker("a.js");\n${LABEL}\nnew Worker("b.js");\n`);
  });

  it('sits on `new Worker`', async () => {
    const text = 'import { Worker } from "worker_threads";\nnew Worker("a.js", { workerData: 1 });\n';
    const [finding] = await ruleFindings(RULE, text);
    assert.equal(text.slice(finding.start, finding.end), 'new Worker');
  });
});

describe('unlabelled-sync-bridge (TypeScript) allowedModules', () => {
  const text = '// SYNC EXCEPTION HANDLER: labelled\nimport { Worker } from "worker_threads";\nexport const w = new Worker("a.js");\n';
  const settings = (patterns: string[]) => ({ ruleOptions: { 'unlabelled-sync-bridge': { allowedModules: patterns } } });

  it('a labelled bridge outside the allowed modules is flagged, without a fix', async () => {
    const found = await ruleFindings(RULE, text, '/repo/src/api/handler.ts', settings(['src/workers/**']));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /allowedModules/);
    assert.equal(found[0].fixes, undefined);
  });

  it('inside the allowed modules the label decides', async () => {
    assert.equal((await ruleFindings(RULE, text, '/repo/src/workers/hash.ts', settings(['src/workers/**']))).length, 0);
    const unlabelled = text.split('\n').slice(1).join('\n');
    assert.equal((await ruleFindings(RULE, unlabelled, '/repo/src/workers/hash.ts', settings(['src/workers/**']))).length, 1);
  });

  it('matches the path or any tail of it', () => {
    assert.ok(matchesModule('/repo/src/workers/hash.ts', ['src/workers/*.ts']));
    assert.ok(matchesModule('C:\\repo\\src\\workers\\hash.ts', ['workers/**']));
    assert.ok(matchesModule('/repo/src/hash.worker.ts', ['*.worker.ts']));
    assert.ok(!matchesModule('/repo/src/api/hash.ts', ['src/workers/**']));
  });
});
