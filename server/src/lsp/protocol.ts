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
  /** Client command (palette): analyse every file of the workspace once (even with the setting off). */
  analyseWorkspace: `${SECTION}.analyseWorkspace`,
  /** Client command (palette): write the AI assistant instructions file from the active rules. */
  writeInstructions: `${SECTION}.writeInstructions`,
  /** Server command (workspace/executeCommand): apply safe fixes to a document; argument: its URI. */
  serverApplyFixAll: `${SECTION}.server.applyFixAll`,
  /** Server command: (re)analyse the workspace now; no arguments. */
  serverAnalyseWorkspace: `${SECTION}.server.analyseWorkspace`,
  /** Server command: write AI assistant instructions; argument: `WriteInstructionsArgs`; returns `WriteInstructionsResult[]`. */
  serverWriteInstructions: `${SECTION}.server.writeInstructions`,
} as const;

/** When diagnostics are computed. */
export type RunMode = 'onType' | 'onSave';

/** Settings asked per resource through `workspace/configuration` (section `asyncGuardrails`). */
export interface ResourceSettings {
  enable: boolean;
  run: RunMode;
  /** Per-rule severity or `off`, by rule id or glob over rule ids; overrides config files per rule. */
  rules: Record<string, string>;
  /** Analyse every file of the workspace folder in the background (workspace/diagnostic). */
  workspaceDiagnostics: boolean;
  /** `fixAll.rules`: rule ids or globs whose safe fixes fix-all may apply. */
  fixAllRules: string[];
  /** An analysis slower than this turns the status item to a warning. */
  timeBudgetMs: number;
}

export const DEFAULT_SETTINGS: ResourceSettings = {
  enable: true,
  run: 'onType',
  rules: {},
  workspaceDiagnostics: false,
  fixAllRules: ['*'],
  timeBudgetMs: 200,
};

/** Arguments of `serverWriteInstructions`. */
export interface WriteInstructionsArgs {
  format: 'copilot' | 'instructions';
}

export interface WriteInstructionsResult {
  file: string;
  changed: boolean;
}

/** Server → client notification that drives the Language Status item. */
export const STATUS_NOTIFICATION = `${SECTION}/status`;

export interface StatusParams {
  state: 'starting' | 'ready' | 'error';
  /** The document last analysed, and how long that took. */
  uri?: string;
  elapsedMs?: number;
  /** The time budget in force for that document (`asyncGuardrails.timeBudgetMs`). */
  timeBudgetMs?: number;
  message?: string;
}

/**
 * How the server process is started (node `fork`): by the client, and by the tests and benchmarks
 * that drive the real server as VS Code does. Measured on 300 generated TS files + 1,000 edits
 * (server RSS growth over the edits / server CPU for them):
 * - `--heap-growing-percent=100`: without it V8, whose heap is uncapped, lets the old generation
 *   grow to about 4× the live size before a full collection, so the RSS climbed by +286 MB of
 *   garbage (not a leak: a forced GC brought it back to +6 MB). Growing by 2× instead: +137 MB,
 *   CPU 25 s vs 23 s. No cap: a large workspace still gets all the heap it needs.
 * - `MALLOC_ARENA_MAX=2`: fewer glibc malloc arenas for V8's GC and compiler threads: native
 *   memory 70 MB instead of 80 MB after opening, and it no longer creeps up over the edits.
 * - `--expose-gc`: lets the server collect its garbage once it goes quiet (IdleCollector in
 *   server/src/lsp/idleGc.ts): on 300 files, RSS 500 → 338 MB 6 s after 1,000 edits, where V8
 *   alone kept 450 MB. Without the flag the server works the same but keeps its garbage.
 */
export const SERVER_PROCESS: { readonly execArgv: readonly string[]; readonly env: Readonly<Record<string, string>> } = {
  execArgv: ['--heap-growing-percent=100', '--expose-gc'],
  env: { MALLOC_ARENA_MAX: '2' },
};
