import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../server/src/engine/engine';

function upwardsFrom(start: string, has: (dir: string) => boolean): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (has(dir)) return dir;
    if (path.dirname(dir) === dir) throw new Error(`nothing found above ${start}`);
  }
}

/** The repository root (test bundles live somewhere under out/). */
export const repoRoot = upwardsFrom(__dirname, (dir) => existsSync(path.join(dir, 'esbuild.mjs')));

/** The bundles under test: the nearest `dist/` above this test bundle (out/<x>/dist, or the repository's). */
export const distDir = path.join(
  upwardsFrom(__dirname, (dir) => existsSync(path.join(dir, 'dist', 'server.js'))),
  'dist',
);

/** The folder the build copied the WASM grammars into, at the top of the test output. */
const wasmDir = upwardsFrom(__dirname, (dir) => existsSync(path.join(dir, 'tree-sitter-python.wasm')));

let shared: Promise<Engine> | undefined;

/** One engine for a whole test file. */
export function testEngine(): Promise<Engine> {
  shared ??= Engine.create({ wasmDir });
  return shared;
}
