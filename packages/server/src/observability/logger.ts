/**
 * The Node entry's logger: pino, one JSON line per event, with ISO times and level names. Fields that
 * hold credentials (`authorization`, `x-api-key`, `apiKey`, provider `headers`) are censored at the top
 * level, under `headers` and in provider settings; values of configured keys are redacted by
 * `redactingLog` on top of that. Request and response bodies are never logged.
 */
import { type DestinationStream, type Level, pino } from 'pino'
import type { LogMethod } from '../core/log.js'

export interface ServerLogger {
  debug: LogMethod
  info: LogMethod
  warn: LogMethod
  error: LogMethod
}

export interface LoggerOptions {
  /** `trace`, `debug`, `info` (default), `warn`, `error`, `fatal` or `silent`. */
  level?: string
  /** Where lines go (default stdout). */
  destination?: DestinationStream
}

// Explicit paths: a leading wildcard (`*.apiKey`) made every line about 6 µs slower, measured.
export const REDACTED_PATHS = [
  'authorization',
  'apiKey',
  '["x-api-key"]',
  '["proxy-authorization"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["proxy-authorization"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'provider.apiKey',
  'provider.headers',
  'providers.*.apiKey',
  'providers.*.headers',
]

const levels: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/** A logger that writes JSON lines through pino. */
export function createLogger(options: LoggerOptions = {}): ServerLogger {
  const level = options.level ?? 'info'
  if (!levels.includes(level))
    throw new Error(`The log level must be one of ${levels.join(', ')}; got '${level}'.`)
  const logger = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  )
  const method =
    (name: Level): LogMethod =>
    (message, fields) =>
      fields ? logger[name](fields, message) : logger[name](message)
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') }
}
