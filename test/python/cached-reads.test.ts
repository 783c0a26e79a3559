// The Python facts read node types, texts and ends once per tree, and the scope table records the
// scope of defs, classes and except clauses while it searches (instead of walking their parents
// later). Both are shortcuts: these tests check them against reading the tree directly.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { SourceText } from '../../server/src/engine/sourceText';
import { pythonFacts } from '../../server/src/languages/python/facts/facts';
import { ancestorsInFunction, withStatementsAround } from '../../server/src/languages/python/facts/flow';
import { endOf, textOf, typeOf } from '../../server/src/languages/python/facts/nodes';
import { buildScopeTable, COMPREHENSION_TYPES, type Scope, type ScopeTable, scopeOfNode } from '../../server/src/languages/python/facts/scopes';
import pythonPack from '../../server/src/languages/python/pack';
import type { PythonParsed } from '../../server/src/languages/python/parsed';
import { repoRoot, testEngine } from '../helpers/engine';

const open: PythonParsed[] = [];

function parse(code: string, fileName = 'cached-reads.py'): PythonParsed {
  const parsed = pythonPack.parse(new SourceText(code), fileName);
  open.push(parsed);
  return parsed;
}

before(async () => {
  await testEngine();
});

after(() => {
  for (const parsed of open) pythonPack.dispose(parsed);
  open.length = 0;
});

/** Every .py file under `dir` (the fixtures: real-looking code, near-misses, syntax errors). */
function pythonFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) found.push(...pythonFiles(full));
    else if (name.endsWith('.py')) found.push(full);
  }
  return found;
}

/**
 * The name scope of `node` found the slow, obvious way: the nearest enclosing scope opener whose
 * own region holds the node (a def's or class's body, a lambda's body, a comprehension except the
 * iterable of its first `for` clause).
 */
function scopeByParents(table: ScopeTable, node: Node): Scope {
  let child = node;
  for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    const scope = table.byNodeId.get(parent.id);
    if (scope === undefined) continue;
    if (parent.type === 'module') return scope;
    if (COMPREHENSION_TYPES.has(parent.type)) {
      const first = parent.namedChildren.find((c) => c?.type === 'for_in_clause');
      const iterable = first?.childForFieldName('right');
      if (first && child.id === first.id && iterable && node.startIndex >= iterable.startIndex) continue;
      return scope;
    }
    if (parent.childForFieldName('body')?.id === child.id) return scope;
  }
  return table.module;
}

/** Checks every seeded kind of node of `parsed` against {@link scopeByParents}; returns how many. */
function checkSeededScopes(parsed: PythonParsed, label: string): number {
  const table = buildScopeTable(parsed);
  let checked = 0;
  for (const node of parsed.root.descendantsOfType(['function_definition', 'class_definition', 'except_clause'])) {
    if (node === null) continue;
    const expected = scopeByParents(table, node);
    const actual = scopeOfNode(table, node);
    assert.equal(actual, expected, `${label}: the scope of the ${node.type} at ${node.startIndex}`);
    checked++;
  }
  return checked;
}

describe('scope table: scopes recorded during the search', () => {
  it('agree with the scopes found from the parents, in every Python fixture', () => {
    const files = pythonFiles(path.join(repoRoot, 'test', 'fixtures'));
    assert.ok(files.length > 10, 'expected Python fixtures');
    let checked = 0;
    for (const file of files) checked += checkSeededScopes(parse(readFileSync(file, 'utf8'), file), path.relative(repoRoot, file));
    assert.ok(checked > 100, `only ${checked} nodes checked`);
  });

  it('agree in the places Python evaluates outside the body (decorators, defaults, bases, comprehension iterables)', () => {
    const code = [
      'import asyncio',
      '',
      'def outer(a=lambda: [f for f in g]):',
      '    class Inner(Base, metaclass=Meta):',
      '        @decorate(lambda: 1)',
      '        async def method(self, x=(y for y in z)):',
      '            try:',
      '                pass',
      '            except (ValueError, asyncio.CancelledError):',
      '                raise',
      '        x = [lambda: (i for i in range(3)) for k in [j for j in ks]]',
      '    def nested():',
      '        try:',
      '            return [n for n in (m for m in ms) if n]',
      '        except* OSError:',
      '            pass',
      '    return Inner',
      '',
      'data = {k: v for k, v in items}',
      'gen = (w for w in (lambda: 1)())',
      '',
    ].join('\n');
    assert.ok(checkSeededScopes(parse(code), 'snippet') >= 6);
  });

  it('fall back to the parents when a comprehension clause goes on past its first iterable', () => {
    // `for x in a, b` (a tuple of iterables, Python 2 style): the table stops recording scopes.
    const code = ['values = [x for x in 1, 2]', 'def after():', '    try:', '        pass', '    except OSError:', '        pass', ''].join('\n');
    checkSeededScopes(parse(code), 'tuple iterable');
  });

  it('fall back to the parents in a tree with syntax errors', () => {
    const code = ['def broken(:', '    try:', '        pass', '    except OSError:', '        pass', 'class C:', '    def m(self): pass', ''].join('\n');
    const parsed = parse(code);
    assert.ok(parsed.root.hasError);
    checkSeededScopes(parsed, 'syntax error');
  });
});

