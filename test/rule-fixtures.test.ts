// Runs every fixture under test/fixtures/rules/<rule-id>/: a line carrying the marker comment
// `expect: <rule-id>` (several ids may be listed, comma-separated) must get a finding of that rule
// starting on it, and no other line may get one. Fixtures are written by hand from each rule's docs.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packForFile } from '../server/src/engine/engine';
import { registry } from '../server/src/engine/registry';
import { repoRoot, testEngine } from './helpers/engine';

const fixturesRoot = path.join(repoRoot, 'test', 'fixtures', 'rules');
const MARKER = /expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

function expectedLines(text: string, ruleId: string): number[] {
  const lines: number[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    for (const match of line.matchAll(MARKER)) {
      if (match[1].split(/\s*,\s*/).includes(ruleId)) lines.push(index + 1);
    }
  });
  return lines;
}

for (const ruleDir of readdirSync(fixturesRoot)) {
  describe(`fixtures of ${ruleDir}`, () => {
    it('names a known rule', () => {
      assert.ok(registry.get(ruleDir), `test/fixtures/rules/${ruleDir} does not match a rule id`);
    });
    for (const file of listFiles(path.join(fixturesRoot, ruleDir)).filter((f) => packForFile(f) !== undefined)) {
      it(path.relative(fixturesRoot, file), async () => {
        const engine = await testEngine();
        const text = await readFile(file, 'utf8');
        // Preview-tier rules are off by default; their fixtures run with them on.
        const result = engine.analyze({ text, fileName: file, settings: { preview: true } });
        assert.deepEqual(result.internalErrors, []);
        const actual = result.findings
          .filter((f) => f.ruleId === ruleDir)
          .map((f) => result.source.positionAt(f.start).line + 1);
        assert.deepEqual(
          [...new Set(actual)].sort((a, b) => a - b),
          expectedLines(text, ruleDir),
          `lines flagged by ${ruleDir} (left) differ from the expect markers (right)`,
        );
      });
    }
  });
}
