/**
 * Per-version inference statistics in the shape of the Open Inference Protocol's statistics extension
 * (Triton's `GET /v2/models/{m}/stats`): counts and cumulative nanoseconds since the server started.
 * `queue` is time spent waiting for the version to load on demand; `compute_infer` is time in the
 * runtime, its batch queue included (the batcher does not report the two apart).
 */
import type { components } from '@modelport/sdk'

export type DurationStat = components['schemas']['DurationStatistic']

const NS_PER_MS = 1_000_000

const zero = (): DurationStat => ({ count: 0, ns: 0 })

function add(stat: DurationStat, ms: number): void {
  stat.count++
  stat.ns += Math.round(ms * NS_PER_MS)
}

export class VersionStatistics {
  /** When the last request finished, in milliseconds since the epoch (0: never). */
  lastInference = 0
  /** Rows inferred successfully: a request of batch size 8 counts 8. */
  inferenceCount = 0
  /** Successful requests, for runtimes that do not report their own executions. */
  requestCount = 0
  readonly success = zero()
  readonly fail = zero()
  readonly queue = zero()
  readonly computeInfer = zero()

  recordSuccess(rows: number, queueMs: number, computeMs: number, at: number): void {
    this.lastInference = at
    this.inferenceCount += rows
    this.requestCount++
    add(this.success, queueMs + computeMs)
    add(this.queue, queueMs)
    add(this.computeInfer, computeMs)
  }

  recordFailure(totalMs: number, at: number): void {
    this.lastInference = at
    add(this.fail, totalMs)
  }
}
