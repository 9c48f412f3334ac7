/**
 * `hearth add <module> [lab]`: append one app entry to a lab's hearth.yaml,
 * keeping every other byte of the file (src/spec/edit.ts), and only when the
 * edited spec passes the full validation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { catalog, getModule } from '../../catalog/index.js';
import { checkLabText } from '../../pipeline.js';
import { parseYamlSpec, readSpec, resolveSpecFile } from '../../spec/load.js';
import { addApp, SpecEditError } from '../../spec/edit.js';
import { hasErrors } from '../../spec/issues.js';
import { closest, list, plural } from '../../lib/text.js';
import { ExitError, printIssues, type ExitCode } from '../output.js';

export interface AddOptions {
  name?: string;
  namespace?: string;
  set?: string[];
  dryRun?: boolean;
}

/** Keys the command sets itself: `--set` may not. */
const OWN_KEYS: Record<string, string> = { name: '--name', namespace: '--namespace', module: 'the <module> argument' };

export async function add(moduleName: string, target: string, opts: AddOptions): Promise<ExitCode> {
  checkModule(moduleName);
  const file = resolveSpecFile(target);
  if (!file) throw new ExitError(`no lab spec at ${target}\n    hint: pass a hearth.yaml or a directory holding one; \`hearth init\` writes one`);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml') return moduleSpec(file, moduleName, opts);

  const text = fs.readFileSync(file, 'utf8');
  const raw = parseYamlSpec(text, file);
  if (raw.data === undefined || hasErrors(raw.issues)) {
    printIssues(raw.issues);
    throw new ExitError(`cannot add to ${file}: it does not parse; fix the errors above first`);
  }
  const entry = buildEntry(moduleName, raw.data, opts, file, false, target);

  let edited: string;
  try {
    edited = addApp(text, entry);
  } catch (e) {
    if (e instanceof SpecEditError) throw new ExitError(`cannot add to ${file}: ${e.message}`);
    throw e;
  }
  const checked = checkLabText(edited, file);
  if (!checked.model) {
    const before = checkLabText(text, file);
    if (!before.model) {
      // The errors were there before the edit: report them against the file as it is.
      printIssues(before.issues);
      const n = before.issues.filter((i) => i.severity === 'error').length;
      throw new ExitError(`nothing written: ${file} already has ${plural(n, 'error')}; fix them first (\`hearth validate\` lists them)`);
    }
    printIssues(checked.issues);
    const errors = checked.issues.filter((i) => i.severity === 'error').length;
    throw new ExitError(
      `nothing written: ${file} with app "${entry.name}" added would have ${plural(errors, 'error')} (line numbers above are those of the edited file)`,
    );
  }
  printIssues(checked.issues);
  if (opts.dryRun) {
    process.stdout.write(edited);
    return 0;
  }
  writeAtomic(file, text, edited);
  const app = checked.model.apps.find((a) => a.name === entry.name);
  const url = app?.url ? ` (${app.url})` : '';
  process.stdout.write(`added app "${entry.name}" (module ${moduleName}) to ${file} in namespace ${entry.namespace}${url}\n`);
  const dir = path.dirname(file);
  process.stdout.write(`next: hearth build ${dir === '.' ? '' : dir}`.trimEnd() + '\n');
  return 0;
}

function appModuleNames(): string[] {
  return [...catalog.values()].filter((m) => m.kind === 'app').map((m) => m.name);
}

/** The module must be an app module of the catalog. */
function checkModule(name: string): void {
  const m = getModule(name);
  const apps = appModuleNames();
  if (m?.kind === 'app') return;
  if (m) {
    throw new ExitError(
      `"${name}" is a platform component, not an app: hearth deploys it when the spec implies it (configure it under components: ${name})\n    app modules: ${list(apps)}`,
    );
  }
  const near = closest(name, catalog.keys());
  const hint = near ? ` did you mean "${near}"?` : '';
  throw new ExitError(`unknown module "${name}";${hint}\n    app modules: ${list(apps)} (\`hearth catalog\` describes them)`);
}

