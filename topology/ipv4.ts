/**
 * IPv4 and CIDR arithmetic for validating and deriving addresses. Pure and dependency-free:
 * the topology rules, the network policy and the lab all use it.
 */

export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted quad into an unsigned 32-bit number, or undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/n`; refuses host bits set, so `10.0.0.1/16` is an error rather than a surprise. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, prefixText, ...rest] = text.split('/');
  if (rest.length > 0 || ip === undefined || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) {
    return undefined;
  }
  const prefix = Number(prefixText);
  const network = parseIpv4(ip);
  if (network === undefined || prefix > 32) return undefined;
  if (network % blockSize(prefix) !== 0) return undefined;
  return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function cidrContains(outer: Cidr, ip: number): boolean {
  return ip >= outer.network && ip < outer.network + blockSize(outer.prefix);
}

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.network);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/**
 * AWS reserves the first four addresses and the last one of every subnet
 * (network, VPC router, DNS, future use, broadcast).
 */
export function isAwsReserved(subnet: Cidr, ip: number): boolean {
  const offset = ip - subnet.network;
  return offset < 4 || offset === blockSize(subnet.prefix) - 1;
}
