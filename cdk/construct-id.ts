/**
 * The construct id of a name from the spec (a route, sink, fleet, CA or
 * device).
 *
 * `constructs` keeps a scope's children in a plain object and tests
 * `children[id]`, so an id that is a member of Object.prototype
 * ("constructor", "toString", "valueOf", ...) finds the inherited member and
 * fails with "There is already a Construct with name 'constructor'", although
 * the spec is valid and every other cloud takes the name. Those ids get a "~"
 * in front: spec names never hold "~", so no other name can take that id, and
 * every other name keeps its id, and so its logical ids.
 */
export function constructIdOf(name: string): string {
  return name in Object.prototype ? `~${name}` : name;
}
