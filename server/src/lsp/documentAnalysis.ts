import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult, Engine } from '../engine/engine';
import { toDiagnostic } from './diagnostics';
import type { ResourceSettings } from './protocol';
import { engineSettings } from './settings';

/** One analysis of one document version under one settings generation. */
export interface DocumentAnalysis {
  version: number;
  settingsGeneration: number;
  result: AnalysisResult;
  diagnostics: Diagnostic[];
  elapsedMs: number;
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
  analyze(document: TextDocument, settings: ResourceSettings, settingsGeneration: number): DocumentAnalysis {
    const started = performance.now();
    const result = this.engine.analyze({
      text: document.getText(),
      fileName: fileNameOf(document),
      languageId: document.languageId,
      settings: engineSettings(settings),
    });
    const analysis: DocumentAnalysis = {
      version: document.version,
      settingsGeneration,
      result,
      diagnostics: result.findings.map((finding) => toDiagnostic(result.source, finding, document.version)),
      elapsedMs: performance.now() - started,
    };
    const previous = this.byUri.get(document.uri);
    if (previous === undefined || previous.version <= analysis.version) this.byUri.set(document.uri, analysis);
    return analysis;
  }
}
