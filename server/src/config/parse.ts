// Parsing and validating one config file. Pure functions of (file name, text): no file access.
import * as path from 'node:path';
import { parse as parseIni } from 'ini';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js'; // the ESM build: the UMD one requires its parts at run time, which a bundle cannot follow
import { minimatch } from 'minimatch';
import { parse as parseToml, TomlError } from 'smol-toml';
import { registry } from '../engine/registry';
import type { RuleMeta } from '../engine/rule';
import { isRuleLevel, type RuleLevel } from '../engine/settings';
import { jsonLocator, spotAt, tomlLocator, type Locator } from './locate';
import type { ConfigData, ConfigProblem, ParsedFile } from './types';

/** The key of our section in pyproject.toml (`[tool.async-guardrails]`) and package.json. */
export const PYPROJECT_SECTION = 'async-guardrails';
export const PACKAGE_JSON_KEY = 'asyncGuardrails';

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '').trim();
}

/** `">=3.9, <4"` → [3, 9]: the lowest Python version the specifiers allow. */
export function lowestPythonVersion(spec: string): [number, number] | undefined {
  let lowest: [number, number] | undefined;
  for (const clause of spec.split(',')) {
    const match = /^\s*(>=|~=|==|===|>)\s*(\d+)(?:\.(\d+|\*))?/.exec(clause);
    if (match === null) continue;
    const version: [number, number] = [Number(match[2]), match[3] === undefined || match[3] === '*' ? 0 : Number(match[3])];
    if (lowest === undefined || version[0] > lowest[0] || (version[0] === lowest[0] && version[1] > lowest[1])) lowest = version;
  }
  return lowest;
}

/** `"3.11"`, `"py311"` → [3, 11]. */
export function parseTargetVersion(value: string): [number, number] | undefined {
  const dotted = /^(\d+)\.(\d+)$/.exec(value.trim());
  if (dotted !== null) return [Number(dotted[1]), Number(dotted[2])];
  const short = /^py(\d)(\d+)$/.exec(value.trim());
  if (short !== null) return [Number(short[1]), Number(short[2])];
  return undefined;
}

function asyncioMode(value: unknown): 'auto' | 'strict' | undefined {
  const text = typeof value === 'string' ? value.trim() : undefined;
  return text === 'auto' || text === 'strict' ? text : undefined;
}

const TOP_LEVEL_KEYS = new Set(['$schema', 'rules', 'rule-options', 'preview', 'exclude', 'python']);

/**
 * Validates our section: keeps every valid part, reports every invalid one at its key.
 * `prefix` is where the section sits in the file (`["tool", "async-guardrails"]` in pyproject.toml).
 */
export function validateSection(
  raw: unknown,
  file: string,
  locate: Locator,
  prefix: readonly string[],
  rules: readonly RuleMeta[] = registry.all(),
): { config: ConfigData; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config: ConfigData = { rules: {}, ruleOptions: {}, exclude: [] };
  const problem = (keyPath: readonly (string | number)[], message: string): void => {
    problems.push({ file, ...locate([...prefix, ...keyPath]), message });
  };
  if (!isTable(raw)) {
    problem([], `the ${prefix.length > 0 ? prefix.join('.') : 'config'} section must be a table of settings`);
    return { config, problems };
  }
  const ids = new Set(rules.map((r) => r.id));
  const known = (key: string): boolean => (key.includes('*') || key.includes('?') ? rules.some((r) => minimatch(r.id, key)) : ids.has(key));

  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key)) problem([key], `unknown setting "${key}" (known: ${[...TOP_LEVEL_KEYS].filter((k) => k !== '$schema').join(', ')})`);
  }

  if (raw.rules !== undefined) {
    if (!isTable(raw.rules)) problem(['rules'], '"rules" must be a table of rule id = "error" | "warning" | "info" | "hint" | "off"');
    else {
      for (const [id, level] of Object.entries(raw.rules)) {
        if (!known(id)) problem(['rules', id], `unknown rule "${id}"`);
        else if (!isRuleLevel(level)) problem(['rules', id], `rule "${id}": ${JSON.stringify(level)} is not one of "error", "warning", "info", "hint", "off"`);
        else config.rules[id] = level;
      }
    }
  }

  if (raw['rule-options'] !== undefined) {
    if (!isTable(raw['rule-options'])) problem(['rule-options'], '"rule-options" must be a table of tables, one per rule id');
    else {
      for (const [id, options] of Object.entries(raw['rule-options'])) {
        const rule = rules.find((r) => r.id === id);
        if (rule === undefined) {
          problem(['rule-options', id], `unknown rule "${id}"`);
          continue;
        }
        if (!isTable(options)) {
          problem(['rule-options', id], `options of "${id}" must be a table`);
          continue;
        }
        const accepted: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(options)) {
          const declared = rule.options?.[name];
          if (declared === undefined) {
            const names = Object.keys(rule.options ?? {});
            problem(['rule-options', id, name], `rule "${id}" has no option "${name}"${names.length > 0 ? ` (options: ${names.join(', ')})` : ''}`);
            continue;
          }
          const fits =
            declared.type === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === declared.type;
          if (!fits) problem(['rule-options', id, name], `option "${name}" of "${id}" must be a ${declared.type === 'string[]' ? 'list of strings' : declared.type}`);
          else accepted[name] = value;
        }
        config.ruleOptions[id] = accepted;
      }
    }
  }

  if (raw.preview !== undefined) {
    if (typeof raw.preview !== 'boolean') problem(['preview'], '"preview" must be true or false');
    else config.preview = raw.preview;
  }

  if (raw.exclude !== undefined) {
    if (!Array.isArray(raw.exclude)) problem(['exclude'], '"exclude" must be a list of glob patterns');
    else
      raw.exclude.forEach((glob: unknown, index) => {
        if (typeof glob !== 'string' || glob.trim() === '') problem(['exclude', index], 'each "exclude" entry must be a non-empty glob string');
        else config.exclude.push(glob.trim());
      });
  }

  if (raw.python !== undefined) {
    if (!isTable(raw.python)) problem(['python'], '"python" must be a table');
    else {
      for (const [key, value] of Object.entries(raw.python)) {
        if (key === 'target-version') {
          const version = typeof value === 'string' ? parseTargetVersion(value) : undefined;
          if (version === undefined) problem(['python', key], '"target-version" must look like "3.11" or "py311"');
          else config.pythonVersion = version;
        } else if (key === 'pytest-asyncio-mode') {
          const mode = asyncioMode(value);
          if (mode === undefined) problem(['python', key], '"pytest-asyncio-mode" must be "auto" or "strict"');
          else config.pytestAsyncioMode = mode;
        } else {
          problem(['python', key], `unknown setting "python.${key}" (known: target-version, pytest-asyncio-mode)`);
        }
      }
    }
  }
  return { config, problems };
}

