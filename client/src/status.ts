import * as vscode from 'vscode';
import { Commands, type StatusParams } from '../../server/src/lsp/protocol';
import { DOCUMENT_SELECTOR } from './constants';

type Shown = 'starting' | 'ready' | 'error' | 'stopped';

const ICONS: Readonly<Record<Shown, string>> = {
  starting: '$(loading~spin)',
  ready: '$(check)',
  error: '$(error)',
  stopped: '$(circle-slash)',
};

/**
 * The one piece of UI the client owns: a Language Status item for the languages we lint. It shows
 * the server's state and the duration of the last analysis; clicking it opens the output channel.
 */
export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private state: Shown = 'starting';
  /** The error shown is the client's own (a crash, a failed start): a successful start clears it. */
  private clientError = false;
  private lastAnalysis: { uri?: string; elapsedMs: number; budgetMs?: number } | undefined;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('asyncGuardrails.status', DOCUMENT_SELECTOR);
    this.item.name = 'Async Guardrails';
    this.item.command = { title: 'Show Output', command: Commands.showOutput, tooltip: 'Open the Async Guardrails output' };
    this.show('starting');
  }

  /** A status notification from the server. */
  fromServer(params: StatusParams): void {
    if (params.elapsedMs !== undefined) {
      this.lastAnalysis = { uri: params.uri, elapsedMs: params.elapsedMs, budgetMs: params.timeBudgetMs };
    }
    this.clientError = false;
    this.show(params.state, params.message);
  }

  starting(): void {
    this.show('starting');
  }

  /**
   * The client finished its handshake: ready, unless the server already reported a problem (a
   * crash or failed start reported by the client is over once the server runs again).
   */
  running(): void {
    if (this.state !== 'error' || this.clientError) {
      this.clientError = false;
      this.show('ready');
    }
  }

  /** Start failed, or the server went away without being asked to. */
  failed(message: string): void {
    this.clientError = true;
    this.show('error', message);
  }

  stopped(): void {
    this.show('stopped', 'The server is stopped.');
  }

  private show(state: Shown, message?: string): void {
    this.state = state;
    const last = this.lastAnalysis;
    const overBudget = state === 'ready' && last?.budgetMs !== undefined && last.elapsedMs > last.budgetMs;
    this.item.text = overBudget ? `$(warning) Async Guardrails ${formatMs(last.elapsedMs)}` : `${ICONS[state]} Async Guardrails`;
    this.item.busy = state === 'starting';
    this.item.severity =
      state === 'error'
        ? vscode.LanguageStatusSeverity.Error
        : overBudget
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
    const parts: string[] = [];
    if (message !== undefined && message !== '') parts.push(message);
    else if (state === 'starting') parts.push('Starting the server…');
    if (this.lastAnalysis !== undefined) {
      const { uri, elapsedMs } = this.lastAnalysis;
      const file = uri === undefined ? '' : ` (${baseName(uri)})`;
      const budget = overBudget && last?.budgetMs !== undefined ? `, over the ${formatMs(last.budgetMs)} budget` : '';
      parts.push(`last analysis ${formatMs(elapsedMs)}${file}${budget}`);
    }
    this.item.detail = parts.join(' · ');
    this.item.accessibilityInformation = { label: `Async Guardrails: ${state}. ${this.item.detail}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function baseName(uri: string): string {
  const path = vscode.Uri.parse(uri).path;
  return path.slice(path.lastIndexOf('/') + 1) || uri;
}
