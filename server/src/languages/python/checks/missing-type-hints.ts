import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/missing-type-hints';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { field, parentOf, typeOf } from '../facts/nodes';
import { decoratorExpression, decoratorsOf, docstringOf, syntaxIndex } from '../facts/syntaxIndex';
import { type FocusableCheck, inFocus } from '../incremental';

/** The parameter's name node when it carries no annotation; undefined for annotated ones and separators. */
function unannotatedName(param: Node): Node | undefined {
  switch (param.type) {
    case 'identifier':
      return param;
    case 'default_parameter':
      return field(param, 'name') ?? undefined;
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return param.namedChildren.find((c): c is Node => c !== null && c.type === 'identifier');
    default:
      // typed_parameter, typed_default_parameter, keyword_separator, positional_separator, comments
      return undefined;
  }
}

/** The last name of a decorator: `staticmethod`, `overload` for `typing.overload`, `setter` for `@x.setter`. */
function decoratorNames(fn: Node): string[] {
  const names: string[] = [];
  for (const decorator of decoratorsOf(fn)) {
    let expression = decoratorExpression(decorator);
    if (expression?.type === 'call') expression = field(expression, 'function') ?? undefined;
    if (expression?.type === 'identifier') names.push(expression.text);
    else if (expression?.type === 'attribute') names.push(field(expression, 'attribute')?.text ?? '');
  }
  return names;
}

/** True when `fn` is defined directly in a class body. */
function isMethod(fn: Node): boolean {
  const parent = parentOf(fn);
  const holder = parent !== null && typeOf(parent) === 'decorated_definition' ? parent : fn;
  const block = parentOf(holder);
  if (block === null || typeOf(block) !== 'block') return false;
  const body = parentOf(block);
  return body !== null && typeOf(body) === 'class_definition';
}

function isNested(facts: PythonFacts, fn: Node): boolean {
  return facts.enclosingFunction(fn) !== undefined;
}

const NESTED_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

interface BodyFacts {
  returnsValue: boolean;
  yields: boolean;
}

/** True when `node` runs in `fn` itself, not in a function, lambda or class nested in it. */
function isOwnedBy(node: Node, fn: Node): boolean {
  for (let parent = parentOf(node); parent !== null; parent = parentOf(parent)) {
    if (parent.id === fn.id) return true;
    if (NESTED_SCOPES.has(parent.type)) return false;
  }
  return false;
}

/** Whether the function's own body (not nested defs, lambdas or classes) returns a value or yields. */
function bodyFacts(fn: Node, body: Node): BodyFacts {
  const found: BodyFacts = { returnsValue: false, yields: false };
  for (const node of body.descendantsOfType(['return_statement', 'yield'])) {
    if (node === null || !isOwnedBy(node, fn)) continue;
    if (node.type === 'yield') found.yields = true;
    else {
      const value = node.namedChildren.find((c) => c !== null && c.type !== 'comment');
      if (value !== undefined && value !== null && value.type !== 'none') found.returnsValue = true;
    }
    if (found.yields && found.returnsValue) break;
  }
  return found;
}

/** Decorators after which `-> None` may be wrong: the body is a placeholder for the real type. */
const NO_NONE_FIX: ReadonlySet<string> = new Set(['overload', 'abstractmethod', 'abstractproperty', 'property', 'cached_property', 'abstractclassmethod', 'abstractstaticmethod']);

function isStubStatement(statement: Node): boolean {
  if (statement.type === 'pass_statement') return true;
  return statement.type === 'expression_statement' && statement.namedChildCount === 1 && statement.firstNamedChild?.type === 'ellipsis';
}

/**
 * `-> None` is offered when the body can only end by returning nothing: no `return <value>`, no
 * `yield`, not a placeholder body (`...`, `pass`, or ending in `raise`, as stubs, protocols and
 * abstract methods are written), and no decorator that makes the body a placeholder.
 */
function noneFix(fn: Node, fileName: string): Fix[] {
  const parameters = field(fn, 'parameters');
  const body = field(fn, 'body');
  if (parameters === null || body === null || parameters.hasError || fn.hasError) return [];
  if (fileName.endsWith('.pyi')) return [];
  const isInit = field(fn, 'name')?.text === '__init__';
  const facts = bodyFacts(fn, body);
  if (facts.yields || facts.returnsValue) return [];
  if (!isInit) {
    if (decoratorNames(fn).some((n) => NO_NONE_FIX.has(n))) return [];
    const docstring = docstringOf(body);
    const statements = body.namedChildren.filter(
      (c): c is Node => c !== null && c.type !== 'comment' && (docstring === undefined || c.firstNamedChild?.id !== docstring.id),
    );
    if (statements.length === 0 || statements.every(isStubStatement)) return [];
    if (statements[statements.length - 1].type === 'raise_statement') return [];
  }
  return [
    {
      title: 'Annotate the return type as `-> None`',
      safety: 'safe',
      edits: [{ start: parameters.endIndex, end: parameters.endIndex, newText: ' -> None' }],
    },
  ];
}

/**
 * Focusable (see incremental.ts): a `def` is judged from its own header and body (and whether it
 * is nested), and reported (and fixed) inside itself; a unit's `def`s all start inside it.
 */
const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    const publicOnly = context.options.publicOnly === true;
    for (const fn of inFocus(syntaxIndex(context.parsed).functions, context.parsed.focus, (f) => f.startIndex)) {
      const name = field(fn, 'name');
      const parameters = field(fn, 'parameters');
      // A header the parser had to repair is being typed: wait until it parses.
      if (name === null || parameters === null || parameters.hasError) continue;
      if (publicOnly && ((name.text.startsWith('_') && !/^__\w+__$/.test(name.text)) || isNested(facts, fn))) continue;
      const params = parameters.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      // The first parameter of a method (`self`, `cls`, `mcs`, ...) is typed by its class.
      const skipFirst = isMethod(fn) && !decoratorNames(fn).includes('staticmethod');
      params.forEach((param, index) => {
        if (skipFirst && index === 0 && param.type === 'identifier') return;
        const unannotated = unannotatedName(param);
        if (unannotated === undefined) return;
        const shown = param.type === 'list_splat_pattern' ? `*${unannotated.text}` : param.type === 'dictionary_splat_pattern' ? `**${unannotated.text}` : unannotated.text;
        context.report({
          start: unannotated.startIndex,
          end: unannotated.endIndex,
          message: `Parameter \`${shown}\` of \`${name.text}\` has no type annotation.`,
        });
      });
      if (field(fn, 'return_type') === null) {
        context.report({
          start: name.startIndex,
          end: name.endIndex,
          message: `\`${name.text}\` has no return type annotation.`,
          fixes: noneFix(fn, context.fileName),
        });
      }
    }
  },
};

export default check;
