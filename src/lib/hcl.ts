/**
 * A small HCL writer whose output is already in `terraform fmt` form, so
 * rendered `.tf` and `.pkr.hcl` files pass `terraform fmt -check` unchanged:
 * two-space indent, `=` aligned across runs of consecutive single-line
 * attributes (a run ends at a blank line, a block, or an attribute whose object
 * or list value spans lines, which is never padded; heredocs stay in the run),
 * one blank line between top-level blocks.
 *
 * Values: strings are quoted and escaped (`${` and `%{` are doubled so a
 * value is never read as a template), `expr()` is a raw expression
 * (`var.token`, `proxmox_virtual_environment_vm.k3s["a"].id`), `heredoc()` a
 * multi-line string, arrays and plain objects nest.
 */

export class HclExpr {
  constructor(readonly text: string) {}
}

export class HclHeredoc {
  constructor(readonly text: string) {}
}

/** A raw HCL expression, written as is. */
export function expr(text: string): HclExpr {
  return new HclExpr(text);
}

/** A multi-line string as a heredoc (`<<-EOT`); the text is taken literally except for templates. */
export function heredoc(text: string): HclHeredoc {
  return new HclHeredoc(text);
}

export type HclValue = string | number | boolean | HclExpr | HclHeredoc | readonly HclValue[] | { readonly [key: string]: HclValue | undefined };

export interface HclBlock {
  kind: 'block';
  type: string;
  labels: string[];
  body: HclEntry[];
}

export type HclEntry = HclBlock | { kind: 'attr'; name: string; value: HclValue } | { kind: 'comment'; text: string } | { kind: 'blank' };

export function block(type: string, labels: string[], body: (HclEntry | undefined | false)[]): HclBlock {
  return { kind: 'block', type, labels, body: body.filter((e): e is HclEntry => !!e) };
}

/** An attribute; `undefined` values are dropped (so optional settings can be passed straight through). */
export function attr(name: string, value: HclValue | undefined): HclEntry | undefined {
  return value === undefined ? undefined : { kind: 'attr', name, value };
}

export function comment(text: string): HclEntry {
  return { kind: 'comment', text };
}

export const blank: HclEntry = { kind: 'blank' };

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ') out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  out += '"';
  return out.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

function key(k: string): string {
  return IDENT.test(k) ? k : quote(k);
}

function isObject(v: HclValue): v is { readonly [key: string]: HclValue | undefined } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof HclExpr) && !(v instanceof HclHeredoc);
}

/** A value as lines; the first line continues the `name = ` prefix, the others are indented by `indent`. */
function valueLines(v: HclValue, indent: string): string[] {
  if (typeof v === 'string') return [quote(v)];
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`HCL: ${v} is not a number HCL can hold`);
    return [String(v)];
  }
  if (typeof v === 'boolean') return [String(v)];
  if (v instanceof HclExpr) return [v.text];
  if (v instanceof HclHeredoc) {
    const body = v.text.endsWith('\n') ? v.text.slice(0, -1) : v.text;
    if (body.split('\n').some((l) => l.trim() === 'EOT')) throw new Error('HCL: a heredoc line is exactly its EOT marker');
    return ['<<-EOT', ...body.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{').split('\n').map((l) => (l === '' ? '' : `${indent}  ${l}`)), `${indent}EOT`];
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return ['[]'];
    if (v.every((x) => !isObject(x) && !Array.isArray(x) && !(x instanceof HclHeredoc))) {
      const one = `[${v.map((x) => valueLines(x, indent)[0]).join(', ')}]`;
      if (one.length + indent.length <= 100) return [one];
    }
    const inner = indent + '  ';
    const lines = ['['];
    for (const x of v) {
      const xl = valueLines(x, inner);
      lines.push(inner + xl[0], ...xl.slice(1));
      lines[lines.length - 1] += ',';
    }
    lines.push(`${indent}]`);
    return lines;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined) as [string, HclValue][];
  if (entries.length === 0) return ['{}'];
  const inner = indent + '  ';
  return ['{', ...attrLines(entries.map(([k, x]) => ({ name: key(k), value: x })), inner), `${indent}}`];
}

/** Attribute lines with `=` aligned across each run of consecutive single-line attributes. */
function attrLines(attrs: { name: string; value: HclValue }[], indent: string): string[] {
  const rendered = attrs.map((a) => ({ name: a.name, lines: valueLines(a.value, indent) }));
  const out: string[] = [];
  let run: { name: string; lines: string[] }[] = [];
  const flush = () => {
    const width = Math.max(...run.map((r) => r.name.length));
    for (const r of run) {
      out.push(`${indent}${r.name.padEnd(width)} = ${r.lines[0]}`, ...r.lines.slice(1));
    }
    run = [];
  };
  for (const [i, r] of rendered.entries()) {
    // A multi-line object or list stands alone: terraform fmt aligns neither its first line nor the line
    // after its end. A heredoc stays in the run (its body lines are not HCL lines to fmt).
    if (r.lines.length > 1 && !(attrs[i].value instanceof HclHeredoc)) {
      if (run.length) flush();
      out.push(`${indent}${r.name} = ${r.lines[0]}`, ...r.lines.slice(1));
    } else run.push(r);
  }
  if (run.length) flush();
  return out;
}

function bodyLines(body: HclEntry[], indent: string): string[] {
  const out: string[] = [];
  let attrs: { name: string; value: HclValue }[] = [];
  const flush = () => {
    if (attrs.length) out.push(...attrLines(attrs, indent));
    attrs = [];
  };
  body.forEach((e, i) => {
    if (e.kind === 'attr') {
      attrs.push({ name: e.name, value: e.value });
      return;
    }
    flush();
    if (e.kind === 'blank') {
      if (out.length && out[out.length - 1] !== '' && i < body.length - 1) out.push('');
    } else if (e.kind === 'comment') {
      for (const l of e.text.split('\n')) out.push(`${indent}#${l ? ' ' + l : ''}`);
    } else {
      // A nested block is set apart from the attributes before it.
      if (out.length && out[out.length - 1] !== '' && !out[out.length - 1].trimStart().startsWith('#')) out.push('');
      out.push(...blockLines(e, indent));
      if (i < body.length - 1 && body[i + 1].kind !== 'blank') out.push('');
    }
  });
  flush();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

function blockLines(b: HclBlock, indent: string): string[] {
  const head = [b.type, ...b.labels.map(quote)].join(' ');
  if (b.body.length === 0) return [`${indent}${head} {}`];
  return [`${indent}${head} {`, ...bodyLines(b.body, indent + '  '), `${indent}}`];
}

/** A whole file: a header comment, then top-level blocks (and attributes) separated by blank lines. */
export function hclFile(entries: (HclEntry | undefined | false)[], header?: string): string {
  const list = entries.filter((e): e is HclEntry => !!e);
  const parts: string[] = [];
  if (header) parts.push(header.split('\n').map((l) => `#${l ? ' ' + l : ''}`).join('\n'));
  let attrs: { name: string; value: HclValue }[] = [];
  const flush = () => {
    if (attrs.length) parts.push(attrLines(attrs, '').join('\n'));
    attrs = [];
  };
  for (const e of list) {
    if (e.kind === 'attr') attrs.push({ name: e.name, value: e.value });
    else {
      flush();
      if (e.kind === 'block') parts.push(blockLines(e, '').join('\n'));
      else if (e.kind === 'comment') parts.push(e.text.split('\n').map((l) => `#${l ? ' ' + l : ''}`).join('\n'));
    }
  }
  flush();
  return parts.join('\n\n') + '\n';
}
