// The TypeScript pack's syntactic facts: the execution scope of a node, and name resolution
// through imports, requires and local shadowing.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { SourceText } from '../../server/src/engine/sourceText';
import { bindingsOf } from '../../server/src/languages/typescript/facts/bindings';
import { executionScope, isInFunctionBody, thisClassAt } from '../../server/src/languages/typescript/facts/scope';
import typescriptPack from '../../server/src/languages/typescript/pack';
import type { TypeScriptParsed } from '../../server/src/languages/typescript/parsed';

function parse(text: string, fileName = 'example.ts'): TypeScriptParsed {
  return typescriptPack.parse(new SourceText(text), fileName);
}

/** The `nth` call whose callee reads exactly `callee`. */
function findCall(sourceFile: ts.SourceFile, callee: string, nth = 0): ts.CallExpression {
  const found: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(sourceFile) === callee) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const call = found[nth];
  assert.ok(call !== undefined, `no call #${nth} of ${callee}`);
  return call;
}

describe('executionScope', () => {
  const cases: { name: string; code: string; kind: string; isAsync: boolean }[] = [
    { name: 'async function declaration', code: 'async function f() { probe(); }', kind: 'function', isAsync: true },
    { name: 'plain function', code: 'function f() { probe(); }', kind: 'function', isAsync: false },
    { name: 'async arrow, concise body', code: 'const f = async () => probe();', kind: 'function', isAsync: true },
    { name: 'async function expression', code: 'const f = async function () { probe(); };', kind: 'function', isAsync: true },
    { name: 'plain arrow nested in async', code: 'async function f() { [1].map(() => probe()); }', kind: 'function', isAsync: false },
    { name: 'plain function nested in async', code: 'async function f() { function g() { probe(); } }', kind: 'function', isAsync: false },
    { name: 'async arrow nested in plain', code: 'function f() { return async () => { probe(); }; }', kind: 'function', isAsync: true },
    { name: 'async method', code: 'class A { async m() { probe(); } }', kind: 'function', isAsync: true },
    { name: 'async object method', code: 'const o = { async m() { probe(); } };', kind: 'function', isAsync: true },
    { name: 'async generator', code: 'async function* g() { yield probe(); }', kind: 'function', isAsync: true },
    { name: 'getter', code: 'class A { get x() { return probe(); } }', kind: 'function', isAsync: false },
    { name: 'constructor', code: 'class A { constructor() { probe(); } }', kind: 'function', isAsync: false },
    { name: 'class field in an async function', code: 'async function f() { class A { x = probe(); } }', kind: 'class-field', isAsync: false },
    { name: 'static block in an async function', code: 'async function f() { class A { static { probe(); } } }', kind: 'static-block', isAsync: false },
    { name: 'module level with top-level await', code: 'await probe();', kind: 'module', isAsync: false },
    { name: 'computed method name', code: 'async function f() { class A { async [probe()]() {} } }', kind: 'function', isAsync: true },
    { name: 'computed name of an async method in sync code', code: 'function f() { return { async [probe()]() {} }; }', kind: 'function', isAsync: false },
    { name: 'parameter default of an async function', code: 'async function f(x = probe()) {}', kind: 'function', isAsync: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { sourceFile } = parse(c.code);
      const scope = executionScope(findCall(sourceFile, 'probe'));
      assert.equal(scope.kind, c.kind);
      assert.equal(scope.isAsync, c.isAsync);
    });
  }

  it('tells the body from the parameter list', () => {
    const { sourceFile } = parse('async function f(x = probe()) { probe(); }');
    const inParameter = findCall(sourceFile, 'probe', 0);
    const inBody = findCall(sourceFile, 'probe', 1);
    const scope = executionScope(inBody);
    assert.equal(scope.kind, 'function');
    if (scope.kind !== 'function') return;
    assert.equal(isInFunctionBody(inBody, scope.node), true);
    assert.equal(isInFunctionBody(inParameter, scope.node), false);
  });
});

describe('thisClassAt', () => {
  const code = [
    'class A {',
    '  m() { this.a(); }',
    '  n() { return () => this.b(); }',
    '  o() { return function () { this.c(); }; }',
    '  static s() { this.d(); }',
    '  f = () => this.e();',
    '}',
    'const obj = { m() { this.g(); } };',
    'this.h();',
  ].join('\n');
  const { sourceFile } = parse(code);
  const expectations: [string, string | undefined, boolean?][] = [
    ['this.a', 'A', false],
    ['this.b', 'A', false],
    ['this.c', undefined],
    ['this.d', 'A', true],
    ['this.e', 'A', false],
    ['this.g', undefined],
    ['this.h', undefined],
  ];
  for (const [callee, className, isStatic] of expectations) {
    it(`${callee}() → ${className ?? 'no class'}`, () => {
      const owner = thisClassAt(findCall(sourceFile, callee).expression);
      assert.equal(owner?.declaration.name?.text, className);
      if (owner !== undefined) assert.equal(owner.isStatic, isStatic);
    });
  }
});

