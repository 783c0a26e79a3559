// Unit tests of the Python pack's shared facts: scopes / async context and name resolution.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { SourceText } from '../../server/src/engine/sourceText';
import { pythonFacts } from '../../server/src/languages/python/facts/facts';
import pythonPack from '../../server/src/languages/python/pack';
import type { PythonParsed } from '../../server/src/languages/python/parsed';
import { testEngine } from '../helpers/engine';

const open: PythonParsed[] = [];

function parse(code: string): PythonParsed {
  const parsed = pythonPack.parse(new SourceText(code), 'test.py');
  open.push(parsed);
  return parsed;
}

/** Every call whose callee is written exactly `callee`, in document order. */
function callsTo(parsed: PythonParsed, callee: string): Node[] {
  return parsed.root
    .descendantsOfType('call')
    .filter((c): c is Node => c !== null && c.childForFieldName('function')?.text === callee);
}

function onlyCall(parsed: PythonParsed, callee: string): Node {
  const calls = callsTo(parsed, callee);
  assert.equal(calls.length, 1, `expected one call to ${callee}`);
  return calls[0];
}

/** The qualified name of the callee of the n-th call written `callee`. */
function qualified(code: string, callee: string, index = 0): string | undefined {
  const parsed = parse(code);
  const call = callsTo(parsed, callee)[index];
  assert.ok(call, `no call to ${callee} in:\n${code}`);
  return pythonFacts(parsed).qualifiedName(call);
}

before(async () => {
  await testEngine();
});

after(() => {
  for (const parsed of open) pythonPack.dispose(parsed);
});

describe('python facts: async context', () => {
  const code = [
    'import time',
    'time.sleep(0)',
    'async def outer(x=time.sleep(1)):',
    '    time.sleep(2)',
    '    def plain():',
    '        time.sleep(3)',
    '    fn = lambda: time.sleep(4)',
    '    items = [time.sleep(5) for _ in range(2)]',
    '    gen = (time.sleep(6) for _ in range(2))',
    '    class Inner:',
    '        value = time.sleep(7)',
    '        async def method(self):',
    '            time.sleep(8)',
    '    def nested(d=time.sleep(9)):',
    '        async def deep():',
    '            return [lambda: time.sleep(10) for _ in range(1)]',
    '        return deep',
    '    @decorate(time.sleep(11))',
    '    def decorated(): pass',
    'def sync():',
    '    time.sleep(12)',
    'class Top:',
    '    time.sleep(13)',
    '',
  ].join('\n');

  function byArgument(parsed: PythonParsed): Map<string, Node> {
    return new Map(callsTo(parsed, 'time.sleep').map((c) => [c.childForFieldName('arguments')?.text ?? '', c]));
  }

  it('tells which calls run directly in an async def', () => {
    const parsed = parse(code);
    const facts = pythonFacts(parsed);
    const calls = byArgument(parsed);
    const asyncOnes = [...calls].filter(([, node]) => facts.isInAsyncFunction(node)).map(([arg]) => arg);
    assert.deepEqual(asyncOnes, ['(2)', '(5)', '(6)', '(8)', '(9)', '(11)']);
  });

  it('gives the innermost def or lambda, looking through comprehensions', () => {
    const parsed = parse(code);
    const facts = pythonFacts(parsed);
    const calls = byArgument(parsed);
    const fn = (arg: string): string | undefined => {
      const node = facts.enclosingFunction(calls.get(arg) as Node);
      if (node === undefined) return undefined;
      return node.type === 'lambda' ? 'lambda' : node.childForFieldName('name')?.text;
    };
    assert.equal(fn('(0)'), undefined);
    assert.equal(fn('(1)'), undefined, 'a default is evaluated where the def is');
    assert.equal(fn('(2)'), 'outer');
    assert.equal(fn('(3)'), 'plain');
    assert.equal(fn('(4)'), 'lambda');
    assert.equal(fn('(5)'), 'outer');
    assert.equal(fn('(6)'), 'outer');
    assert.equal(fn('(7)'), undefined, 'a class body is not a function');
    assert.equal(fn('(8)'), 'method');
    assert.equal(fn('(9)'), 'outer');
    assert.equal(fn('(10)'), 'lambda');
    assert.equal(fn('(11)'), 'outer');
    assert.equal(fn('(12)'), 'sync');
    assert.equal(fn('(13)'), undefined);
  });

  it('agrees with the scope recorded for each call during the walk', () => {
    const parsed = parse(code);
    const facts = pythonFacts(parsed);
    for (const { node, scope } of facts.calls) assert.equal(facts.scopeOf(node), scope, node.text);
  });

  it('puts parameter names inside the function, defaults outside', () => {
    const parsed = parse('async def f(a, b=c, *d, e: int = g, **h):\n    pass\n');
    const facts = pythonFacts(parsed);
    const fn = parsed.root.firstNamedChild as Node;
    const ids = parsed.root.descendantsOfType('identifier').filter((n): n is Node => n !== null);
    const scopeKind = (name: string): string => facts.scopeOf(ids.find((n) => n.text === name) as Node).kind;
    for (const name of ['a', 'b', 'd', 'e', 'h']) assert.equal(scopeKind(name), 'function', name);
    assert.equal(scopeKind('c'), 'module');
    assert.equal(scopeKind('g'), 'module');
    assert.equal(facts.scopeOf(ids.find((n) => n.text === 'f') as Node).kind, 'module');
    assert.equal(facts.table.byNodeId.get(fn.id)?.isAsync, true);
  });

  it('is built once per parse', () => {
    const parsed = parse('x = 1\n');
    assert.equal(pythonFacts(parsed), pythonFacts(parsed));
  });
});

