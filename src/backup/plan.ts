/**
 * The backup plan of a lab: every data set (app volumes, each database of a
 * shared PostgreSQL, guests, the cluster state) → its tier → schedule →
 * targets → the failure domains the data and each copy live in → whether
 * the tier's RPO and the 3-2-1 rule hold. Pure: the model in, rows out.
 */
import { mdCell } from '../lib/text.js';
import type { LabModel } from '../model/types.js';
import type { LabSpec } from '../spec/schema.js';
import { cronMaxGapMinutes } from '../lib/cron.js';
import { cidrContains, ipToInt, isIpv4, isLocalHostName, isPrivateIpv4, parseCidr, repositoryEndpoint } from '../lib/ip.js';
import { durationMinutes } from '../spec/validate-infra.js';

type Target = NonNullable<LabSpec['backups']>['targets'][number];
type Tier = NonNullable<LabSpec['backups']>['tiers'][number];

export interface PlanRow {
  /** What the data is: `vaultwarden/data`, `postgresql/paperless` (a database), `node pgdb`, `cluster state`. */
  dataSet: string;
  kind: 'volume' | 'database' | 'guest' | 'cluster-state';
  content?: string;
  tier?: string;
  schedule?: string;
  targets: { name: string; offsite: boolean; place: string }[];
  /** Where the data itself lives (hosts, the NAS, nodes). */
  domains: string[];
  rpo?: string;
  /** Longest gap between backups, in minutes. */
  gapMinutes?: number;
  rpoHolds?: boolean;
  threeTwoOne: boolean;
  /** Problems, in words. */
  problems: string[];
}

export interface BackupPlan {
  rows: PlanRow[];
  ok: boolean;
}


/** Where a target puts copies: off site or not, and which lab host holds them when known. */
function placeTarget(t: Target, lab: LabModel): { offsite: boolean; place: string; host?: string } {
  // A target at a host's address, or at a guest's (a PBS VM): the physical host it depends on.
  const byIp = (h: string) => lab.spec.hosts.find((x) => x.ip === h || x.name === h)?.name ?? lab.spec.nodes.find((x) => x.ip === h || x.name === h)?.host;
  const net = parseCidr(lab.spec.network.cidr);
  const inLab = (h: string) => isIpv4(h) && !!net && cidrContains(net, ipToInt(h));
  if (t.type === 'pbs') {
    const host = byIp(t.server);
    return { offsite: t.offsite, place: host ? `host ${host}` : t.server, host };
  }
  const url = t.type === 's3' ? t.endpoint : t.repository;
  const h = repositoryEndpoint(url)?.host;
  if (t.type === 'restic' && !h && !/^(s3|b2|azure|gs|swift|rclone):/.test(t.repository)) {
    // A path: a mount on the machine running the job (often a NAS share); `host` says whose disks.
    return { offsite: t.offsite ?? false, place: t.host ? `host ${t.host} (${t.repository})` : `path ${t.repository}`, host: t.host };
  }
  const host = h ? byIp(h) : undefined;
  const offsite = t.offsite ?? (h ? !(inLab(h) || (isIpv4(h) ? isPrivateIpv4(h) : isLocalHostName(h)) || !!host) : true);
  return { offsite, place: host ? `host ${host}` : (h ?? t.type), host };
}

