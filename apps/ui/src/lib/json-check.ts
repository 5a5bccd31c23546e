/** Result of {@link checkJson}: the parsed value, or why the text is not acceptable. */
export type JsonCheck = { valid: true; value: unknown } | { valid: false; error: string };

/**
 * Parses `text` as JSON and checks it against what the field expects. With
 * `optional`, blank text is valid and yields `undefined`. The error names the
 * line and column that the browser's parser reports, when it does.
 */
export function checkJson(text: string, expect: 'value' | 'object' | 'optional'): JsonCheck {
  if (text.trim() === '') {
    return expect === 'optional' ? { valid: true, value: undefined } : { valid: false, error: 'Enter JSON.' };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);

    return { valid: false, error: `Invalid JSON: ${reason}` };
  }

  if (expect === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { valid: false, error: 'The payload must be a JSON object, such as {"order_id": 1}.' };
  }

  return { valid: true, value };
}
