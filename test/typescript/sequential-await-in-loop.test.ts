// sequential-await-in-loop (preview, info): where the finding sits, and a few dependency shapes.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleFindings } from './fix-helpers';

const RULE = 'sequential-await-in-loop';

async function lines(body: string): Promise<number> {
  const text = `declare function get(x: unknown): Promise<number>;\nexport async function f(items: string[], out: Record<string, number>) {\n${body}\n}\n`;
  return (await ruleFindings(RULE, text)).length;
}

describe('sequential-await-in-loop (TypeScript)', () => {
  it('is off unless preview rules are on, and reports at info level', async () => {
    const text = 'declare function get(x: string): Promise<void>;\nexport async function f(items: string[]) {\n  for (const item of items) await get(item);\n}\n';
    assert.equal((await ruleFindings(RULE, text, 'example.ts', {})).length, 0);
    const [finding] = await ruleFindings(RULE, text);
    assert.equal(finding.severity, 'info');
    assert.equal(text.slice(finding.start, finding.end), 'await get(item)');
    assert.equal(finding.fixes, undefined);
  });

  it('accepts results keyed by the element, and derived locals', async () => {
    assert.equal(await lines('  for (const item of items) out[item] = await get(item);'), 1);
    assert.equal(await lines('  for (const item of items) {\n    const key = item.trim();\n    await get(key);\n  }'), 1);
  });

  it('rejects state carried between iterations', async () => {
    assert.equal(await lines('  let last = 0;\n  for (const item of items) last = await get(item);\n  return last;'), 0);
    assert.equal(await lines('  for (const item of items) out.last = await get(item);'), 0);
    assert.equal(await lines('  for (const item of items) {\n    await get(item);\n    items.shift();\n  }'), 0);
    assert.equal(await lines('  outer: for (const item of items) {\n    for (const c of item) {\n      if (await get(c)) break outer;\n    }\n  }'), 0);
  });

  it('reports the innermost loop only', async () => {
    assert.equal(await lines('  for (const item of items) {\n    for (const c of item) await get(c);\n  }'), 1);
  });
});
