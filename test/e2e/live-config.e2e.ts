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
      // Typed text stays as typed (no auto-closed quotes or brackets in the TOML file).
      settings: { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none' },
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

  // Known gap (issue 5): inside code-server the server is not told of the saved TOML file (neither
  // its dynamic file watcher nor the client's save hook show up in its log), although the same
  // change over LSP (test/lsp-config.test.ts) and in the CLI works. Reported, not failing the run.
  it('editing async-guardrails.toml in the editor changes the results live', { todo: 'the saved config file does not reach the server inside code-server yet' }, async () => {
    await vscode.writeFile('async-guardrails.toml', '# Async Guardrails settings for this repository\n');
    await vscode.openFromExplorer('async-guardrails.toml');
    await vscode.goTo(2, 1);
    await vscode.page.keyboard.type('[rules]\n"blocking-call-in-async" = "off"\n');
    await vscode.save();
    const config = await vscode.readFile('async-guardrails.toml');
    assert.ok(config.includes('[rules]\n"blocking-call-in-async" = "off"\n'), config);
    await vscode.open('toggles.py');
    await vscode.waitForSquiggleCount(1, 30_000);
    // Back on by editing the file again.
    await vscode.openFromExplorer('async-guardrails.toml');
    await vscode.goTo(3, 28);
    await vscode.page.keyboard.press('Shift+End');
    await vscode.page.keyboard.type('"warning"');
    await vscode.save();
    await vscode.waitForDisk('async-guardrails.toml', (t) => t.includes('"blocking-call-in-async" = "warning"'));
    await vscode.open('toggles.py');
    await vscode.waitForSquiggleCount(2);
    assert.equal(await vscode.squiggles('warning').count(), 1, 'the blocking call is now a warning');
  });
});
