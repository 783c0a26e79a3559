import ts from 'typescript';
import rule from '../../../rules/signal-not-propagated';
import { skipWrappers } from '../facts/bindings';
import { isAbortSignalType } from '../facts/promiseTypes';
import { isFunctionLike, type FunctionLike } from '../facts/scope';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';
import type { TypeScriptTypes } from '../parsed';

/**
 * Inside a function that receives an `AbortSignal` (a parameter, a destructured `signal`, or an
 * options parameter with a `signal` property), a call to an API that accepts a signal (found
 * through the called signature's parameter types: an `AbortSignal` parameter, or an options
 * object with a `signal` property) made without one. Cancelling the caller then leaves that work
 * running. Type-aware only: without types nothing is reported.
 */

const forEachChild = ts.forEachChild;

/** Calls whose signal option means something else than "cancel this work". */
const IGNORED_METHODS: ReadonlySet<string> = new Set(['addEventListener', 'removeEventListener', 'any', 'timeout', 'abort', 'throwIfAborted']);

/** How the function's own signal is written at a call site. */
interface SignalSource {
  /** `signal`, `options.signal`, `options?.signal`. */
  expression: string;
  /** The identifier the signal is bound to (for shorthand `{ signal }`), when it is one. */
  identifier: string | undefined;
}

function nonNullable(checker: ts.TypeChecker, type: ts.Type): ts.Type {
  return checker.getNonNullableType(type);
}

/** Whether a value of `type` has a `signal` property that accepts an AbortSignal. */
function hasSignalProperty(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some((part) => {
    const property = part.getProperty('signal');
    return property !== undefined && isAbortSignalType(nonNullable(checker, checker.getTypeOfSymbolAtLocation(property, at)));
  });
}

/** The signal a function receives, if any. */
function signalOf(fn: FunctionLike, checker: ts.TypeChecker, sourceFile: ts.SourceFile): SignalSource | undefined {
  for (const parameter of fn.parameters) {
    const type = checker.getTypeAtLocation(parameter);
    if (ts.isIdentifier(parameter.name)) {
      const name = parameter.name.text;
      if (isAbortSignalType(nonNullable(checker, type))) return { expression: name, identifier: name };
      if (hasSignalProperty(checker, nonNullable(checker, type), parameter)) {
        const optional = parameter.questionToken !== undefined || (type.flags & ts.TypeFlags.Undefined) !== 0 || (type.isUnion() && type.types.some((t) => (t.flags & ts.TypeFlags.Undefined) !== 0));
        return { expression: `${name}${optional ? '?.' : '.'}signal`, identifier: undefined };
      }
    } else if (ts.isObjectBindingPattern(parameter.name)) {
      for (const element of parameter.name.elements) {
        const key = element.propertyName ?? element.name;
        if (!ts.isIdentifier(key) || key.text !== 'signal' || !ts.isIdentifier(element.name)) continue;
        if (isAbortSignalType(nonNullable(checker, checker.getTypeAtLocation(element)))) {
          return { expression: element.name.getText(sourceFile), identifier: element.name.text };
        }
      }
    }
  }
  return undefined;
}

