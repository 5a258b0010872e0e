/**
 * How AWS IoT Core matches a policy resource against a concrete resource:
 * IAM-style globbing, where `*` is any run of characters (`/` included) and
 * `?` one character; `${*}`, `${?}`, `${$}` are the literal characters; any
 * other `${...}` is a policy variable. Pure and cloud-neutral text matching,
 * so lib's plan checks, cdk's policy audit and the tests share one answer.
 */

/**
 * Whether the policy resource `pattern` matches `value`. Policy variables
 * found in `variables` are substituted literally (as AWS does with the
 * connection's values); any other policy variable matches anything, which
 * errs on the side of "reachable" for an audit.
 */
export function awsPolicyResourceMatches(pattern: string, value: string, variables: Readonly<Record<string, string>> = {}): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const rest = pattern.slice(i);
    const escape = /^\$\{([*?$])\}/.exec(rest);
    if (escape !== null) {
      regex += `\\${escape[1]}`;
      i += escape[0].length - 1;
      continue;
    }
    const variable = /^\$\{([^}]*)\}/.exec(rest);
    if (variable !== null) {
      const bound = Object.prototype.hasOwnProperty.call(variables, variable[0]) ? variables[variable[0]] : undefined;
      regex += bound === undefined ? '.*' : escapeRegExp(bound);
      i += variable[0].length - 1;
      continue;
    }
    const c = pattern[i];
    regex += c === '*' ? '.*' : c === '?' ? '.' : escapeRegExp(c);
  }
  return new RegExp(`^${regex}$`, 's').test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]{}\\]/g, '\\$&');
}
