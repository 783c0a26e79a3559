// Changes that must take effect live, without restarting anything: a rule turned off in the
// workspace settings, and a rule turned off in the repository's config file (async-guardrails.toml)
// edited in the editor and saved.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EditorSession, editorAvailable } from './harness';

const skip = editorAvailable() ? false : 'run through `npm run test:e2e`';

describe('settings and config changes apply live', { skip, timeout: 600_000 }, () => {
  let vscode: EditorSession;

  before(async () => {
    vscode = await EditorSession.start({
      name: 'live-config',
      // Typed text stays as typed: no auto-closed quotes or brackets, and a quote typed over a
      // selection replaces it instead of wrapping it in quotes (autoSurround).
      settings: {
        'editor.autoClosingBrackets': 'never',
        'editor.autoClosingQuotes': 'never',
        'editor.autoSurround': 'never',
        'editor.autoIndent': 'none',
      },
    });
  });

  after(async () => {
    await vscode?.stop();
  });

  it('turning a rule off in the workspace settings removes its diagnostics, and turning it back on restores them', async () => {
    await vscode.open('toggles.py');
    await vscode.waitForSquiggleCount(2);
    await vscode.writeFile('.vscode/settings.json', JSON.stringify({ 'asyncGuardrails.rules': { 'blocking-call-in-async': 'off' } }, null, 2));
    await vscode.waitForSquiggleCount(1);
    // What is left is the other rule's finding.
    const hover = await vscode.hoverSquiggle(0, 'untracked-task');
    assert.match(await hover.innerText(), /asyncio\.create_task/);
    await vscode.page.keyboard.press('Escape');
    await vscode.writeFile('.vscode/settings.json', '{}\n');
    await vscode.waitForSquiggleCount(2);
  });

  // The config file is edited in the editor (typed, then saved with Ctrl+S): the server hears of
  // the save through its own file watcher (workspace/didChangeWatchedFiles, registered
  // dynamically) and re-pulls the open documents' diagnostics.
  it('editing async-guardrails.toml in the editor changes the results live', () =>
    vscode.screenshotOnFailure('edit-config', async () => {
      await vscode.writeFile('async-guardrails.toml', '# Async Guardrails settings for this repository\n');
      await vscode.openFromExplorer('async-guardrails.toml');
      await vscode.goTo(2, 1);
      await vscode.page.keyboard.type('[rules]\n"blocking-call-in-async" = "off"\n');
      await vscode.save();
      assert.equal(await vscode.readFile('async-guardrails.toml'), '# Async Guardrails settings for this repository\n[rules]\n"blocking-call-in-async" = "off"\n');
      await vscode.open('toggles.py');
      await vscode.waitForSquiggleCount(1, 30_000);
      // Back on, as a warning, by editing the file again: `"off"` selected and typed over.
      await vscode.openFromExplorer('async-guardrails.toml');
      await vscode.goTo(3, 28);
      await vscode.page.keyboard.press('Shift+End');
      await vscode.page.keyboard.type('"warning"');
      await vscode.save();
      assert.equal(await vscode.readFile('async-guardrails.toml'), '# Async Guardrails settings for this repository\n[rules]\n"blocking-call-in-async" = "warning"\n');
      await vscode.open('toggles.py');
      await vscode.waitForSquiggleCount(2, 30_000);
      assert.equal(await vscode.squiggles('warning').count(), 1, 'the blocking call is now a warning');
    }));
});
