// Workspace diagnostics (LSP 3.17 `workspace/diagnostic`): every matching file of each workspace
// folder, analysed in the background one file at a time, yielding to the event loop between
// files so that typing in an open document stays responsive. Untouched files answer "unchanged".
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Diagnostic,
  type ResultProgressReporter,
  type WorkDoneProgressReporter,
  type WorkDoneProgressServerReporter,
  type WorkspaceDiagnosticReport,
  type WorkspaceDiagnosticReportPartialResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { collectFiles } from '../cli/walk';
import { packForFile } from '../engine/engine';

/** What the workspace run needs from the server, so this file stays free of its state. */
export interface WorkspaceHost {
  /** Workspace folders (file system paths) whose workspace diagnostics are on (or all, when forced). */
  folders(forced: boolean): Promise<string[]>;
  /** The open document for a URI, if any (its text wins over the disk). */
  openDocument(uri: string): TextDocument | undefined;
  openDocuments(): TextDocument[];
  /** Diagnostics of one file's text, or undefined when the file is excluded or disabled. */
  diagnose(fileName: string, text: string, languageId: string | undefined, version: number): Promise<Diagnostic[] | undefined>;
  /** The config's `exclude` globs match the file. */
  excluded(file: string): Promise<boolean>;
  /** Part of every result id: changes when settings or configs change. */
  generation(): number;
  createProgress(): Promise<WorkDoneProgressServerReporter | undefined>;
  log(message: string): void;
}

/** Files analysed between two progress reports / partial results. */
const CHUNK = 50;
/** With nothing to report, a pull is held this long before answering "all unchanged". */
const HOLD_MS = 5 * 60_000;

