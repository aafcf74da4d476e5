/**
 * Rate limits at the edge counted in one place for every isolate: a Cloudflare Durable Object per
 * bucket. Each isolate of a Worker keeps its own memory, so `MemoryRateLimiter` there lets every
 * isolate spend a key's whole limit; a Durable Object is one single-threaded instance worldwide for
 * its name, so the GCRA step (the same as in memory and in Redis) runs against one stored TAT. One
 * object per bucket spreads keys over many objects, and its clock is the only clock a bucket sees.
 *
 * Wiring: bind a Durable Object namespace as `MODELPORT_RATE_LIMITER` whose class is
 * `RateLimiterObject`, exported by the edge bundle (`[[durable_objects.bindings]]` in wrangler.toml).
 */
import { gcra, type RateDecision, type RateLimit, type RateLimiter, type RateMode } from './rate-limiter.js'

/** The parts of the Workers Durable Object API used here (no @cloudflare/workers-types needed). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> }
}

interface DurableObjectStateLike {
  storage: {
    get<T>(key: string): Promise<T | undefined>
    put(key: string, value: unknown): Promise<void>
    delete(key: string): Promise<boolean>
    setAlarm(scheduledTime: number): Promise<void>
  }
}

interface HitRequest {
  limit: RateLimit
  cost: number
  mode: RateMode
}

const TAT_KEY = 'tat'

function isHitRequest(value: unknown): value is HitRequest {
  const body = value as HitRequest | undefined
  return (
    typeof body?.limit?.limit === 'number' &&
    body.limit.limit > 0 &&
    typeof body.limit.windowMs === 'number' &&
    body.limit.windowMs > 0 &&
    typeof body.cost === 'number' &&
    body.cost >= 0 &&
    (body.mode === 'take' || body.mode === 'peek' || body.mode === 'charge')
  )
}

/**
 * The Durable Object: one bucket's TAT. A Durable Object delivers no other request while this one
 * waits on its own storage (its input gate), so read, decide and write are one atomic step.
 */
export class RateLimiterObject {
  readonly #storage: DurableObjectStateLike['storage']
  readonly #now: () => number

  constructor(state: DurableObjectStateLike, _env?: unknown, now: () => number = Date.now) {
    this.#storage = state.storage
    this.#now = now
  }

  async fetch(request: Request): Promise<Response> {
    const body: unknown = await request.json().catch(() => undefined)
    if (request.method !== 'POST' || !isHitRequest(body))
      return Response.json({ error: 'expected POST {limit: {limit, windowMs}, cost, mode}' }, { status: 400 })
    const now = this.#now()
    const { tat, ...decision } = gcra(
      (await this.#storage.get<number>(TAT_KEY)) ?? 0,
      now,
      body.limit,
      body.cost,
      body.mode,
    )
    if (tat !== undefined) {
      await this.#storage.put(TAT_KEY, tat)
      // A bucket whose TAT has passed holds nothing: drop it then, as Redis expires its key.
      await this.#storage.setAlarm(Math.ceil(tat))
    }
    return Response.json(decision)
  }

  async alarm(): Promise<void> {
    const tat = await this.#storage.get<number>(TAT_KEY)
    if (tat !== undefined && tat <= this.#now()) await this.#storage.delete(TAT_KEY)
  }
}

/** `RateLimiter` over a Durable Object namespace: one object per bucket, named by the bucket. */
export class DurableObjectRateLimiter implements RateLimiter {
  readonly #namespace: DurableObjectNamespaceLike

  constructor(namespace: DurableObjectNamespaceLike) {
    this.#namespace = namespace
  }

  async hit(bucket: string, limit: RateLimit, cost: number, mode: RateMode = 'take'): Promise<RateDecision> {
    const stub = this.#namespace.get(this.#namespace.idFromName(bucket) as never)
    // The host is a placeholder: a Durable Object stub routes by its id, not by URL.
    const response = await stub.fetch('https://rate-limiter.modelport/hit', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limit, cost, mode } satisfies HitRequest),
    })
    if (!response.ok) throw new Error(`the rate limiter object answered ${response.status}`)
    return (await response.json()) as RateDecision
  }

  async close(): Promise<void> {}
}

/** Whether a binding looks like a Durable Object namespace. */
export function isDurableObjectNamespace(binding: unknown): binding is DurableObjectNamespaceLike {
  const candidate = binding as DurableObjectNamespaceLike | undefined
  return typeof candidate?.idFromName === 'function' && typeof candidate.get === 'function'
}
