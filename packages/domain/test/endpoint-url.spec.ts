import { MAX_URL_LENGTH, PigeonError, validateEndpointUrl } from '../src';
import { thrownBy } from './builders';

describe('validateEndpointUrl', () => {
  it.each([
    'http://example.com',
    'https://example.com',
    'https://hooks.example.com:8443/pigeon?tenant=7#fragment',
    'http://127.0.0.1:3000/webhook',
    'http://[::1]:8080/webhook',
    'HTTPS://EXAMPLE.COM/Path',
  ])('accepts %s unchanged', (url) => {
    const accepted = validateEndpointUrl(url);

    expect(accepted).toBe(url);
  });

  it('accepts a URL of exactly the maximum length', () => {
    const prefix = 'https://example.com/';
    const url = prefix + 'a'.repeat(MAX_URL_LENGTH - prefix.length);

    const accepted = validateEndpointUrl(url);

    expect(accepted).toHaveLength(2048);
  });

  it.each([
    ['blank', '', 'endpoint URL must not be empty'],
    ['whitespace only', ' \t\n ', 'endpoint URL must not be empty'],
    ['ftp', 'ftp://example.com/file', 'endpoint URL must use http or https scheme'],
    ['javascript', 'javascript:alert(1)', 'endpoint URL must use http or https scheme'],
    ['file', 'file:///etc/passwd', 'endpoint URL must use http or https scheme'],
    ['relative path', '/webhooks/pigeon', 'endpoint URL is not a valid absolute URL'],
    ['host without scheme', 'example.com/webhook', 'endpoint URL is not a valid absolute URL'],
    ['scheme alone', 'http://', 'endpoint URL is not a valid absolute URL'],
    ['user and password', 'https://user:secret@example.com/hook', 'endpoint URL must not contain credentials'],
    ['user only', 'https://user@example.com/hook', 'endpoint URL must not contain credentials'],
  ])('rejects %s', (_case, url, detail) => {
    const error = thrownBy(() => validateEndpointUrl(url));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe(`validation error: ${detail}`);
  });

  it('rejects a URL one character over the maximum length', () => {
    const prefix = 'https://example.com/';
    const url = prefix + 'a'.repeat(MAX_URL_LENGTH + 1 - prefix.length);

    const error = thrownBy(() => validateEndpointUrl(url));

    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe('validation error: endpoint URL must be at most 2048 characters');
  });
});

describe('validateEndpointUrl with hidden characters', () => {
  it.each([['https://exa\nmple.com'], [' https://example.com '], ['https://example.com\t']])('rejects %j', (raw) => {
    expect(() => validateEndpointUrl(raw)).toThrow('validation error: endpoint URL must not contain whitespace or control characters');
  });
});
