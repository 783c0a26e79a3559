// A small LSP client for tests: starts the real bundled server (dist/server.js) as a child
// process over its real transport (node IPC, as VS Code does, or stdio), and plays the editor.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  type Hover,
  type WorkspaceDiagnosticReport,
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { distDir, repoRoot } from './engine';

export type Transport = 'ipc' | 'stdio';

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
    diagnostics: { refreshSupport: true },
    didChangeConfiguration: { dynamicRegistration: false },
  },
  textDocument: {
    synchronization: { didSave: true, dynamicRegistration: false },
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
    publishDiagnostics: { versionSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      resolveSupport: { properties: ['edit'] },
      dataSupport: true,
      isPreferredSupport: true,
    },
  },
};

export class TestClient {
  readonly documents = new Map<string, TextDocument>();
  /** What `workspace/configuration` answers, for every scope. */
  settings: Record<string, unknown> = { enable: true, run: 'onType', rules: {} };
  readonly published: PublishDiagnosticsParams[] = [];
  readonly statuses: unknown[] = [];
  readonly logs: string[] = [];
  refreshRequests = 0;
  /** `client/registerCapability` registrations the server asked for. */
  readonly registrations: { id: string; method: string; registerOptions?: unknown }[] = [];
  /** `$/progress` notifications, and the tokens the server created with `window/workDoneProgress/create`. */
  readonly progress: { token: string | number; value: unknown }[] = [];
  readonly progressTokens: (string | number)[] = [];
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    child.on('exit', () => {
      this.exited = true;
    });
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => this.settings));
    connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshRequests++;
      return null;
    });
    connection.onRequest('client/registerCapability', (params: { registrations: { id: string; method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    connection.onRequest('window/workDoneProgress/create', (params: { token: string | number }) => {
      this.progressTokens.push(params.token);
      return null;
    });
    connection.onNotification('$/progress', (params: { token: string | number; value: unknown }) => {
      this.progress.push(params);
    });
    connection.onRequest('workspace/applyEdit', (params: { edit: WorkspaceEdit }) => {
      this.applyWorkspaceEdit(params.edit);
      return { applied: true };
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
    });
    connection.onNotification('asyncGuardrails/status', (params: unknown) => {
      this.statuses.push(params);
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    connection.listen();
  }

  /**
   * `workspaceFolders`: folder paths sent as the workspace folders (the first also as rootUri);
   * by default the repository is the root and no folders are sent. `settings`: the initial
   * answer to `workspace/configuration`.
   */
  static async start(
    options: {
      transport?: Transport;
      capabilities?: ClientCapabilities;
      serverPath?: string;
      workspaceFolders?: string[];
      settings?: Record<string, unknown>;
      /** Node options for the server process (e.g. `--max-old-space-size=96`); none by default. */
      execArgv?: string[];
    } = {},
  ): Promise<TestClient> {
    const transport = options.transport ?? 'ipc';
    const serverPath = options.serverPath ?? path.join(distDir, 'server.js');
    const child = fork(serverPath, [transport === 'ipc' ? '--node-ipc' : '--stdio'], {
      execArgv: options.execArgv ?? [],
      stdio: transport === 'ipc' ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['pipe', 'pipe', 'inherit', 'ipc'],
    });
    const connection =
      transport === 'ipc'
        ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
        : createProtocolConnection(child.stdout as NodeJS.ReadableStream, child.stdin as NodeJS.WritableStream);
    const client = new TestClient(child, connection);
    if (options.settings !== undefined) client.settings = options.settings;
    const folders = options.workspaceFolders;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folders?.[0] ?? repoRoot).toString(),
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      workspaceFolders: folders === undefined ? null : folders.map((f) => ({ uri: pathToFileURL(f).toString(), name: path.basename(f) })),
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  get isRunning(): boolean {
    return !this.exited;
  }

  async open(fileName: string, languageId: string, text: string): Promise<string> {
    const uri = pathToFileURL(path.join(repoRoot, 'test', 'workspace', fileName)).toString();
    this.documents.set(uri, TextDocument.create(uri, languageId, 1, text));
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Opens a file by its absolute path (for tests with their own workspace folders). */
  async openPath(file: string, languageId: string, text: string): Promise<string> {
    const uri = pathToFileURL(file).toString();
    this.documents.set(uri, TextDocument.create(uri, languageId, 1, text));
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Tells the server files changed on disk (type 1 created, 2 changed, 3 deleted), as a file watcher would. */
  async filesChanged(changes: { file: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: changes.map((c) => ({ uri: pathToFileURL(c.file).toString(), type: c.type })),
    });
  }

  /** Diagnostics last published (pushed) for a file URI. */
  lastPublished(uri: string): PublishDiagnosticsParams | undefined {
    return this.published.filter((p) => p.uri === uri).at(-1);
  }

  async hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  }

  /** `workspace/diagnostic`; pass a cancellation token to cancel it. */
  async workspaceDiagnostics(
    previousResultIds: { uri: string; value: string }[] = [],
    token?: CancellationToken,
    extra: { partialResultToken?: string; workDoneToken?: string } = {},
  ): Promise<WorkspaceDiagnosticReport> {
    const params = { identifier: 'async-guardrails', previousResultIds, ...extra };
    // An `undefined` third argument would be taken for a positional parameter.
    return token === undefined ? this.connection.sendRequest('workspace/diagnostic', params) : this.connection.sendRequest('workspace/diagnostic', params, token);
  }

  text(uri: string): string {
    return this.document(uri).getText();
  }

  /** Replaces the whole text as one incremental change (a range covering the document). */
  async change(uri: string, text: string): Promise<void> {
    const doc = this.document(uri);
    const range = { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) };
    await this.changeRange(uri, [{ range, newText: text }]);
  }

  async changeRange(uri: string, edits: TextEdit[]): Promise<void> {
    const doc = this.document(uri);
    TextDocument.update(doc, edits.map((e) => ({ range: e.range, text: e.newText })), doc.version + 1);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: doc.version },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
  }

  async save(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
  }

  async close(uri: string): Promise<void> {
    this.documents.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async pull(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  }

  /** Pulls and returns the full list of diagnostics (fails on an "unchanged" answer). */
  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await this.pull(uri);
    if (report.kind !== 'full') throw new Error('expected a full report');
    return report.items;
  }

  async codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const result: (CodeAction | { command: string })[] | null = await this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, only },
    });
    return (result ?? []).filter((a): a is CodeAction => 'title' in a && typeof (a as CodeAction).title === 'string');
  }

  async resolve(action: CodeAction): Promise<CodeAction> {
    return this.connection.sendRequest('codeAction/resolve', action);
  }

  async executeCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.connection.sendRequest('workspace/executeCommand', { command, arguments: args });
  }

  async configurationChanged(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  }

  /** Applies a workspace edit to the client's documents and tells the server, as an editor would. */
  applyWorkspaceEdit(edit: WorkspaceEdit): void {
    const perDocument: [string, number | null, TextEdit[]][] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) perDocument.push([change.textDocument.uri, change.textDocument.version, change.edits as TextEdit[]]);
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) perDocument.push([uri, null, edits]);
    for (const [uri, version, edits] of perDocument) {
      const doc = this.document(uri);
      if (version !== null && version !== doc.version) throw new Error(`edit for version ${version}, document is at ${doc.version}`);
      const text = TextDocument.applyEdits(doc, edits);
      TextDocument.update(doc, [{ text }], doc.version + 1);
      void this.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: doc.version },
        contentChanges: [{ text }],
      });
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch (error) {
      // The server is already gone or not answering: note why, then stop it the hard way.
      this.logs.push(`shutdown failed: ${String(error)}`);
      this.child.kill();
    }
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())]);
    if (!this.exited) this.child.kill('SIGKILL');
    this.connection.dispose();
  }

  private document(uri: string): TextDocument {
    const doc = this.documents.get(uri);
    if (doc === undefined) throw new Error(`${uri} is not open`);
    return doc;
  }
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
