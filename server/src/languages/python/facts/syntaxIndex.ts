import type { Node } from 'web-tree-sitter';
import type { SourceText } from '../../../engine/sourceText';
import type { PythonParsed } from '../parsed';
import { field, parentOf, typeOf } from './nodes';
import { buildScopeTable } from './scopes';

/**
 * Nodes of a few kinds that several rules look for (except handlers, function definitions,
 * comments), collected in one search per parse and cached, so no rule walks the whole tree
 * again on its own.
 */
export interface SyntaxIndex {
  /** `except` / `except*` clauses, in document order. */
  readonly exceptClauses: readonly Node[];
  /** `def` / `async def` (not lambdas), in document order. */
  readonly functions: readonly Node[];
  readonly comments: readonly Node[];
  /** True when the module has a top-level `if __name__ == "__main__":` (it is a script). */
  readonly isScript: boolean;
}

const cache = new WeakMap<PythonParsed, SyntaxIndex>();

function isMainGuard(statement: Node): boolean {
  if (statement.type !== 'if_statement') return false;
  const condition = field(statement, 'condition');
  if (condition?.type !== 'comparison_operator' || condition.namedChildCount !== 2) return false;
  const [left, right] = [condition.namedChild(0), condition.namedChild(1)];
  if (left === null || right === null || !condition.children.some((c) => c?.type === '==')) return false;
  const isName = (n: Node): boolean => n.type === 'identifier' && n.text === '__name__';
  const isMain = (n: Node): boolean => n.type === 'string' && /^[rRbBuU]*(['"])\1?\1?__main__\1\1?\1?$/.test(n.text);
  return (isName(left) && isMain(right)) || (isName(right) && isMain(left));
}

/** The cached syntax index of a parsed Python file. */
export function syntaxIndex(parsed: PythonParsed): SyntaxIndex {
  let index = cache.get(parsed);
  if (index !== undefined) return index;
  // The scope table's one search already collected them.
  const { exceptClauses, functions, comments } = buildScopeTable(parsed);
  const isScript = parsed.root.namedChildren.some((c) => c !== null && isMainGuard(c));
  index = { exceptClauses, functions, comments, isScript };
  cache.set(parsed, index);
  return index;
}

/**
 * The statement `node` belongs to: the nearest ancestor (or itself) whose parent is a block or
 * the module. For a call in an `if`/`with`/`for` header, that is the compound statement.
 */
export function enclosingStatement(node: Node): Node {
  let current = node;
  for (let parent = parentOf(node); parent !== null; current = parent, parent = parentOf(parent)) {
    if (typeOf(parent) === 'block' || typeOf(parent) === 'module') return current;
  }
  return current;
}

/** The node a `def` is written as: its `decorated_definition` when it has decorators. */
export function definitionStatement(fn: Node): Node {
  return fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
}

/** The decorators of a `def` or `class` (empty when none). */
export function decoratorsOf(definition: Node): Node[] {
  const holder = definition.parent;
  if (holder?.type !== 'decorated_definition') return [];
  return holder.namedChildren.filter((c): c is Node => c !== null && c.type === 'decorator');
}

/** The expression of a decorator (`@a.b(...)` gives the call). */
export function decoratorExpression(decorator: Node): Node | undefined {
  return decorator.namedChildren.find((c): c is Node => c !== null && c.type !== 'comment') ?? undefined;
}

/** The docstring of a function, class or module body, when its first statement is a string. */
export function docstringOf(body: Node | null): Node | undefined {
  if (body === null) return undefined;
  const first = body.namedChildren.find((c) => c !== null && c.type !== 'comment');
  if (first?.type !== 'expression_statement' || first.namedChildCount !== 1) return undefined;
  const only = first.firstNamedChild;
  return only !== null && (only.type === 'string' || only.type === 'concatenated_string') ? only : undefined;
}

/** The whitespace that opens the line `offset` is on, when only whitespace precedes `offset`. */
export function indentationBefore(source: SourceText, offset: number): string | undefined {
  const line = source.positionAt(offset).line;
  const prefix = source.text.slice(source.lineStart(line), offset);
  return /^[ \t]*$/.test(prefix) ? prefix : undefined;
}

/**
 * The file is a test module by pytest's naming conventions (`test_*.py`, `*_test.py`,
 * `conftest.py`) or because it sits in a `tests` folder.
 */
export function isTestFileName(fileName: string): boolean {
  const parts = fileName.split(/[\\/]/);
  const base = parts[parts.length - 1] ?? '';
  if (/^test_.*\.pyi?$/.test(base) || /_test\.pyi?$/.test(base) || base === 'conftest.py') return true;
  return parts.slice(0, -1).includes('tests');
}
