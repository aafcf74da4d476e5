/**
 * A dynamic batcher in front of any `LoadedModel`: requests queue per model, and those whose inputs
 * agree on every dimension but the first run together, stacked along it; each gets its own rows back.
 * As many runs at a time as the model can execute at once (one per worker thread, one for an inline
 * session); requests that arrive while every one is busy make the next batch (natural batching).
 *
 * Longer than most files here: the queue, the forming of batches and the per-run accounting share the
 * queue's state and one ordering rule; apart, each would have to reach into the others.
 */
import { rateLimited, unavailable } from '../core/errors.js'
import type { BatchingSettings, Placement } from './settings.js'
import { padDim1, sliceRows, stack, trimDim1 } from './stack.js'
import type { Execution, ExecutionObserver, HostTensor, LoadedModel, RunOptions, RunTimes } from './types.js'

type Tensors = Record<string, HostTensor>

/** Times a runtime leaves as given did not measure: its whole run counts as executing. */
const unmeasured = (): RunTimes => ({ inputMs: 0, inferMs: -1, outputMs: 0 })

interface Pending {
  inputs: Tensors
  outputs: string[]
  /** Whether the caller gave up its input buffers (`RunOptions.transfer`). */
  transfer: boolean
  /** The request's response budget, checked in the worker when the request runs alone. */
  outputLimit: RunOptions['outputLimit']
  /** Entries of the first dimension. */
  rows: number
  /** Requests with the same key can share a run; `undefined` runs alone. */
  key: string | undefined
  /** Dimension 1 of the padded inputs (-1 when none is padded). */
  length: number
  arrived: number
  resolve(outputs: Tensors): void
  reject(error: unknown): void
}

export interface BatcherOptions {
  /** Milliseconds, high resolution (default `performance.now`). */
  now?: () => number
  /** Runs a callback after pending I/O (default `setImmediate`). */
  defer?: (callback: () => void) => void
  /** Told of every successful run of the wrapped model: its rows and duration (for metrics). */
  onRun?: (run: { rows: number; ms: number }) => void
}

export interface BatcherStats {
  /** Successful runs of the wrapped model (the statistics' `execution_count`, as in Triton). */
  runs: number
  /** Requests answered from them (failed ones included). */
  requests: number
  /** Requests refused because the queue was full. */
  refused: number
  /** Requests dropped from the queue because their client left. */
  abandoned: number
}

/** How many recent queue-and-run times the batcher keeps, for percentiles. */
const SAMPLES = 8192

const defaultDefer = (callback: () => void) =>
  typeof setImmediate === 'function' ? setImmediate(callback) : setTimeout(callback, 0)

export class Batcher implements LoadedModel {
  readonly platform: string
  readonly inputs: LoadedModel['inputs']
  readonly outputs: LoadedModel['outputs']
  readonly parallelism: number
  readonly placement: Placement | undefined
  readonly stats: BatcherStats = { runs: 0, requests: 0, refused: 0, abandoned: 0 }
  readonly #model: LoadedModel
  readonly #settings: BatchingSettings
  readonly #now: () => number
  readonly #defer: (callback: () => void) => void
  readonly #onRun: BatcherOptions['onRun']
  #observer: ExecutionObserver | undefined
  /** Rewritten for every execution reported, so reporting allocates nothing. */
  readonly #execution: Execution = { rows: 0, requests: 0, queueMs: 0, inputMs: 0, inferMs: 0, outputMs: 0 }
  #queue: Pending[] = []
  /** Runs executing now, at most `parallelism`. */
  #running = 0
  /** A dispatch is already scheduled (deferred or timed). */
  #waiting = false
  #timer: ReturnType<typeof setTimeout> | undefined
  /** Cleared when a run's outputs do not follow its stacked rows; then every request runs alone. */
  #splittable = true
  #closed = false
  /** Moving average of one run, for `Retry-After`. */
  #runMs = 1
  /** Recent times from joining the queue to the result, in milliseconds (a ring). */
  readonly #samples = new Float64Array(SAMPLES)
  #sampled = 0
  /** Recent run durations in milliseconds (a ring), each with its rows. */
  readonly #runTimes = new Float64Array(SAMPLES)
  readonly #runRows = new Uint32Array(SAMPLES)
  #runsSampled = 0

