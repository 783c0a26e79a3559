import ts from 'typescript';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/missing-type-hints';
import { forEachOwnNode } from '../facts/functions';
import { hasModifier } from '../facts/scope';
import { type FocusableCheck } from '../incremental';
import type { TypeScriptTypes } from '../parsed';

/**
 * TypeScript files only (`.ts`, `.tsx`, `.mts`, `.cts`; never `.d.ts` or JavaScript): functions and
 * methods without an explicit return type, parameters without a type, and explicit `any` in
 * parameter types.
 *
 * Which functions: with `publicOnly` (the module's API), exported functions (`export function`,
 * `export const f = () => …`, `export default function`, names in `export { … }`) and the public
 * methods of exported classes. Without it (the default), also the module's other top-level
 * functions and the methods of its other classes, private ones included. Functions nested in other
 * functions, callbacks and object-literal methods are never checked: their types come from
 * context. A variable with a type annotation (`const h: Handler = (req) => …`) types its function.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;

type Checked = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression;

interface Candidate {
  fn: Checked;
  /** Where the finding sits: the function's (or variable's) name, or its `function`/`default` keyword. */
  anchor: ts.Node;
  label: string;
}

const TS_FILE = /\.(ts|tsx|mts|cts)$/i;

function exportedNames(statements: readonly ts.Statement[]): Set<string> {
  const names = new Set<string>();
  for (const statement of statements) {
    if (!ts.isExportDeclaration(statement) || statement.moduleSpecifier !== undefined || statement.isTypeOnly) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) continue;
    for (const element of clause.elements) names.add((element.propertyName ?? element.name).text);
  }
  for (const statement of statements) {
    if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) names.add(statement.expression.text);
  }
  return names;
}

function isExported(node: ts.Node, name: string | undefined, listed: ReadonlySet<string>): boolean {
  return hasModifier(node, SyntaxKind.ExportKeyword) || (name !== undefined && listed.has(name));
}

/**
 * The names of the overload signatures (bodiless function or method declarations) among
 * `siblings`: a function whose name is in it has overloads, so its implementation's types are not
 * what callers see. One pass per list, not one per function.
 */
function overloadedNames(siblings: readonly ts.Node[]): Set<string> {
  const names = new Set<string>();
  for (const s of siblings) {
    if ((ts.isFunctionDeclaration(s) || ts.isMethodDeclaration(s)) && s.body === undefined && s.name !== undefined) names.add(s.name.getText());
  }
  return names;
}

/** Whether `fn` (which has a body) has overload signatures among its siblings (see overloadedNames). */
function hasOverloads(fn: ts.FunctionDeclaration | ts.MethodDeclaration, overloaded: ReadonlySet<string>): boolean {
  const name = fn.name?.getText();
  return name !== undefined && overloaded.has(name);
}

function functionValue(expression: ts.Expression | undefined): ts.ArrowFunction | ts.FunctionExpression | undefined {
  let node = expression;
  while (node !== undefined && ts.isParenthesizedExpression(node)) node = node.expression;
  return node !== undefined && (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) ? node : undefined;
}

