// Finds and caches the config that applies to each file: the nearest config file (longest
// prefix, never above the workspace folder holding the file), plus the project facts of the
// nearest pyproject.toml / pytest config. Shared by the language server and the CLI.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import type { EngineSettings, ProjectFacts } from '../engine/settings';
import { expandRuleLevels, parseConfigFile } from './parse';
import { CONFIG_FILE_NAMES, PYTEST_FILE_NAMES, type ConfigData, type ConfigProblem, type ParsedFile } from './types';

export interface ResolvedSettings {
  settings: EngineSettings;
  /** The config file in force for the file, if any. */
  configFile: string | undefined;
  /** The config's `exclude` globs match the file. */
  excluded: boolean;
}

export interface ConfigResolverOptions {
  /** Workspace folders (or the CLI's working directory): the search never goes above the one holding a file. */
  roots: string[];
  /** Called for each problem found when a config file is (re)read. */
  onProblem?: (problem: ConfigProblem) => void;
}

interface FolderSettings {
  settings: EngineSettings;
  configFile: string | undefined;
  configDir: string | undefined;
  exclude: readonly string[];
}

const EMPTY_CONFIG: ConfigData = { rules: {}, ruleOptions: {}, exclude: [] };

function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Whether `relative` (a path with `/` separators) or one of its parent folders matches a glob. */
export function matchesExclude(relative: string, globs: readonly string[]): boolean {
  if (relative === '' || relative.startsWith('..')) return false;
  const parts = relative.split('/');
  for (const raw of globs) {
    // A leading `/` anchors the glob at the config's folder; without any `/` it matches a name at any depth.
    const anchored = raw.startsWith('/') || raw.startsWith('./');
    const glob = raw.replace(/^\.?\//, '').replace(/\/+$/, '');
    if (glob === '') continue;
    const options = { dot: true, matchBase: !anchored && !glob.includes('/') };
    for (let length = parts.length; length >= 1; length--) {
      if (minimatch(parts.slice(0, length).join('/'), glob, options)) return true;
    }
  }
  return false;
}

export class ConfigResolver {
  private roots: string[];
  private readonly onProblem: ((problem: ConfigProblem) => void) | undefined;
  /** Parsed files by absolute path; undefined when the file does not exist. */
  private readonly files = new Map<string, Promise<ParsedFile | undefined>>();
  /** The last version of each file that parsed, kept in force while the file is broken. */
  private readonly lastGood = new Map<string, ParsedFile>();
  private readonly currentProblems = new Map<string, ConfigProblem[]>();
  private readonly folders = new Map<string, Promise<FolderSettings>>();
  private generationCounter = 0;
  /** Bumped per file on invalidation, so a read that started before it cannot record stale results. */
  private readonly epochs = new Map<string, number>();

  constructor(options: ConfigResolverOptions) {
    this.roots = options.roots.map((root) => path.resolve(root));
    this.onProblem = options.onProblem;
  }

  /** Changes whenever something was invalidated. */
  get generation(): number {
    return this.generationCounter;
  }

  /** Replaces the workspace folders (folders added or removed); cached results are dropped. */
  setRoots(roots: readonly string[]): void {
    this.roots = roots.map((root) => path.resolve(root));
    this.folders.clear();
    this.generationCounter++;
  }

  async settingsFor(filePath: string): Promise<ResolvedSettings> {
    const file = path.resolve(filePath);
    const dir = path.dirname(file);
    let pending = this.folders.get(dir);
    if (pending === undefined) {
      pending = this.resolveFolder(dir);
      this.folders.set(dir, pending);
    }
    const folder = await pending;
    const excluded =
      folder.configDir !== undefined && folder.exclude.length > 0 && matchesExclude(path.relative(folder.configDir, file).split(path.sep).join('/'), folder.exclude);
    return { settings: folder.settings, configFile: folder.configFile, excluded };
  }

  /** Every problem of every config file read so far, as of their latest version. */
  problems(): ConfigProblem[] {
    return [...this.currentProblems.values()].flat();
  }

  /** Problems of one file (reading it when not read yet); for publishing them after a change. */
  async check(filePath: string): Promise<ConfigProblem[]> {
    const file = path.resolve(filePath);
    await this.load(file);
    return this.currentProblems.get(file) ?? [];
  }

  /** A file or folder changed on disk: what was read from it (or under it) is read again when needed. */
  invalidate(changedPath: string): void {
    const changed = path.resolve(changedPath);
    for (const key of [...this.files.keys()]) {
      if (isInside(key, changed)) {
        this.files.delete(key);
        this.currentProblems.delete(key);
        this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
      }
    }
    this.folders.clear();
    this.generationCounter++;
  }

  private rootOf(file: string): string | undefined {
    let best: string | undefined;
    for (const root of this.roots) if (isInside(file, root) && (best === undefined || root.length > best.length)) best = root;
    return best;
  }

  /** The folder and its parents, up to the workspace folder holding it (or the file system root). */
  private chain(dir: string): string[] {
    const stop = this.rootOf(dir);
    const dirs: string[] = [];
    for (let current = dir; ; current = path.dirname(current)) {
      dirs.push(current);
      if (current === stop || path.dirname(current) === current) break;
    }
    return dirs;
  }

  private async resolveFolder(dir: string): Promise<FolderSettings> {
    const dirs = this.chain(dir);
    let config: ConfigData | undefined;
    let configFile: string | undefined;
    search: for (const candidateDir of dirs) {
      for (const name of CONFIG_FILE_NAMES) {
        const file = path.join(candidateDir, name);
        const parsed = await this.load(file);
        if (parsed?.config !== undefined) {
          config = parsed.config;
          configFile = file;
          break search;
        }
      }
    }
    let requiresPython: [number, number] | undefined;
    for (const candidateDir of dirs) {
      const parsed = await this.load(path.join(candidateDir, 'pyproject.toml'));
      if (parsed?.requiresPython !== undefined) {
        requiresPython = parsed.requiresPython;
        break;
      }
    }
    let pytestMode: 'auto' | 'strict' | undefined;
    pytest: for (const candidateDir of dirs) {
      for (const name of PYTEST_FILE_NAMES) {
        const parsed = await this.load(path.join(candidateDir, name));
        if (parsed?.hasPytestSection === true) {
          pytestMode = parsed.pytestAsyncioMode;
          break pytest;
        }
      }
    }
    const effective = config ?? EMPTY_CONFIG;
    const project: ProjectFacts = {};
    const pythonVersion = effective.pythonVersion ?? requiresPython;
    if (pythonVersion !== undefined) project.pythonVersion = pythonVersion;
    const asyncioMode = effective.pytestAsyncioMode ?? pytestMode;
    if (asyncioMode !== undefined) project.pytestAsyncioMode = asyncioMode;
    const settings: EngineSettings = { rules: expandRuleLevels(effective.rules), ruleOptions: effective.ruleOptions, project };
    if (effective.preview !== undefined) settings.preview = effective.preview;
    return { settings, configFile, configDir: configFile === undefined ? undefined : path.dirname(configFile), exclude: effective.exclude };
  }

  private load(file: string): Promise<ParsedFile | undefined> {
    let pending = this.files.get(file);
    if (pending === undefined) {
      pending = this.read(file);
      this.files.set(file, pending);
    }
    return pending;
  }

  private async read(file: string): Promise<ParsedFile | undefined> {
    const epoch = this.epochs.get(file) ?? 0;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      if (epoch === (this.epochs.get(file) ?? 0)) this.currentProblems.delete(file);
      return undefined;
    }
    const parsed = parseConfigFile(file, text);
    // Invalidated while reading: a newer read owns the file's state.
    if (epoch !== (this.epochs.get(file) ?? 0)) return parsed.broken ? (this.lastGood.get(file) ?? parsed) : parsed;
    this.currentProblems.set(file, parsed.problems);
    for (const problem of parsed.problems) this.onProblem?.(problem);
    if (!parsed.broken) {
      this.lastGood.set(file, parsed);
      return parsed;
    }
    // Half-edited: the last version that parsed stays in force; never seen one → defaults.
    const previous = this.lastGood.get(file);
    if (previous !== undefined) return { ...previous, problems: parsed.problems, broken: true };
    return parsed;
  }
}
