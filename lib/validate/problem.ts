import { printable } from '../output/printable';
/** One problem found in a spec: where (a path in the spec's own terms) and why. */
export interface Problem {
  /** e.g. `routes[2].to[0]`, `topics.telemetry.pattern`; '' for the whole spec. */
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** One problem as the CLI prints it; values quoted from the spec cannot act on the terminal or forge another line (lib/output/printable.ts). */
export function formatProblem(p: Problem): string {
  const where = p.path === '' ? '' : `${p.path}: `;
  return printable(p.severity === 'warning' ? `warning: ${where}${p.message}` : `${where}${p.message}`);
}

/** Builds spec paths the way users read them: `a.b[2].c`, quoting keys that are not identifiers. */
export function joinPath(...parts: readonly (string | number)[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Path of a plan route's field in the spec: `routes[2].filter`. */
export function routePath(route: { readonly index: number }, ...rest: readonly (string | number)[]): string {
  return joinPath('routes', route.index, ...rest);
}

/**
 * Collects problems so a check can report all of them, not just the first.
 * A problem found twice (the same path, message and severity: a value that
 * the spec's checks and a cloud's checks both refuse) is listed once.
 */
export class ProblemList {
  private readonly items: Problem[] = [];
  private readonly seen = new Set<string>();
  private blocking = 0;

  /** Paths whose value an earlier check refused: a later error there is that value's consequence, not a second problem. */
  private readonly refusedPaths = new Set<string>();

  private push(problem: Problem): void {
    if (problem.severity === 'error' && this.refusedPaths.has(problem.path)) return;
    const key = JSON.stringify([problem.severity, problem.path, problem.message]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(problem);
  }

  /** An error after which the spec cannot be planned (an unknown name, an unparsable pattern or filter). */
  error(path: string, message: string): void {
    this.push({ path, message, severity: 'error' });
    this.blocking++;
  }

  /**
   * An error that leaves the spec plannable (a value a cloud refuses, a
   * format, a collision): the plan is still built and checked, so problems
   * that do not depend on this one are reported in the same run.
   */
  independentError(path: string, message: string): void {
    this.push({ path, message, severity: 'error' });
  }

  /** Whether an error stops the plan from being built. */
  get blocksPlan(): boolean {
    return this.blocking > 0;
  }

  add(problems: readonly Problem[]): void {
    for (const p of problems) this.push(p);
  }

  /**
   * Values refused as written (a name that breaks its pattern): listed, and
   * later errors at the same path are dropped (a route name the pattern
   * refuses also makes an invalid AWS rule name and Pub/Sub id there).
   */
  addRefusedValues(problems: readonly Problem[]): void {
    this.add(problems);
    for (const p of problems) if (p.severity === 'error') this.refusedPaths.add(p.path);
  }

  warning(path: string, message: string): void {
    this.push({ path, message, severity: 'warning' });
  }

  get all(): readonly Problem[] {
    return this.items;
  }

  get errors(): readonly Problem[] {
    return this.items.filter((p) => p.severity === 'error');
  }

  get warnings(): readonly Problem[] {
    return this.items.filter((p) => p.severity === 'warning');
  }
}

/** Thrown when a spec is invalid: carries every problem found. */
export class SpecError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`invalid spec: ${problems.filter((p) => p.severity === 'error').length} problem(s)\n` + problems.map(formatProblem).join('\n'));
  }
}
