import * as path from 'node:path';
import ts from 'typescript';
import type { DiskCache } from './diskCache';

/** A problem in a tsconfig.json / jsconfig.json, for the editor to show on that file. */
export interface ConfigProblem {
  /** The config file the problem is in (absolute, forward slashes). */
  file: string;
  message: string;
  /** 0-based line and UTF-16 column, as in LSP. */
  line: number;
  column: number;
}

/** One parsed tsconfig.json or jsconfig.json. */
export interface LoadedConfig {
  configFile: string;
  /** The parsed command line; undefined when the config is broken (then `broken` is true). */
  parsed: ts.ParsedCommandLine | undefined;
  /** Bad JSON or a missing `extends` target: files under the config's folder use an inferred project. */
  broken: boolean;
  problems: ConfigProblem[];
  /** Root files, as forward-slash paths. */
  roots: ReadonlySet<string>;
  /** Config files of `references`. */
  references: readonly string[];
}

/** Forward slashes everywhere, as the compiler does. */
export function toProjectPath(fileName: string): string {
  return fileName.replace(/\\/g, '/');
}

/** Compiler defaults for jsconfig.json (a JavaScript project), as editors apply them. */
const JSCONFIG_DEFAULTS: ts.CompilerOptions = {
  allowJs: true,
  maxNodeModuleJsDepth: 2,
  allowSyntheticDefaultImports: true,
  skipLibCheck: true,
  noEmit: true,
};

/** Config errors that make the config unusable: JSON syntax, `extends` that cannot be read or loops. */
const BREAKING_CODES: ReadonlySet<number> = new Set([
  5083, // Cannot read file '{0}'.
  6053, // File '{0}' not found.
  18000, // Circularity detected while resolving configuration.
  5092, // The root value of a '{0}' file must be an object.
]);

/** Not worth showing: a config that matches no input is a normal state while setting up. */
const IGNORED_CODES: ReadonlySet<number> = new Set([18003]);

function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(0, Math.min(offset, text.length) - lineStart) };
}

function problemOf(diagnostic: ts.Diagnostic, configFile: string, configText: string): ConfigProblem {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file !== undefined && diagnostic.start !== undefined) {
    const file = toProjectPath(diagnostic.file.fileName);
    const { line, column } = positionIn(diagnostic.file.text, diagnostic.start);
    return { file, message, line, column };
  }
  // No position (a missing `extends` target): point at the `extends` key, else the start.
  const at = configText.search(/"extends"\s*:/);
  const { line, column } = positionIn(configText, Math.max(0, at));
  return { file: configFile, message, line, column };
}

/** Reads and parses a config file. Never throws. */
export function loadConfig(configFile: string, disk: DiskCache): LoadedConfig {
  const empty: LoadedConfig = { configFile, parsed: undefined, broken: true, problems: [], roots: new Set(), references: [] };
  const text = disk.readFile(configFile);
  if (text === undefined) return empty;
  try {
    const json = ts.parseJsonText(configFile, text);
    // `parseDiagnostics` (JSON syntax errors) is left out of the public typings of JsonSourceFile.
    const syntaxErrors = (json as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
    const host: ts.ParseConfigHost = {
      useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
      readDirectory: (root, extensions, excludes, includes, depth) => disk.readDirectory(root, extensions, excludes, includes, depth),
      fileExists: (fileName) => disk.fileExists(fileName),
      readFile: (fileName) => disk.readFile(fileName),
    };
    const isJsConfig = path.basename(configFile).toLowerCase() === 'jsconfig.json';
    const parsed = ts.parseJsonSourceFileConfigFileContent(
      json,
      host,
      path.dirname(configFile),
      isJsConfig ? JSCONFIG_DEFAULTS : undefined,
      configFile,
    );
    const errors = [...syntaxErrors, ...parsed.errors].filter((d) => !IGNORED_CODES.has(d.code));
    const problems = errors.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => problemOf(d, configFile, text));
    const broken = syntaxErrors.length > 0 || errors.some((d) => BREAKING_CODES.has(d.code));
    if (broken) return { ...empty, problems };
    return {
      configFile,
      parsed,
      broken: false,
      problems,
      roots: new Set(parsed.fileNames.map(toProjectPath)),
      references: (parsed.projectReferences ?? []).map((ref) => toProjectPath(ts.resolveProjectReferencePath(ref))),
    };
  } catch (error) {
    return { ...empty, problems: [{ file: configFile, message: `could not be read: ${String(error)}`, line: 0, column: 0 }] };
  }
}
