// The snippets are code we hand to users, so they are held to the same bar as our own code: every
// snippet in snippets/*.json is expanded with its default values and then
//   - Python: parsed by tree-sitter (no ERROR/MISSING nodes), byte-compiled by python3 when present;
//   - TypeScript/JavaScript: parsed by the TypeScript compiler for every language it is contributed
//     to (.ts/.tsx/.js/.jsx) and type-checked (strict; JavaScript with checkJs);
//   - both: analysed by our own engine, which must find nothing.
// A few JavaScript snippets are also run, to check the behaviour their descriptions promise.
// The manifest's `contributes` (snippets, commands, menus, settings) is checked against the files
// and against the commands the client registers.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import * as ts from 'typescript';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { CLIENT_COMMANDS, LANGUAGE_IDS } from '../client/src/constants';
import { registry } from '../server/src/engine/registry';
import { SourceText } from '../server/src/engine/sourceText';
import pythonPack from '../server/src/languages/python/pack';
import { Commands, DEFAULT_SETTINGS, SECTION } from '../server/src/lsp/protocol';
import { repoRoot, testEngine } from './helpers/engine';

// ---------------------------------------------------------------------------------------------
// Expanding a snippet body (the VS Code snippet grammar, enough of it for our files)

type SnippetNode =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; placeholder?: SnippetNode[]; choices?: string[] }
  | { kind: 'variable'; name: string; fallback?: SnippetNode[] };

/** Values for the variables VS Code resolves at insertion time. */
function variableValues(fileName: string): Readonly<Record<string, string>> {
  const python = fileName.endsWith('.py');
  return {
    TM_SELECTED_TEXT: '',
    TM_CURRENT_LINE: '',
    TM_CURRENT_WORD: '',
    TM_LINE_INDEX: '0',
    TM_LINE_NUMBER: '1',
    TM_FILENAME: fileName,
    TM_FILENAME_BASE: fileName.replace(/\.[^.]+$/, ''),
    TM_DIRECTORY: '/workspace/project',
    TM_FILEPATH: `/workspace/project/${fileName}`,
    RELATIVE_FILEPATH: fileName,
    WORKSPACE_NAME: 'project',
    WORKSPACE_FOLDER: '/workspace/project',
    CLIPBOARD: '',
    CURRENT_YEAR: '2025',
    CURRENT_YEAR_SHORT: '25',
    CURRENT_MONTH: '01',
    CURRENT_DATE: '31',
    CURRENT_HOUR: '12',
    CURRENT_MINUTE: '00',
    CURRENT_SECOND: '00',
    UUID: '00000000-0000-4000-8000-000000000000',
    LINE_COMMENT: python ? '#' : '//',
    BLOCK_COMMENT_START: python ? '"""' : '/*',
    BLOCK_COMMENT_END: python ? '"""' : '*/',
  };
}

class SnippetParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): SnippetNode[] {
    const nodes = this.sequence(false);
    assert.equal(this.pos, this.src.length, 'the snippet parser stopped early');
    return nodes;
  }

  /** Text and constructs up to the end, or (inside a placeholder) up to its unescaped `}`. */
  private sequence(inside: boolean): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    const flush = (): void => {
      if (text !== '') nodes.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\' && '$}\\'.includes(this.src[this.pos + 1] ?? '')) {
        text += this.src[this.pos + 1];
        this.pos += 2;
      } else if (ch === '}' && inside) {
        break;
      } else if (ch === '$') {
        const node = this.dollar();
        if (node === undefined) {
          text += '$';
          this.pos++;
        } else {
          flush();
          nodes.push(node);
        }
      } else {
        text += ch;
        this.pos++;
      }
    }
    flush();
    return nodes;
  }

  /** A construct starting at `$`, or undefined when the `$` is plain text. */
  private dollar(): SnippetNode | undefined {
    const rest = this.src.slice(this.pos);
    const simple = /^\$(?:(\d+)|([_a-zA-Z][_a-zA-Z0-9]*))/.exec(rest);
    if (simple !== null) {
      this.pos += simple[0].length;
      return simple[1] !== undefined
        ? { kind: 'tabstop', index: Number(simple[1]) }
        : { kind: 'variable', name: simple[2] };
    }
    const open = /^\$\{(?:(\d+)|([_a-zA-Z][_a-zA-Z0-9]*))([}:|/])/.exec(rest);
    if (open === null) return undefined;
    const start = this.pos;
    this.pos += open[0].length;
    const [, digits, name, after] = open;
    if (after === '/') throw new Error(`snippet transforms are not supported by this test (at ${start})`);
    if (after === '}') return digits !== undefined ? { kind: 'tabstop', index: Number(digits) } : { kind: 'variable', name };
    if (after === '|') {
      if (digits === undefined) throw new Error(`a choice needs a tab stop number (at ${start})`);
      return { kind: 'tabstop', index: Number(digits), choices: this.choices(start) };
    }
    const inner = this.sequence(true);
    if (this.src[this.pos] !== '}') throw new Error(`unclosed \${ at ${start}`);
    this.pos++;
    return digits !== undefined
      ? { kind: 'tabstop', index: Number(digits), placeholder: inner }
      : { kind: 'variable', name, fallback: inner };
  }

  private choices(start: number): string[] {
    const options: string[] = [];
    let current = '';
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) throw new Error(`unclosed choice at ${start}`);
      if (ch === '\\' && ',|\\$}'.includes(this.src[this.pos + 1] ?? '')) {
        current += this.src[this.pos + 1];
        this.pos += 2;
      } else if (ch === ',') {
        options.push(current);
        current = '';
        this.pos++;
      } else if (ch === '|' && this.src[this.pos + 1] === '}') {
        options.push(current);
        this.pos += 2;
        return options;
      } else {
        current += ch;
        this.pos++;
      }
    }
  }
}

