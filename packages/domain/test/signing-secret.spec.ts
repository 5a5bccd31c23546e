import {
  generateSigningSecret,
  isWellFormedSigningSecret,
  maskSigningSecret,
  MAX_SIGNING_SECRETS,
  PigeonError,
  revokeSigningSecret,
  rotateSigningSecrets,
} from '../src';
import { thrownBy } from './builders';

const NEWEST = `whsec_${'a'.repeat(64)}`;
const OLDEST = `whsec_${'b'.repeat(64)}`;
const FRESH = `whsec_${'c'.repeat(64)}`;

describe('generateSigningSecret', () => {
  it('returns whsec_ and 64 lowercase hex digits', () => {
    const secret = generateSigningSecret();

    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(secret).toHaveLength(70);
    expect(isWellFormedSigningSecret(secret)).toBe(true);
  });

  it('returns a different secret on every call', () => {
    const secrets = Array.from({ length: 100 }, () => generateSigningSecret());

    expect(new Set(secrets).size).toBe(100);
  });
});

describe('isWellFormedSigningSecret', () => {
  it.each([
    ['uppercase hex', `whsec_${'A'.repeat(64)}`],
    ['63 hex digits', `whsec_${'a'.repeat(63)}`],
    ['65 hex digits', `whsec_${'a'.repeat(65)}`],
    ['another prefix', `wh_${'a'.repeat(64)}`],
    ['base64 characters', `whsec_${'+'.repeat(64)}`],
  ])('rejects %s', (_case, secret) => {
    expect(isWellFormedSigningSecret(secret)).toBe(false);
  });
});

describe('maskSigningSecret', () => {
  it('shows the prefix and the last 6 characters', () => {
    const masked = maskSigningSecret(`whsec_${'0'.repeat(58)}abc123`);

    expect(masked).toBe('whsec_...abc123');
  });

  it('shows the last 6 characters of an 11-character secret', () => {
    const masked = maskSigningSecret('whsec_12345');

    expect(masked).toBe('whsec_..._12345');
  });

  it.each(['', 'short', 'whsec_1234'])('hides every character of %j', (secret) => {
    const masked = maskSigningSecret(secret);

    expect(masked).toBe('whsec_...');
  });
});

describe('rotateSigningSecrets', () => {
  it('prepends the new secret', () => {
    const secrets = rotateSigningSecrets([OLDEST], FRESH);

    expect(secrets).toEqual([FRESH, OLDEST]);
  });

  it('leaves the input array unchanged', () => {
    const current = [OLDEST];

    rotateSigningSecrets(current, FRESH);

    expect(current).toEqual([OLDEST]);
  });

  it('rejects a third secret', () => {
    const error = thrownBy(() => rotateSigningSecrets([NEWEST, OLDEST], FRESH));

    expect(MAX_SIGNING_SECRETS).toBe(2);
    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe(
      'validation error: endpoint already has the maximum number of signing secrets (2)',
    );
  });
});

describe('revokeSigningSecret', () => {
  it('removes the newest secret at index 0', () => {
    const secrets = revokeSigningSecret([NEWEST, OLDEST], 0);

    expect(secrets).toEqual([OLDEST]);
  });

  it('removes the oldest secret at index 1', () => {
    const secrets = revokeSigningSecret([NEWEST, OLDEST], 1);

    expect(secrets).toEqual([NEWEST]);
  });

  it('rejects the last secret', () => {
    const error = thrownBy(() => revokeSigningSecret([NEWEST], 0));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).message).toBe('validation error: cannot revoke the last signing secret');
  });

  it('rejects the last secret before checking the index', () => {
    const error = thrownBy(() => revokeSigningSecret([NEWEST], 7));

    expect((error as PigeonError).message).toBe('validation error: cannot revoke the last signing secret');
  });

  it.each([2, -1, 0.5, Number.NaN])('rejects index %p as out of bounds', (index) => {
    const error = thrownBy(() => revokeSigningSecret([NEWEST, OLDEST], index));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe('validation error: signing secret index out of bounds');
  });
});
