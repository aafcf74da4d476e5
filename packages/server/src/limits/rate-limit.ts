/**
 * Per-key rate limits at the HTTP edge: requests per minute on every authenticated request, and tokens
 * per minute on chat and embeddings. Tokens are checked before the call (a key with none left is refused)
 * and charged after the answer, with what the answer reports (`usage.total_tokens`) or an estimate; the
 * route reports them through `c.var.chargeTokens`. A limiter that fails (Redis unreachable) lets the
 * request through and logs: an outage of the limiter's store must not become an outage of the API.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { ApiKey } from '../config/api-keys.js'
import { type ModelportError, rateLimited } from '../core/errors.js'
import type { RateLimiter } from './rate-limiter.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** Set on chat and embeddings requests of a key with a token limit: charge the answer's tokens. */
    chargeTokens?: (tokens: number) => void
  }
}

export interface RateLimitLog {
  warn(message: string, fields?: Record<string, unknown>): void
}

export interface RateLimitOptions {
  limiter: RateLimiter
  /** The window of `rpm` and `tpm` (default a minute; tests shorten it). */
  windowMs?: number
  /** Called for every refusal, for metrics. */
  onRefused?(key: string, limit: 'requests' | 'tokens'): void
  log?: RateLimitLog
}

const TOKEN_PATHS = new Set(['/v1/chat/completions', '/v1/embeddings'])

export function rateLimits(options: RateLimitOptions): MiddlewareHandler {
  const windowMs = options.windowMs ?? 60_000
  const { limiter } = options
  let lastWarning = 0
  const failed = (error: unknown, key: ApiKey) => {
    // One line per 10 s is enough to say the store is down without flooding the log.
    if (Date.now() - lastWarning < 10_000) return
    lastWarning = Date.now()
    options.log?.warn('rate limiter failed; requests pass unlimited', {
      keyName: key.name,
      error: (error as Error).message,
    })
  }
  const refusal = (key: ApiKey, limit: 'requests' | 'tokens', per: number, retryAfterMs: number) => {
    options.onRefused?.(key.name, limit)
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
    const window = windowMs === 60_000 ? 'minute' : `${windowMs} ms`
    return rateLimited(
      'rate_limit_exceeded',
      `API key '${key.name}' is over its limit of ${per} ${limit} per ${window}; retry in ${seconds} s.`,
      seconds,
    )
  }

  /** The refusal for this request, if any; charges the request to the key's request budget. */
  const check = async (c: Context, key: ApiKey) => {
    if (key.tpm !== undefined && c.req.method === 'POST' && TOKEN_PATHS.has(c.req.path)) {
      const tpm = { limit: key.tpm, windowMs }
      const bucket = `${key.name}:tokens`
      const decision = await limiter.hit(bucket, tpm, 1, 'peek')
      if (!decision.allowed) return refusal(key, 'tokens', tpm.limit, decision.retryAfterMs)
      c.set('chargeTokens', (count) => {
        if (count > 0) limiter.hit(bucket, tpm, count, 'charge').catch((error) => failed(error, key))
      })
    }
    if (key.rpm !== undefined) {
      const decision = await limiter.hit(`${key.name}:requests`, { limit: key.rpm, windowMs }, 1, 'take')
      if (!decision.allowed) return refusal(key, 'requests', key.rpm, decision.retryAfterMs)
    }
    return undefined
  }

  return async (c, next) => {
    const key = c.get('apiKey')
    if (!key || (key.rpm === undefined && key.tpm === undefined)) return next()
    let refused: ModelportError | undefined
    try {
      refused = await check(c, key)
    } catch (error) {
      failed(error, key)
    }
    if (refused) throw refused
    return next()
  }
}
