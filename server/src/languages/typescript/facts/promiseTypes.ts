import ts from 'typescript';

/**
 * Type questions about promises, for the type-aware checks. A "thenable" is any value with a
 * callable `then` (Promise, PromiseLike, query builders...). `any` and `unknown` are never
 * thenable: a rule must not guess where the types do not tell.
 */

const NULLISH = ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void;

function parts(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/** Whether one (non-union) type has a callable `then`. */
function hasCallableThen(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  if ((type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) !== 0) return false;
  const apparent = type.flags & ts.TypeFlags.TypeParameter ? checker.getApparentType(type) : type;
  const then = apparent.getProperty('then');
  if (then === undefined) return false;
  const thenType = checker.getTypeOfSymbolAtLocation(then, at);
  return parts(thenType).some((t) => t.getCallSignatures().length > 0);
}

/**
 * Whether a value of `type` is a thenable: every part of it that is not `undefined`, `null` or
 * `void` is thenable (so `Promise<T> | undefined` from `obj?.save()` counts, `string | Promise<T>`
 * does not), and at least one part is.
 */
export function isThenableType(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  const concrete = parts(type).filter((t) => (t.flags & NULLISH) === 0);
  return concrete.length > 0 && concrete.every((t) => hasCallableThen(checker, t, at));
}

/** Whether every part of `type` is thenable, with no `undefined`/`null` part (a promise is always truthy). */
export function isAlwaysThenable(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  const all = parts(type);
  return all.length > 0 && all.every((t) => hasCallableThen(checker, t, at));
}

/** Whether `type` is an array or tuple whose elements are thenables. */
export function isArrayOfThenables(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  if (!checker.isArrayType(type) && !checker.isTupleType(type)) return false;
  const elements = checker.getTypeArguments(type as ts.TypeReference);
  return elements.length > 0 && elements.every((t) => isThenableType(checker, t, at));
}

/** Whether `type` is callable (a function, or a union of functions); for rejection handlers. */
export function isCallableType(type: ts.Type): boolean {
  if ((type.flags & ts.TypeFlags.Any) !== 0) return true;
  return parts(type).some((t) => t.getCallSignatures().length > 0);
}

/** The call signatures of `type` (or of each union part that has some). */
export function callSignaturesOf(type: ts.Type): readonly ts.Signature[] {
  return parts(type).flatMap((t) => t.getCallSignatures());
}

/** Whether every signature returns exactly `void` (not `void | Promise<void>`, not `any`). */
export function allReturnVoid(checker: ts.TypeChecker, signatures: readonly ts.Signature[]): boolean {
  return (
    signatures.length > 0 &&
    signatures.every((signature) => {
      const returned = checker.getReturnTypeOfSignature(signature);
      return (returned.flags & ts.TypeFlags.Void) !== 0 && !returned.isUnion();
    })
  );
}

/** Whether some signature of `type` returns a thenable, and every one does. */
export function returnsThenable(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean {
  const signatures = callSignaturesOf(type);
  return signatures.length > 0 && signatures.every((s) => isThenableType(checker, checker.getReturnTypeOfSignature(s), at));
}

/** Whether `type` is (a union containing) the DOM/Node `AbortSignal`. */
export function isAbortSignalType(type: ts.Type): boolean {
  return parts(type).some((t) => t.getSymbol()?.getName() === 'AbortSignal');
}

/**
 * Whether syntax alone shows that `expression`'s value is never a thenable: literals, templates,
 * arithmetic, comparisons, `!`/`typeof`/`void`/`delete`, array literals, functions, object literals
 * without a `then` member, and `&&`/`||`/`??`/`?:` of those. `false` means "ask the checker".
 * Lets the type-aware checks skip type questions (and the call resolutions behind them) whose
 * answer is already known.
 */
export function isNeverThenableSyntax(expression: ts.Expression): boolean {
  switch (expression.kind) {
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateExpression:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.PostfixUnaryExpression:
    case ts.SyntaxKind.TypeOfExpression:
    case ts.SyntaxKind.VoidExpression:
    case ts.SyntaxKind.DeleteExpression:
    case ts.SyntaxKind.ArrayLiteralExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
      return true;
    case ts.SyntaxKind.ParenthesizedExpression:
      return isNeverThenableSyntax((expression as ts.ParenthesizedExpression).expression);
    case ts.SyntaxKind.ConditionalExpression: {
      const conditional = expression as ts.ConditionalExpression;
      return isNeverThenableSyntax(conditional.whenTrue) && isNeverThenableSyntax(conditional.whenFalse);
    }
    case ts.SyntaxKind.BinaryExpression: {
      const binary = expression as ts.BinaryExpression;
      const operator = binary.operatorToken.kind;
      if (
        operator === ts.SyntaxKind.AmpersandAmpersandToken ||
        operator === ts.SyntaxKind.BarBarToken ||
        operator === ts.SyntaxKind.QuestionQuestionToken
      ) {
        return isNeverThenableSyntax(binary.left) && isNeverThenableSyntax(binary.right);
      }
      // `=`, `&&=`, `||=`, `??=` and `,` yield an operand; every other operator yields a
      // number, bigint, string or boolean (or `any`).
      return !(
        operator === ts.SyntaxKind.EqualsToken ||
        operator === ts.SyntaxKind.AmpersandAmpersandEqualsToken ||
        operator === ts.SyntaxKind.BarBarEqualsToken ||
        operator === ts.SyntaxKind.QuestionQuestionEqualsToken ||
        operator === ts.SyntaxKind.CommaToken
      );
    }
    case ts.SyntaxKind.ObjectLiteralExpression:
      return (expression as ts.ObjectLiteralExpression).properties.every((property) => {
        const name = property.name;
        if (name === undefined) return false; // a spread
        return (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) && name.text !== 'then';
      });
    default:
      return false;
  }
}

/** Whether a return-type annotation names a type that is never a thenable (keywords, literals, arrays, functions). */
export function isNeverThenableTypeNode(node: ts.TypeNode): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.VoidKeyword:
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.NumberKeyword:
    case ts.SyntaxKind.BooleanKeyword:
    case ts.SyntaxKind.BigIntKeyword:
    case ts.SyntaxKind.SymbolKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.NeverKeyword:
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.LiteralType:
    case ts.SyntaxKind.ArrayType:
    case ts.SyntaxKind.TupleType:
    case ts.SyntaxKind.FunctionType:
      return true;
    case ts.SyntaxKind.ParenthesizedType:
      return isNeverThenableTypeNode((node as ts.ParenthesizedTypeNode).type);
    case ts.SyntaxKind.UnionType:
      return (node as ts.UnionTypeNode).types.every(isNeverThenableTypeNode);
    default:
      return false;
  }
}
