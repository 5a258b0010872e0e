import * as YAML from 'yaml';
import { SpecError } from '../validate/problem';
import { duplicateYamlKeys } from './yaml-keys';
import { MAX_SPEC_DEPTH, MAX_YAML_ALIAS_COUNT } from './limits';

/** A YAML spec document as data; syntax errors, duplicate keys and alias bombs become a SpecError with the position. */
export function parseYaml(text: string, label: string): unknown {
  try {
    return parseYamlDocument(text, label);
  } catch (e) {
    // The parser and toJS recurse once per level: how deep they get before the stack runs out depends on the
    // stack the caller left (the library records most overflows as RESOURCE_EXHAUSTION, but not all of them).
    if (e instanceof RangeError && isStackOverflow(e.message)) throw new SpecError([{ path: '', severity: 'error', message: tooDeep(label, '') }]);
    throw e;
  }
}

/** YAML 1.2's own scalar tags: a value under one that does not fit it is the value's fault, not the tag's. */
const CORE_TAGS = /^tag:yaml\.org,2002:(null|bool|int|float)$/;

const isStackOverflow = (message: string) => /maximum call stack/i.test(message);
const tooDeep = (label: string, at: string) => `${label} nests too deeply for the YAML parser${at}: a spec nests at most ${MAX_SPEC_DEPTH} levels`;

function parseYamlDocument(text: string, label: string): unknown {
  const lineCounter = new YAML.LineCounter();
  // uniqueKeys off: duplicates are reported below with their path and key, which the library's message lacks.
  // logLevel error: the library's warnings (a collection used as a key) would go to stderr raw; what matters is reported below.
  // merge: YAML 1.1's merge key (`<<: *defaults`), which YAML users expect (the 1.2 core schema would read it as a field named "<<").
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter, logLevel: 'error', merge: true });
  // An unknown tag (`!foo`, `!!python/object`) would silently read as plain text: a spec has no tags beyond YAML's own.
  const unresolved = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (doc.errors.length === 0 && unresolved.length > 0) {
    throw new SpecError(
      unresolved.slice(0, 20).map((w) => {
        const pos = w.linePos?.[0] ?? lineCounter.linePos(w.pos[0]);
        const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'a tag';
        const at = `(line ${pos.line}, column ${pos.col})`;
        // The library names YAML's own tags in long form; the spec wrote `!!float`.
        const core = CORE_TAGS.exec(tag)?.[1];
        return {
          path: '',
          severity: 'error' as const,
          message:
            core === undefined
              ? `${label}: the YAML tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not one a spec can use ${at}: remove it`
              : `${label}: the value tagged !!${core} ${at} is not written as a YAML 1.2 ${core}: drop the tag and write the plain value`,
        };
      }),
    );
  }
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    let deep = false;
    const problems = doc.errors
      .map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        const at = ` (line ${pos.line}, column ${pos.col})`;
        if (e.code === 'RESOURCE_EXHAUSTION' || isStackOverflow(e.message)) {
          // One problem, where the parser first ran out: each level it unwinds through can record another.
          if (deep) return undefined;
          deep = true;
          return tooDeep(label, at);
        }
        return `${label} is not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}${at}`;
      })
      .filter((m): m is string => m !== undefined && !seen.has(m) && seen.add(m) !== undefined);
    throw new SpecError(problems.slice(0, 20).map((message) => ({ path: '', severity: 'error' as const, message })));
  }
  const duplicates = duplicateYamlKeys(doc, lineCounter);
  if (duplicates.length > 0) {
    throw new SpecError(
      duplicates.map((d) => ({
        path: d.path,
        severity: 'error' as const,
        message: `duplicate key "${d.key}" (line ${d.line}, column ${d.column}; first at line ${d.firstLine})`,
      })),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof Error && /^Merge sources must be/.test(e.message))
      throw new SpecError([{ path: '', severity: 'error', message: badMerge(doc, lineCounter, label) }]);
    const unresolved = e instanceof ReferenceError ? /^Unresolved alias\b.*?: (.*)$/.exec(e.message) : null;
    if (unresolved !== null) throw new SpecError([{ path: '', severity: 'error', message: unresolvedAlias(doc, lineCounter, label, unresolved[1]) }]);
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new SpecError([
        {
          path: '',
          severity: 'error',
          message: `${label} expands YAML aliases too often (more than ${MAX_YAML_ALIAS_COUNT} expansions of one anchor, as in an alias bomb): write the values out or use fewer aliases`,
        },
      ]);
    }
    throw e;
  }
}

/** An alias whose anchor is not defined before it (YAML resolves anchors in document order): where it is, and what to do. */
function unresolvedAlias(doc: YAML.Document, lineCounter: YAML.LineCounter, label: string, name: string): string {
  let at = '';
  YAML.visit(doc, {
    Alias(_key, node) {
      if (node.source !== name || node.range === undefined || node.range === null) return undefined;
      const pos = lineCounter.linePos(node.range[0]);
      at = ` (line ${pos.line}, column ${pos.col})`;
      return YAML.visit.BREAK;
    },
  });
  return `${label}: the YAML alias *${name}${at} has no anchor &${name} before it: define the anchor first (anchors count in document order), or write the value out`;
}

/** The first merge key (`<<`) whose value is not a map, an alias of one, or a list of those. */
function badMerge(doc: YAML.Document, lineCounter: YAML.LineCounter, label: string): string {
  const isMapSource = (node: unknown): boolean => YAML.isMap(node) || (YAML.isAlias(node) && YAML.isMap(node.resolve(doc)));
  let at = '';
  YAML.visit(doc, {
    Pair(_key, pair) {
      if (!YAML.isScalar(pair.key) || !isMergeKey(pair.key)) return undefined;
      const value = pair.value;
      if (isMapSource(value) || (YAML.isSeq(value) && value.items.every(isMapSource))) return undefined;
      if (pair.key.range) {
        const pos = lineCounter.linePos(pair.key.range[0]);
        at = ` (line ${pos.line}, column ${pos.col})`;
      }
      return YAML.visit.BREAK;
    },
  });
  return `${label}: a YAML merge key (<<)${at} takes a map, an alias of a map, or a list of those`;
}

/** With `merge` on, the library reads `<<` as a symbol; its source text stays "<<". */
const isMergeKey = (key: YAML.Scalar): boolean => typeof key.value === 'symbol' || key.value === '<<';
