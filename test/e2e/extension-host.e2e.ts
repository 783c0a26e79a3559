// The extension-host suite (test/extension-host/suite.ts, written against the `vscode` API) run
// inside code-server's real extension host by a test-only extension installed beside the .vsix.
// Each of its cases becomes a subtest here, so node:test's summary counts them.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EditorSession, editorAvailable, waitFor } from './harness';

interface CaseResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const runner = process.env.E2E_RUNNER_VSIX;
const skip = editorAvailable() && runner !== undefined ? false : 'run through `npm run test:e2e`';

describe('the extension-host suite inside code-server', { skip, timeout: 300_000 }, () => {
  let vscode: EditorSession;

  before(async () => {
    vscode = await EditorSession.start({
      name: 'extension-host',
      extraVsix: [runner ?? ''],
    });
  });

  after(async () => {
    await vscode?.stop();
  });

  it('runs every case green', async (t) => {
    const results = await waitFor('.ext-host-results.json from the runner extension', async () => {
      try {
        return JSON.parse(await vscode.readFile('.ext-host-results.json')) as CaseResult[];
      } catch {
        return undefined;
      }
    }, 240_000, 500);
    assert.ok(results.length >= 5, `only ${results.length} cases ran`);
    for (const result of results) {
      await t.test(result.name, (sub) => {
        sub.diagnostic(`${result.ms} ms in the extension host`);
        assert.ok(result.ok, result.error);
      });
    }
  });
});
