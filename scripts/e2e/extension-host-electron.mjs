// The extension-host suite in a desktop VS Code downloaded by @vscode/test-electron (machines that
// can reach VS Code's download server; this project's CI cannot, and runs the same suite inside
// code-server instead: test/e2e/extension-host.e2e.ts). Needs dist/ built (`npm run build`) and
// `npm install --no-save @vscode/test-electron`; without the package it prints SKIP and exits 0.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'out', 'e2e', 'electron');
await esbuild.build({
  entryPoints: {
    runElectron: path.join(root, 'test', 'extension-host', 'runElectron.ts'),
    electronIndex: path.join(root, 'test', 'extension-host', 'electronIndex.ts'),
  },
  outdir: outDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['vscode', '@vscode/test-electron'],
});
const child = spawn(process.execPath, [path.join(outDir, 'runElectron.js')], { stdio: 'inherit' });
child.once('exit', (code) => process.exit(code ?? 1));
