import {
  CodeAction,
  CodeActionKind,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { minimatch } from 'minimatch';
import { packForFile, type AnalysisResult, type Engine } from '../engine/engine';
import { SourceText } from '../engine/sourceText';
import { combineFixes } from '../engine/fixes';
import { DIAGNOSTIC_SOURCE, docsHref, isDiagnosticData, toLspEdit } from './diagnostics';
import { Commands, FIX_ALL_KIND } from './protocol';

/** How to express an edit to one document, depending on what the client supports. */
export interface EditShape {
  /** Versioned `documentChanges`, so a client rejects an edit made for an older text. */
  versioned: boolean;
}

export function workspaceEdit(uri: string, version: number, edits: LspTextEdit[], shape: EditShape): WorkspaceEdit {
  if (shape.versioned) return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  return { changes: { [uri]: edits } };
}

/**
 * Safe fixes of every finding, merged into one edit (the `source.fixAll` action and command);
 * `ruleId` limits them to one rule, `allowed` (ids or globs, `fixAll.rules`) to some rules.
 */
export function fixAllEdits(result: AnalysisResult, ruleId?: string, allowed?: readonly string[]): { edits: LspTextEdit[]; applied: number } {
  let findings = ruleId === undefined ? result.findings : result.findings.filter((f) => f.ruleId === ruleId);
  if (allowed !== undefined) findings = findings.filter((f) => allowed.some((glob) => glob === f.ruleId || minimatch(f.ruleId, glob)));
  const combined = combineFixes(findings, false);
  return { edits: combined.edits.map((edit) => toLspEdit(result.source, edit)), applied: combined.applied };
}

export function wantsKind(only: readonly string[] | undefined, kind: string): boolean {
  if (only === undefined) return true;
  return only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

/** The fix-all action; its edit is filled in later (codeAction/resolve) when the client allows it. */
export function fixAllAction(uri: string, version: number): CodeAction {
  return { title: 'Async Guardrails: fix all safely fixable problems', kind: FIX_ALL_KIND, data: { uri, version } };
}

/**
 * Quick fixes for the diagnostics the client sent: each fix carried in the diagnostic's data,
 * "fix all <rule> problems" (safe fixes, when there are several), "disable <rule> for this line",
 * and "show documentation". Nothing here analyses the file again except to find other
 * problems of the same rule, which uses the cached analysis.
 */
export function quickFixes(
  document: TextDocument,
  diagnostics: readonly Diagnostic[],
  analysis: { result: AnalysisResult; version: number } | undefined,
  engine: Engine,
  shape: EditShape,
  fileName: string,
): CodeAction[] {
  const pack = packForFile(fileName, document.languageId);
  let current: SourceText | undefined;
  const actions: CodeAction[] = [];
  const ours = diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && isDiagnosticData(d.data));
  const seenRules = new Set<string>();
  for (const diagnostic of ours) {
    if (!isDiagnosticData(diagnostic.data)) continue;
    const data = diagnostic.data;
    data.fixes.forEach((fix, index) => {
      actions.push({
        title: fix.safety === 'safe' ? fix.title : `${fix.title} (unsafe)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0 && fix.safety === 'safe',
        edit: workspaceEdit(document.uri, data.version, fix.edits, shape),
      });
    });
    if (seenRules.has(data.ruleId)) continue;
    seenRules.add(data.ruleId);

    if (analysis !== undefined) {
      const { result, version } = analysis;
      const ruleFindings = result.findings.filter((f) => f.ruleId === data.ruleId && f.fixes?.some((x) => x.safety === 'safe'));
      if (ruleFindings.length > 1) {
        const { edits } = fixAllEdits(result, data.ruleId);
        actions.push({
          title: `Fix all ${data.ruleId} problems in this file`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: workspaceEdit(document.uri, version, edits, shape),
        });
      }
    }

    if (pack !== undefined) {
      current ??= new SourceText(document.getText());
      const edit = engine.suppressionEdit(pack, current, diagnostic.range.start.line, data.ruleId);
      actions.push({
        title: `Disable ${data.ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: workspaceEdit(document.uri, document.version, [toLspEdit(current, edit)], shape),
      });
    }
    actions.push({
      title: `Show documentation for ${data.ruleId}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${data.ruleId}`, command: Commands.openDocs, arguments: [docsHref(data.ruleId)] },
    });
  }
  return actions;
}
