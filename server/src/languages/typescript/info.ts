import type { PackInfo } from '../../engine/languagePack';
import { typescriptSkipReason } from './parserLimits';

/**
 * What the engine needs to know about the TypeScript pack before loading it: loading the pack
 * loads the TypeScript compiler (a few hundred milliseconds), which a Python-only run never needs.
 */
export const typescriptPackInfo: PackInfo = {
  id: 'typescript',
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
  languageIds: ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'],
  lineComment: '//',
  suppressionPlacement: 'line-above',
  skipReason: typescriptSkipReason,
};
