// Shared by the reliability tests: a seeded PRNG, the seed corpus (every fixture file, every
// snippet, every code block of the rule docs, the examples), mutators, and `exercise`, which runs
// one input through parse → every rule → every fix and returns what went wrong.
// Everything here is generic over the rule registry: nothing names a rule.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { AnalysisResult, AnalyzeInput, Engine } from '../../server/src/engine/engine';
import { packForFile } from '../../server/src/engine/engine';
import { applyEdits } from '../../server/src/engine/fixes';
import type { EngineSettings } from '../../server/src/engine/settings';
import type { Finding, PackId, TextEdit } from '../../server/src/engine/types';
import { repoRoot } from '../helpers/engine';

/** `npm run test:stress` sets AG_STRESS=1: the long versions of every reliability test. */
export const STRESS = process.env.AG_STRESS === '1';

/** A hang detector, not a speed test: no single analysis (or fix application) may take longer. */
export const ANALYSIS_BOUND_MS = 2000;

/**
 * The bound for a text of `chars` characters: ANALYSIS_BOUND_MS up to 100,000 characters, then
 * growing in proportion (a file of 900,000 characters of real code, under the engine's 1 million
 * limit, takes several seconds to type-check: that is its size, not a hang; a hang or a
 * super-linear blow-up still shows).
 */
export function boundFor(chars: number): number {
  return ANALYSIS_BOUND_MS * Math.max(1, chars / 100_000);
}

/** Every rule on, preview tier included. */
export const ALL_RULES: EngineSettings = { preview: true };

/** The one internal error the engine documents as expected: the parser's own recursion limit. */
export const EXPECTED_INTERNAL_ERROR = /nesting is too deep for the parser/;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32): every run with the same seed sees the same inputs.

export type Random = () => number;

export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)];
}

// ---------------------------------------------------------------------------------------------
// The corpus.

export interface Sample {
  pack: PackId;
  /** The file name the engine sees (its extension picks the pack and the TS script kind). */
  fileName: string;
  text: string;
  /** Where it came from, for failure reports. */
  origin: string;
}

export function listFiles(dir: string, keep: (file: string) => boolean = () => true): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(full, keep);
      return entry.isFile() && keep(full) ? [full] : [];
    });
}

export function packOf(fileName: string): PackId | undefined {
  return packForFile(fileName)?.id;
}

/** Every fixture file under test/fixtures/rules/ a pack analyses. */
export function fixtureFiles(): string[] {
  return listFiles(path.join(repoRoot, 'test', 'fixtures', 'rules'), (f) => packOf(f) !== undefined);
}

function fileSample(file: string): Sample | undefined {
  const pack = packOf(file);
  if (pack === undefined) return undefined;
  return { pack, fileName: file, text: readFileSync(file, 'utf8'), origin: path.relative(repoRoot, file) };
}

/** A snippet body with its placeholders filled by their defaults (`${1:name}` → `name`). */
export function expandSnippet(body: readonly string[], indent: string): string {
  let text = body.join('\n').replace(/\t/g, indent);
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\}|\$\d+/g, '');
  }
  return text.replace(/\\\$/g, '$');
}

function snippetSamples(): Sample[] {
  const files: [string, PackId, string][] = [
    ['python.json', 'python', 'snippet.py'],
    ['typescript.json', 'typescript', 'snippet.ts'],
    ['javascript.json', 'typescript', 'snippet.js'],
  ];
  const samples: Sample[] = [];
  for (const [file, pack, fileName] of files) {
    let parsed: Record<string, { body: string[] | string }>;
    try {
      parsed = JSON.parse(readFileSync(path.join(repoRoot, 'snippets', file), 'utf8')) as typeof parsed;
    } catch {
      continue;
    }
    for (const [name, snippet] of Object.entries(parsed)) {
      const body = Array.isArray(snippet.body) ? snippet.body : [snippet.body];
      const code = expandSnippet(body, pack === 'python' ? '    ' : '  ');
      // Snippets are statements meant for a function body: analyse them there too.
      const wrapped =
        pack === 'python'
          ? `import asyncio\n\n\nasync def main():\n${code.replace(/^/gm, '    ')}\n`
          : `export async function main(): Promise<void> {\n${code.replace(/^/gm, '  ')}\n}\n`;
      samples.push({ pack, fileName, text: code, origin: `snippets/${file}: ${name}` });
      samples.push({ pack, fileName, text: wrapped, origin: `snippets/${file}: ${name} (in an async function)` });
    }
  }
  return samples;
}

