// facts/projectModules: the line scan of a module (what is an async def, what is not), finding
// modules on disk (relative, absolute, src/ layout, project root), re-exports, and the cache.
import * as assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { forgetProjectModules, projectKind, projectModuleFile, summarizeModule } from '../../server/src/languages/python/facts/projectModules';
import { findings, lines } from './fixCases';
import { tempProject } from '../helpers/tempProject';

const { write } = tempProject('ag-project-modules-');

describe('projectModules: the scan of one module', () => {
  it('tells async defs from everything else', () => {
    const summary = summarizeModule(
      lines(
        '"""Docs.',
        'async def in_docstring():',
        '"""',
        'import asyncio, os.path as osp',
        'from .x import (',
        '    a,',
        '    b as c,',
        ')',
        'async def fetch(x,',
        '                y):  # a comment with async def fake():',
        '    s = """',
        'async def in_string():',
        '"""',
        'def sync(): pass',
        '@decorator',
        'async def decorated(): pass',
        '@overload',
        'def fetch2(x: int) -> int: ...',
        'async def fetch2(x): pass',
        'async def twice(): pass',
        'twice = 1',
        'value: int = 3',
        'class K(',
        '    Base,',
        '):',
        '    @staticmethod',
        '    async def m(): pass',
        '    def n(self): pass',
        '    @property',
        '    async def p(self): pass',
        'if X:',
        '    async def maybe(): pass',
        'async def maybe(): pass',
        'call(fetch=1)',
      ),
    );
    const kinds = Object.fromEntries(summary.names);
    assert.deepEqual(kinds, {
      asyncio: 'other',
      osp: 'other',
      a: 'other',
      c: 'other',
      fetch: 'async',
      sync: 'sync',
      decorated: 'other',
      fetch2: 'async',
      twice: 'other',
      value: 'other',
      K: 'class',
      maybe: 'other',
    });
    assert.deepEqual(Object.fromEntries(summary.classes.get('K') ?? []), { m: 'async', n: 'sync', p: 'other' });
    assert.deepEqual(summary.imports.get('c'), { level: 1, module: ['x'], name: 'b' });
    assert.deepEqual(summary.imports.get('osp'), { level: 0, module: ['os', 'path'], name: undefined });
  });

  it('survives unterminated strings and brackets', () => {
    for (const text of ['x = "abc\nasync def f(): pass\n', 'x = (\nasync def f(): pass\n', 'x = """\n', '\\', '']) {
      assert.doesNotThrow(() => summarizeModule(text));
    }
  });
});

describe('projectModules: finding modules', () => {
  write('proj/pyproject.toml', '[project]\nname = "p"\n');
  write('proj/src/pkg/__init__.py', 'from .svc import fetch as exported\nfrom .svc import Client\n');
  const svc = write('proj/src/pkg/svc.py', lines('async def fetch(): pass', 'def sync(): pass', 'class Client:', '    async def get(self): pass'));
  write('proj/src/pkg/uses.py', lines('from pkg.svc import fetch', 'from .svc import sync'));
  const test = write('proj/tests/test_svc.py', '');
  const inner = write('proj/src/pkg/sub/inner.py', '');
  write('pkg/svc.py', 'async def outside(): pass\n');

  it('resolves absolute imports through a src/ layout and relative ones from the package', () => {
    assert.equal(projectModuleFile(test, 0, ['pkg', 'svc']), svc);
    assert.equal(projectKind(test, 0, ['pkg', 'svc', 'fetch']), 'async');
    assert.equal(projectKind(test, 0, ['pkg', 'svc', 'sync']), 'sync');
    assert.equal(projectKind(test, 0, ['pkg', 'svc', 'Client', 'get']), 'async');
    assert.equal(projectKind(test, 0, ['pkg', 'svc']), 'module');
    assert.equal(projectKind(inner, 2, ['svc', 'fetch']), 'async');
    assert.equal(projectKind(inner, 1, ['svc', 'fetch']), undefined);
  });

  it('follows re-exports of a package and imports of a module', () => {
    assert.equal(projectKind(test, 0, ['pkg', 'exported']), 'async');
    assert.equal(projectKind(test, 0, ['pkg', 'Client', 'get']), 'async');
    assert.equal(projectKind(test, 0, ['pkg', 'uses', 'fetch']), 'async');
    assert.equal(projectKind(test, 0, ['pkg', 'uses', 'sync']), 'sync');
  });

  it('stops at the project root and ignores unsaved files', () => {
    assert.equal(projectKind(test, 0, ['pkg', 'svc', 'outside']), undefined);
    assert.equal(projectKind('untitled.py', 0, ['pkg', 'svc', 'fetch']), undefined);
    assert.equal(projectKind(test, 0, ['nowhere', 'fetch']), undefined);
  });

  it('reads a module again when it changes on disk', () => {
    const file = write('proj/src/pkg/changing.py', 'async def f(): pass\n');
    // New files are seen once the folder listings expire (a few seconds), or now after a reset.
    forgetProjectModules();
    assert.equal(projectKind(test, 0, ['pkg', 'changing', 'f']), 'async');
    writeFileSync(file, 'def f(): pass\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    assert.equal(projectKind(test, 0, ['pkg', 'changing', 'f']), 'sync');
  });

  it('skips files over 1 MB', () => {
    write('proj/src/pkg/huge.py', `async def f(): pass\n${'#'.repeat(1_100_000)}\n`);
    forgetProjectModules();
    assert.equal(projectKind(test, 0, ['pkg', 'huge', 'f']), undefined);
    forgetProjectModules();
  });

  it('feeds unawaited-coroutine', async () => {
    const code = lines('from pkg.svc import fetch, sync', '', 'async def test_it():', '    fetch()', '    sync()');
    const found = await findings(code, 'unawaited-coroutine', { fileName: test });
    assert.deepEqual(found.map((f) => code.slice(f.start, f.end)), ['fetch()']);
    assert.equal((await findings(code, 'unawaited-coroutine', { fileName: 'test_svc.py' })).length, 0);
  });
});
