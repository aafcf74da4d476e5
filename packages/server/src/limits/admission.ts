/**
 * Admission for work that is expensive per request (OCR, VAD, local inference): at most `concurrency`
 * run at once and `queue` more wait, in arrival order; beyond that a request is refused at once, before
 * its body is read or decoded, with a 429 and `Retry-After` from how long recent work took. A waiting
 * request whose client leaves gives up its place.
 */
import type { AbortSignalLike } from '../core/cancellation.js'
import { rateLimited } from '../core/errors.js'

export interface AdmissionLimits {
  /** Requests that may run at once. */
  concurrency: number
  /** Requests that may wait for a turn; 0 refuses whatever cannot run now. */
  queue: number
}

interface Waiter {
  admit(): void
  signal?: AbortSignalLike
  onAbort?: () => void
}

export interface AdmissionStats {
  running: number
  waiting: number
  refused: number
  /** Waiting requests whose client left before their turn. */
  abandoned: number
}

export class Admission {
  readonly #waiting: Waiter[] = []
  #running = 0
  /** A moving average of how long admitted work held its place, for `Retry-After`. */
  #averageMs = 1000
  readonly stats: AdmissionStats = { running: 0, waiting: 0, refused: 0, abandoned: 0 }

  constructor(
    /** What is admitted, for messages: `OCR`, `VAD`, `inference`. */
    readonly name: string,
    /** The config settings that set the limits, for messages. */
    readonly settings: string,
    readonly limits: AdmissionLimits,
    readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Resolves with a `release` once the request may run; throws the 429 when the queue is full, or the
   * signal's reason when the client leaves while waiting.
   */
  async enter(signal?: AbortSignalLike): Promise<() => void> {
    const now = this.tryEnter()
    if (now) return now
    if (this.#waiting.length >= this.limits.queue) {
      this.stats.refused++
      const turns = Math.ceil((this.#waiting.length + 1) / this.limits.concurrency)
      throw rateLimited(
        'overloaded',
        `The server is busy with ${this.name}: ${this.#running} running and ${this.#waiting.length} waiting, its limits (${this.settings}); try again shortly.`,
        Math.max(1, Math.ceil((turns * this.#averageMs) / 1000)),
      )
    }
    if (signal?.aborted) throw signal.reason
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { admit: resolve, signal }
      if (signal) {
        waiter.onAbort = () => {
          const at = this.#waiting.indexOf(waiter)
          if (at === -1) return
          this.#waiting.splice(at, 1)
          this.stats.abandoned++
          this.#count()
          reject(signal.reason)
        }
        signal.addEventListener('abort', waiter.onAbort)
      }
      this.#waiting.push(waiter)
      this.#count()
    })
    // The slot was handed over by the release that admitted this request (see `#next`).
    return this.#releaser()
  }

  /** A `release` when the request may run at once (no one waiting, a place free); undefined otherwise. */
  tryEnter(): (() => void) | undefined {
    if (this.#running >= this.limits.concurrency || this.#waiting.length > 0) return undefined
    this.#running++
    this.#count()
    return this.#releaser()
  }

  #releaser(): () => void {
    const started = this.now()
    let released = false
    return () => {
      if (released) return
      released = true
      this.#running--
      this.#averageMs = 0.8 * this.#averageMs + 0.2 * (this.now() - started)
      this.#next()
    }
  }

  /** Hands freed slots to waiters in order, counted as running at once so no newcomer passes them. */
  #next(): void {
    while (this.#running < this.limits.concurrency && this.#waiting.length > 0) {
      const waiter = this.#waiting.shift() as Waiter
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort)
      this.#running++
      waiter.admit()
    }
    this.#count()
  }

  #count(): void {
    this.stats.running = this.#running
    this.stats.waiting = this.#waiting.length
  }
}
