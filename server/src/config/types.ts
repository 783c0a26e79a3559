import type { RuleLevel } from '../engine/settings';

/** Config file names, in the order they win when one folder holds several. */
export const CONFIG_FILE_NAMES = ['async-guardrails.toml', '.async-guardrails.toml', 'pyproject.toml', 'package.json'] as const;

/** Files that only feed project facts (pytest's asyncio mode); pyproject.toml feeds both. */
export const PYTEST_FILE_NAMES = ['pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'] as const;

/** Every file name whose change can change a file's settings. */
export const WATCHED_CONFIG_NAMES: readonly string[] = [...new Set<string>([...CONFIG_FILE_NAMES, ...PYTEST_FILE_NAMES])];

/** A problem in a config file: 1-based line and column, as editors and terminals print them. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** What one config file says (our section only), after validation. */
export interface ConfigData {
  /** Severity or off by rule id or glob over rule ids (`"missing-*" = "off"`). */
  rules: Record<string, RuleLevel>;
  /** Options by rule id. */
  ruleOptions: Record<string, Record<string, unknown>>;
  preview?: boolean;
  /** Globs relative to the config file's folder. */
  exclude: string[];
  /** `python.target-version`: overrides `requires-python`. */
  pythonVersion?: [number, number];
  /** `python.pytest-asyncio-mode`: overrides what pytest's own config says. */
  pytestAsyncioMode?: 'auto' | 'strict';
}

/** What one file on disk contributes, once parsed. */
export interface ParsedFile {
  /** Our section, when the file has one (always for async-guardrails.toml). */
  config?: ConfigData;
  /** `[project] requires-python`, lowest version allowed (pyproject.toml). */
  requiresPython?: [number, number];
  /** pytest's config section exists in this file (pytest stops looking at the first one). */
  hasPytestSection: boolean;
  pytestAsyncioMode?: 'auto' | 'strict';
  problems: ConfigProblem[];
  /** The file could not be parsed at all (syntax error): keep its last good version. */
  broken: boolean;
}
