import * as path from 'node:path';
import type { Severity } from '../engine/types';
import type { FileFinding } from './analyzeFile';

/** One finding as the CLI prints it (1-based lines and columns; `file` relative to the cwd, with `/`). */
export type CliFinding = { file: string } & Omit<FileFinding, 'hasFix'>;

/** The path as shown: relative to the cwd when inside it, always with forward slashes. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}

export function toCliFinding(shownFile: string, f: FileFinding): CliFinding {
  return {
    file: shownFile,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixable: f.fixable,
  };
}

const useColour = (stream: NodeJS.WriteStream): boolean => stream.isTTY === true && process.env.NO_COLOR === undefined;

function painter(stream: NodeJS.WriteStream): (code: number, text: string) => string {
  const colour = useColour(stream);
  return (code, text) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
}

const SEVERITY_COLOUR: Readonly<Record<Severity, number>> = { error: 31, warning: 33, info: 36, hint: 2 };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatText(findings: readonly CliFinding[], filesChecked: number, stream: NodeJS.WriteStream = process.stdout): string {
  const paint = painter(stream);
  const lines = findings.map(
    (f) =>
      `${paint(1, `${f.file}:${f.line}:${f.column}`)}: ${paint(SEVERITY_COLOUR[f.severity], f.severity)} ${f.message} ${paint(2, `[${f.rule}]`)}${f.fixable ? ' (fixable)' : ''}`,
  );
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  const fixable = findings.filter((f) => f.fixable).length;
  const summary =
    findings.length === 0
      ? `No problems found in ${plural(filesChecked, 'file')}.`
      : `Found ${plural(findings.length, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info + counts.hint} other) in ${plural(filesChecked, 'file')}.${fixable > 0 ? ` ${fixable} fixable with --fix.` : ''}`;
  return [...lines, ...(lines.length > 0 ? [''] : []), summary].join('\n');
}

export function formatJson(findings: readonly CliFinding[]): string {
  return JSON.stringify(findings, null, 2);
}

/** Workflow-command escaping: the message part, and (stricter) property values. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GITHUB_LEVEL: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** GitHub Actions workflow annotations, one `::error file=…,line=…::message` line per finding. */
export function formatGithub(findings: readonly CliFinding[]): string {
  return findings
    .map((f) => {
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `endLine=${f.endLine}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(`async-guardrails(${f.rule})`)}`,
      ];
      return `::${GITHUB_LEVEL[f.severity]} ${props.join(',')}::${escapeData(f.message)}`;
    })
    .join('\n');
}
