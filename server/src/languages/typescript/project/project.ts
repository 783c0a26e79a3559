import * as path from 'node:path';
import ts from 'typescript';
import { typescriptSkipReason } from '../parserLimits';
import type { DiskCache } from './diskCache';

const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

/** What a project needs from the service that owns it: texts, versions and the shared caches. */
export interface ProjectEnvironment {
  readonly disk: DiskCache;
  readonly registry: ts.DocumentRegistry;
  /** Folder holding the compiler's lib.*.d.ts files. */
  readonly libDirectory: string;
  /** Changes whenever any text, version or root set changes (lets the service skip a sync). */
  stateVersion(): number;
  /** The analysed (or open) text of a file, when it differs from or is absent on disk. */
  textOf(fileName: string): string | undefined;
  /** Script version: the overlay's, else the disk cache's. */
  versionOf(fileName: string): string;
  /** Whether the file lives only in memory (untitled editors): never looked for on disk. */
  isVirtual(fileName: string): boolean;
}

const SCRIPT_KINDS: Readonly<Record<string, ts.ScriptKind>> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
  '.json': ts.ScriptKind.JSON,
};

/** The script kind the compiler should use for a file, by its extension (TS when unknown). */
export function scriptKindOf(fileName: string): ts.ScriptKind {
  return SCRIPT_KINDS[path.extname(fileName).toLowerCase()] ?? ts.ScriptKind.TS;
}

/**
 * JSDoc is parsed where it carries types (JavaScript files) and skipped in TypeScript files, as
 * `tsc` does: no check reads JSDoc nodes, and TypeScript files take their types from the syntax.
 * The document registry must be created with the same mode.
 */
export const JSDOC_PARSING_MODE = ts.JSDocParsingMode.ParseForTypeErrors;

/**
 * A script's text that can tell the compiler what changed since an older one (the common prefix
 * and suffix): the LanguageService then re-parses an edited file incrementally, reusing the nodes
 * outside the edit, as tsserver does on every keystroke.
 */
export class TextSnapshot implements ts.IScriptSnapshot {
  constructor(readonly text: string) {}

  getText(start: number, end: number): string {
    return start === 0 && end === this.text.length ? this.text : this.text.substring(start, end);
  }

  getLength(): number {
    return this.text.length;
  }

  getChangeRange(oldSnapshot: ts.IScriptSnapshot): ts.TextChangeRange | undefined {
    if (!(oldSnapshot instanceof TextSnapshot)) return undefined;
    return changeRange(oldSnapshot.text, this.text);
  }
}

/** Compared a chunk at a time first (a native comparison), then character by character. */
const CHUNK = 256;

/** What changed from `before` to `after`: their common prefix and suffix frame the change. */
export function changeRange(before: string, after: string): ts.TextChangeRange {
  if (before === after) return ts.unchangedTextChangeRange;
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix + CHUNK <= shorter && after.startsWith(before.slice(prefix, prefix + CHUNK), prefix)) prefix += CHUNK;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = shorter - prefix;
  while (suffix + CHUNK <= room && after.endsWith(before.slice(before.length - suffix - CHUNK, before.length - suffix), after.length - suffix)) suffix += CHUNK;
  while (suffix < room && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return ts.createTextChangeRange(ts.createTextSpan(prefix, before.length - prefix - suffix), after.length - prefix - suffix);
}

/**
 * One TypeScript project: a warm LanguageService over a root set and compiler options. The
 * service keeps the program up to date incrementally: when only one file's version changed, the
 * new program reuses every other SourceFile (parsed and bound) and its module resolutions.
 */
export class Project {
  private readonly service: ts.LanguageService;
  private rootNames: string[];
  private static clock = 0;
  private lastUsed = 0;
  /** The program of the last `program()` call (never rebuilt by reading this). */
  lastProgram: ts.Program | undefined;
  /** The last program whose type checker exists: all its SourceFiles are bound (parents set). */
  checkedProgram: ts.Program | undefined;
  /** Each file's last snapshot and the script version it was made for (see getScriptSnapshot). */
  private readonly snapshots = new Map<string, { version: string; snapshot: TextSnapshot }>();

