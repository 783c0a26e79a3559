import * as path from 'node:path';
import pythonPack from '../languages/python/pack';
import { typescriptPackInfo } from '../languages/typescript/info';
import { applyEdits, combineFixes } from './fixes';
import type { LanguagePack, PackInfo, PackInitOptions, ProjectProblem } from './languagePack';
import { registry } from './registry';
import { noqaCodes, type RuleMeta } from './rule';
import type { EngineSettings, RuleLevel } from './settings';
import { SourceText } from './sourceText';
import { buildSuppressionIndex, suppressionComment } from './suppression';
import type { Finding, PackId, Report, TextEdit } from './types';

// A pack's parsed form is opaque to the engine; `unknown` keeps each pack's type to itself.
type AnyPack = LanguagePack<unknown>;

/**
 * A pack whose code is loaded the first time a file of its language is analysed (or its checks,
 * project problems... are asked for). Until then only its `info` is known, and `forget` /
 * `invalidate` have nothing to drop.
 */
function deferredPack(info: PackInfo, load: () => AnyPack): AnyPack {
  let loaded: AnyPack | undefined;
  let initOptions: PackInitOptions | undefined;
  const pack = (): AnyPack => {
    if (loaded === undefined) {
      const fresh = load();
      if (initOptions !== undefined) {
        if (fresh.initNow === undefined) throw new Error(`the ${info.id} pack cannot be set up on first use`);
        fresh.initNow(initOptions);
      }
      loaded = fresh;
    }
    return loaded;
  };
  return {
    ...info,
    get checks() {
      return pack().checks;
    },
    async init(options) {
      initOptions = options;
    },
    parse: (source, fileName) => pack().parse(source, fileName),
    structure: (parsed) => pack().structure(parsed),
    dispose: (parsed) => pack().dispose(parsed),
    forget: (fileName) => loaded?.forget?.(fileName),
    invalidate: (fileNames) => loaded?.invalidate?.(fileNames),
    projectProblems: () => loaded?.projectProblems?.() ?? [],
  };
}

const packs: readonly AnyPack[] = [
  pythonPack as AnyPack,
  // Loading it loads the TypeScript compiler: not for runs that never see a TS/JS file. A
  // `require` (not an import) is what lets the bundler evaluate the module on first use.
  deferredPack(typescriptPackInfo, () => (require('../languages/typescript/pack') as typeof import('../languages/typescript/pack')).default as AnyPack),
];

export interface AnalyzeInput {
  text: string;
  fileName: string;
  /** The editor's language id, when known; otherwise the file extension decides. */
  languageId?: string;
  settings?: EngineSettings;
}

export interface AnalysisResult {
  findings: Finding[];
  source: SourceText;
  /** The pack that analysed the file, or undefined when no pack handles it. */
  pack: AnyPack | undefined;
  /** Internal errors (a rule that threw); logged, never shown as findings. */
  internalErrors: string[];
  /** Why the file was not analysed (too large, binary, minified, nested too deeply), when it was not. */
  skipped?: string;
  /** Where the time went, in milliseconds: the parse, the structure walk, and each rule that ran. */
  timings: AnalysisTimings;
}

export interface AnalysisTimings {
  parseMs: number;
  structureMs: number;
  rules: Record<string, number>;
}

/** The `count` slowest parts of an analysis, for logs: "parse 12 ms, blocking-call-in-async 30 ms". */
export function describeTimings(timings: AnalysisTimings, count = 3): string {
  const parts: [string, number][] = [
    ['parse', timings.parseMs],
    ['structure', timings.structureMs],
    ...Object.entries(timings.rules),
  ];
  return parts
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
    .join(', ');
}

/** Files over this many characters are not analysed (the parse alone would stall an editor). */
export const MAX_ANALYSED_CHARS = 1_000_000;
/** A file this long whose longest line is over MAX_LINE_CHARS looks minified or generated. */
const MINIFIED_MIN_CHARS = 50_000;
const MAX_LINE_CHARS = 10_000;
/** Real code never nests this deep; deeper trees (generated or hostile input) are not analysed. */
export const MAX_TREE_DEPTH = 1_000;
/**
 * Brackets nested this deep (counted before parsing, strings and comments included) are not
 * handed to a parser at all: the TypeScript parser can spend minutes on some such inputs (found
 * by fuzzing: 500 unbalanced levels), and the tree would exceed MAX_TREE_DEPTH anyway.
 */