const FENCE_FILE: Readonly<Record<string, [PackId, string]>> = {
  python: ['python', 'doc.py'],
  py: ['python', 'doc.py'],
  ts: ['typescript', 'doc.ts'],
  typescript: ['typescript', 'doc.ts'],
  tsx: ['typescript', 'doc.tsx'],
  js: ['typescript', 'doc.js'],
  javascript: ['typescript', 'doc.js'],
};

function docsSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const file of listFiles(path.join(repoRoot, 'docs', 'rules'), (f) => f.endsWith('.md'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)) {
      const kind = FENCE_FILE[match[1]];
      if (kind !== undefined) samples.push({ pack: kind[0], fileName: kind[1], text: match[2], origin: `${path.relative(repoRoot, file)} (${match[1]} block)` });
    }
  }
  return samples;
}

/** The seed corpus of the fuzzer, read when called (rules and fixtures are added all the time). */
export function seedCorpus(): Sample[] {
  const files = [...fixtureFiles(), ...listFiles(path.join(repoRoot, 'examples'))];
  return [
    ...files.map(fileSample).filter((s): s is Sample => s !== undefined),
    ...snippetSamples(),
    ...docsSamples(),
  ];
}

/** The repository's own sources and examples: real files for the fix-safety check. */
export function repositoryFiles(): string[] {
  const roots = ['server/src', 'client/src', 'test', 'examples', 'bench'].map((p) => path.join(repoRoot, p));
  const skip = path.join(repoRoot, 'test', 'fixtures');
  return [
    ...roots.flatMap((root) => listFiles(root, (f) => !f.startsWith(skip) && packOf(f) !== undefined)),
    path.join(repoRoot, 'esbuild.mjs'),
  ].filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Mutators. Each takes a text and returns a mutated one; `mutate` chains a few.

const ODD_UNICODE = [
  '\uFEFF', // BOM / zero-width no-break space
  '\u200B', // zero-width space
  '\u202E', // right-to-left override
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u0085', // next line
  '\u00A0', // no-break space
  '\u0301', // combining acute accent
  '\uD83D\uDE00', // astral plane (surrogate pair)
  '\uD800', // lone high surrogate
  '\uDC00', // lone low surrogate
  '\uFFFD', // replacement character (what invalid UTF-8 decodes to)
  'café',
  'ℌ𝔢𝔩𝔩𝔬',
  '（）',
  '\u0000',
  '\u000B\u000C',
  '\t',
];

const BRACKETS = ['(', ')', '[', ']', '{', '}', '"', "'", '`', '"""', "'''", '${', '/*', '*/', '<', '>', '</', '#', '//', '\\'];

const PY_TOKENS = ['async', 'await', 'def', 'with', 'for', 'in', 'try', 'except', 'finally', 'raise', 'return', 'lambda', 'class', 'import', 'from', 'as', 'global', 'nonlocal', 'yield', 'if', 'else', 'elif', 'while', 'pass', ':', '=', '.', ',', '*', '**', '@', '->', 'asyncio', 'create_task', 'sleep', 'time', 'open', 'requests', 'get', 'logging', 'print', 'TaskGroup', 'gather', 'run_in_executor', 'to_thread', 'Exception', 'BaseException', 'timeout', 'x', 'self', 'f"{x}"', '0', 'None', '\n', '\n    ', '\n        ', '#'];

const TS_TOKENS = ['async', 'await', 'function', 'const', 'let', 'var', 'return', 'try', 'catch', 'finally', 'throw', 'new', 'Promise', 'then', 'catch', 'void', '=>', 'class', 'import', 'export', 'from', 'require', 'readFileSync', 'fs', 'fetch', 'setTimeout', 'AbortSignal', 'timeout', 'console', 'log', 'Worker', 'Atomics', 'wait', 'execSync', 'for', 'of', 'while', 'if', 'else', ':', '=', '.', '?.', ',', ';', '...', '<T>', 'as', 'any', 'unknown', 'x', 'this', '0', 'null', 'undefined', '\n', '\n  ', '`${x}`', '/re/g', '@dec'];

function tokens(pack: PackId): readonly string[] {
  return pack === 'python' ? PY_TOKENS : TS_TOKENS;
}

function tokenSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}_$]+|[^\s\p{L}\p{N}_$]/gu)) spans.push([match.index, match.index + match[0].length]);
  return spans;
}

