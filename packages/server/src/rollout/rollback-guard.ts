/**
 * Watches one candidate version's runs over a sliding window and says when its error rate or 99th
 * percentile run time crosses the rollout's thresholds. Memory is bounded: the window keeps at most
 * `capacity` runs (the newest), however many requests arrive within it.
 */
import type { RollbackSettings } from './rollout-settings.js'

/** Why a guard tripped, for the log, the rollout's state and the rollback counter. */
export interface Verdict {
  reason: 'error_rate' | 'p99_latency'
  message: string
}

const CAPACITY = 4096
/** The percentile is sorted again only every this many runs: one sort of 4096 numbers costs ~0.3 ms. */
const P99_EVERY = 16

export class RollbackGuard {
  readonly #settings: RollbackSettings
  readonly #at: Float64Array
  readonly #ms: Float64Array
  readonly #failed: Uint8Array
  /** Index of the oldest run kept, and how many are kept. */
  #head = 0
  #size = 0
  #failures = 0
  #sinceSort = 0

  constructor(settings: RollbackSettings, capacity = CAPACITY) {
    this.#settings = settings
    this.#at = new Float64Array(capacity)
    this.#ms = new Float64Array(capacity)
    this.#failed = new Uint8Array(capacity)
  }

  /** Records one run that ended at `now`; returns a verdict when the candidate must be rolled back. */
  record(failed: boolean, ms: number, now: number): Verdict | undefined {
    this.#expire(now)
    const capacity = this.#at.length
    if (this.#size === capacity) this.#drop()
    const slot = (this.#head + this.#size) % capacity
    this.#at[slot] = now
    this.#ms[slot] = ms
    this.#failed[slot] = failed ? 1 : 0
    this.#size++
    if (failed) this.#failures++
    return this.#judge(failed)
  }

  /** Runs and failures in the window now, for the rollout's state. */
  window(now: number): { runs: number; failures: number } {
    this.#expire(now)
    return { runs: this.#size, failures: this.#failures }
  }

  #judge(failed: boolean): Verdict | undefined {
    const { maxErrorRate, maxP99Ms, minRequests, windowMs } = this.#settings
    if (this.#size < minRequests) return undefined
    if (maxErrorRate !== undefined && failed) {
      const rate = this.#failures / this.#size
      if (rate > maxErrorRate)
        return {
          reason: 'error_rate',
          message: `${this.#failures} of its last ${this.#size} runs within ${windowMs} ms failed (${(rate * 100).toFixed(1)}%, over ${(maxErrorRate * 100).toFixed(1)}%)`,
        }
    }
    if (maxP99Ms !== undefined && ++this.#sinceSort >= P99_EVERY) {
      this.#sinceSort = 0
      const p99 = this.#p99()
      if (p99 > maxP99Ms)
        return {
          reason: 'p99_latency',
          message: `the 99th percentile of its last ${this.#size} runs within ${windowMs} ms took ${p99.toFixed(1)} ms (over ${maxP99Ms} ms)`,
        }
    }
    return undefined
  }

  #p99(): number {
    const times = new Float64Array(this.#size)
    for (let i = 0; i < this.#size; i++) times[i] = this.#ms[(this.#head + i) % this.#at.length] as number
    times.sort()
    return times[Math.min(this.#size - 1, Math.ceil(this.#size * 0.99) - 1)] as number
  }

  #expire(now: number): void {
    const oldest = now - this.#settings.windowMs
    while (this.#size > 0 && (this.#at[this.#head] as number) < oldest) this.#drop()
  }

  #drop(): void {
    if (this.#failed[this.#head]) this.#failures--
    this.#head = (this.#head + 1) % this.#at.length
    this.#size--
  }
}
