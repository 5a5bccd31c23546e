import type { DatabaseContext } from './transaction-context';

/** Maximum number of due attempts one scrape counts, so a scrape stays fast even with a huge backlog. */
export const QUEUE_DEPTH_CAP = 100_000;

/**
 * Counts pending attempts that are due now, at most `cap`. PostgreSQL runs the
 * count on a partial index over open attempts (`idx_attempts_due_by_kind`, or
 * `idx_attempts_endpoint_open` when the planner estimates it cheaper). The work
 * therefore grows with the open attempts but not with the delivered history,
 * and the LIMIT stops the count at the cap.
 */
export class PgQueueDepth {
  constructor(
    private readonly db: DatabaseContext,
    private readonly cap: number = QUEUE_DEPTH_CAP,
  ) {}

  async countDue(): Promise<number> {
    const rows = await this.db.query<{ depth: number }>(
      `SELECT count(*)::integer AS depth FROM (
         SELECT 1 FROM attempts
         WHERE status = 'pending' AND next_attempt_at <= now()
         LIMIT $1
       ) due`,
      [this.cap],
    );

    return rows[0]?.depth ?? 0;
  }
}
