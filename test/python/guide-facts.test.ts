// Unit tests of the facts the guide rules share: suspension points, object origins (madeBy),
// handler analysis (raisesIn, what a clause catches) and the per-function identifier index.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { SourceText } from '../../server/src/engine/sourceText';
import { clauseCatchesCancellation } from '../../server/src/languages/python/facts/cancellation';
import { pythonFacts } from '../../server/src/languages/python/facts/facts';
import { canSuspendIn, clauseBody, exceptClauses, identifierCount, raisesIn } from '../../server/src/languages/python/facts/flow';
import { isPath, madeBy } from '../../server/src/languages/python/facts/objects';
import pythonPack from '../../server/src/languages/python/pack';
import type { PythonParsed } from '../../server/src/languages/python/parsed';
import { testEngine } from '../helpers/engine';

const open: PythonParsed[] = [];

function parse(code: string): PythonParsed {
  const parsed = pythonPack.parse(new SourceText(code), 'test.py');
  open.push(parsed);
  return parsed;
}

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

before(async () => {
  await testEngine();
});

after(() => {
  for (const parsed of open) pythonPack.dispose(parsed);
});

describe('python facts: suspension points', () => {
  it('lists await expressions (not their keyword), async with and async for, in order', () => {
    const parsed = parse(lines('async def f(a, b):', '    await a()', '    async with a as x:', '        pass', '    async for y in b:', '        pass', '    return [z async for z in b]'));
    const kinds = pythonFacts(parsed).suspensions.map((s) => s.node.type);
    assert.deepEqual(kinds, ['await', 'with_statement', 'for_statement', 'for_in_clause']);
  });

  it('tells whether a region can suspend its own function (not a nested one)', () => {
    const parsed = parse(lines('async def f(a):', '    try:', '        async def g():', '            await a()', '    finally:', '        pass', '    try:', '        await a()', '    finally:', '        pass'));
    const facts = pythonFacts(parsed);
    const [first, second] = facts.tryStatements;
    const fn = first.scope.functionNode;
    assert.equal(canSuspendIn(facts, first.node.childForFieldName('body') as Node, fn), false);
    assert.equal(canSuspendIn(facts, second.node.childForFieldName('body') as Node, fn), true);
  });
});

describe('python facts: what made an object', () => {
  function madeOf(code: string, receiver: string): string | undefined {
    const parsed = parse(code);
    const facts = pythonFacts(parsed);
    const node = parsed.root.descendantsOfType(['identifier', 'attribute', 'binary_operator', 'call']).filter((n): n is Node => n !== null && n.text === receiver).at(-1);
    assert.ok(node, `no ${receiver}`);
    return madeBy(facts, node, facts.scopeOf(node))?.factory;
  }

  it('follows assignments, awaits, with-targets and annotations through imports', () => {
    assert.equal(madeOf(lines('import httpx as h', 'async def f():', '    async with h.AsyncClient() as c:', '        c'), 'c'), 'httpx.AsyncClient');
    assert.equal(madeOf(lines('import asyncpg', 'async def f():', '    conn = await asyncpg.connect()', '    conn'), 'conn'), 'asyncpg.connect');
    assert.equal(madeOf(lines('from pathlib import Path', 'def f(p: Path):', '    p'), 'p'), 'pathlib.Path');
    assert.equal(madeOf(lines('import sqlite3', 'db = sqlite3.connect("x")', 'def f():', '    cur = db.cursor()', '    cur'), 'cur'), 'sqlite3.connect#cursor');
  });

  it('keeps a Path a Path through / and .parent, and knows nothing of attributes or rebound names', () => {
    const parsed = parse(lines('from pathlib import Path', 'def f(x, self):', '    base = Path(x)', '    (base / "a").parent', '    self.p', '    y = Path(x)', '    y = None', '    y'));
    const facts = pythonFacts(parsed);
    const find = (text: string): Node => parsed.root.descendantsOfType(['attribute', 'identifier']).filter((n): n is Node => n !== null && n.text === text).at(-1) as Node;
    assert.equal(isPath(madeBy(facts, find('(base / "a").parent'), facts.scopeOf(find('(base / "a").parent')))), true);
    assert.equal(madeBy(facts, find('self.p'), facts.scopeOf(find('self.p'))), undefined);
    assert.equal(madeBy(facts, find('y'), facts.scopeOf(find('y'))), undefined);
  });
});

describe('python facts: handlers', () => {
  it('finds raises of the handler itself only', () => {
    const parsed = parse(
      lines(
        'async def f():',
        '    try:',
        '        pass',
        '    except Exception as e:',
        '        def g():',
        '            raise',
        '        try:',
        '            pass',
        '        except OSError:',
        '            raise',
        '        if e:',
        '            raise e',
      ),
    );
    const [clause] = exceptClauses(pythonFacts(parsed).tryStatements[0].node);
    assert.deepEqual(
      raisesIn(clauseBody(clause) as Node).map((r) => r.text),
      ['raise e'],
    );
  });

  it('knows what catches cancellation, through aliases, tuples and names', () => {
    const parsed = parse(
      lines(
        'import asyncio as aio',
        'from asyncio import CancelledError as C',
        'ERRORS = (ValueError, C)',
        'async def f():',
        '    try:',
        '        pass',
        '    except aio.CancelledError: pass',
        '    except (OSError, C): pass',
        '    except ERRORS: pass',
        '    except BaseException: pass',
        '    except: pass',
        '    except Exception: pass',
      ),
    );
    const facts = pythonFacts(parsed);
    const kinds = exceptClauses(facts.tryStatements[0].node).map((c) =>
      clauseCatchesCancellation(facts, c, undefined)
        .map((k) => `${k.kind}${k.mixed ? '+' : ''}`)
        .join(','),
    );
    assert.deepEqual(kinds, ['explicit', 'explicit+', 'explicit+', 'broad', 'broad', '']);
  });
});

describe('python facts: identifier index', () => {
  it('counts names anywhere in a function, nested scopes included', () => {
    const parsed = parse(lines('def f():', '    task = 1', '    def g():', '        return task', '    return [task for _ in ()]'));
    const facts = pythonFacts(parsed);
    const fn = facts.module.bindings.get('f')?.[0].node.parent as Node;
    assert.equal(identifierCount(facts, fn, 'task'), 3);
    assert.equal(identifierCount(facts, fn, 'missing'), 0);
  });
});
