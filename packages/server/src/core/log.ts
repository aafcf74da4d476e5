/** One log call: a message and structured fields. Every logger in the server is a set of these. */
export type LogMethod = (message: string, fields?: Record<string, unknown>) => void

/** What model life cycles write to: the server's logger, or nothing in tests. */
export interface Logger {
  info: LogMethod
  warn: LogMethod
}