export const MAX_BRACKET_DEPTH = 300;

/** The deepest nesting of `(`, `[` and `{` in `text`, stopping once it passes `limit`. */
function bracketDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40 || ch === 91 || ch === 123) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) break;
      }
    } else if ((ch === 41 || ch === 93 || ch === 125) && depth > 0) depth--;
  }
  return deepest;
}

/** Why a text should not be analysed at all, decided before parsing; undefined when it should. */
export function skipReason(text: string): string | undefined {
  if (text.length > MAX_ANALYSED_CHARS) {
    return `not analysed: ${(text.length / 1_000_000).toFixed(1)} million characters is over the ${MAX_ANALYSED_CHARS / 1_000_000} million limit`;
  }
  if (text.slice(0, 8_000).includes('\u0000')) return 'not analysed: binary content';
  const brackets = bracketDepth(text, MAX_BRACKET_DEPTH);
  if (brackets > MAX_BRACKET_DEPTH) return `not analysed: brackets nest over ${MAX_BRACKET_DEPTH} levels deep`;
  if (text.length > MINIFIED_MIN_CHARS) {
    let lineStart = 0;
    for (let i = 0; i <= text.length; i++) {
      const ch = i < text.length ? text.charCodeAt(i) : 10;
      if (ch === 10 || ch === 13) {
        if (i - lineStart > MAX_LINE_CHARS) return `not analysed: looks minified or generated (a line of ${i - lineStart} characters)`;
        lineStart = i + 1;
      }
    }
  }
  return undefined;
}

export interface EngineOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-python.wasm; defaults to the bundle's own. */
  wasmDir?: string;
  log?: (message: string) => void;
}

export function packForFile(fileName: string, languageId?: string): AnyPack | undefined {
  if (languageId !== undefined) {
    const byId = packs.find((p) => p.languageIds.includes(languageId));
    if (byId !== undefined) return byId;
  }
  const ext = path.extname(fileName).toLowerCase();
  return packs.find((p) => p.extensions.includes(ext));
}

export function supportedExtensions(): string[] {
  return packs.flatMap((p) => [...p.extensions]);
}

function levelOf(rule: RuleMeta, settings: EngineSettings | undefined, pack: PackId): RuleLevel {
  const configured = settings?.rules?.[rule.id];
  if (configured !== undefined) return configured;
  if (rule.preview?.includes(pack) === true && settings?.preview !== true) return 'off';
  return rule.defaultSeverity;
}

/** A rule's options: declared defaults, overridden by settings values of the declared type. */
export function optionsOf(rule: RuleMeta, settings: EngineSettings | undefined): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const given = settings?.ruleOptions?.[rule.id] ?? {};
  for (const [name, option] of Object.entries(rule.options ?? {})) {
    const value = given[name];
    const fits =
      option.type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === option.type;
    options[name] = fits ? value : option.default;
  }
  return options;
}

/** The analysis engine: shared by the language server and the CLI; no editor dependency. */
export class Engine {
  private readonly unavailable = new Map<string, string>();

  private constructor(private readonly log: (message: string) => void) {}

  static async create(options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(options.log ?? (() => undefined));
    const wasmDir = options.wasmDir ?? __dirname;
    await Promise.all(
      packs.map(async (pack) => {
        try {
          await pack.init({ wasmDir });
        } catch (error) {
          const message = `the ${pack.id} parser could not be loaded: ${String(error)}`;
          engine.unavailable.set(pack.id, message);
          engine.log(message);
        }
      }),
    );
    return engine;
  }

  get rules(): RuleMeta[] {
    return registry.all();
  }

