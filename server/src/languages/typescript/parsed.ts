import type * as ts from 'typescript';
import type { Check, CheckContext } from '../../engine/languagePack';

/** A TypeScript/JavaScript file as the TypeScript pack's checks see it (syntax only, for now). */
export interface TypeScriptParsed {
  sourceFile: ts.SourceFile;
}

export type TypeScriptCheck = Check<TypeScriptParsed>;
export type TypeScriptCheckContext = CheckContext<TypeScriptParsed>;
