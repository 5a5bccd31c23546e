import * as dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

type IpFamily = 'ipv4' | 'ipv6';

interface BlockedRange {
  readonly category: string;
  readonly cidrs: readonly string[];
}

/** Address ranges a webhook must not reach, by category. The first matching category names the reason. */
const BLOCKED_RANGES: readonly BlockedRange[] = [
  { category: 'unspecified', cidrs: ['0.0.0.0/8', '::/128'] },
  { category: 'loopback', cidrs: ['127.0.0.0/8', '::1/128'] },
  { category: 'private network', cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] },
  { category: 'link-local', cidrs: ['169.254.0.0/16', 'fe80::/10'] },
  { category: 'shared address space (CGNAT)', cidrs: ['100.64.0.0/10'] },
  { category: 'multicast', cidrs: ['224.0.0.0/4', 'ff00::/8'] },
  {
    category: 'reserved',
    // 240.0.0.0/4 includes the broadcast address 255.255.255.255.
    cidrs: [
      '240.0.0.0/4',
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '2001:db8::/32',
    ],
  },
];

/**
 * Categories that `allowPrivateNetworks` opens. Link-local stays blocked because it
 * contains the cloud metadata service at 169.254.169.254. Unspecified, multicast and
 * reserved addresses are not valid webhook receivers. `allowedCidrs` can exempt any of them.
 */
const PRIVATE_NETWORK_CATEGORIES: ReadonlySet<string> = new Set([
  'loopback',
  'private network',
  'shared address space (CGNAT)',
]);

const CATEGORY_LISTS: readonly { category: string; list: BlockList }[] = BLOCKED_RANGES.map((range) => ({
  category: range.category,
  list: toBlockList(range.cidrs),
}));

/** A parsed `address/prefix` entry. */
interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: IpFamily;
}

/**
 * Classifies an IP address for the SSRF rules. Returns the blocked category
 * (such as `private network` or `loopback`) or null when the address is public.
 * IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) IPv6 addresses are judged
 * by the IPv4 address they embed. Text that is not an IP address returns
 * `invalid address`, so a caller that skips validation still fails closed.
 */
export function classifyDestination(address: string): string | null {
  const normalized = normalizeAddress(address);
  const family = familyOf(normalized);
  if (family === null) {
    return 'invalid address';
  }

  if (family === 'ipv6') {
    const embedded = embeddedIpv4(normalized);
    if (embedded !== null) {
      return classifyDestination(embedded);
    }
  }

  for (const { category, list } of CATEGORY_LISTS) {
    if (list.check(normalized, family)) {
      return category;
    }
  }

  return null;
}

/**
 * Parses a comma-separated list of CIDR ranges such as `10.0.0.0/8, fd00::/8`.
 * Blank entries are skipped. Throws an Error that names the first invalid entry.
 */
export function parseCidrList(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

  for (const entry of entries) {
    parseCidr(entry);
  }

  return entries;
}

/**
 * Error that the guarded DNS lookup passes to its callback when an address is
 * blocked, so the socket never connects.
 */
export class BlockedDestinationError extends Error {
  readonly code = 'EBLOCKEDDESTINATION';

  constructor(
    readonly address: string,
    readonly category: string,
  ) {
    super(`blocked destination ${address}: ${category}`);
    this.name = 'BlockedDestinationError';
  }
}

/** Settings that relax the SSRF rules. */
export interface DestinationPolicy {
  /** Opens loopback, private networks and CGNAT space, for self-hosted setups that deliver to internal services. */
  readonly allowPrivateNetworks: boolean;
  /** CIDR ranges exempt from every rule, for example `169.254.0.0/16` or `fd00::/8`. */
  readonly allowedCidrs: readonly string[];
}

/** Callback-style resolver with the shape of `dns.lookup` when called with `all: true`. */
export type AllAddressesResolver = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * Applies the SSRF rules of a {@link DestinationPolicy}. `lookup` is meant for the
 * `lookup` option of an HTTP agent, so every new connection is checked after DNS
 * resolution and a name that later points somewhere else is still caught. Node
 * does not call `lookup` for IP literals, so callers check those with {@link check}.
 */
export class DestinationGuard {
  private readonly exempt: BlockList;

