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

function clearCaches(): void {
  fields = new Map();
  parents = new Map();
  types = new Map();
  texts = new Map();
  ends = new Map();
}

/** `read(node)` from `cache` (keyed by node id), read and stored on the first ask. */
function readOnce<T>(cache: Map<number, T>, node: Node, read: (node: Node) => T): T {
  let value = cache.get(node.id);
  if (value === undefined) {
    value = read(node);
    cache.set(node.id, value);
  }
  return value;
}

function useTreeOf(node: Node): void {
  if (node.tree === cachedTree) return;
  cachedTree = node.tree;
  clearCaches();
}

/** `node.childForFieldName(name)`, read once per node. */
export function field(node: Node, name: string): Node | null {
  useTreeOf(node);
  let known = fields.get(name);
  if (known === undefined) fields.set(name, (known = new Map()));
  return readOnce(known, node, (n) => n.childForFieldName(name));
}

/**
 * `node.parent`, read once per node. tree-sitter finds a parent by descending from the root, so
 * repeated reads are costly; ancestor walks that go through here share their chain.
 */
export function parentOf(node: Node): Node | null {
  useTreeOf(node);
  return readOnce(parents, node, (n) => n.parent);
}

/** `node.type`, read once per node. */
export function typeOf(node: Node): string {
  useTreeOf(node);
  return readOnce(types, node, (n) => n.type);
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
  return readOnce(texts, node, (n) => n.text);
}

/** `node.endIndex`, read once per node. */
export function endOf(node: Node): number {
  useTreeOf(node);
  return readOnce(ends, node, (n) => n.endIndex);
}

/** Drops the cached reads (the tree they belong to is being freed). */
export function forgetNodeCache(tree: Tree): void {
  if (tree !== cachedTree) return;
  cachedTree = undefined;
  clearCaches();
}
