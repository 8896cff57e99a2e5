import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { HwError } from '../errors.js';

/**
 * The SSRF guard for webhook URLs (they come from rule authors' Secrets, so they are not
 * trusted to point inside the cluster). Refuses loopback, private, link-local, CGNAT,
 * unique-local and unspecified addresses unless an allow-listed range covers them. It checks
 * the address actually connected to (a `lookup` hook), so DNS rebinding cannot slip past.
 */
const BLOCKED: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], ['10.0.0.0', 8, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['127.0.0.0', 8, 'ipv4'], ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'], ['::1', 128, 'ipv6'], ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6'], ['ff00::', 8, 'ipv6'],
];

function parseCidr(cidr: string): [string, number, 'ipv4' | 'ipv6'] {
  const [addr, bits] = cidr.trim().split('/');
  const family = isIP(addr ?? '');
  const n = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
  if (!family || !Number.isInteger(n) || n < 0 || n > (family === 6 ? 128 : 32)) {
    throw new HwError('HW_ERR_CONFIG', { field: 'webhook allow-list', expected: 'CIDR ranges like 10.0.0.0/8 or ::1/128', message: `"${cidr}" is not a CIDR range` });
  }
  return [addr!, n, family === 6 ? 'ipv6' : 'ipv4'];
}

export class AddressGuard {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowCidrs: readonly string[] = []) {
    for (const [a, n, f] of BLOCKED) this.blocked.addSubnet(a, n, f);
    for (const c of allowCidrs.filter((x) => x.trim() !== '')) {
      const [a, n, f] = parseCidr(c);
      this.allowed.addSubnet(a, n, f);
    }
  }

  /** Whether a connection to this address is refused. IPv4-mapped IPv6 is checked as IPv4. */
  refuses(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const a = mapped ?? address;
    const family = isIP(a) === 6 ? 'ipv6' : 'ipv4';
    return this.blocked.check(a, family) && !this.allowed.check(a, family);
  }

  /** A `lookup` for http.request that fails on refused addresses. */
  readonly lookup = (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
      const bad = list.find((x) => this.refuses(x.address));
      if (bad) {
        const e = new HwError('HW_ERR_DESTINATION_BLOCKED', { field: hostname, message: `webhook destination ${hostname} resolves to ${bad.address}, a private, loopback or link-local address` });
        return callback(e as unknown as NodeJS.ErrnoException, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