describe('cached node reads', () => {
  it('give what reading the node gives, for every node of a file', () => {
    const file = path.join(repoRoot, 'test', 'fixtures', 'rules', 'blocking-call-in-async', 'python');
    const first = pythonFiles(file)[0];
    const parsed = parse(readFileSync(first, 'utf8'), first);
    buildScopeTable(parsed);
    const cursor = parsed.tree.walk();
    let visited = 0;
    try {
      for (;;) {
        const node = cursor.currentNode;
        // Twice: the first read fills the cache, the second answers from it.
        for (let round = 0; round < 2; round++) {
          assert.equal(typeOf(node), node.type);
          assert.equal(textOf(node), node.text);
          assert.equal(endOf(node), node.endIndex);
        }
        visited++;
        if (cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) break;
        }
        if (cursor.nodeId === parsed.root.id) break;
      }
    } finally {
      cursor.delete();
    }
    assert.ok(visited > 50);
  });

  it('start afresh for another tree', () => {
    const one = parse('first = 1\n');
    const two = parse('second_name = 22\n');
    const a = one.root.firstNamedChild;
    const b = two.root.firstNamedChild;
    assert.ok(a !== null && b !== null);
    assert.equal(textOf(a), 'first = 1');
    assert.equal(textOf(b), 'second_name = 22');
    assert.equal(endOf(b), 16);
    assert.equal(typeOf(b), 'expression_statement');
  });
});

describe('with statements around a node, from source ranges', () => {
  /** The ids of the `with` statements among the node's ancestors in its function, sorted. */
  function byParents(node: Node): number[] {
    return [...ancestorsInFunction(node)].filter((a) => a.type === 'with_statement').map((a) => a.id).sort((a, b) => a - b);
  }

  function checkAll(parsed: PythonParsed, label: string): number {
    const facts = pythonFacts(parsed);
    let withSome = 0;
    for (const node of parsed.root.descendantsOfType(['call', 'await', 'identifier'])) {
      if (node === null) continue;
      const expected = byParents(node);
      const actual = withStatementsAround(facts, node).map((w) => w.id).sort((a, b) => a - b);
      assert.deepEqual(actual, expected, `${label}: the with statements around the ${node.type} at ${node.startIndex}`);
      if (expected.length > 0) withSome++;
    }
    return withSome;
  }

  it('are the with statements among the ancestors, in every Python fixture', () => {
    let withSome = 0;
    for (const file of pythonFiles(path.join(repoRoot, 'test', 'fixtures'))) withSome += checkAll(parse(readFileSync(file, 'utf8'), file), path.relative(repoRoot, file));
    assert.ok(withSome > 50, `only ${withSome} nodes inside with statements`);
  });

  it('stop at the def, lambda or class a node is in', () => {
    const code = [
      'async def outer():',
      '    async with asyncio.timeout(1):',
      '        async def inner():',
      '            with open(p) as f, lock:',
      '                await g(lambda: h())',
      '        class K:',
      '            with cm():',
      '                x = call()',
      '        await inner()',
      '    with a, b: pass',
      '',
    ].join('\n');
    assert.ok(checkAll(parse(code), 'snippet') >= 5);
  });

  it('read the ancestors in a tree with syntax errors', () => {
    const parsed = parse(['async def f(:', '    async with asyncio.timeout(1):', '        await g()', ''].join('\n'));
    assert.ok(parsed.root.hasError);
    checkAll(parsed, 'syntax error');
  });
});
