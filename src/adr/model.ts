/**
 * Decision records as data. A record lives in `decisions/ADR-NNN-slug.md`:
 * YAML front matter (MADR-compatible: status, date, deciders, plus hearth's
 * options, matrix, governs, risks) and a Markdown body with the prose
 * sections (context, decision, rationale, consequences, validation).
 * `parseRecord`/`formatRecord` are exact inverses on the data.
 */
import { z } from 'zod';

export const ADR_ID = /^ADR-[0-9]{3,}$/;
export const STATUSES = ['proposed', 'accepted', 'rejected', 'deprecated', 'superseded'] as const;
export type Status = (typeof STATUSES)[number];

const adrId = z.string().regex(ADR_ID, 'ADR-NNN (three or more digits)');
const text = z.string();

export const OptionSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  pros: z.array(text).default([]),
  cons: z.array(text).default([]),
});

export const MatrixSchema = z.strictObject({
  /** Scores run 0..scale (seed 000: out of 5). */
  scale: z.number().positive().default(5),
  /** The total the weights are meant to add up to (100 for percentages, 1 for fractions). */
  weightsTotal: z.number().positive().default(100),
  criteria: z.array(z.strictObject({ name: z.string().min(1), weight: z.number().min(0), description: z.string().optional() })).min(1),
  /** option → criterion → score. */
  scores: z.record(z.string(), z.record(z.string(), z.number())),
  /** Figures the source document states, checked against what hearth computes (import keeps them). */
  stated: z
    .strictObject({
      totals: z.record(z.string(), z.number()).optional(),
      weightsSum: z.number().optional(),
      ranking: z.array(z.string()).optional(),
    })
    .optional(),
});

export const GovernsSchema = z.strictObject({
  /** A spec path: `storage.default`, `gitops.engine`, `cluster.distribution`, `apps[name=vault].namespace`. */
  path: z.string().min(1),
  /** The value decided (compared with the spec's value at `path`). */
  value: z.union([z.string(), z.number(), z.boolean()]),
});

export const RecordSchema = z.strictObject({
  id: adrId,
  title: z.string().min(1),
  status: z.enum(STATUSES).default('proposed'),
  supersededBy: adrId.optional(),
  supersedes: z.array(adrId).default([]),
  date: z.iso.date().optional(),
  deciders: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  context: text.optional(),
  options: z.array(OptionSchema).default([]),
  /** The chosen option's name (one of options, when options are listed). */
  chosen: z.string().optional(),
  decision: text.optional(),
  rationale: text.optional(),
  consequences: z.strictObject({ positive: z.array(text).default([]), negative: z.array(text).default([]), neutral: z.array(text).default([]) }).default({ positive: [], negative: [], neutral: [] }),
  /** How success is measured (seed 000's validation criteria). */
  validation: z.array(text).default([]),
  risks: z.array(z.strictObject({ risk: z.string().min(1), level: z.enum(['low', 'medium', 'high']).optional(), mitigation: z.string().optional() })).default([]),
  matrix: MatrixSchema.optional(),
  governs: z.array(GovernsSchema).default([]),
  /** Related records and documents. */
  links: z.array(z.strictObject({ rel: z.string().min(1), target: z.string().min(1) })).default([]),
});

export type DecisionRecord = z.output<typeof RecordSchema>;
export type RecordInput = z.input<typeof RecordSchema>;
export type Matrix = z.output<typeof MatrixSchema>;
export type DecisionOption = z.output<typeof OptionSchema>;

/** `ADR-007-use-longhorn.md` from an id and a title. */
export function recordFileName(id: string, title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${id}${slug ? `-${slug}` : ''}.md`;
}

/** The next free id in a set of records. */
export function nextId(records: readonly { id: string }[]): string {
  const max = records.reduce((m, r) => Math.max(m, Number(r.id.slice(4))), 0);
  return `ADR-${String(max + 1).padStart(3, '0')}`;
}
