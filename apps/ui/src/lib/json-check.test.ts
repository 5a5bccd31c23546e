import { describe, expect, it } from 'vitest';

import { checkJson } from './json-check';

describe('checkJson', () => {
  it('accepts an object payload', () => {
    expect(checkJson('{"a": 1}', 'object')).toEqual({ valid: true, value: { a: 1 } });
  });

  it.each(['[1]', '42', 'null', '"text"'])('rejects %s as a payload', (text) => {
    expect(checkJson(text, 'object')).toEqual({ valid: false, error: 'The payload must be a JSON object, such as {"order_id": 1}.' });
  });

  it('reports invalid JSON', () => {
    const sut = checkJson('{"a": ', 'value');

    expect(sut.valid).toBe(false);
    expect(sut.valid ? '' : sut.error).toMatch(/^Invalid JSON: /);
  });

  it('allows blank text only when optional', () => {
    expect(checkJson('  ', 'optional')).toEqual({ valid: true, value: undefined });
    expect(checkJson('', 'value')).toEqual({ valid: false, error: 'Enter JSON.' });
  });
});