/** The result id of a file that is no longer analysed (deleted, ignored, excluded). */
const GONE = 'gone';

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class WorkspaceDiagnostics {
  /** Bumped per file on each change seen on disk (watched files); part of its result id. */
  private readonly fileVersions = new Map<string, number>();
  private fileList: Promise<string[]> | undefined;
  private fileListKey = '';
  private readonly waiters = new Set<() => void>();
  /** "Analyse Workspace" asked for a run, whatever the setting says. */
  private forced = false;
  /** The user cancelled the progress: no more runs until asked again. */
  private paused = false;
  /** Files analysed by the last run, for tests and the measurement. */
  lastRun = { analysed: 0, unchanged: 0, total: 0 };

  constructor(private readonly host: WorkspaceHost) {}

  /** A file changed, appeared or disappeared on disk. */
  fileChanged(file: string, created: boolean, deleted: boolean): void {
    this.fileVersions.set(file, (this.fileVersions.get(file) ?? 0) + 1);
    if (created || deleted || path.basename(file) === '.gitignore') this.fileList = undefined;
    this.wake();
  }

  /** Settings or configs changed: every result id changes with the generation; re-list files too. */
  settingsChanged(): void {
    this.fileList = undefined;
    this.wake();
  }

  /** "Analyse Workspace": run now (also with the setting off) and resume after a cancellation. */
  analyseNow(): void {
    this.forced = true;
    this.paused = false;
    this.fileList = undefined;
    this.wake();
  }

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private hold(token: CancellationToken): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const timer = setTimeout(done, HOLD_MS);
      const subscription = token.onCancellationRequested(done);
      this.waiters.add(done);
    });
  }

  private async files(folders: readonly string[]): Promise<string[]> {
    const key = folders.join('\n');
    if (this.fileList === undefined || key !== this.fileListKey) {
      this.fileListKey = key;
      this.fileList = Promise.all(
        folders.map((folder) => collectFiles([folder], (file) => packForFile(file) !== undefined, [], folder).catch(() => [] as string[])),
      ).then(async (lists) => {
        const files: string[] = [];
        for (const file of new Set(lists.flat())) if (!(await this.host.excluded(file))) files.push(file);
        return files;
      });
    }
    return this.fileList;
  }

  /** The `workspace/diagnostic` request. */
  async pull(
    previousResultIds: readonly { uri: string; value: string }[],
    token: CancellationToken,
    workDone: WorkDoneProgressReporter | undefined,
    partial: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined,
  ): Promise<WorkspaceDiagnosticReport> {
    const previous = new Map(previousResultIds.map((p) => [p.uri, p.value]));
    for (;;) {
      if (token.isCancellationRequested) return { items: [] };
      const forced = this.forced;
      const folders = this.paused && !forced ? [] : await this.host.folders(forced);
      if (folders.length > 0) {
        const report = await this.run(folders, previous, token, workDone, partial, forced);
        if (report !== undefined) return report;
      }
      // Nothing to say (off, paused, or all unchanged): answer when something changes.
      await this.hold(token);
    }
  }

  private resultId(file: string, open: TextDocument | undefined): string {
    const generation = this.host.generation();
    return open !== undefined ? `o${open.version}:${generation}` : `f${this.fileVersions.get(file) ?? 0}:${generation}`;
  }

  /** One pass; undefined when every file is unchanged (the caller then waits). */
  private async run(
    folders: readonly string[],
    previous: Map<string, string>,
    token: CancellationToken,
    workDone: WorkDoneProgressReporter | undefined,
    partial: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined,
    forced: boolean,
  ): Promise<WorkspaceDiagnosticReport | undefined> {
    const onDisk = await this.files(folders);
    const inFolders = (file: string): boolean => folders.some((f) => file === f || file.startsWith(f + path.sep));
    // Open documents first: they are what the user looks at.
    const open: string[] = [];
    for (const document of this.host.openDocuments()) {
      if (!document.uri.startsWith('file:')) continue;
      const file = fileURLToPath(document.uri);
      if (inFolders(file) && packForFile(file, document.languageId) !== undefined && !(await this.host.excluded(file))) open.push(file);
    }
    const openSet = new Set(open);
    const order = [...open, ...onDisk.filter((f) => !openSet.has(f))];

    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const changed: string[] = [];
    for (const file of order) {
      const uri = pathToFileURL(file).toString();
      const doc = this.host.openDocument(uri);
      if (previous.get(uri) === this.resultId(file, doc)) {
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, resultId: this.resultId(file, doc), version: doc?.version ?? null });
      } else changed.push(file);
    }
    // Files the client knows that are gone (deleted, now ignored or excluded): clear them.
    const known = new Set(order.map((f) => pathToFileURL(f).toString()));
    for (const [uri, value] of previous) {
      if (!known.has(uri) && value !== GONE && uri.startsWith('file:')) {
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri, resultId: GONE, items: [], version: null });
      }
    }
    const gone = items.length - (order.length - changed.length);
    if (changed.length === 0 && gone === 0 && !forced) return undefined;
    this.forced = false;

    let progress: WorkDoneProgressReporter | undefined = workDone;
    let ownProgress: WorkDoneProgressServerReporter | undefined;
    if (changed.length > CHUNK) {
      ownProgress = await this.host.createProgress();
      progress = ownProgress ?? workDone;
      progress?.begin('Async Guardrails', 0, `Analysing ${changed.length} files…`, true);
    }
    const stream = partial !== undefined;
    let pending: WorkspaceDocumentDiagnosticReport[] = stream ? [...items] : items;
    let analysed = 0;
    const unreadable: { file: string; reason: string }[] = [];
    try {
      for (const file of changed) {
        await yieldToEventLoop();
        if (token.isCancellationRequested) return { items: [] };
        if (ownProgress?.token.isCancellationRequested === true) {
          // The user cancelled: what was analysed is kept, the rest waits for "Analyse Workspace".
          this.paused = true;
          break;
        }
        const report = await this.analyse(file, unreadable);
        if (report !== undefined) pending.push(report);
        analysed++;
        if (analysed % CHUNK === 0) {
          progress?.report(Math.round((analysed / changed.length) * 100), `${analysed}/${changed.length} files`);
          if (stream && pending.length > 0) {
            partial.report({ items: pending });
            pending = [];
          }
        }
      }
    } finally {
      progress?.done();
      if (unreadable.length > 0) this.host.log(describeUnreadable(unreadable));
    }
    this.lastRun = { analysed, unchanged: order.length - changed.length, total: order.length };
    if (stream) {
      if (pending.length > 0) partial.report({ items: pending });
      return { items: [] };
    }
    return { items: pending };
  }

  /** One file's report; a file that cannot be read is reported empty and added to `unreadable`. */
  private async analyse(file: string, unreadable: { file: string; reason: string }[]): Promise<WorkspaceDocumentDiagnosticReport | undefined> {
    const uri = pathToFileURL(file).toString();
    let doc = this.host.openDocument(uri);
    const resultId = this.resultId(file, doc);
    let text: string;
    if (doc !== undefined) text = doc.getText();
    else {
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        unreadable.push({ file, reason: code === 'ENOENT' ? 'deleted during the analysis' : String(code ?? error) });
        return { kind: DocumentDiagnosticReportKind.Full, uri, items: [], version: null };
      }
      if (text.slice(0, 8000).includes('\u0000')) return undefined;
      // The file may have been opened while it was read.
      doc = this.host.openDocument(uri);
      if (doc !== undefined) return undefined;
    }
    try {
      const diagnostics = await this.host.diagnose(file, text, doc?.languageId, doc?.version ?? 0);
      return { kind: DocumentDiagnosticReportKind.Full, uri, resultId, version: doc?.version ?? null, items: diagnostics ?? [] };
    } catch (error) {
      this.host.log(`workspace analysis of ${file} failed: ${String(error)}`);
      return undefined;
    }
  }
}

/** One log line for the files a run could not read, grouped by reason, naming the first of each. */
export function describeUnreadable(unreadable: readonly { file: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const { file, reason } of unreadable) byReason.set(reason, [...(byReason.get(reason) ?? []), file]);
  const parts = [...byReason].map(([reason, files]) => `${files.length} ${files.length === 1 ? 'file' : 'files'} ${reason} (first: ${files[0]})`);
  return `workspace analysis: could not read ${parts.join('; ')}; their diagnostics were cleared`;
}
