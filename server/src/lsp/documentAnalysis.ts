import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult, Engine } from '../engine/engine';
import { toDiagnostic } from './diagnostics';
import type { EngineSettings } from '../engine/settings';
import { SourceText } from '../engine/sourceText';

/** One analysis of one document version under one settings generation. */
export interface DocumentAnalysis {
  version: number;
  settingsGeneration: number;
  result: AnalysisResult;
  diagnostics: Diagnostic[];
  elapsedMs: number;
  /** For a notebook cell: identifies the text of the cells before it (part of the result id). */
  context: string;
}

/**
 * A notebook cell is analysed as the end of one module made of the notebook's Python cells up to
 * it, so names imported in earlier cells resolve. Findings outside the cell are dropped, and so are
 * fixes that would edit another cell: fixes apply per cell.
 */
export function analyseCell(engine: Engine, cellText: string, prelude: string, fileName: string, settings: EngineSettings): AnalysisResult {
  const whole = engine.analyze({ text: prelude + cellText, fileName, languageId: 'python', settings });
  const shift = prelude.length;
  const inside = (start: number, end: number): boolean => start >= shift && end <= shift + cellText.length;
  const findings = whole.findings
    .filter((f) => inside(f.start, f.end))
    .map((f) => ({
      ...f,
      start: f.start - shift,
      end: f.end - shift,
      fixes: f.fixes
        ?.filter((fix) => fix.edits.every((e) => inside(e.start, e.end)))
        .map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, start: e.start - shift, end: e.end - shift })) })),
    }));
  return { ...whole, findings, source: new SourceText(cellText) };
}

const EXTENSION_FOR_LANGUAGE: Readonly<Record<string, string>> = {
  python: '.py',
  typescript: '.ts',
  typescriptreact: '.tsx',
  javascript: '.js',
  javascriptreact: '.jsx',
};

/** A file name for the engine: the real path for file URIs, a named stand-in for untitled ones. */
export function fileNameOf(document: TextDocument): string {
  if (document.uri.startsWith('file:')) {
    try {
      return fileURLToPath(document.uri);
    } catch {
      // fall through to the stand-in name
    }
  }
  const base = document.uri.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return `${base}${EXTENSION_FOR_LANGUAGE[document.languageId] ?? ''}`;
}

/** The latest analysis of each open document; results are only ever replaced by newer ones. */
export class AnalysisStore {
  private readonly byUri = new Map<string, DocumentAnalysis>();

  constructor(private readonly engine: Engine) {}

  get(uri: string): DocumentAnalysis | undefined {
    return this.byUri.get(uri);
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }

  /** Analyses the document's current text (synchronously, so the version cannot move meanwhile). */
  analyze(document: TextDocument, settings: EngineSettings, settingsGeneration: number, prelude?: string): DocumentAnalysis {
    const started = performance.now();
    const result =
      prelude === undefined
        ? this.engine.analyze({ text: document.getText(), fileName: fileNameOf(document), languageId: document.languageId, settings })
        : analyseCell(this.engine, document.getText(), prelude, fileNameOf(document), settings);
    const analysis: DocumentAnalysis = {
      version: document.version,
      settingsGeneration,
      result,
      diagnostics: result.findings.map((finding) => toDiagnostic(result.source, finding, document.version)),
      elapsedMs: performance.now() - started,
      context: prelude === undefined ? '' : contextKey(prelude),
    };
    const previous = this.byUri.get(document.uri);
    if (previous === undefined || previous.version <= analysis.version) this.byUri.set(document.uri, analysis);
    return analysis;
  }
}

/** A short key for a cell's prelude: its length and a cheap hash. */
export function contextKey(prelude: string): string {
  let hash = 0;
  for (let i = 0; i < prelude.length; i++) hash = (hash * 31 + prelude.charCodeAt(i)) | 0;
  return `${prelude.length}.${(hash >>> 0).toString(36)}`;
}
