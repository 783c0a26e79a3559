// `npm run bench [-- --quick] [-- --only ts,py,editor,memory]`: builds the product (production bundles)
// into out/bench/dist and the bench itself into out/bench/bench, then runs it. Needs nothing but
// `npm ci` (the peer tools are dev dependencies).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// AG_BENCH_OUT (a folder under the repo, e.g. out/bench-ts) lets several people bench side by side.
const outRoot = path.resolve(root, process.env.AG_BENCH_OUT ?? path.join('out', 'bench'));

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(['esbuild.mjs', '--production', '--out-root', path.relative(root, outRoot)]);
await esbuild.build({
  entryPoints: {
    main: path.join(root, 'bench', 'main.ts'),
    'ruff-wasm': path.join(root, 'bench', 'ruffWasm.ts'),
    'py-parse': path.join(root, 'bench', 'pyParse.ts'),
  },
  outdir: path.join(outRoot, 'bench'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Loaded from node_modules as they are: both find their WASM files beside their own code.
  external: ['@astral-sh/ruff-wasm-nodejs', 'web-tree-sitter'],
});
process.env.AG_REPO_ROOT = root;
run([path.join(outRoot, 'bench', 'main.js'), ...process.argv.slice(2)]);
