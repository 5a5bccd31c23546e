import { Client } from 'pg';

import type { DatabaseContext } from './transaction-context';

/** Channel on which writers announce new due attempts to idle workers. */
export const WORK_CHANNEL = 'pigeon_work';

/**
 * Announces new due attempts. Inside a transaction the notification is sent at
 * commit and only then, and PostgreSQL folds repeats within one transaction.
 */
export async function notifyWorkers(db: DatabaseContext): Promise<void> {
  await db.query(`SELECT pg_notify($1, '')`, [WORK_CHANNEL]);
}

export interface WorkListenerOptions {
  readonly databaseUrl: string;
  readonly onWork: () => void;
  readonly onError: (error: unknown) => void;
  /** Delay before reconnecting after the connection is lost, in milliseconds. */
  readonly reconnectDelayMs?: number;
}

/**
 * Holds one dedicated connection that LISTENs for work announcements and wakes
 * the worker. Polling stays as the backstop: a lost notification (connection
 * down, a writer in another system) only delays work until the next poll.
 */
export class WorkListener {
  private client: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly options: WorkListenerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) {
      clearTimeout(this.retry);
      this.retry = null;
    }

    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'pigeon-work-listener' });
    client.on('notification', () => this.options.onWork());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('work listener connection ended')));

    try {
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
      this.client = client;
      // Work may have been announced while no connection listened.
      this.options.onWork();
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(client, error);
    }
  }

  private lost(client: Client, error: unknown): void {
    if (this.stopped || (this.client !== null && this.client !== client) || this.retry !== null) {
      return;
    }

    this.client = null;
    this.options.onError(error);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) {
        void this.connect();
      }
    }, this.options.reconnectDelayMs ?? 1000);
  }
}
