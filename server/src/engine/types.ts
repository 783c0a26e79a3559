/**
 * Core value types shared by the engine, the language packs, the language server and the CLI.
 * Offsets are UTF-16 code units into the analysed text (what JavaScript strings, the TypeScript
 * compiler and web-tree-sitter all use), so no conversion happens inside the rules.
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** How trustworthy a rule's fixes are. `safe` fixes cannot change behaviour and go into fix-all. */
export type FixSafety = 'safe' | 'unsafe' | 'none';

/** The language packs. `typescript` analyses TypeScript and JavaScript alike. */
export type PackId = 'python' | 'typescript';

/** A replacement of text[start, end) by newText. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  /** A single fix is either safe or unsafe; `none` only describes rules. */
  safety: 'safe' | 'unsafe';
  edits: TextEdit[];
}

/** What a check reports: where and what, with optional fixes (best fix first). */
export interface Report {
  start: number;
  end: number;
  message: string;
  fixes?: Fix[];
}

/** A report after the engine has attached the rule and its effective severity. */
export interface Finding extends Report {
  ruleId: string;
  severity: Severity;
}

/** 0-based line and UTF-16 character, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}
