/**
 * Per-version inference statistics in the shape of the Open Inference Protocol's statistics extension
 * (Triton's `GET /v2/models/{m}/stats`): counts and cumulative nanoseconds since the server started.
 * As in Triton, a request served in a dynamic batch counts the whole batch's `compute_*` times, and
 * `batch_stats` counts each execution once, by its batch size. Recording allocates nothing beyond the
 * first execution of each batch size.
 */
import type { components } from '@modelport/sdk'
import type { Execution, ExecutionObserver } from '../runtime/types.js'

export type DurationStat = components['schemas']['DurationStatistic']

const NS_PER_MS = 1_000_000

const nanoseconds = (ms: number): number => Math.round(ms * NS_PER_MS)

const zero = (): DurationStat => ({ count: 0, ns: 0 })

function add(stat: DurationStat, ms: number): void {
  stat.count++
  stat.ns += nanoseconds(ms)
}

/** Executions of one batch size and their cumulative nanoseconds. */
export class BatchSizeStatistics {
  executions = 0
  inputNs = 0
  inferNs = 0
  outputNs = 0
}

export class VersionStatistics implements ExecutionObserver {
  /** When the last request finished, in milliseconds since the epoch (0: never). */
  lastInference = 0
  /** Rows inferred successfully: a request of batch size 8 counts 8. */
  inferenceCount = 0
  /** Successful requests, for runtimes that do not report their own executions. */
  requestCount = 0
  readonly success = zero()
  readonly fail = zero()
  readonly queue = zero()
  readonly computeInput = zero()
  readonly computeInfer = zero()
  readonly computeOutput = zero()
  /** By batch size, in the order first run. */
  readonly batches = new Map<number, BatchSizeStatistics>()

  /**
   * A request answered by the runtime: `queueMs` waiting for the version to load, `runMs` in the
   * runtime's `run()`. Unless the runtime reports its executions (`observed`), all of `runMs` counts
   * as executing; when it does, its `executed()` reports add the queue and compute times instead.
   */
  recordSuccess(rows: number, queueMs: number, runMs: number, at: number, observed: boolean): void {
    this.lastInference = at
    this.inferenceCount += rows
    this.requestCount++
    add(this.success, queueMs + runMs)
    add(this.queue, queueMs)
    this.computeInput.count++
    this.computeOutput.count++
    if (observed) this.computeInfer.count++
    else add(this.computeInfer, runMs)
  }

  recordFailure(totalMs: number, at: number): void {
    this.lastInference = at
    add(this.fail, totalMs)
  }

  /**
   * Time a request that succeeded spent outside the runtime converting tensors: decoding its body's
   * tensors (`inputMs`) and encoding the results into the response (`outputMs`).
   */
  recordConversion(inputMs: number, outputMs: number): void {
    const input = nanoseconds(inputMs)
    const output = nanoseconds(outputMs)
    this.computeInput.ns += input
    this.computeOutput.ns += output
    this.success.ns += input + output
  }

  /** One execution reported by the runtime; each of its requests counts the whole execution's times. */
  executed(execution: Readonly<Execution>): void {
    const { rows, requests } = execution
    const input = nanoseconds(execution.inputMs)
    const infer = nanoseconds(execution.inferMs)
    const output = nanoseconds(execution.outputMs)
    let batch = this.batches.get(rows)
    if (batch === undefined) {
      batch = new BatchSizeStatistics()
      this.batches.set(rows, batch)
    }
    batch.executions++
    batch.inputNs += input
    batch.inferNs += infer
    batch.outputNs += output
    this.queue.ns += nanoseconds(execution.queueMs)
    this.computeInput.ns += input * requests
    this.computeInfer.ns += infer * requests
    this.computeOutput.ns += output * requests
  }
}
