// missing-type-hints (Python): the `-> None` fix, where it is withheld, and publicOnly.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixAll, findings, lines, runCases } from './fixCases';

describe('python missing-type-hints: -> None', () => {
  runCases('missing-type-hints', [
    {
      name: 'a function that returns nothing',
      code: lines('def f(a: int):', '    print(a)'),
      expected: lines('def f(a: int) -> None:', '    print(a)'),
      safety: 'safe',
    },
    {
      name: 'bare return and return None',
      code: lines('async def f(a: int):', '    if a:', '        return', '    return None'),
      expected: lines('async def f(a: int) -> None:', '    if a:', '        return', '    return None'),
    },
    {
      name: 'returns of nested functions do not count',
      code: lines('def f():', '    def g() -> int:', '        return 1', '    h = lambda: 2', '    g()'),
      expected: lines('def f() -> None:', '    def g() -> int:', '        return 1', '    h = lambda: 2', '    g()'),
    },
    {
      name: 'multi-line parameters',
      code: lines('def f(', '    a: int,', '):', '    print(a)'),
      expected: lines('def f(', '    a: int,', ') -> None:', '    print(a)'),
    },
    {
      name: '__init__ always',
      code: lines('class A:', '    def __init__(self):', '        pass'),
      expected: lines('class A:', '    def __init__(self) -> None:', '        pass'),
    },
    { name: 'no fix: returns a value', code: lines('def f():', '    return 1'), expected: undefined },
    { name: 'no fix: a generator', code: lines('def f():', '    yield'), expected: undefined },
    { name: 'no fix: raise-only body', code: lines('def f():', '    raise NotImplementedError'), expected: undefined },
    { name: 'no fix: placeholder body', code: lines('class P:', '    def f(self):', '        """Docs."""', '        ...'), expected: undefined },
    {
      name: 'no fix: abstract method',
      code: lines('from abc import abstractmethod', 'class P:', '    @abstractmethod', '    def f(self):', '        print(1)'),
      expected: undefined,
    },
    { name: 'no fix: property', code: lines('class P:', '    @property', '    def f(self):', '        print(1)'), expected: undefined },
  ]);

  it('fix-all is idempotent', async () => {
    await assertFixAll('missing-type-hints', lines('def f(a):', '    print(a)', 'def g():', '    return 1'), lines('def f(a) -> None:', '    print(a)', 'def g():', '    return 1'));
  });
});

describe('python missing-type-hints: what is reported', () => {
  it('one finding per unannotated parameter (splats included) and one for the return type', async () => {
    const code = lines('class A:', '    def m(self, a, b: int, *args, c=1, **kw) -> None:', '        pass', '    @staticmethod', '    def s(x) -> None:', '        pass');
    const found = await findings(code, 'missing-type-hints');
    assert.deepEqual(found.map((f) => code.slice(f.start, f.end)), ['a', 'args', 'c', 'kw', 'x']);
  });

  it('publicOnly skips private and nested functions, not dunders', async () => {
    const code = lines('def _private(a):', '    def inner(b):', '        pass', 'class A:', '    def __eq__(self, other):', '        return True', 'def public(a):', '    pass');
    const settings = { ruleOptions: { 'missing-type-hints': { publicOnly: true } } };
    const found = await findings(code, 'missing-type-hints', { settings });
    assert.deepEqual(found.map((f) => code.slice(f.start, f.end)), ['__eq__', 'other', 'public', 'a']);
  });
});