/**
 * The text VS Code inserts when the user accepts every default: a tab stop shows the first
 * placeholder text given for its number anywhere in the snippet (mirrors), a choice its first
 * option, a variable its value (or its fallback when empty).
 */
export function expandSnippet(body: string, fileName: string): string {
  const nodes = new SnippetParser(body).parse();
  const defaults = new Map<number, SnippetNode[] | string>();
  const collect = (list: SnippetNode[]): void => {
    for (const node of list) {
      if (node.kind === 'tabstop') {
        if (!defaults.has(node.index)) {
          if (node.choices !== undefined) defaults.set(node.index, node.choices[0] ?? '');
          else if (node.placeholder !== undefined) defaults.set(node.index, node.placeholder);
        }
        if (node.placeholder !== undefined) collect(node.placeholder);
      } else if (node.kind === 'variable' && node.fallback !== undefined) {
        collect(node.fallback);
      }
    }
  };
  collect(nodes);
  const variables = variableValues(fileName);
  const active = new Set<number>();
  const render = (list: SnippetNode[]): string =>
    list
      .map((node) => {
        if (node.kind === 'text') return node.value;
        if (node.kind === 'variable') {
          const value = variables[node.name];
          if (value === undefined) throw new Error(`unknown snippet variable $${node.name}`);
          return value === '' && node.fallback !== undefined ? render(node.fallback) : value;
        }
        const value = defaults.get(node.index);
        if (value === undefined) return '';
        if (typeof value === 'string') return value;
        if (active.has(node.index)) throw new Error(`tab stop ${node.index} contains itself`);
        active.add(node.index);
        const text = render(value);
        active.delete(node.index);
        return text;
      })
      .join('');
  return render(nodes);
}

// ---------------------------------------------------------------------------------------------
// The snippet files and the manifest

interface SnippetEntry {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

interface Manifest {
  activationEvents?: string[];
  capabilities?: { untrustedWorkspaces?: { supported?: unknown }; virtualWorkspaces?: unknown };
  contributes: {
    snippets: { language: string; path: string }[];
    commands: { command: string; title: string; category?: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
    configuration: { properties: Record<string, ConfigProperty> };
  };
}

interface ConfigProperty {
  type: string;
  default?: unknown;
  scope?: string;
  enum?: string[];
  description?: string;
  markdownDescription?: string;
  additionalProperties?: { type?: string; enum?: string[] };
}

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const snippetsDir = path.join(repoRoot, 'snippets');

function loadSnippets(file: string): Record<string, SnippetEntry> {
  return JSON.parse(readFileSync(path.join(snippetsDir, file), 'utf8')) as Record<string, SnippetEntry>;
}

/** snippets file name → the languages the manifest contributes it to. */
function contributedFiles(): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const { language, path: file } of manifest.contributes.snippets) {
    const name = path.relative(snippetsDir, path.join(repoRoot, file));
    files.set(name, [...(files.get(name) ?? []), language]);
  }
  return files;
}

const EXTENSION_FOR: Readonly<Record<string, string>> = {
  python: '.py',
  typescript: '.ts',
  typescriptreact: '.tsx',
  javascript: '.js',
  javascriptreact: '.jsx',
};

/**
 * Where a snippet is meant to be inserted: `statements` go inside an async function body, `module`
 * at the top level of a file. Every snippet must be listed, so a new one gets a deliberate context.
 */
const PLACEMENT: Readonly<Record<string, 'statements' | 'module'>> = {
  'ag-taskgroup': 'statements',
  'ag-timeout': 'statements',
  'ag-shield': 'statements',
  'ag-to-thread': 'module',
  'ag-executor': 'module',
  'ag-worker-loop': 'module',
};

