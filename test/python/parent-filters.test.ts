// The cheap "could this call's parent be X?" filters (facts/parents.ts) must never say no when the
// parent is X: checked against the real parent of every call in every Python fixture, plus a few
// hand-written corners (comments inside an `await`, `return` spellings, syntax errors).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { SourceText } from '../../server/src/engine/sourceText';
import { pythonFacts } from '../../server/src/languages/python/facts/facts';
import { mayBeAwaitedOrAsyncWithItem, mayStartStatementOrAssignedValue, mayStartStatementOrReturnValue, statementHolding } from '../../server/src/languages/python/facts/parents';
import pythonPack from '../../server/src/languages/python/pack';
import { repoRoot, testEngine } from '../helpers/engine';

function pythonFixtures(): { name: string; text: string }[] {
  const rulesDir = path.join(repoRoot, 'test', 'fixtures', 'rules');
  const found: { name: string; text: string }[] = [];
  for (const rule of readdirSync(rulesDir)) {
    const dir = path.join(rulesDir, rule, 'python');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith('.py')) found.push({ name: `${rule}/${name}`, text: readFileSync(path.join(dir, name), 'utf8') });
  }
  return found;
}

const CORNERS = `
import asyncio
async def f(x):
    g()
    return h()
    return(k())
    x = m()
    y: int = n()
    a = \\
        p()
    if x: q()
    r(); s()
    z = (await  # a comment inside the await
         t())
    await u()
    async with v() as w, aa():
        pass
    noreturn = bb()
    return \\
        cc()
`;

/** Every call of `text`, checked against its real parent. */
function check(name: string, text: string): number {
  const parsed = pythonPack.parse(new SourceText(text), `/virtual/${name}`);
  try {
    const facts = pythonFacts(parsed);
    for (const { node: call } of facts.calls) {
      const parent = call.parent;
      if (parent === null) continue;
      const where = `${name}: ${call.text} (parent ${parent.type})`;
      const statement = parent.type === 'expression_statement' && parent.namedChildCount === 1;
      if (statement || parent.type === 'return_statement') assert.ok(mayStartStatementOrReturnValue(facts, call.startIndex), where);
      const assigned = parent.type === 'assignment' && parent.childForFieldName('right')?.id === call.id;
      if (statement || assigned) assert.ok(mayStartStatementOrAssignedValue(facts, call.startIndex), where);
      const item = parent.type === 'as_pattern' ? parent.parent : parent;
      const asyncWith = item?.type === 'with_item' && item.parent?.parent?.firstChild?.type === 'async';
      if (parent.type === 'await' || asyncWith) assert.ok(mayBeAwaitedOrAsyncWithItem(facts, call), where);
    }
    return facts.calls.length;
  } finally {
    pythonPack.dispose(parsed);
  }
}

describe('Python parent filters', () => {
  before(async () => {
    await testEngine();
  });

  it('never rule out the real parent in the Python fixtures', () => {
    let calls = 0;
    for (const { name, text } of pythonFixtures()) calls += check(name, text);
    assert.ok(calls > 100, `only ${calls} calls checked`);
  });

  it('never rule out the real parent in the corner cases', () => {
    assert.equal(check('corners.py', CORNERS), 15);
  });

  it('rule out what they can: a call inside an expression is not a statement', () => {
    const parsed = pythonPack.parse(new SourceText('async def f():\n    x = 1 + g()\n    await h(k())\n'), '/virtual/out.py');
    try {
      const facts = pythonFacts(parsed);
      const byText = new Map(facts.calls.map(({ node }) => [node.text, node]));
      const g = byText.get('g()');
      const k = byText.get('k()');
      assert.ok(g !== undefined && k !== undefined);
      assert.equal(mayStartStatementOrReturnValue(facts, g.startIndex), false);
      assert.equal(mayStartStatementOrAssignedValue(facts, g.startIndex), false);
      assert.equal(mayBeAwaitedOrAsyncWithItem(facts, k), false);
    } finally {
      pythonPack.dispose(parsed);
    }
  });

  it('say yes to everything in a tree with syntax errors', () => {
    const parsed = pythonPack.parse(new SourceText('async def f():\n    x = = g()\n    y = 1 + h()\n'), '/virtual/broken.py');
    try {
      const facts = pythonFacts(parsed);
      for (const { node } of facts.calls) {
        assert.ok(mayStartStatementOrReturnValue(facts, node.startIndex));
        assert.ok(mayBeAwaitedOrAsyncWithItem(facts, node));
      }
    } finally {
      pythonPack.dispose(parsed);
    }
  });

  it('find the statement holding a call in trees with syntax errors, as `.parent` would', () => {
    // Every fixture, broken three ways: a stray bracket run on every 7th line, CR-only line
    // ends with a broken line, and a `return` with an error before its value.
    const breakings: ((text: string) => string)[] = [
      (text) => text.split('\n').map((line, i) => (i % 7 === 3 ? `${line} ) ](` : line)).join('\n'),
      (text) => `def (:\n${text}`.replace(/\r?\n/g, '\r'),
      (text) => `${text}\nasync def broken():\n    return ) g()\n    h() ]\n`,
    ];
    let checked = 0;
    let statements = 0;
    for (const { name, text } of pythonFixtures()) {
      for (const breakIt of breakings) {
        const parsed = pythonPack.parse(new SourceText(breakIt(text)), `/virtual/broken-${name.replace(/\//g, '-')}`);
        try {
          const facts = pythonFacts(parsed);
          if (!facts.table.hasError) continue; // a short file the breaking missed
          for (const { node: call } of facts.calls) {
            const parent = call.parent;
            const expected = parent !== null && (parent.type === 'expression_statement' || parent.type === 'return_statement') ? parent.id : null;
            assert.equal(statementHolding(facts, call)?.id ?? null, expected, `${name}: ${call.text}`);
            checked++;
            if (expected !== null) statements++;
          }
        } finally {
          pythonPack.dispose(parsed);
        }
      }
    }
    assert.ok(checked > 300 && statements > 50, `only ${checked} calls (${statements} in statements) checked`);
  });
});
