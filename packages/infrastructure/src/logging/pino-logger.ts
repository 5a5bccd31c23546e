import { type LogFields, Logger } from '@pigeon/application';
import type { Logger as Pino } from 'pino';

/** Returns the fields of the surrounding context, such as the id of the HTTP request being handled. */
export type ContextFields = () => LogFields;

const NO_CONTEXT: ContextFields = () => ({});

/**
 * Adapts pino to the application's Logger port; fields become JSON properties
 * of the line, after the fields `contextFields` returns at the time of the call.
 */
export class PinoLogger extends Logger {
  constructor(
    private readonly pino: Pino,
    private readonly contextFields: ContextFields = NO_CONTEXT,
  ) {
    super();
  }

  child(bindings: LogFields): PinoLogger {
    return new PinoLogger(this.pino.child(bindings), this.contextFields);
  }

  debug(message: string, fields: LogFields = {}): void {
    this.pino.debug({ ...this.contextFields(), ...fields }, message);
  }

  info(message: string, fields: LogFields = {}): void {
    this.pino.info({ ...this.contextFields(), ...fields }, message);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.pino.warn({ ...this.contextFields(), ...fields }, message);
  }

  error(message: string, fields: LogFields = {}): void {
    this.pino.error({ ...this.contextFields(), ...fields }, message);
  }
}
