import { PigeonError } from './errors';

/**
 * Removes insignificant whitespace from JSON text without parsing it into values,
 * so numbers (integers beyond 2^53, `1e21`), key order, duplicate keys and string
 * escapes stay exactly as the client wrote them. The input must already be valid JSON.
 */
export function compactJsonText(json: string): string {
  let output = '';
  let inString = false;
  let segmentStart = 0;

  for (let index = 0; index < json.length; index += 1) {
    const char = json.charCodeAt(index);

    if (inString) {
      if (char === 0x5c) {
        index += 1;
      } else if (char === 0x22) {
        inString = false;
      }
      continue;
    }

    if (char === 0x22) {
      inString = true;
    } else if (char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09) {
      output += json.slice(segmentStart, index);
      segmentStart = index + 1;
    }
  }

  return output + json.slice(segmentStart);
}

/**
 * The body of every delivery of a message: compact JSON text of an object,
 * computed once when the message is accepted and sent byte for byte on every try.
 */
export function messagePayloadFromJsonText(json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw PigeonError.validation('payload is not valid JSON');
  }

  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw PigeonError.validation('payload must be a JSON object');
  }

  return compactJsonText(json);
}
