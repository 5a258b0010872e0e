import * as fs from 'node:fs';
import * as path from 'node:path';
import type { default as AjvClass, ErrorObject, Options, ValidateFunction } from 'ajv';
import { SPEC_JSON_SCHEMA } from '../spec/json-schema';
import { joinPath, type Problem } from './problem';
import { closest } from './suggest';

// verbose: errors carry the offending value and schema, so messages can quote them.
const AJV_OPTIONS: Options = { allErrors: true, strict: false, verbose: true };

/** Where the compiled kit keeps the validator generated at build time (dist/lib/validate/). */
export const PREBUILT_VALIDATOR = path.join(__dirname, 'spec-validator.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where it is used: the compiled kit does not need Ajv at all
const newAjv = (options: Options): AjvClass => new (require('ajv') as { default: typeof AjvClass }).default(options);

/**
 * The spec validator as JavaScript source (Ajv standalone code), which
 * `npm run build` writes to dist/: compiling the schema at each run, with
 * loading Ajv, was about 0.2 s of every command (most of `iotkit validate`).
 */
export function specValidatorSource(): string {
  const ajv = newAjv({ ...AJV_OPTIONS, code: { source: true } });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- build time only
  const standalone = (require('ajv/dist/standalone') as { default: (ajv: AjvClass, validate: ValidateFunction) => string }).default;
  return standalone(ajv, ajv.compile(SPEC_JSON_SCHEMA));
}

let validateShape: ValidateFunction | undefined;

/** The build's validator when there is one (dist/), else the schema compiled now (the sources, tsx, jest). */
function specValidator(): ValidateFunction {
  if (validateShape === undefined) {
    validateShape = fs.existsSync(PREBUILT_VALIDATOR)
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- a generated module beside this one, only in dist/
        (require(PREBUILT_VALIDATOR) as ValidateFunction)
      : newAjv(AJV_OPTIONS).compile(SPEC_JSON_SCHEMA);
  }
  return validateShape;
}

export interface StructureProblems {
  /** Wrong types, missing fields, enums: nothing else can be checked reliably. */
  readonly blocking: Problem[];
  /**
   * A string value breaking a published format rule (pattern, length), or a
   * field the schema does not know (the known fields around it are still
   * well-formed, and no check reads an unknown one): the other checks still run.
   */
  readonly values: Problem[];
}

/** Keywords whose failure leaves every known value of the right type. */
const VALUE_KEYWORDS = new Set(['pattern', 'maxLength', 'minLength', 'additionalProperties']);

/**
 * Structural checks against the published JSON Schema: types, required and
 * unknown fields, enums, and the format rules published there (names,
 * device ids). Messages speak the spec's language, not Ajv's.
 */
export function checkStructure(document: unknown): StructureProblems {
  const result: StructureProblems = { blocking: [], values: [] };
  const validate = specValidator();
  if (validate(document)) return result;
  // Ajv may report one problem more than once (one per schema branch): ProblemList, where compileSpec collects them, keeps one.
  for (const e of validate.errors ?? []) {
    const p = toProblem(e);
    if (p === undefined) continue;
    (VALUE_KEYWORDS.has(e.keyword) && e.propertyName === undefined ? result.values : result.blocking).push(p);
  }
  return result;
}

/**
 * The rule a schema states in its description as "Thing: rule." (the same
 * sentence editors show), so a message and the published schema cannot drift.
 */
function publishedRule(e: ErrorObject): string | undefined {
  const description = (e.parentSchema as { description?: unknown } | undefined)?.description;
  if (typeof description !== 'string') return undefined;
  const match = /^[^:]+: (.*)\.$/s.exec(description);
  return match?.[1];
}

function pointerParts(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function schemaProperties(e: ErrorObject): string[] {
  const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(parent?.properties ?? {});
}

function toProblem(e: ErrorObject): Problem | undefined {
  const parts = pointerParts(e.instancePath);
  const path = joinPath(...parts);
  const error = (message: string, at = path): Problem => ({ path: at, message, severity: 'error' });
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      // At the field's own path, like an unknown field: a field missing at the top of the spec still has a path.
      const field = String(params.missingProperty);
      return error(`missing required field "${field}"`, joinPath(...parts, field));
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const hint = closest(field, schemaProperties(e));
      return error(`unknown field "${field}"${hint ? ` (did you mean "${hint}"?)` : ''}`, joinPath(...parts, field));
    }
    case 'enum':
      return error(`must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}`);
    case 'type':
      if (parts.length === 0)
        return error(`the spec must be an object with name, topics, sinks, routes, fleets, certificateAuthorities and targets; got ${describe(e.data)}`);
      return error(`must be ${article(String(params.type))}, got ${describe(e.data)}`);
    case 'minItems':
      return error(`must list at least ${String(params.limit)} item(s)`);
    case 'minimum':
      return error(`must be at least ${String(params.limit)}, got ${JSON.stringify(e.data)}`);
    case 'maxLength':
    case 'minLength':
    case 'pattern':
      if (e.propertyName !== undefined) {
        if (e.keyword === 'maxLength')
          return error(`name "${e.propertyName}" has ${e.propertyName.length} characters: at most ${String(params.limit)}`, joinPath(...parts, e.propertyName));
        return error(`name "${e.propertyName}" must start with a letter and hold only letters, digits, "_" and "-"`, joinPath(...parts, e.propertyName));
      }
      {
        const rule = publishedRule(e);
        if (rule !== undefined) return error(`${JSON.stringify(e.data)} ${rule}`);
      }
      if (e.keyword !== 'pattern') return error(e.message ?? 'is invalid');
      return error(`${JSON.stringify(e.data)} does not match ${String(params.pattern)}`);
    case 'propertyNames':
      return undefined; // reported by the nested `pattern` error below, with the name
    default:
      return error(e.message ?? 'is invalid');
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${article(typeof value)} (${JSON.stringify(value)?.slice(0, 40)})`;
}
