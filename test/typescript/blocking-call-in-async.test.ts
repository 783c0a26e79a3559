// blocking-call-in-async for TypeScript/JavaScript: messages and the `fs/promises` fix. Every fix
// is applied, compared with the exact expected text, re-parsed, and re-analysed.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { applyEdits } from '../../server/src/engine/fixes';
import type { Finding, Fix } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';
import { onlyRule } from './fix-helpers';

const RULE = 'blocking-call-in-async';

function syntaxErrors(text: string, fileName: string): string[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  // `parseDiagnostics` is internal to the compiler API (absent from its typings), but it is exactly
  // the list of syntax errors of a `createSourceFile` result, without building a program.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

async function findings(text: string, fileName: string): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text, fileName });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === RULE);
}

interface FixCase {
  name: string;
  fileName?: string;
  input: string;
  /** Which finding (in source order) to fix. */
  index?: number;
  expected: string;
  safety: Fix['safety'];
}

const fixCases: FixCase[] = [
  {
    name: 'the docs example: adds the import after the existing ones',
    input: [
      'import { readFileSync } from "node:fs";',
      '',
      'export async function loadConfig(path: string): Promise<string> {',
      '  return readFileSync(path, "utf8");',
      '}',
      '',
    ].join('\n'),
    expected: [
      'import { readFileSync } from "node:fs";',
      'import { readFile } from "node:fs/promises";',
      '',
      'export async function loadConfig(path: string): Promise<string> {',
      '  return await readFile(path, "utf8");',
      '}',
      '',
    ].join('\n'),
    safety: 'safe',
  },
  {
    name: 'an initializer',
    input: 'import { statSync } from "fs";\nasync function f(p: string) {\n  const s = statSync(p);\n  return s;\n}\n',
    expected: 'import { statSync } from "fs";\nimport { stat } from "node:fs/promises";\nasync function f(p: string) {\n  const s = await stat(p);\n  return s;\n}\n',
    safety: 'safe',
  },
  {
    name: 'an expression statement',
    input: 'import { mkdirSync } from "fs";\nasync function f(p: string) {\n  mkdirSync(p, { recursive: true });\n}\n',
    expected: 'import { mkdirSync } from "fs";\nimport { mkdir } from "node:fs/promises";\nasync function f(p: string) {\n  await mkdir(p, { recursive: true });\n}\n',
    safety: 'safe',
  },
  {
    name: 'a member access on the result needs parentheses (and is unsafe)',
    input: 'import { readFileSync } from "fs";\nasync function f(p: string) {\n  const s = readFileSync(p).toString();\n  return s;\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readFile } from "node:fs/promises";\nasync function f(p: string) {\n  const s = (await readFile(p)).toString();\n  return s;\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'an argument is unsafe',
    input: 'import { readFileSync } from "fs";\nasync function f(p: string) {\n  return JSON.parse(readFileSync(p, "utf8"));\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readFile } from "node:fs/promises";\nasync function f(p: string) {\n  return JSON.parse(await readFile(p, "utf8"));\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'an async arrow with a concise body',
    input: 'import { readdirSync } from "fs";\nexport const list = async (dir: string) => readdirSync(dir);\n',
    expected: 'import { readdirSync } from "fs";\nimport { readdir } from "node:fs/promises";\nexport const list = async (dir: string) => await readdir(dir);\n',
    safety: 'safe',
  },
  {
    name: 'reuses a named import of the twin',
    input: 'import { readFileSync } from "fs";\nimport { readFile } from "fs/promises";\nasync function f(p: string) {\n  return readFileSync(p);\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readFile } from "fs/promises";\nasync function f(p: string) {\n  return await readFile(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'adds the twin to an existing named import of fs/promises',
    input: 'import { readFileSync } from "fs";\nimport { readdir } from "node:fs/promises";\nasync function f(p: string) {\n  return readFileSync(p);\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readdir, readFile } from "node:fs/promises";\nasync function f(p: string) {\n  return await readFile(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'reuses an fs/promises namespace',
    input: 'import * as fsp from "node:fs/promises";\nimport { writeFileSync } from "fs";\nasync function f(p: string) {\n  writeFileSync(p, "x");\n}\n',
    expected: 'import * as fsp from "node:fs/promises";\nimport { writeFileSync } from "fs";\nasync function f(p: string) {\n  await fsp.writeFile(p, "x");\n}\n',
    safety: 'safe',
  },
  {
    name: 'reuses `promises as` from fs',
    input: 'import { promises as pfs, unlinkSync } from "fs";\nasync function f(p: string) {\n  unlinkSync(p);\n}\n',
    expected: 'import { promises as pfs, unlinkSync } from "fs";\nasync function f(p: string) {\n  await pfs.unlink(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'reuses an fs namespace through .promises',
    input: 'import * as fs from "fs";\nasync function f(p: string) {\n  fs.rmSync(p, { force: true });\n}\n',
    expected: 'import * as fs from "fs";\nasync function f(p: string) {\n  await fs.promises.rm(p, { force: true });\n}\n',
    safety: 'safe',
  },
  {
    name: 'the twin name is taken: a namespace import instead',
    input: 'import { readFileSync } from "fs";\nfunction readFile() {}\nasync function f(p: string) {\n  return readFileSync(p);\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport * as fsp from "node:fs/promises";\nfunction readFile() {}\nasync function f(p: string) {\n  return await fsp.readFile(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'the imported twin is shadowed at the call: a namespace import instead',
    input: 'import { readFileSync } from "fs";\nimport { readFile } from "fs/promises";\nconst fsp = 1;\nasync function f(readFile: unknown) {\n  return readFileSync("p");\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readFile } from "fs/promises";\nimport * as fsPromises from "node:fs/promises";\nconst fsp = 1;\nasync function f(readFile: unknown) {\n  return await fsPromises.readFile("p");\n}\n',
    safety: 'safe',
  },
  {
    name: 'single quotes and no semicolons are kept',
    input: "import { readFileSync } from 'fs'\nasync function f(p: string) {\n  return readFileSync(p)\n}\n",
    expected: "import { readFileSync } from 'fs'\nimport { readFile } from 'node:fs/promises'\nasync function f(p: string) {\n  return await readFile(p)\n}\n",
    safety: 'safe',
  },
  {
    name: 'a leading parenthesis after a line without a semicolon gets one',
    input: "import { readFileSync } from 'fs'\nasync function f(p: string) {\n  const a = 1\n  readFileSync(p).toString()\n  return a\n}\n",
    expected: "import { readFileSync } from 'fs'\nimport { readFile } from 'node:fs/promises'\nasync function f(p: string) {\n  const a = 1\n  ;(await readFile(p)).toString()\n  return a\n}\n",
    safety: 'unsafe',
  },
  {
    name: 'CommonJS: adds a destructured require',
    fileName: 'example.js',
    input: 'const { readFileSync } = require("fs");\n\nasync function f(p) {\n  return readFileSync(p, "utf8");\n}\n',
    expected: 'const { readFileSync } = require("fs");\nconst { readFile } = require("node:fs/promises");\n\nasync function f(p) {\n  return await readFile(p, "utf8");\n}\n',
    safety: 'safe',
  },
  {
    name: 'CommonJS: reuses a required fs namespace',
    fileName: 'example.cjs',
    input: 'const fs = require("node:fs");\nexports.f = async (p) => {\n  fs.appendFileSync(p, "x");\n};\n',
    expected: 'const fs = require("node:fs");\nexports.f = async (p) => {\n  await fs.promises.appendFile(p, "x");\n};\n',
    safety: 'safe',
  },
  {
    name: 'CommonJS: extends a destructured require of fs/promises',
    fileName: 'example.js',
    input: 'const { readFileSync } = require("fs");\nconst { stat } = require("fs/promises");\nasync function f(p) {\n  return readFileSync(p);\n}\n',
    expected: 'const { readFileSync } = require("fs");\nconst { stat, readFile } = require("fs/promises");\nasync function f(p) {\n  return await readFile(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'CommonJS: require used directly, after "use strict"',
    fileName: 'example.js',
    input: '"use strict";\nasync function f(p) {\n  return require("fs").readFileSync(p);\n}\n',
    expected: '"use strict";\nconst { readFile } = require("node:fs/promises");\nasync function f(p) {\n  return await readFile(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'no import yet: goes above the first statement, below header comments',
    input: '// Header.\nexport async function f(p: string) {\n  return (await import("fs")).readFileSync(p);\n}\n',
    expected: '// Header.\nimport { readFile } from "node:fs/promises";\nexport async function f(p: string) {\n  return await readFile(p);\n}\n',
    safety: 'safe',
  },
  {
    name: 'a file descriptor argument makes it unsafe (fs/promises wants a FileHandle)',
    input: 'import { readFileSync } from "fs";\nasync function f(fd: number) {\n  return readFileSync(fd);\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readFile } from "node:fs/promises";\nasync function f(fd: number) {\n  return await readFile(fd);\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'a .tsx file',
    fileName: 'example.tsx',
    input: 'import { readFileSync } from "fs";\nexport async function Page() {\n  return <pre>{readFileSync("a.txt", "utf8")}</pre>;\n}\n',
    expected: 'import { readFileSync } from "fs";\nimport { readFile } from "node:fs/promises";\nexport async function Page() {\n  return <pre>{await readFile("a.txt", "utf8")}</pre>;\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'CRLF line endings',
    input: 'import { readFileSync } from "fs";\r\nasync function f(p: string) {\r\n  return readFileSync(p);\r\n}\r\n',
    expected: 'import { readFileSync } from "fs";\r\nimport { readFile } from "node:fs/promises";\r\nasync function f(p: string) {\r\n  return await readFile(p);\r\n}\r\n',
    safety: 'safe',
  },
];

