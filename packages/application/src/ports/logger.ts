export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logging: a short fixed message, values in fields. Never a secret, token or payload. */
export abstract class Logger {
  abstract debug(message: string, fields?: LogFields): void;
  abstract info(message: string, fields?: LogFields): void;
  abstract warn(message: string, fields?: LogFields): void;
  abstract error(message: string, fields?: LogFields): void;
}
