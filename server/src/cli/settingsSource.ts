// Where each file's settings come from: config discovery (the same as the editor's), or the one
// file named by `--config`. The command line's `--rule` always wins.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, ConfigResolver, expandRuleLevels, matchesExclude, parseConfigFile, type ConfigData, type ConfigProblem } from '../config';
import type { EngineSettings, ProjectFacts, RuleLevel } from '../engine/settings';

export interface FileSettings {
  settings: EngineSettings;
  /** The config file the settings came from, if any. */
  configFile: string | undefined;
  /** The config excludes this file: it is not checked. */
  excluded: boolean;
}

/** A config file that could not be used: the run stops with exit code 2 and this one line. */
export interface SettingsProblem {
  file: string;
  /** 1-based, when the problem has a place in the file. */
  line?: number;
  column?: number;
  message: string;
}

export interface SettingsSource {
  settingsFor(filePath: string): Promise<FileSettings>;
  problems(): SettingsProblem[];
}

/** Lays the command line's `--rule` levels over what the config says. */
export function withCommandLineRules(settings: EngineSettings, rules: Readonly<Record<string, RuleLevel>>): EngineSettings {
  if (Object.keys(rules).length === 0) return settings;
  return { ...settings, rules: { ...settings.rules, ...rules } };
}

/** One line per problem: `<file>[:line:column]: <message>`, the path relative to the cwd when inside it. */
export function describeProblem(problem: SettingsProblem, cwd: string): string {
  const relative = path.relative(cwd, problem.file);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? problem.file : relative.split(path.sep).join('/');
  const place = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
  return `${shown}${place}: ${problem.message.split('\n')[0]}`;
}

export interface SettingsSourceOptions {
  /** Where discovery stops going up: the cwd, as the editor stops at the workspace folder. */
  roots: string[];
  /** `--config <file>`: this file for every checked file, instead of discovery. */
  configFile: string | undefined;
}

function problemOf(problem: ConfigProblem): SettingsProblem {
  return { file: problem.file, line: problem.line, column: problem.column, message: problem.message };
}

/** Discovery, exactly as the editor does it (server/src/config's ConfigResolver). */
class DiscoveredSettings implements SettingsSource {
  private readonly resolver: ConfigResolver;

  constructor(roots: string[]) {
    this.resolver = new ConfigResolver({ roots });
  }

  settingsFor(filePath: string): Promise<FileSettings> {
    return this.resolver.settingsFor(filePath);
  }

  problems(): SettingsProblem[] {
    return this.resolver.problems().map(problemOf);
  }
}

/** `--config <file>`: one config for every file; its `exclude` globs are relative to its folder. */
class ExplicitSettings implements SettingsSource {
  constructor(
    private readonly configFile: string,
    private readonly config: ConfigData,
    private readonly requiresPython: [number, number] | undefined,
  ) {}

  async settingsFor(filePath: string): Promise<FileSettings> {
    const project: ProjectFacts = {};
    const pythonVersion = this.config.pythonVersion ?? this.requiresPython;
    if (pythonVersion !== undefined) project.pythonVersion = pythonVersion;
    if (this.config.pytestAsyncioMode !== undefined) project.pytestAsyncioMode = this.config.pytestAsyncioMode;
    const settings: EngineSettings = { rules: expandRuleLevels(this.config.rules), ruleOptions: this.config.ruleOptions, project };
    if (this.config.preview !== undefined) settings.preview = this.config.preview;
    const relative = path.relative(path.dirname(this.configFile), path.resolve(filePath)).split(path.sep).join('/');
    return { settings, configFile: this.configFile, excluded: matchesExclude(relative, this.config.exclude) };
  }

  problems(): SettingsProblem[] {
    return [];
  }
}

/** The name the config parser reads a `--config` file as: its own name when it is one we know, else by extension. */
function parsedAs(file: string): string {
  const name = path.basename(file);
  if ((CONFIG_FILE_NAMES as readonly string[]).includes(name)) return file;
  return path.join(path.dirname(file), path.extname(name) === '.json' ? 'package.json' : 'async-guardrails.toml');
}

/** The run's settings source: discovery from the roots, or the one `--config` file. */
export async function createSettingsSource(options: SettingsSourceOptions): Promise<SettingsSource | SettingsProblem> {
  if (options.configFile === undefined) return new DiscoveredSettings(options.roots);
  const file = options.configFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { file, message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}` };
  }
  const parsed = parseConfigFile(parsedAs(file), text);
  const first = parsed.problems[0];
  if (first !== undefined) return problemOf({ ...first, file });
  if (parsed.config === undefined) return { file, message: 'holds no async-guardrails settings' };
  return new ExplicitSettings(file, parsed.config, parsed.requiresPython);
}
