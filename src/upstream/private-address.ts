import { BlockList, isIP } from 'node:net';

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

const zeros = (groups: readonly number[]) => groups.every((group) => group === 0);
const quad = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 address carries, where the network may deliver it to that IPv4 host: mapped
 * (`::ffff:127.0.0.1`, `::ffff:7f00:1`), IPv4-translated (`::ffff:0:127.0.0.1`, `::ffff:0:0/96`),
 * IPv4-compatible (`::127.0.0.1`), NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and Teredo (`2001::/32`: its
 * server, and its client with the bits inverted).
 */
function embeddedIpv4(address: string): string[] {
  const g = ipv6Groups(address);
  if (!g) return [];
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  if (zeros(g.slice(0, 5)) && (g5 === 0xffff || g5 === 0)) return [quad(g6, g7)];
  if (zeros(g.slice(0, 4)) && g4 === 0xffff && g5 === 0) return [quad(g6, g7)];
  if (g0 === 0x64 && g1 === 0xff9b && zeros(g.slice(2, 6))) return [quad(g6, g7)];
  if (g0 === 0x2002) return [quad(g1, g2)];
  if (g0 === 0x2001 && g1 === 0) return [quad(g2, g3), quad(g6 ^ 0xffff, g7 ^ 0xffff)];
  return [];
}

/** True for loopback, private, link-local (cloud metadata), CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    if (embeddedIpv4(address).some((ipv4) => privateRanges.check(ipv4, 'ipv4'))) return true;
    return privateRanges.check(address, 'ipv6');
  }
  return false;
}

/** True for IP literals in private ranges and for localhost names; other host names are checked after DNS. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower === 'localhost' || lower.endsWith('.localhost') || isPrivateAddress(host);
}
