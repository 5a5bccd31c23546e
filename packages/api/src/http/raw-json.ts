import { parseTree } from 'jsonc-parser';

/** JSON text to embed in a response verbatim, so big integers and key order survive. */
export class RawJson {
  constructor(readonly text: string) {}
}

const MARKER = '\u0000raw:';
const MARKER_PATTERN = /"\\u0000raw:(\d+)"/g;

/**
 * Serialises a response body, splicing `RawJson` values in as written. Stored
 * text never contains U+0000 (PostgreSQL text rejects it), so the marker cannot
 * collide with data; raw payloads are spliced after the scan.
 */
export function stringifyWithRawJson(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) =>
    value instanceof RawJson ? `${MARKER}${raws.push(value.text) - 1}` : value,
  );

  return text.replace(MARKER_PATTERN, (_match, index: string) => raws[Number(index)] ?? 'null');
}

/**
 * Returns the JSON text of a top-level property of an object body exactly as
 * it appears in the request, or null when the property is absent. When a key is
 * repeated the last one wins, as with JSON.parse.
 */
export function rawPropertyText(body: string, property: string): string | null {
  const tree = parseTree(body);
  if (tree === undefined || tree.type !== 'object') {
    return null;
  }

  const matches = (tree.children ?? []).filter((child) => child.children?.[0]?.value === property);
  const last = matches[matches.length - 1]?.children?.[1];
  if (last === undefined) {
    return null;
  }

  return body.slice(last.offset, last.offset + last.length);
}
