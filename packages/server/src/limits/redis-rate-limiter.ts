/**
 * Rate-limit buckets in Redis, so every replica that points at the same Redis shares one limit. Each
 * call is one Lua script, atomic on the server: read the TAT, decide, write it back. The time is Redis's
 * own (`TIME`), so replicas with skewed clocks still agree, and each bucket expires once it is idle.
 * Node only (ioredis); the Node entry wires it when `MODELPORT_REDIS_URL` is set.
 */
import { Redis } from 'ioredis'
import {
  type RateDecision,
  type RateLimit,
  type RateLimiter,
  type RateMode,
  remainingUnits,
} from './rate-limiter.js'

// KEYS[1]: the bucket. ARGV: interval ms, window ms, cost, mode. Returns {allowed, retryAfterMs, aheadMs}
// with the numbers as strings (Lua numbers would be truncated to integers on the way out).
const GCRA_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local mode = ARGV[4]
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + cost * interval
if mode ~= 'charge' and nextTat - now > window + 0.000001 then
  return {0, string.format('%.3f', nextTat - now - window), string.format('%.3f', tat - now)}
end
if mode ~= 'peek' and cost > 0 then
  redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.max(1, math.ceil(nextTat - now)))
  tat = nextTat
end
return {1, '0', string.format('%.3f', tat - now)}
`

type GcraCommand = (
  key: string,
  interval: number,
  windowMs: number,
  cost: number,
  mode: RateMode,
) => Promise<[number, string, string]>

export interface RedisRateLimiterOptions {
  /** Prefix of every bucket's key (default `modelport:ratelimit:`). */
  prefix?: string
  /** A command that takes longer fails (default 1000 ms); the caller decides what a failure means. */
  commandTimeoutMs?: number
}

/** The URL without its password, for messages. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(an unparsable URL)'
  }
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #gcra: GcraCommand

  private constructor(redis: Redis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
    redis.defineCommand('modelportGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT })
    const command = (redis as unknown as { modelportGcra: GcraCommand }).modelportGcra
    this.#gcra = command.bind(redis)
  }

  /** Connects and checks the server answers; a Redis that cannot be reached fails here, at start-up. */
  static async connect(url: string, options: RedisRateLimiterOptions = {}): Promise<RedisRateLimiter> {
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    })
    // ioredis reports connection errors as events as well; the calls below report them to the caller.
    redis.on('error', () => {})
    try {
      await redis.connect()
      await redis.ping()
    } catch (error) {
      redis.disconnect()
      throw new Error(`Cannot reach Redis at ${safeRedisUrl(url)}: ${(error as Error).message}`)
    }
    return new RedisRateLimiter(redis, options.prefix ?? 'modelport:ratelimit:')
  }

  async hit(bucket: string, limit: RateLimit, cost: number, mode: RateMode = 'take'): Promise<RateDecision> {
    const interval = limit.windowMs / limit.limit
    const [allowed, retryAfter, ahead] = await this.#gcra(
      this.#prefix + bucket,
      interval,
      limit.windowMs,
      cost,
      mode,
    )
    return {
      allowed: allowed === 1,
      remaining: remainingUnits(Number(ahead), interval, limit.windowMs),
      retryAfterMs: Number(retryAfter),
    }
  }

  async close(): Promise<void> {
    try {
      await this.#redis.quit()
    } catch {
      this.#redis.disconnect()
    }
  }
}
