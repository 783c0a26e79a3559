// The AI assistant instructions: a block we own, the user's text untouched, idempotent, per language.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { registry } from '../server/src/engine/registry';
import { BLOCK_BEGIN, BLOCK_END, mergeBlock, renderBlock, withApplyTo, writeInstructions } from '../server/src/instructions';

const scratch = mkdtempSync(path.join(tmpdir(), 'ag-instructions-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const freshRoot = (): string => path.join(scratch, `r${n++}`);
const rules = registry.all();

describe('the instructions block', () => {
  it('has one do/don\'t line per rule and language present, sections only for those languages', () => {
    const python = renderBlock(rules, ['python']);
    assert.ok(python.startsWith(BLOCK_BEGIN) && python.endsWith(BLOCK_END));
    assert.match(python, /### Python/);
    assert.doesNotMatch(python, /### TypeScript/);
    const pythonRules = rules.filter((r) => r.languages.includes('python'));
    for (const rule of pythonRules) {
      const lines = python.split('\n').filter((l) => l.startsWith(`- \`${rule.id}\`:`));
      assert.equal(lines.length, 1, rule.id);
      assert.match(lines[0], /: do .+; don't .+\.$/);
    }
    const both = renderBlock(rules, ['python', 'typescript']);
    assert.match(both, /### TypeScript\/JavaScript/);
    assert.match(both, /readFileSync/);
  });

  it('replaces only its own block and keeps every other byte', () => {
    const user = '# Team notes\n\nUse 4 spaces.\n';
    const once = mergeBlock(user, renderBlock(rules, ['python']));
    assert.ok(once.startsWith(user));
    const updated = mergeBlock(`${once}\nMore notes after.\n`, renderBlock(rules, ['python', 'typescript']));
    assert.ok(updated.startsWith(user));
    assert.ok(updated.endsWith('\nMore notes after.\n'));
    assert.equal(updated.split(BLOCK_BEGIN).length, 2);
    assert.match(updated, /### TypeScript/);
  });

  it('keeps CRLF files CRLF', () => {
    const merged = mergeBlock('# Notes\r\n', renderBlock(rules, ['python']));
    assert.ok(!/[^\r]\n/.test(merged), 'every newline is CRLF');
  });

  it('sets applyTo in the front matter, keeping other keys', () => {
    assert.equal(withApplyTo('body\n', ['**/*.py']), '---\napplyTo: "**/*.py"\n---\n\nbody\n');
    assert.equal(withApplyTo('---\ndescription: x\napplyTo: "**"\n---\nbody\n', ['**/*.ts']), '---\ndescription: x\napplyTo: "**/*.ts"\n---\nbody\n');
  });
});

describe('writeInstructions', () => {
  it('writes .github/copilot-instructions.md, and running it twice changes nothing', async () => {
    const root = freshRoot();
    await mkdir(path.join(root, '.github'), { recursive: true });
    await writeFile(path.join(root, '.github', 'copilot-instructions.md'), '# Ours\n\nKeep this.\n', 'utf8');
    const first = await writeInstructions({ root, format: 'copilot', rules, languages: ['python'] });
    assert.deepEqual(first, { file: path.join(root, '.github', 'copilot-instructions.md'), changed: true });
    const text = await readFile(first.file, 'utf8');
    assert.ok(text.startsWith('# Ours\n\nKeep this.\n'));
    assert.match(text, /`blocking-call-in-async`/);
    assert.deepEqual(await writeInstructions({ root, format: 'copilot', rules, languages: ['python'] }), { file: first.file, changed: false });
    assert.equal(await readFile(first.file, 'utf8'), text);
  });

  it('writes .github/instructions/async-guardrails.instructions.md with applyTo globs of the languages present', async () => {
    const root = freshRoot();
    const result = await writeInstructions({ root, format: 'instructions', rules, languages: ['typescript'] });
    assert.equal(result.file, path.join(root, '.github', 'instructions', 'async-guardrails.instructions.md'));
    const text = await readFile(result.file, 'utf8');
    assert.match(text, /^---\napplyTo: "[^"]*\*\*\/\*\.ts[^"]*"\n---\n/);
    assert.doesNotMatch(text.split('\n')[1], /\.py/);
    assert.match(text, /### TypeScript\/JavaScript/);
    assert.equal((await writeInstructions({ root, format: 'instructions', rules, languages: ['typescript'] })).changed, false);
    // Adding a language updates both the globs and the block.
    assert.equal((await writeInstructions({ root, format: 'instructions', rules, languages: ['python', 'typescript'] })).changed, true);
    assert.match(await readFile(result.file, 'utf8'), /applyTo: "\*\*\/\*\.py,/);
  });

  it('lists only the rules it is given', async () => {
    const root = freshRoot();
    const only = rules.filter((r) => r.id === 'untracked-task');
    const result = await writeInstructions({ root, format: 'copilot', rules: only, languages: ['python', 'typescript'] });
    const text = await readFile(result.file, 'utf8');
    assert.equal(text.match(/^- `/gm)?.length, 2);
  });
});
