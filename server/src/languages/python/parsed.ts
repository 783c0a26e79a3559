import type { Node, Tree } from 'web-tree-sitter';
import type { Check, CheckContext } from '../../engine/languagePack';
import type { Focus, IncrementalSession } from './incremental';

/** A Python file as the Python pack's checks see it: one tree-sitter parse shared by all rules. */
export interface PythonParsed {
  tree: Tree;
  root: Node;
  /** The text that was parsed (node offsets index into it). */
  text: string;
  /** Findings reuse across edits (see incremental.ts); undefined when the pack keeps none. */
  incremental?: IncrementalSession;
  /** Set while a focusable check runs on one unit only: it looks at the sites starting inside. */
  focus?: Focus;
}

export type PythonCheck = Check<PythonParsed>;
export type PythonCheckContext = CheckContext<PythonParsed>;
