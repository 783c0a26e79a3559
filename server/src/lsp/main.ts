// The language server: LSP wiring around the engine, nothing more. Transport is chosen by the
// command line (`--node-ipc` from the VS Code client, `--stdio` for other editors).
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  NotebookDocuments,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { collectFiles } from '../cli/walk';
import { ConfigResolver, WATCHED_CONFIG_NAMES, type ConfigProblem } from '../config';
import { describeTimings, Engine, packForFile, supportedExtensions } from '../engine/engine';
import type { EngineSettings } from '../engine/settings';
import type { PackId } from '../engine/types';
import { rulesToInstruct, writeInstructions } from '../instructions';
import { fixAllAction, fixAllEdits, quickFixes, wantsKind, workspaceEdit, type EditShape } from './codeActions';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './diagnostics';
import { AnalysisStore, contextKey, fileNameOf, type DocumentAnalysis } from './documentAnalysis';
import { ruleHover } from './hover';
import {
  Commands,
  FIX_ALL_KIND,
  STATUS_NOTIFICATION,
  type ResourceSettings,
  type StatusParams,
  type WriteInstructionsArgs,
  type WriteInstructionsResult,
} from './protocol';
import { exposedGc, IdleCollector } from './idleGc';
import { engineSettings, SettingsCache } from './settings';
import { WorkspaceDiagnostics } from './workspace';

interface ClientSupport {
  pullDiagnostics: boolean;
  configuration: boolean;
  versionedEdits: boolean;
  resolveEdit: boolean;
  diagnosticRefresh: boolean;
  watchedFilesRegistration: boolean;
  workDoneProgress: boolean;
  workspaceFolderChanges: boolean;
}

const PUSH_DEBOUNCE_MS = 150;

/** Files whose change can change what the TypeScript project model knows. */
const PROJECT_FILES = new Set(['tsconfig.json', 'jsconfig.json', 'package.json']);

/** What one file gets: the editor settings of its resource, the engine settings with its config applied. */
interface Effective {
  resource: ResourceSettings;
  engine: EngineSettings;
  /** Disabled, or excluded by the config: no diagnostics. */
  skip: boolean;
}

class GuardrailsServer {
  private readonly documents = new TextDocuments(TextDocument);
  /** Jupyter notebooks: their cells live in `documents` too (URIs with the vscode-notebook-cell scheme). */
  private readonly notebooks = new NotebookDocuments(this.documents);
  private readonly settings: SettingsCache;
  private support: ClientSupport = {
    pullDiagnostics: false,
    configuration: false,
    versionedEdits: false,
    resolveEdit: false,
    diagnosticRefresh: false,
    watchedFilesRegistration: false,
    workDoneProgress: false,
    workspaceFolderChanges: false,
  };
  private engine: Promise<Engine>;
  private folders: string[] = [];
  private configs = new ConfigResolver({ roots: [] });
  /** Config files we published problems for (so they can be cleared). */
  private readonly configDiagnosticFiles = new Set<string>();
  private configPublishTimer: NodeJS.Timeout | undefined;
  private readonly workspace: WorkspaceDiagnostics;
  /** Bumped when files change on disk; see `documentGeneration`. */
  private diskGeneration = 0;
  private store: AnalysisStore | undefined;
  /** Documents opened or saved since their last analysis (what `run: onSave` waits for). */
  private readonly awaitingSave = new Set<string>();
  private readonly pushTimers = new Map<string, NodeJS.Timeout>();
  /** Diagnostic pulls being answered (they wait for settings from the client). */
  private pullsInFlight = 0;
  /** Gives the garbage of the last burst of work back once the server is quiet (see IdleCollector). */
  private readonly idle: IdleCollector;