function emptyConfig(): ConfigData {
  return { rules: {}, ruleOptions: {}, exclude: [] };
}

function emptyParse(): ParsedFile {
  return { hasPytestSection: false, problems: [], broken: false };
}

function parseTomlFile(file: string, text: string): { value?: Table; problem?: ConfigProblem } {
  try {
    return { value: parseToml(text) as Table };
  } catch (error) {
    if (error instanceof TomlError) return { problem: { file, line: error.line, column: error.column, message: firstLine(error.message) } };
    return { problem: { file, line: 1, column: 1, message: String(error) } };
  }
}

/** Parses one file by its name. Never throws. */
export function parseConfigFile(file: string, text: string): ParsedFile {
  const name = path.basename(file);
  const result = emptyParse();
  switch (name) {
    case 'async-guardrails.toml':
    case '.async-guardrails.toml': {
      const { value, problem } = parseTomlFile(file, text);
      if (value === undefined) return { ...result, config: emptyConfig(), broken: true, problems: problem === undefined ? [] : [problem] };
      const validated = validateSection(value, file, tomlLocator(text), []);
      return { ...result, config: validated.config, problems: validated.problems };
    }
    case 'pyproject.toml': {
      const { value, problem } = parseTomlFile(file, text);
      if (value === undefined) {
        // A broken pyproject.toml is ours to report only when it holds our section.
        const ours = text.includes(`tool.${PYPROJECT_SECTION}`);
        return { ...result, config: ours ? emptyConfig() : undefined, broken: true, problems: ours && problem !== undefined ? [problem] : [] };
      }
      const tool = isTable(value.tool) ? value.tool : {};
      if (tool[PYPROJECT_SECTION] !== undefined) {
        const validated = validateSection(tool[PYPROJECT_SECTION], file, tomlLocator(text), ['tool', PYPROJECT_SECTION]);
        result.config = validated.config;
        result.problems = validated.problems;
      }
      const project = isTable(value.project) ? value.project : {};
      if (typeof project['requires-python'] === 'string') result.requiresPython = lowestPythonVersion(project['requires-python']);
      const pytest = isTable(tool.pytest) ? tool.pytest : undefined;
      if (pytest !== undefined && isTable(pytest.ini_options)) {
        result.hasPytestSection = true;
        result.pytestAsyncioMode = asyncioMode(pytest.ini_options.asyncio_mode);
      }
      return result;
    }
    case 'package.json': {
      const errors: ParseError[] = [];
      const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
      const ours = text.includes(`"${PACKAGE_JSON_KEY}"`);
      if (errors.length > 0 || !isTable(value)) {
        if (!ours) return { ...result, broken: true };
        const problems = errors.map((e) => ({ file, ...spotAt(text, e.offset), message: `invalid JSON: ${printParseErrorCode(e.error)}` }));
        return { ...result, config: emptyConfig(), broken: true, problems };
      }
      if (value[PACKAGE_JSON_KEY] !== undefined) {
        const validated = validateSection(value[PACKAGE_JSON_KEY], file, jsonLocator(text), [PACKAGE_JSON_KEY]);
        result.config = validated.config;
        result.problems = validated.problems;
      }
      return result;
    }
    case 'pytest.ini':
    case 'tox.ini':
    case 'setup.cfg': {
      // pytest.ini is pytest's config even when its section is missing; the others need theirs.
      const section = name === 'setup.cfg' ? 'tool:pytest' : 'pytest';
      let parsed: Record<string, unknown>;
      try {
        parsed = parseIni(text) as Record<string, unknown>;
      } catch {
        return result;
      }
      const table = parsed[section];
      result.hasPytestSection = name === 'pytest.ini' || isTable(table);
      if (isTable(table)) result.pytestAsyncioMode = asyncioMode(table.asyncio_mode);
      return result;
    }
    default:
      return result;
  }
}

/** Expands rule keys that are globs into rule ids; exact ids win over globs, later globs over earlier. */
export function expandRuleLevels(levels: Readonly<Record<string, RuleLevel>>, rules: readonly RuleMeta[] = registry.all()): Record<string, RuleLevel> {
  const out: Record<string, RuleLevel> = {};
  const entries = Object.entries(levels);
  for (const [key, level] of entries) {
    if (!(key.includes('*') || key.includes('?'))) continue;
    for (const rule of rules) if (minimatch(rule.id, key)) out[rule.id] = level;
  }
  for (const [key, level] of entries) if (!(key.includes('*') || key.includes('?'))) out[key] = level;
  return out;
}
