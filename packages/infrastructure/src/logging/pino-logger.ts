import { type LogFields, Logger } from '@pigeon/application';
import type { Logger as Pino } from 'pino';

/** Adapts pino to the application's Logger port; fields become JSON properties of the line. */
export class PinoLogger extends Logger {
  constructor(private readonly pino: Pino) {
    super();
  }

  child(bindings: LogFields): PinoLogger {
    return new PinoLogger(this.pino.child(bindings));
  }

  debug(message: string, fields: LogFields = {}): void {
    this.pino.debug(fields, message);
  }

  info(message: string, fields: LogFields = {}): void {
    this.pino.info(fields, message);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.pino.warn(fields, message);
  }

  error(message: string, fields: LogFields = {}): void {
    this.pino.error(fields, message);
  }
}
