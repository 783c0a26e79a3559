import * as path from 'node:path';
import ts from 'typescript';
import type { TypeScriptTypes } from '../parsed';
import { loadConfig, toProjectPath, type ConfigProblem, type LoadedConfig } from './config';
import { DiskCache } from './diskCache';
import { JSDOC_PARSING_MODE, Project, type ProjectEnvironment } from './project';

/**
 * The project model: which project each file belongs to, and one warm LanguageService per project.
 *
 * - A file belongs to the nearest tsconfig.json / jsconfig.json (walking up from its folder) whose
 *   root files include it, directly or through `references` (solution-style configs included).
 * - A file no config includes gets an inferred project, one per folder, whose roots are the
 *   folder's own script files plus every file analysed there (so the CLI builds one program per
 *   folder, not one per file); untitled files share one inferred project in a virtual folder.
 * - Texts seen by `update` (what the engine analyses: the editor's unsaved text) overlay the disk
 *   until `forget`; every other file is read from the disk cache, refreshed by `invalidate`.
 * - An edit changes one script version: the LanguageService then reuses every other SourceFile
 *   and module resolution, so nothing is re-parsed or re-bound but the edited file, and that one
 *   is re-parsed incrementally (its snapshot tells what changed; see TextSnapshot).
 * - The pack parses each file once: it takes the program's own SourceFile when the project
 *   already holds the text (`warmSourceFile`), and an overlay that equals the disk text read
 *   before changes no version, so the CLI's program is built once and never re-synchronised.
 * - A broken config (bad JSON, missing `extends`) never throws: files under its folder use an
 *   inferred project meanwhile, and `configProblems` reports what is wrong.
 */

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
/** Projects kept warm at once (least recently used ones are disposed). */
const MAX_CONFIGURED = 8;
const MAX_INFERRED = 8;
/** An inferred project takes at most this many sibling files of its folder as roots. */
const MAX_SIBLINGS = 100;
/**
 * Files larger than this get no type information (syntax-level rules still run): type-checking a
 * file costs about 7 ms per thousand characters, paid again on every keystroke (≈2 s here).
 */
const MAX_TYPED_LENGTH = 300_000;

interface OverlayEntry {
  text: string;
  /** Undefined until first asked: then the disk text decides whether this is an edit. */
  version: string | undefined;
  /** The text equals the disk's (the CLI, a file just opened): dropped when the disk changes. */
  mirrorsDisk: boolean;
}

type Owner = { kind: 'configured'; configFile: string } | { kind: 'inferred' };

function libDirectoryFrom(candidates: readonly (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    if (candidate !== undefined && ts.sys.fileExists(path.join(candidate, 'lib.es5.d.ts'))) return toProjectPath(candidate);
  }
  return undefined;
}