describe('name resolution', () => {
  const cases: { name: string; code: string; callee: string; expected: string | undefined; fileName?: string }[] = [
    { name: 'renamed named import, node: prefix', code: 'import { readFileSync as r } from "node:fs";\nr("a");', callee: 'r', expected: 'fs.readFileSync' },
    { name: 'namespace import', code: 'import * as fs from "fs";\nfs.readFileSync("a");', callee: 'fs.readFileSync', expected: 'fs.readFileSync' },
    { name: 'default import', code: 'import fs from "fs";\nfs.readFileSync("a");', callee: 'fs.readFileSync', expected: 'fs.readFileSync' },
    { name: 'import { default as }', code: 'import { default as fs } from "node:fs";\nfs.statSync("a");', callee: 'fs.statSync', expected: 'fs.statSync' },
    { name: 'require', code: 'const fs = require("fs");\nfs.readFileSync("a");', callee: 'fs.readFileSync', expected: 'fs.readFileSync', fileName: 'a.js' },
    { name: 'destructured require with rename', code: 'const { readFileSync: read } = require("node:fs");\nread("a");', callee: 'read', expected: 'fs.readFileSync', fileName: 'a.js' },
    { name: 'nested destructuring of fs.promises', code: 'const { promises: { readFile } } = require("fs");\nreadFile("a");', callee: 'readFile', expected: 'fs/promises.readFile', fileName: 'a.js' },
    { name: 'require(...).promises', code: 'const fsp = require("fs").promises;\nfsp.readFile("a");', callee: 'fsp.readFile', expected: 'fs/promises.readFile', fileName: 'a.js' },
    { name: 'require used directly', code: 'require("fs").readFileSync("a");', callee: 'require("fs").readFileSync', expected: 'fs.readFileSync', fileName: 'a.js' },
    { name: 'import { promises as }', code: 'import { promises as fsp } from "fs";\nfsp.readFile("a");', callee: 'fsp.readFile', expected: 'fs/promises.readFile' },
    { name: 'fs/promises namespace', code: 'import * as fsp from "node:fs/promises";\nfsp.readFile("a");', callee: 'fsp.readFile', expected: 'fs/promises.readFile' },
    { name: 'fs.promises member', code: 'import * as fs from "fs";\nfs.promises.readFile("a");', callee: 'fs.promises.readFile', expected: 'fs/promises.readFile' },
    { name: 'element access', code: 'import * as fs from "fs";\nfs["readFileSync"]("a");', callee: 'fs["readFileSync"]', expected: 'fs.readFileSync' },
    { name: 'child_process', code: 'import { execSync as run } from "node:child_process";\nrun("ls");', callee: 'run', expected: 'child_process.execSync' },
    { name: 'import = require', code: 'import cp = require("child_process");\ncp.spawnSync("ls");', callee: 'cp.spawnSync', expected: 'child_process.spawnSync' },
    { name: 'await import()', code: 'async function f() { const fs = await import("node:fs"); fs.readFileSync("a"); }', callee: 'fs.readFileSync', expected: 'fs.readFileSync' },
    { name: 'global Atomics.wait', code: 'Atomics.wait(a, 0, 0);', callee: 'Atomics.wait', expected: 'Atomics.wait' },
    { name: 'globalThis.fetch', code: 'globalThis.fetch("/");', callee: 'globalThis.fetch', expected: 'fetch' },
    { name: 'parenthesised and asserted callee', code: 'import * as fs from "fs";\n(fs as any).readFileSync("a");', callee: '(fs as any).readFileSync', expected: 'fs.readFileSync' },
    // Shadowing: the closest declaration wins.
    { name: 'parameter shadows import', code: 'import { readFileSync } from "fs";\nfunction f(readFileSync) { readFileSync("a"); }', callee: 'readFileSync', expected: undefined },
    { name: 'destructured parameter shadows import', code: 'import { readFileSync } from "fs";\nfunction f({ readFileSync }) { readFileSync("a"); }', callee: 'readFileSync', expected: undefined },
    { name: 'local const shadows namespace', code: 'import * as fs from "fs";\nfunction f() { const fs = mock(); fs.readFileSync("a"); }', callee: 'fs.readFileSync', expected: undefined },
    { name: 'function declaration shadows import', code: 'import { readFileSync } from "fs";\nasync function f() { function readFileSync(p) {} readFileSync("a"); }', callee: 'readFileSync', expected: undefined },
    { name: 'catch binding shadows import', code: 'import * as fs from "fs";\ntry {} catch (fs) { fs.readFileSync("a"); }', callee: 'fs.readFileSync', expected: undefined },
    { name: 'class declaration shadows import', code: 'import { readFileSync } from "fs";\n{ class readFileSync {} readFileSync("a"); }', callee: 'readFileSync', expected: undefined },
    { name: 'var hoists out of a block', code: 'import * as fs from "fs";\nfunction f() { if (x) { var fs = 1; } fs.readFileSync("a"); }', callee: 'fs.readFileSync', expected: undefined },
    { name: 'let stays in its block', code: 'import * as fs from "fs";\nfunction f() { if (x) { let fs = 1; } fs.readFileSync("a"); }', callee: 'fs.readFileSync', expected: 'fs.readFileSync' },
    { name: 'for-of binding', code: 'import * as fs from "fs";\nfor (const fs of list) fs.readFileSync("a");', callee: 'fs.readFileSync', expected: undefined },
    { name: 'function expression name', code: 'import { readFileSync } from "fs";\nconst g = function readFileSync() { readFileSync("a"); };', callee: 'readFileSync', expected: undefined },
    { name: 'parameter of a function type does not shadow', code: 'import * as fs from "fs";\nfunction f(cb: (fs: number) => void) { fs.readFileSync("a"); }', callee: 'fs.readFileSync', expected: 'fs.readFileSync' },
    { name: 'type-only import binds no value', code: 'import type { readFileSync } from "fs";\nreadFileSync("a");', callee: 'readFileSync', expected: 'readFileSync' },
    { name: 'a local require is not Node\'s', code: 'function require(m) { return {}; }\nrequire("fs").readFileSync("a");', callee: 'require("fs").readFileSync', expected: undefined, fileName: 'a.js' },
    { name: 'shadowed Atomics', code: 'function f(Atomics) { Atomics.wait(a, 0, 0); }', callee: 'Atomics.wait', expected: undefined },
    { name: 'shadowed fetch', code: 'import fetch from "node-fetch";\nfetch("/");', callee: 'fetch', expected: 'node-fetch' },
    { name: 'relative module is not fs', code: 'import { readFileSync } from "./fs";\nreadFileSync("a");', callee: 'readFileSync', expected: './fs.readFileSync' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const parsed = parse(c.code, c.fileName);
      const call = findCall(parsed.sourceFile, c.callee);
      assert.equal(bindingsOf(parsed).resolve(call.expression)?.qualified, c.expected);
    });
  }

  it('reports the normalised module and the member path', () => {
    const parsed = parse('import { promises } from "node:fs";\npromises.readFile("a");');
    const resolved = bindingsOf(parsed).resolve(findCall(parsed.sourceFile, 'promises.readFile').expression);
    assert.deepEqual(resolved, { module: 'fs/promises', path: ['readFile'], qualified: 'fs/promises.readFile' });
  });

  it('resolves a bare name at a location', () => {
    const parsed = parse('import { readFile } from "fs/promises";\nfunction f(readFile) { a(); }\nb();');
    const bindings = bindingsOf(parsed);
    assert.equal(bindings.resolveName('readFile', findCall(parsed.sourceFile, 'a')), undefined);
    assert.equal(bindings.resolveName('readFile', findCall(parsed.sourceFile, 'b'))?.qualified, 'fs/promises.readFile');
    assert.equal(bindings.resolveName('fetch', findCall(parsed.sourceFile, 'b'))?.qualified, 'fetch');
  });
});