function at(random: Random, text: string): number {
  return int(random, text.length + 1);
}

function insertAt(text: string, offset: number, piece: string): string {
  return text.slice(0, offset) + piece + text.slice(offset);
}

type Mutator = (random: Random, text: string, pack: PackId, corpus: readonly Sample[]) => string;

export const MUTATORS: Readonly<Record<string, Mutator>> = {
  truncate: (r, t) => t.slice(0, at(r, t)),
  truncateStart: (r, t) => t.slice(at(r, t)),
  deleteToken: (r, t) => {
    const spans = tokenSpans(t);
    if (spans.length === 0) return t;
    const [s, e] = pick(r, spans);
    return t.slice(0, s) + t.slice(e);
  },
  duplicateToken: (r, t) => {
    const spans = tokenSpans(t);
    if (spans.length === 0) return t;
    const [s, e] = pick(r, spans);
    return t.slice(0, e) + (r() < 0.5 ? ' ' : '') + t.slice(s, e) + t.slice(e);
  },
  swapTokens: (r, t) => {
    const spans = tokenSpans(t);
    if (spans.length < 2) return t;
    const i = int(r, spans.length - 1);
    const [a, b] = [spans[i], spans[i + 1]];
    return t.slice(0, a[0]) + t.slice(b[0], b[1]) + t.slice(a[1], b[0]) + t.slice(a[0], a[1]) + t.slice(b[1]);
  },
  insertToken: (r, t, pack) => insertAt(t, at(r, t), ` ${pick(r, tokens(pack))} `),
  unbalanced: (r, t) => insertAt(t, at(r, t), pick(r, BRACKETS)),
  deleteBracket: (r, t) => {
    const positions = [...t.matchAll(/[()[\]{}"'`]/g)].map((m) => m.index);
    if (positions.length === 0) return t;
    const p = pick(r, positions);
    return t.slice(0, p) + t.slice(p + 1);
  },
  deepNesting: (r, t, pack) => {
    const depth = pick(r, STRESS ? [20, 100, 400, 1500, 5000] : [20, 100, 400]);
    const shape = int(r, 4);
    let piece: string;
    if (shape === 0) piece = `${'('.repeat(depth)}x${')'.repeat(depth)}`;
    else if (shape === 1) piece = `${'['.repeat(depth)}${']'.repeat(r() < 0.5 ? depth : int(r, depth))}`;
    else if (shape === 2) piece = pack === 'python' ? 'f(' .repeat(depth) + ')'.repeat(depth) : `${'{'.repeat(depth)}${'}'.repeat(depth)}`;
    else {
      // Nested async functions / blocks, indented for Python.
      const lines: string[] = [];
      const levels = Math.min(depth, 200);
      for (let i = 0; i < levels; i++) {
        lines.push(pack === 'python' ? `${' '.repeat(i)}async def f${i}():` : `async function f${i}() {`);
      }
      lines.push(pack === 'python' ? `${' '.repeat(levels)}time.sleep(1)` : 'readFileSync("x");');
      if (pack !== 'python') lines.push('}'.repeat(levels));
      piece = lines.join('\n');
    }
    return insertAt(t, pick(r, [0, at(r, t), t.length]), `\n${piece}\n`);
  },
  longLine: (r, t, pack) => {
    const unit = pick(r, [...tokens(pack).filter((x) => !x.includes('\n')), 'a', 'x + ', '"', ' ']);
    const piece = unit.repeat(pick(r, STRESS ? [1000, 10_000, 60_000] : [1000, 5000]) / Math.max(1, unit.length));
    return insertAt(t, at(r, t), piece);
  },
  repeatLine: (r, t) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    // Capped: after other mutations a "line" can be the whole file (CR line ends), and repeating
    // that 500 times made a string over V8's limit (found at input #73,285 of the stress run).
    const times = pick(r, STRESS ? [50, 500] : [20, 50]);
    lines[i] = lines[i].repeat(Math.max(1, Math.min(times, Math.floor(2_000_000 / Math.max(1, lines[i].length)))));
    return lines.join('\n');
  },
  oddUnicode: (r, t) => insertAt(t, at(r, t), pick(r, ODD_UNICODE)),
  unicodeIdentifiers: (r, t) => t.replace(/\b([a-z])([a-z_]*)\b/g, (whole, first: string, rest: string) => (r() < 0.05 ? `${first}\u00e9${rest}` : whole)),
  bom: (_r, t) => `\uFEFF${t}`,
  crlf: (_r, t) => t.replace(/\r?\n/g, '\r\n'),
  cr: (_r, t) => t.replace(/\r?\n/g, '\r'),
  mixedEol: (r, t) => t.replace(/\n/g, () => pick(r, ['\n', '\r\n', '\r', '\u2028'])),
  nul: (r, t) => insertAt(t, at(r, t), '\u0000'),
  tabs: (r, t) => t.replace(/^( {2,4})/gm, (w) => (r() < 0.5 ? '\t' : w)),
  dedentLine: (r, t) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines[i] = lines[i].replace(/^\s+/, '');
    return lines.join('\n');
  },
  indentLine: (r, t) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines[i] = `${pick(r, ['  ', '    ', '\t', '        '])}${lines[i]}`;
    return lines.join('\n');
  },
  deleteLines: (r, t) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines.splice(i, 1 + int(r, 4));
    return lines.join('\n');
  },
  duplicateLines: (r, t) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines.splice(i, 0, ...lines.slice(i, i + 1 + int(r, 4)));
    return lines.join('\n');
  },
  splice: (r, t, pack, corpus) => {
    const same = corpus.filter((s) => s.pack === pack);
    if (same.length === 0) return t;
    const other = pick(r, same).text;
    const a = at(r, other);
    return insertAt(t, at(r, t), other.slice(a, a + int(r, 400)));
  },
  randomBytes: (r, t) => {
    let piece = '';
    for (let n = int(r, 40); n > 0; n--) piece += String.fromCharCode(int(r, r() < 0.8 ? 128 : 0x10000));
    return insertAt(t, at(r, t), piece);
  },
};

