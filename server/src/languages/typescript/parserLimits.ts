// Shapes of text the TypeScript parser handles in exponential time, found before parsing (this
// file does not load the compiler: the engine asks before the pack is loaded).

/**
 * How deep `async function` expressions may nest before a file is not analysed.
 *
 * Where an expression may start, the TypeScript parser meets `async` and first looks ahead to see
 * whether it starts an arrow function (`async x => …`): that look-ahead parses what follows —
 * the whole `function (…) { … }`, the `async function` expressions inside it included — and then
 * the parser parses it again for real. Each level of nesting doubles the work: `tsc --noEmit`
 * itself took 12 s on 20 nested levels and over 100 s on 24 (a 2 KB file), against 1 s for 20
 * levels of `async` arrows or plain `function` expressions, which are not affected. An unclosed
 * brace makes every later `async function` expression of the file part of the one before. Real
 * code nests a handful at most; 12 levels cost the parser about 4,000 look-aheads of the innermost
 * body, well within an analysis' budget.
 */
export const MAX_ASYNC_FUNCTION_NESTING = 12;

const enum Code {
  Tab = 9,
  LineFeed = 10,
  CarriageReturn = 13,
  Space = 32,
  DoubleQuote = 34,
  SingleQuote = 39,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Slash = 47,
  Semicolon = 59,
  Backslash = 92,
  Backtick = 96,
  OpenBrace = 123,
  CloseBrace = 125,
}

function isIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code > 127;
}

function isBlank(code: number): boolean {
  return code === Code.Space || code === Code.Tab || code === Code.LineFeed || code === Code.CarriageReturn;
}

/** Whether the word at `start` (already known to be `async`) is followed, on the same line, by `function`. */
function functionFollows(text: string, start: number): boolean {
  let i = start + 5;
  while (i < text.length && (text.charCodeAt(i) === Code.Space || text.charCodeAt(i) === Code.Tab)) i++;
  return text.startsWith('function', i) && !isIdentifierChar(text.charCodeAt(i + 8));
}

/**
 * Whether the `async` at `start` stands where a statement starts (a declaration, which the parser
 * reads once) rather than inside an expression: after `;`, `{`, `}`, the file's start, or the
 * words `export` / `default`. Anything else counts as an expression (an over-count is harmless).
 */
function atStatementStart(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && isBlank(text.charCodeAt(i))) i--;
  if (i < 0) return true;
  const code = text.charCodeAt(i);
  if (code === Code.Semicolon || code === Code.OpenBrace || code === Code.CloseBrace) return true;
  let wordStart = i;
  while (wordStart > 0 && isIdentifierChar(text.charCodeAt(wordStart - 1))) wordStart--;
  const word = text.slice(wordStart, i + 1);
  return word === 'export' || word === 'default';
}

/** The index just past a string or template literal starting at `start` (unterminated strings end at the line's end). */
function skipQuoted(text: string, start: number, quote: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === Code.Backslash) i += 2;
    else if (code === quote) return i + 1;
    else if (quote !== Code.Backtick && (code === Code.LineFeed || code === Code.CarriageReturn)) return i;
    else i++;
  }
  return i;
}

/**
 * How deep `async function` expressions nest in `text` (bodies counted by their braces; strings
 * and comments skipped; an approximation that may over-count, never under-count unclosed
 * bodies), stopping once it passes `limit`.
 */
export function asyncFunctionNesting(text: string, limit: number): number {
  const braces: boolean[] = [];
  let parens = 0;
  let depth = 0;
  let deepest = 0;
  // Set after an `async function` expression's header: the paren depth its body's `{` opens at.
  let pendingAt = -1;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code === Code.Slash && text.charCodeAt(i + 1) === Code.Slash) {
      while (i < text.length && text.charCodeAt(i) !== Code.LineFeed && text.charCodeAt(i) !== Code.CarriageReturn) i++;
    } else if (code === Code.Slash && text.charCodeAt(i + 1) === Code.Star) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (code === Code.DoubleQuote || code === Code.SingleQuote || code === Code.Backtick) {
      i = skipQuoted(text, i, code);
    } else if (isIdentifierChar(code)) {
      const start = i;
      while (i < text.length && isIdentifierChar(text.charCodeAt(i))) i++;
      if (i - start === 5 && text.startsWith('async', start) && functionFollows(text, start) && !atStatementStart(text, start)) pendingAt = parens;
    } else {
      if (code === Code.OpenParen) parens++;
      else if (code === Code.CloseParen) parens = Math.max(0, parens - 1);
      else if (code === Code.OpenBrace) {
        const opensBody = pendingAt === parens;
        if (opensBody) {
          pendingAt = -1;
          depth++;
          if (depth > deepest) {
            deepest = depth;
            if (deepest > limit) return deepest;
          }
        }
        braces.push(opensBody);
      } else if (code === Code.CloseBrace) {
        if (braces.pop() === true) depth--;
      }
      i++;
    }
  }
  return deepest;
}

/**
 * The last text asked about and its answer: the engine asks before parsing, then the project asks
 * again for the same string when it builds that file's snapshot (the same object: compared by
 * reference first, so the repeat costs nothing).
 */
let last: { text: string; reason: string | undefined } | undefined;

/** Why the TypeScript pack must not parse `text` (see MAX_ASYNC_FUNCTION_NESTING); undefined when it may. */
export function typescriptSkipReason(text: string): string | undefined {
  if (last?.text === text) return last.reason;
  const reason = skipReasonOf(text);
  last = { text, reason };
  return reason;
}

function skipReasonOf(text: string): string | undefined {
  // Cheap exit for nearly every file: nesting cannot exceed the number of `async` words.
  let words = 0;
  for (let at = text.indexOf('async'); at !== -1 && words <= MAX_ASYNC_FUNCTION_NESTING; at = text.indexOf('async', at + 5)) words++;
  if (words <= MAX_ASYNC_FUNCTION_NESTING) return undefined;
  const nesting = asyncFunctionNesting(text, MAX_ASYNC_FUNCTION_NESTING);
  if (nesting <= MAX_ASYNC_FUNCTION_NESTING) return undefined;
  return `not analysed: \`async function\` expressions nest over ${MAX_ASYNC_FUNCTION_NESTING} levels deep (an unclosed brace?), which the TypeScript parser takes exponential time over`;
}
