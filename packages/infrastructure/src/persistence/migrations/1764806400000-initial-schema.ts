import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole schema. Differences from the original Rust server's tables:
 * - `version` is a real counter on every versioned table (the original used xmin);
 * - `applications.uid` is unique per organization, not globally, so a UID does not
 *   reveal that another tenant uses it;
 * - `messages.payload` is `json`, not `jsonb`: `json` keeps the client's text as
 *   written (key order, big integers, escapes), and deliveries send that text;
 * - idempotency keys live in their own table with an expiry, separate from message
 *   retention, so an expired key can be reused without deleting the message;
 * - attempts carry a claim token and an `error` text; while `in_flight`,
 *   `next_attempt_at` holds the lease expiry, so one partial index serves claims
 *   of due attempts and of attempts whose worker died;
 * - `endpoints.enabled_at` records the last (re-)enabling: dead letters before it
 *   no longer count towards automatic disabling;
 * - organizations cascade to their OIDC configs and applications.
 */
export class InitialSchema1764806400000 implements MigrationInterface {
  name = 'InitialSchema1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        id UUID PRIMARY KEY,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        CONSTRAINT uq_organizations_slug UNIQUE (slug)
      );

      CREATE TABLE oidc_configs (
        id UUID PRIMARY KEY,
        org_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        issuer_url TEXT NOT NULL,
        audience TEXT NOT NULL,
        jwks_url TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        CONSTRAINT uq_oidc_configs_issuer_audience UNIQUE (issuer_url, audience)
      );
      CREATE INDEX idx_oidc_configs_org ON oidc_configs (org_id, created_at DESC);

      CREATE TABLE applications (
        id UUID PRIMARY KEY,
        org_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uid TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        CONSTRAINT uq_applications_org_uid UNIQUE (org_id, uid)
      );
      CREATE INDEX idx_applications_org_created ON applications (org_id, created_at DESC);

      CREATE TABLE event_types (
        id UUID PRIMARY KEY,
        app_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        schema JSONB,
        system BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMPTZ NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        CONSTRAINT uq_event_types_app_name UNIQUE (app_id, name)
      );
      CREATE INDEX idx_event_types_app_created ON event_types (app_id, created_at DESC);

      CREATE TABLE endpoints (
        id UUID PRIMARY KEY,
        app_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        name TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL,
        enabled BOOLEAN NOT NULL DEFAULT true,
        signing_secrets TEXT[] NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        enabled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        version INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX idx_endpoints_app_created ON endpoints (app_id, created_at DESC);

      CREATE TABLE endpoint_events (
        endpoint_id UUID NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        event_type_id UUID NOT NULL REFERENCES event_types (id) ON DELETE CASCADE,
        PRIMARY KEY (endpoint_id, event_type_id)
      );
      CREATE INDEX idx_endpoint_events_event_type ON endpoint_events (event_type_id);

      CREATE TABLE messages (
        id UUID PRIMARY KEY,
        app_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        event_type_id UUID NOT NULL REFERENCES event_types (id) ON DELETE CASCADE,
        payload JSON NOT NULL,
        idempotency_key TEXT NOT NULL,
        idempotency_expires_at TIMESTAMPTZ NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX idx_messages_app_created ON messages (app_id, created_at DESC);
      CREATE INDEX idx_messages_event_type_created ON messages (event_type_id, created_at DESC);
      CREATE INDEX idx_messages_created ON messages (created_at);

      CREATE TABLE idempotency_keys (
        app_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        message_id UUID NOT NULL REFERENCES messages (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        expires_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (app_id, key)
      );
      CREATE INDEX idx_idempotency_keys_expires ON idempotency_keys (expires_at);
      CREATE INDEX idx_idempotency_keys_message ON idempotency_keys (message_id);

      CREATE TABLE attempts (
        id UUID PRIMARY KEY,
        message_id UUID NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        endpoint_id UUID NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'pending',
        response_code SMALLINT,
        response_body TEXT,
        error TEXT,
        attempted_at TIMESTAMPTZ,
        next_attempt_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        attempt_number INTEGER NOT NULL DEFAULT 1,
        duration_ms BIGINT,
        claim_token UUID,
        CONSTRAINT ck_attempts_status CHECK (status IN ('pending', 'in_flight', 'succeeded', 'failed'))
      );
      CREATE INDEX idx_attempts_due ON attempts (next_attempt_at) WHERE status IN ('pending', 'in_flight');
      CREATE INDEX idx_attempts_message ON attempts (message_id, attempt_number);
      CREATE INDEX idx_attempts_endpoint ON attempts (endpoint_id);
      CREATE INDEX idx_attempts_status_attempted ON attempts (status, attempted_at) WHERE attempted_at IS NOT NULL;

      CREATE TABLE dead_letters (
        id UUID PRIMARY KEY,
        message_id UUID NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        endpoint_id UUID NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        app_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        attempt_id UUID REFERENCES attempts (id) ON DELETE SET NULL,
        last_response_code SMALLINT,
        last_response_body TEXT,
        last_error TEXT,
        dead_lettered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        replayed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX idx_dead_letters_app ON dead_letters (app_id, dead_lettered_at DESC);
      CREATE INDEX idx_dead_letters_endpoint ON dead_letters (endpoint_id, dead_lettered_at DESC);
      CREATE INDEX idx_dead_letters_message ON dead_letters (message_id);

      CREATE TABLE event_outbox (
        id UUID PRIMARY KEY,
        event_type TEXT NOT NULL,
        payload JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        processed_at TIMESTAMPTZ
      );
      CREATE INDEX idx_event_outbox_pending ON event_outbox (created_at) WHERE processed_at IS NULL;
      CREATE INDEX idx_event_outbox_processed ON event_outbox (processed_at) WHERE processed_at IS NOT NULL;

      CREATE TABLE endpoint_delivery_summary (
        endpoint_id UUID PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
        last_delivery_at TIMESTAMPTZ,
        last_status TEXT,
        total_success BIGINT NOT NULL DEFAULT 0,
        total_failure BIGINT NOT NULL DEFAULT 0,
        consecutive_failures BIGINT NOT NULL DEFAULT 0
      );

      CREATE TABLE message_delivery_status (
        message_id UUID PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        attempts_created INTEGER NOT NULL DEFAULT 0,
        succeeded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        dead_lettered INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE audit_log (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        command_name TEXT NOT NULL,
        actor TEXT NOT NULL,
        org_id UUID NOT NULL,
        timestamp TIMESTAMPTZ NOT NULL DEFAULT now(),
        success BOOLEAN NOT NULL,
        error_message TEXT
      );
      CREATE INDEX idx_audit_log_org_timestamp ON audit_log (org_id, timestamp DESC);
      CREATE INDEX idx_audit_log_actor ON audit_log (actor, timestamp DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE audit_log, message_delivery_status, endpoint_delivery_summary, event_outbox, dead_letters,
        attempts, idempotency_keys, messages, endpoint_events, endpoints, event_types, applications,
        oidc_configs, organizations;
    `);
  }
}
