/**
 * Reading a spec file: `hearth.yaml` (parsed with source positions) or
 * `hearth.config.ts` (`export default defineLab({...})`, loaded with jiti).
 * This is the only module of the spec stage that touches the filesystem.
 *
 * Guards against hostile input: files over MAX_SPEC_BYTES are refused before
 * parsing, duplicate keys are errors, and alias expansion is capped so a
 * "billion laughs" document is refused instead of exhausting memory.
 */
import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import jsyaml from 'js-yaml';
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Node as YamlNode, type Document } from 'yaml';
import { issue, type Issue, type SpecPath } from './issues.js';
import { packageRoot } from '../lib/package-root.js';

/** Specs larger than this are refused: a lab spec is kilobytes, not megabytes. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** Aliases a document may expand; YAML anchors beyond this look like an attack. */
export const MAX_ALIAS_COUNT = 100;

export const SPEC_FILE_NAMES = ['hearth.yaml', 'hearth.yml', 'hearth.config.ts', 'hearth.config.mts', 'hearth.config.js', 'hearth.config.mjs'];

export interface SourceLocator {
  /** The file as given to the loader (kept relative for readable messages). */
  file: string;
  kind: 'yaml' | 'module';
  /** Line and column (1-based) of the node at `path`, or of its nearest ancestor. */
  locate(path: SpecPath): { line: number; col: number } | undefined;
}

export interface RawSpec {
  data?: unknown;
  source: SourceLocator;
  issues: Issue[];
}

/** Find the spec file: the path itself, or a known spec file name inside a directory. */
export function resolveSpecFile(target: string): string | undefined {
  if (!existsSync(target)) return undefined;
  if (statSync(target).isFile()) return target;
  for (const n of SPEC_FILE_NAMES) {
    const p = path.join(target, n);
    if (existsSync(p)) return p;
  }
  return undefined;
}

const noLocation: SourceLocator['locate'] = () => undefined;

export async function readSpec(file: string): Promise<RawSpec> {
  const ext = path.extname(file).toLowerCase();
  const source: SourceLocator = { file, kind: ext === '.yaml' || ext === '.yml' ? 'yaml' : 'module', locate: noLocation };
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { source, issues: [issue('file-not-found', [], `cannot read ${file}`, { hint: 'check the path; `hearth init` writes a starter hearth.yaml' })] };
  }
  if (size > MAX_SPEC_BYTES) {
    return {
      source,
      issues: [
        issue('file-too-large', [], `the spec is ${size} bytes; hearth refuses specs over ${MAX_SPEC_BYTES} bytes`, {
          hint: 'a lab spec is normally a few kilobytes: check that this is the right file',
        }),
      ],
    };
  }
  if (source.kind === 'yaml') return parseYamlSpec(readFileSync(file, 'utf8'), file);
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) return loadModuleSpec(file, source);
  return {
    source,
    issues: [issue('file-unsupported', [], `cannot read ${ext || 'extensionless'} files as a spec`, { expected: 'hearth.yaml or hearth.config.ts' })],
  };
}

// Anchors or aliases anywhere (conservatively: an & or * starting a token).
const MAY_ALIAS = /(^|[\s[{,:-])[&*][^\s,\]}]/;

/**
 * Parse YAML text into plain data plus a locator for spec paths.
 *
 * Fast path: js-yaml (YAML 1.2 core schema, about 15 times faster than
 * composing a `yaml` document) when the text has no anchors or aliases; it
 * refuses duplicate keys and multiple documents like the full path does. Any
 * error, and any anchor, takes the full path, which reports positions and
 * caps alias expansion. Source positions are only computed when an issue
 * needs one. test/spec/fast-path.test.ts checks both paths read the same data.
 */
export function parseYamlSpec(text: string, file: string): RawSpec {
  if (!MAY_ALIAS.test(text)) {
    try {
      const data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: file });
      if (data !== undefined && data !== null) {
        let full: RawSpec | undefined;
        const source: SourceLocator = {
          file,
          kind: 'yaml',
          locate: (p) => (full ??= parseYamlSpecFull(text, file)).source.locate(p),
        };
        return { data, source, issues: [] };
      }
    } catch {
      // Fall through: the full parser reports the problem with its position.
    }
  }
  return parseYamlSpecFull(text, file);
}

