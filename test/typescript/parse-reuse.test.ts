// The TypeScript pack parses each file once: it reuses the program's SourceFile when the project
// already holds the text, edits are re-parsed incrementally (a snapshot that knows what changed),
// and the comment/depth walk never uses getChildren (it may run over the program's own tree).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { SourceText } from '../../server/src/engine/sourceText';
import typescriptPack, { projects } from '../../server/src/languages/typescript/pack';
import { TextSnapshot } from '../../server/src/languages/typescript/project/project';
import { ProjectService } from '../../server/src/languages/typescript/project/service';
import { tempProject } from '../helpers/tempProject';

const { root, write } = tempProject('ag-parse-reuse-');

const CONFIG = JSON.stringify({ compilerOptions: { strict: true, module: 'preserve', moduleResolution: 'bundler', lib: ['es2023'], types: [] }, include: ['src'] });

/** Applies a change range the way the incremental parser reads it. */
function applyChange(before: string, after: string): string {
  const range = new TextSnapshot(after).getChangeRange(new TextSnapshot(before));
  assert.ok(range !== undefined);
  const inserted = after.slice(range.span.start, range.span.start + range.newLength);
  return before.slice(0, range.span.start) + inserted + before.slice(range.span.start + range.span.length);
}

describe('TextSnapshot change ranges', () => {
  it('describe insertions, deletions and replacements exactly', () => {
    const base = 'export async function f() {\n  await g();\n}\n';
    for (const after of [base, `${base}// c\n`, base.replace('await ', ''), base.replace('g()', 'h(1, 2)'), '', `x${base}`, 'aaaa', 'aa']) {
      assert.equal(applyChange(base, after), after);
    }
    assert.equal(applyChange('aaa', 'aaaa'), 'aaaa');
    assert.equal(new TextSnapshot('x').getChangeRange(ts.ScriptSnapshot.fromString('x')), undefined, 'unknown snapshots: no range');
  });

  it('an edit re-parses to the same tree as a fresh parse', () => {
    const service = new ProjectService();
    write('inc/tsconfig.json', CONFIG);
    const text = 'export async function f(): Promise<number> {\n  return 1;\n}\nexport const x = f();\n';
    const file = write('inc/src/a.ts', text);
    assert.ok(service.typesFor(file, text) !== undefined);
    const edited = text.replace('return 1;', 'return 1 + 2; // more');
    const types = service.typesFor(file, edited);
    assert.ok(types !== undefined);
    const fresh = ts.createSourceFile(file, edited, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const shape = (sf: ts.SourceFile): string[] => {
      const out: string[] = [];
      const visit = (node: ts.Node): void => {
        out.push(`${ts.SyntaxKind[node.kind]}@${node.pos}-${node.end}`);
        ts.forEachChild(node, visit);
      };
      visit(sf);
      return out;
    };
    assert.deepEqual(shape(types.sourceFile), shape(fresh));
    const x = (types.sourceFile.statements[1] as ts.VariableStatement).declarationList.declarations[0].name;
    assert.equal(types.checker.typeToString(types.checker.getTypeAtLocation(x)), 'Promise<number>');
  });
});

describe('one parse per file', () => {
  it('reuses the program SourceFile once the project holds the text, and parses an edit through the project', () => {
    write('reuse/tsconfig.json', CONFIG);
    const aText = 'export async function load(): Promise<number> { return 1; }\n';
    const bText = 'import { load } from "./a";\nexport async function run() {\n  load();\n}\n';
    const a = write('reuse/src/a.ts', aText);
    const b = write('reuse/src/b.ts', bText);
    const first = typescriptPack.parse(new SourceText(aText), a);
    const firstTypes = first.types();
    assert.ok(firstTypes !== undefined);
    // The project now holds b.ts too: its parse is the program's own SourceFile, bound (parents set).
    const second = typescriptPack.parse(new SourceText(bText), b);
    const secondTypes = second.types();
    assert.ok(secondTypes !== undefined);
    assert.equal(second.sourceFile, secondTypes.sourceFile);
    assert.ok(second.sourceFile.statements[1].parent === second.sourceFile);
    // An edit in a warm project: parsed once, by the project.
    const edited = bText.replace('load();', 'void load();');
    const third = typescriptPack.parse(new SourceText(edited), b);
    const thirdTypes = third.types();
    assert.ok(thirdTypes !== undefined);
    assert.equal(third.sourceFile, thirdTypes.sourceFile);
    assert.equal(third.sourceFile.text, edited);
    projects.forget(b);
    projects.forget(a);
  });
});

describe('comments and depth', () => {
  const structure = (fileName: string, text: string): { comments: string[]; depth: number } => {
    const parsed = typescriptPack.parse(new SourceText(text), path.join(root, 'loose', fileName));
    const result = typescriptPack.structure(parsed);
    return { comments: result.comments.map((c) => c.text), depth: result.depth };
  };

  it('finds every comment, and nothing inside strings, regexes, templates or JSX text', () => {
    const text = [
      '#!/usr/bin/env node',
      '// first',
      'const re = /a\\/\\/b/; /* after regex */',
      'const s = "// not" + \'/* not */\' + `// ${1 /* in template */} not`;',
      'function f(/* p */ a: number, b /* q */: string) /* r */ {',
      '  return a; // end',
      '}',
      'const el = <div>// text, not a comment{/* jsx */}</div>;',
      '/** trailing */',
    ].join('\n');
    assert.deepEqual(structure('view.tsx', text).comments, [
      '// first',
      '/* after regex */',
      '/* in template */',
      '/* p */',
      '/* q */',
      '/* r */',
      '// end',
      '/* jsx */',
      '/** trailing */',
    ]);
  });

  it('counts depth as a list-per-level tree does', () => {
    // SourceFile, statement list, statement, then the identifier and the `;` token.
    assert.equal(structure('flat.ts', 'x;\n').depth, 3);
    assert.ok(structure('nested.ts', `const v = ${'['.repeat(50)}${']'.repeat(50)};\n`).depth > 100);
  });
});
