// One build script for everything: the client (vscode external), the language server and the CLI
// (fully bundled, with the tree-sitter WASM files beside them), and the test files.
//   node esbuild.mjs                 development build (sourcemaps)
//   node esbuild.mjs --production    minified, for the .vsix
//   node esbuild.mjs --tests         also bundles test/**/*.test.ts into out/test
//   node esbuild.mjs --tests --out-root out/mine [--test-filter python]
//                                    everything into out/mine/dist and out/mine/test (for parallel
//                                    work in one checkout); the filter keeps tests whose path has it
//   node esbuild.mjs --tests-only --test-out out/mine    only the tests
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const testsOnly = process.argv.includes('--tests-only');
const withTests = testsOnly || process.argv.includes('--tests');
function flagValue(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}
const outRoot = flagValue('--out-root', undefined);
const distOut = outRoot === undefined ? path.join(root, 'dist') : path.resolve(root, outRoot, 'dist');
const testOut = path.resolve(root, flagValue('--test-out', outRoot === undefined ? 'out/test' : path.join(outRoot, 'test')));
const testFilter = flagValue('--test-filter', '');

/**
 * `import modules from 'discover:<folder>'` (folder relative to server/src) becomes the list of
 * the default exports of every .ts file in that folder, in file-name order. This is how rules and
 * checks are registered: adding one is adding a file.
 */
const discoverPlugin = {
  name: 'discover',
  setup(build) {
    build.onResolve({ filter: /^discover:/ }, (args) => ({
      path: path.join(root, 'server', 'src', args.path.slice('discover:'.length)),
      namespace: 'discover',
      watchDirs: [path.join(root, 'server', 'src', args.path.slice('discover:'.length))],
    }));
    build.onLoad({ filter: /.*/, namespace: 'discover' }, (args) => {
      const files = readdirSync(args.path)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .sort();
      const imports = files.map((f, i) => `import m${i} from ${JSON.stringify(path.join(args.path, f))};`);
      const list = files.map((_, i) => `m${i}`).join(', ');
      return {
        contents: `${imports.join('\n')}\nexport default [${list}];\n`,
        resolveDir: args.path,
        loader: 'js',
        watchFiles: files.map((f) => path.join(args.path, f)),
      };
    });
  },
};

/** web-tree-sitter's ESM build reads `import.meta.url`, which a CommonJS bundle lacks: use its CJS build. */
const treeSitterCjsPlugin = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

const wasmFiles = [
  require.resolve('web-tree-sitter/tree-sitter.wasm'),
  path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
];

/** The compiler's default libraries (lib.*.d.ts): the type-aware rules need them beside the bundle. */
const typescriptLibDir = path.dirname(require.resolve('typescript/lib/lib.d.ts'));
const typescriptLibs = readdirSync(typescriptLibDir).filter((f) => /^lib\..*\.d\.ts$/.test(f) || f === 'lib.d.ts');

function copyWasm(dir) {
  mkdirSync(dir, { recursive: true });
  for (const file of wasmFiles) copyFileSync(file, path.join(dir, path.basename(file)));
  for (const file of typescriptLibs) copyFileSync(path.join(typescriptLibDir, file), path.join(dir, file));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [discoverPlugin, treeSitterCjsPlugin],
  external: ['vscode'],
};

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures') out.push(...findTests(full));
    } else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

if (!testsOnly) {
  rmSync(distOut, { recursive: true, force: true });
  await Promise.all([
    esbuild.build({ ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: distOut }),
    esbuild.build({ ...common, entryPoints: { server: 'server/src/lsp/main.ts', cli: 'server/src/cli/main.ts' }, outdir: distOut }),
  ]);
  copyWasm(distOut);
  // The server links rule docs beside its dist/ folder (as in the .vsix): give other output roots the same.
  if (outRoot !== undefined) {
    const docsLink = path.resolve(root, outRoot, 'docs');
    if (!existsSync(docsLink)) symlinkSync(path.join(root, 'docs'), docsLink, 'dir');
  }
}

if (withTests) {
  rmSync(testOut, { recursive: true, force: true });
  await esbuild.build({
    ...common,
    sourcemap: true,
    minify: false,
    entryPoints: findTests(path.join(root, 'test')).filter((f) => path.relative(root, f).includes(testFilter)),
    outdir: testOut,
    outbase: 'test',
    // The test runner and the real server/CLI bundles are used as they are, not bundled again.
    external: ['vscode', 'node:test'],
  });
  copyWasm(testOut);
}
