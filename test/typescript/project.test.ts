// The TypeScript project model: config discovery (nearest, references, solution style, broken
// configs), inferred projects, the overlay of analysed texts, forget/invalidate, and reuse of the
// program across files and edits.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { ProjectService } from '../../server/src/languages/typescript/project/service';
import { tempProject } from '../helpers/tempProject';

const { root, write } = tempProject('ag-project-');

/** The type, as the checker prints it, of the first call of `callee` in `file`'s program. */
function callType(service: ProjectService, file: string, text: string, callee: string): string | undefined {
  const types = service.typesFor(file, text);
  if (types === undefined) return undefined;
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found === undefined && ts.isCallExpression(node) && node.expression.getText(types.sourceFile) === callee) {
      found = types.checker.typeToString(types.checker.getTypeAtLocation(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(types.sourceFile);
  return found;
}

const STRICT = JSON.stringify({ compilerOptions: { strict: true, module: 'preserve', moduleResolution: 'bundler', lib: ['es2023'], types: [] }, include: ['src'] });

describe('project discovery', () => {
  const service = new ProjectService();
  write('app/tsconfig.json', STRICT);
  const util = write('app/src/util.ts', 'export async function go(): Promise<number> { return 1; }\n');
  const mainText = 'import { go } from "./util";\nexport function run() { go(); }\n';
  const main = write('app/src/main.ts', mainText);
  const loose = write('app/scripts/loose.ts', 'export const x = 1;\n');

  it('uses the nearest config that includes the file', () => {
    assert.deepEqual(service.ownerOf(service.nameOf(main)), { kind: 'configured', configFile: service.nameOf(path.join(root, 'app/tsconfig.json')) });
    assert.equal(callType(service, main, mainText, 'go'), 'Promise<number>');
  });

  it('gives a file no config includes an inferred project', () => {
    assert.deepEqual(service.ownerOf(service.nameOf(loose)), { kind: 'inferred' });
    assert.ok(service.typesFor(loose, 'export const x = 1;\n') !== undefined);
  });

  it('reuses one program across the files of a project', () => {
    const a = service.typesFor(main, mainText);
    const b = service.typesFor(util, 'export async function go(): Promise<number> { return 1; }\n');
    assert.ok(a !== undefined && b !== undefined);
    assert.equal(a.program, b.program);
  });

  it('an edit re-parses only the edited file, and other files see the unsaved text', () => {
    const before = service.typesFor(main, mainText);
    assert.ok(before !== undefined);
    const libBefore = before.program.getSourceFiles().find((f) => f.fileName.endsWith('lib.es5.d.ts'));
    // The editor changes util.ts without saving: main.ts's program sees it.
    const edited = 'export function go(): number { return 1; }\n';
    assert.ok(service.typesFor(util, edited) !== undefined);
    assert.equal(callType(service, main, mainText, 'go'), 'number');
    const afterEdit = service.typesFor(main, mainText);
    assert.ok(afterEdit !== undefined);
    assert.notEqual(afterEdit.program, before.program);
    assert.equal(afterEdit.program.getSourceFiles().find((f) => f.fileName.endsWith('lib.es5.d.ts')), libBefore);
    assert.equal(afterEdit.sourceFile, before.sourceFile, 'the unchanged file keeps its SourceFile');
    // Closed without saving: the disk's text applies again.
    service.forget(util);
    assert.equal(callType(service, main, mainText, 'go'), 'Promise<number>');
  });

  it('picks up changes on disk through invalidate', () => {
    write('app/src/util.ts', 'export function go(): string { return ""; }\n');
    assert.equal(callType(service, main, mainText, 'go'), 'Promise<number>', 'cached until invalidated');
    service.invalidate([util]);
    assert.equal(callType(service, main, mainText, 'go'), 'string');
  });

  it('follows references of a solution-style config', () => {
    write('mono/tsconfig.json', JSON.stringify({ files: [], references: [{ path: './packages/a' }] }));
    write('mono/packages/a/tsconfig.json', STRICT);
    const file = write('mono/packages/a/src/index.ts', 'export const a = 1;\n');
    assert.deepEqual(service.ownerOf(service.nameOf(file)), {
      kind: 'configured',
      configFile: service.nameOf(path.join(root, 'mono/packages/a/tsconfig.json')),
    });
  });

  it('follows extends', () => {
    write('ext/base.json', JSON.stringify({ compilerOptions: { strict: true, types: [] }, include: ['lib'] }));
    write('ext/tsconfig.json', JSON.stringify({ extends: './base.json' }));
    const file = write('ext/lib/x.ts', 'export const x = 1;\n');
    assert.deepEqual(service.ownerOf(service.nameOf(file)), { kind: 'configured', configFile: service.nameOf(path.join(root, 'ext/tsconfig.json')) });
  });
});

describe('broken configs', () => {
  const service = new ProjectService();

  it('bad JSON: inferred project meanwhile, and a problem on the config', () => {
    const config = write('bad/tsconfig.json', '{\n  "compilerOptions": { "strict": true, }\n  "include": ["src"]\n}\n');
    const text = 'export async function f() {}\nf();\n';
    const file = write('bad/src/a.ts', text);
    assert.deepEqual(service.ownerOf(service.nameOf(file)), { kind: 'inferred' });
    assert.ok(service.typesFor(file, text) !== undefined);
    const problems = service.configProblems().filter((p) => p.file === service.nameOf(config));
    assert.ok(problems.length > 0);
    assert.equal(problems[0].line, 2);
  });

  it('extends a missing file: the problem points at "extends"', () => {
    const config = write('missing/tsconfig.json', '{\n  "extends": "./nope.json",\n  "include": ["src"]\n}\n');
    const file = write('missing/src/a.ts', 'export const a = 1;\n');
    assert.deepEqual(service.ownerOf(service.nameOf(file)), { kind: 'inferred' });
    const problems = service.configProblems([config]).filter((p) => p.file === service.nameOf(config));
    assert.equal(problems.length, 1);
    assert.deepEqual([problems[0].line, problems[0].column], [1, 2]);
    assert.match(problems[0].message, /nope\.json/);
  });

  it('a fixed config is used after invalidate', () => {
    const config = write('bad/tsconfig.json', STRICT);
    service.invalidate([config]);
    const file = service.nameOf(path.join(root, 'bad/src/a.ts'));
    assert.equal(service.ownerOf(file).kind, 'configured');
    assert.deepEqual(service.configProblems().filter((p) => p.file === service.nameOf(config)), []);
  });
});

describe('inferred projects', () => {
  const service = new ProjectService();

  it('untitled files get types (Node and DOM libraries included)', () => {
    const text = 'fetch("/x");\nsetImmediate(() => 1);\n';
    assert.equal(callType(service, 'untitled_1.ts', text, 'fetch'), 'Promise<Response>');
  });

  it('loose scripts of one folder do not see each other', () => {
    const a = write('loose/a.js', 'async function shared() { return 1; }\n');
    const bText = 'function shared() { return "x"; }\nshared();\n';
    const b = write('loose/b.js', bText);
    assert.equal(callType(service, b, bText, 'shared'), 'string');
    void a;
  });

  it('never throws, and gives no types for huge files', () => {
    assert.equal(service.typesFor(path.join(root, 'huge.ts'), 'x;'.repeat(1_100_000)), undefined);
  });
});
