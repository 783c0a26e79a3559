import type { Severity } from './types';

/** A rule's configured level: a severity, or off. */
export type RuleLevel = Severity | 'off';

/** Facts about the project a file belongs to, found by config discovery (pyproject.toml etc.). */
export interface ProjectFacts {
  /** The lowest Python version the project supports, e.g. [3, 11] from `requires-python = ">=3.11"`. */
  pythonVersion?: readonly [number, number];
  /** pytest-asyncio's `asyncio_mode`, when configured. */
  pytestAsyncioMode?: 'auto' | 'strict';
}

/** What the engine needs to know from settings or config files, per file. */
export interface EngineSettings {
  /** Per-rule overrides by rule id; rules not named keep their default severity. */
  rules?: Readonly<Record<string, RuleLevel>>;
  /** Per-rule options by rule id (see each rule's `options`); unknown keys are ignored. */
  ruleOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Turn on the rules of the preview tier. */
  preview?: boolean;
  project?: ProjectFacts;
}

const LEVELS: readonly RuleLevel[] = ['error', 'warning', 'info', 'hint', 'off'];

export function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}
