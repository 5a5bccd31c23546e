import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the stats routes, which count an application's, event type's or
 * endpoint's attempts through its endpoints:
 * - attempts tried within a window, per endpoint; `status` and `message_id` are
 *   included so the counts and the event-type filter need no table access;
 * - attempts still waiting or being delivered, per endpoint, whatever their age.
 */
export class StatsIndexes1796421443759 implements MigrationInterface {
  name = 'StatsIndexes1796421443759';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX idx_attempts_endpoint_attempted ON attempts (endpoint_id, attempted_at)
        INCLUDE (status, message_id) WHERE attempted_at IS NOT NULL;
      CREATE INDEX idx_attempts_endpoint_open ON attempts (endpoint_id)
        INCLUDE (message_id) WHERE status IN ('pending', 'in_flight');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_attempts_endpoint_open, idx_attempts_endpoint_attempted;`);
  }
}
