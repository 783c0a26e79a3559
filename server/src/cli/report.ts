import * as path from 'node:path';
import type { AnalysisResult } from '../engine/engine';
import type { Severity } from '../engine/types';

/** One finding as the CLI prints it (1-based lines and columns). */
export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: Severity;
  message: string;
  fixable: boolean;
}

export function toCliFindings(file: string, result: AnalysisResult, cwd: string): CliFinding[] {
  const shown = path.relative(cwd, file) || file;
  return result.findings.map((finding) => {
    const range = result.source.rangeOf(finding.start, finding.end);
    return {
      file: shown.split(path.sep).join('/'),
      line: range.start.line + 1,
      column: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
      rule: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      fixable: (finding.fixes ?? []).some((fix) => fix.safety === 'safe'),
    };
  });
}

const useColour = (): boolean => process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

function paint(code: number, text: string): string {
  return useColour() ? `\u001b[${code}m${text}\u001b[0m` : text;
}

const SEVERITY_COLOUR: Readonly<Record<Severity, number>> = { error: 31, warning: 33, info: 36, hint: 2 };

export function formatText(findings: readonly CliFinding[], filesChecked: number): string {
  const lines = findings.map(
    (f) =>
      `${paint(1, `${f.file}:${f.line}:${f.column}`)}: ${paint(SEVERITY_COLOUR[f.severity], f.severity)} ${f.message} ${paint(2, `[${f.rule}]`)}${f.fixable ? ' (fixable)' : ''}`,
  );
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  const fixable = findings.filter((f) => f.fixable).length;
  const summary =
    findings.length === 0
      ? `No problems found in ${filesChecked} file${filesChecked === 1 ? '' : 's'}.`
      : `Found ${findings.length} problem${findings.length === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info + counts.hint} other) in ${filesChecked} file${filesChecked === 1 ? '' : 's'}.${fixable > 0 ? ` ${fixable} fixable with --fix.` : ''}`;
  return [...lines, ...(lines.length > 0 ? [''] : []), summary].join('\n');
}
