/** IPv4 arithmetic for the spec's network checks. Pure; no I/O. */
import { isIPv4 } from 'node:net';

export function isIpv4(s: string): boolean {
  return isIPv4(s);
}

/** The address as an unsigned 32-bit integer. */
export function ipToInt(ip: string): number {
  const p = ip.split('.');
  return ((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3];
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
  /** First and last address of the block (network and broadcast included). */
  first: number;
  last: number;
}

const CIDR_RE = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

export function parseCidr(s: string): Cidr | undefined {
  const m = CIDR_RE.exec(s);
  if (!m || !isIPv4(m[1])) return undefined;
  const prefix = Number(m[2]);
  if (prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (ipToInt(m[1]) & mask) >>> 0;
  return { network, prefix, first: network, last: (network + 2 ** (32 - prefix) - 1) >>> 0 };
}

/** True when the CIDR's address part has host bits set (`192.168.1.5/24`). */
export function cidrHasHostBits(s: string): boolean {
  const c = parseCidr(s);
  return !!c && ipToInt(s.split('/')[0]) !== c.network;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.first && ip <= c.last;
}

export interface IpRange {
  first: number;
  last: number;
}

/** A pool: `a.b.c.d-e.f.g.h`, or a CIDR. */
export function parseRange(s: string): IpRange | undefined {
  if (s.includes('/')) {
    const c = parseCidr(s);
    return c && { first: c.first, last: c.last };
  }
  const parts = s.split('-').map((x) => x.trim());
  if (parts.length !== 2 || !isIPv4(parts[0]) || !isIPv4(parts[1])) return undefined;
  const first = ipToInt(parts[0]);
  const last = ipToInt(parts[1]);
  return first <= last ? { first, last } : undefined;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** RFC 1918 private networks: excluded from "internet" egress. */
export const PRIVATE_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;
const NOT_PUBLIC = [...PRIVATE_CIDRS, '127.0.0.0/8', '169.254.0.0/16'].map((c) => parseCidr(c)!);

/** An IPv4 address that is not reachable from the internet: private, loopback or link-local. */
export function isPrivateIpv4(ip: string): boolean {
  return isIpv4(ip) && NOT_PUBLIC.some((c) => cidrContains(c, ipToInt(ip)));
}

/** A name that only resolves on a local network: a single label, or a local suffix (.local, .lan, .home.arpa, .internal, cluster Services). */
export function isLocalHostName(host: string): boolean {
  return !host.includes('.') || /\.(local|lan|home|home\.arpa|internal|localdomain|localhost|svc|svc\.cluster\.local)$/i.test(host);
}

/** Host and port a restic repository or S3 endpoint URL connects to (sftp: 22, http 80, https 443); undefined for paths and cloud schemes. */
export function repositoryEndpoint(url: string): { host: string; port: number } | undefined {
  const sftp = /^sftp:(?:[^@/]+@)?([^:/]+)/.exec(url);
  if (sftp) return { host: sftp[1], port: 22 };
  const web = /^(?:(?:rest|s3):)?(https?):\/\/(?:[^@/]+@)?([^/:]+)(?::(\d+))?/.exec(url);
  if (web) return { host: web[2], port: Number(web[3] ?? (web[1] === 'https' ? 443 : 80)) };
  return undefined;
}