  constructor(model: LoadedModel, settings: BatchingSettings, options: BatcherOptions = {}) {
    this.#model = model
    this.#settings = settings
    this.platform = model.platform
    this.inputs = model.inputs
    this.outputs = model.outputs
    this.parallelism = model.parallelism ?? 1
    this.placement = model.placement
    this.#now = options.now ?? (() => performance.now())
    this.#defer = options.defer ?? defaultDefer
    this.#onRun = options.onRun
  }

  get settings(): Readonly<BatchingSettings> {
    return this.#settings
  }

  /** Requests waiting for a run. */
  get queued(): number {
    return this.#queue.length
  }

  /** Successful executions of the wrapped model (the statistics' `execution_count`). */
  get executions(): number {
    return this.stats.runs
  }

  /** A moving average of one run of the wrapped model, in milliseconds. */
  get averageRunMs(): number {
    return this.#runMs
  }

  /** The most recent times (ms) from a request joining the queue to its result, oldest first. */
  recentLatencies(): number[] {
    const count = Math.min(this.#sampled, SAMPLES)
    const start = this.#sampled - count
    return Array.from({ length: count }, (_, i) => this.#samples[(start + i) % SAMPLES] as number)
  }

  /** The most recent runs of the wrapped model, oldest first: rows and milliseconds. */
  recentRuns(): { rows: number; ms: number }[] {
    const count = Math.min(this.#runsSampled, SAMPLES)
    const start = this.#runsSampled - count
    return Array.from({ length: count }, (_, i) => ({
      rows: this.#runRows[(start + i) % SAMPLES] as number,
      ms: this.#runTimes[(start + i) % SAMPLES] as number,
    }))
  }

  /** Forgets the recorded times and counts (between benchmark runs). */
  resetStats(): void {
    this.#sampled = 0
    this.#runsSampled = 0
    this.stats.runs = 0
    this.stats.requests = 0
    this.stats.refused = 0
    this.stats.abandoned = 0
  }

  /** Reports each successful execution to `observer` (the version's statistics). */
  observe(observer: ExecutionObserver): void {
    this.#observer = observer
  }

  #record(p: Pending, at = this.#now()): void {
    this.#samples[this.#sampled++ % SAMPLES] = at - p.arrived
  }

  /**
   * Tells the observer of a successful run: the model's own split of its time (`times`), else all of it
   * as executing, plus the batcher's stacking (preparing inputs) and splitting (extracting outputs).
   */
  #report(
    rows: number,
    requests: number,
    queueMs: number,
    stackMs: number,
    runMs: number,
    splitMs: number,
    times: RunTimes,
  ) {
    const observer = this.#observer
    if (!observer) return
    const execution = this.#execution
    const measured = times.inferMs >= 0
    execution.rows = rows
    execution.requests = requests
    execution.queueMs = queueMs
    execution.inputMs = stackMs + (measured ? times.inputMs : 0)
    execution.inferMs = measured ? times.inferMs : runMs
    execution.outputMs = splitMs + (measured ? times.outputMs : 0)
    observer.executed(execution)
  }

  #ran(rows: number, ms: number): void {
    this.#runRows[this.#runsSampled % SAMPLES] = rows
    this.#runTimes[this.#runsSampled++ % SAMPLES] = ms
    this.#onRun?.({ rows, ms })
  }

