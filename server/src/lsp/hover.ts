// Hover on a rule id inside a suppression comment (`async-guardrails: ignore[rule-id]`, or a ruff
// code in `# noqa: CODE`): the rule's summary and a link to its bundled docs page.
import type { Hover, Position } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import type { RuleMeta } from '../engine/rule';
import { docsHref } from './diagnostics';

const DIRECTIVE = /async-guardrails:\s*(?:ignore-file|ignore)\s*\[([^\]]*)\]/g;
const NOQA = /#\s*noqa:\s*([A-Za-z]+[0-9]+(?:\s*,?\s*[A-Za-z]+[0-9]+)*)/gi;
const WORD = /[A-Za-z0-9_-]+/g;

/** The rule named at `character` of `lineText`, with the span of its name. */
export function ruleAt(lineText: string, character: number, rules: readonly RuleMeta[]): { rule: RuleMeta; start: number; end: number } | undefined {
  for (const match of lineText.matchAll(DIRECTIVE)) {
    const listStart = (match.index ?? 0) + match[0].indexOf('[') + 1;
    for (const word of match[1].matchAll(WORD)) {
      const start = listStart + (word.index ?? 0);
      const end = start + word[0].length;
      if (character < start || character > end) continue;
      const rule = rules.find((r) => r.id === word[0]);
      return rule === undefined ? undefined : { rule, start, end };
    }
  }
  for (const match of lineText.matchAll(NOQA)) {
    const listStart = (match.index ?? 0) + match[0].length - match[1].length;
    for (const word of match[1].matchAll(WORD)) {
      const start = listStart + (word.index ?? 0);
      const end = start + word[0].length;
      if (character < start || character > end) continue;
      const code = word[0].toUpperCase();
      const rule = rules.find((r) => r.equivalents.some((e) => e.noqa === true && e.rule === code));
      return rule === undefined ? undefined : { rule, start, end };
    }
  }
  return undefined;
}

export function ruleHover(lineText: string, position: Position, rules: readonly RuleMeta[]): Hover | null {
  const found = ruleAt(lineText, position.character, rules);
  if (found === undefined) return null;
  const { rule } = found;
  const fix = rule.fixSafety === 'none' ? 'no fix' : `${rule.fixSafety} fix`;
  const value = [
    `**${rule.id}** · ${rule.defaultSeverity} by default · ${fix}`,
    '',
    rule.summary,
    '',
    `[Documentation](${docsHref(rule.id)})`,
  ].join('\n');
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: { line: position.line, character: found.start }, end: { line: position.line, character: found.end } },
  };
}
