import type { FixSafety, PackId, Severity } from './types';

/** A rule of another tool that covers (part of) the same idea, for migration and overlap. */
export interface EquivalentRule {
  tool: 'ruff' | 'typescript-eslint' | 'eslint' | 'eslint-plugin-n' | 'pylint' | 'flake8-async';
  rule: string;
  /** Codes that, written in a ruff-style `# noqa: CODE` comment, also silence this rule. */
  noqa?: boolean;
}

/** One option of a rule, settable per rule in settings and config files. */
export interface RuleOption {
  type: 'boolean' | 'number' | 'string' | 'string[]';
  default: boolean | number | string | readonly string[];
  description: string;
}

/**
 * One idea from the guide, shared by every language pack that implements it.
 * Its long-form documentation lives in `docs/rules/<id>.md` (What it does / Why is this bad? /
 * Example / Use instead / Fix safety); the examples there are executed by the test suite.
 */
export interface RuleMeta {
  /** kebab-case, stable: used in settings, suppression comments and diagnostics' `code`. */
  id: string;
  /** One line, shown in listings and hovers. */
  summary: string;
  languages: readonly PackId[];
  defaultSeverity: Severity;
  /** The strongest fix the rule may offer in any language (per-fix safety is on each fix). */
  fixSafety: FixSafety;
  /** The guide's section this rule enforces. */
  guideSection: string;
  equivalents: readonly EquivalentRule[];
  /**
   * The languages in which the rule is in the preview tier (new or noisier): there it is off
   * unless preview rules are enabled or the rule is named in settings.
   */
  preview?: readonly PackId[];
  /** The rule's options, with defaults; checks read them from `context.options`. */
  options?: Readonly<Record<string, RuleOption>>;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a rule; validates the metadata at load time so a typo fails every test at once. */
export function defineRule(meta: RuleMeta): RuleMeta {
  if (!KEBAB.test(meta.id)) throw new Error(`rule id "${meta.id}" is not kebab-case`);
  if (meta.languages.length === 0) throw new Error(`rule ${meta.id} names no language`);
  return Object.freeze(meta);
}

/** `codes` that a ruff-style `# noqa: CODE` comment may name to silence this rule. */
export function noqaCodes(meta: RuleMeta): string[] {
  return meta.equivalents.filter((e) => e.noqa === true).map((e) => e.rule);
}