const MUTATOR_NAMES = Object.keys(MUTATORS);

/** 1–4 random mutations of `sample` (the names applied are returned, for reports). */
export function mutate(random: Random, sample: Sample, corpus: readonly Sample[]): { text: string; applied: string[] } {
  let text = sample.text;
  const applied: string[] = [];
  for (let n = 1 + int(random, 4); n > 0; n--) {
    const name = pick(random, MUTATOR_NAMES);
    text = MUTATORS[name](random, text, sample.pack, corpus);
    applied.push(name);
  }
  // The short run keeps inputs small (the big shapes are in the stress run and ./regressions/).
  if (!STRESS && text.length > 30_000) {
    text = text.slice(0, 30_000);
    applied.push('truncate(30000)');
  }
  return { text, applied };
}

/** A program made of random tokens of the language (mostly nonsense, sometimes almost code). */
export function randomProgram(random: Random, pack: PackId): string {
  const vocabulary = [...tokens(pack), ...BRACKETS, '(', ')', '(', ')', ' '];
  let text = '';
  for (let n = int(random, 120); n > 0; n--) text += pick(random, vocabulary) + (random() < 0.7 ? ' ' : '');
  return text;
}

// ---------------------------------------------------------------------------------------------
// Running one input through everything.

export interface Problem {
  kind: 'exception' | 'internal-error' | 'timeout' | 'bad-range' | 'bad-fix';
  detail: string;
}

