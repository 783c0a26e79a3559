import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import { field, textOf, typeOf } from './nodes';
import type { Scope } from './scopes';

/** The logging methods shared by `logging.Logger`, `logging.LoggerAdapter` and structlog loggers. */
export const LOG_METHODS: ReadonlySet<string> = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log']);

/**
 * What a logger is known to be: `stdlib` (formats its message with `%` and the arguments, lazily),
 * `structlog` (an event name plus key/value pairs), or `unknown` (named like a logger).
 */
export type LoggerKind = 'stdlib' | 'structlog' | 'unknown';

const FACTORIES = new Map<string, LoggerKind>([
  ['logging.getLogger', 'stdlib'],
  ['logging.Logger', 'stdlib'],
  ['logging.LoggerAdapter', 'stdlib'],
  ['logging.root', 'stdlib'],
  ['structlog.get_logger', 'structlog'],
  ['structlog.getLogger', 'structlog'],
  ['structlog.stdlib.get_logger', 'structlog'],
  ['structlog.wrap_logger', 'structlog'],
]);

/** Methods of a logger that return a logger of the same kind. */
const DERIVING = new Set(['getChild', 'bind', 'new', 'opt']);

/** Names that, with nothing better known, stand for a logger: `log`, `logger`, `_LOGGER`, `audit_logger`. */
const LOGGER_NAME = /^_*(?:[A-Za-z0-9]+_)*(?:log|logger|LOG|LOGGER)$/;

export interface LoggingCall {
  /** `info`, `exception`, `log`, ... */
  method: string;
  kind: LoggerKind;
  /** The message argument (the first positional one; the second for `.log(level, msg)`). */
  message: Node | undefined;
}

function positionalArguments(call: Node): Node[] | undefined {
  const args = field(call, 'arguments');
  if (args === null || typeOf(args) !== 'argument_list') return undefined;
  const result: Node[] = [];
  for (const child of args.namedChildren) {
    if (child === null) continue;
    const type = typeOf(child);
    if (type === 'comment') continue;
    if (type === 'keyword_argument' || type === 'dictionary_splat') break;
    result.push(child);
  }
  return result;
}

/** The kind of logger `node` (a receiver) stands for, or undefined when it is not taken for one. */
export function loggerKind(facts: PythonFacts, node: Node, scope: Scope, depth = 0): LoggerKind | undefined {
  if (depth > 4) return undefined;
  switch (node.type) {
    case 'call': {
      const qualified = facts.qualifiedName(node, scope);
      if (qualified !== undefined) return FACTORIES.get(qualified);
      const callee = field(node, 'function');
      const object = callee?.type === 'attribute' ? field(callee, 'object') : null;
      const method = callee?.childForFieldName('attribute')?.text;
      if (object === null || method === undefined || !DERIVING.has(method)) return undefined;
      return loggerKind(facts, object, scope, depth + 1);
    }
    case 'identifier': {
      const resolution = facts.resolve(node.text, scope);
      if (resolution.kind === 'import') {
        const known = FACTORIES.get(resolution.qualified);
        if (known !== undefined) return known;
        // loguru formats with `{}` and is not what this pack means by a logger.
        if (resolution.qualified.startsWith('loguru.')) return undefined;
        return LOGGER_NAME.test(node.text) ? 'unknown' : undefined;
      }
      if (resolution.kind === 'builtin') return undefined;
      const assigned = facts.assignedValue(node, scope);
      if (assigned !== undefined) {
        const kind = loggerKind(facts, assigned.value, assigned.scope, depth + 1);
        if (kind !== undefined) return kind;
      }
      return LOGGER_NAME.test(node.text) ? 'unknown' : undefined;
    }
    case 'attribute': {
      const qualified = facts.qualifiedName(node, scope);
      if (qualified !== undefined) return FACTORIES.get(qualified);
      const name = field(node, 'attribute')?.text;
      return name !== undefined && LOGGER_NAME.test(name) ? 'unknown' : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `call` as a logging call: `logging.info(...)`, `logger.warning(...)` on a logger made by
 * `logging.getLogger` / structlog, or on a receiver named like a logger (`log`, `self._logger`).
 * Loggers of other libraries imported by name (loguru's `logger`) are not taken for one.
 */
export function loggingCall(facts: PythonFacts, call: Node, scope: Scope): LoggingCall | undefined {
  const callee = field(call, 'function');
  if (callee === null || typeOf(callee) !== 'attribute') return undefined;
  const attribute = field(callee, 'attribute');
  const method = attribute === null ? undefined : textOf(attribute);
  const object = field(callee, 'object');
  if (method === undefined || object === null || !LOG_METHODS.has(method)) return undefined;
  let kind: LoggerKind | undefined;
  const qualified = facts.qualifiedName(callee, scope);
  if (qualified === `logging.${method}`) kind = 'stdlib';
  else kind = loggerKind(facts, object, scope);
  if (kind === undefined) return undefined;
  const positional = positionalArguments(call) ?? [];
  const message = method === 'log' ? positional[1] : positional[0];
  return { method, kind, message };
}

/** Names a module-level logger is commonly given, in the order they are preferred. */
const LOGGER_NAMES = ['logger', 'log', '_logger', '_log', 'LOGGER', 'LOG', '_LOGGER', '_LOG'];

/**
 * A logger visible from `scope` that was made at module level by `logging.getLogger(...)` or
 * structlog (`logger = logging.getLogger(__name__)`): its name, or undefined.
 */
export function moduleLoggerName(facts: PythonFacts, scope: Scope): string | undefined {
  for (const name of LOGGER_NAMES) {
    const bindings = facts.module.bindings.get(name);
    if (bindings?.length !== 1) continue;
    const [binding] = bindings;
    if (binding.kind !== 'local' || binding.value === undefined) continue;
    const kind = loggerKind(facts, binding.value, facts.module);
    if (kind !== 'stdlib' && kind !== 'structlog') continue;
    const seen = facts.resolve(name, scope);
    if (seen.kind === 'local' && seen.scope === facts.module) return name;
  }
  return undefined;
}