export function backupPlan(lab: LabModel): BackupPlan {
  const spec = lab.spec;
  const b = spec.backups;
  const tiers = new Map((b?.tiers ?? []).map((t) => [t.name, t]));
  const targets = new Map((b?.targets ?? []).map((t) => [t.name, t]));
  const rows: PlanRow[] = [];
  const nasOf = (server?: string) => lab.spec.hosts.find((h) => h.ip === server || h.name === server)?.name ?? server;
  const clusterHosts = [...new Set((lab.cluster?.nodes ?? []).map((n) => n.host))].sort();

  const row = (dataSet: string, kind: PlanRow['kind'], domains: string[], tier: Tier | undefined, content?: string, ownSchedule?: { schedule: string; place: string }): PlanRow => {
    const problems: string[] = [];
    const ts = tier
      ? tier.targets
          .map((n) => targets.get(n))
          .filter((t): t is Target => !!t)
          .map((t) => ({ name: t.name, ...placeTarget(t, lab) }))
      : ownSchedule
        ? [{ name: 'node disk', offsite: false, place: ownSchedule.place }]
        : [];
    const schedule = tier?.schedule ?? ownSchedule?.schedule;
    const gap = schedule ? cronMaxGapMinutes(schedule) : undefined;
    const rpoHolds = tier?.rpo && gap !== undefined ? gap <= durationMinutes(tier.rpo) : undefined;
    if (!schedule) problems.push('no backup: assign it to a tier (backups.assign) or set backups.default');
    if (rpoHolds === false) problems.push(`the schedule leaves up to ${Math.round(gap! / 60)} h between backups, more than the RPO of ${tier!.rpo}`);
    const offsite = ts.some((t) => t.offsite);
    const threeTwoOne = ts.length >= 2 && offsite;
    if (schedule && !threeTwoOne) problems.push(ts.length < 2 ? `${ts.length + 1} cop${ts.length ? 'ies' : 'y'} (3-2-1 wants 3, on 2 media, 1 off site)` : 'no copy off site (3-2-1)');
    // A copy beside the data is fine for fast restores, as long as another copy is elsewhere.
    const beside = (t: (typeof ts)[number]) => !!t.host && domains.some((d) => d.endsWith(` ${t.host}`));
    if (ts.length && ts.every(beside)) problems.push(`every copy sits where the data lives (${ts.map((t) => t.place).join(', ')}): one failure takes data and backups`);
    return { dataSet, kind, content, tier: tier?.name, schedule, targets: ts.map(({ name, offsite: o, place }) => ({ name, offsite: o, place })), domains, rpo: tier?.rpo, gapMinutes: gap, rpoHolds, threeTwoOne, problems };
  };

  for (const set of lab.backupSets) {
    const tier = set.tier ? tiers.get(set.tier) : undefined;
    if (set.kind === 'volume' || set.kind === 'database') {
      const sc = lab.storageClasses.find((c) => c.name === set.storageClass);
      const domains =
        sc?.type === 'nfs' ? [`NAS ${nasOf(sc.server)}`] : sc?.type === 'local-path' ? clusterHosts.map((h) => `node-local on host ${h}`) : clusterHosts.map((h) => `replica on host ${h}`);
      rows.push(row(set.id, set.kind, domains, tier, set.content));
    } else if (set.kind === 'guest') {
      const n = spec.nodes.find((x) => x.name === set.node)!;
      rows.push(row(set.id, 'guest', [`host ${n.host}`], tier, set.content));
    } else {
      const snap = spec.cluster?.k3s?.etcdSnapshots;
      const cp = lab.cluster!.controlPlane;
      rows.push(
        row(set.id, 'cluster-state', [...new Set(cp.map((n) => `host ${n.host}`))], undefined, set.content, {
          schedule: snap?.schedule ?? '0 */12 * * *',
          place: snap?.dir ? `path ${snap.dir}` : "each server's disk (/var/lib/rancher/k3s/server/db/snapshots)",
        }),
      );
    }
  }
  return { rows, ok: rows.every((r) => r.problems.length === 0) };
}

function gapText(m?: number): string {
  if (m === undefined) return '';
  return m % 1440 === 0 ? `${m / 1440} d` : m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}

export function formatPlan(p: BackupPlan): string {
  const lines = [
    '| data set | tier | schedule (max gap) | targets | data lives on | RPO | 3-2-1 |',
    '|---|---|---|---|---|---|---|',
    ...p.rows.map(
      (r) =>
        `| ${mdCell(r.dataSet)}${r.content ? ` (${r.content})` : ''} | ${r.tier ?? '—'} | ${r.schedule ? `\`${r.schedule}\` (${gapText(r.gapMinutes)})` : 'none'} | ${r.targets.map((t) => `${t.name}: ${t.place}${t.offsite ? ', off site' : ''}`).join('; ') || '—'} | ${mdCell(r.domains.join(', '))} | ${r.rpo ? `${r.rpo}: ${r.rpoHolds ? 'holds' : 'missed'}` : '—'} | ${r.threeTwoOne ? 'holds' : 'no'} |`,
    ),
  ];
  const problems = p.rows.flatMap((r) => r.problems.map((x) => `- ${r.dataSet}: ${x}`));
  if (problems.length) lines.push('', 'Problems:', ...problems);
  lines.push('', p.ok ? 'Every data set is backed up, its RPO holds, and 3-2-1 holds.' : `${p.rows.filter((r) => r.problems.length).length} of ${p.rows.length} data sets fall short.`);
  return lines.join('\n') + '\n';
}