export class ProjectService {
  readonly disk = new DiskCache();
  private readonly registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, undefined, JSDOC_PARSING_MODE);
  private readonly overlay = new Map<string, OverlayEntry>();
  private readonly configs = new Map<string, LoadedConfig>();
  private readonly owners = new Map<string, Owner>();
  private readonly configured = new Map<string, Project>();
  private readonly inferred = new Map<string, Project>();
  private readonly typesRoots = new Map<string, boolean>();
  /** Projects replaced after a structural change, disposed once their successors are built. */
  private retired: Project[] = [];
  private state = 0;
  private editCounter = 0;
  private libDirectory: string | undefined;
  private libSearched = false;
  private readonly virtualRoot: string;
  private readonly environment: ProjectEnvironment;

  constructor(private libCandidates: (string | undefined)[] = []) {
    this.virtualRoot = toProjectPath(path.join(process.cwd(), '__untitled__'));
    const service = this;
    this.environment = {
      disk: this.disk,
      registry: this.registry,
      get libDirectory(): string {
        return service.libDirectory ?? '';
      },
      stateVersion: () => this.state,
      textOf: (fileName) => this.overlay.get(fileName)?.text,
      versionOf: (fileName) => this.versionOf(fileName),
      isVirtual: (fileName) => this.isVirtual(fileName),
    };
  }

  /** Folders to look for the compiler's lib files in, before the compiler's own folder. */
  addLibCandidate(directory: string): void {
    this.libCandidates = [directory, ...this.libCandidates];
    this.libSearched = false;
  }

  /** The compiler's name for a file: absolute, forward slashes; untitled files live in a virtual folder. */
  nameOf(fileName: string): string {
    return path.isAbsolute(fileName) ? toProjectPath(path.normalize(fileName)) : `${this.virtualRoot}/${toProjectPath(fileName)}`;
  }

  private isVirtual(name: string): boolean {
    return name.startsWith(`${this.virtualRoot}/`);
  }

  /** Changes whenever any text, version, root set or project changes (see ProjectEnvironment). */
  stateVersion(): number {
    return this.state;
  }

  /** Records the text the engine analyses for a file (cheap: compared with the disk only when needed). */
  update(fileName: string, text: string): void {
    const name = this.nameOf(fileName);
    const known = this.overlay.get(name);
    if (known?.text === text) return;
    if (known === undefined && !this.isVirtual(name) && this.disk.cachedText(name) === text) {
      // The text the projects already read from disk (the CLI, a file just opened): same text, same
      // version, so no program needs a refresh. Skipping the state bump keeps every later
      // `getProgram` a no-op instead of a check of every file's version.
      this.overlay.set(name, { text, version: `d${this.disk.version(name)}`, mirrorsDisk: true });
      return;
    }
    this.overlay.set(name, { text, version: known === undefined ? undefined : `o${++this.editCounter}`, mirrorsDisk: false });
    this.state++;
  }

  /**
   * The SourceFile of `fileName` in the last type-checked program of its project, when that
   * program already holds exactly `text` (parsed and bound, parents set): the parse can reuse it
   * instead of parsing the file a second time. Never builds anything.
   */
  warmSourceFile(fileName: string, text: string): ts.SourceFile | undefined {
    const program = this.warmProgram(fileName);
    const sourceFile = program?.getSourceFile(this.nameOf(fileName));
    return sourceFile !== undefined && sourceFile.text === text ? sourceFile : undefined;
  }

  /**
   * Whether the project of `fileName` exists and has been type-checked before: then types will be
   * asked for again (the rules that need them are on), and an edited file is best parsed once, by
   * the project, rather than also by the pack. Never builds anything.
   */
  isWarm(fileName: string): boolean {
    return this.warmProgram(fileName) !== undefined;
  }

  private warmProgram(fileName: string): ts.Program | undefined {
    try {
      if (this.configured.size === 0 && this.inferred.size === 0) return undefined;
      const name = this.nameOf(fileName);
      const owner = this.ownerOf(name);
      const project = owner.kind === 'configured' ? this.configured.get(owner.configFile) : this.inferred.get(path.posix.dirname(name));
      return project?.checkedProgram;
    } catch {
      return undefined;
    }
  }

  private versionOf(name: string): string {
    const entry = this.overlay.get(name);
    const diskVersion = `d${this.disk.version(name)}`;
    if (entry === undefined) return diskVersion;
    if (entry.version === undefined) {
      const mirrors = !this.isVirtual(name) && this.disk.readFile(name) === entry.text;
      entry.version = mirrors ? diskVersion : `o${++this.editCounter}`;
      entry.mirrorsDisk = mirrors;
    }
    return entry.version;
  }

  /** Type information for the analysed text of `fileName`; undefined when none can be had. Never throws. */
  typesFor(fileName: string, text: string): TypeScriptTypes | undefined {
    try {
      if (text.length > MAX_TYPED_LENGTH) return undefined;
      if (!this.libSearched) {
        this.libDirectory = libDirectoryFrom([...this.libCandidates, ...defaultLibCandidates()]);
        this.libSearched = true;
      }
      if (this.libDirectory === undefined) return undefined;
      this.update(fileName, text);
      const name = this.nameOf(fileName);
      const project = this.projectFor(name);
      const program = project.program();
      this.disposeRetired();
      const sourceFile = program?.getSourceFile(name);
      if (program === undefined || sourceFile === undefined || sourceFile.text !== text) return undefined;
      return { program, checker: project.checkerOf(program), sourceFile };
    } catch {
      return undefined;
    }
  }

  /** The project that analyses `name` (created on first use). */
  projectFor(name: string): Project {
    const owner = this.ownerOf(name);
    if (owner.kind === 'configured') {
      const project = this.configuredProject(owner.configFile);
      if (project !== undefined) return project;
    }
    return this.inferredProject(name);
  }

  /** Which project kind and config own `name`; for tests and the report of problems. */
  ownerOf(name: string): Owner {
    let owner = this.owners.get(name);
    if (owner === undefined) {
      owner = this.discover(name);
      this.owners.set(name, owner);
    }
    return owner;
  }

  private discover(name: string): Owner {
    if (this.isVirtual(name)) return { kind: 'inferred' };
    for (let dir = path.posix.dirname(name); ; ) {
      for (const base of CONFIG_NAMES) {
        const configFile = path.posix.join(dir, base);
        if (!this.disk.fileExists(configFile)) continue;
        const found = this.findIn(configFile, name, new Set());
        if (found !== undefined) return found;
      }
      const parent = path.posix.dirname(dir);
      if (parent === dir) return { kind: 'inferred' };
      dir = parent;
    }
  }

  private findIn(configFile: string, name: string, seen: Set<string>): Owner | undefined {
    if (seen.has(configFile)) return undefined;
    seen.add(configFile);
    const config = this.config(configFile);
    // A broken config owns its folder: use an inferred project meanwhile, never a config further up.
    if (config.broken) return name.startsWith(`${path.posix.dirname(configFile)}/`) ? { kind: 'inferred' } : undefined;
    if (config.roots.has(name)) return { kind: 'configured', configFile };
    for (const reference of config.references) {
      const found = this.findIn(reference, name, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private config(configFile: string): LoadedConfig {
    let config = this.configs.get(configFile);
    if (config === undefined) {
      config = loadConfig(configFile, this.disk);
      this.configs.set(configFile, config);
    }
    return config;
  }

  private configuredProject(configFile: string): Project | undefined {
    const existing = this.configured.get(configFile);
    if (existing !== undefined) return existing;
    const config = this.config(configFile);
    if (config.parsed === undefined) return undefined;
    // Project references are followed for ownership, but imports across them resolve to sources,
    // which need no build outputs to exist.
    const options: ts.CompilerOptions = { ...config.parsed.options, noEmit: true };
    const project = new Project(configFile, this.environment, options, [...config.roots], path.posix.dirname(configFile));
    this.configured.set(configFile, project);
    this.evict(this.configured, MAX_CONFIGURED, project);
    return project;
  }

  private inferredProject(name: string): Project {
    const dir = path.posix.dirname(name);
    let project = this.inferred.get(dir);
    if (project === undefined) {
      const siblings = this.isVirtual(name)
        ? []
        : this.disk
            .readDirectory(dir, SOURCE_EXTENSIONS, undefined, undefined, 1)
            .map(toProjectPath)
            .filter((f) => !f.endsWith('.min.js'))
            .slice(0, MAX_SIBLINGS);
      project = new Project(`inferred:${dir}`, this.environment, this.inferredOptions(dir), siblings, dir);
      this.inferred.set(dir, project);
      this.evict(this.inferred, MAX_INFERRED, project);
    }
    if (!project.hasRoot(name)) {
      project.addRoot(name);
      this.state++;
    }
    return project;
  }

  /** Strict, JavaScript allowed but not checked, ES2023 + DOM, Node's types when installed. */
  private inferredOptions(dir: string): ts.CompilerOptions {
    return {
      strict: true,
      allowJs: true,
      checkJs: false,
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      module: ts.ModuleKind.Preserve,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // Loose scripts of one folder must not see each other's top-level names.
      moduleDetection: ts.ModuleDetectionKind.Force,
      jsx: ts.JsxEmit.Preserve,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      noEmit: true,
      types: this.hasNodeTypes(dir) ? ['node'] : [],
    };
  }

  private hasNodeTypes(dir: string): boolean {
    const known = this.typesRoots.get(dir);
    if (known !== undefined) return known;
    const parent = path.posix.dirname(dir);
    const found = this.disk.fileExists(path.posix.join(dir, 'node_modules/@types/node/package.json')) || (parent !== dir && this.hasNodeTypes(parent));
    this.typesRoots.set(dir, found);
    return found;
  }

  private evict(projects: Map<string, Project>, max: number, keep: Project): void {
    if (projects.size <= max) return;
    const [oldest] = [...projects.entries()].filter(([, p]) => p !== keep).sort((a, b) => a[1].lastUse - b[1].lastUse);
    if (oldest === undefined) return;
    projects.delete(oldest[0]);
    oldest[1].dispose();
  }

  private disposeRetired(): void {
    if (this.retired.length === 0) return;
    const retired = this.retired;
    this.retired = [];
    for (const project of retired) project.dispose();
  }

  /** The editor closed the file (or it was deleted): the disk's text applies again. */
  forget(fileName: string): void {
    const name = this.nameOf(fileName);
    if (this.overlay.delete(name)) this.state++;
    const project = this.inferred.get(path.posix.dirname(name));
    if (project !== undefined && project.hasRoot(name) && (this.isVirtual(name) || !this.disk.fileExists(name))) {
      project.removeRoot(name);
      this.state++;
    }
  }

  /**
   * Files changed on disk. A content change refreshes that file only; a config, package.json or
   * node_modules change, or a file appearing or disappearing, rebuilds the projects (reusing every
   * unchanged SourceFile through the shared document registry).
   */
  invalidate(fileNames: readonly string[]): void {
    const names = fileNames.map((f) => this.nameOf(f));
    const wasKnown = names.map((n) => this.disk.fileExists(n) || this.isInSomeProgram(n));
    this.disk.invalidate(names);
    for (const name of names) {
      if (this.overlay.get(name)?.mirrorsDisk === true) this.overlay.delete(name);
    }
    const structural = names.some((name, i) => {
      const base = path.posix.basename(name).toLowerCase();
      if (CONFIG_NAMES.includes(base) || base === 'package.json' || /^tsconfig\..*json$/.test(base)) return true;
      if (name.includes('/node_modules/')) return true;
      const exists = this.disk.fileExists(name);
      return exists !== wasKnown[i] || (exists && !this.isInSomeProgram(name));
    });
    if (structural) {
      this.retired.push(...this.configured.values(), ...this.inferred.values());
      this.configured.clear();
      this.inferred.clear();
      this.configs.clear();
      this.owners.clear();
      this.typesRoots.clear();
    }
    this.state++;
  }

  private isInSomeProgram(name: string): boolean {
    for (const project of [...this.configured.values(), ...this.inferred.values()]) {
      if (project.hasRoot(name) || project.lastProgram?.getSourceFile(name) !== undefined) return true;
    }
    return false;
  }

  /**
   * Problems of the configs seen so far, plus those of `configFiles` (loaded now if needed):
   * bad JSON, a missing `extends` target, invalid options.
   */
  configProblems(configFiles: readonly string[] = []): ConfigProblem[] {
    try {
      for (const file of configFiles) this.config(this.nameOf(file));
    } catch {
      // loadConfig never throws; this guards the contract only.
    }
    const seen = new Set<string>();
    const problems: ConfigProblem[] = [];
    for (const config of this.configs.values()) {
      for (const problem of config.problems) {
        const key = `${problem.file}:${problem.line}:${problem.column}:${problem.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push(problem);
      }
    }
    return problems;
  }

  /** Drops every project (tests; a restart). */
  reset(): void {
    for (const project of [...this.configured.values(), ...this.inferred.values(), ...this.retired]) project.dispose();
    this.configured.clear();
    this.inferred.clear();
    this.retired = [];
    this.configs.clear();
    this.owners.clear();
    this.typesRoots.clear();
    this.overlay.clear();
    this.disk.invalidate([]);
    this.state++;
  }
}

function defaultLibCandidates(): (string | undefined)[] {
  const candidates: (string | undefined)[] = [path.dirname(ts.getDefaultLibFilePath({}))];
  try {
    // In a bundle the compiler's own folder is the bundle's; in development, find the package.
    candidates.push(path.dirname(require.resolve('typescript/lib/lib.d.ts')));
  } catch {
    // Not installed beside us: the bundle must ship the lib files (see addLibCandidate).
  }
  return candidates;
}
