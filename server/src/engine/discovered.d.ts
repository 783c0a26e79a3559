/**
 * Modules generated at build time by the `discover` esbuild plugin (see esbuild.mjs): each holds
 * the default exports of every `.ts` file in one folder, sorted by file name. Adding a rule or a
 * check is adding a file; no list is edited by hand.
 */
declare module 'discover:rules' {
  const modules: readonly import('./rule').RuleMeta[];
  export default modules;
}
declare module 'discover:languages/python/checks' {
  const modules: readonly import('../languages/python/parsed').PythonCheck[];
  export default modules;
}
declare module 'discover:languages/typescript/checks' {
  const modules: readonly import('../languages/typescript/parsed').TypeScriptCheck[];
  export default modules;
}
