/**
 * When to retry and how long to wait: small functions the HTTP core composes, each testable alone.
 */
import { abortError, type ModelportError, UserAbortError } from './errors.js'

/** The longest wait a `Retry-After` or `retry-after-ms` can ask for; a longer one is not waited out. */
export const maxRetryAfter = 60_000

/** Whether a failed attempt may be tried again: connection errors, timeouts, 408, 409, 429 and 5xx. */
export function isRetryable(error: ModelportError): boolean {
  const verdict = error.headers?.get('x-should-retry')
  const { status = 500 } = error
  return (
    !(error instanceof UserAbortError) &&
    (verdict === 'true' || (verdict !== 'false' && (status >= 500 || [408, 409, 429].includes(status))))
  )
}

/** The wait the server asks for with `retry-after-ms` or `Retry-After` (seconds or an HTTP date), in ms. */
export function retryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') as string)
  if (ms >= 0) return ms
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (!Number.isNaN(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Exponential backoff: 0.5 s doubling up to 8 s, less up to a quarter at random so clients spread out. */
export function backoff(retries: number, random = Math.random()): number {
  return Math.min(500 * 2 ** retries, 8000) * (1 - 0.25 * random)
}

/**
 * How long to wait before retry number `retries + 1`, or `undefined` not to retry: the error is not
 * retryable, or the server asked for a wait over a minute (coming back earlier would only fail again).
 */
export function retryDelay(error: ModelportError, retries: number): number | undefined {
  if (!isRetryable(error)) return undefined
  const asked = retryAfter(error.headers)
  if (asked === undefined) return backoff(retries)
  return asked <= maxRetryAfter ? asked : undefined
}

/** Resolves after `ms`, or rejects with a `UserAbortError` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const wait = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return abortable(wait, signal).finally(() => clearTimeout(timer))
}

/** `promise`, or a `UserAbortError` as soon as `signal` fires: waits on shared work without cancelling it. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  return new Promise((resolve, reject) => {
    const abort = () => reject(abortError(signal?.reason))
    if (signal.aborted) return abort()
    signal.addEventListener('abort', abort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}
