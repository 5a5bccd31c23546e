/**
 * Just enough PromQL reading to find the metric names a query selects, so a
 * test can compare a dashboard with what the server exports.
 */

/** Words that stand where a metric name could, but are operators or literals. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Returns the metric names `expr` selects, in order of appearance, each once. */
export function metricNamesIn(expr: string): string[] {
  const text = expr
    // String literals first, so that braces or brackets inside them cannot confuse the steps below.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, ' ');

  const names: string[] = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const rest = text.slice(match.index + name.length);
    // A name followed by "(" is a function or an aggregation operator.
    if (/^\s*\(/.test(rest) || KEYWORDS.has(name.toLowerCase()) || names.includes(name)) {
      continue;
    }
    names.push(name);
  }

  return names;
}

/** Returns the metric names of a Grafana Prometheus variable query such as `label_values(metric, label)`. */
export function metricNamesInVariableQuery(query: string): string[] {
  const labelValues = /^\s*label_values\s*\(\s*(.*?)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/.exec(query);
  if (labelValues !== null) {
    return metricNamesIn(labelValues[1]!);
  }

  const wrapped = /^\s*(?:query_result|metrics)\s*\((.*)\)\s*$/.exec(query);

  return metricNamesIn(wrapped?.[1] ?? query);
}

/** The families (`# TYPE` lines) and sample names of one scrape. */
export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: ReadonlySet<string>;
}

/** Reads the `# TYPE` lines and the names of the sample lines of a Prometheus text exposition. */
export function readExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples = new Set<string>();

  for (const line of text.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/.exec(line);
    if (type !== null) {
      types.set(type[1]!, type[2]!);
    } else if (line !== '' && !line.startsWith('#')) {
      samples.add(/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]);
    }
  }

  return { types, samples };
}

/**
 * Tells whether a query may select `name` from this exposition: a counter,
 * gauge or untyped family by its own name, a histogram only by its `_bucket`,
 * `_sum` and `_count` series, a summary by its own name (the quantiles) and its
 * `_sum` and `_count` series. The series must also be present in the scrape.
 */
export function isExported(name: string, exposition: Exposition): boolean {
  if (!exposition.samples.has(name)) {
    return false;
  }

  const ownType = exposition.types.get(name);
  if (ownType === 'counter' || ownType === 'gauge' || ownType === 'untyped' || ownType === 'summary') {
    return true;
  }

  const suffix = /_(bucket|sum|count)$/.exec(name);
  if (suffix === null) {
    return false;
  }

  const familyType = exposition.types.get(name.slice(0, -suffix[0].length));

  return familyType === 'histogram' || (familyType === 'summary' && suffix[1] !== 'bucket');
}
