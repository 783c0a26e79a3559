import type { Severity } from './types';

/** A rule's configured level: a severity, or off. */
export type RuleLevel = Severity | 'off';

/** What the engine needs to know from settings or config files, per file. */
export interface EngineSettings {
  /** Per-rule overrides by rule id; rules not named keep their default severity. */
  rules?: Readonly<Record<string, RuleLevel>>;
}

const LEVELS: readonly RuleLevel[] = ['error', 'warning', 'info', 'hint', 'off'];

export function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}