describe('python facts: qualified names', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['import', 'import time\ntime.sleep(1)\n', 'time.sleep', 'time.sleep'],
    ['import as', 'import time as t\nt.sleep(1)\n', 't.sleep', 'time.sleep'],
    ['from import', 'from time import sleep\nsleep(1)\n', 'sleep', 'time.sleep'],
    ['from import as', 'from time import sleep as nap\nnap(1)\n', 'nap', 'time.sleep'],
    ['dotted import', 'import urllib.request\nurllib.request.urlopen(u)\n', 'urllib.request.urlopen', 'urllib.request.urlopen'],
    ['dotted import as', 'import os.path as p\np.join(a, b)\n', 'p.join', 'os.path.join'],
    ['from package import module', 'from urllib import request\nrequest.urlopen(u)\n', 'request.urlopen', 'urllib.request.urlopen'],
    ['parenthesised from import', 'from subprocess import (\n    run,\n    call as c,\n)\nc(x)\n', 'c', 'subprocess.call'],
    ['import in a function', 'def f():\n    import time as tt\n    tt.sleep(1)\n', 'tt.sleep', 'time.sleep'],
    ['import in another function', 'def f():\n    import time as tt\ndef g():\n    tt.sleep(1)\n', 'tt.sleep', undefined],
    ['relative import', 'from . import time\ntime.sleep(1)\n', 'time.sleep', undefined],
    ['relative from import', 'from .compat import sleep\nsleep(1)\n', 'sleep', undefined],
    ['relative import shadows', 'import time\ndef f():\n    from .x import time\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['builtin', 'open(p)\n', 'open', 'builtins.open'],
    ['builtin in a function', 'async def f():\n    return input()\n', 'input', 'builtins.input'],
    ['unbound non-builtin', 'frobnicate()\n', 'frobnicate', undefined],
    ['builtin assigned', 'open = make()\nopen(p)\n', 'open', undefined],
    ['builtin as parameter', 'def f(open):\n    open(p)\n', 'open', undefined],
    ['builtin as def', 'def open(p):\n    pass\ndef g():\n    open(p)\n', 'open', undefined],
    ['wildcard import hides builtins', 'from os import *\nopen(p)\n', 'open', undefined],
    ['local def shadows import', 'from time import sleep\nasync def f():\n    def sleep(s):\n        pass\n    sleep(1)\n', 'sleep', undefined],
    ['assignment shadows import', 'import time\nasync def f():\n    time = FakeTime()\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['module assignment shadows import', 'import time\ntime = FakeTime()\nasync def f():\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['tuple target', 'import time\ndef f():\n    a, (time, b) = x\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['starred target', 'import time\ndef f():\n    a, *time = x\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['augmented assignment', 'import time\ndef f():\n    time += 1\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['annotated assignment', 'import time\ndef f():\n    time: Fake = Fake()\n    time.sleep(1)\n', 'time.sleep', undefined],
    ['for target', 'from time import sleep\ndef f():\n    for sleep in xs:\n        sleep(1)\n', 'sleep', undefined],
    ['with target', 'import time\ndef f():\n    with g() as time:\n        time.sleep(1)\n', 'time.sleep', undefined],
    ['except target', 'def f():\n    try:\n        pass\n    except E as open:\n        open(p)\n', 'open', undefined],
    ['walrus', 'from time import sleep\ndef f():\n    if (sleep := g()):\n        sleep(1)\n', 'sleep', undefined],
    ['walrus in comprehension binds outside', 'from time import sleep\ndef f():\n    [(sleep := g) for g in gs]\n    sleep(1)\n', 'sleep', undefined],
    ['comprehension variable', 'from time import sleep\ndef f():\n    return [sleep(1) for sleep in gs]\n', 'sleep', undefined],
    ['comprehension variable stays inside', 'from time import sleep\ndef f():\n    [0 for sleep in gs]\n    sleep(1)\n', 'sleep', 'time.sleep'],
    ['lambda parameter', 'from time import sleep\nf = lambda sleep: sleep(1)\n', 'sleep', undefined],
    ['class name', 'import time\nclass time:\n    pass\ntime.sleep(1)\n', 'time.sleep', undefined],
    ['match capture', 'from time import sleep\ndef f(x):\n    match x:\n        case [sleep]:\n            sleep(1)\n', 'sleep', undefined],
    ['match as', 'from time import sleep\ndef f(x):\n    match x:\n        case int() as sleep:\n            sleep(1)\n', 'sleep', undefined],
    ['class body is skipped from methods', 'from time import sleep\nclass C:\n    sleep = 1\n    def m(self):\n        sleep(1)\n', 'sleep', 'time.sleep'],
    ['class body sees its own names', 'from time import sleep\nclass C:\n    sleep = print\n    sleep(1)\n', 'sleep', undefined],
    ['global reads the module', 'from time import sleep\ndef f():\n    global sleep\n    sleep(1)\n', 'sleep', 'time.sleep'],
    ['global assignment rebinds the module', 'from time import sleep\ndef f():\n    global sleep\n    sleep = g\ndef h():\n    sleep(1)\n', 'sleep', undefined],
    ['nonlocal', 'from time import sleep\ndef f():\n    sleep = g\n    def h():\n        nonlocal sleep\n        sleep(1)\n', 'sleep', undefined],
    ['nested function sees enclosing import', 'def f():\n    import subprocess as sp\n    def g():\n        sp.run(x)\n', 'sp.run', 'subprocess.run'],
    ['conflicting imports', 'try:\n    import ujson as json\nexcept ImportError:\n    import json\njson.loads(s)\n', 'json.loads', undefined],
    ['repeated import agrees', 'import time\nimport time\ntime.sleep(1)\n', 'time.sleep', 'time.sleep'],
    ['package import binds the head', 'import os.path\nos.system(c)\n', 'os.system', 'os.system'],
    ['call in the chain', 'import requests\nrequests.Session().get(u)\n', 'requests.Session().get', undefined],
    ['attribute of a local', 'def f(self):\n    self.open(p)\n', 'self.open', undefined],
  ];
  for (const [name, code, callee, expected] of cases) {
    it(name, () => {
      assert.equal(qualified(code, callee), expected, code);
    });
  }

  it('resolves defaults in the enclosing scope', () => {
    const code = 'from time import sleep\ndef f(sleep=sleep(1)):\n    sleep(2)\n';
    assert.equal(qualified(code, 'sleep', 0), 'time.sleep');
    assert.equal(qualified(code, 'sleep', 1), undefined);
  });

  it('resolves the first iterable of a comprehension outside it', () => {
    const code = 'from time import sleep\ndef f():\n    return [1 for sleep in sleep(1)]\n';
    assert.equal(qualified(code, 'sleep'), 'time.sleep');
  });

  it('gives the value of a single plain assignment', () => {
    const parsed = parse('import asyncio\nasync def f():\n    loop = asyncio.get_running_loop()\n    loop.create_task(c)\n    other = 1\n    other = 2\n    other.x()\n');
    const facts = pythonFacts(parsed);
    const loop = onlyCall(parsed, 'loop.create_task').childForFieldName('function')?.childForFieldName('object') as Node;
    const value = facts.assignedValue(loop);
    assert.equal(value?.value.text, 'asyncio.get_running_loop()');
    assert.equal(value && facts.qualifiedName(value.value, value.scope), 'asyncio.get_running_loop');
    const other = onlyCall(parsed, 'other.x').childForFieldName('function')?.childForFieldName('object') as Node;
    assert.equal(facts.assignedValue(other), undefined);
  });

  it('gives the value of a with-as target', () => {
    const parsed = parse('import requests\nasync def f():\n    with requests.Session() as s:\n        s.get(u)\n');
    const facts = pythonFacts(parsed);
    const s = onlyCall(parsed, 's.get').childForFieldName('function')?.childForFieldName('object') as Node;
    assert.equal(facts.assignedValue(s)?.value.text, 'requests.Session()');
  });

  it('stays linear on a long file', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `    x${i} = time.sleep(${i}) + t.sleep(${i})`).join('\n');
    const parsed = parse(`import time as t\nimport time\nasync def f():\n${body}\n`);
    const started = process.hrtime.bigint();
    const facts = pythonFacts(parsed);
    let resolved = 0;
    for (const { node, scope } of facts.calls) if (facts.qualifiedName(node, scope) === 'time.sleep') resolved++;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(resolved, 6000);
    assert.ok(ms < 2000, `took ${ms} ms`);
  });
});
