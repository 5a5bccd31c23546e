import { randomInt } from 'node:crypto';

const ADJECTIVES = ['brave', 'calm', 'eager', 'fair', 'gentle', 'keen', 'lively', 'proud', 'quick', 'swift', 'steady', 'bold'];
const NOUNS = ['falcon', 'heron', 'otter', 'lynx', 'robin', 'badger', 'marten', 'kestrel', 'wren', 'fox', 'swallow', 'ibex'];

/** Generates a readable `adjective-noun` name for an endpoint created without one; names need not be unique. */
export function generateEndpointName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)] ?? 'quick';
  const noun = NOUNS[randomInt(NOUNS.length)] ?? 'falcon';

  return `${adjective}-${noun}`;
}
