/**
 * The one YAML serializer for everything hearth renders.
 *
 * Rendered objects are plain JSON data (maps, arrays, strings, finite numbers,
 * booleans, null), so this emitter handles exactly that subset, which lets it
 * run about forty times faster than a general YAML library's stringify: the
 * serializer is the hot path of `hearth build` (see BENCHMARKS.md).
 *
 * Correctness is checked against the `yaml` package, not our own opinion:
 * test/lib/yaml-emit.test.ts parses random documents back under both the
 * YAML 1.2 core schema and YAML 1.1 and requires deep equality.
 *
 * Style: two-space indentation, sequences indented under their key, block
 * literals (`|`) for multi-line strings, double quotes (JSON escapes, which are
 * valid YAML) whenever a plain scalar could be read as anything but the string.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// Words that YAML 1.1 or 1.2 resolve to booleans or null.
const RESERVED = new Set([
  'y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~',
]);

// Anything YAML 1.1 or 1.2 might resolve to a number (with underscores,
// exponents, hex/octal/binary or base-60 forms), infinity/NaN or a timestamp.
// Deliberately broad: a false positive only adds quotes.
const NUMERIC_LIKE = [
  /^[-+]?[0-9_.:]+([eE][-+]?[0-9_]+)?$/,
  /^[-+]?0[xob][0-9a-f_]+$/i,
  /^[-+]?\.(inf|nan)$/i,
  /^[-+]?[0-9_]*\.?[0-9_]*[eE][-+]?[0-9_]+$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

// A conservative plain-scalar alphabet: no indicators at the start, no
// ": " or " #" inside, no leading/trailing space, no control characters.
const PLAIN = /^[A-Za-z0-9_./$(][A-Za-z0-9_./@$()+=,;%*~^\-: ]*$/;

function isPlainSafe(s: string): boolean {
  if (s.length === 0 || s.length > 200) return false;
  if (!PLAIN.test(s)) return false;
  if (s.endsWith(' ') || s.endsWith(':')) return false;
  if (s.includes(': ') || s.includes(' #')) return false;
  if (RESERVED.has(s.toLowerCase())) return false;
  // Only plain when no YAML 1.1/1.2 resolver could read it as a number.
  if (NUMERIC_LIKE.some((re) => re.test(s))) return false;
  const c = s.charCodeAt(0);
  if (((c >= 48 && c <= 57) || c === 46) && s.includes(':')) return false;
  return true;
}

// Characters that may not appear in a block literal (C0 controls except tab
// and newline, DEL, C1 controls, BOM, line/paragraph separators).
const NOT_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]/;

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Serialise a string as a scalar, in block style when it spans lines. */
function scalarString(s: string, indent: string): string {
  if (s.includes('\n')) return blockable(s) ? blockLiteral(s, indent + '  ') : quote(s);
  return key(s);
}

/**
 * Block literals only for the common, unambiguous shape: a first line that
 * starts with a visible character, no trailing whitespace on any line, and at
 * most one trailing newline. Everything else is double-quoted.
 */
function blockable(s: string): boolean {
  if (NOT_IN_BLOCK.test(s) || s.includes('\r')) return false;
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  if (body === '' || body.endsWith('\n')) return false;
  if (/^[ \t\n]/.test(body)) return false;
  return !/[ \t]\n/.test(body) && !/[ \t]$/.test(body);
}

function blockLiteral(s: string, childIndent: string): string {
  const keep = s.endsWith('\n');
  const lines = (keep ? s.slice(0, -1) : s).split('\n');
  let out = keep ? '|' : '|-';
  for (const line of lines) out += line === '' ? '\n' : '\n' + childIndent + line;
  return out;
}

function scalar(v: JsonValue, indent: string): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return scalarString(v, indent);
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`cannot serialise non-finite number ${v}`);
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

// Keys and many values repeat across objects (apiVersion, label names, TCP): decide each once.
const keyCache = new Map<string, string>();

function key(k: string): string {
  let out = keyCache.get(k);
  if (out === undefined) {
    out = isPlainSafe(k) ? k : quote(k);
    if (keyCache.size < 50_000 && k.length <= 64) keyCache.set(k, out);
  }
  return out;
}

function emitMap(obj: { [key: string]: JsonValue }, indent: string, out: string[]): void {
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    emitEntry(key(k) + ':', v, indent, out);
  }
}

function emitEntry(prefix: string, v: JsonValue, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(indent + prefix + ' []\n');
    else {
      out.push(indent + prefix + '\n');
      emitSeq(v, indent + '  ', out);
    }
    return;
  }
  if (v !== null && typeof v === 'object') {
    if (isEmpty(v)) out.push(indent + prefix + ' {}\n');
    else {
      out.push(indent + prefix + '\n');
      emitMap(v, indent + '  ', out);
    }
    return;
  }
  out.push(indent + prefix + ' ' + scalar(v, indent) + '\n');
}

function isEmpty(o: object): boolean {
  for (const k in o) if ((o as Record<string, unknown>)[k] !== undefined) return false;
  return true;
}

function emitSeq(arr: JsonValue[], indent: string, out: string[]): void {
  for (const item of arr) {
    if (Array.isArray(item)) {
      if (item.length === 0) out.push(indent + '- []\n');
      else {
        out.push(indent + '-\n');
        emitSeq(item, indent + '  ', out);
      }
    } else if (item !== null && typeof item === 'object') {
      if (isEmpty(item)) {
        out.push(indent + '- {}\n');
        continue;
      }
      // First entry shares the line with the dash; the rest align under it.
      const inner: string[] = [];
      emitMap(item, indent + '  ', inner);
      inner[0] = indent + '- ' + inner[0].slice(indent.length + 2);
      for (const line of inner) out.push(line);
    } else if (item === undefined) {
      out.push(indent + '- null\n');
    } else {
      out.push(indent + '- ' + scalar(item, indent) + '\n');
    }
  }
}

/** Serialise one document (no leading `---`). */
export function toYaml(value: JsonValue): string {
  const out: string[] = [];
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    emitSeq(value, '', out);
  } else if (value !== null && typeof value === 'object') {
    if (isEmpty(value)) return '{}\n';
    emitMap(value, '', out);
  } else {
    return scalar(value, '') + '\n';
  }
  return out.join('');
}

/** Serialise several documents into one multi-document stream. */
export function toYamlDocuments(values: readonly JsonValue[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += (i === 0 ? '' : '---\n') + toYaml(values[i]);
  return s;
}