function signalProperty(source: SignalSource): string {
  return source.identifier === 'signal' ? 'signal' : `signal: ${source.expression}`;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = skipWrappers(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Whether an object literal argument already says something about `signal` (or may, through a spread). */
function mentionsSignal(literal: ts.ObjectLiteralExpression): boolean {
  return literal.properties.some((p) => {
    if (ts.isSpreadAssignment(p)) return true;
    const name = p.name;
    return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) && name.text === 'signal';
  });
}

/** Whether a value of `type` is an options bag with an optional `signal` that accepts an AbortSignal. */
function hasSignalOption(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some((part) => {
    const property = part.getProperty('signal');
    return (
      property !== undefined &&
      (property.flags & ts.SymbolFlags.Optional) !== 0 &&
      isAbortSignalType(nonNullable(checker, checker.getTypeOfSymbolAtLocation(property, at)))
    );
  });
}

/** Whether a (declared) parameter type may become an AbortSignal or options bag once its signature's type parameters are inferred. */
function mayBecomeSignalType(type: ts.Type): boolean {
  const parts = type.isUnionOrIntersection() ? type.types : [type];
  return parts.some(
    (part) =>
      (part.flags & ts.TypeFlags.Instantiable) !== 0 ||
      ((part.flags & ts.TypeFlags.Object) !== 0 && ((part as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0) ||
      (part.isUnionOrIntersection() && mayBecomeSignalType(part)),
  );
}

/**
 * Whether the call may resolve to a signature that takes a signal, judged from the callee's own
 * signatures, without resolving the call (overload resolution is the costly question): no
 * signature has, before a rest parameter, a parameter that is an AbortSignal or an options bag
 * with a `signal`, or one a type parameter could turn into either. Unsure (no signatures): true.
 */
function mayTakeSignal(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const callee = checker.getApparentType(checker.getNonNullableType(checker.getTypeAtLocation(call.expression)));
  const signatures = callee.getCallSignatures();
  if (signatures.length === 0) return true;
  return signatures.some((signature) => {
    const generic = signature.typeParameters !== undefined && signature.typeParameters.length > 0;
    for (const parameter of signature.getParameters()) {
      const declaration = parameter.valueDeclaration;
      if (declaration !== undefined && ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined) return false;
      const type = nonNullable(checker, checker.getTypeOfSymbolAtLocation(parameter, call));
      if (isAbortSignalType(type) || hasSignalOption(checker, type, call)) return true;
      if (generic && mayBecomeSignalType(type)) return true;
    }
    return false;
  });
}

function inspectCall(
  call: ts.CallExpression,
  sourceAt: () => SignalSource | undefined,
  types: TypeScriptTypes,
  report: (start: number, end: number, message: string, edit: ts.TextChange | undefined) => void,
): void {
  const { checker, sourceFile } = types;
  const name = calleeName(call);
  if (name !== undefined && IGNORED_METHODS.has(name)) return;
  // Cheapest questions first; each of these returns only where no finding would be made.
  if (!mayTakeSignal(checker, call)) return;
  const source = sourceAt();
  if (source === undefined) return;
  const args = call.arguments;
  // An argument that carries a signal of its own (a Request, an options object built elsewhere).
  const carriesSignal = args.some((argument) => {
    const value = skipWrappers(argument);
    if (ts.isObjectLiteralExpression(value)) return mentionsSignal(value);
    // A function or a literal never has a signal: no need to type it.
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value) || ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) return false;
    const type = nonNullable(checker, checker.getTypeAtLocation(value));
    return isAbortSignalType(type) || hasSignalProperty(checker, type, value) || (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
  });
  if (carriesSignal) return;
  const signature = checker.getResolvedSignature(call);
  if (signature === undefined) return;
  const parameters = signature.getParameters();
  const callText = call.expression.getText(sourceFile);
  const at = { start: call.expression.getStart(sourceFile), end: call.expression.getEnd() };
  for (let index = 0; index < parameters.length; index++) {
    const parameter = parameters[index];
    const declaration = parameter.valueDeclaration;
    if (declaration !== undefined && ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined) return;
    const type = nonNullable(checker, checker.getTypeOfSymbolAtLocation(parameter, call));
    const argument = args[index];
    if (isAbortSignalType(type)) {
      if (argument !== undefined) return;
      const message = `\`${callText}\` accepts an AbortSignal but none is passed: cancelling this function leaves that work running. Pass \`${source.expression}\`.`;
      report(at.start, at.end, message, index === args.length ? insertArgument(call, source.expression) : undefined);
      return;
    }
    if (!hasSignalOption(checker, type, call)) continue;
    const message = `\`${callText}\` accepts a \`signal\` option but none is passed: cancelling this function leaves that work running. Pass \`${source.expression}\`.`;
    if (argument === undefined) {
      report(at.start, at.end, message, index === args.length ? insertArgument(call, `{ ${signalProperty(source)} }`) : undefined);
      return;
    }
    const value = skipWrappers(argument);
    // Only an object literal says for sure that no signal is passed.
    if (!ts.isObjectLiteralExpression(value)) return;
    report(at.start, at.end, message, addProperty(value, signalProperty(source), sourceFile));
    return;
  }
}

function insertArgument(call: ts.CallExpression, text: string): ts.TextChange {
  const args = call.arguments;
  if (args.length === 0) {
    // Just before the closing parenthesis.
    const close = call.getEnd() - 1;
    return { span: { start: close, length: 0 }, newText: text };
  }
  const last = args[args.length - 1];
  return { span: { start: last.getEnd(), length: 0 }, newText: `, ${text}` };
}

function addProperty(literal: ts.ObjectLiteralExpression, text: string, sourceFile: ts.SourceFile): ts.TextChange {
  const properties = literal.properties;
  if (properties.length === 0) {
    return { span: { start: literal.getStart(sourceFile), length: literal.getEnd() - literal.getStart(sourceFile) }, newText: `{ ${text} }` };
  }
  const last = properties[properties.length - 1];
  return { span: { start: last.getEnd(), length: 0 }, newText: `, ${text}` };
}

const check: FocusableCheck = {
  rule,
  focusable: true,
  run(context) {
    const types = context.parsed.types();
    if (types === undefined) return;
    const { checker, sourceFile } = types;

    // The nearest enclosing function with its own signal wins; closures keep seeing the outer one.
    // Which functions have one is asked lazily, innermost first, and only for functions that
    // contain a call: typing a parameter may make the checker resolve the call its function is
    // passed to, so functions without calls (most small callbacks) are never asked about.
    const enclosing: FunctionLike[] = [];
    const known = new Map<FunctionLike, SignalSource | null>();
    const sourceAt = (): SignalSource | undefined => {
      for (let index = enclosing.length - 1; index >= 0; index--) {
        const fn = enclosing[index];
        let own = known.get(fn);
        if (own === undefined) {
          own = signalOf(fn, checker, sourceFile) ?? null;
          known.set(fn, own);
        }
        if (own !== null) return own;
      }
      return undefined;
    };

    // Focused on an edited body (see Focus): only its calls are inspected.
    const focus = context.parsed.focus;
    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      if (isFunctionLike(node)) {
        enclosing.push(node);
        forEachChild(node, visit);
        enclosing.pop();
        return;
      }
      if (ts.isCallExpression(node) && enclosing.length > 0 && inFocus(focus, node)) {
        let current: SignalSource | undefined;
        const source = (): SignalSource | undefined => (current = sourceAt());
        inspectCall(node, source, types, (start, end, message, edit) => {
          context.report({
            start,
            end,
            message,
            ...(edit === undefined
              ? {}
              : {
                  fixes: [
                    {
                      title: `Pass ${current === undefined ? 'the signal' : `\`${current.expression}\``}`,
                      safety: 'unsafe' as const,
                      edits: [{ start: edit.span.start, end: edit.span.start + edit.span.length, newText: edit.newText }],
                    },
                  ],
                }),
          });
        });
      }
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
