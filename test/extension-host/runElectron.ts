/**
 * Entry point for @vscode/test-electron, on machines that can download VS Code (it downloads at
 * run time). Runs the extension-host suite in a real desktop VS Code against a copy of the fixture
 * workspace, with the extension loaded from the repository root (build dist/ first).
 *
 *   node scripts/e2e/extension-host-electron.mjs
 *
 * @vscode/test-electron is imported dynamically: where it is not installed this says so and exits 0.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

interface TestElectron {
  runTests(options: { extensionDevelopmentPath: string; extensionTestsPath: string; launchArgs?: string[]; version?: string }): Promise<number>;
}

async function main(): Promise<number> {
  let testElectron: TestElectron;
  try {
    // A variable module name keeps the bundler from resolving it at build time.
    const name = '@vscode/test-electron';
    testElectron = (await import(name)) as TestElectron;
  } catch {
    console.log('SKIP: @vscode/test-electron is not installed; the extension-host suite runs inside code-server instead (npm run test:e2e).');
    return 0;
  }
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const workspace = await mkdtemp(path.join(tmpdir(), 'ag-ext-host-'));
  try {
    await cp(path.join(repoRoot, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
    await testElectron.runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'electronIndex.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
    return 0;
  } catch (error) {
    console.error('The extension-host suite failed:', error);
    return 1;
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
