/**
 * The resource graph a Pulumi program declares, as plain sorted JSON: what
 * `out/<cloud>/resources.json` holds and what snapshot tests compare. Cloud
 * neutral: nothing here knows a provider.
 */

/** JSON as it is written to out/ (no undefined, no functions). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Written in place of every value Pulumi marks secret. */
export const SECRET_MASK = '[secret]';

export interface GraphResource {
  /** Pulumi type token, e.g. `azure-native:iothub:IotHubResource` or `iotkit:azure:IotHub`. */
  readonly type: string;
  /** Logical (Pulumi) name. */
  readonly name: string;
  /** `type::name` of the parent component; null for the program's root component. */
  readonly parent: string | null;
  /** `type::name` of every explicit `dependsOn`, sorted. */
  readonly dependsOn: readonly string[];
  /** Resolved inputs with secrets masked and keys sorted; outputs of other resources appear as their mock values. */
  readonly inputs: { readonly [key: string]: JsonValue };
}

export interface ResourceGraph {
  /** Sorted by type, then name. */
  readonly resources: readonly GraphResource[];
}

export function resourceKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** Code-unit order, independent of the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Recursively sorts object keys so equal data serialises to equal bytes. */
export function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value).sort(compareText)) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

/** Sorts resources and their keys; throws on two resources with the same type and name (the graph could not tell them apart). */
export function normaliseGraph(resources: readonly GraphResource[]): ResourceGraph {
  const seen = new Set<string>();
  for (const r of resources) {
    const key = resourceKey(r.type, r.name);
    if (seen.has(key)) throw new Error(`two resources are named ${key}: give them distinct logical names`);
    seen.add(key);
  }
  const sorted = [...resources]
    .map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent,
      dependsOn: [...r.dependsOn].sort(compareText),
      inputs: sortKeys(r.inputs) as { [key: string]: JsonValue },
    }))
    .sort((a, b) => compareText(resourceKey(a.type, a.name), resourceKey(b.type, b.name)));
  return { resources: sorted };
}

/** Strings that must never reach a graph file, even where nobody marked them secret. */
const FORBIDDEN = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /SharedAccessKey=[^;"\s]+/];

/** Throws if serialised graph text carries private key material or a shared access key. */
export function assertNoSecretMaterial(text: string, what: string): void {
  for (const pattern of FORBIDDEN) {
    const match = pattern.exec(text);
    if (match !== null) throw new Error(`${what} would contain secret material (${pattern.source}); refusing to write it`);
  }
}