  constructor(private readonly connection: Connection) {
    this.settings = new SettingsCache(connection, () => this.support.configuration, (m) => this.connection.console.warn(m));
    this.engine = Engine.create({ log: (message) => this.connection.console.error(message) });
    this.idle = new IdleCollector(exposedGc(), () => this.pushTimers.size > 0 || this.pullsInFlight > 0, (message) => this.connection.console.info(message));
    this.workspace = new WorkspaceDiagnostics({
      folders: (forced) => this.workspaceFolders(forced),
      openDocument: (uri) => this.documents.get(uri),
      openDocuments: () => this.documents.all(),
      diagnose: (fileName, text, languageId, version) => this.diagnoseFile(fileName, text, languageId, version),
      generation: () => this.settings.generation,
      excluded: (file) => this.isExcluded(file),
      createProgress: async () => (this.support.workDoneProgress ? this.connection.window.createWorkDoneProgress() : undefined),
      log: (message) => this.connection.console.error(message),
    });
  }

  private setFolders(folders: readonly string[]): void {
    this.folders = [...new Set(folders)];
    this.configs = new ConfigResolver({ roots: this.folders, onProblem: () => this.scheduleConfigPublish() });
  }

  get editShape(): EditShape {
    return { versioned: this.support.versionedEdits };
  }

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      this.registerWatchers();
      if (this.support.workspaceFolderChanges) {
        connection.workspace.onDidChangeWorkspaceFolders((event) => {
          const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
          this.setFolders([...this.folders.filter((f) => !removed.has(f)), ...event.added.map((f) => uriToPath(f.uri))]);
          this.settingsChanged();
        });
      }
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
    connection.onDidChangeConfiguration(() => this.settingsChanged());
    connection.onDidChangeWatchedFiles(({ changes }) => {
      this.filesChanged(changes.map((c) => ({ file: uriToPath(c.uri), type: c.type })).filter((c) => c.file !== ''));
    });
    connection.onHover(async ({ textDocument, position }) => {
      const document = documents.get(textDocument.uri);
      if (document === undefined) return null;
      const line = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
      return ruleHover(line.replace(/\r?\n$/, ''), position, (await this.engine).rules);
    });

    documents.onDidOpen(({ document }) => {
      this.idle.activity();
      this.awaitingSave.add(document.uri);
      if (!this.support.pullDiagnostics) this.schedulePush(document.uri, 0);
    });
    documents.onDidChangeContent(({ document }) => {
      this.idle.activity();
      if (!this.support.pullDiagnostics) this.schedulePush(document.uri, PUSH_DEBOUNCE_MS);
    });
    documents.onDidSave(({ document }) => {
      this.awaitingSave.add(document.uri);
      if (!this.support.pullDiagnostics) this.schedulePush(document.uri, 0);
    });
    documents.onDidClose(({ document }) => {
      this.idle.activity();
      this.awaitingSave.delete(document.uri);
      void this.engine.then((engine) => engine.forget(fileNameOf(document)));
      // Its text on disk may differ from what the editor had: the workspace run reads it again.
      if (document.uri.startsWith('file:')) this.workspace.fileChanged(uriToPath(document.uri), false, false);
      this.store?.delete(document.uri);
      this.settings.forget(document.uri);
      const timer = this.pushTimers.get(document.uri);
      if (timer !== undefined) clearTimeout(timer);
      this.pushTimers.delete(document.uri);
      if (!this.support.pullDiagnostics) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    });