  run(inputs: Tensors, outputs: string[], options?: RunOptions): Promise<Tensors> {
    if (this.#closed) return Promise.reject(unavailable('model_unloaded', 'The model is being unloaded.'))
    if (this.#queue.length >= this.#settings.maxQueueSize) {
      this.stats.refused++
      const waitMs = (this.#queue.length / this.#settings.maxBatchSize + 1) * this.#runMs
      return Promise.reject(
        rateLimited(
          'queue_full',
          `The model has ${this.#queue.length} requests waiting, its limit; try again shortly.`,
          Math.max(1, Math.ceil(waitMs / 1000)),
        ),
      )
    }
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<Tensors>((resolve, reject) => {
      const { key, rows, length } = this.#keyOf(inputs)
      const transfer = options?.transfer === true
      const pending: Pending = {
        inputs,
        outputs,
        transfer,
        outputLimit: options?.outputLimit,
        key,
        rows,
        length,
        arrived: this.#now(),
        resolve,
        reject,
      }
      if (signal) {
        // A client that left gives up its place: its rows never run.
        const leave = () => {
          const index = this.#queue.indexOf(pending)
          if (index === -1) return
          this.#queue.splice(index, 1)
          this.stats.abandoned++
          reject(signal.reason)
        }
        signal.addEventListener('abort', leave, { once: true })
        pending.resolve = (out) => {
          signal.removeEventListener('abort', leave)
          resolve(out)
        }
        pending.reject = (error) => {
          signal.removeEventListener('abort', leave)
          reject(error)
        }
      }
      this.#queue.push(pending)
      if (this.#timer !== undefined && this.#readyRows() >= this.#settings.maxBatchSize) {
        clearTimeout(this.#timer)
        this.#timer = undefined
        this.#waiting = false
      }
      this.#schedule()
    })
  }

  async dispose(): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    const left = this.#queue
    this.#queue = []
    for (const p of left) p.reject(unavailable('model_unloaded', 'The model was unloaded before it ran.'))
    await this.#model.dispose()
  }

  /** Groups requests by everything but the first dimension (and dimension 1 of padded inputs). */
  #keyOf(inputs: Tensors): Pick<Pending, 'key' | 'rows' | 'length'> {
    const solo = { key: undefined, rows: 1, length: -1 }
    if (this.#settings.maxBatchSize === 1 || !this.#splittable) return solo
    let rows = -1
    let length = -1
    let key = ''
    for (const name of Object.keys(inputs).sort()) {
      const { shape, datatype } = inputs[name] as HostTensor
      if (shape.length === 0 || (rows !== -1 && shape[0] !== rows)) return solo
      rows = shape[0] as number
      let rest = shape.slice(1)
      if (name in this.#settings.pad && shape.length >= 2) {
        if (length !== -1 && shape[1] !== length) return solo
        length = shape[1] as number
        rest = ['*' as unknown as number, ...shape.slice(2)]
      }
      key += `${name}:${datatype}:${rest.join('x')};`
    }
    return rows > 0 ? { key, rows, length } : solo
  }

  /** Rows waiting that could join the head's batch. */
  #readyRows(): number {
    const head = this.#queue[0]
    if (!head || head.key === undefined) return Number.POSITIVE_INFINITY
    let rows = 0
    for (const p of this.#queue) if (p.key === head.key) rows += p.rows
    return rows
  }

  #schedule(): void {
    if (this.#running >= this.parallelism || this.#waiting || this.#queue.length === 0) return
    const head = this.#queue[0] as Pending
    if (head.key === undefined) {
      this.#dispatch()
      return
    }
    this.#waiting = true
    const remaining = head.arrived + this.#settings.maxQueueDelayMs - this.#now()
    const full = remaining <= 0 || this.#readyRows() >= this.#settings.maxBatchSize
    const wake = () => {
      this.#timer = undefined
      this.#waiting = false
      if (full || this.#now() >= head.arrived + this.#settings.maxQueueDelayMs) this.#dispatch()
      else this.#schedule()
    }
    // Timers have millisecond resolution; the last millisecond is waited out across loop turns.
    if (full || remaining < 1) this.#defer(wake)
    else this.#timer = setTimeout(wake, Math.floor(remaining))
  }

  #dispatch(): void {
    if (this.#running >= this.parallelism || this.#queue.length === 0) return
    const head = this.#queue.shift() as Pending
    const batch = [head]
    // With several workers idle, what waits is shared among them rather than stacked into one run
    // that leaves the others idle: rows per run are the waiting rows over the idle workers.
    const idle = this.parallelism - this.#running
    let limit = this.#settings.maxBatchSize
    if (idle > 1 && head.key !== undefined) {
      let waiting = head.rows
      for (const p of this.#queue) if (p.key === head.key) waiting += p.rows
      limit = Math.min(limit, Math.ceil(waiting / idle))
    }
    if (head.key !== undefined && head.rows < limit) {
      let rows = head.rows
      const rest: Pending[] = []
      for (const p of this.#queue) {
        if (p.key === head.key && rows + p.rows <= limit) {
          batch.push(p)
          rows += p.rows
        } else rest.push(p)
      }
      this.#queue = rest
    }
    this.#running++
    const started = this.#now()
    this.#execute(batch).finally(() => {
      this.#runMs = this.#runMs * 0.8 + (this.#now() - started) * 0.2
      this.#running--
      this.#schedule()
    })
    // Another worker may be idle: what is still queued starts there now.
    this.#schedule()
  }

  async #runAlone(p: Pending): Promise<void> {
    this.stats.requests++
    const started = this.#now()
    const times = unmeasured()
    try {
      const outputs = await this.#model.run(p.inputs, p.outputs, {
        times,
        transfer: p.transfer,
        ...(p.outputLimit && { outputLimit: p.outputLimit }),
      })
      const finished = this.#now()
      this.stats.runs++
      this.#ran(p.rows, finished - started)
      this.#report(p.rows, 1, started - p.arrived, 0, finished - started, 0, times)
      this.#record(p, finished)
      p.resolve(outputs)
    } catch (error) {
      p.reject(error)
    }
  }

  async #execute(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.#runAlone(batch[0] as Pending)
    const first = batch[0] as Pending
    const stacking = this.#now()
    const wanted = [...new Set(batch.flatMap((p) => p.outputs))]
    const length = Math.max(...batch.map((p) => p.length))
    const feeds: Tensors = {}
    for (const name of Object.keys(first.inputs)) {
      const pad = this.#settings.pad[name]
      feeds[name] = stack(
        batch.map((p) => {
          const tensor = p.inputs[name] as HostTensor
          return pad !== undefined && tensor.shape.length >= 2 ? padDim1(tensor, length, pad) : tensor
        }),
      )
    }
    const total = batch.reduce((n, p) => n + p.rows, 0)
    let results: Tensors
    const times = unmeasured()
    const started = this.#now()
    let finished: number
    try {
      // The stacked inputs are the batcher's own copies: they can move to a worker.
      results = await this.#model.run(feeds, wanted, { times, transfer: true })
      finished = this.#now()
      this.#ran(total, finished - started)
    } catch {
      // One bad request must not fail the others: run each alone, so only its own run fails.
      for (const p of batch) await this.#runAlone(p)
      return
    }
    if (wanted.some((name) => results[name]?.shape[0] !== total)) {
      this.#splittable = false
      for (const p of batch) await this.#runAlone(p)
      return
    }
    // Only now does the run count: its results are used.
    this.stats.runs++
    let offset = 0
    let queueMs = 0
    for (const p of batch) {
      queueMs += stacking - p.arrived
      const out: Tensors = {}
      for (const name of p.outputs) {
        let tensor = sliceRows(results[name] as HostTensor, offset, offset + p.rows)
        if (p.length !== length && tensor.shape.length >= 2 && tensor.shape[1] === length) {
          tensor = trimDim1(tensor, p.length)
        }
        out[name] = tensor
      }
      offset += p.rows
      this.stats.requests++
      this.#record(p)
      p.resolve(out)
    }
    const split = this.#now() - finished
    this.#report(total, batch.length, queueMs, started - stacking, finished - started, split, times)
  }
}

/** Wraps a model in a batcher with the given settings. */
export function withBatching(
  model: LoadedModel,
  settings: BatchingSettings,
  options?: BatcherOptions,
): Batcher {
  return new Batcher(model, settings, options)
}
