// A broken tsconfig.json is shown as a diagnostic on that file; its source files are still analysed.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { TestClient, waitFor } from './helpers/lspClient';

const scratch = mkdtempSync(path.join(tmpdir(), 'ag-tsconfig-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('tsconfig problems', () => {
  it('are published on the tsconfig, and the file is analysed meanwhile', async () => {
    const tsconfig = path.join(scratch, 'tsconfig.json');
    await writeFile(tsconfig, '{ "compilerOptions": { "strict": true, }\n  "include": [\n');
    const source = path.join(scratch, 'a.ts');
    const text = 'async function send(): Promise<void> {}\n\nexport async function run(): Promise<void> {\n  send();\n}\n';
    await writeFile(source, text);
    const client = await TestClient.start({ workspaceFolders: [scratch] });
    try {
      const uri = await client.openPath(source, 'typescript', text);
      const codes = (await client.diagnostics(uri)).map((d) => d.code);
      assert.ok(codes.includes('untracked-task'), codes.join(', '));
      const configUri = pathToFileURL(tsconfig).toString();
      await waitFor(() => (client.lastPublished(configUri)?.diagnostics.length ?? 0) > 0, 'a diagnostic on tsconfig.json');
      const [problem] = client.lastPublished(configUri)?.diagnostics ?? [];
      assert.equal(problem?.source, 'async-guardrails');
    } finally {
      await client.stop();
    }
  });
});