function prefixOf(entry: SnippetEntry): string {
  return Array.isArray(entry.prefix) ? entry.prefix[0] : entry.prefix;
}

function bodyOf(entry: SnippetEntry): string {
  return Array.isArray(entry.body) ? entry.body.join('\n') : entry.body;
}

interface Expanded {
  file: string;
  name: string;
  prefix: string;
  language: string;
  fileName: string;
  /** What the user gets, with tabs as the editor would indent (4 spaces for Python). */
  text: string;
  /** The text placed in a file the way the snippet is meant to be used. */
  inContext: string;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : by + line))
    .join('\n');
}

function expandFor(file: string, name: string, entry: SnippetEntry, language: string): Expanded {
  const prefix = prefixOf(entry);
  const fileName = `snippet${EXTENSION_FOR[language]}`;
  let text = expandSnippet(bodyOf(entry), fileName);
  const placement = PLACEMENT[prefix];
  let inContext: string;
  if (language === 'python') {
    text = text.replace(/\t/g, '    ');
    inContext =
      placement === 'statements'
        ? `import asyncio\n\n\nasync def snippet_context() -> None:\n${indent(text, '    ')}\n`
        : `import asyncio\n\n\n${text}\n`;
  } else {
    inContext =
      placement === 'statements'
        ? `export async function snippetContext()${/\.tsx?$/.test(fileName) ? ': Promise<void>' : ''} {\n${indent(text, '\t')}\n}\n`
        : `export {};\n${text}\n`;
  }
  return { file, name, prefix, language, fileName, text, inContext };
}

