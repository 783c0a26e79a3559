import type * as ts from 'typescript';
import type { Check, CheckContext } from '../../engine/languagePack';
import type { IncrementalSession } from './incremental';

/** Type information for one file: its SourceFile inside a program (whose nodes carry types). */
export interface TypeScriptTypes {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** The program's own SourceFile for this file: walk this one, not `TypeScriptParsed.sourceFile`. */
  sourceFile: ts.SourceFile;
}

/** A TypeScript/JavaScript file as the TypeScript pack's checks see it. */
export interface TypeScriptParsed {
  /** The syntax tree (cheap, always there). */
  sourceFile: ts.SourceFile;
  /**
   * Type information, built on first use and shared by all checks of this analysis; undefined
   * when none can be had. Only rules that need types call it, so syntax-only runs stay cheap.
   */
  types(): TypeScriptTypes | undefined;
  /** Bookkeeping of findings reuse across edits (see incremental.ts); undefined for JavaScript. */
  incremental?: IncrementalSession;
  /**
   * Set while a `focusable` check runs on an edited function body only: such a check then
   * reports exactly the findings that start inside [start, end), plus those it recomputed
   * elsewhere and declared with `own` (all others are kept from the previous analysis).
   */
  focus?: Focus;
}

/** The part of the file a focusable check must recompute (offsets in the analysed text). */
export interface Focus {
  readonly start: number;
  readonly end: number;
  /** Declares that the findings starting in [start, end), outside the focus, were recomputed. */
  own(start: number, end: number): void;
}

export type TypeScriptCheck = Check<TypeScriptParsed>;
export type TypeScriptCheckContext = CheckContext<TypeScriptParsed>;
