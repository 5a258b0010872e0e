/**
 * How a TypeScript spec file is required. From the kit's sources (tsx, jest)
 * `.ts` files already load, so the default just runs the load. The compiled
 * kit (dist/, see bin/iotkit.js) sets a loader that turns tsx on for that one
 * require and off again: left on, tsx would hook every later require of
 * aws-cdk-lib and the Pulumi SDKs, about a second per run on large apps.
 */
export type TypeScriptLoader = <T>(load: () => T) => T;

let loader: TypeScriptLoader = (load) => load();

export function setTypeScriptLoader(next: TypeScriptLoader): void {
  loader = next;
}

export function withTypeScript<T>(load: () => T): T {
  return loader(load);
}
