/**
 * The schema pass: run the zod schema and turn each zod issue into a hearth
 * `Issue` with a readable message, what was expected (the schema's own
 * description of the field) and a hint (closest known key, allowed values).
 */
import { z } from 'zod';
import { Lab, NAME_RE, type LabSpec } from './schema.js';
import { issue, type Issue, type IssueCode, type SpecPath } from './issues.js';
import { closest, list } from '../lib/text.js';

type Schema = z.core.$ZodType;

function def(s: Schema): Record<string, any> {
  return (s as any)._zod.def;
}

/** Strip optional/default/nullable wrappers. */
function unwrap(s: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    const d = def(cur);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly') cur = d.innerType;
    else if (d.type === 'pipe') cur = d.in;
    else break;
  }
  return cur;
}

/** Pick the member of a discriminated union that matches the data, if any. */
function pickOption(s: Schema, data: unknown): Schema | undefined {
  const d = def(s);
  if (d.type !== 'union') return s;
  const disc: string | undefined = d.discriminator;
  if (!disc || !data || typeof data !== 'object') return undefined;
  const value = (data as Record<string, unknown>)[disc];
  return (d.options as Schema[]).find((o) => {
    const shape = def(unwrap(o)).shape;
    const lit = shape?.[disc] && def(unwrap(shape[disc]));
    return lit?.values?.includes(value);
  });
}

/** The schema node at a spec path, following the data through unions. */
export function schemaAt(root: Schema, path: SpecPath, data: unknown): Schema | undefined {
  let s: Schema | undefined = unwrap(root);
  let d: unknown = data;
  for (const seg of path) {
    if (!s) return undefined;
    s = pickOption(unwrap(s), d);
    if (!s) return undefined;
    const dd = def(unwrap(s));
    if (dd.type === 'object') s = dd.shape[seg];
    else if (dd.type === 'array') s = dd.element;
    else if (dd.type === 'record') s = dd.valueType;
    else return undefined;
    d = d && typeof d === 'object' ? (d as Record<string | number, unknown>)[seg] : undefined;
    if (s) s = unwrap(s);
  }
  return s && (pickOption(unwrap(s), d) ?? s);
}

function description(s: Schema | undefined): string | undefined {
  if (!s) return undefined;
  return (s as any).description ?? (unwrap(s) as any).description;
}

