// Writes the AI coding assistants' instructions from the active rules: one do/don't line per rule
// and language, inside a block we own, leaving the rest of the file as the user wrote it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RuleMeta } from '../engine/rule';
import type { EngineSettings } from '../engine/settings';
import type { PackId } from '../engine/types';

export const BLOCK_BEGIN = '<!-- async-guardrails:begin -->';
export const BLOCK_END = '<!-- async-guardrails:end -->';

export type InstructionsFormat = 'copilot' | 'instructions';

export interface WriteInstructionsOptions {
  /** The repository (workspace folder) root. */
  root: string;
  /** `copilot`: .github/copilot-instructions.md; `instructions`: .github/instructions/async-guardrails.instructions.md with applyTo. */
  format: InstructionsFormat;
  /** The enabled rules. */
  rules: readonly RuleMeta[];
  /** The languages present in the workspace. */
  languages: readonly PackId[];
}

interface DoDont {
  do: string;
  dont: string;
}

const LANGUAGE_TITLES: Readonly<Record<PackId, string>> = { python: 'Python', typescript: 'TypeScript/JavaScript' };

/** Globs of the files each language covers, for `applyTo`. */
export const LANGUAGE_GLOBS: Readonly<Record<PackId, readonly string[]>> = {
  python: ['**/*.py', '**/*.pyi', '**/*.ipynb'],
  typescript: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'],
};

/** Our own one-line guidance per rule and language; rules not listed fall back to their summary. */
const GUIDANCE: Readonly<Record<string, Partial<Record<PackId, DoDont>>>> = {
  'blocking-call-in-async': {
    python: {
      do: 'inside `async def`, use `await asyncio.sleep`, async clients, or move blocking work off the loop with `await asyncio.to_thread(...)`',
      dont: 'call `time.sleep`, `requests`, `subprocess.run` or plain file I/O inside a coroutine',
    },
    typescript: {
      do: 'inside async functions, use the promise APIs (`node:fs/promises`, `node:timers/promises`, `fetch`)',
      dont: 'call `*Sync` APIs such as `readFileSync` or `execSync` from async code',
    },
  },
  'untracked-task': {
    python: {
      do: 'keep every task you start: run it in an `asyncio.TaskGroup`, or store it and await or cancel it later',
      dont: 'call `asyncio.create_task` / `ensure_future` and drop the result',
    },
    typescript: {
      do: 'await or return every promise, or hand it to code that handles its rejection',
      dont: 'leave a promise floating (a call whose promise nobody awaits or catches)',
    },
  },
  'missing-timeout': {
    python: {
      do: 'bound every network or database wait with `asyncio.timeout(...)`, `asyncio.wait_for`, or the client\'s timeout argument',
      dont: 'await I/O that can hang forever',
    },
    typescript: {
      do: 'pass a deadline to network calls, e.g. `signal: AbortSignal.timeout(ms)` or the client\'s timeout option',
      dont: 'await `fetch` or a client call without any timeout',
    },
  },
  'swallowed-exception': {
    python: { do: 'catch the narrowest exception you can handle, and log or re-raise it', dont: 'write `except Exception: pass` or a bare `except:` that hides the error' },
    typescript: { do: 'log the error with context or rethrow it from `catch` blocks and `.catch` handlers', dont: 'leave a `catch` block or `.catch(() => {})` empty' },
  },
  'unstructured-logging': {
    python: { do: 'log a constant message with the values as structured fields (e.g. `extra=` or logger arguments)', dont: 'build log messages with f-strings or `%`/`+` formatting, or use `print` in services' },
    typescript: { do: 'log an event name plus an object of fields through the project\'s logger', dont: 'log template strings or use `console.log` in services' },
  },
  'unlabelled-sync-bridge': {
    python: { do: 'mark every bridge of sync work onto threads or processes with a `# SYNC EXCEPTION HANDLER: <reason>` comment', dont: 'push sync work to `to_thread` / executors without saying why' },
    typescript: { do: 'mark every worker thread or sync bridge with a `// SYNC EXCEPTION HANDLER: <reason>` comment', dont: 'move sync work onto workers without saying why' },
  },
  'missing-type-hints': {
    python: { do: 'annotate every parameter and the return type, `-> None` included', dont: 'leave functions partly or wholly unannotated' },
    typescript: { do: 'give exported functions explicit parameter and return types (`Promise<T>` for async ones)', dont: 'rely on implicit `any` or inferred return types at module boundaries' },
  },
  'nested-event-loop': {
    python: { do: 'inside a coroutine, just `await` the work; use `asyncio.get_running_loop()` when you need the loop', dont: 'call `asyncio.run`, `run_until_complete` or `get_event_loop` from async code' },
  },
  'swallowed-cancellation': {
    python: { do: 're-raise `asyncio.CancelledError` after any cleanup', dont: 'catch `CancelledError` (or `BaseException` / bare `except`) in async code and carry on' },
  },
  'async-test-never-runs': {
    python: { do: 'mark async tests (`@pytest.mark.asyncio`, anyio or trio) or enable pytest-asyncio\'s auto mode', dont: 'write an `async def test_...` that pytest never awaits' },
  },
};