describe('blocking-call-in-async (TypeScript) fixes', () => {
  for (const c of fixCases) {
    it(c.name, async () => {
      const fileName = c.fileName ?? 'example.ts';
      const before = await findings(c.input, fileName);
      const finding = before[c.index ?? 0];
      assert.ok(finding !== undefined, 'no finding');
      const fix = finding.fixes?.[0];
      assert.ok(fix !== undefined, 'no fix');
      assert.equal(fix.safety, c.safety);
      const output = applyEdits(c.input, fix.edits);
      assert.equal(output, c.expected);
      assert.deepEqual(syntaxErrors(output, fileName), []);
      const after = await findings(output, fileName);
      assert.equal(after.length, before.length - 1, 'the fixed finding is still reported');
    });
  }

  const noFix: { name: string; input: string; fileName?: string }[] = [
    { name: 'existsSync has no twin', input: 'import { existsSync } from "fs";\nasync function f(p: string) {\n  return existsSync(p);\n}\n' },
    { name: 'spawnSync', input: 'import { spawnSync } from "child_process";\nasync function f() {\n  spawnSync("ls");\n}\n' },
    { name: 'zlib', input: 'import { gzipSync } from "zlib";\nasync function f() {\n  gzipSync("x");\n}\n' },
    { name: 'a busy-wait loop', input: 'async function f(end: number) {\n  while (Date.now() < end) {}\n}\n' },
    { name: 'Atomics.wait', input: 'async function f(a: Int32Array) {\n  Atomics.wait(a, 0, 0);\n}\n' },
    { name: 'a parameter default cannot hold await', input: 'import { readFileSync } from "fs";\nasync function f(p = readFileSync("a")) {\n  return p;\n}\n' },
  ];
  for (const c of noFix) {
    it(`flags without a fix: ${c.name}`, async () => {
      const found = await findings(c.input, c.fileName ?? 'example.ts');
      assert.equal(found.length, 1);
      assert.equal(found[0].fixes, undefined);
    });
  }

  it('names the async alternative in the message', async () => {
    const text = [
      'import { readFileSync, existsSync } from "fs";',
      'import { execSync, execFileSync, spawnSync } from "child_process";',
      'async function f(a: Int32Array) {',
      '  readFileSync("a");',
      '  existsSync("a");',
      '  execSync("ls");',
      '  execFileSync("ls");',
      '  spawnSync("ls");',
      '  Atomics.wait(a, 0, 0);',
      '}',
    ].join('\n');
    const messages = (await findings(text, 'example.ts')).map((f) => f.message);
    assert.equal(messages.length, 6);
    assert.match(messages[0], /`readFile` from `fs\/promises`/);
    assert.match(messages[1], /`access` or `stat`/);
    assert.match(messages[2], /promisified `child_process.exec`/);
    assert.match(messages[3], /promisified `child_process.execFile`/);
    assert.match(messages[4], /`child_process.spawn`/);
    assert.match(messages[5], /`Atomics.waitAsync`/);
  });

  it('reports the call expression as the range', async () => {
    const text = 'import * as fs from "fs";\nasync function f() {\n  const x = fs.readFileSync("a", "utf8").trim();\n}\n';
    const [finding] = await findings(text, 'example.ts');
    assert.equal(text.slice(finding.start, finding.end), 'fs.readFileSync("a", "utf8")');
  });
});

