// The pictures in the README, taken from the real editor: a squiggle with its hover, the quick-fix
// menu, the Language Status item. `npm run docs:images` writes them to docs/images/; a plain
// `npm run test:e2e` saves them with the other screenshots (out/e2e/screenshots/).
import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EditorSession, editorAvailable, screenshotDir, waitFor } from './harness';

const skip = editorAvailable() ? false : 'run through `npm run test:e2e` or `npm run docs:images`';
const target = (name: string): string => path.join(process.env.E2E_DOCS_IMAGES ?? screenshotDir(), name);

function assertPicture(file: string): void {
  assert.ok(statSync(file).size > 5_000, `${file} looks empty`);
}

describe('README pictures', { skip, timeout: 300_000 }, () => {
  let vscode: EditorSession;

  before(async () => {
    vscode = await EditorSession.start({ name: 'images', settings: { 'workbench.sideBar.location': 'left', 'editor.fontSize': 15 } });
    // The editor alone reads better in a small picture.
    await vscode.page.keyboard.press('Control+B');
    await vscode.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
  });

  after(async () => {
    await vscode?.stop();
  });

  it('squiggle-hover.png: the squiggle and its hover', async () => {
    await vscode.open('onsave.py');
    await vscode.waitForSquiggleCount(2);
    // The hover's status line settles on "Quick Fix... (Ctrl+.)" once the code actions are known.
    // Under load it can stay on "Checking for quick fixes…" (a code-action request overtaken by
    // the first analysis): hover afresh rather than wait on that hover forever.
    const hover = await waitFor('a hover whose quick fixes are known', async () => {
      const shown = await vscode.hoverSquiggle(0, 'blocking-call-in-async');
      try {
        await shown.getByText('Quick Fix', { exact: false }).first().waitFor({ timeout: 10_000 });
        return shown;
      } catch (error) {
        await vscode.page.keyboard.press('Escape');
        await vscode.page.mouse.move(640, 700);
        throw error;
      }
    }, 60_000, 500);
    const box = await waitFor('the hover box', async () => (await hover.boundingBox()) ?? undefined);
    const file = await vscode.screenshot('squiggle-hover', { target: target('squiggle-hover.png'), clip: { x: 0, y: 36, width: Math.min(1280, box.x + box.width + 40), height: 320 } });
    assertPicture(file);
    await vscode.page.keyboard.press('Escape');
  });

  it('quick-fix-menu.png: the fixes offered by Ctrl+.', async () => {
    await vscode.open('handler.ts');
    await vscode.waitForSquiggleCount(2);
    await vscode.goTo(8, 16);
    const menu = await vscode.openQuickFixMenu();
    await menu.locator('.monaco-list-row', { hasText: 'from fs/promises' }).first().waitFor();
    const box = await waitFor('the menu box', async () => (await menu.boundingBox()) ?? undefined);
    const file = await vscode.screenshot('quick-fix-menu', {
      target: target('quick-fix-menu.png'),
      clip: { x: 0, y: 36, width: Math.min(1280, box.x + box.width + 40), height: Math.min(764, box.y + box.height + 30 - 36) },
    });
    assertPicture(file);
    await vscode.page.keyboard.press('Escape');
  });

  it('status-item.png: the Language Status item', async () => {
    await vscode.open('quickfix.py');
    const languageStatus = vscode.page.locator('.statusbar-item[id="status.languageStatus"]');
    const item = vscode.page.locator('.hover-language-status', { hasText: 'Async Guardrails' }).first();
    await waitFor('the Async Guardrails language status', async () => {
      await languageStatus.hover();
      await item.waitFor({ timeout: 3_000 });
      return (await item.locator('.codicon-check').count()) > 0 ? true : undefined;
    }, 60_000, 500);
    const file = await vscode.screenshot('status-item', { target: target('status-item.png'), clip: { x: 640, y: 640, width: 640, height: 160 } });
    assertPicture(file);
  });
});
