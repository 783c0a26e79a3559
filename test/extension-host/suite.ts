/**
 * The extension-host suite: the same checks as the UI tests, made through the `vscode` API
 * (languages.getDiagnostics, vscode.executeCodeActionProvider, ...). It runs inside a VS Code
 * extension host, started either by @vscode/test-electron (runElectron.ts, on machines that can
 * download VS Code) or inside code-server by a tiny test extension (codeServerRunner.ts).
 * Its workspace is a copy of test/fixtures/e2e-workspace.
 */
import * as assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'async-guardrails.async-guardrails';
const SOURCE = 'async-guardrails';

export interface CaseResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

interface Case {
  name: string;
  run: () => Promise<void>;
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return String(code);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(100);
  }
}

/** Waits until our diagnostics for `uri` have exactly these codes (sorted). */
async function codesBecome(uri: vscode.Uri, codes: string[], timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const wanted = [...codes].sort().join(',');
  return until(`diagnostics [${wanted}] on ${uri.path}`, () => {
    const diagnostics = ours(uri);
    return diagnostics.map(codeOf).sort().join(',') === wanted ? diagnostics : undefined;
  }, timeoutMs);
}

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

/** Drops unsaved edits of the active editor and closes it, so each case starts from the file on disk. */
async function revertAndClose(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

async function applyAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `"${action.title}" carries an edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), `"${action.title}" applied`);
}

const cases: Case[] = [
  {
    name: 'the extension activates',
    run: async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  },
  {
    name: 'Python: diagnostics carry the rule code, the docs link and sit on the call',
    run: async () => {
      const editor = await open('onsave.py');
      const diagnostics = await codesBecome(editor.document.uri, ['blocking-call-in-async', 'untracked-task']);
      const blocking = diagnostics.find((d) => codeOf(d) === 'blocking-call-in-async');
      assert.ok(blocking);
      assert.equal(editor.document.getText(blocking.range), 'time.sleep(0.5)');
      assert.equal(blocking.severity, vscode.DiagnosticSeverity.Error);
      const code = blocking.code;
      assert.ok(typeof code === 'object' && code !== null && code.target.path.endsWith('/docs/rules/blocking-call-in-async.md'), 'docs link');
      await revertAndClose();
    },
  },
  {
    name: 'TypeScript: diagnostics for the sync read and the dropped promise',
    run: async () => {
      const editor = await open('handler.ts');
      const diagnostics = await codesBecome(editor.document.uri, ['blocking-call-in-async', 'untracked-task']);
      const dropped = diagnostics.find((d) => codeOf(d) === 'untracked-task');
      assert.ok(dropped);
      assert.equal(editor.document.getText(dropped.range), 'notify(body)');
      await revertAndClose();
    },
  },
  {
    name: 'quick fixes from vscode.executeCodeActionProvider apply and clear the diagnostic',
    run: async () => {
      const editor = await open('onsave.py');
      const diagnostics = await codesBecome(editor.document.uri, ['blocking-call-in-async', 'untracked-task']);
      const blocking = diagnostics.find((d) => codeOf(d) === 'blocking-call-in-async');
      assert.ok(blocking);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        blocking.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Disable blocking-call-in-async for this line'), titles.join(' | '));
      const fix = actions.find((a) => a.title.startsWith('Replace with `await asyncio.sleep'));
      assert.ok(fix, titles.join(' | '));
      assert.equal(fix.isPreferred, true, 'the safe fix is preferred');
      await applyAction(fix);
      assert.ok(editor.document.getText().includes('        await asyncio.sleep(0.5)\n'));
      await codesBecome(editor.document.uri, ['untracked-task']);
      await revertAndClose();
    },
  },
  {
    name: 'source.fixAll.asyncGuardrails applies only the safe fixes',
    run: async () => {
      const editor = await open('handler.ts');
      await codesBecome(editor.document.uri, ['blocking-call-in-async', 'untracked-task']);
      const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        whole,
        'source.fixAll.asyncGuardrails',
        1,
      );
      const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.asyncGuardrails');
      assert.ok(fixAll, actions.map((a) => `${a.title} [${a.kind?.value}]`).join(' | '));
      await applyAction(fixAll);
      const text = editor.document.getText();
      assert.ok(text.includes('const body = await readFile(path, "utf8");'), text);
      assert.ok(text.includes('\n  notify(body);'), text);
      await codesBecome(editor.document.uri, ['untracked-task']);
      await revertAndClose();
    },
  },
  {
    name: 'a rule turned off in the workspace settings disappears without a restart',
    run: async () => {
      const editor = await open('toggles.py');
      await codesBecome(editor.document.uri, ['blocking-call-in-async', 'untracked-task']);
      const config = vscode.workspace.getConfiguration('asyncGuardrails', editor.document.uri);
      await config.update('rules', { 'blocking-call-in-async': 'off' }, vscode.ConfigurationTarget.Workspace);
      try {
        await codesBecome(editor.document.uri, ['untracked-task']);
      } finally {
        await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await codesBecome(editor.document.uri, ['blocking-call-in-async', 'untracked-task']);
      await revertAndClose();
    },
  },
  {
    name: 'the snippets are offered by vscode.executeCompletionItemProvider',
    run: async () => {
      const editor = await open('snippet.py');
      const position = new vscode.Position(2, 0);
      await editor.edit((edit) => edit.insert(position, 'ag-time'));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        editor.document.uri,
        position.translate(0, 'ag-time'.length),
      );
      const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'ag-timeout');
      assert.ok(item, 'ag-timeout offered');
      assert.equal(item.kind, vscode.CompletionItemKind.Snippet);
      const body = item.insertText instanceof vscode.SnippetString ? item.insertText.value : String(item.insertText);
      assert.ok(body.includes('asyncio.timeout('), body);
      await revertAndClose();
    },
  },
];

/** Runs every case in order; never throws. */
export async function runSuite(log: (line: string) => void = () => undefined): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const testCase of cases) {
    const started = Date.now();
    try {
      await testCase.run();
      results.push({ name: testCase.name, ok: true, ms: Date.now() - started });
      log(`ok ${testCase.name}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name: testCase.name, ok: false, ms: Date.now() - started, error: message });
      log(`not ok ${testCase.name}\n${message}`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, (closeError: unknown) => {
        log(`could not close the editor after the failure: ${String(closeError)}`);
      });
    }
  }
  return results;
}