    connection.languages.diagnostics.on(async (params) => this.pullDiagnostics(params.textDocument.uri, params.previousResultId));
    connection.languages.diagnostics.onWorkspace(async (params, token, workDone, partial) =>
      this.workspace.pull(params.previousResultIds, token, params.workDoneToken === undefined ? undefined : workDone, partial),
    );
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
      if (params.command === Commands.serverAnalyseWorkspace) return this.analyseWorkspaceNow();
      if (params.command === Commands.serverWriteInstructions) return this.writeInstructions(params.arguments?.[0]);
      if (params.command !== Commands.serverApplyFixAll) return;
      const uri = params.arguments?.[0];
      if (typeof uri !== 'string') return;
      const resolved = await this.resolveFixAll(fixAllAction(uri, this.documents.get(uri)?.version ?? 0));
      if (resolved.edit !== undefined) await connection.workspace.applyEdit({ label: 'Async Guardrails: fix all', edit: resolved.edit });
    });

    // A cell edit can change what later cells see (imports, names): pull them all again.
    this.notebooks.onDidChange(() => this.refreshDiagnostics());
    this.notebooks.onDidClose((notebook) => {
      if (!this.support.pullDiagnostics) for (const cell of notebook.cells) void connection.sendDiagnostics({ uri: cell.document, diagnostics: [] });
    });
    this.notebooks.listen(connection);
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
      watchedFilesRegistration: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      workDoneProgress: caps.window?.workDoneProgress === true,
      workspaceFolderChanges: caps.workspace?.workspaceFolders === true,
    };
    const folders: WorkspaceFolder[] = params.workspaceFolders ?? [];
    const roots = folders.map((f) => uriToPath(f.uri)).filter((f) => f !== '');
    if (roots.length === 0 && typeof params.rootUri === 'string') roots.push(uriToPath(params.rootUri));
    this.setFolders(roots.filter((f) => f !== ''));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        diagnosticProvider: this.support.pullDiagnostics
          ? { identifier: 'async-guardrails', interFileDependencies: false, workspaceDiagnostics: true }
          : undefined,
        hoverProvider: true,
        notebookDocumentSync: { notebookSelector: [{ notebook: 'jupyter-notebook', cells: [{ language: 'python' }] }] },
        workspace: this.support.workspaceFolderChanges ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, FIX_ALL_KIND],
          resolveProvider: true,
        },
        executeCommandProvider: { commands: [Commands.serverApplyFixAll, Commands.serverAnalyseWorkspace, Commands.serverWriteInstructions] },
      },
      serverInfo: { name: 'async-guardrails' },
    };
  }

  /** The current analysis of a document under its settings, reusing a still-valid one. */
  private async currentAnalysis(uri: string): Promise<{ analysis: DocumentAnalysis | undefined; settings: ResourceSettings }> {
    const effective = await this.effective(uri);
    const settings = effective.resource;
    const document = this.documents.get(uri);
    const engine = await this.engine;
    this.store ??= new AnalysisStore(engine);
    if (document === undefined || effective.skip) return { analysis: undefined, settings };
    const generation = this.documentGeneration;
    const cached = this.store.get(uri);
    const prelude = this.cellPrelude(uri);
    const context = prelude === undefined ? '' : contextKey(prelude);
    const waitForSave = settings.run === 'onSave' && !this.awaitingSave.has(uri);
    if (
      cached !== undefined &&
      cached.settingsGeneration === generation &&
      cached.context === context &&
      (waitForSave || cached.version === document.version)
    ) {
      return { analysis: cached, settings };
    }
    const analysis = this.store.analyze(document, effective.engine, generation, prelude);
    this.awaitingSave.delete(uri);
    for (const message of analysis.result.internalErrors) this.connection.console.error(message);
    if (analysis.result.pack?.projectProblems !== undefined) this.scheduleConfigPublish();
    const skipped = analysis.result.skipped;
    if (skipped !== undefined) this.connection.console.info(`${fileNameOf(document)}: ${skipped}`);
    if (analysis.elapsedMs > settings.timeBudgetMs) {
      this.connection.console.warn(
        `${fileNameOf(document)}: analysis took ${Math.round(analysis.elapsedMs)} ms, over the ${settings.timeBudgetMs} ms budget (slowest: ${describeTimings(analysis.result.timings)})`,
      );
    }
    this.status({
      state: 'ready',
      uri,
      elapsedMs: Math.round(analysis.elapsedMs * 10) / 10,
      timeBudgetMs: settings.timeBudgetMs,
      message: skipped === undefined ? undefined : `${path.basename(fileNameOf(document))}: ${skipped}`,
    });
    return { analysis, settings };
  }

  private async pullDiagnostics(uri: string, previousResultId: string | undefined): Promise<DocumentDiagnosticReport> {
    this.pullsInFlight++;
    try {
      const { analysis } = await this.currentAnalysis(uri);
      if (analysis === undefined) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const resultId = `${analysis.version}:${analysis.settingsGeneration}:${analysis.context}`;
      if (previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: analysis.diagnostics };
    } catch (error) {
      this.connection.console.error(`diagnostics for ${uri} failed: ${String(error)}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    } finally {
      this.pullsInFlight--;
      this.idle.activity();
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
    this.idle.activity();
    const { analysis } = await this.currentAnalysis(uri);
    this.idle.activity();
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
    const effective = await this.effective(uri);
    if (effective.skip) return action;
    const engine = await this.engine;
    this.store ??= new AnalysisStore(engine);
    const cached = this.store.get(uri);
    const prelude = this.cellPrelude(uri);
    const analysis =
      cached !== undefined &&
      cached.version === document.version &&
      cached.settingsGeneration === this.documentGeneration &&
      cached.context === (prelude === undefined ? '' : contextKey(prelude))
        ? cached
        : this.store.analyze(document, effective.engine, this.documentGeneration, prelude);
    const { edits } = fixAllEdits(analysis.result, undefined, effective.resource.fixAllRules);
    return { ...action, edit: workspaceEdit(uri, analysis.version, edits, this.editShape) };
  }

  /**
   * For a notebook cell: the text of the notebook's Python cells before it, each ending in a
   * newline (undefined for other documents). Cells are one module, as the kernel runs them.
   */
  private cellPrelude(uri: string): string | undefined {
    const notebook = this.notebooks.findNotebookDocumentForCell(uri);
    if (notebook === undefined) return undefined;
    let prelude = '';
    for (const cell of notebook.cells) {
      if (cell.document === uri) return prelude;
      const text = this.documents.get(cell.document);
      if (text === undefined || text.languageId !== 'python') continue;
      const body = text.getText();
      prelude += body.endsWith('\n') ? body : `${body}\n`;
    }
    return prelude;
  }

  /** Editor settings and config-file settings of a document, merged (the editor wins per rule). */
  private async effective(uri: string): Promise<Effective> {
    const resource = await this.settings.get(uri);
    const notebookUri = this.notebooks.findNotebookDocumentForCell(uri)?.uri;
    const ownUri = notebookUri ?? uri;
    const fileName = ownUri.startsWith('file:') ? uriToPath(ownUri) : '';
    // Unsaved documents take the config of the first workspace folder.
    const configTarget = fileName !== '' ? fileName : this.folders.length > 0 ? path.join(this.folders[0], 'untitled') : '';
    let fromConfig: EngineSettings = {};
    let excluded = false;
    if (configTarget !== '') {
      try {
        const resolved = await this.configs.settingsFor(configTarget);
        fromConfig = resolved.settings;
        excluded = fileName !== '' && resolved.excluded;
      } catch (error) {
        this.connection.console.error(`reading the config for ${uri} failed: ${String(error)}`);
      }
    }
    return { resource, engine: engineSettings(resource, fromConfig), skip: !resource.enable || excluded };
  }

  /**
   * Part of every open document's result id: changes with the settings and when files change on
   * disk (what an open file sees, its imports' types, may have changed). Workspace results only
   * follow the settings, so one changed file does not re-analyse the whole workspace.
   */
  private get documentGeneration(): number {
    return this.settings.generation * 100_000 + this.diskGeneration;
  }

  private async isExcluded(file: string): Promise<boolean> {
    try {
      return (await this.configs.settingsFor(file)).excluded;
    } catch {
      return false;
    }
  }

  private settingsChanged(): void {
    this.settings.clear();
    this.workspace.settingsChanged();
    this.refreshDiagnostics();
  }

  private registerWatchers(): void {
    if (!this.support.watchedFilesRegistration) return;
    const sources = supportedExtensions().map((ext) => ext.slice(1));
    const names = [...WATCHED_CONFIG_NAMES, 'tsconfig.json', 'jsconfig.json', '.gitignore'];
    this.connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/{${[...new Set(names)].join(',')}}` }, { globPattern: `**/*.{${sources.join(',')}}` }],
      })
      .catch((error: unknown) => this.connection.console.warn(`could not watch config files: ${String(error)}`));
  }

  /** Files changed on disk: configs are read again, the engine refreshes, the workspace run catches up. */
  private filesChanged(events: readonly { file: string; type: FileChangeType }[]): void {
    // Editors report one save as several events for the same file: keep the last one per file.
    const latest = new Map<string, FileChangeType>();
    for (const { file, type } of events) latest.set(file, type);
    const changes = [...latest].map(([file, type]) => ({ file, type }));
    const configFiles: string[] = [];
    let projectFileChanged = false;
    let sourceChanged = false;
    for (const { file, type } of changes) {
      const name = path.basename(file);
      if (WATCHED_CONFIG_NAMES.includes(name)) {
        this.connection.console.info(`config file changed: ${file}`);
        this.configs.invalidate(file);
        configFiles.push(file);
      }
      if (PROJECT_FILES.has(name)) projectFileChanged = true;
      if (packForFile(file) !== undefined || name === '.gitignore') {
        this.workspace.fileChanged(file, type === FileChangeType.Created, type === FileChangeType.Deleted);
        // A change on disk to a file the editor does not hold can change what open files see (types).
        if (this.documents.get(pathToFileURL(file).toString()) === undefined && name !== '.gitignore') sourceChanged = true;
      }
    }
    void this.engine.then((engine) => {
      engine.invalidate(changes.map((c) => c.file));
      for (const { file, type } of changes) if (type === FileChangeType.Deleted) engine.forget(file);
    });
    if (configFiles.length > 0 || projectFileChanged) this.settingsChanged();
    else if (sourceChanged) {
      this.diskGeneration = (this.diskGeneration + 1) % 100_000;
      this.refreshDiagnostics();
    }
    if (configFiles.length > 0) {
      Promise.all(configFiles.map((file) => this.configs.check(file)))
        .then(() => this.publishConfigProblems())
        .catch((error: unknown) => this.connection.console.error(`checking config files failed: ${String(error)}`));
    }
  }

  private scheduleConfigPublish(): void {
    if (this.configPublishTimer !== undefined) return;
    this.configPublishTimer = setTimeout(() => {
      this.configPublishTimer = undefined;
      this.publishConfigProblems().catch((error: unknown) => this.connection.console.error(`publishing config problems failed: ${String(error)}`));
    }, 20);
  }

  /** Problems of config files as diagnostics on those files (cleared once fixed). */
  private async publishConfigProblems(): Promise<void> {
    const byFile = new Map<string, ConfigProblem[]>();
    // The packs' project files (a broken tsconfig.json) count too; their positions are 0-based.
    const projectProblems = (await this.engine).projectProblems().map((p) => ({ ...p, file: path.resolve(p.file), line: p.line + 1, column: p.column + 1 }));
    for (const problem of [...this.configs.problems(), ...projectProblems]) byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), problem]);
    for (const file of this.configDiagnosticFiles) if (!byFile.has(file)) byFile.set(file, []);
    for (const [file, problems] of byFile) {
      const text = problems.length === 0 ? '' : await readFile(file, 'utf8').catch(() => '');
      const lines = text.split(/\r?\n/);
      const diagnostics: Diagnostic[] = problems.map((problem) => {
        const line = Math.max(0, problem.line - 1);
        const character = Math.max(0, problem.column - 1);
        const token = /^("[^"]*"|'[^']*'|[^\s=,}\]]+)/.exec((lines[line] ?? '').slice(character));
        const end = character + Math.max(1, token?.[0].length ?? 1);
        return {
          range: { start: { line, character }, end: { line, character: end } },
          severity: DiagnosticSeverity.Error,
          source: DIAGNOSTIC_SOURCE,
          message: problem.message,
        };
      });
      if (diagnostics.length === 0) this.configDiagnosticFiles.delete(file);
      else this.configDiagnosticFiles.add(file);
      await this.connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics });
    }
  }

  /** Workspace folders whose workspace diagnostics are on (all of them when forced). */
  private async workspaceFolders(forced: boolean): Promise<string[]> {
    const enabled: string[] = [];
    for (const folder of this.folders) {
      const settings = await this.settings.get(pathToFileURL(folder).toString());
      if (settings.enable && (forced || settings.workspaceDiagnostics)) enabled.push(folder);
    }
    return enabled;
  }

  /** One file of the workspace run (not open in the editor, or open: its text is given). */
  private async diagnoseFile(fileName: string, text: string, languageId: string | undefined, version: number): Promise<Diagnostic[] | undefined> {
    const effective = await this.effective(pathToFileURL(fileName).toString());
    if (effective.skip) return undefined;
    const engine = await this.engine;
    const result = engine.analyze({ text, fileName, languageId, settings: effective.engine });
    this.idle.activity();
    for (const message of result.internalErrors) this.connection.console.error(message);
    if (result.skipped !== undefined) this.connection.console.info(`${fileName}: ${result.skipped}`);
    return result.findings.map((finding) => toDiagnostic(result.source, finding, version));
  }

  private async analyseWorkspaceNow(): Promise<void> {
    this.workspace.analyseNow();
    if (this.support.pullDiagnostics) return;
    // Clients without pull diagnostics: run once and publish.
    const report = await this.workspace.pull([], { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) }, undefined, undefined);
    for (const item of report.items) {
      if (item.kind === DocumentDiagnosticReportKind.Full && this.documents.get(item.uri) === undefined) {
        await this.connection.sendDiagnostics({ uri: item.uri, diagnostics: item.items });
      }
    }
  }

  /** The languages that have at least one file in the workspace folders. */
  private async languagesPresent(): Promise<PackId[]> {
    const found = new Set<PackId>();
    for (const document of this.documents.all()) {
      const pack = packForFile(fileNameOf(document), document.languageId);
      if (pack !== undefined) found.add(pack.id);
    }
    for (const folder of this.folders) {
      const files = await collectFiles([folder], (file) => packForFile(file) !== undefined, [], folder).catch(() => [] as string[]);
      for (const file of files) {
        const pack = packForFile(file);
        if (pack !== undefined) found.add(pack.id);
        if (found.size === 2) break;
      }
    }
    return [...found];
  }

  private async writeInstructions(args: unknown): Promise<WriteInstructionsResult[]> {
    const format = (args as Partial<WriteInstructionsArgs> | undefined)?.format === 'instructions' ? 'instructions' : 'copilot';
    const engine = await this.engine;
    const languages = await this.languagesPresent();
    const results: WriteInstructionsResult[] = [];
    for (const folder of this.folders) {
      const effective = await this.effective(pathToFileURL(path.join(folder, 'instructions-probe')).toString());
      const rules = rulesToInstruct(engine.rules, effective.engine, languages);
      results.push(await writeInstructions({ root: folder, format, rules, languages }));
    }
    return results;
  }

  private status(params: StatusParams): void {
    this.connection.sendNotification(STATUS_NOTIFICATION, params).catch(() => {
      // Deliberate: the status item is cosmetic, and a closed connection is reported elsewhere.
    });
  }
}

function uriToPath(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    return '';
  }
}

const connection = createConnection();
// A bug of ours must never take the editor's server down: log it and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`internal error: ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`internal error (promise): ${String(reason)}`));
new GuardrailsServer(connection).listen();