/** CPU time of this process in ms: the bound is on work done, so a busy shared machine cannot trip it. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function timed<T>(what: string, problems: Problem[], chars: number, run: () => T): T | undefined {
  const started = cpuMs();
  let value: T;
  try {
    value = run();
  } catch (error) {
    problems.push({ kind: 'exception', detail: `${what} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
    return undefined;
  }
  const elapsed = cpuMs() - started;
  const bound = boundFor(chars);
  if (elapsed > bound) problems.push({ kind: 'timeout', detail: `${what} took ${Math.round(elapsed)} ms of CPU (bound ${Math.round(bound)} ms for ${chars} characters)` });
  return value;
}

function unexpected(errors: readonly string[]): string[] {
  return errors.filter((e) => !EXPECTED_INTERNAL_ERROR.test(e));
}

function checkEdits(text: string, edits: readonly TextEdit[]): string | undefined {
  for (const edit of edits) {
    if (!(Number.isInteger(edit.start) && Number.isInteger(edit.end) && edit.start >= 0 && edit.start <= edit.end && edit.end <= text.length)) {
      return `edit [${edit.start}, ${edit.end}) is outside the text (length ${text.length})`;
    }
    if (typeof edit.newText !== 'string') return 'edit without newText';
  }
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) return `edits overlap at ${sorted[i].start}`;
  }
  return undefined;
}

/**
 * Analyses `text` with every rule, applies every fix of every finding alone and analyses the
 * result, then runs fix-all (safe and unsafe). Returns every problem seen; none is expected.
 */
export function exercise(
  engine: Engine,
  fileName: string,
  text: string,
  options: { fixes?: boolean; maxFixes?: number } = {},
): { problems: Problem[]; findings: number; fixes: number } {
  const problems: Problem[] = [];
  // Analyses of a text already analysed for this input (fix-all's first pass, a fix that changes
  // nothing) are answered from memory: the same text gives the same result, and a warm TypeScript
  // analysis costs a new program and type checker. Fix-all is the engine's own, run over this view.
  const memo = new Map<string, AnalysisResult>();
  const analyze = (input: AnalyzeInput): AnalysisResult => {
    const known = memo.get(input.text);
    if (known !== undefined && input.fileName === fileName && input.settings === ALL_RULES) return known;
    const fresh = engine.analyze(input);
    if (input.fileName === fileName && input.settings === ALL_RULES) memo.set(input.text, fresh);
    return fresh;
  };
  const memoEngine = Object.create(engine, { analyze: { value: analyze } }) as Engine;
  const result = timed('analysis', problems, text.length, () => analyze({ text, fileName, settings: ALL_RULES }));
  if (result === undefined) return { problems, findings: 0, fixes: 0 };
  for (const error of unexpected(result.internalErrors)) problems.push({ kind: 'internal-error', detail: error });
  let fixes = 0;
  for (const finding of result.findings) {
    if (!(finding.start >= 0 && finding.start <= finding.end && finding.end <= text.length)) {
      problems.push({ kind: 'bad-range', detail: `${finding.ruleId} reported [${finding.start}, ${finding.end}) in a text of length ${text.length}` });
    }
    if (options.fixes === false) continue;
    for (const fix of finding.fixes ?? []) {
      if (fixes >= (options.maxFixes ?? Infinity)) break;
      fixes++;
      const bad = checkEdits(text, fix.edits);
      if (bad !== undefined) {
        problems.push({ kind: 'bad-fix', detail: `${finding.ruleId} fix "${fix.title}": ${bad}` });
        continue;
      }
      const fixed = applyEdits(text, fix.edits);
      const after = timed(`analysis after ${finding.ruleId} fix "${fix.title}"`, problems, fixed.length, () => analyze({ text: fixed, fileName, settings: ALL_RULES }));
      for (const error of unexpected(after?.internalErrors ?? [])) problems.push({ kind: 'internal-error', detail: `after ${finding.ruleId} fix "${fix.title}": ${error}` });
    }
  }
  if (options.fixes !== false && text.length < 50_000 && result.findings.some((f) => (f.fixes ?? []).length > 0)) {
    for (const unsafe of [false, true]) {
      timed(`fix-all (${unsafe ? 'unsafe' : 'safe'})`, problems, text.length, () => memoEngine.fixAll({ text, fileName, settings: ALL_RULES }, { unsafe }));
    }
  }
  return { problems, findings: result.findings.length, fixes };
}