function guidanceFor(rule: RuleMeta, language: PackId): DoDont {
  const known = GUIDANCE[rule.id]?.[language];
  if (known !== undefined) return known;
  const summary = rule.summary.replace(/\.$/, '');
  return { do: `follow the \`${rule.id}\` rule (see its documentation)`, dont: `write code where ${summary.charAt(0).toLowerCase()}${summary.slice(1)}` };
}

/** The block we own, without a trailing newline. */
/**
 * The rules the instructions list: not turned off, and not preview-only for every language present
 * unless preview rules are on or the rule is named in the settings.
 */
export function rulesToInstruct(rules: readonly RuleMeta[], settings: EngineSettings, languages: readonly PackId[]): RuleMeta[] {
  return rules.filter((rule) => {
    const level = settings.rules?.[rule.id];
    if (level === 'off') return false;
    const inPreview = languages.length > 0 && languages.every((language) => rule.preview?.includes(language) === true);
    return level !== undefined || !inPreview || settings.preview === true;
  });
}

export function renderBlock(rules: readonly RuleMeta[], languages: readonly PackId[]): string {
  const lines = [
    BLOCK_BEGIN,
    '## Async code rules (Async Guardrails)',
    '',
    'This repository checks async code with Async Guardrails. When you write or change code here:',
  ];
  const sorted = [...rules].sort((a, b) => a.id.localeCompare(b.id));
  for (const language of (['python', 'typescript'] as const).filter((l) => languages.includes(l))) {
    const applicable = sorted.filter((r) => r.languages.includes(language));
    if (applicable.length === 0) continue;
    lines.push('', `### ${LANGUAGE_TITLES[language]}`, '');
    for (const rule of applicable) {
      const { do: doText, dont } = guidanceFor(rule, language);
      lines.push(`- \`${rule.id}\`: do ${doText}; don't ${dont}.`);
    }
  }
  lines.push(
    '',
    'To silence one finding on purpose, add `async-guardrails: ignore[<rule-id>]` in a comment on that line, with the reason.',
    'This block is generated by Async Guardrails ("Write AI Assistant Instructions"); edits inside it are replaced.',
    BLOCK_END,
  );
  return lines.join('\n');
}

/** Puts the block into `existing` (replacing ours, or appended), keeping every other byte. */
export function mergeBlock(existing: string, block: string): string {
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const ours = block.split('\n').join(eol);
  const begin = existing.indexOf(BLOCK_BEGIN);
  const end = begin < 0 ? -1 : existing.indexOf(BLOCK_END, begin);
  if (begin >= 0 && end >= 0) return existing.slice(0, begin) + ours + existing.slice(end + BLOCK_END.length);
  if (existing.trim() === '') return `${ours}${eol}`;
  const separator = existing.endsWith(`${eol}${eol}`) ? '' : existing.endsWith(eol) ? eol : `${eol}${eol}`;
  return `${existing}${separator}${ours}${eol}`;
}

/** Sets `applyTo` in the file's front matter (adding one when missing); other keys stay. */
export function withApplyTo(text: string, globs: readonly string[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = `applyTo: "${globs.join(',')}"`;
  const front = /^---\r?\n([\s\S]*?)\r?\n---(\r?\n|$)/.exec(text);
  if (front === null) return `---${eol}${line}${eol}---${eol}${eol}${text}`;
  const body = front[1].split(/\r?\n/);
  const index = body.findIndex((l) => /^applyTo\s*:/.test(l));
  if (index >= 0) body[index] = line;
  else body.push(line);
  return `---${eol}${body.join(eol)}${eol}---${front[2]}${text.slice(front[0].length)}`;
}

export function instructionsPath(root: string, format: InstructionsFormat): string {
  return format === 'copilot'
    ? path.join(root, '.github', 'copilot-instructions.md')
    : path.join(root, '.github', 'instructions', 'async-guardrails.instructions.md');
}

/** Writes or updates the instructions file; running it twice changes nothing. */
export async function writeInstructions(options: WriteInstructionsOptions): Promise<{ file: string; changed: boolean }> {
  const file = instructionsPath(options.root, options.format);
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let next = mergeBlock(existing, renderBlock(options.rules, options.languages));
  if (options.format === 'instructions') {
    const globs = (['python', 'typescript'] as const).filter((l) => options.languages.includes(l)).flatMap((l) => LANGUAGE_GLOBS[l]);
    next = withApplyTo(next, globs.length > 0 ? globs : ['**']);
  }
  if (next === existing) return { file, changed: false };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, next, 'utf8');
  return { file, changed: true };
}
