/**
 * The VS Code side of Async Guardrails, kept deliberately thin: it starts the language server,
 * shows its state in a Language Status item, and offers four commands. Every analysis, setting
 * lookup and fix happens in the server (dist/server.js).
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  DiagnosticPullMode,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  Commands,
  SECTION,
  STATUS_NOTIFICATION,
  type RunMode,
  type StatusParams,
  type WriteInstructionsArgs,
  type WriteInstructionsResult,
  SERVER_PROCESS,
} from '../../server/src/lsp/protocol';
import { DOCUMENT_SELECTOR, LANGUAGE_IDS, NOTEBOOK_CELL_SELECTOR, type ClientCommand } from './constants';
import { CrashPolicy, crashMessage } from './crashPolicy';
import { StatusItem } from './status';

const NAME = 'Async Guardrails';

let client: LanguageClient | undefined;
/** Set while we stop the server on purpose, so the status item does not report a crash. */
let stopRequested = false;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(NAME, { log: true });
  const status = new StatusItem();
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    // Node flags and environment measured to keep the server's memory flat (see SERVER_PROCESS).
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_PROCESS.execArgv], env: { ...SERVER_PROCESS.env } } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011', ...SERVER_PROCESS.execArgv], env: { ...SERVER_PROCESS.env } } },
  };

  const crashes = new CrashPolicy();
  let restartTimer: NodeJS.Timeout | undefined;
  /** Set when the error handler reported a crash (with its restart plan) during the current start. */
  let crashReported = false;
  const clientOptions: LanguageClientOptions = {
    // Restart after a crash with a growing pause; stop after repeated crashes, saying so.
    errorHandler: {
      error: (_error, _message, count) => ({ action: (count ?? 0) < 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
      closed: () => {
        if (stopRequested) return { action: CloseAction.DoNotRestart, handled: true };
        const decision = crashes.crashed();
        const message = crashMessage(decision);
        crashReported = true;
        output.error(message);
        status.failed(message);
        if (!('giveUp' in decision)) {
          restartTimer = setTimeout(() => {
            restartTimer = undefined;
            languageClient.start().catch((error: unknown) => output.error(`Restarting the server failed: ${describe(error)}`));
          }, decision.restartInMs);
        }
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
    // A server that dies while starting is reported once, by the crash handling above (status item
    // and output), instead of the library's own pop-ups on top of it; no retry from here.
    initializationFailedHandler: (error) => {
      output.error(`The server failed to initialise: ${describe(error)}`);
      return false;
    },
    documentSelector: [...DOCUMENT_SELECTOR, NOTEBOOK_CELL_SELECTOR],
    outputChannel: output,
    // The server pulls settings per resource (workspace/configuration); registering the section
    // only makes the client send workspace/didChangeConfiguration so the server re-pulls them.
    // Config files are watched by the server itself (a dynamic workspace/didChangeWatchedFiles
    // registration), which also reports the editor's own saves: nothing to forward from here.
    synchronize: { configurationSection: SECTION },
    diagnosticPullOptions: {
      onChange: true,
      onSave: true,
      // `asyncGuardrails.run: onSave` skips the pulls while typing. The server honours the setting
      // as well; this only saves the round trips.
      filter: (document, mode) => mode === DiagnosticPullMode.onType && runMode(document.uri) === 'onSave',
    },
  };

  const languageClient = new LanguageClient(SECTION, NAME, serverOptions, clientOptions);
  client = languageClient;

  context.subscriptions.push(
    languageClient.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status.fromServer(params)),
    languageClient.onDidChangeState(({ newState }) => {
      switch (newState) {
        case State.Starting:
          crashReported = false;
          status.starting();
          break;
        case State.Running:
          stopRequested = false;
          status.running();
          break;
        case State.StartFailed:
          // A server that died while starting was already reported as a crash, with what happens
          // next (a restart, or giving up): keep that message.
          if (!crashReported) status.failed('The server could not be started; see the output.');
          break;
        case State.Stopped:
          // An unexpected stop is reported by the error handler (with the restart plan).
          if (stopRequested) status.stopped();
          break;
      }
    }),
  );

  const handlers: Record<ClientCommand, (...args: unknown[]) => unknown> = {
    [Commands.restartServer]: async () => {
      crashes.reset();
      if (restartTimer !== undefined) clearTimeout(restartTimer);
      restartTimer = undefined;
      try {
        if (languageClient.state === State.Running) {
          stopRequested = true;
          await languageClient.restart();
        } else if (languageClient.state === State.Starting) {
          output.info('Restart: the server is already starting.');
        } else {
          // Stopped after crashes, or never started: there is nothing to stop first.
          await languageClient.start();
        }
      } catch (error) {
        // A failed start is already reported by the language client (with a way to the output).
        output.error(`Restarting the server failed: ${describe(error)}`);
        status.failed('The server could not be restarted; see the output.');
      }
    },
    [Commands.showOutput]: () => output.show(true),
    [Commands.fixAll]: () => fixAll(languageClient, output),
    [Commands.openDocs]: (target: unknown) => openDocs(target, output),
    [Commands.analyseWorkspace]: () => runServerCommand(languageClient, output, Commands.serverAnalyseWorkspace, []),
    [Commands.writeInstructions]: () => writeInstructions(languageClient, output),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }

  try {
    await languageClient.start();
  } catch (error) {
    // The language client already logged the failure and offered to open the output.
    output.error(`Starting the server failed: ${describe(error)}`);
    status.failed('The server could not be started; see the output.');
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined || running.state !== State.Running) return;
  stopRequested = true;
  await running.stop();
}

function runMode(resource: vscode.Uri): RunMode {
  return vscode.workspace.getConfiguration(SECTION, resource).get<RunMode>('run', 'onType');
}

/** Asks the server to apply every safe fix to the active document; it edits via workspace/applyEdit. */
async function fixAll(languageClient: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined || !(LANGUAGE_IDS as readonly string[]).includes(document.languageId)) {
    output.info('Fix all: the active editor is not a Python, TypeScript or JavaScript file.');
    return;
  }
  if (languageClient.state === State.Stopped || languageClient.state === State.StartFailed) {
    const restart = 'Restart Server';
    const choice = await vscode.window.showWarningMessage('The Async Guardrails server is not running.', restart);
    if (choice === restart) await vscode.commands.executeCommand(Commands.restartServer);
    return;
  }
  try {
    await languageClient.sendRequest(ExecuteCommandRequest.type, {
      command: Commands.serverApplyFixAll,
      arguments: [document.uri.toString()],
    });
  } catch (error) {
    await reportFailure(output, 'Async Guardrails could not apply the fixes.', error);
  }
}

/** Runs a server command, offering a restart when the server is down. */
async function runServerCommand(languageClient: LanguageClient, output: vscode.LogOutputChannel, command: string, args: unknown[]): Promise<unknown> {
  if (languageClient.state !== State.Running) {
    const restart = 'Restart Server';
    const choice = await vscode.window.showWarningMessage('The Async Guardrails server is not running.', restart);
    if (choice === restart) await vscode.commands.executeCommand(Commands.restartServer);
    return undefined;
  }
  try {
    return await languageClient.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  } catch (error) {
    await reportFailure(output, 'Async Guardrails could not run the command.', error);
    return undefined;
  }
}

/** Asks where to write the instructions, lets the server write them, opens the file. */
async function writeInstructions(languageClient: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: '.github/copilot-instructions.md', description: 'repository-wide instructions', format: 'copilot' as const },
      { label: '.github/instructions/async-guardrails.instructions.md', description: 'applied to Python / TypeScript / JavaScript files', format: 'instructions' as const },
    ],
    { title: 'Write AI assistant instructions from the active rules' },
  );
  if (picked === undefined) return;
  const args: WriteInstructionsArgs = { format: picked.format };
  const results = (await runServerCommand(languageClient, output, Commands.serverWriteInstructions, [args])) as WriteInstructionsResult[] | undefined;
  if (results === undefined || results.length === 0) return;
  for (const result of results) output.info(`Instructions ${result.changed ? 'written to' : 'already up to date in'} ${result.file}`);
  await vscode.window.showTextDocument(vscode.Uri.file(results[0].file));
}

/** Opens a rule's documentation: web pages in the browser, Markdown files as a preview. */
async function openDocs(target: unknown, output: vscode.LogOutputChannel): Promise<void> {
  if (typeof target !== 'string' || target === '') {
    output.warn(`Open docs: expected a URI string, got ${describe(target)}`);
    return;
  }
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(target, true);
  } catch (error) {
    output.warn(`Open docs: ${target} is not a URI: ${describe(error)}`);
    return;
  }
  if (uri.scheme === 'http' || uri.scheme === 'https') {
    await vscode.env.openExternal(uri);
  } else if (uri.scheme === 'file' && uri.path.toLowerCase().endsWith('.md')) {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } else {
    await vscode.commands.executeCommand('vscode.open', uri);
  }
}

/** Logs a failure and shows it once, with the way to the details. */
async function reportFailure(output: vscode.LogOutputChannel, message: string, error: unknown): Promise<void> {
  output.error(`${message} ${describe(error)}`);
  const show = 'Show Output';
  if ((await vscode.window.showErrorMessage(message, show)) === show) output.show(true);
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}