  /** Throws an Error naming the entry when an allowed CIDR is invalid. */
  constructor(
    private readonly policy: DestinationPolicy,
    private readonly resolve: AllAddressesResolver = dns.lookup,
  ) {
    this.exempt = toBlockList(policy.allowedCidrs);
  }

  /** Returns the blocked category of an IP address under this policy, or null when it may be reached. */
  check(address: string): string | null {
    const category = classifyDestination(address);
    if (category === null) {
      return null;
    }
    if (this.policy.allowPrivateNetworks && PRIVATE_NETWORK_CATEGORIES.has(category)) {
      return null;
    }
    if (this.isExempt(normalizeAddress(address))) {
      return null;
    }

    return category;
  }

  /**
   * Resolves every address of `hostname` and fails with a {@link BlockedDestinationError}
   * when any of them is blocked, because the socket may try each address in turn.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '');

        return;
      }

      const first = addresses[0];
      if (first === undefined) {
        callback(noAddressError(hostname), '');

        return;
      }

      for (const { address } of addresses) {
        const category = this.check(address);
        if (category !== null) {
          callback(new BlockedDestinationError(address, category), '');

          return;
        }
      }

      if (options.all === true) {
        callback(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };

  private isExempt(address: string): boolean {
    const family = familyOf(address);
    if (family === null) {
      return false;
    }
    if (this.exempt.check(address, family)) {
      return true;
    }

    // An allowed IPv4 range also covers the IPv6 forms that embed it, because those are judged by it.
    const embedded = family === 'ipv6' ? embeddedIpv4(address) : null;

    return embedded !== null && this.exempt.check(embedded, 'ipv4');
  }
}

function parseCidr(entry: string): Cidr {
  const invalid = (): Error =>
    new Error(`invalid CIDR "${entry}": expected an IP address and prefix length such as 10.0.0.0/8 or fd00::/8`);

  const parts = entry.split('/');
  const [address, prefixText] = parts;
  if (parts.length !== 2 || address === undefined || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) {
    throw invalid();
  }

  const family = familyOf(address);
  const prefix = Number(prefixText);
  if (family === null || prefix > (family === 'ipv4' ? 32 : 128)) {
    throw invalid();
  }

  return { address, prefix, family };
}

function toBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const { address, prefix, family } = parseCidr(entry.trim());
    list.addSubnet(address, prefix, family);
  }

  return list;
}

/** Strips URL brackets and an IPv6 zone index such as `%eth0`, which do not change the range. */
function normalizeAddress(address: string): string {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    text = text.slice(1, -1);
  }

  const zoneStart = text.indexOf('%');

  return zoneStart === -1 ? text : text.slice(0, zoneStart);
}

function familyOf(address: string): IpFamily | null {
  switch (isIP(address)) {
    case 4:
      return 'ipv4';
    case 6:
      return 'ipv6';
    default:
      return null;
  }
}

/**
 * Returns the dotted IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64
 * (64:ff9b::/96) IPv6 address, else null. Expects a valid IPv6 address without zone.
 */
function embeddedIpv4(address: string): string | null {
  const words = ipv6Words(address);
  const prefix = words.slice(0, 6).join(':');
  const isMapped = prefix === '0:0:0:0:0:65535';
  const isNat64 = prefix === '100:65435:0:0:0:0';
  if (!isMapped && !isNat64) {
    return null;
  }

  const high = words[6] ?? 0;
  const low = words[7] ?? 0;

  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Expands an IPv6 address into its eight 16-bit words. */
function ipv6Words(address: string): number[] {
  let text = address;

  // A trailing dotted IPv4 part (::ffff:1.2.3.4) encodes the last two words.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = tail.split('.').map(Number);
    const high = ((octets[0] ?? 0) << 8) | (octets[1] ?? 0);
    const low = ((octets[2] ?? 0) << 8) | (octets[3] ?? 0);
    text = `${text.slice(0, lastColon + 1)}${high.toString(16)}:${low.toString(16)}`;
  }

  const [head = '', rest] = text.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const restWords = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : new Array<string>(8 - headWords.length - restWords.length).fill('0');

  return [...headWords, ...zeros, ...restWords].map((word) => parseInt(word, 16));
}

function noAddressError(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`no addresses found for ${hostname}`);
  error.code = 'ENOTFOUND';

  return error;
}
