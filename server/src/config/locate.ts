// Where a key of a parsed config sits in its text, so a problem points at the bad spot.
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser/lib/esm/main.js'; // the ESM build: the UMD one requires its parts at run time, which a bundle cannot follow

export interface Spot {
  line: number;
  column: number;
}

export type Locator = (keyPath: readonly (string | number)[]) => Spot;

/** 1-based line and column of a UTF-16 offset. */
export function spotAt(text: string, offset: number): Spot {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** JSON (package.json): the exact node; for a missing key, its nearest existing parent. */
export function jsonLocator(text: string): Locator {
  const tree = parseTree(text);
  return (keyPath) => {
    if (tree === undefined) return { line: 1, column: 1 };
    for (let length = keyPath.length; length >= 0; length--) {
      const node: JsonNode | undefined = findNodeAtLocation(tree, [...keyPath.slice(0, length)]);
      if (node === undefined) continue;
      // Point at the property's key rather than its value.
      const target = node.parent?.type === 'property' && typeof keyPath[length - 1] === 'string' ? node.parent : node;
      return spotAt(text, target.offset);
    }
    return { line: 1, column: 1 };
  };
}

const KEY_PART = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const KEY_PATH = String.raw`${KEY_PART}(?:\s*\.\s*${KEY_PART})*`;
const HEADER = new RegExp(String.raw`^\s*\[\[?\s*(${KEY_PATH})\s*\]\]?`);
const ASSIGNMENT = new RegExp(String.raw`^\s*(${KEY_PATH})\s*=`);

function splitKeyPath(keyPath: string): string[] {
  const parts: string[] = [];
  for (const match of keyPath.matchAll(new RegExp(KEY_PART, 'g'))) {
    const raw = match[0];
    parts.push(raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw);
  }
  return parts;
}

interface KeySpot {
  path: string[];
  line: number;
  column: number;
  text: string;
}

/**
 * TOML: smol-toml gives values without positions, so the lines are scanned for table headers and
 * `key = value` lines (good enough to point at a key; inline tables resolve to their line).
 */
export function tomlLocator(text: string): Locator {
  const spots: KeySpot[] = [];
  let table: string[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    const header = HEADER.exec(lineText);
    if (header !== null) {
      table = splitKeyPath(header[1]);
      spots.push({ path: table, line: index + 1, column: lineText.indexOf('[') + 1, text: lineText });
      return;
    }
    const assignment = ASSIGNMENT.exec(lineText);
    if (assignment !== null) {
      const column = lineText.length - lineText.trimStart().length + 1;
      spots.push({ path: [...table, ...splitKeyPath(assignment[1])], line: index + 1, column, text: lineText });
    }
  });
  return (keyPath) => {
    const wanted = keyPath.map(String);
    let best: KeySpot | undefined;
    for (const spot of spots) {
      if (spot.path.length > wanted.length || !spot.path.every((part, i) => part === wanted[i])) continue;
      if (best === undefined || spot.path.length > best.path.length) best = spot;
    }
    if (best === undefined) return { line: 1, column: 1 };
    if (best.path.length < wanted.length) {
      // A key inside an inline table or array on that line: find its text there.
      const last = wanted[wanted.length - 1];
      for (const form of [`"${last}"`, `'${last}'`, last]) {
        const at = best.text.indexOf(form, best.column);
        if (at >= 0) return { line: best.line, column: at + 1 };
      }
    }
    return { line: best.line, column: best.column };
  };
}
