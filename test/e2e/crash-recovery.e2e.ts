// The language server dies under the editor (killed from outside, as the OOM killer or a crash
// would): the client starts it again and diagnostics come back; after repeated crashes it stops
// trying and the Language Status item says so, until "Restart Server" is run. The pauses between
// restarts are the real ones (client/src/crashPolicy.ts: 0.5 s, 2 s, 8 s, 30 s).
import * as assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { BACK_OFF_MS, MAX_CRASHES } from '../../client/src/crashPolicy';
import { EditorSession, editorAvailable } from './harness';

const skip = editorAvailable() ? false : 'run through `npm run test:e2e`';

// The hover draws a severity icon (a check for information) besides the item's own icon: ready is
// our check with neither the starting spinner nor an error in sight.
const READY = (text: string): boolean => text.includes('codicon-check') && !/codicon-(loading|error)|Starting|stopped/.test(text);

describe('the language server crashes in the editor', { skip, timeout: 600_000 }, () => {
  let vscode: EditorSession;

  before(async () => {
    vscode = await EditorSession.start({
      name: 'crash-recovery',
      settings: { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none' },
    });
  });

  after(async () => {
    await vscode?.stop();
  });

  function kill(pid: number): void {
    // Our own session's server (matched by this session's extensions folder), by its id.
    process.kill(pid, 'SIGKILL');
  }

  it('after the server is killed, the client starts a new one and the diagnostics come back', () =>
    vscode.screenshotOnFailure('restart', async () => {
      await vscode.open('toggles.py');
      await vscode.waitForSquiggleCount(2);
      const first = await vscode.waitForLanguageServer();
      await vscode.waitForLanguageStatus('ready', READY);

      kill(first);
      const second = await vscode.waitForLanguageServer([first], 30_000);
      assert.notEqual(second, first);
      await vscode.waitForLanguageStatus('ready again after the restart', READY, 30_000);
      // Only a live server can flag a new line: a third finding proves the new one answers.
      await vscode.goTo(11, 24);
      await vscode.page.keyboard.press('End');
      await vscode.page.keyboard.type('\n        time.sleep(1)');
      // Left unsaved: the server started by Restart Server at the end must see this text too.
      await vscode.waitForSquiggleCount(3, 30_000);
    }));

  it('after repeated crashes it stops restarting, says so in the Language Status item, and Restart Server brings it back', () =>
    vscode.screenshotOnFailure('give-up', async () => {
      // The first test's crash counts: crashes 2 to MAX_CRASHES - 1 are restarted, the last is not.
      let pid = await vscode.waitForLanguageServer();
      for (let crash = 2; crash < MAX_CRASHES; crash++) {
        kill(pid);
        const pause = BACK_OFF_MS[Math.min(crash - 1, BACK_OFF_MS.length - 1)];
        const next = await vscode.waitForLanguageServer([pid], pause + 60_000);
        await vscode.waitForLanguageStatus(`ready after crash ${crash}`, READY, 60_000);
        pid = next;
      }
      kill(pid);
      const status = await vscode.waitForLanguageStatus('the give-up message', (text) => text.includes('will not be restarted'), 30_000);
      assert.match(status, new RegExp(`crashed ${MAX_CRASHES} times in 3 minutes and will not be restarted`));
      assert.match(status, /Restart Server/);
      assert.match(status, /codicon-error/, status);
      await vscode.screenshot('stopped-after-crashes');
      // And it stays down: no server comes back by itself (longer than the first pause).
      await delay(3_000);
      assert.deepEqual(await vscode.languageServerPids(), []);

      await vscode.page.keyboard.press('Escape');
      await vscode.command('Async Guardrails: Restart Server');
      await vscode.waitForLanguageServer([pid], 60_000);
      await vscode.waitForLanguageStatus('ready after Restart Server', READY, 60_000);
      // The unsaved edit of the first test is analysed by the fresh server.
      await vscode.open('toggles.py');
      await vscode.waitForSquiggleCount(3, 30_000);
    }));
});
