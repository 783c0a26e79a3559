// The packaged extension in a real VS Code (code-server + Chromium), used as a user would: open a
// file, see the squiggle, hover it, apply a quick fix, save, fix on save, insert a snippet, look at
// the Language Status item. The files on disk are the oracle for every edit.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EditorSession, editorAvailable, waitFor } from './harness';

const skip = editorAvailable() ? false : 'run through `npm run test:e2e`';

describe('Async Guardrails in a real VS Code', { skip, timeout: 600_000 }, () => {
  let vscode: EditorSession;

  before(async () => {
    vscode = await EditorSession.start({
      name: 'editor',
      settings: { 'editor.codeActionsOnSave': { 'source.fixAll.asyncGuardrails': 'explicit' } },
    });
  });

  after(async () => {
    await vscode?.stop();
  });

  describe('Python', () => {
    it('shows the squiggle, and the hover gives the message, the rule code and the docs link', async () => {
      await vscode.open('onsave.py');
      await vscode.waitForSquiggleCount(2);
      const hover = await vscode.hoverSquiggle(0, 'blocking-call-in-async');
      const text = await hover.innerText();
      assert.match(text, /`?time\.sleep`? blocks the event loop inside an async function/);
      const link = hover.locator('a', { hasText: 'blocking-call-in-async' });
      await link.waitFor();
      const href = (await link.getAttribute('data-href')) ?? (await link.getAttribute('href')) ?? '';
      assert.match(href, /docs\/rules\/blocking-call-in-async\.md$/);
      await vscode.screenshot('python-hover');
      await vscode.page.keyboard.press('Escape');
    });

    it('applies a quick fix from the Ctrl+. menu, and the file on disk changes after save', async () => {
      await vscode.open('quickfix.py');
      await vscode.waitForSquiggleCount(1);
      await vscode.goTo(9, 6);
      const menu = await vscode.openQuickFixMenu();
      const titles = await menu.locator('.monaco-list-row').allInnerTexts();
      assert.ok(titles.some((t) => t.includes('Disable untracked-task for this line')), titles.join(' | '));
      await vscode.screenshot('python-quick-fix-menu');
      await menu.locator('.monaco-list-row', { hasText: 'Await the task here (unsafe)' }).click();
      await vscode.waitForSquiggleCount(0);
      await vscode.save();
      const text = await vscode.waitForDisk('quickfix.py', (t) => t.includes('await asyncio.create_task'));
      assert.equal(text.split('\n')[8], '    await asyncio.create_task(heartbeat())');
    });

    it('editor.codeActionsOnSave with source.fixAll.asyncGuardrails applies only the safe fixes', async () => {
      await vscode.open('onsave.py');
      await vscode.waitForSquiggleCount(2);
      // An edit of the user's own, so the save is a real one.
      await vscode.goTo(1, 1);
      await vscode.page.keyboard.type('# edited\n');
      await vscode.save();
      const text = await vscode.waitForDisk('onsave.py', (t) => t.startsWith('# edited'));
      assert.ok(text.includes('        await asyncio.sleep(0.5)\n'), text);
      assert.ok(!text.includes('time.sleep'), text);
      // Adding `await` to the task is unsafe (it changes when the code continues): left alone.
      assert.ok(text.includes('\n    asyncio.create_task(heartbeat())'), text);
      await vscode.waitForSquiggleCount(1);
    });

    it('expands the ag-timeout snippet chosen from the completion list', async () => {
      await vscode.open('snippet.py');
      await vscode.goTo(3, 1);
      await vscode.page.keyboard.type('ag-timeout');
      const row = vscode.page.locator('.suggest-widget .monaco-list-row', { hasText: 'ag-timeout' }).first();
      await waitFor('the snippet in the completion list', async () => {
        if ((await vscode.page.locator('.suggest-widget.visible').count()) === 0) await vscode.page.keyboard.press('Control+Space');
        await row.waitFor({ timeout: 3_000 });
        return true;
      }, 30_000, 500);
      await waitFor('the snippet to be the focused suggestion', async () => ((await row.getAttribute('class'))?.includes('focused') ? true : undefined), 10_000);
      await vscode.page.keyboard.press('Enter');
      await vscode.page.keyboard.press('Escape');
      await vscode.save();
      const text = await vscode.waitForDisk('snippet.py', (t) => t.includes('asyncio.timeout'));
      const expected = [
        'try:',
        '    async with asyncio.timeout(5.0):',
        '        response = await client.get(url)',
        'except TimeoutError:',
        '    logger.warning("request timed out after %s s", 5.0)',
        '    raise',
      ].join('\n');
      assert.ok(text.includes(expected), `expected the expanded snippet in:\n${text}`);
    });

    it('shows the Language Status item for a Python file', async () => {
      await vscode.open('quickfix.py');
      const languageStatus = vscode.page.locator('.statusbar-item[id="status.languageStatus"]');
      await languageStatus.waitFor();
      const item = vscode.page.locator('.hover-language-status', { hasText: 'Async Guardrails' }).first();
      await waitFor('the Async Guardrails language status', async () => {
        await languageStatus.hover();
        await item.waitFor({ timeout: 3_000 });
        return true;
      }, 30_000, 500);
      await waitFor('the server to report ready', async () => ((await item.locator('.codicon-check').count()) > 0 ? true : undefined), 30_000);
      await vscode.screenshot('python-language-status');
      await vscode.page.keyboard.press('Escape');
    });
  });

  describe('TypeScript', () => {
    it('shows our two squiggles (and nothing from the built-in TypeScript) with the rule code in the hover', async () => {
      await vscode.open('handler.ts');
      await vscode.waitForSquiggleCount(2);
      const hover = await vscode.hoverSquiggle(0, 'blocking-call-in-async');
      const text = await hover.innerText();
      assert.match(text, /blocks the event loop inside an async function/);
      const link = hover.locator('a', { hasText: 'blocking-call-in-async' });
      await link.waitFor();
      await vscode.page.keyboard.press('Escape');
    });

    it('applies the quick fix that awaits a dropped promise', async () => {
      await vscode.open('quickfix.ts');
      await vscode.waitForSquiggleCount(1);
      await vscode.goTo(6, 4);
      const menu = await vscode.openQuickFixMenu();
      await menu.locator('.monaco-list-row', { hasText: 'Await the promise (unsafe)' }).click();
      await vscode.waitForSquiggleCount(0);
      await vscode.save();
      const text = await vscode.waitForDisk('quickfix.ts', (t) => t.includes('await notify(body);'));
      assert.equal(text.split('\n')[5], '  await notify(body);');
    });

    it('fixes only the safe problem on save', async () => {
      await vscode.open('handler.ts');
      await vscode.waitForSquiggleCount(2);
      // At the end of the file: Enter inside a `//` comment would continue the comment.
      await vscode.goTo(11, 1);
      await vscode.page.keyboard.type('// edited');
      await vscode.save();
      const text = await vscode.waitForDisk('handler.ts', (t) => t.endsWith('// edited'));
      assert.ok(text.includes('const body = await readFile(path, "utf8");'), text);
      assert.ok(/import \{ readFile \} from "node:fs\/promises";/.test(text), text);
      assert.ok(text.includes('\n  notify(body);'), text);
      await vscode.waitForSquiggleCount(1);
    });
  });
});
