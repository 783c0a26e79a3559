import type { SourceComment } from './languagePack';
import type { SourceText } from './sourceText';

/**
 * Suppression comments. One syntax, written with each language's own comment token:
 *
 *   <comment> async-guardrails: ignore[rule-a, rule-b]    (this line, or the next code line)
 *   <comment> async-guardrails: ignore                    (all rules, same placement)
 *   <comment> async-guardrails: ignore-file[rule-a]       (the whole file; anywhere in it)
 *   <comment> async-guardrails: ignore-file               (all rules, whole file)
 *
 * A directive at the end of a line of code applies to that line; a directive on a line of its own
 * applies to the next line that holds code. Python also honours ruff's `# noqa: CODE` for rules
 * that declare a ruff equivalent, and a bare `# noqa` for those rules.
 */

const DIRECTIVE = /async-guardrails:\s*(ignore-file|ignore)\b(?:\s*\[([^\]]*)\])?/g;
const NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:\s*,?\s*[A-Za-z]+[0-9]+)*))?/gi;

type RuleSet = Set<string> | 'all';

export interface SuppressionIndex {
  isSuppressed(ruleId: string, line: number, noqaCodes: readonly string[]): boolean;
}

function addTo(map: Map<number, RuleSet>, line: number, ids: RuleSet): void {
  const current = map.get(line);
  if (current === 'all' || ids === 'all') {
    map.set(line, 'all');
    return;
  }
  const merged = new Set(current ?? []);
  for (const id of ids) merged.add(id);
  map.set(line, merged);
}

function parseIds(list: string | undefined): RuleSet {
  if (list === undefined) return 'all';
  const ids = list
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return ids.length === 0 ? 'all' : new Set(ids);
}

function has(set: RuleSet | undefined, id: string): boolean {
  return set !== undefined && (set === 'all' || set.has(id));
}

/** The line a comment's directive applies to: its own line, or the next line holding code. */
function targetLine(source: SourceText, comment: SourceComment, commentLines: Set<number>): number {
  const pos = source.positionAt(comment.start);
  const before = source.text.slice(source.lineStart(pos.line), comment.start);
  if (before.trim().length > 0) return pos.line;
  let line = source.positionAt(comment.end).line + 1;
  while (line < source.lineCount) {
    const text = source.lineText(line).trim();
    if (text.length > 0 && !commentLines.has(line)) return line;
    line++;
  }
  return pos.line;
}

export function buildSuppressionIndex(
  source: SourceText,
  comments: readonly SourceComment[],
  honourNoqa: boolean,
): SuppressionIndex {
  let fileWide: RuleSet | undefined;
  const byLine = new Map<number, RuleSet>();
  const noqaByLine = new Map<number, RuleSet>();
  // Lines that hold nothing but a comment, so that stacked directives skip over each other.
  const commentLines = new Set<number>();
  for (const comment of comments) {
    const pos = source.positionAt(comment.start);
    if (source.text.slice(source.lineStart(pos.line), comment.start).trim().length === 0) {
      commentLines.add(pos.line);
    }
  }

  for (const comment of comments) {
    for (const match of comment.text.matchAll(DIRECTIVE)) {
      const ids = parseIds(match[2]);
      if (match[1] === 'ignore-file') {
        fileWide = fileWide === undefined ? ids : mergeSets(fileWide, ids);
      } else {
        addTo(byLine, targetLine(source, comment, commentLines), ids);
      }
    }
    if (honourNoqa) {
      for (const match of comment.text.matchAll(NOQA)) {
        const codes = match[1] === undefined ? 'all' : parseIds(match[1].toUpperCase());
        addTo(noqaByLine, source.positionAt(comment.start).line, codes);
      }
    }
  }

  return {
    isSuppressed(ruleId, line, codes) {
      if (has(fileWide, ruleId) || has(byLine.get(line), ruleId)) return true;
      const noqa = noqaByLine.get(line);
      if (noqa === undefined || codes.length === 0) return false;
      return noqa === 'all' || codes.some((code) => noqa.has(code));
    },
  };
}

function mergeSets(a: RuleSet, b: RuleSet): RuleSet {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

/** Builds the comment text that disables `ruleId` on one line. */
export function suppressionComment(lineComment: string, ruleId: string): string {
  return `${lineComment} async-guardrails: ignore[${ruleId}]`;
}
