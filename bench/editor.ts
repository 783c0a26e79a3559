// Editor latency and memory, measured over LSP against the real bundled server (dist/server.js,
// started over node IPC as VS Code does): keystroke → fresh diagnostics (didChange, then a pull),
// and the server's resident memory after opening a large workspace and after many edits.
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, type DocumentDiagnosticReport, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SERVER_PROCESS } from '../server/src/lsp/protocol';
import { percentile } from './measure';

const CAPABILITIES = {
  workspace: { configuration: true, diagnostics: { refreshSupport: false } },
  textDocument: { diagnostic: { dynamicRegistration: false }, publishDiagnostics: { versionSupport: true } },
};

export class BenchClient {
  private readonly docs = new Map<string, TextDocument>();

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(serverJs: string, rootDir: string): Promise<BenchClient> {
    // Started as the client starts it: the same Node flags and environment (see SERVER_PROCESS).
    const child = fork(serverJs, ['--node-ipc'], { execArgv: [...SERVER_PROCESS.execArgv], env: { ...process.env, ...SERVER_PROCESS.env }, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ enable: true, run: 'onType', rules: {} })));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onNotification('textDocument/publishDiagnostics', () => undefined);
    connection.listen();
    const rootUri = pathToFileURL(rootDir).toString();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: CAPABILITIES,
      workspaceFolders: [{ uri: rootUri, name: path.basename(rootDir) }],
    });
    await connection.sendNotification('initialized', {});
    return new BenchClient(child, connection);
  }

  async open(file: string, text: string): Promise<string> {
    const uri = pathToFileURL(file).toString();
    const languageId = file.endsWith('.py') ? 'python' : 'typescript';
    this.docs.set(uri, TextDocument.create(uri, languageId, 1, text));
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Inserts `text` at `offset` (or deletes `deleteCount` characters before it) as one incremental change. */
  async edit(uri: string, offset: number, insert: string, deleteCount = 0): Promise<void> {
    const doc = this.docs.get(uri);
    if (doc === undefined) throw new Error(`${uri} not open`);
    const range = { start: doc.positionAt(offset - deleteCount), end: doc.positionAt(offset) };
    TextDocument.update(doc, [{ range, text: insert }], doc.version + 1);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ range, text: insert }] });
  }

  async pull(uri: string): Promise<DocumentDiagnosticReport> {
    return this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
  }

  async rss(): Promise<number | undefined> {
    if (this.child.pid === undefined) return undefined;
    try {
      const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      return match === null ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch (error) {
      log(`the server did not shut down cleanly (${String(error)}); killing it`);
      this.child.kill();
    }
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}

export interface Latency {
  p50: number;
  p95: number;
  max: number;
  edits: number;
  /** The first full analysis after opening. */
  openMs: number;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens `file`, then types `statement` character by character on a new line after the line that
 * holds the first `anchor` past the middle of the file, erases it again with backspaces, and repeats until `edits` keystrokes were made;
 * after each keystroke the diagnostics are pulled and the time to the answer recorded.
 */
export async function typingLatency(serverJs: string, rootDir: string, file: string, anchor: string, statement: string, edits: number): Promise<Latency> {
  const client = await BenchClient.start(serverJs, rootDir);
  try {
    const text = await readFile(file, 'utf8');
    const uri = await client.open(file, text);
    const openStarted = performance.now();
    await client.pull(uri);
    const openMs = performance.now() - openStarted;
    // The first `anchor` after the middle of the file, so the edits happen in the middle.
    const middle = text.indexOf(anchor, Math.floor(text.length / 2));
    const anchorAt = middle >= 0 ? middle : text.indexOf(anchor);
    if (anchorAt < 0) throw new Error(`anchor ${anchor} not in ${file}`);
    const insertAt = text.indexOf('\n', anchorAt);
    const typed = `\n${statement}`;
    const times: number[] = [];
    let caret = insertAt;
    let length = 0;
    let erasing = false;
    while (times.length < edits) {
      if (!erasing) {
        await client.edit(uri, caret, typed[length]);
        caret++;
        length++;
        if (length === typed.length) erasing = true;
      } else {
        await client.edit(uri, caret, '', 1);
        caret--;
        length--;
        if (length === 0) erasing = false;
      }
      const started = performance.now();
      const report = await client.pull(uri);
      times.push(performance.now() - started);
      if (report.kind !== 'full') throw new Error('expected fresh diagnostics after an edit');
      // A fast typist: about 25 keystrokes a second.
      await sleep(40);
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), edits: times.length, openMs };
  } finally {
    await client.stop();
  }
}

export interface MemoryResult {
  files: number;
  afterOpenRss: number | undefined;
  edits: number;
  afterEditsRss: number | undefined;
  /**
   * After the edits and IDLE_MS of quiet, i.e. after the server's idle collection (it collects
   * once quiet for 5 s, see server/src/lsp/idleGc.ts): growth left here is not garbage.
   */
  idleRss: number | undefined;
  openAllMs: number;
}

const IDLE_MS = 10_000;

/** Opens every file (pulling each, as an editor does for open files), then makes `edits` edits to one of them. */
export async function serverMemory(serverJs: string, rootDir: string, files: readonly string[], edits: number): Promise<MemoryResult> {
  const client = await BenchClient.start(serverJs, rootDir);
  try {
    const started = performance.now();
    const uris: string[] = [];
    for (const file of files) {
      const uri = await client.open(file, await readFile(file, 'utf8'));
      uris.push(uri);
      await client.pull(uri);
    }
    const openAllMs = performance.now() - started;
    await sleep(500);
    const afterOpenRss = await client.rss();
    const target = uris[0];
    const text = await readFile(files[0], 'utf8');
    let caret = text.lastIndexOf('\n', text.length - 2);
    for (let i = 0; i < edits; i++) {
      // Type and erase a comment at the end of the file, pulling after every keystroke.
      if (i % 2 === 0) {
        await client.edit(target, caret, '/');
        caret++;
      } else {
        await client.edit(target, caret, '', 1);
        caret--;
      }
      await client.pull(target);
    }
    await sleep(500);
    const afterEditsRss = await client.rss();
    await sleep(IDLE_MS);
    return { files: files.length, afterOpenRss, edits, afterEditsRss, idleRss: await client.rss(), openAllMs };
  } finally {
    await client.stop();
  }
}
