/** One sample line of the Prometheus text exposition format. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function unescapeLabelValue(raw: string): string {
  return raw.replace(/\\(.)/g, (_match, escaped: string) => (escaped === 'n' ? '\n' : escaped));
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let position = 0;

  while (position < text.length) {
    LABEL_PAIR.lastIndex = position;
    const match = LABEL_PAIR.exec(text);
    if (match === null) {
      throw new Error(`malformed label set: {${text}}`);
    }
    labels[match[1]!] = unescapeLabelValue(match[2]!);
    position = LABEL_PAIR.lastIndex;
  }

  return labels;
}

/** Parses every sample line; comments (`# HELP`, `# TYPE`) and blank lines are skipped. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE_LINE.exec(line);
      if (match === null) {
        throw new Error(`malformed sample line: ${line}`);
      }

      return { name: match[1]!, labels: parseLabels(match[2] ?? ''), value: Number(match[3]) };
    });
}

/**
 * Returns the value of the sample with exactly this name and label set, or
 * undefined when there is none. Label order does not matter.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const expected = Object.entries(labels).sort();
  const found = parsePrometheusText(text).find(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === JSON.stringify(expected),
  );

  return found?.value;
}

/** Returns the `# TYPE` declared for a metric family, or undefined. */
export function metricType(text: string, name: string): string | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`# TYPE ${name} `));

  return line?.slice(`# TYPE ${name} `.length).trim();
}