function dataAt(data: unknown, path: SpecPath): unknown {
  let d = data;
  for (const seg of path) d = d && typeof d === 'object' ? (d as Record<string | number, unknown>)[seg] : undefined;
  return d;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function expectedType(t: string): string {
  return ({ object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false' } as Record<string, string>)[t] ?? t;
}

/**
 * One zod issue → hearth issues. `root` is the schema that was parsed (the lab,
 * or a module's settings schema) and `base` the spec path of the parsed data.
 */
export function convertZodIssue(zi: z.core.$ZodIssue, data: unknown, root: Schema = Lab, base: SpecPath = []): Issue[] {
  return convert(zi, data, root).map((i) => ({ ...i, path: [...base, ...i.path] }));
}

function convert(zi: z.core.$ZodIssue, data: unknown, root: Schema): Issue[] {
  const path = zi.path as (string | number)[];
  const at = schemaAt(root, path, data);
  const expected = description(at);
  const value = dataAt(data, path);
  switch (zi.code) {
    case 'unrecognized_keys': {
      const obj = schemaAt(root, path, data);
      const known = obj ? Object.keys(def(unwrap(obj)).shape ?? {}) : [];
      return zi.keys.map((k) => {
        const near = closest(k, known);
        return issue('unknown-key', [...path, k], `unknown key "${k}"`, {
          expected: known.length ? `one of: ${list(known)}` : undefined,
          hint: near ? `did you mean "${near}"?` : 'remove it; `hearth schema` prints every key',
        });
      });
    }
    case 'invalid_type': {
      if (value === undefined) {
        const key = path[path.length - 1];
        return [issue('missing-key', path, `"${String(key)}" is required`, { expected: expected ?? expectedType(zi.expected), hint: `add ${String(key)}: ${path.length > 1 ? 'to this entry' : 'here'}` })];
      }
      return [issue('invalid-type', path, `expected ${expectedType(zi.expected)}, got ${typeName(value)}`, { expected })];
    }
    case 'invalid_value': {
      const allowed = zi.values.map((v) => String(v));
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      return [
        issue('invalid-value', path, `${typeName(value)} is not allowed here`, {
          expected: `one of: ${list(allowed)}`,
          hint: near ? `did you mean "${near}"?` : undefined,
        }),
      ];
    }
    case 'invalid_union': {
      const disc0: string | undefined = (zi as any).discriminator;
      // zod reports a bad discriminator at the discriminator key itself.
      const atDisc = disc0 !== undefined && path[path.length - 1] === disc0;
      const unionPath = atDisc ? path.slice(0, -1) : path;
      const union = atDisc ? schemaAt(root, unionPath, data) : at;
      const d = union ? def(union) : undefined;
      const disc: string | undefined = disc0 ?? d?.discriminator;
      if (disc) {
        const holder = dataAt(data, unionPath);
        const options = ((d?.options ?? []) as Schema[])
          .map((o) => def(unwrap(def(unwrap(o)).shape[disc])).values?.[0])
          .filter((x) => x !== undefined)
          .map(String);
        const got = holder && typeof holder === 'object' ? (holder as Record<string, unknown>)[disc] : undefined;
        const near = typeof got === 'string' ? closest(got, options) : undefined;
        return [
          issue(got === undefined ? 'missing-key' : 'invalid-value', [...unionPath, disc], got === undefined ? `"${disc}" is required` : `${typeName(got)} is not a known ${disc}`, {
            expected: options.length ? `one of: ${list(options)}` : undefined,
            hint: near ? `did you mean "${near}"?` : undefined,
          }),
        ];
      }
      return [issue('invalid-value', path, `${typeName(value)} matches none of the allowed forms`, { expected })];
    }
    case 'invalid_format': {
      const isName = zi.format === 'regex' && (zi as { pattern?: string }).pattern === String(NAME_RE);
      return [
        issue('invalid-format', path, `${typeName(value)} is not a valid ${isName ? 'name' : zi.format === 'regex' ? 'value' : zi.format}`, {
          expected: isName ? 'a lowercase DNS-1123 label: a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters' : expected,
          hint: isName && typeof value === 'string' ? `for example "${value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'my-name'}"` : undefined,
        }),
      ];
    }
    case 'too_small':
      return [
        issue('too-small', path, zi.origin === 'array' ? `needs at least ${zi.minimum} ${Number(zi.minimum) === 1 ? 'entry' : 'entries'}` : `${typeName(value)} is too small (minimum ${zi.minimum})`, { expected }),
      ];
    case 'too_big':
      return [issue('too-big', path, zi.origin === 'string' ? `is longer than ${zi.maximum} characters` : `${typeName(value)} is too big (maximum ${zi.maximum})`, { expected })];
    case 'custom': {
      // Schemas (module settings) may name the hearth code and a hint in the issue's params.
      const params = (zi as { params?: { code?: IssueCode; hint?: string } }).params ?? {};
      return [issue(params.code ?? 'invalid-value', path, zi.message, { expected, hint: params.hint })];
    }
    default:
      return [issue('invalid-value', path, zi.message, { expected })];
  }
}

export interface SchemaResult {
  spec?: LabSpec;
  issues: Issue[];
}

export function checkSchema(data: unknown): SchemaResult {
  const r = Lab.safeParse(data);
  if (r.success) return { spec: r.data, issues: [] };
  return { issues: r.error.issues.flatMap((zi) => convertZodIssue(zi, data)) };
}
