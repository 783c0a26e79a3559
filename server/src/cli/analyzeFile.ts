// One file's analysis as the CLI needs it: plain data in, plain data out, so the same function
// runs on the main thread and inside worker threads (whose messages are structured clones).
import type { AnalysisResult, AnalysisTimings, Engine } from '../engine/engine';
import type { EngineSettings } from '../engine/settings';
import type { Severity } from '../engine/types';

export type FixMode = 'none' | 'safe' | 'unsafe';

export interface FileTask {
  /** Absolute path: the engine keys per-project state on it. */
  file: string;
  text: string;
  settings: EngineSettings;
  fix: FixMode;
}

/** A finding with 1-based lines and columns (UTF-16 columns, as the editor counts them). */
export interface FileFinding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: Severity;
  message: string;
  /** A safe fix exists (what --fix applies). */
  fixable: boolean;
  /** Some fix exists, safe or not. */
  hasFix: boolean;
}

export interface FileOutcome {
  file: string;
  findings: FileFinding[];
  /** Set when fixes changed the text. */
  fixedText: string | undefined;
  internalErrors: string[];
  /** Why the engine did not analyse the file (too large, minified, nested too deeply), if it did not. */
  skipped?: string;
  /** Where the final analysis's time went (fix-all passes not included). */
  timings: AnalysisTimings;
}

export function toFileFindings(result: AnalysisResult): FileFinding[] {
  return result.findings.map((finding) => {
    const range = result.source.rangeOf(finding.start, finding.end);
    const fixes = finding.fixes ?? [];
    return {
      line: range.start.line + 1,
      column: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
      rule: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      fixable: fixes.some((fix) => fix.safety === 'safe'),
      hasFix: fixes.length > 0,
    };
  });
}

export function analyzeTask(engine: Engine, task: FileTask): FileOutcome {
  let text = task.text;
  let fixedText: string | undefined;
  if (task.fix !== 'none') {
    const fixed = engine.fixAll({ text, fileName: task.file, settings: task.settings }, { unsafe: task.fix === 'unsafe' });
    if (fixed.text !== text) {
      fixedText = fixed.text;
      text = fixed.text;
    }
  }
  const result = engine.analyze({ text, fileName: task.file, settings: task.settings });
  return { file: task.file, findings: toFileFindings(result), fixedText, internalErrors: result.internalErrors, skipped: result.skipped, timings: result.timings };
}
