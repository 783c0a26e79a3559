import type { Finding, Fix, Report, TextEdit } from './types';

/** Applies edits (offsets into `text`) from last to first. Edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const edit of sorted) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.newText === b.newText;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  // Two insertions at one point conflict too (their order would be arbitrary).
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/**
 * Picks, for each finding, its first fix allowed by `allowUnsafe`, and merges them into one edit
 * list: identical edits (two fixes adding the same import) are kept once; a fix whose edits
 * conflict with an already chosen one is left for the next pass.
 */
export function combineFixes(findings: readonly Finding[], allowUnsafe: boolean): { edits: TextEdit[]; applied: number; skipped: number } {
  const chosen: TextEdit[] = [];
  let applied = 0;
  let skipped = 0;
  for (const finding of [...findings].sort((a, b) => a.start - b.start)) {
    const fix: Fix | undefined = finding.fixes?.find((f) => f.safety === 'safe' || allowUnsafe);
    if (fix === undefined) continue;
    const fresh = fix.edits.filter((edit) => !chosen.some((c) => sameEdit(c, edit)));
    if (fresh.some((edit) => chosen.some((c) => overlaps(c, edit)))) {
      skipped++;
      continue;
    }
    chosen.push(...fresh);
    applied++;
  }
  return { edits: chosen, applied, skipped };
}

/** Where an offset of an earlier text lies in the current one; undefined: it has no place there. */
export type OffsetShift = (offset: number) => number | undefined;

/**
 * A report of an earlier analysis moved into the current text (findings reused across edits by
 * the language packs): its range and every fix edit shifted, or undefined when any of them has no
 * place in the current text.
 */
export function shiftReport(report: Report, shift: OffsetShift): Report | undefined {
  const start = shift(report.start);
  const end = shift(report.end);
  if (start === undefined || end === undefined) return undefined;
  let fixes = report.fixes;
  if (fixes !== undefined) {
    const shifted: Fix[] = [];
    for (const fix of fixes) {
      const edits: TextEdit[] = [];
      for (const edit of fix.edits) {
        const editStart = shift(edit.start);
        const editEnd = shift(edit.end);
        if (editStart === undefined || editEnd === undefined) return undefined;
        edits.push({ ...edit, start: editStart, end: editEnd });
      }
      shifted.push({ ...fix, edits });
    }
    fixes = shifted;
  }
  return { ...report, start, end, ...(fixes === undefined ? {} : { fixes }) };
}
