// The language server: LSP wiring around the engine, nothing more. Transport is chosen by the
// command line (`--node-ipc` from the VS Code client, `--stdio` for other editors).
import {
  CodeActionKind,
  createConnection,
  DocumentDiagnosticReportKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Engine } from '../engine/engine';
import { fixAllAction, fixAllEdits, quickFixes, wantsKind, workspaceEdit, type EditShape } from './codeActions';
import { AnalysisStore, fileNameOf, type DocumentAnalysis } from './documentAnalysis';
import { Commands, FIX_ALL_KIND, STATUS_NOTIFICATION, type ResourceSettings, type StatusParams } from './protocol';
import { SettingsCache } from './settings';

interface ClientSupport {
  pullDiagnostics: boolean;
  configuration: boolean;
  versionedEdits: boolean;
  resolveEdit: boolean;
  diagnosticRefresh: boolean;
}

const PUSH_DEBOUNCE_MS = 150;

class GuardrailsServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly settings: SettingsCache;
  private support: ClientSupport = {
    pullDiagnostics: false,
    configuration: false,
    versionedEdits: false,
    resolveEdit: false,
    diagnosticRefresh: false,
  };
  private engine: Promise<Engine>;
  private store: AnalysisStore | undefined;
  /** Documents opened or saved since their last analysis (what `run: onSave` waits for). */
  private readonly awaitingSave = new Set<string>();
  private readonly pushTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly connection: Connection) {
    this.settings = new SettingsCache(connection, () => this.support.configuration, (m) => this.connection.console.warn(m));
    this.engine = Engine.create({ log: (message) => this.connection.console.error(message) });
  }

  get editShape(): EditShape {
    return { versioned: this.support.versionedEdits };
  }

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      this.engine
        .then((engine) => {
          this.store = new AnalysisStore(engine);
          this.status({ state: 'ready' });
          this.refreshDiagnostics();
        })
        .catch((error: unknown) => {
          this.status({ state: 'error', message: `the analysis engine failed to start: ${String(error)}` });
        });
    });
    connection.onDidChangeConfiguration(() => {
      this.settings.clear();
      this.refreshDiagnostics();
    });

    documents.onDidOpen(({ document }) => {
      this.awaitingSave.add(document.uri);
      if (!this.support.pullDiagnostics) this.schedulePush(document.uri, 0);
    });
    documents.onDidChangeContent(({ document }) => {
      if (!this.support.pullDiagnostics) this.schedulePush(document.uri, PUSH_DEBOUNCE_MS);
    });
    documents.onDidSave(({ document }) => {
      this.awaitingSave.add(document.uri);
      if (!this.support.pullDiagnostics) this.schedulePush(document.uri, 0);
    });
    documents.onDidClose(({ document }) => {
      this.awaitingSave.delete(document.uri);
      this.store?.delete(document.uri);
      this.settings.forget(document.uri);
      const timer = this.pushTimers.get(document.uri);
      if (timer !== undefined) clearTimeout(timer);
      this.pushTimers.delete(document.uri);
      if (!this.support.pullDiagnostics) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    });

    connection.languages.diagnostics.on(async (params) => this.pullDiagnostics(params.textDocument.uri, params.previousResultId));
    connection.onCodeAction(async (params) => {
      const document = documents.get(params.textDocument.uri);
      if (document === undefined) return [];
      const actions: CodeAction[] = [];
      const only = params.context.only;
      if (wantsKind(only, CodeActionKind.QuickFix)) {
        const engine = await this.engine;
        const cached = this.store?.get(document.uri);
        const analysis = cached === undefined ? undefined : { result: cached.result, version: cached.version };
        actions.push(...quickFixes(document, params.context.diagnostics, analysis, engine, this.editShape, fileNameOf(document)));
      }
      if (only !== undefined && (wantsKind(only, FIX_ALL_KIND) || only.includes(CodeActionKind.SourceFixAll))) {
        const action = fixAllAction(document.uri, document.version);
        actions.push(this.support.resolveEdit ? action : await this.resolveFixAll(action));
      }
      return actions;
    });
    connection.onCodeActionResolve((action) => this.resolveFixAll(action));
    connection.onExecuteCommand(async (params) => {
      if (params.command !== Commands.serverApplyFixAll) return;
      const uri = params.arguments?.[0];
      if (typeof uri !== 'string') return;
      const resolved = await this.resolveFixAll(fixAllAction(uri, this.documents.get(uri)?.version ?? 0));
      if (resolved.edit !== undefined) await connection.workspace.applyEdit({ label: 'Async Guardrails: fix all', edit: resolved.edit });
    });

    documents.listen(connection);
    connection.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    this.support = {
      pullDiagnostics: caps.textDocument?.diagnostic !== undefined,
      configuration: caps.workspace?.configuration === true,
      versionedEdits: caps.workspace?.workspaceEdit?.documentChanges === true,
      resolveEdit: caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true,
      diagnosticRefresh: caps.workspace?.diagnostics?.refreshSupport === true,
    };
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        diagnosticProvider: this.support.pullDiagnostics
          ? { identifier: 'async-guardrails', interFileDependencies: false, workspaceDiagnostics: false }
          : undefined,
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, FIX_ALL_KIND],
          resolveProvider: true,
        },
        executeCommandProvider: { commands: [Commands.serverApplyFixAll] },
      },
      serverInfo: { name: 'async-guardrails' },
    };
  }

  /** The current analysis of a document under its settings, reusing a still-valid one. */
  private async currentAnalysis(uri: string): Promise<{ analysis: DocumentAnalysis | undefined; settings: ResourceSettings }> {
    const settings = await this.settings.get(uri);
    const document = this.documents.get(uri);
    const engine = await this.engine;
    this.store ??= new AnalysisStore(engine);
    if (document === undefined || !settings.enable) return { analysis: undefined, settings };
    const generation = this.settings.generation;
    const cached = this.store.get(uri);
    const waitForSave = settings.run === 'onSave' && !this.awaitingSave.has(uri);
    if (cached !== undefined && cached.settingsGeneration === generation && (waitForSave || cached.version === document.version)) {
      return { analysis: cached, settings };
    }
    const analysis = this.store.analyze(document, settings, generation);
    this.awaitingSave.delete(uri);
    for (const message of analysis.result.internalErrors) this.connection.console.error(message);
    this.status({ state: 'ready', uri, elapsedMs: Math.round(analysis.elapsedMs * 10) / 10 });
    return { analysis, settings };
  }

  private async pullDiagnostics(uri: string, previousResultId: string | undefined): Promise<DocumentDiagnosticReport> {
    try {
      const { analysis } = await this.currentAnalysis(uri);
      if (analysis === undefined) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const resultId = `${analysis.version}:${analysis.settingsGeneration}`;
      if (previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: analysis.diagnostics };
    } catch (error) {
      this.connection.console.error(`diagnostics for ${uri} failed: ${String(error)}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
  }

  private schedulePush(uri: string, delay: number): void {
    const existing = this.pushTimers.get(uri);
    if (existing !== undefined) clearTimeout(existing);
    this.pushTimers.set(
      uri,
      setTimeout(() => {
        this.pushTimers.delete(uri);
        this.push(uri).catch((error: unknown) => this.connection.console.error(`publishing ${uri} failed: ${String(error)}`));
      }, delay),
    );
  }

  private async push(uri: string): Promise<void> {
    const { analysis } = await this.currentAnalysis(uri);
    const document = this.documents.get(uri);
    if (document === undefined) return;
    // Never publish a result for an older version than the one the client has now.
    if (analysis !== undefined && analysis.version !== document.version && this.awaitingSave.has(uri)) return;
    await this.connection.sendDiagnostics({ uri, version: analysis?.version, diagnostics: analysis?.diagnostics ?? [] });
  }

  private refreshDiagnostics(): void {
    if (this.support.pullDiagnostics) {
      if (this.support.diagnosticRefresh) {
        this.connection.languages.diagnostics.refresh().catch((error: unknown) => this.connection.console.warn(`diagnostic refresh failed: ${String(error)}`));
      }
      return;
    }
    for (const document of this.documents.all()) {
      this.awaitingSave.add(document.uri);
      this.schedulePush(document.uri, 0);
    }
  }

  private async resolveFixAll(action: CodeAction): Promise<CodeAction> {
    const data = action.data as { uri?: unknown } | undefined;
    const uri = typeof data?.uri === 'string' ? data.uri : undefined;
    const document = uri === undefined ? undefined : this.documents.get(uri);
    if (uri === undefined || document === undefined) return action;
    const settings = await this.settings.get(uri);
    if (!settings.enable) return action;
    const engine = await this.engine;
    this.store ??= new AnalysisStore(engine);
    const cached = this.store.get(uri);
    const analysis =
      cached !== undefined && cached.version === document.version && cached.settingsGeneration === this.settings.generation
        ? cached
        : this.store.analyze(document, settings, this.settings.generation);
    const { edits } = fixAllEdits(analysis.result);
    return { ...action, edit: workspaceEdit(uri, analysis.version, edits, this.editShape) };
  }

  private status(params: StatusParams): void {
    this.connection.sendNotification(STATUS_NOTIFICATION, params).catch(() => undefined);
  }
}

const connection = createConnection();
// A bug of ours must never take the editor's server down: log it and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`internal error: ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`internal error (promise): ${String(reason)}`));
new GuardrailsServer(connection).listen();
