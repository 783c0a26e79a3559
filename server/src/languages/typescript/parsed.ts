import type * as ts from 'typescript';
import type { Check, CheckContext } from '../../engine/languagePack';

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
}

export type TypeScriptCheck = Check<TypeScriptParsed>;
export type TypeScriptCheckContext = CheckContext<TypeScriptParsed>;
