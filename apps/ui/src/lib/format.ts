const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Formats an ISO timestamp in the browser's locale and time zone; `—` for none. */
export function formatDateTime(value: string | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  const date = new Date(value);

  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

/** Formats a ratio from 0 to 1 as a percentage with one decimal. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** Formats a duration in milliseconds; `—` for none. */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined) {
    return '—';
  }

  return milliseconds < 1000 ? `${milliseconds} ms` : `${(milliseconds / 1000).toFixed(2)} s`;
}

/** Shortens a UUID to its first block, for dense tables; the full id goes in a title. */
export function shortId(id: string): string {
  return id.split('-')[0] ?? id;
}

/** Pretty-prints JSON for display, falling back to the string form. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
