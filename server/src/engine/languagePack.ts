import type { RuleMeta } from './rule';
import type { SourceText } from './sourceText';
import type { ProjectFacts } from './settings';
import type { PackId, Report } from './types';

/** A comment in the analysed file, as the language's own parser sees it (never inside a string). */
export interface SourceComment {
  start: number;
  end: number;
  /** The comment's text including its delimiters (`# ...`, `// ...`, `/* ... *\/`). */
  text: string;
}

/** Everything a check gets for one file. `P` is the pack's parsed form. */
export interface CheckContext<P> {
  readonly parsed: P;
  readonly source: SourceText;
  readonly fileName: string;
  /** The rule's options: its declared defaults, overridden by settings. */
  readonly options: Readonly<Record<string, unknown>>;
  /** What config discovery knows about the file's project (may be empty). */
  readonly project: ProjectFacts;
  report(report: Report): void;
}

/** One rule implemented for one language pack. Found by discovery: one file per check. */
export interface Check<P> {
  readonly rule: RuleMeta;
  run(context: CheckContext<P>): void;
}

/** A problem in a project file the pack read: 0-based line and UTF-16 column, as in LSP. */
export interface ProjectProblem {
  file: string;
  message: string;
  line: number;
  column: number;
}

/** Where to put a "disable this rule for this line" comment. */
export type SuppressionPlacement = 'end-of-line' | 'line-above';

/** What identifies a pack and its files, known without loading the pack's code. */
export interface PackInfo {
  readonly id: PackId;
  /** File extensions (with the dot) this pack analyses. */
  readonly extensions: readonly string[];
  /** LSP language ids this pack analyses. */
  readonly languageIds: readonly string[];
  /** The comment token of the language, for writing suppression comments. */
  readonly lineComment: string;
  readonly suppressionPlacement: SuppressionPlacement;
  /**
   * Why this pack must not parse a text (a shape its parser takes too long over), decided before
   * parsing and before the pack is loaded; undefined when it may. The engine's own limits (size,
   * binary, minified, bracket depth) are checked first.
   */
  skipReason?(text: string): string | undefined;
}

export interface LanguagePack<P> extends PackInfo {
  /** Loads parsers (WASM etc.); called once before the first parse. */
  init(options: PackInitOptions): Promise<void>;
  /**
   * For a pack the engine loads on first use (see PackInfo): the same set-up as `init`, done
   * without waiting, since first use happens inside a synchronous analysis.
   */
  initNow?(options: PackInitOptions): void;
  /** Never throws for any text: a file that does not parse still yields a (partial) tree. */
  parse(source: SourceText, fileName: string): P;
  /**
   * The file's comments, and how deep its tree nests, for the depth guard: a pack may count depth
   * exactly only where it could reach MAX_TREE_DEPTH (the Python pack skips small subtrees).
   */
  structure(parsed: P): { comments: SourceComment[]; depth: number };
  /** Frees what a parse holds outside the JS heap (tree-sitter trees live in WASM memory). */
  dispose(parsed: P): void;
  readonly checks: readonly Check<P>[];
  /** The editor closed the file, or it was deleted: drop what the pack keeps for it. */
  forget?(fileName: string): void;
  /** Files changed outside the analysed text (configs, dependencies, other sources): refresh. */
  invalidate?(fileNames: readonly string[]): void;
  /** Problems in the project files the pack reads (a broken tsconfig), to show on those files. */
  projectProblems?(): ProjectProblem[];
}

export interface PackInitOptions {
  /** Folder that holds the WASM files shipped with the bundle. */
  wasmDir: string;
}
