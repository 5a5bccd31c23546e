import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `event_outbox.error`: why an event was marked processed without reaching
 *   every subscriber (an unknown type, a bad payload, a failed subscriber).
 * - The claim takes first tries and retries in separate branches so that a
 *   backlog of due retries cannot starve new messages. Each branch reads due
 *   attempts of its kind in `next_attempt_at` order, which this index serves
 *   with one range scan per kind. It replaces `idx_attempts_due`, whose other
 *   reader, the queue depth count, can use it as well.
 */
export class OutboxErrorsAndClaimByKind1796424000000 implements MigrationInterface {
  name = 'OutboxErrorsAndClaimByKind1796424000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE event_outbox ADD COLUMN error TEXT;

      CREATE INDEX idx_attempts_due_by_kind ON attempts ((attempt_number > 1), next_attempt_at)
        WHERE status IN ('pending', 'in_flight');
      DROP INDEX idx_attempts_due;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX idx_attempts_due ON attempts (next_attempt_at) WHERE status IN ('pending', 'in_flight');
      DROP INDEX idx_attempts_due_by_kind;

      ALTER TABLE event_outbox DROP COLUMN error;
    `);
  }
}
