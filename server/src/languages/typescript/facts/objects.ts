import ts from 'typescript';
import type { TextEdit } from '../../../engine/types';
import { skipWrappers } from './bindings';

/** Helpers for option objects written inline (`fetch(url, { signal })`, `axios.get(url, { timeout })`). */

export type PropertyPresence = 'present' | 'absent' | 'unknown';

function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/**
 * Whether an object literal sets one of `keys`: `present` when it does, `absent` when it surely does
 * not, `unknown` when a spread or a computed key could supply it.
 */
export function objectHasProperty(object: ts.ObjectLiteralExpression, keys: readonly string[]): PropertyPresence {
  let unknown = false;
  for (const property of object.properties) {
    if (ts.isSpreadAssignment(property)) {
      unknown = true;
      continue;
    }
    const name = property.name;
    if (name === undefined) continue;
    const text = propertyNameText(name);
    if (text === undefined) {
      unknown = true;
      continue;
    }
    if (keys.includes(text)) return 'present';
  }
  return unknown ? 'unknown' : 'absent';
}

/** The object literal an expression is, through `(…)`, `as` and `satisfies`. */
export function asObjectLiteral(expression: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  if (expression === undefined) return undefined;
  const node = skipWrappers(expression);
  return ts.isObjectLiteralExpression(node) ? node : undefined;
}

function lineIndentAt(text: string, offset: number): string {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/**
 * An edit adding `key: value` to an object literal, in its layout: `{}` becomes `{ key: value }`;
 * a one-line object gets `, key: value` after its last property; a multi-line one gets a new line
 * with the last property's indentation (after a trailing comma, if there is one).
 */
export function addPropertyEdit(object: ts.ObjectLiteralExpression, property: string, sourceFile: ts.SourceFile, eol: string): TextEdit {
  const text = sourceFile.text;
  const properties = object.properties;
  if (properties.length === 0) {
    return { start: object.getStart(sourceFile), end: object.getEnd(), newText: `{ ${property} }` };
  }
  const last = properties[properties.length - 1];
  const lastStart = last.getStart(sourceFile);
  const openLine = ts.getLineAndCharacterOfPosition(sourceFile, object.getStart(sourceFile)).line;
  const lastLine = ts.getLineAndCharacterOfPosition(sourceFile, lastStart).line;
  const trailingComma = properties.hasTrailingComma;
  // `properties.end` is after a trailing comma when there is one.
  const afterLast = trailingComma ? text.indexOf(',', last.getEnd()) + 1 : last.getEnd();
  if (openLine === lastLine) {
    return trailingComma
      ? { start: afterLast, end: afterLast, newText: ` ${property},` }
      : { start: afterLast, end: afterLast, newText: `, ${property}` };
  }
  const indent = lineIndentAt(text, lastStart);
  return trailingComma
    ? { start: afterLast, end: afterLast, newText: `${eol}${indent}${property},` }
    : { start: afterLast, end: afterLast, newText: `,${eol}${indent}${property}` };
}