describe('blocking-call-in-async (TypeScript) fixes parse in every expression context', () => {
  // `R` stands for the flagged call; each line is the body of an async generator method.
  const contexts = [
    'x = R;',
    'R.length;',
    'R["length"];',
    'R?.length;',
    'R();',
    'R`tag`;',
    'R!;',
    'R as string;',
    'R satisfies unknown;',
    '<string>R;',
    'R ** 2;',
    '2 ** R;',
    '-R;',
    '!R;',
    'typeof R;',
    'void R;',
    'a ? R : b;',
    'a ?? R;',
    'x += R;',
    '[...R];',
    '({ a: R, ...R });',
    '`${R}`;',
    'new Foo(R);',
    'new (R)();',
    'class A extends R {}',
    'for (const x of R) {}',
    'for (const k in R) {}',
    'if (R) {}',
    'while (R) {}',
    'switch (R) { case R: break; }',
    'yield R;',
    'throw R;',
    'R, 1;',
    'label: R;',
    'const { a } = R;',
    'let q = R.toString(), r = R;',
  ];
  for (const context of contexts) {
    it(context, async () => {
      const body = context.replaceAll('R', 'readFileSync(p)');
      const input = `import { readFileSync } from "fs";\nclass C {\n  async *m(p: string, a: any, b: any, x: any) {\n    ${body}\n  }\n}\n`;
      assert.deepEqual(syntaxErrors(input, 'example.ts'), [], 'the input itself must parse');
      const before = await findings(input, 'example.ts');
      assert.ok(before.length > 0);
      for (const finding of before) {
        const fix = finding.fixes?.[0];
        assert.ok(fix !== undefined);
        const output = applyEdits(input, fix.edits);
        assert.deepEqual(syntaxErrors(output, 'example.ts'), [], output);
        assert.equal((await findings(output, 'example.ts')).length, before.length - 1, output);
      }
    });
  }

  it('code written without semicolons keeps its statements apart', async () => {
    const lines = ['let a = b', 'const c = {}', 'a = c', 'call()', 'x++', 'if (a) a = 1', 'do {} while (a)', 'for (;;) {}', 'label: {}'];
    for (const previous of lines) {
      const input = `import { readFileSync } from 'fs'\nlet b: any, x = 0\nasync function f(p: string) {\n  ${previous}\n  readFileSync(p).toString()\n}\n`;
      const [finding] = await findings(input, 'example.ts');
      const output = applyEdits(input, finding.fixes?.[0]?.edits ?? []);
      assert.deepEqual(syntaxErrors(output, 'example.ts'), [], output);
      // The fixed call is a statement of its own: the statement before it did not swallow it.
      const statements = ts.createSourceFile('x.ts', output, ts.ScriptTarget.Latest, true).statements;
      const fn = statements.find(ts.isFunctionDeclaration);
      const last = fn?.body?.statements.at(-1);
      assert.ok(last !== undefined && ts.isExpressionStatement(last), output);
      assert.match(last.getText(), /^;?\(await readFile\(p\)\)\.toString\(\)$/, output);
    }
  });
});