function candidates(sourceFile: ts.SourceFile, publicOnly: boolean): Candidate[] {
  const found: Candidate[] = [];
  const visitStatements = (statements: readonly ts.Statement[], inExportedNamespace: boolean): void => {
    const listed = exportedNames(statements);
    const overloaded = overloadedNames(statements);
    for (const statement of statements) {
      if (ts.isFunctionDeclaration(statement)) {
        if (statement.body === undefined || hasOverloads(statement, overloaded)) continue;
        const exported = isExported(statement, statement.name?.text, listed) && inExportedNamespace;
        if (publicOnly && !exported) continue;
        const anchor = statement.name ?? statement.getChildren().find((c) => c.kind === SyntaxKind.FunctionKeyword) ?? statement;
        found.push({ fn: statement, anchor, label: statement.name === undefined ? 'the default export' : `\`${statement.name.text}\`` });
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          const fn = functionValue(declaration.initializer);
          if (fn === undefined || declaration.type !== undefined || !ts.isIdentifier(declaration.name)) continue;
          const exported = isExported(statement, declaration.name.text, listed) && inExportedNamespace;
          if (publicOnly && !exported) continue;
          found.push({ fn, anchor: declaration.name, label: `\`${declaration.name.text}\`` });
        }
      } else if (ts.isExportAssignment(statement)) {
        const fn = functionValue(statement.expression);
        const keyword = statement.getChildren().find((c) => c.kind === SyntaxKind.DefaultKeyword);
        if (fn !== undefined && inExportedNamespace) found.push({ fn, anchor: keyword ?? statement, label: 'the default export' });
      } else if (ts.isClassDeclaration(statement)) {
        const exported = isExported(statement, statement.name?.text, listed) && inExportedNamespace;
        if (publicOnly && !exported) continue;
        const overloadedMembers = overloadedNames(statement.members);
        for (const member of statement.members) {
          const isPrivate = hasModifier(member, SyntaxKind.PrivateKeyword) || (member.name !== undefined && ts.isPrivateIdentifier(member.name));
          const isProtected = hasModifier(member, SyntaxKind.ProtectedKeyword);
          if (publicOnly && (isPrivate || isProtected)) continue;
          if (member.name === undefined || ts.isComputedPropertyName(member.name)) continue;
          const memberName = member.name.getText(sourceFile);
          if (ts.isMethodDeclaration(member)) {
            if (member.body === undefined || hasOverloads(member, overloadedMembers)) continue;
            found.push({ fn: member, anchor: member.name, label: `\`${memberName}\`` });
          } else if (ts.isPropertyDeclaration(member) && member.type === undefined) {
            const fn = functionValue(member.initializer);
            if (fn !== undefined) found.push({ fn, anchor: member.name, label: `\`${memberName}\`` });
          }
        }
      } else if (ts.isModuleDeclaration(statement) && statement.body !== undefined && ts.isModuleBlock(statement.body)) {
        visitStatements(statement.body.statements, inExportedNamespace && hasModifier(statement, SyntaxKind.ExportKeyword));
      }
    }
  };
  visitStatements(sourceFile.statements, true);
  return found;
}

/** The `)` that closes the parameter list, or undefined for `x => …`. */
function closeParen(fn: Checked, sourceFile: ts.SourceFile): ts.Node | undefined {
  return fn.getChildren(sourceFile).find((c) => c.kind === SyntaxKind.CloseParenToken);
}

function returnsValue(fn: Checked): boolean {
  if (fn.body === undefined) return false;
  if (!ts.isBlock(fn.body)) return true;
  let found = false;
  forEachOwnNode(fn.body, (node) => {
    if (ts.isReturnStatement(node) && node.expression !== undefined) found = true;
    return !found;
  });
  return found;
}

