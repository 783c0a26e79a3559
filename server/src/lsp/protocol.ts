/**
 * What the client and the server agree on beyond LSP itself: the settings section, command ids,
 * the status notification. Imported by both sides (types and constants only, no runtime deps).
 */

/** The settings section (`asyncGuardrails.*`) and the prefix of every command id. */
export const SECTION = 'asyncGuardrails';

/** `source.fixAll.asyncGuardrails`: safe fixes only, for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = `source.fixAll.${SECTION}`;

export const Commands = {
  /** Client command (palette): restart the language server. */
  restartServer: `${SECTION}.restartServer`,
  /** Client command (palette): show the output channel. */
  showOutput: `${SECTION}.showOutput`,
  /** Client command (palette): apply every safe fix in the active file. */
  fixAll: `${SECTION}.fixAll`,
  /** Client command used by code actions: open a rule's documentation (argument: the docs URI). */
  openDocs: `${SECTION}.openDocs`,
  /** Server command (workspace/executeCommand): apply safe fixes to a document; argument: its URI. */
  serverApplyFixAll: `${SECTION}.server.applyFixAll`,
} as const;

/** When diagnostics are computed. */
export type RunMode = 'onType' | 'onSave';

/** Settings asked per resource through `workspace/configuration` (section `asyncGuardrails`). */
export interface ResourceSettings {
  enable: boolean;
  run: RunMode;
  /** Per-rule severity or `off`, by rule id. */
  rules: Record<string, string>;
}

export const DEFAULT_SETTINGS: ResourceSettings = { enable: true, run: 'onType', rules: {} };

/** Server → client notification that drives the Language Status item. */
export const STATUS_NOTIFICATION = `${SECTION}/status`;

export interface StatusParams {
  state: 'starting' | 'ready' | 'error';
  /** The document last analysed, and how long that took. */
  uri?: string;
  elapsedMs?: number;
  message?: string;
}
