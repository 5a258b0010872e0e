/**
 * Live mode for Pulumi backends: turns the output of `pulumi preview --json`
 * (a preview digest: `steps` with `op`, `urn`, `oldState`/`newState` holding
 * `type` and `inputs`, `replaceReasons`, `detailedDiff`; see the Pulumi CLI
 * documentation of `--json`) into the same CloudDiff the offline differ
 * makes. Pulumi's own operation decides added/updated/replaced/removed (it
 * asked the provider); the cloud's graph rules add the security and
 * data-loss findings, exactly as offline.
 */
import { UserError } from '../../lib/errors';
import { sortChanges, type CloudDiff, type DataLossFinding, type ResourceChange } from '../../lib/diff/types';
import { diffGraphs, type GraphDiffRules } from './graph-diff';
import { resourceKey, type GraphResource, type JsonValue } from './graph';

interface PreviewState {
  readonly type?: string;
  readonly parent?: string;
  readonly inputs?: { readonly [key: string]: JsonValue };
}

interface PreviewStep {
  readonly op?: string;
  readonly urn?: string;
  readonly oldState?: PreviewState;
  readonly newState?: PreviewState;
  readonly diffReasons?: readonly string[];
  readonly replaceReasons?: readonly string[];
  readonly detailedDiff?: { readonly [path: string]: { readonly kind?: string } };
}

const KIND_OF_OP: { readonly [op: string]: ResourceChange['kind'] | undefined } = {
  create: 'added',
  update: 'updated',
  delete: 'removed',
  replace: 'replaced',
  'create-replacement': 'replaced',
  // `delete-replaced` is the second half of a replacement already reported; same/read/refresh change nothing.
};

/** `urn:pulumi:stack::project::parent$type::name` -> name (names may contain `::`). */
function nameOf(urn: string): string {
  const parts = urn.split('::');
  return parts.slice(3).join('::');
}

export function previewToCloudDiff(rules: GraphDiffRules, digest: unknown, source: string): CloudDiff {
  const steps = (digest as { steps?: unknown } | null)?.steps;
  if (digest === null || typeof digest !== 'object' || !Array.isArray(steps)) {
    throw new UserError(`${source} is not the output of pulumi preview --json (no "steps" list)`);
  }
  const before = new Map<string, GraphResource>();
  const after = new Map<string, GraphResource>();
  const changes: ResourceChange[] = [];
  (steps as PreviewStep[]).forEach((step, i) => {
    if (typeof step?.urn !== 'string' || typeof step.op !== 'string') throw new UserError(`${source}: steps[${i}] has no op or urn`);
    const type = step.newState?.type ?? step.oldState?.type ?? step.urn.split('::')[2]?.split('$').pop() ?? '?';
    if (rules.isComponent(type) || type.startsWith('pulumi:')) return;
    const key = resourceKey(type, nameOf(step.urn));
    const graphOf = (s: PreviewState): GraphResource => ({
      type,
      name: nameOf(step.urn as string),
      parent: s.parent ?? null,
      dependsOn: [],
      inputs: s.inputs ?? {},
    });
    if (step.oldState !== undefined && step.op !== 'create') before.set(key, graphOf(step.oldState));
    if (step.newState !== undefined && step.op !== 'delete') after.set(key, graphOf(step.newState));
    const kind = KIND_OF_OP[step.op];
    if (kind === undefined) return;
    const paths = [...new Set([...Object.keys(step.detailedDiff ?? {}), ...(step.diffReasons ?? [])])].sort();
    changes.push({
      kind,
      group: source,
      address: key,
      type,
      ...(kind === 'updated' || kind === 'replaced' ? { paths } : {}),
      ...(kind === 'replaced' ? { replacedBy: [...(step.replaceReasons ?? [])].sort() } : {}),
    });
  });
  // Security from the same rules as offline, on the states Pulumi reported.
  const offline = diffGraphs(rules, before, after, source);
  const sorted = sortChanges(changes);
  const dataLoss: DataLossFinding[] = sorted
    .filter((c) => rules.stateful[c.type] !== undefined && (c.kind === 'removed' || c.kind === 'replaced'))
    .map((c) => ({
      scope: rules.cloud,
      group: c.group,
      address: c.address,
      type: c.type,
      kind: c.kind as DataLossFinding['kind'],
      retained: false,
      message:
        c.kind === 'removed' ? `deleted with ${rules.stateful[c.type]}` : `replaced (${(c.replacedBy ?? []).join(', ')}): ${rules.stateful[c.type]} are lost`,
    }));
  return { cloud: rules.cloud, presence: 'both', changes: sorted, security: offline.security, dataLoss, notes: [`live: from pulumi preview (${source})`] };
}
