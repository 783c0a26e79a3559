import type { Node, Tree } from 'web-tree-sitter';

/**
 * Cached reads of tree-sitter nodes. Every read through a web-tree-sitter `Node` crosses into WASM
 * and builds a new object; the rules read the same fields, parents and types of the same nodes
 * again and again, so each is read once per node and tree.
 *
 * The caches hold one tree at a time (the one being analysed), keyed by node id: the address of
 * the node's slot in its tree, unique within a tree. Reading a node of another tree starts afresh.
 */
let cachedTree: Tree | undefined;
let fields = new Map<string, Map<number, Node | null>>();
let parents = new Map<number, Node | null>();
let types = new Map<number, string>();
let texts = new Map<number, string>();
let ends = new Map<number, number>();

function useTreeOf(node: Node): void {
  if (node.tree === cachedTree) return;
  cachedTree = node.tree;
  fields = new Map();
  parents = new Map();
  types = new Map();
  texts = new Map();
  ends = new Map();
}

/** `node.childForFieldName(name)`, read once per node. */
export function field(node: Node, name: string): Node | null {
  useTreeOf(node);
  let known = fields.get(name);
  if (known === undefined) fields.set(name, (known = new Map()));
  let child = known.get(node.id);
  if (child === undefined) {
    child = node.childForFieldName(name);
    known.set(node.id, child);
  }
  return child;
}

/**
 * `node.parent`, read once per node. tree-sitter finds a parent by descending from the root, so
 * repeated reads are costly; ancestor walks that go through here share their chain.
 */
export function parentOf(node: Node): Node | null {
  useTreeOf(node);
  let parent = parents.get(node.id);
  if (parent === undefined) {
    parent = node.parent;
    parents.set(node.id, parent);
  }
  return parent;
}

/** `node.type`, read once per node. */
export function typeOf(node: Node): string {
  useTreeOf(node);
  let type = types.get(node.id);
  if (type === undefined) {
    type = node.type;
    types.set(node.id, type);
  }
  return type;
}

/**
 * Records the type of `node`, already read by the caller (the scope table reads the type of every
 * node its search returns), so that {@link typeOf} does not read it again.
 */
export function rememberType(node: Node, type: string): void {
  useTreeOf(node);
  types.set(node.id, type);
}

/** `node.text`, read once per node. */
export function textOf(node: Node): string {
  useTreeOf(node);
  let text = texts.get(node.id);
  if (text === undefined) {
    text = node.text;
    texts.set(node.id, text);
  }
  return text;
}

/** `node.endIndex`, read once per node. */
export function endOf(node: Node): number {
  useTreeOf(node);
  let end = ends.get(node.id);
  if (end === undefined) {
    end = node.endIndex;
    ends.set(node.id, end);
  }
  return end;
}

/** Drops the cached reads (the tree they belong to is being freed). */
export function forgetNodeCache(tree: Tree): void {
  if (tree !== cachedTree) return;
  cachedTree = undefined;
  fields = new Map();
  parents = new Map();
  types = new Map();
  texts = new Map();
  ends = new Map();
}