describe('file facts', () => {
  it('builds the tables once per parse', () => {
    const text = 'import * as fs from "fs";\nfs.readFileSync("a");';
    const parsed = parse(text);
    assert.equal(bindingsOf(parsed), bindingsOf(parsed));
    assert.notEqual(bindingsOf(parse(text)), bindingsOf(parsed));
  });

  it('collects every declared name and module binding', () => {
    const parsed = parse('import { a as b } from "x";\nconst { c } = require("y");\nfunction d(e) { let f; try {} catch (g) {} }\nclass H {}');
    const bindings = bindingsOf(parsed);
    assert.deepEqual([...bindings.declaredNames].sort(), ['H', 'b', 'c', 'd', 'e', 'f', 'g']);
    assert.deepEqual(bindings.moduleBindings.map((m) => `${m.name}=${m.specifier}:${m.path.join('.')}`), ['b=x:a', 'c=y:c']);
  });

  it('tells ES module files from CommonJS files', () => {
    assert.equal(bindingsOf(parse('import * as fs from "fs";', 'a.js')).moduleStyle, 'esm');
    assert.equal(bindingsOf(parse('export async function f() {}', 'a.js')).moduleStyle, 'esm');
    assert.equal(bindingsOf(parse('const fs = require("fs");', 'a.ts')).moduleStyle, 'cjs');
    assert.equal(bindingsOf(parse('async function f() {}', 'a.cjs')).moduleStyle, 'cjs');
    assert.equal(bindingsOf(parse('async function f() {}', 'a.mjs')).moduleStyle, 'esm');
    assert.equal(bindingsOf(parse('async function f() {}', 'a.ts')).moduleStyle, 'esm');
  });

  it('finds the directive prologue and the leading module statements', () => {
    const parsed = parse('"use strict";\nconst fs = require("fs");\nconst { x } = require("y");\nrun();\nconst late = require("z");', 'a.js');
    const bindings = bindingsOf(parsed);
    assert.equal(bindings.directives.length, 1);
    assert.deepEqual(
      bindings.leadingModuleStatements.map((s) => s.getText(parsed.sourceFile)),
      ['const fs = require("fs");', 'const { x } = require("y");'],
    );
  });
});
