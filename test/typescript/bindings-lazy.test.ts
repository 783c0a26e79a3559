// The binding tables are built lazily, one var-scope region at a time (facts/bindings.ts). Over every
// TypeScript/JavaScript rule fixture and the bench's big service file shape, looked up in a seeded
// random order, they must answer exactly as tables built in one walk up front.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { bindingsOf, eagerBindings, type Binding } from '../../server/src/languages/typescript/facts/bindings';
import type { TypeScriptParsed } from '../../server/src/languages/typescript/parsed';
import { ruleFixtures } from '../helpers/incremental';
import { seeded as random } from '../reliability/support';

function describeBinding(binding: Binding | undefined): string {
  if (binding === undefined) return 'none';
  const where = `${binding.declaration.kind}@${binding.declaration.pos}`;
  return binding.kind === 'module' ? `module ${binding.name} ${binding.specifier} ${binding.path.join('.')} ${binding.via} ${where}` : `local ${binding.name} ${where}`;
}

function compare(fileName: string, text: string, seed: number): number {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const parsed: TypeScriptParsed = { sourceFile, types: () => undefined };
  const lazy = bindingsOf(parsed);
  const eager = eagerBindings(sourceFile);
  const nodes: ts.Node[] = [];
  const collect = (node: ts.Node): void => {
    nodes.push(node);
    ts.forEachChild(node, collect);
  };
  collect(sourceFile);
  const next = random(seed);
  // A random order, so that regions are walked in every order.
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
  }
  let checked = 0;
  for (const node of nodes) {
    const names = ts.isIdentifier(node) ? [node.text, 'Promise'] : ['require', 'fetch'];
    for (const name of names) {
      assert.equal(describeBinding(lazy.lookup(name, node)), describeBinding(eager.lookup(name, node)), `${fileName}: ${name} at ${node.pos}`);
      checked++;
    }
    if (ts.isCallExpression(node) || ts.isPropertyAccessExpression(node)) {
      assert.deepEqual(lazy.resolve(node as ts.Expression), eager.resolve(node as ts.Expression), `${fileName}: resolve at ${node.pos}`);
    }
  }
  assert.deepEqual(lazy.moduleBindings.map(describeBinding), eager.moduleBindings.map(describeBinding), fileName);
  assert.deepEqual([...lazy.declaredNames].sort(), [...eager.declaredNames].sort(), fileName);
  assert.equal(lazy.moduleStyle, eager.moduleStyle, fileName);
  return checked;
}

describe('lazy binding tables', () => {
  it('answer as eager ones on every fixture', () => {
    let checked = 0;
    for (const [i, file] of ruleFixtures('typescript', /\.[cm]?[jt]sx?$/).entries()) checked += compare(file, readFileSync(file, 'utf8'), 100 + i);
    assert.ok(checked > 5000, `${checked} lookups`);
  });

  it('answer as eager ones on nested scopes, hoisting and broken code', () => {
    const text = [
      'import fs, { readFileSync as slurp } from "node:fs";',
      'const cp = require("child_process");',
      'function outer(fs = slurp, { a, b: [c] } = {}) {',
      '  var hoisted = require("os");',
      '  const named = function self(self) { var fs = 1; return self + fs; };',
      '  class K { m(slurp) { return slurp; } static { var s = cp; } }',
      '  const E = class Inner { f = () => Inner; };',
      '  try { fs.x(); } catch (cp) { let q = cp; } finally { }',
      '  for (let i = 0; i < 1; i++) { var late = i; }',
      '  switch (a) { case 1: let z = 2; }',
      '  return async function () { const { readFile } = await import("fs/promises"); return readFile; };',
      '}',
      'namespace N { export const fs = 2; function g() { return fs; } }',
      'let t: (fs: string) => void = (x) => { hoisted; };',
      'function broken( { if (x) { var y = ',
    ].join('\n');
    for (let seed = 0; seed < 20; seed++) compare('nested.ts', text, seed);
    for (let cut = 0; cut < text.length; cut += 17) compare('cut.ts', text.slice(0, cut), cut);
  });
});