/** Type names the printed type refers to (the leftmost identifier of each reference and `typeof` query). */
function referencedTypeNames(printed: string): string[] | undefined {
  const file = ts.createSourceFile('type.ts', `type __T = ${printed};`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  if ((file as unknown as { parseDiagnostics: readonly unknown[] }).parseDiagnostics.length > 0) return undefined;
  const names: string[] = [];
  const leftmost = (name: ts.EntityName): string => (ts.isIdentifier(name) ? name.text : leftmost(name.left));
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node)) names.push(leftmost(node.typeName));
    else if (ts.isTypeQueryNode(node)) names.push(leftmost(node.exprName));
    else if (ts.isImportTypeNode(node)) names.push('import(');
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/** The checker's inferred return type, when it prints without `any`, import paths or names not in scope. */
function inferredReturnType(fn: Checked, types: TypeScriptTypes): string | undefined {
  // The checker's nodes live in the program's SourceFile: find the same function there.
  const target = findSameNode(types.sourceFile, fn);
  if (target === undefined || !ts.isFunctionLike(target)) return undefined;
  const checker = types.checker;
  const signature = checker.getSignatureFromDeclaration(target as ts.SignatureDeclaration);
  if (signature === undefined) return undefined;
  const type = checker.getReturnTypeOfSignature(signature);
  const printed = checker.typeToString(type, target, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType);
  if (/\bany\b|import\(|\.\.\./.test(printed)) return undefined;
  const names = referencedTypeNames(printed);
  if (names === undefined) return undefined;
  if (names.length > 0) {
    // Asked at the function's parent: names declared inside the function are not visible in its signature.
    const inScope = new Set(checker.getSymbolsInScope(target.parent, ts.SymbolFlags.Type | ts.SymbolFlags.Namespace | ts.SymbolFlags.Value).map((s) => s.name));
    if (!names.every((n) => inScope.has(n))) return undefined;
  }
  return printed;
}

function findSameNode(root: ts.SourceFile, node: ts.Node): ts.Node | undefined {
  const start = node.pos;
  const end = node.end;
  const kind = node.kind;
  let found: ts.Node | undefined;
  const visit = (child: ts.Node): void => {
    if (found !== undefined || child.pos > start || child.end < end) return;
    if (child.pos === start && child.end === end && child.kind === kind) {
      found = child;
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(root);
  return found;
}

function returnTypeFix(fn: Checked, sourceFile: ts.SourceFile, types: TypeScriptTypes | undefined): Fix | undefined {
  const paren = closeParen(fn, sourceFile);
  if (paren === undefined || fn.asteriskToken !== undefined) return undefined;
  let printed: string | undefined;
  if (types !== undefined && types.sourceFile.text === sourceFile.text) printed = inferredReturnType(fn, types);
  if (printed === undefined && !returnsValue(fn)) {
    printed = hasModifier(fn, SyntaxKind.AsyncKeyword) ? 'Promise<void>' : 'void';
  }
  if (printed === undefined) return undefined;
  const at = paren.getEnd();
  return { title: `Add the return type \`${printed}\``, safety: 'safe', edits: [{ start: at, end: at, newText: `: ${printed}` }] };
}

/**
 * Focusable: findings sit on top-level functions and class members, never inside a function body;
 * an edit inside a stable body (its function's return type declared) changes no inferred type
 * elsewhere, nor the names in scope at the top level. So a focused run finds nothing new.
 */
const check: FocusableCheck = {
  rule,
  focusable: true,
  run(context) {
    const { sourceFile, focus } = context.parsed;
    if (focus !== undefined) return;
    if (!TS_FILE.test(context.fileName) || context.fileName.toLowerCase().endsWith('.d.ts') || sourceFile.isDeclarationFile) return;
    const publicOnly = context.options.publicOnly === true;
    let types: TypeScriptTypes | undefined | null = null;
    const typesOnce = (): TypeScriptTypes | undefined => {
      if (types === null) types = context.parsed.types();
      return types;
    };

    for (const { fn, anchor, label } of candidates(sourceFile, publicOnly)) {
      for (const parameter of fn.parameters) {
        const name = parameter.name.getText(sourceFile);
        if (name === 'this') continue;
        if (parameter.type === undefined) {
          if (parameter.initializer !== undefined) continue; // typed by its default value
          context.report({
            start: parameter.name.getStart(sourceFile),
            end: parameter.name.getEnd(),
            message: `The parameter \`${name}\` of ${label} has no type (it is implicitly \`any\`); annotate it.`,
          });
          continue;
        }
        const visit = (node: ts.Node): void => {
          if (node.kind === SyntaxKind.AnyKeyword) {
            context.report({
              start: node.getStart(sourceFile),
              end: node.getEnd(),
              message: `Explicit \`any\` in the parameter \`${name}\` of ${label} switches type checking off for every caller; use a real type or \`unknown\`.`,
            });
          }
          ts.forEachChild(node, visit);
        };
        visit(parameter.type);
      }
      if (fn.type !== undefined) continue;
      const fix = returnTypeFix(fn, sourceFile, typesOnce());
      context.report({
        start: anchor.getStart(sourceFile),
        end: anchor.getEnd(),
        message: `${label.charAt(0).toUpperCase()}${label.slice(1)} has no explicit return type; declare it, so a change in the body cannot silently change what callers get.`,
        ...(fix === undefined ? {} : { fixes: [fix] }),
      });
    }
  },
};

export default check;