function allExpansions(): Expanded[] {
  const out: Expanded[] = [];
  for (const [file, languages] of contributedFiles()) {
    const entries = Object.entries(loadSnippets(file));
    for (const language of languages) {
      for (const [name, entry] of entries) out.push(expandFor(file, name, entry, language));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks

const OUR_LANGUAGES = new Set<string>(LANGUAGE_IDS);

describe('snippet expansion (the test helper itself)', () => {
  it('resolves tab stops, mirrors, choices, variables and escapes', () => {
    assert.equal(expandSnippet('a ${1:x} $1 ${1} $0', 'f.ts'), 'a x x x ');
    assert.equal(expandSnippet('${2|first,second|} ${1:outer ${2:inner}}', 'f.ts'), 'first outer first');
    assert.equal(expandSnippet('${1:a} ${1:b}', 'f.ts'), 'a a');
    assert.equal(expandSnippet('\\$HOME \\} ${1:a\\}b} `\\${x}`', 'f.ts'), '$HOME } a}b `${x}`');
    assert.equal(expandSnippet('$TM_FILENAME ${TM_SELECTED_TEXT:none} ${LINE_COMMENT}', 'f.py'), 'f.py none #');
    assert.equal(expandSnippet('${1|a\\,b,c|} cost $ 5 }', 'f.ts'), 'a,b cost $ 5 }');
    assert.throws(() => expandSnippet('$NO_SUCH_VARIABLE', 'f.ts'), /unknown snippet variable/);
    assert.throws(() => expandSnippet('${1/(.*)/$1/}', 'f.ts'), /transforms are not supported/);
  });
});

describe('manifest contributes', () => {
  it('contributes every snippets file, each to known languages, and every language has one', () => {
    const files = contributedFiles();
    const onDisk = readdirSync(snippetsDir).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual([...files.keys()].sort(), onDisk);
    for (const { language, path: file } of manifest.contributes.snippets) {
      assert.ok(OUR_LANGUAGES.has(language), `${file} is contributed to unexpected language ${language}`);
      assert.ok(existsSync(path.join(repoRoot, file)), `${file} does not exist`);
    }
    const covered = manifest.contributes.snippets.map((s) => s.language).sort();
    assert.deepEqual(covered, [...LANGUAGE_IDS].sort(), 'each language gets exactly one snippets file');
  });

  it('contributes exactly the commands the client registers, in our category', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    // The server's own command goes over LSP; it must not appear in the palette.
    assert.ok(!contributed.includes(Commands.serverApplyFixAll));
    assert.deepEqual(contributed, [...CLIENT_COMMANDS].sort());
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Async Guardrails', command.command);
      assert.ok(command.title.length > 0, command.command);
    }
  });

  it('registers every client command in the client source', () => {
    const source = readFileSync(path.join(repoRoot, 'client', 'src', 'extension.ts'), 'utf8');
    for (const [key, id] of Object.entries(Commands)) {
      if (!(CLIENT_COMMANDS as readonly string[]).includes(id)) continue;
      assert.match(source, new RegExp(`\\[Commands\\.${key}\\]:`), `no handler for ${id} in client/src/extension.ts`);
    }
    assert.match(source, /registerCommand\(/);
  });

  it('hides openDocs from the command palette and only refers to contributed commands', () => {
    const palette = manifest.contributes.menus?.commandPalette ?? [];
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const entry of palette) assert.ok(contributed.has(entry.command), entry.command);
    assert.equal(palette.find((e) => e.command === Commands.openDocs)?.when, 'false');
  });

  it('activates on the five languages and declares its workspace capabilities', () => {
    assert.deepEqual(manifest.activationEvents, LANGUAGE_IDS.map((id) => `onLanguage:${id}`));
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
    assert.equal(manifest.capabilities?.virtualWorkspaces, false);
  });

  it('declares the settings the server reads, with the protocol defaults', () => {
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual(
      Object.keys(props).sort(),
      ['enable', 'fixAll.rules', 'rules', 'run', 'timeBudgetMs', 'trace.server', 'workspaceDiagnostics'].map((k) => `${SECTION}.${k}`).sort(),
    );
    assert.equal(props[`${SECTION}.workspaceDiagnostics`].default, DEFAULT_SETTINGS.workspaceDiagnostics);
    assert.deepEqual(props[`${SECTION}.fixAll.rules`].default, DEFAULT_SETTINGS.fixAllRules);
    assert.equal(props[`${SECTION}.timeBudgetMs`].default, DEFAULT_SETTINGS.timeBudgetMs);
    assert.equal(props[`${SECTION}.enable`].default, DEFAULT_SETTINGS.enable);
    assert.equal(props[`${SECTION}.run`].default, DEFAULT_SETTINGS.run);
    assert.deepEqual(props[`${SECTION}.run`].enum, ['onType', 'onSave']);
    assert.deepEqual(props[`${SECTION}.rules`].default, DEFAULT_SETTINGS.rules);
    assert.deepEqual(props[`${SECTION}.rules`].additionalProperties?.enum, ['error', 'warning', 'info', 'hint', 'off']);
    for (const key of ['enable', 'run', 'rules']) assert.equal(props[`${SECTION}.${key}`].scope, 'resource', key);
    assert.equal(props[`${SECTION}.trace.server`].scope, 'window');
    const rulesText = props[`${SECTION}.rules`].markdownDescription ?? props[`${SECTION}.rules`].description ?? '';
    for (const rule of registry.all()) assert.ok(rulesText.includes(`\`${rule.id}\``), `the rules setting does not name ${rule.id}`);
  });
});

describe('snippet files', () => {
  for (const file of contributedFiles().keys()) {
    it(`${file}: well-formed entries with ag- prefixes, each with a placement`, () => {
      const entries = Object.entries(loadSnippets(file));
      assert.ok(entries.length > 0);
      const prefixes = entries.map(([, e]) => prefixOf(e));
      assert.equal(new Set(prefixes).size, prefixes.length, `duplicate prefixes in ${file}`);
      for (const [name, entry] of entries) {
        assert.match(prefixOf(entry), /^ag-[a-z-]+$/, name);
        assert.ok(typeof entry.description === 'string' && entry.description.length > 20, `${name}: description`);
        assert.ok(PLACEMENT[prefixOf(entry)] !== undefined, `${name}: add its prefix to PLACEMENT in this test`);
        const body = bodyOf(entry);
        // VS Code turns a leading \t into the user's indentation; leading spaces would be kept as they
        // are (the one space before a JSDoc continuation `*` is fine).
        assert.doesNotMatch(body, /^\t* +(?!\*)\S/m, `${name}: indent the body with \\t`);
        if (/SYNC EXCEPTION HANDLER/.test(name)) assert.match(body, /SYNC EXCEPTION HANDLER: \$\{1:/, `${name}: label and reason`);
      }
    });
  }

  it('offers the same prefixes for TypeScript and JavaScript', () => {
    const typed = Object.values(loadSnippets('typescript.json')).map(prefixOf).sort();
    const plain = Object.values(loadSnippets('javascript.json')).map(prefixOf).sort();
    assert.deepEqual(plain, typed);
  });
});

describe('the rule check used on snippets is not vacuous', () => {
  // Control samples: the same engine call that must find nothing in the snippets finds these.
  const samples: [string, string, string][] = [
    ['snippet.py', 'python', 'import asyncio\nimport time\n\n\nasync def f() -> None:\n    time.sleep(1)\n    asyncio.create_task(g())\n'],
    ['snippet.ts', 'typescript', 'import { readFileSync } from "node:fs";\nexport async function f(): Promise<void> {\n  readFileSync("x");\n  fetch("https://example.invalid");\n}\n'],
  ];
  for (const [fileName, languageId, text] of samples) {
    it(`flags a blocking call and a dropped task in ${languageId}`, async () => {
      const engine = await testEngine();
      const ids = new Set(engine.analyze({ text, fileName, languageId }).findings.map((f) => f.ruleId));
      for (const expected of ['blocking-call-in-async', 'untracked-task']) assert.ok(ids.has(expected), `${expected} not among ${[...ids].join(', ')}`);
    });
  }
});

describe('Python snippets', () => {
  const python = allExpansions().filter((e) => e.language === 'python');
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  const tmp = mkdtempSync(path.join(tmpdir(), 'ag-snippets-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const snippet of python) {
    describe(`${snippet.prefix} (${snippet.name})`, () => {
      it('parses without errors (tree-sitter)', async () => {
        await testEngine();
        for (const text of [snippet.text, snippet.inContext]) {
          const parsed = pythonPack.parse(new SourceText(text), snippet.fileName);
          try {
            const bad = firstError(parsed.root);
            assert.equal(bad, undefined, `syntax error in:\n${text}\n${bad ?? ''}`);
          } finally {
            pythonPack.dispose(parsed);
          }
        }
      });

      it('compiles (python3 -m py_compile)', { skip: hasPython ? false : 'python3 is not on PATH' }, () => {
        const file = path.join(tmp, `${snippet.prefix.replace(/\W/g, '_')}.py`);
        writeFileSync(file, snippet.inContext);
        const result = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
        assert.equal(result.status, 0, `${result.stderr}\n${snippet.inContext}`);
      });

      it('trips none of our rules', async () => {
        const engine = await testEngine();
        const result = engine.analyze({ text: snippet.inContext, fileName: snippet.fileName, languageId: 'python' });
        assert.deepEqual(result.internalErrors, []);
        assert.deepEqual(result.findings.map((f) => `${f.ruleId}: ${f.message}`), []);
      });
    });
  }
});

function firstError(root: SyntaxNode): string | undefined {
  if (!root.hasError) return undefined;
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (node.isError || node.isMissing) {
      return `${node.isMissing ? 'missing' : 'unexpected'} ${node.type} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
    }
    for (const child of [...node.children].reverse()) {
      if (child !== null && (child.hasError || child.isMissing)) stack.push(child);
    }
  }
  return 'an error somewhere in the tree';
}

// ---------------------------------------------------------------------------------------------
// TypeScript / JavaScript

/** Global declarations for the names the snippets' default placeholders use. */
const CONTEXT_DECLARATIONS = `
interface User { id: string; name: string }
interface Order { id: string; total: number }
interface Job { id: string }
declare const userId: string;
declare const url: string;
declare const job: Job;
declare const signal: AbortSignal;
declare function fetchUser(id: string, signal: AbortSignal): Promise<User>;
declare function fetchOrders(id: string, signal: AbortSignal): Promise<Order[]>;
declare function nextJob(signal: AbortSignal): Promise<Job>;
declare function handleJob(job: Job, signal: AbortSignal): Promise<void>;
declare function processJob(job: Job, signal: AbortSignal): Promise<void>;
declare function saveProgress(job: Job, signal: AbortSignal): Promise<void>;
declare function cleanup(): Promise<void>;
`;

const SCRIPT_KIND: Readonly<Record<string, ts.ScriptKind>> = {
  typescript: ts.ScriptKind.TS,
  typescriptreact: ts.ScriptKind.TSX,
  javascript: ts.ScriptKind.JS,
  javascriptreact: ts.ScriptKind.JSX,
};

function render(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const where = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const at = where === undefined ? '' : `${path.basename(d.file?.fileName ?? '')}:${where.line + 1}:${where.character + 1} `;
    return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** One program per language: every snippet is its own module, all sharing the declarations. */
function checkProgram(snippets: Expanded[], language: string): Map<Expanded, { syntax: string[]; semantic: string[] }> {
  const dir = path.join(repoRoot, '__snippet_check__', language);
  const files = new Map<string, string>();
  const contextFile = path.join(dir, 'context.d.ts');
  files.set(contextFile, CONTEXT_DECLARATIONS);
  const byFile = new Map<string, Expanded>();
  for (const snippet of snippets) {
    const fileName = path.join(dir, `${snippet.prefix}${EXTENSION_FOR[language]}`);
    files.set(fileName, snippet.inContext);
    byFile.set(fileName, snippet);
  }
  const javascript = language.startsWith('javascript');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
    jsx: ts.JsxEmit.Preserve,
    allowJs: javascript,
    checkJs: javascript,
  };
  const host = ts.createCompilerHost(options, true);
  // The compiler is bundled into the test file, so tell it where its lib.*.d.ts files really are.
  const libDir = path.join(repoRoot, 'node_modules', 'typescript', 'lib');
  host.getDefaultLibLocation = () => libDir;
  host.getDefaultLibFileName = (opts) => path.join(libDir, ts.getDefaultLibFileName(opts));
  const original = { getSourceFile: host.getSourceFile, fileExists: host.fileExists, readFile: host.readFile };
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files.get(fileName);
    if (text === undefined) return original.getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
    const kind = fileName === contextFile ? ts.ScriptKind.TS : SCRIPT_KIND[language];
    return ts.createSourceFile(fileName, text, languageVersion, true, kind);
  };
  host.fileExists = (fileName) => files.has(fileName) || original.fileExists.call(host, fileName);
  host.readFile = (fileName) => files.get(fileName) ?? original.readFile.call(host, fileName);
  const program = ts.createProgram([...files.keys()], options, host);

  const general = render([...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]);
  const context = program.getSourceFile(contextFile);
  assert.ok(context !== undefined);
  general.push(...render([...program.getSyntacticDiagnostics(context), ...program.getSemanticDiagnostics(context)]));
  assert.deepEqual(general, [], `problems in the type-check setup for ${language}`);

  const results = new Map<Expanded, { syntax: string[]; semantic: string[] }>();
  for (const [fileName, snippet] of byFile) {
    const sourceFile = program.getSourceFile(fileName);
    assert.ok(sourceFile !== undefined, fileName);
    results.set(snippet, {
      syntax: render(program.getSyntacticDiagnostics(sourceFile)),
      semantic: render(program.getSemanticDiagnostics(sourceFile)),
    });
  }
  return results;
}

/** The raw expansion (no context) must at least be syntactically valid where it is placed. */
function parseDiagnostics(snippet: Expanded): string[] {
  const fileName = `snippet${EXTENSION_FOR[snippet.language]}`;
  // Statement snippets contain `await`, valid at a module's top level, which is where we parse them.
  const text = PLACEMENT[snippet.prefix] === 'statements' ? `export {};\n${snippet.text}` : snippet.text;
  const program = ts.createProgram({
    rootNames: [fileName],
    options: { noResolve: true, noLib: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, allowJs: true },
    host: {
      ...ts.createCompilerHost({}),
      getSourceFile: (name, version) =>
        name === fileName ? ts.createSourceFile(name, text, version, true, SCRIPT_KIND[snippet.language]) : undefined,
      fileExists: (name) => name === fileName,
    },
  });
  const sourceFile = program.getSourceFile(fileName);
  return sourceFile === undefined ? ['not parsed'] : render(program.getSyntacticDiagnostics(sourceFile));
}

for (const language of ['typescript', 'typescriptreact', 'javascript', 'javascriptreact']) {
  describe(`${language} snippets`, () => {
    const snippets = allExpansions().filter((e) => e.language === language);
    let checked: Map<Expanded, { syntax: string[]; semantic: string[] }> | undefined;
    const results = (): Map<Expanded, { syntax: string[]; semantic: string[] }> => (checked ??= checkProgram(snippets, language));

    it('has snippets', () => assert.ok(snippets.length > 0));

    for (const snippet of snippets) {
      describe(`${snippet.prefix} (${snippet.file})`, () => {
        it('parses without errors', () => {
          assert.deepEqual(parseDiagnostics(snippet), [], snippet.text);
          assert.deepEqual(results().get(snippet)?.syntax, [], snippet.inContext);
        });

        it('type-checks (strict)', () => {
          assert.deepEqual(results().get(snippet)?.semantic, [], snippet.inContext);
        });

        it('trips none of our rules', async () => {
          const engine = await testEngine();
          const result = engine.analyze({ text: snippet.inContext, fileName: snippet.fileName, languageId: language });
          assert.deepEqual(result.internalErrors, []);
          assert.deepEqual(result.findings.map((f) => `${f.ruleId}: ${f.message}`), []);
        });
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Behaviour: the JavaScript snippets do what their descriptions say

function jsSnippet(prefix: string): string {
  const entry = Object.values(loadSnippets('javascript.json')).find((e) => prefixOf(e) === prefix);
  assert.ok(entry !== undefined, prefix);
  return expandSnippet(bodyOf(entry), 'snippet.js');
}

// `new AsyncFunction(...params, body)`: the snippet body compiled as the inside of an async function.
type AsyncFunctionConstructor = new (...source: string[]) => (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as AsyncFunctionConstructor;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('behaviour of the JavaScript snippets', () => {
  it('ag-taskgroup: the first failure aborts the others, which all settle before the error propagates', async () => {
    const run = new AsyncFunction('fetchUser', 'fetchOrders', 'userId', `${jsSnippet('ag-taskgroup')}\nreturn [user, orders];`);
    const events: string[] = [];
    const slowUser = async (_id: string, signal: AbortSignal): Promise<string> => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      events.push('user saw abort');
      await delay(20); // tidying up takes a while
      events.push('user settled');
      throw signal.reason;
    };
    const failingOrders = async (): Promise<string[]> => {
      await delay(5);
      events.push('orders failed');
      throw new Error('orders down');
    };
    await assert.rejects(run(slowUser, failingOrders, 'u1'), /orders down/);
    events.push('caller saw error');
    assert.deepEqual(events, ['orders failed', 'user saw abort', 'user settled', 'caller saw error']);

    const ok = await run(async (userId: string) => `user ${userId}`, async () => ['order'], 'u2');
    assert.deepEqual(ok, ['user u2', ['order']]);
  });

  it('ag-worker-loop: an abort ends the loop with the abort reason, after cleanup', async () => {
    const make = new AsyncFunction('nextJob', 'handleJob', 'cleanup', `${jsSnippet('ag-worker-loop')}\nreturn workLoop;`);
    const controller = new AbortController();
    const handled: number[] = [];
    let cleanups = 0;
    let counter = 0;
    const workLoop = (await make(
      async () => ++counter,
      async (job: number) => {
        handled.push(job);
        if (job === 3) controller.abort(new Error('shutting down'));
      },
      async () => {
        cleanups++;
      },
    )) as (signal: AbortSignal) => Promise<void>;
    await assert.rejects(workLoop(controller.signal), /shutting down/);
    assert.deepEqual(handled, [1, 2, 3]);
    assert.equal(cleanups, 1);
  });

  it('ag-shield: cleanup runs after a failure with a live signal of its own', async () => {
    const run = new AsyncFunction('processJob', 'saveProgress', 'job', 'signal', jsSnippet('ag-shield'));
    const controller = new AbortController();
    let cleanupSignal: AbortSignal | undefined;
    const processJob = async (): Promise<void> => {
      controller.abort(new Error('cancelled'));
      throw controller.signal.reason;
    };
    const saveProgress = async (_job: unknown, own: AbortSignal): Promise<void> => {
      cleanupSignal = own;
      await delay(5);
      assert.equal(own.aborted, false);
    };
    await assert.rejects(run(processJob, saveProgress, { id: 'j' }, controller.signal), /cancelled/);
    assert.ok(cleanupSignal !== undefined && cleanupSignal !== controller.signal && !cleanupSignal.aborted);
  });

  it('ag-to-thread: the worker promise resolves on a message and rejects on error or silent exit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ag-worker-'));
    try {
      writeFileSync(path.join(dir, 'snippet.mjs'), `${jsSnippet('ag-to-thread')}\nexport { runInWorker };\n`);
      writeFileSync(
        path.join(dir, 'worker.js'),
        [
          "const { parentPort, workerData } = require('node:worker_threads');",
          "if (workerData === 'throw') throw new Error('worker failed');",
          "if (workerData === 'exit') process.exit(3);",
          'parentPort.postMessage(workerData * 2);',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'main.mjs'),
        [
          "import { runInWorker } from './snippet.mjs';",
          'const outcome = (p) => p.then((value) => ({ value }), (error) => ({ error: error.message }));',
          "console.log(JSON.stringify(await Promise.all([outcome(runInWorker(21)), outcome(runInWorker('throw')), outcome(runInWorker('exit'))])));",
        ].join('\n'),
      );
      const output = execFileSync(process.execPath, [path.join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 20_000 });
      const [ok, thrown, exited] = JSON.parse(output) as { value?: number; error?: string }[];
      assert.deepEqual(ok, { value: 42 });
      assert.equal(thrown.error, 'worker failed');
      assert.match(exited.error ?? '', /exit(ed)? with code 3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviour: the Python snippets do what their descriptions say (run with python3, when present)

/** Removes the indentation common to all non-blank lines (so Python can be written inline here). */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const width = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(width)).join('\n');
}

/**
 * For each Python snippet: stubs for its default placeholder names (`setup`), lines run after a
 * statement snippet inside its async function (`tail`), and an `async def main()` that checks the
 * behaviour. Every Python snippet needs an entry.
 */
const PYTHON_RUNS: Readonly<Record<string, { setup: string; tail?: string; main: string }>> = {
  'ag-taskgroup': {
    setup: `
      events = []
      fail = True

      async def fetch_first():
          await asyncio.sleep(0.01)
          if fail:
              raise ValueError("first failed")
          return 1

      async def fetch_second():
          try:
              await asyncio.sleep(0 if not fail else 10)
              return 2
          except asyncio.CancelledError:
              events.append("second cancelled")
              raise
    `,
    tail: 'return results',
    main: `
      async def main():
          global fail
          try:
              await snippet_context()
          except* ValueError:
              events.append("error propagated")
          assert events == ["second cancelled", "error propagated"], events
          fail = False
          assert await snippet_context() == (1, 2)
    `,
  },
  'ag-timeout': {
    setup: `
      import logging

      logged = []

      class Capture(logging.Handler):
          def emit(self, record):
              logged.append(record.getMessage())

      logger = logging.getLogger("snippet")
      logger.addHandler(Capture())
      url = "https://example.invalid"

      class Client:
          delay = 0.0

          async def get(self, target):
              await asyncio.sleep(self.delay)
              return f"body of {target}"

      client = Client()
      # Seconds become milliseconds, so the default 5.0 s limit can be hit quickly.
      real_timeout = asyncio.timeout
      asyncio.timeout = lambda seconds: real_timeout(seconds / 1000)
    `,
    tail: 'return response',
    main: `
      async def main():
          assert await snippet_context() == "body of https://example.invalid"
          client.delay = 1.0
          try:
              await snippet_context()
          except TimeoutError:
              pass
          else:
              raise AssertionError("no timeout")
          assert logged == ["request timed out after 5.0 s"], logged
    `,
  },
  'ag-to-thread': {
    setup: `
      import threading

      threads = []

      def vendor_load_report(report_id):
          threads.append(threading.get_ident())
          return report_id.encode()
    `,
    main: `
      async def main():
          assert await load_report("r1") == b"r1"
          assert threads and threads[0] != threading.get_ident(), "ran on the event loop thread"
    `,
  },
  'ag-executor': {
    setup: `
      import threading

      threads = []

      def compute_blocking(value):
          threads.append(threading.get_ident())
          return value * 2
    `,
    main: `
      async def main():
          assert await compute(21) == 42
          assert threads and threads[0] != threading.get_ident(), "ran on the event loop thread"
    `,
  },
  'ag-worker-loop': {
    setup: `
      handled = []
      cleaned = []

      async def handle(item):
          await asyncio.sleep(0)
          handled.append(item)

      async def cleanup():
          await asyncio.sleep(0)
          cleaned.append(True)
    `,
    main: `
      async def main():
          queue = asyncio.Queue()
          task = asyncio.create_task(worker(queue))
          for item in ("a", "b", "c"):
              queue.put_nowait(item)
          await queue.join()
          task.cancel()
          try:
              await task
          except asyncio.CancelledError:
              pass
          assert task.cancelled(), "the CancelledError was swallowed"
          assert handled == ["a", "b", "c"], handled
          assert cleaned == [True], cleaned
    `,
  },
  'ag-shield': {
    setup: `
      saved = []
      job = "job-1"

      async def process(item):
          await asyncio.sleep(10)

      async def save_progress(item):
          await asyncio.sleep(0.05)
          saved.append(item)
    `,
    main: `
      async def main():
          task = asyncio.create_task(snippet_context())
          await asyncio.sleep(0.01)
          task.cancel()  # interrupts process(); the finally block starts saving
          await asyncio.sleep(0.01)
          task.cancel()  # a second cancel while saving: the shielded save goes on
          try:
              await task
          except asyncio.CancelledError:
              pass
          await asyncio.sleep(0.1)
          assert saved == ["job-1"], saved
    `,
  },
};

describe('behaviour of the Python snippets', () => {
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  const entries = Object.values(loadSnippets('python.json'));

  it('every Python snippet has a behaviour check', () => {
    assert.deepEqual(entries.map(prefixOf).sort(), Object.keys(PYTHON_RUNS).sort());
  });

  for (const entry of entries) {
    const prefix = prefixOf(entry);
    const run = PYTHON_RUNS[prefix];
    if (run === undefined) continue;
    it(prefix, { skip: hasPython ? false : 'python3 is not on PATH' }, () => {
      const text = expandSnippet(bodyOf(entry), 'snippet.py').replace(/\t/g, '    ');
      const snippet =
        PLACEMENT[prefix] === 'statements'
          ? `async def snippet_context():\n${indent(text, '    ')}\n${indent(run.tail ?? 'return None', '    ')}`
          : text;
      const program = [
        'import asyncio',
        dedent(run.setup),
        snippet,
        dedent(run.main),
        'asyncio.run(main())',
        'print("ok")',
        '',
      ].join('\n\n');
      const result = spawnSync('python3', ['-c', program], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(result.status, 0, `${result.stderr}\n--- program ---\n${program}`);
      assert.equal(result.stdout.trim(), 'ok');
    });
  }
});
