import type { Node, Tree } from 'web-tree-sitter';
import type { Check, CheckContext } from '../../engine/languagePack';

/** A Python file as the Python pack's checks see it: one tree-sitter parse shared by all rules. */
export interface PythonParsed {
  tree: Tree;
  root: Node;
  /** The text that was parsed (node offsets index into it). */
  text: string;
}

export type PythonCheck = Check<PythonParsed>;
export type PythonCheckContext = CheckContext<PythonParsed>;