describe('blocking-call-in-async (TypeScript) fix-all', () => {
  it('adds exactly one import for several calls, and is idempotent', async () => {
    const engine = await testEngine();
    const input = [
      'import { readFileSync } from "node:fs";',
      '',
      'export async function load(a: string, b: string) {',
      '  const first = readFileSync(a, "utf8");',
      '  const second = readFileSync(b, "utf8");',
      '  readFileSync("touch");',
      '  return first + second + readFileSync("c").length;',
      '}',
      '',
    ].join('\n');
    const once = engine.fixAll({ text: input, fileName: 'example.ts', settings: onlyRule(RULE) });
    assert.equal(
      once.text,
      [
        'import { readFileSync } from "node:fs";',
        'import { readFile } from "node:fs/promises";',
        '',
        'export async function load(a: string, b: string) {',
        '  const first = await readFile(a, "utf8");',
        '  const second = await readFile(b, "utf8");',
        '  await readFile("touch");',
        '  return first + second + readFileSync("c").length;',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(once.applied, 3);
    assert.equal(once.text.split('node:fs/promises').length - 1, 1);
    assert.deepEqual(syntaxErrors(once.text, 'example.ts'), []);
    // The unsafe one (a member access on the result) stays, and a second run changes nothing.
    assert.equal((await findings(once.text, 'example.ts')).length, 1);
    const twice = engine.fixAll({ text: once.text, fileName: 'example.ts', settings: onlyRule(RULE) });
    assert.equal(twice.text, once.text);
    assert.equal(twice.applied, 0);
  });

  it('merges different twins into one import over several passes', async () => {
    const engine = await testEngine();
    const input = 'import { readFileSync, writeFileSync } from "fs";\nasync function copy(a: string, b: string) {\n  const data = readFileSync(a);\n  writeFileSync(b, data);\n}\n';
    const fixed = engine.fixAll({ text: input, fileName: 'example.ts', settings: onlyRule(RULE) });
    assert.equal(
      fixed.text,
      'import { readFileSync, writeFileSync } from "fs";\nimport { readFile, writeFile } from "node:fs/promises";\nasync function copy(a: string, b: string) {\n  const data = await readFile(a);\n  await writeFile(b, data);\n}\n',
    );
    assert.deepEqual(syntaxErrors(fixed.text, 'example.ts'), []);
    assert.equal(engine.fixAll({ text: fixed.text, fileName: 'example.ts', settings: onlyRule(RULE) }).applied, 0);
  });

  it('applies unsafe fixes only when asked, and the result still parses', async () => {
    const engine = await testEngine();
    const input = 'const fs = require("fs");\nasync function f(p) {\n  return fs.readFileSync(p).toString() + fs.statSync(p).size;\n}\n';
    assert.equal(engine.fixAll({ text: input, fileName: 'example.js', settings: onlyRule(RULE) }).applied, 0);
    const fixed = engine.fixAll({ text: input, fileName: 'example.js', settings: onlyRule(RULE) }, { unsafe: true });
    assert.equal(
      fixed.text,
      'const fs = require("fs");\nasync function f(p) {\n  return (await fs.promises.readFile(p)).toString() + (await fs.promises.stat(p)).size;\n}\n',
    );
    assert.deepEqual(syntaxErrors(fixed.text, 'example.js'), []);
    assert.equal((await findings(fixed.text, 'example.js')).length, 0);
  });
});

describe('blocking-call-in-async (TypeScript) execSync fix', () => {
  const cases: FixCase[] = [
    {
      name: 'a statement: imports exec and promisify, adds execAsync after the imports',
      input: 'import { execSync } from "node:child_process";\n\nexport async function build(): Promise<void> {\n  execSync("npm run build");\n}\n',
      expected:
        'import { execSync, exec } from "node:child_process";\nimport { promisify } from "node:util";\nconst execAsync = promisify(exec);\n\nexport async function build(): Promise<void> {\n  await execAsync("npm run build");\n}\n',
      safety: 'unsafe',
    },
    {
      name: 'a used result takes .stdout',
      input: 'import * as cp from "child_process";\nimport { promisify } from "util";\nasync function f() {\n  const out = cp.execSync("git status", { encoding: "utf8" });\n  return out;\n}\n',
      expected:
        'import * as cp from "child_process";\nimport { promisify } from "util";\nconst execAsync = promisify(cp.exec);\nasync function f() {\n  const out = (await execAsync("git status", { encoding: "utf8" })).stdout;\n  return out;\n}\n',
      safety: 'unsafe',
    },
    {
      name: 'reuses an existing promisified exec',
      input: 'import { exec, execSync } from "child_process";\nimport util from "util";\nconst run = util.promisify(exec);\nasync function f() {\n  execSync("ls");\n}\n',
      expected: 'import { exec, execSync } from "child_process";\nimport util from "util";\nconst run = util.promisify(exec);\nasync function f() {\n  await run("ls");\n}\n',
      safety: 'unsafe',
    },
    {
      name: 'execFileSync becomes a promisified execFile',
      input: 'import { execFileSync } from "child_process";\nasync function f() {\n  return execFileSync("git", ["status"]).toString();\n}\n',
      expected:
        'import { execFileSync, execFile } from "child_process";\nimport { promisify } from "node:util";\nconst execFileAsync = promisify(execFile);\nasync function f() {\n  return (await execFileAsync("git", ["status"])).stdout.toString();\n}\n',
      safety: 'unsafe',
    },
    {
      name: 'CommonJS, with `exec` taken by a local: a namespace require',
      fileName: 'example.js',
      input: 'const cp = require("child_process");\nfunction exec() {}\nasync function f() {\n  cp.execSync("ls");\n}\n',
      expected:
        'const cp = require("child_process");\nconst { promisify } = require("node:util");\nconst execAsync = promisify(cp.exec);\nfunction exec() {}\nasync function f() {\n  await execAsync("ls");\n}\n',
      safety: 'unsafe',
    },
    {
      name: 'no import to extend: new statements at the top',
      input: 'export async function f() {\n  const { execSync } = await import("child_process");\n  execSync("ls");\n}\n',
      expected:
        'import { exec } from "node:child_process";\nimport { promisify } from "node:util";\nconst execAsync = promisify(exec);\nexport async function f() {\n  const { execSync } = await import("child_process");\n  await execAsync("ls");\n}\n',
      safety: 'unsafe',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const fileName = c.fileName ?? 'example.ts';
      const before = await findings(c.input, fileName);
      const fix = before[c.index ?? 0]?.fixes?.[0];
      assert.ok(fix !== undefined, 'no fix');
      assert.equal(fix.safety, c.safety);
      const output = applyEdits(c.input, fix.edits);
      assert.equal(output, c.expected);
      assert.deepEqual(syntaxErrors(output, fileName), []);
      assert.equal((await findings(output, fileName)).length, before.length - 1);
    });
  }

  it('two calls share one set of new statements in an unsafe fix-all, which is idempotent', async () => {
    const engine = await testEngine();
    const input = 'import { execSync } from "child_process";\nasync function f() {\n  execSync("a");\n  execSync("b");\n}\n';
    const once = engine.fixAll({ text: input, fileName: 'example.ts', settings: onlyRule(RULE) }, { unsafe: true });
    assert.equal(
      once.text,
      'import { execSync, exec } from "child_process";\nimport { promisify } from "node:util";\nconst execAsync = promisify(exec);\nasync function f() {\n  await execAsync("a");\n  await execAsync("b");\n}\n',
    );
    assert.deepEqual(syntaxErrors(once.text, 'example.ts'), []);
    assert.equal(engine.fixAll({ text: once.text, fileName: 'example.ts', settings: onlyRule(RULE) }, { unsafe: true }).applied, 0);
  });

  it('names the alternative for zlib, crypto and busy-wait loops', async () => {
    const text = [
      'import { gzipSync } from "zlib";',
      'import { scryptSync } from "crypto";',
      'async function f(end: number) {',
      '  gzipSync("a");',
      '  scryptSync("p", "s", 64);',
      '  while (performance.now() < end) {}',
      '}',
    ].join('\n');
    const found = await findings(text, 'example.ts');
    assert.equal(found.length, 3);
    assert.match(found[0].message, /promisified `zlib.gzip`/);
    assert.match(found[1].message, /promisified `crypto.scrypt`/);
    assert.match(found[2].message, /spins on `performance.now\(\)`/);
    assert.equal(text.slice(found[2].start, found[2].end), 'performance.now()');
  });
});
