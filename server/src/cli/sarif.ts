// SARIF 2.1.0 output for code scanning: one run, the tool's rules with their metadata, help text
// (the rule's docs page) and help link, and one result per finding.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuleMeta } from '../engine/rule';
import type { Severity } from '../engine/types';
import type { CliFinding } from './report';

/**
 * Where rule pages are published. While the project has no public home, links point at the
 * docs shipped beside the bundle (as the editor's diagnostics do).
 */
const DOCS_BASE_URL: string | undefined = undefined;

const SARIF_LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** The folder holding the rule pages: `docs/rules` beside the bundle, or above it (out/<x>/dist). */
function docsFolder(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function ruleHelpUri(ruleId: string): string {
  if (DOCS_BASE_URL !== undefined) return `${DOCS_BASE_URL}/${ruleId}.md`;
  const folder = docsFolder() ?? path.join(__dirname, '..', 'docs', 'rules');
  return pathToFileURL(path.join(folder, `${ruleId}.md`)).toString();
}

function ruleHelpMarkdown(ruleId: string): string | undefined {
  const folder = docsFolder();
  if (folder === undefined) return undefined;
  try {
    return readFileSync(path.join(folder, `${ruleId}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

function sarifRule(rule: RuleMeta): Record<string, unknown> {
  const markdown = ruleHelpMarkdown(rule.id);
  return {
    id: rule.id,
    name: rule.id
      .split('-')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(''),
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary} (guide: ${rule.guideSection})` },
    helpUri: ruleHelpUri(rule.id),
    help: markdown === undefined ? { text: rule.summary } : { text: rule.summary, markdown },
    defaultConfiguration: { level: SARIF_LEVEL[rule.defaultSeverity] },
    properties: {
      tags: ['async', ...rule.languages],
      languages: [...rule.languages],
      fixSafety: rule.fixSafety,
      equivalents: rule.equivalents.map((e) => `${e.tool}:${e.rule}`),
    },
  };
}

export interface SarifInput {
  findings: readonly CliFinding[];
  rules: readonly RuleMeta[];
  version: string;
  cwd: string;
}

export function formatSarif(input: SarifInput): string {
  const rules = [...input.rules].sort((a, b) => a.id.localeCompare(b.id));
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = input.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: indexOf.get(f.rule) ?? -1,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: path.isAbsolute(f.file) ? { uri: pathToFileURL(f.file).toString() } : { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    properties: { fixable: f.fixable },
  }));
  const srcRoot = pathToFileURL(input.cwd).toString();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'async-guardrails',
            semanticVersion: input.version,
            version: input.version,
            informationUri: ruleHelpUri('').replace(/\/?\.md$/, '/'),
            rules: rules.map(sarifRule),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: srcRoot.endsWith('/') ? srcRoot : `${srcRoot}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
