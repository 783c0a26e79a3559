// Python ends lines at \n, \r\n or a lone \r alike. The same code with each of the three line
// endings gives the same findings at the same offsets (a lone \r and \n have the same length).
// Found by the stress fuzz: with lone \r, the tree-sitter grammar ran a function body together into
// one statement, so untracked-task saw `task` as never used again, and its fix, applied again and
// again, added the same two lines on every pass.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, testEngine } from '../helpers/engine';

function pythonFixtures(): { name: string; text: string }[] {
  const rulesDir = path.join(repoRoot, 'test', 'fixtures', 'rules');
  const found: { name: string; text: string }[] = [];
  for (const rule of readdirSync(rulesDir)) {
    const dir = path.join(rulesDir, rule, 'python');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.py'));
    } catch {
      continue;
    }
    for (const name of names) found.push({ name: `${rule}/${name}`, text: readFileSync(path.join(dir, name), 'utf8').replace(/\r\n?/g, '\n') });
  }
  return found;
}

describe('Python line endings', () => {
  it('every Python fixture gives the same findings with \\n, \\r\\n and lone \\r line ends', async () => {
    const engine = await testEngine();
    let compared = 0;
    for (const { name, text } of pythonFixtures()) {
      const summary = (eol: string): string[] => {
        const converted = text.replace(/\n/g, eol);
        const result = engine.analyze({ text: converted, fileName: `/virtual/eol/${eol === '\r' ? 'cr' : eol === '\n' ? 'lf' : 'crlf'}/${name}` });
        // Offsets in the CRLF text shift by one per line: compare lines and columns instead.
        return result.findings.map((f) => {
          const range = result.source.rangeOf(f.start, f.end);
          return `${f.ruleId} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
        });
      };
      const lf = summary('\n');
      assert.deepEqual(summary('\r'), lf, `${name}: lone \\r`);
      assert.deepEqual(summary('\r\n'), lf, `${name}: \\r\\n`);
      compared += lf.length;
    }
    assert.ok(compared > 100, `only ${compared} findings compared`);
  });

  it('fix-all on a file with lone \\r line ends converges: a second run changes nothing', async () => {
    const engine = await testEngine();
    const text = 'import asyncio\r\rasync def handle(event: str) -> None:\r    asyncio.create_task(notify(event))\r';
    const fileName = '/virtual/eol/fix/handler.py';
    const once = engine.fixAll({ text, fileName }, { unsafe: true });
    assert.ok(once.applied > 0);
    assert.equal((once.text.match(/_background_tasks\.add\(task\)/g) ?? []).length, 1, JSON.stringify(once.text));
    const twice = engine.fixAll({ text: once.text, fileName }, { unsafe: true });
    assert.equal(twice.text, once.text);
  });
});
