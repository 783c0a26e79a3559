/**
 * A test-only extension (see runner-package.json) that runs the extension-host suite when VS Code
 * has started, inside code-server, and writes the results as JSON into the workspace folder
 * (`.ext-host-results.json`) for test/e2e/extension-host.e2e.ts to read. Never shipped.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runSuite } from './suite';

export const RESULTS_FILE = '.ext-host-results.json';

export async function activate(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) return;
  const output = vscode.window.createOutputChannel('Async Guardrails tests');
  const results = await runSuite((line) => output.appendLine(line));
  await writeFile(path.join(folder.uri.fsPath, RESULTS_FILE), JSON.stringify(results, null, 2));
}

export function deactivate(): void {}
