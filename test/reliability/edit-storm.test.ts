// Edit storms through the real server (dist/server.js over node IPC): 1,000 rapid incremental
// edits per language (typing, deleting, pasting, unbalanced brackets that make the file
// unparsable mid-way), with diagnostics pulled along the way without waiting. Checked: no pull
// answers for a version older than the one the client had when it asked, and answers never go
// back in version; on the push path, published versions never go back and the last one is the
// final version; the final diagnostics equal a fresh in-process analysis of the final text.
// AG_STRESS=1: 10,000 edits per language.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, DocumentDiagnosticReport, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../../server/src/engine/engine';
import { repoRoot, testEngine } from '../helpers/engine';
import { FULL_CAPABILITIES, TestClient, waitFor } from '../helpers/lspClient';
import { int, pick, seeded, STRESS, type Random } from './support';

const EDITS = STRESS ? 10_000 : 1_000;
const PULL_EVERY = 10;

const LANGUAGES = [
  { languageId: 'python', file: 'storm.py', seed: path.join(repoRoot, 'examples', 'python', 'orders.py'), pieces: ['async def f():\n    time.sleep(1)\n', 'asyncio.create_task(work())\n', '(', ')', '[', ':', '    ', '"""', 'await ', '\n'] },
  { languageId: 'typescript', file: 'storm.ts', seed: path.join(repoRoot, 'examples', 'typescript', 'orders.ts'), pieces: ['async function f() {\n  readFileSync("x");\n}\n', 'notify(body);\n', '{', '}', '(', ')', '`', '/*', 'await ', '\n'] },
] as const;

/** A random edit of `doc`: typing, deleting, pasting, or a bracket that breaks the parse. */
function randomEdit(random: Random, doc: TextDocument, pieces: readonly string[]): TextEdit {
  const text = doc.getText();
  const at = int(random, text.length + 1);
  const kind = text.length > 20_000 ? 0 : int(random, 4);
  if (kind === 0) {
    const end = Math.min(text.length, at + 1 + int(random, text.length > 20_000 ? 5000 : 40));
    return { range: { start: doc.positionAt(at), end: doc.positionAt(end) }, newText: '' };
  }
  const newText = kind === 1 ? pick(random, 'abcdefghij (){}[]:.\n\t'.split('')) : kind === 2 ? pick(random, pieces) : text.slice(int(random, text.length), int(random, text.length));
  return { range: { start: doc.positionAt(at), end: doc.positionAt(at) }, newText };
}

interface Shown {
  sentVersion: number;
  version: number | undefined;
  kind: string;
}

function versionOf(report: DocumentDiagnosticReport): number | undefined {
  const id = 'resultId' in report ? report.resultId : undefined;
  const version = id === undefined ? NaN : Number(id.split(':')[0]);
  return Number.isFinite(version) ? version : undefined;
}

function comparable(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.source === 'async-guardrails')
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.code)} ${d.message}`)
    .sort();
}

function fresh(engine: Engine, uri: string, languageId: string, text: string): string[] {
  const result = engine.analyze({ text, fileName: fileURLToPath(uri), languageId, settings: { rules: {} } });
  return result.findings
    .map((f) => {
      const r = result.source.rangeOf(f.start, f.end);
      return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${f.ruleId} ${f.message}`;
    })
    .sort();
}

describe(`edit storms over LSP (${EDITS} edits per language)`, () => {
  let pull: TestClient;
  let push: TestClient;
  before(async () => {
    pull = await TestClient.start({ transport: 'ipc' });
    const { diagnostic: _omitted, ...textDocument } = FULL_CAPABILITIES.textDocument ?? {};
    push = await TestClient.start({ transport: 'ipc', capabilities: { ...FULL_CAPABILITIES, textDocument } });
  });
  after(async () => {
    await Promise.all([pull.stop(), push.stop()]);
  });

  for (const language of LANGUAGES) {
    it(`${language.languageId}: pull path — no stale result, final diagnostics equal a fresh analysis`, async (t) => {
      const engine = await testEngine();
      const random = seeded(language.file.length * 7919);
      const uri = await pull.open(language.file, language.languageId, await readFile(language.seed, 'utf8'));
      const doc = pull.documents.get(uri) as TextDocument;
      const shown: Shown[] = [];
      const pending: Promise<void>[] = [];
      let previous: string | undefined;
      for (let i = 1; i <= EDITS; i++) {
        await pull.changeRange(uri, [randomEdit(random, doc, language.pieces)]);
        if (i % PULL_EVERY === 0) {
          const sentVersion = doc.version;
          pending.push(
            pull.pull(uri, previous).then((report) => {
              shown.push({ sentVersion, version: versionOf(report), kind: report.kind });
              if ('resultId' in report && report.resultId !== undefined) previous = report.resultId;
            }),
          );
        }
      }
      await Promise.all(pending);
      const stale = shown.filter((s) => s.version === undefined || s.version < s.sentVersion);
      assert.deepEqual(stale, [], 'a pull answered with a result older than the version the client had');
      const backwards = shown.filter((s, i) => i > 0 && (s.version ?? 0) < (shown[i - 1].version ?? 0));
      assert.deepEqual(backwards, [], 'a result for an older version arrived after a newer one');
      const final = await pull.diagnostics(uri);
      assert.deepEqual(comparable(final), fresh(engine, uri, language.languageId, doc.getText()));
      t.diagnostic(`${EDITS} edits replayed, ${shown.length} pulls (${shown.filter((s) => s.kind === 'unchanged').length} unchanged), final text ${doc.getText().length} chars, final version ${doc.version}`);
      await pull.close(uri);
    });

    it(`${language.languageId}: push path — versions never go back, the last one is final and fresh`, async () => {
      const engine = await testEngine();
      const random = seeded(language.file.length * 104729);
      const uri = await push.open(language.file, language.languageId, await readFile(language.seed, 'utf8'));
      const doc = push.documents.get(uri) as TextDocument;
      const before = push.published.length;
      for (let i = 1; i <= EDITS; i++) {
        await push.changeRange(uri, [randomEdit(random, doc, language.pieces)]);
        // Let the server breathe now and then, as a typist does, so some pushes happen mid-storm.
        if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await waitFor(() => push.lastPublished(uri)?.version === doc.version, 'diagnostics for the final version', 30_000);
      const versions = push.published
        .slice(before)
        .filter((p) => p.uri === uri)
        .map((p) => p.version);
      assert.ok(versions.every((v) => v !== undefined), 'every push carries a version');
      const backwards = versions.filter((v, i) => i > 0 && (v ?? 0) < (versions[i - 1] ?? 0));
      assert.deepEqual(backwards, [], `published versions went back: ${versions.join(', ')}`);
      assert.deepEqual(comparable(push.lastPublished(uri)?.diagnostics ?? []), fresh(engine, uri, language.languageId, doc.getText()));
      await push.close(uri);
    });
  }
});