  constructor(
    readonly name: string,
    environment: ProjectEnvironment,
    private readonly options: ts.CompilerOptions,
    rootNames: readonly string[],
    private readonly currentDirectory: string,
    private readonly projectReferences?: readonly ts.ProjectReference[],
  ) {
    this.rootNames = [...rootNames];
    const disk = environment.disk;
    const readText = (fileName: string): string | undefined =>
      environment.textOf(fileName) ?? (environment.isVirtual(fileName) ? undefined : disk.readFile(fileName));
    const host: ts.LanguageServiceHost = {
      getProjectVersion: () => String(environment.stateVersion()),
      getScriptFileNames: () => this.rootNames,
      getScriptVersion: (fileName) => environment.versionOf(fileName),
      getScriptSnapshot: (fileName) => {
        // The service asks for every file's snapshot on each program update, then compares
        // versions: an unchanged version gets the snapshot it had, without re-reading or
        // re-scanning the text (a 500-file project would otherwise scan 500 texts per keystroke).
        const version = environment.versionOf(fileName);
        const known = this.snapshots.get(fileName);
        if (known !== undefined && known.version === version) return known.snapshot;
        const text = readText(fileName);
        if (text === undefined) {
          this.snapshots.delete(fileName);
          return undefined;
        }
        // Another file of the project that the parser would take exponential time over (the
        // analysed file itself is skipped by the engine before parsing): seen as empty.
        const snapshot = !DECLARATION_FILE.test(fileName) && typescriptSkipReason(text) !== undefined ? new TextSnapshot('') : new TextSnapshot(text);
        this.snapshots.set(fileName, { version, snapshot });
        return snapshot;
      },
      getScriptKind: scriptKindOf,
      getCompilationSettings: () => this.options,
      getProjectReferences: () => this.projectReferences,
      getCurrentDirectory: () => this.currentDirectory,
      getDefaultLibFileName: (options) => path.posix.join(environment.libDirectory, ts.getDefaultLibFileName(options)),
      fileExists: (fileName) => environment.textOf(fileName) !== undefined || (!environment.isVirtual(fileName) && disk.fileExists(fileName)),
      readFile: (fileName) => readText(fileName),
      readDirectory: (root, extensions, excludes, includes, depth) => disk.readDirectory(root, extensions, excludes, includes, depth),
      directoryExists: (directory) => disk.directoryExists(directory),
      getDirectories: (directory) => disk.getDirectories(directory),
      realpath: (fileName) => disk.realpath(fileName),
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      jsDocParsingMode: JSDOC_PARSING_MODE,
    };
    this.service = ts.createLanguageService(host, environment.registry);
  }

  hasRoot(fileName: string): boolean {
    return this.rootNames.includes(fileName);
  }

  /** Adds a root file (the caller bumps the state version so the service notices). */
  addRoot(fileName: string): void {
    if (!this.hasRoot(fileName)) this.rootNames = [...this.rootNames, fileName];
  }

  removeRoot(fileName: string): void {
    this.rootNames = this.rootNames.filter((name) => name !== fileName);
    this.snapshots.delete(fileName);
  }

  /** The up-to-date program (built incrementally); undefined if the compiler failed. */
  program(): ts.Program | undefined {
    this.lastUsed = ++Project.clock;
    this.lastProgram = this.service.getProgram();
    return this.lastProgram;
  }

  get lastUse(): number {
    return this.lastUsed;
  }

  /** The type checker of `program` (binding every file on first use); remembers the program as checked. */
  checkerOf(program: ts.Program): ts.TypeChecker {
    const checker = program.getTypeChecker();
    this.checkedProgram = program;
    return checker;
  }

  dispose(): void {
    this.snapshots.clear();
    this.lastProgram = undefined;
    this.checkedProgram = undefined;
    this.service.dispose();
  }
}