  analyze(input: AnalyzeInput): AnalysisResult {
    const source = new SourceText(input.text);
    const pack = packForFile(input.fileName, input.languageId);
    const result: AnalysisResult = { findings: [], source, pack, internalErrors: [], timings: { parseMs: 0, structureMs: 0, rules: {} } };
    if (pack === undefined || this.unavailable.has(pack.id)) return result;
    result.skipped = skipReason(input.text) ?? pack.skipReason?.(input.text);
    if (result.skipped !== undefined) return result;

    let parsed: unknown;
    const parseStarted = performance.now();
    try {
      parsed = pack.parse(source, input.fileName);
      result.timings.parseMs = performance.now() - parseStarted;
    } catch (error) {
      if (error instanceof RangeError) {
        result.skipped = 'not analysed: nested too deeply for the parser';
      } else {
        this.internalError(result, `${pack.id} parser failed on ${input.fileName}: ${describe(error)}`);
      }
      return result;
    }
    try {
      this.runChecks(pack, parsed, source, input, result);
    } finally {
      try {
        pack.dispose(parsed);
      } catch (error) {
        this.internalError(result, `releasing the parse of ${input.fileName} failed: ${describe(error)}`);
      }
    }
    result.findings.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId));
    return result;
  }

  private runChecks(pack: AnyPack, parsed: unknown, source: SourceText, input: AnalyzeInput, result: AnalysisResult): void {
    let structure: ReturnType<AnyPack['structure']> = { comments: [], depth: 0 };
    const structureStarted = performance.now();
    try {
      structure = pack.structure(parsed);
    } catch (error) {
      this.internalError(result, `reading the structure of ${input.fileName} failed: ${describe(error)}`);
    }
    result.timings.structureMs = performance.now() - structureStarted;
    if (structure.depth > MAX_TREE_DEPTH) {
      result.skipped = `not analysed: the code nests ${structure.depth} levels deep (the limit is ${MAX_TREE_DEPTH})`;
      return;
    }
    const suppressions = buildSuppressionIndex(source, structure.comments, pack.id === 'python');

    for (const check of pack.checks) {
      const level = levelOf(check.rule, input.settings, pack.id);
      if (level === 'off') continue;
      const reports: Report[] = [];
      const ruleStarted = performance.now();
      try {
        check.run({
          parsed,
          source,
          fileName: input.fileName,
          options: optionsOf(check.rule, input.settings),
          project: input.settings?.project ?? {},
          report: (report) => reports.push(report),
        });
      } catch (error) {
        this.internalError(result, `rule ${check.rule.id} failed on ${input.fileName}: ${describe(error)}`);
        continue;
      } finally {
        result.timings.rules[check.rule.id] = performance.now() - ruleStarted;
      }
      const codes = noqaCodes(check.rule);
      for (const report of reports) {
        const line = source.positionAt(report.start).line;
        if (suppressions.isSuppressed(check.rule.id, line, codes)) continue;
        result.findings.push({ ...report, ruleId: check.rule.id, severity: level });
      }
    }
  }

  /**
   * Applies fixes until nothing more changes (at most `maxPasses` analyses): safe fixes only,
   * unless `unsafe` is set. Returns the final text and how many fixes were applied.
   */
  fixAll(input: AnalyzeInput, options: { unsafe?: boolean; maxPasses?: number } = {}): { text: string; applied: number } {
    let text = input.text;
    let applied = 0;
    for (let pass = 0; pass < (options.maxPasses ?? 10); pass++) {
      const { findings } = this.analyze({ ...input, text });
      const combined = combineFixes(findings, options.unsafe === true);
      if (combined.edits.length === 0) break;
      text = applyEdits(text, combined.edits);
      applied += combined.applied;
    }
    return { text, applied };
  }

  /** The editor closed `fileName` (or it was deleted): packs drop what they keep for it. */
  forget(fileName: string): void {
    for (const pack of packs) pack.forget?.(fileName);
  }

  /** Files changed on disk (configs, dependencies, sources not open): packs refresh what depends on them. */
  invalidate(fileNames: readonly string[]): void {
    for (const pack of packs) pack.invalidate?.(fileNames);
  }

  /** Problems in project files the packs read (e.g. a tsconfig that does not parse). */
  projectProblems(): ProjectProblem[] {
    return packs.flatMap((pack) => pack.projectProblems?.() ?? []);
  }

  /** The edit that disables `ruleId` on `line`, written the way the file's language expects. */
  suppressionEdit(pack: AnyPack, source: SourceText, line: number, ruleId: string): TextEdit {
    const comment = suppressionComment(pack.lineComment, ruleId);
    if (pack.suppressionPlacement === 'end-of-line') {
      const end = source.lineEnd(line);
      return { start: end, end, newText: `  ${comment}` };
    }
    const start = source.lineStart(line);
    const indent = /^[ \t]*/.exec(source.lineText(line))?.[0] ?? '';
    return { start, end: start, newText: `${indent}${comment}${source.eol}` };
  }

  private internalError(result: AnalysisResult, message: string): void {
    result.internalErrors.push(message);
    this.log(message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