/** The full parse: a `yaml` Document with positions, duplicate-key and alias checks. */
export function parseYamlSpecFull(text: string, file: string): RawSpec {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const source: SourceLocator = { file, kind: 'yaml', locate: noLocation };
  const issues: Issue[] = [];
  const pos = (offset: number) => {
    const lp = lineCounter.linePos(offset);
    return { line: lp.line, col: lp.col };
  };
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length === 0) {
    issues.push({ ...issue('yaml-syntax', [], 'the file holds no YAML document', { hint: 'run `hearth init` for a starter spec' }), file, line: 1, col: 1 });
    return { source, issues };
  }
  const doc = list[0] as Document.Parsed;
  source.locate = (p) => locateNode(doc, p, pos);
  for (const extra of list.slice(1)) {
    const at = extra.contents?.range ? pos(extra.contents.range[0]) : undefined;
    issues.push({ ...issue('yaml-multiple-documents', [], 'the spec must be a single YAML document', { hint: 'remove the `---` separator and what follows, or merge the documents' }), file, ...at });
  }
  const seenLines = new Set<number>();
  for (const err of [...doc.errors, ...doc.warnings]) {
    const at = pos(err.pos[0]);
    // One syntax error cascades into several on the lines after it: keep the first per line.
    if (err.code !== 'DUPLICATE_KEY') {
      if (seenLines.has(at.line) || seenLines.has(at.line - 1)) continue;
      seenLines.add(at.line);
    }
    const duplicate = err.code === 'DUPLICATE_KEY';
    issues.push({
      ...issue(duplicate ? 'yaml-duplicate-key' : 'yaml-syntax', pathAtOffset(doc, err.pos[0]), firstLine(err.message), {
        hint: duplicate ? 'each key may appear once per mapping; remove or merge the repeated one' : undefined,
        severity: doc.errors.includes(err as never) ? 'error' : 'warning',
      }),
      file,
      ...at,
    });
  }
  if (issues.some((i) => i.severity === 'error')) return { source, issues };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    issues.push({
      ...issue('yaml-alias-limit', [], `alias expansion refused: ${firstLine((e as Error).message)}`, {
        hint: `hearth expands at most ${MAX_ALIAS_COUNT} aliases; write the repeated parts out or use fewer anchors`,
      }),
      file,
      line: 1,
      col: 1,
    });
    return { source, issues };
  }
  return { data: data ?? {}, source, issues };
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** Walk the YAML AST along a spec path; return the deepest node's position. */
function locateNode(doc: Document.Parsed, p: SpecPath, pos: (o: number) => { line: number; col: number }) {
  let node: unknown = doc.contents;
  let best: { line: number; col: number } | undefined = node && (node as YamlNode).range ? pos((node as YamlNode).range![0]) : undefined;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) best = pos(pair.key.range[0]);
      node = pair.value;
      // Point at the value when it is a scalar: that is what is wrong.
      if (isScalar(node) && node.range) best = pos(node.range[0]);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      node = item;
      if ((item as YamlNode).range) best = pos((item as YamlNode).range![0]);
    } else break;
  }
  return best;
}

/** The spec path of the innermost node containing an offset (for YAML errors). */
function pathAtOffset(doc: Document.Parsed, offset: number): SpecPath {
  const out: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      // The last pair starting at or before the offset (a value's range runs past its
      // trailing newline, so "contains" would also match the previous pair).
      let pair: (typeof node.items)[number] | undefined;
      for (const it of node.items) {
        const k = it.key as YamlNode | null;
        const start = k?.range?.[0] ?? (it.value as YamlNode | null)?.range?.[0];
        if (start !== undefined && start <= offset) pair = it;
      }
      if (!pair || !isPair(pair) || !isScalar(pair.key)) return out;
      out.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node)) {
      const idx = node.items.findIndex((it) => {
        const r = (it as YamlNode).range;
        return r && offset >= r[0] && offset <= r[2];
      });
      if (idx < 0) return out;
      out.push(idx);
      node = node.items[idx];
    } else return out;
  }
}

/** Load `hearth.config.ts` (or .js): its default export is the lab. */
async function loadModuleSpec(file: string, source: SourceLocator): Promise<RawSpec> {
  try {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      // The config imports `defineLab` from 'hearth': bind it to this hearth.
      alias: { hearth: path.join(packageRoot(), 'dist/src/index.js') },
      moduleCache: false,
      fsCache: false,
    });
    const mod = (await jiti.import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
    const data = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
    if (data === undefined || data === null || typeof data !== 'object') {
      return { source, issues: [issue('config-load-failed', [], `${file} has no default export`, { hint: 'write `export default defineLab({ ... })`' })] };
    }
    return { data: JSON.parse(JSON.stringify(data)), source, issues: [] };
  } catch (e) {
    const err = e as Error;
    return {
      source,
      issues: [issue('config-load-failed', [], `cannot load ${file}: ${firstLine(err.message ?? String(e))}`, { hint: 'run it through `tsc --noEmit` to see type errors' })],
    };
  }
}