// ---------------------------------------------------------------------------------------------
// Parse checks for fixed code.

/** The TypeScript parser's syntax errors for `text` (the same parse the TS pack uses). */
export function typescriptSyntaxErrors(fileName: string, text: string): string[] {
  const kinds: Record<string, ts.ScriptKind> = { '.tsx': ts.ScriptKind.TSX, '.jsx': ts.ScriptKind.JSX, '.js': ts.ScriptKind.JS, '.mjs': ts.ScriptKind.JS, '.cjs': ts.ScriptKind.JS };
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kinds[path.extname(fileName).toLowerCase()] ?? ts.ScriptKind.TS);
  // `parseDiagnostics` is internal to the compiler API (not in its .d.ts) but stable for years:
  // the syntax errors of the parse alone, without a Program.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => `${d.start ?? 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** The key used to compare findings before and after a fix, independently of positions. */
export function findingKey(finding: Finding): string {
  return `${finding.ruleId}: ${finding.message}`;
}

export function describeFinding(text: string, finding: Finding): string {
  const line = text.slice(0, finding.start).split(/\r\n|\r|\n/).length;
  return `${finding.ruleId} at line ${line} "${text.slice(finding.start, Math.min(finding.end, finding.start + 80))}"`;
}

/** CPU ms each rule adds to the analysis of `text` (each rule alone, minus the parse with every rule off). */
export function profileRules(engine: Engine, fileName: string, text: string): Record<string, number> {
  const off = Object.fromEntries(engine.rules.map((r) => [r.id, 'off' as const]));
  const measure = (rules: Record<string, 'off' | 'error'>): number => {
    const started = cpuMs();
    engine.analyze({ text, fileName, settings: { preview: true, rules } });
    return cpuMs() - started;
  };
  const base = measure(off);
  const costs: Record<string, number> = {};
  for (const rule of engine.rules) costs[rule.id] = Math.round(measure({ ...off, [rule.id]: 'error' }) - base);
  return { parse: Math.round(base), ...costs };
}

/** A regression input: `text`, or `prefix + (unit × count)… + suffix` for the big generated ones. */
export interface RegressionInput {
  fileName: string;
  found: string;
  text?: string;
  prefix?: string;
  repeat?: [string, number][];
  suffix?: string;
}

export function regressionText(input: RegressionInput): string {
  if (input.text !== undefined) return input.text;
  return `${input.prefix ?? ''}${(input.repeat ?? []).map(([unit, count]) => unit.repeat(count)).join('')}${input.suffix ?? ''}`;
}
