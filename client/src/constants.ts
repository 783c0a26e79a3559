/**
 * What the client registers and syncs: its command ids and the languages it serves. Kept free of
 * any `vscode` import so tests can check the manifest's `contributes` against it.
 */
import { Commands } from '../../server/src/lsp/protocol';

export const CLIENT_COMMANDS = [
  Commands.restartServer,
  Commands.showOutput,
  Commands.fixAll,
  Commands.openDocs,
  Commands.analyseWorkspace,
  Commands.writeInstructions,
] as const;

export type ClientCommand = (typeof CLIENT_COMMANDS)[number];

/** The language ids the client syncs to the server and shows its status item for. */
export const LANGUAGE_IDS = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'] as const;

/** Saved files and unsaved (untitled) editors in those languages. */
export const DOCUMENT_SELECTOR: { scheme: 'file' | 'untitled'; language: string }[] = LANGUAGE_IDS.flatMap((language) => [
  { scheme: 'file' as const, language },
  { scheme: 'untitled' as const, language },
]);

/** Python cells of Jupyter notebooks (synced through notebookDocument/*, analysed as one module). */
export const NOTEBOOK_CELL_SELECTOR = { notebook: 'jupyter-notebook', language: 'python' } as const;
