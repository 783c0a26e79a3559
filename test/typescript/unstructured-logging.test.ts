// unstructured-logging for TypeScript/JavaScript (preview): which files are tests, preview gating.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTestFile } from '../../server/src/languages/typescript/checks/unstructured-logging';
import { ruleFindings } from './fix-helpers';

const RULE = 'unstructured-logging';

describe('unstructured-logging (TypeScript)', () => {
  it('is off unless preview rules are on (or the rule is named)', async () => {
    const text = 'export function f(id: string): void {\n  console.log(id);\n}\n';
    assert.equal((await ruleFindings(RULE, text, '/repo/src/a.ts', {})).length, 0);
    assert.equal((await ruleFindings(RULE, text, '/repo/src/a.ts', { preview: true })).length, 1);
    assert.equal((await ruleFindings(RULE, text, '/repo/src/a.ts', { rules: { [RULE]: 'warning' } })).length, 1);
  });

  it('tells test files apart', () => {
    assert.ok(isTestFile('/repo/src/orders.test.ts'));
    assert.ok(isTestFile('/repo/src/orders.spec.tsx'));
    assert.ok(isTestFile('/repo/test/orders.ts'));
    assert.ok(isTestFile('/repo/src/__tests__/orders.ts'));
    assert.ok(isTestFile('/repo/test/fixtures/cases/test/orders.ts'));
    assert.ok(!isTestFile('/repo/test/fixtures/service/orders.ts'));
    assert.ok(!isTestFile('/repo/src/testing-utils.ts'));
    assert.ok(!isTestFile('/repo/src/contest/orders.ts'));
  });

  it('sits on console.log and on the interpolated message, and offers no fix', async () => {
    const text = 'declare const logger: { info(m: string): void };\nexport function f(id: string): void {\n  console.log(id);\n  logger.info(`placed ${id}`);\n}\n';
    const found = await ruleFindings(RULE, text, '/repo/src/orders.ts');
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['console.log', '`placed ${id}`']);
    assert.ok(found.every((f) => f.fixes === undefined));
  });
});
