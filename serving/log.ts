/** What serving logs through: any logger with these levels (the API's JSON logger is one). */

/** Structured fields of one log entry. */
export type ServingLogFields = Record<string, unknown>;

/** The log levels serving uses. */
export interface ServingLogger {
  info(message: string, fields?: ServingLogFields): void;
  warning(message: string, fields?: ServingLogFields): void;
}
