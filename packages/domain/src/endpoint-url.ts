import { PigeonError } from './errors';

export const MAX_URL_LENGTH = 2048;

/**
 * Validates an endpoint URL: non-blank, absolute, http or https, with a host,
 * no credentials. Whether the host may be reached is decided at connect time by
 * the delivery client, after DNS resolution, because a name can point anywhere later.
 */
export function validateEndpointUrl(raw: string): string {
  if (raw.trim() === '') {
    throw PigeonError.validation('endpoint URL must not be empty');
  }
  if (raw.length > MAX_URL_LENGTH) {
    throw PigeonError.validation(`endpoint URL must be at most ${MAX_URL_LENGTH} characters`);
  }

  // The URL parser silently drops tabs, newlines and edge spaces, so the stored
  // text would differ from what was checked: reject them instead.
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) {
    throw PigeonError.validation('endpoint URL must not contain whitespace or control characters');
  }

  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw PigeonError.validation('endpoint URL is not a valid absolute URL');
  }

  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw PigeonError.validation('endpoint URL must use http or https scheme');
  }
  if (parsed.hostname === '') {
    throw PigeonError.validation('endpoint URL must name a host');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw PigeonError.validation('endpoint URL must not contain credentials');
  }

  return raw;
}
