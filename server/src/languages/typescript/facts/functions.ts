import ts from 'typescript';

/** Walks inside one function's own code: nested functions and classes are not entered. */

/**
 * Calls `visit` for every node under `root` (not `root` itself) that runs as part of the same
 * function: nested function-likes and class bodies are skipped. `visit` returning `false` stops
 * descent below that node.
 */
export function forEachOwnNode(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  const walk = (node: ts.Node): void => {
    if (visit(node) === false) return;
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(root, walk);
}

/** Whether an identifier is a reference to a variable (not a property name, label or declaration name). */
export function isValueReference(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === identifier) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === identifier) return false;
  if (ts.isQualifiedName(parent) && parent.right === identifier) return false;
  if ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === identifier) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === identifier) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  if (ts.isJsxAttribute(parent)) return false;
  return true;
}

/** Whether any identifier named like a binding of `name` (any of them) is referenced under `root`, nested functions included. */
export function referencesAny(root: ts.Node, names: ReadonlySet<string>): boolean {
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && names.has(node.text) && isValueReference(node)) {
      found = true;
      return;
    }
    if (ts.isShorthandPropertyAssignment(node) && names.has(node.name.text)) {
      found = true;
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(root);
  return found;
}

/** The names a binding pattern or identifier declares. */
export function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const names: string[] = [];
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) names.push(...boundNames(element.name));
  return names;
}
