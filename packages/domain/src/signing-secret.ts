import { randomBytes } from 'node:crypto';

import { PigeonError } from './errors';

export const SIGNING_SECRET_PREFIX = 'whsec_';

/** Maximum number of secrets an endpoint holds at once: the current one and the one being rotated out. */
export const MAX_SIGNING_SECRETS = 2;

const SECRET_PATTERN = /^whsec_[0-9a-f]{64}$/;

/** Generates `whsec_` followed by 32 random bytes in lowercase hex (70 characters). */
export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(32).toString('hex');
}

export function isWellFormedSigningSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}

/** Masks a secret for display: `whsec_...` plus its last 6 characters, or nothing of it when it is 10 characters or shorter. */
export function maskSigningSecret(secret: string): string {
  if (secret.length <= 10) {
    return `${SIGNING_SECRET_PREFIX}...`;
  }

  return `${SIGNING_SECRET_PREFIX}...${secret.slice(-6)}`;
}

/** Returns the secrets after prepending a new one; rejects a third active secret. */
export function rotateSigningSecrets(secrets: readonly string[], fresh: string): string[] {
  if (secrets.length >= MAX_SIGNING_SECRETS) {
    throw PigeonError.validation(`endpoint already has the maximum number of signing secrets (${MAX_SIGNING_SECRETS})`);
  }

  return [fresh, ...secrets];
}

/** Returns the secrets without the one at `index` (0 = newest); the last secret can never be removed. */
export function revokeSigningSecret(secrets: readonly string[], index: number): string[] {
  if (secrets.length <= 1) {
    throw PigeonError.validation('cannot revoke the last signing secret');
  }
  if (!Number.isInteger(index) || index < 0 || index >= secrets.length) {
    throw PigeonError.validation('signing secret index out of bounds');
  }

  return secrets.filter((_, position) => position !== index);
}