function names(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (v && typeof v === 'object' ? (v as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === 'string');
}

/**
 * The app entry: name, module (when it differs), namespace, then `--set`
 * fields. `lenient` (for the hint printed for hearth.config.ts labs) fills a
 * placeholder instead of failing on a missing namespace.
 */
function buildEntry(moduleName: string, data: unknown, opts: AddOptions, file: string, lenient: boolean, target = '.'): Record<string, unknown> {
  const spec = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const taken = new Set(names(spec.apps));
  const declared = names(spec.namespaces);

  const name = opts.name ?? moduleName;
  if (taken.has(name) && !lenient) {
    let n = 2;
    while (taken.has(`${name}-${n}`)) n++;
    throw new ExitError(
      `${file} already has an app named "${name}"\n    hint: pass --name to add another instance, e.g. hearth add ${moduleName}${target === '.' ? '' : ` ${target}`} --name ${name}-${n}`,
    );
  }

  let namespace = opts.namespace;
  if (namespace === undefined) {
    if (declared.length === 1) namespace = declared[0];
    else if (lenient) namespace = '<namespace>';
    else if (declared.length === 0) {
      throw new ExitError(`${file} declares no namespaces\n    hint: add one under namespaces: (- name: apps) and pass --namespace apps`);
    } else {
      throw new ExitError(`pass --namespace: ${file} declares ${declared.length} namespaces: ${list(declared)}`);
    }
  } else if (!declared.includes(namespace) && !lenient) {
    const near = closest(namespace, declared);
    throw new ExitError(
      `namespace "${namespace}" is not declared in ${file}${near ? `; did you mean "${near}"?` : ''}\n    declared: ${list(declared)}\n    hint: to use a new namespace, add it under namespaces: first (- name: ${namespace})`,
    );
  }

  const entry: Record<string, unknown> = { name };
  if (name !== moduleName) entry.module = moduleName;
  entry.namespace = namespace;
  for (const kv of opts.set ?? []) applySet(entry, kv);
  return entry;
}

/** `--set a.b=value`: the value read as YAML (`8080` a number, `true` a boolean, `[a, b]` a list). */
function applySet(entry: Record<string, unknown>, kv: string): void {
  const eq = kv.indexOf('=');
  if (eq <= 0) throw new ExitError(`--set ${kv}: expected key=value (e.g. --set expose=lan or --set config.timezone=Europe/Berlin)`);
  const keys = kv
    .slice(0, eq)
    .split(/(?<!\\)\./)
    .map((k) => k.replace(/\\\./g, '.'));
  if (keys.some((k) => k === '')) throw new ExitError(`--set ${kv}: empty key segment in "${kv.slice(0, eq)}"`);
  if (keys[0] in OWN_KEYS) throw new ExitError(`--set ${kv}: set the ${keys[0]} with ${OWN_KEYS[keys[0]]}`);
  const raw = kv.slice(eq + 1);
  let value: unknown;
  try {
    value = raw === '' ? '' : parseYaml(raw, { logLevel: 'error' });
  } catch (e) {
    throw new ExitError(`--set ${kv}: the value is not valid YAML (${(e as Error).message.split('\n')[0]}); quote it: --set '${kv.slice(0, eq)}="${raw}"'`);
  }
  if (value === undefined) value = null;
  let obj = entry;
  for (const [i, k] of keys.slice(0, -1).entries()) {
    const next = obj[k];
    if (next === undefined) obj = obj[k] = {};
    else if (next && typeof next === 'object' && !Array.isArray(next)) obj = next as Record<string, unknown>;
    else throw new ExitError(`--set ${kv}: ${keys.slice(0, i + 1).join('.')} is already set to a value that is not a mapping`);
  }
  obj[keys[keys.length - 1]] = value;
}

/** hearth.config.ts labs: say what to add by hand. */
async function moduleSpec(file: string, moduleName: string, opts: AddOptions): Promise<ExitCode> {
  const raw = await readSpec(file);
  const entry = buildEntry(moduleName, raw.data, opts, file, true);
  throw new ExitError(
    `hearth add edits YAML specs (hearth.yaml) only; ${file} is code, so add the app by hand: put this line in the apps array of defineLab({ ... }):\n    ${jsLiteral(entry)},`,
  );
}

/** A value as a JavaScript literal: `{ name: 'x', config: { port: 80 } }`. */
function jsLiteral(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsLiteral).join(', ')}]`;
  if (v && typeof v === 'object') {
    const parts = Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`}: ${jsLiteral(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  return String(v);
}

/**
 * Replace the spec atomically: write a temporary file beside it (same
 * directory, so the rename cannot cross file systems), keep its mode, and
 * rename it over the original. A link is followed: its target is replaced.
 * Refuses when the file changed since it was read.
 */
function writeAtomic(file: string, expected: string, contents: string): void {
  const real = fs.realpathSync(file);
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const mode = fs.statSync(real).mode & 0o7777;
  try {
    fs.writeFileSync(tmp, contents, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode);
    if (fs.readFileSync(real, 'utf8') !== expected) throw new ExitError(`nothing written: ${file} changed while hearth was editing it; run the command again`);
    fs.renameSync(tmp, real);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
