// Every rule has a docs page with the fixed headings, and the page's examples are executed:
// each code block under "Example" must be flagged by the rule, each under "Use instead" must not.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { registry } from '../server/src/engine/registry';
import { repoRoot, testEngine } from './helpers/engine';

const REQUIRED_HEADINGS = ['What it does', 'Why is this bad?', 'Example', 'Use instead', 'Fix safety'];
const FILE_FOR_FENCE: Readonly<Record<string, string>> = {
  python: 'example.py',
  py: 'example.py',
  ts: 'example.ts',
  typescript: 'example.ts',
  js: 'example.js',
  javascript: 'example.js',
  tsx: 'example.tsx',
};

interface DocBlock {
  section: string;
  fileName: string;
  code: string;
}

function codeBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  let section = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^##\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const fence = /^```(\w+)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    const fileName = FILE_FOR_FENCE[fence[1]];
    if (fileName !== undefined) blocks.push({ section, fileName, code: `${body.join('\n')}\n` });
  }
  return blocks;
}

for (const rule of registry.all()) {
  describe(`docs of ${rule.id}`, () => {
    const page = path.join(repoRoot, 'docs', 'rules', `${rule.id}.md`);
    it('has a page with the required headings', () => {
      assert.ok(existsSync(page), `missing docs/rules/${rule.id}.md`);
      const markdown = readFileSync(page, 'utf8');
      for (const heading of REQUIRED_HEADINGS) {
        assert.match(markdown, new RegExp(`^## ${heading.replace(/[?]/g, '\\?')}\\s*$`, 'm'), `missing "## ${heading}"`);
      }
    });
    it('has an example and a fix in every language it covers', () => {
      const blocks = codeBlocks(readFileSync(page, 'utf8'));
      for (const language of rule.languages) {
        const ext = language === 'python' ? '.py' : '.';
        for (const section of ['Example', 'Use instead']) {
          assert.ok(
            blocks.some((b) => b.section === section && (language === 'python' ? b.fileName.endsWith(ext) : !b.fileName.endsWith('.py'))),
            `no ${language} code block under "${section}"`,
          );
        }
      }
    });
    it('flags every "Example" block and no "Use instead" block', async () => {
      const engine = await testEngine();
      for (const block of codeBlocks(await readFile(page, 'utf8'))) {
        if (block.section !== 'Example' && block.section !== 'Use instead') continue;
        const result = engine.analyze({ text: block.code, fileName: block.fileName, settings: { preview: true } });
        const hits = result.findings.filter((f) => f.ruleId === rule.id).length;
        if (block.section === 'Example') assert.ok(hits > 0, `not flagged:\n${block.code}`);
        else assert.equal(hits, 0, `flagged but should not be:\n${block.code}`);
      }
    });
  });
}
