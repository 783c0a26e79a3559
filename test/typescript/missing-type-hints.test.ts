// missing-type-hints for TypeScript: the return-type fix, with and without type information.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { applyEdits } from '../../server/src/engine/fixes';
import { SourceText } from '../../server/src/engine/sourceText';
import type { Report } from '../../server/src/engine/types';
import check from '../../server/src/languages/typescript/checks/missing-type-hints';
import { repoRoot } from '../helpers/engine';
import type { TypeScriptParsed } from '../../server/src/languages/typescript/parsed';
import { checkFix, checkFixAllIdempotent, ruleFindings, syntaxErrors, type FixCase } from './fix-helpers';

const RULE = 'missing-type-hints';

const cases: FixCase[] = [
  {
    name: 'no return value: void',
    input: 'export function log(message: string) {\n  globalThis.console.info(message);\n}\n',
    expected: 'export function log(message: string): void {\n  globalThis.console.info(message);\n}\n',
    safety: 'safe',
  },
  {
    name: 'async without a return value: Promise<void>',
    input: 'export async function flush(): Promise<void>;\nexport const save = async (p: string) => {\n  await Promise.resolve(p);\n};\n',
    expected: 'export async function flush(): Promise<void>;\nexport const save = async (p: string): Promise<void> => {\n  await Promise.resolve(p);\n};\n',
    safety: 'safe',
  },
  {
    name: 'a method',
    input: 'export class A {\n  reset(a: number) {\n    void a;\n  }\n}\n',
    expected: 'export class A {\n  reset(a: number): void {\n    void a;\n  }\n}\n',
    safety: 'safe',
  },
];

describe('missing-type-hints (TypeScript) fixes without type information', () => {
  for (const c of cases) it(c.name, () => checkFix(RULE, c));

  it('no fix when the function returns a value, for generators, or for unparenthesised arrows', () => {
    const text = 'export function a(x: number) {\n  return x;\n}\nexport function* g() {}\nexport const h = async x => { void x; };\n';
    const { reports } = runCheck(text, false);
    const returnTypeReports = reports.filter((r) => /return type/.test(r.message));
    assert.equal(returnTypeReports.length, 3);
    assert.ok(returnTypeReports.every((r) => r.fixes === undefined));
  });

  it('is not run on JavaScript or declaration files', async () => {
    assert.equal((await ruleFindings(RULE, 'export function f(a) { return a; }\n', 'example.js')).length, 0);
    assert.equal((await ruleFindings(RULE, 'export declare function f(a);\n', 'example.d.ts')).length, 0);
  });

  it('publicOnly: only exported functions and public methods of exported classes', async () => {
    const text = 'function inner() {}\nexport function outer() {}\nexport class C {\n  private p() {}\n  protected q() {}\n  r() {}\n}\nclass D {\n  s() {}\n}\n';
    const names = async (settings: object): Promise<string[]> =>
      (await ruleFindings(RULE, text, 'example.ts', settings)).map((f) => text.slice(f.start, f.end));
    assert.deepEqual(await names({}), ['inner', 'outer', 'p', 'q', 'r', 's']);
    assert.deepEqual(await names({ ruleOptions: { [RULE]: { publicOnly: true } } }), ['outer', 'r']);
  });

  it('reports `any` on the keyword and untyped parameters on their name', async () => {
    const text = 'export function f(a: Record<string, any>, b, ...rest: any[]): void {}\n';
    const found = await ruleFindings(RULE, text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['any', 'b', 'any']);
  });

  it('fix-all is idempotent', async () => {
    const fixed = await checkFixAllIdempotent(RULE, 'export function a() {}\nexport async function b() {}\n', 'example.ts', false);
    assert.equal(fixed, 'export function a(): void {}\nexport async function b(): Promise<void> {}\n');
  });
});

/** Runs the check directly on a file with a real program behind `types()`. */
function runWithTypes(text: string): { reports: Report[]; fileName: string } {
  return runCheck(text, true);
}

function runCheck(text: string, withTypes: boolean): { reports: Report[]; fileName: string } {
  const fileName = '/virtual/example.ts';
  const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.es2022.d.ts'] };
  const host = ts.createCompilerHost(options, true);
  // The compiler is bundled into the test: point it at its lib files in node_modules.
  host.getDefaultLibLocation = () => path.join(repoRoot, 'node_modules', 'typescript', 'lib');
  host.getDefaultLibFileName = (o) => path.join(repoRoot, 'node_modules', 'typescript', 'lib', ts.getDefaultLibFileName(o));
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, shouldCreate) =>
    name === fileName ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true) : original(name, version, onError, shouldCreate);
  const originalExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || originalExists(name);
  const program = ts.createProgram([fileName], options, host);
  const sourceFile = program.getSourceFile(fileName);
  assert.ok(sourceFile !== undefined);
  const parsed: TypeScriptParsed = {
    sourceFile: ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true),
    types: () => (withTypes ? { program, checker: program.getTypeChecker(), sourceFile } : undefined),
  };
  const reports: Report[] = [];
  check.run({ parsed, source: new SourceText(text), fileName, options: { publicOnly: false }, project: {}, report: (r) => reports.push(r) });
  return { reports, fileName };
}

describe('missing-type-hints (TypeScript) fixes with type information', () => {
  const withTypes: { name: string; input: string; expected: string | undefined }[] = [
    {
      name: 'a primitive',
      input: 'export function size(a: string) {\n  return a.length;\n}\n',
      expected: 'export function size(a: string): number {\n  return a.length;\n}\n',
    },
    {
      name: 'an async function',
      input: 'export async function name(a: { n: string }) {\n  return a.n;\n}\n',
      expected: 'export async function name(a: { n: string }): Promise<string> {\n  return a.n;\n}\n',
    },
    {
      name: 'a type declared in the file',
      input: 'export interface User {\n  id: string;\n}\nexport function make(id: string) {\n  const user: User = { id };\n  return user;\n}\n',
      expected: 'export interface User {\n  id: string;\n}\nexport function make(id: string): User {\n  const user: User = { id };\n  return user;\n}\n',
    },
    {
      name: 'a type not visible at the function: no fix',
      input: 'export function make() {\n  interface Hidden {\n    id: string;\n  }\n  const h: Hidden = { id: "x" };\n  return h;\n}\n',
      expected: undefined,
    },
    {
      name: 'an inferred any: no fix',
      input: 'export function parse(text: string) {\n  return JSON.parse(text);\n}\n',
      expected: undefined,
    },
  ];
  for (const c of withTypes) {
    it(c.name, () => {
      const { reports, fileName } = runWithTypes(c.input);
      assert.equal(reports.length, 1);
      const fix = reports[0].fixes?.[0];
      if (c.expected === undefined) {
        assert.equal(fix, undefined);
        return;
      }
      assert.ok(fix !== undefined);
      assert.equal(fix.safety, 'safe');
      const output = applyEdits(c.input, fix.edits);
      assert.equal(output, c.expected);
      assert.deepEqual(syntaxErrors(output, fileName), []);
      assert.equal(runWithTypes(output).reports.length, 0);
    });
  }
});
