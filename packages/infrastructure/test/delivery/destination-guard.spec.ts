import type { LookupAddress } from 'node:dns';

import {
  BlockedDestinationError,
  classifyDestination,
  DestinationGuard,
  parseCidrList,
  type AllAddressesResolver,
} from '../../src/delivery/destination-guard';

describe('classifyDestination', () => {
  // Each blocked range has at least one row. The addresses are only classified, never contacted.
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private network'],
    ['172.16.0.1', 'private network'],
    ['172.31.255.254', 'private network'],
    ['192.168.1.1', 'private network'],
    ['fc00::1', 'private network'],
    ['fd12:3456::1', 'private network'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'shared address space (CGNAT)'],
    ['100.127.255.254', 'shared address space (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private network'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private network'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['[::1]', 'loopback'],
    ['not-an-ip', 'invalid address'],
  ])('classifies %s as %s', (address, category) => {
    expect(classifyDestination(address)).toBe(category);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '2606:4700:4700::1111',
    '::ffff:93.184.216.34',
    '64:ff9b::93.184.216.34',
  ])('returns null for public %s', (address) => {
    expect(classifyDestination(address)).toBeNull();
  });
});

describe('parseCidrList', () => {
  it('parses trimmed entries', () => {
    expect(parseCidrList(' 10.0.0.0/8, fd00::/8 ,,192.168.1.0/24')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.0/24',
    ]);
  });

  it('returns empty list for blank text', () => {
    expect(parseCidrList('  ')).toEqual([]);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'example.com/8', '10.0.0.0/8/1', '10.0.0.0/x', '300.0.0.0/8'])(
    'rejects invalid entry %s',
    (entry) => {
      expect(() => parseCidrList(`127.0.0.0/8, ${entry}`)).toThrow(`invalid CIDR "${entry}"`);
    },
  );
});

describe('DestinationGuard.check', () => {
  it('blocks private ranges by default', () => {
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: [] });

    expect(guard.check('10.1.2.3')).toBe('private network');
    expect(guard.check('127.0.0.1')).toBe('loopback');
    expect(guard.check('93.184.216.34')).toBeNull();
  });

  it('allowPrivateNetworks opens private ranges only', () => {
    const guard = new DestinationGuard({ allowPrivateNetworks: true, allowedCidrs: [] });

    expect(guard.check('10.1.2.3')).toBeNull();
    expect(guard.check('127.0.0.1')).toBeNull();
    expect(guard.check('::1')).toBeNull();
    expect(guard.check('100.64.0.1')).toBeNull();
    expect(guard.check('169.254.169.254')).toBe('link-local');
    expect(guard.check('224.0.0.1')).toBe('multicast');
    expect(guard.check('0.0.0.0')).toBe('unspecified');
  });

  it('allowedCidrs exempts listed ranges', () => {
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: ['10.0.0.0/8', 'fd00::/8'] });

    expect(guard.check('10.1.2.3')).toBeNull();
    expect(guard.check('::ffff:10.1.2.3')).toBeNull();
    expect(guard.check('fd00::1')).toBeNull();
    expect(guard.check('fc00::1')).toBe('private network');
    expect(guard.check('192.168.1.1')).toBe('private network');
  });

  it('rejects invalid allowed CIDR', () => {
    expect(() => new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: ['10.0.0.0/99'] })).toThrow(
      'invalid CIDR "10.0.0.0/99"',
    );
  });
});

describe('DestinationGuard.lookup', () => {
  function resolverReturning(addresses: LookupAddress[]): AllAddressesResolver {
    return (_hostname, _options, callback) => callback(null, addresses);
  }

  function runLookup(
    guard: DestinationGuard,
    all: boolean,
  ): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }> {
    return new Promise((resolve) => {
      guard.lookup('receiver.test', { all }, (error, address, family) => resolve({ error, address, family }));
    });
  }

  it('fails when any resolved address is blocked', async () => {
    const resolver = resolverReturning([
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ]);
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: [] }, resolver);

    const result = await runLookup(guard, true);

    expect(result.error).toBeInstanceOf(BlockedDestinationError);
    expect(result.error?.message).toBe('blocked destination 10.1.2.3: private network');
  });

  it('returns all addresses when asked for all', async () => {
    const addresses = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: [] }, resolverReturning(addresses));

    const result = await runLookup(guard, true);

    expect(result.error).toBeNull();
    expect(result.address).toEqual(addresses);
  });

  it('returns first address otherwise', async () => {
    const addresses = [{ address: '93.184.216.34', family: 4 }];
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: [] }, resolverReturning(addresses));

    const result = await runLookup(guard, false);

    expect(result.error).toBeNull();
    expect(result.address).toBe('93.184.216.34');
    expect(result.family).toBe(4);
  });

  it('passes resolver errors through', async () => {
    const failure: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo ENOTFOUND receiver.test'), {
      code: 'ENOTFOUND',
    });
    const resolver: AllAddressesResolver = (_hostname, _options, callback) => callback(failure, []);
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: [] }, resolver);

    const result = await runLookup(guard, true);

    expect(result.error).toBe(failure);
  });

  it('fails with ENOTFOUND for empty result', async () => {
    const guard = new DestinationGuard({ allowPrivateNetworks: false, allowedCidrs: [] }, resolverReturning([]));

    const result = await runLookup(guard, false);

    expect(result.error?.code).toBe('ENOTFOUND');
  });
});
