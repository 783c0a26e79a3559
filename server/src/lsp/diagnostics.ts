import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostic, DiagnosticSeverity, type TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import type { SourceText } from '../engine/sourceText';
import type { Finding, Fix, Severity, TextEdit } from '../engine/types';

/** `source` of every diagnostic we publish, so clients (and tests) can tell ours apart. */
export const DIAGNOSTIC_SOURCE = 'async-guardrails';

/** A fix as it travels in a diagnostic's `data`: edits already in LSP ranges. */
export interface FixData {
  title: string;
  safety: Fix['safety'];
  edits: LspTextEdit[];
}

/** The `data` of each diagnostic: enough for a quick fix without analysing again. */
export interface DiagnosticData {
  ruleId: string;
  /** The document version the ranges below belong to. */
  version: number;
  fixes: FixData[];
}

const SEVERITIES: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The rule's docs page shipped inside the extension (docs/rules/<id>.md beside dist/). */
export function docsHref(ruleId: string): string {
  return pathToFileURL(path.join(__dirname, '..', 'docs', 'rules', `${ruleId}.md`)).toString();
}

export function toLspEdit(source: SourceText, edit: TextEdit): LspTextEdit {
  return { range: source.rangeOf(edit.start, edit.end), newText: edit.newText };
}

export function toDiagnostic(source: SourceText, finding: Finding, version: number): Diagnostic {
  const data: DiagnosticData = {
    ruleId: finding.ruleId,
    version,
    fixes: (finding.fixes ?? []).map((fix) => ({
      title: fix.title,
      safety: fix.safety,
      edits: fix.edits.map((edit) => toLspEdit(source, edit)),
    })),
  };
  return {
    range: source.rangeOf(finding.start, finding.end),
    severity: SEVERITIES[finding.severity],
    code: finding.ruleId,
    codeDescription: { href: docsHref(finding.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<DiagnosticData>;
  return typeof candidate.ruleId === 'string' && typeof candidate.version === 'number' && Array.isArray(candidate.fixes);
}
