import { compactJsonText, messagePayloadFromJsonText, PigeonError } from '../src';
import { thrownBy } from './builders';

describe('compactJsonText', () => {
  it('removes spaces, tabs and line breaks between tokens', () => {
    const json = '{\r\n\t"a" : 1 ,\n  "b" : [ 1 , 2 ] ,\n  "c" : { }\n}\n';

    const compact = compactJsonText(json);

    expect(compact).toBe('{"a":1,"b":[1,2],"c":{}}');
  });

  it('keeps key order', () => {
    const compact = compactJsonText('{ "z": 1, "a": 2, "m": 3 }');

    expect(compact).toBe('{"z":1,"a":2,"m":3}');
  });

  it('keeps duplicate keys', () => {
    const compact = compactJsonText('{ "a": 1, "a": 2 }');

    expect(compact).toBe('{"a":1,"a":2}');
  });

  it.each(['12345678901234567890123', '1e21', '-0.0', '1.50', '1E+2', '-0'])('keeps the number %s as written', (number) => {
    const compact = compactJsonText(`{ "n": ${number} }`);

    expect(compact).toBe(`{"n":${number}}`);
  });

  it.each([
    ['an escaped quote', '"say \\"hi\\" now"'],
    ['an escaped backslash before the closing quote', '"C:\\\\"'],
    ['an escaped backslash then a quote', '"a\\\\\\"b"'],
    ['a unicode escape', '"caf\\u00e9"'],
    ['an escaped slash', '"a\\/b"'],
    ['an emoji', '"🐦 pigeon"'],
    ['a surrogate pair escape', '"\\ud83d\\udc26"'],
    ['spaces and tabs', '"  two  spaces \t tab "'],
    ['newline escapes', '"line one\\nline two\\r\\n"'],
    ['JSON punctuation', '" { } [ ] : , "'],
  ])('keeps a string with %s byte for byte', (_case, literal) => {
    const compact = compactJsonText(`{ "s" : ${literal} , "after" : true }`);

    expect(compact).toBe(`{"s":${literal},"after":true}`);
  });

  it('keeps whitespace inside keys', () => {
    const compact = compactJsonText('{ "first name" : "Ada" }');

    expect(compact).toBe('{"first name":"Ada"}');
  });

  it('parses to the same value as the input', () => {
    const json = '{\n  "id": "evt_1",\n  "items": [ { "sku": "A 1", "qty": 2 } ],\n  "paid": true,\n  "note": null\n}';

    const compact = compactJsonText(json);

    expect(JSON.parse(compact)).toEqual(JSON.parse(json));
  });

  it('returns compact input unchanged', () => {
    const json = '{"a":[1,{"b":"c d"}],"e":null}';

    const compact = compactJsonText(json);

    expect(compact).toBe(json);
  });
});

describe('messagePayloadFromJsonText', () => {
  it('returns the compact text of an object', () => {
    const payload = messagePayloadFromJsonText('{ "amount" : 12345678901234567890123 ,\n "currency": "EUR" }');

    expect(payload).toBe('{"amount":12345678901234567890123,"currency":"EUR"}');
  });

  it('accepts an empty object', () => {
    const payload = messagePayloadFromJsonText(' { } ');

    expect(payload).toBe('{}');
  });

  it.each([
    ['an array', '[1, 2]'],
    ['an empty array', '[]'],
    ['null', 'null'],
    ['a string', '"text"'],
    ['a number', '42'],
    ['a boolean', 'true'],
  ])('rejects %s', (_case, json) => {
    const error = thrownBy(() => messagePayloadFromJsonText(json));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe('validation error: payload must be a JSON object');
  });

  it.each([
    ['truncated JSON', '{"a": 1'],
    ['a trailing comma', '{"a": 1,}'],
    ['empty text', ''],
    ['single quotes', "{'a': 1}"],
  ])('rejects %s as invalid JSON', (_case, json) => {
    const error = thrownBy(() => messagePayloadFromJsonText(json));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).message).toBe('validation error: payload is not valid JSON');
  });
});
