/** What model life cycles write to: the server's logger, or nothing in tests. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}
