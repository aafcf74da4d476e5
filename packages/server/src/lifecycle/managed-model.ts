/**
 * One model version's life: loaded at start-up, released after an idle keep-alive and loaded again by
 * the next request, reloaded from its file, or unloaded on request. Every `run()` holds the session it
 * started on, and a session is disposed only after its last run has finished, so replacing or releasing
 * one never fails a request in flight. Runtime-agnostic: loading is a callback and time a `Clock`.
 *
 * Longer than most files here: loading, idle release, reload, unload and draining are one state
 * machine over one session and its runs in flight, and its invariants are easiest to check in one place.
 */

import type { Clock } from '../core/clock.js'
import { unavailable } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import type { HostTensor, LoadedModel, RunOptions, TensorMetadata } from '../runtime/types.js'
import { VersionStatistics } from './statistics.js'

/** `unloaded`: not in memory; the next request loads it, unless it was unloaded on purpose. */
export type VersionState = 'loading' | 'ready' | 'unloaded' | 'unavailable'

type Tensors = Record<string, HostTensor>

interface Session {
  readonly model: LoadedModel
  inFlight: number
  /** Whether the runtime reports its executions to the statistics (its queue and compute times). */
  readonly observed: boolean
  /** Set while the session drains: called when its last run finishes. */
  drained?: () => void
}

export interface ManagedModelOptions {
  name: string
  version: string
  load: () => Promise<LoadedModel>
  /** Release the session after this long without a request (default: never). */
  keepAliveMs?: number
  clock: Clock
  log: Logger
}

export class ManagedModel implements LoadedModel {
  readonly statistics = new VersionStatistics()
  /** Why the last load failed; for logs, never sent to clients. */
  error: string | undefined
  readonly #options: ManagedModelOptions
  #state: VersionState = 'loading'
  #reason = ''
  /** Whether a request may load the version when it is not in memory (not after an explicit unload). */
  #onDemand = false
  #session: Session | undefined
  /** Sessions replaced or released, until their last run has finished and they are disposed. */
  readonly #draining = new Map<Session, Promise<void>>()
  #signature: Pick<LoadedModel, 'platform' | 'inputs' | 'outputs'> = { platform: '', inputs: [], outputs: [] }
  #loading: Promise<boolean> | undefined
  /** Bumped by every load and unload, so a load that was overtaken drops its session. */
  #generation = 0
  #lastUsed = 0
  #timer: unknown
  /** A pending `retire()`: its timer, and how to settle the promise it returned. */
  #retirement: { timer: unknown; settle: () => void } | undefined
  #started = false
  #closed = false
  /** Executions of sessions already released. */
  #pastExecutions = 0

  constructor(options: ManagedModelOptions) {
    this.#options = options
  }

  get state(): VersionState {
    return this.#state
  }

  /** Whether a load has been asked for yet. */
  get started(): boolean {
    return this.#started
  }

  /** Why the version is in its state, when that needs saying (the repository index shows it). */
  get reason(): string {
    return this.#reason
  }

  /** Whether requests are taken: it is loaded, or it loads for the first request that comes. */
  get accepting(): boolean {
    return this.#session !== undefined || (this.#onDemand && this.#state !== 'unavailable')
  }

  /** The runtime's model while one is in memory. */
  get loaded(): LoadedModel | undefined {
    return this.#session?.model
  }

  /** Whether a session has ever been loaded, so the signature below is known. */
  get described(): boolean {
    return this.#signature.platform !== ''
  }

  get platform(): string {
    return this.#signature.platform
  }

  get inputs(): TensorMetadata[] {
    return this.#signature.inputs
  }

  get outputs(): TensorMetadata[] {
    return this.#signature.outputs
  }

  /** Requests waiting in the runtime's own queue (its dynamic batcher), for the queue gauge. */
  get queued(): number {
    return this.#session?.model.queued ?? 0
  }

  /** Model executions: the runtime's own count when it batches, else one per successful request. */
  get executionCount(): number {
    const sessions = [...this.#draining.keys(), ...(this.#session ? [this.#session] : [])]
    let total = this.#pastExecutions
    for (const session of sessions) {
      const runs = session.model.executions
      if (runs === undefined) return this.statistics.requestCount
      total += runs
    }
    return total
  }

  /**
   * Loads a fresh session and serves it. A session already serving goes on serving until the new one
   * is ready, then drains. Resolves whether it loaded; a failure is logged and kept in `error`.
   */
  load(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false)
    this.#started = true
    this.cancelRetirement()
    const generation = ++this.#generation
    if (!this.#session) this.#state = 'loading'
    const loading = this.#load(generation)
    this.#loading = loading
    return loading
  }

  run(inputs: Tensors, outputs: string[], options?: RunOptions): Promise<Tensors> {
    const session = this.#session
    return session
      ? this.#runOn(session, inputs, outputs, 0, options)
      : this.#runWhenLoaded(inputs, outputs, options)
  }

  /**
   * Stops serving the session; with `onDemand`, the next request loads the version again, else
   * requests are refused until `load()`. Resolves once the session's requests are done and it is gone.
   */
  async unload(onDemand: boolean, reason: string): Promise<void> {
    this.cancelRetirement()
    this.#generation++
    this.#loading = undefined
    this.#stopTimer()
    this.#onDemand = onDemand && !this.#closed
    this.#state = 'unloaded'
    this.#reason = reason
    const session = this.#session
    this.#session = undefined
    if (session) {
      await this.#release(session)
      this.#options.log.info('model unloaded', {
        model: this.#options.name,
        version: this.#options.version,
        reason,
      })
    }
  }

  /**
   * Unloads after `delayMs`, for a version that is no longer served: a request that was handed it
   * just before the switch, and is still reading its body, finds it loaded.
   */
  retire(delayMs: number, onDemand: boolean, reason: string): Promise<void> {
    this.cancelRetirement()
    return new Promise((done) => {
      const timer = this.#options.clock.setTimeout(() => {
        this.#retirement = undefined
        void this.unload(onDemand, reason).then(done)
      }, delayMs)
      this.#retirement = { timer, settle: done }
    })
  }

  /** Keeps the version as it is after all (it is served again); the pending `retire()` resolves. */
  cancelRetirement(): void {
    const retirement = this.#retirement
    if (!retirement) return
    this.#retirement = undefined
    this.#options.clock.clearTimeout(retirement.timer)
    retirement.settle()
  }

  /** Unloads for good: requests are refused from now on. */
  async dispose(): Promise<void> {
    this.#closed = true
    await this.unload(false, 'the server is shutting down')
    await Promise.all(this.#draining.values())
  }

  async #load(generation: number): Promise<boolean> {
    const { name, version, clock, log } = this.#options
    const started = clock.now()
    let model: LoadedModel
    try {
      model = await this.#options.load()
    } catch (error) {
      if (generation === this.#generation) {
        this.#loading = undefined
        this.error = (error as Error).message
        // A failed reload leaves the session that serves in place.
        if (!this.#session) {
          this.#state = 'unavailable'
          this.#reason = 'failed to load; the server log says why'
        }
        log.warn('model failed to load', { model: name, version, error: this.error })
      }
      return false
    }
    if (generation !== this.#generation || this.#closed) {
      await model.dispose()
      return false
    }
    this.#loading = undefined
    const previous = this.#session
    model.observe?.(this.statistics)
    this.#session = { model, inFlight: 0, observed: model.observe !== undefined }
    this.#signature = { platform: model.platform, inputs: model.inputs, outputs: model.outputs }
    this.#state = 'ready'
    this.#reason = ''
    this.#onDemand = true
    this.error = undefined
    this.#lastUsed = clock.now()
    this.#armTimer()
    log.info('model loaded', { model: name, version, ms: clock.now() - started })
    if (previous) void this.#release(previous)
    return true
  }

  async #runWhenLoaded(inputs: Tensors, outputs: string[], options?: RunOptions): Promise<Tensors> {
    const waitStarted = performance.now()
    if (!this.accepting) throw this.refusal()
    if (!this.#loading) void this.load()
    // A newer load can overtake the one awaited (a reload during an on-demand load): wait for the last.
    while (!this.#session && this.#loading) await this.#loading
    const session = this.#session
    if (!session) throw this.refusal()
    return this.#runOn(session, inputs, outputs, performance.now() - waitStarted, options)
  }

  async #runOn(
    session: Session,
    inputs: Tensors,
    outputs: string[],
    queueMs: number,
    options: RunOptions | undefined,
  ): Promise<Tensors> {
    session.inFlight++
    const started = performance.now()
    try {
      const results = await session.model.run(inputs, outputs, options)
      this.statistics.recordSuccess(
        this.#rows(inputs),
        queueMs,
        performance.now() - started,
        this.#options.clock.now(),
        session.observed,
      )
      return results
    } catch (error) {
      this.statistics.recordFailure(queueMs + performance.now() - started, this.#options.clock.now())
      throw error
    } finally {
      this.#lastUsed = this.#options.clock.now()
      session.inFlight--
      if (session.inFlight === 0) session.drained?.()
    }
  }

  /**
   * Adds a served request's time converting tensors outside the runtime to the statistics: decoding the
   * body's tensors (`compute_input`) and encoding the results into the response (`compute_output`).
   */
  recordConversion(inputMs: number, outputMs: number): void {
    this.statistics.recordConversion(inputMs, outputMs)
  }

  /** Rows in a request: its first dimension when the model batches along it, else 1. */
  #rows(inputs: Tensors): number {
    const first = this.#signature.inputs[0]
    if (!first || first.shape[0] !== -1) return 1
    return inputs[first.name]?.shape[0] ?? 1
  }

  /** The 503 for a request that this version cannot take; with `Retry-After` while it loads, as that passes by itself. */
  refusal() {
    const { name, version } = this.#options
    const why =
      this.#state === 'unloaded'
        ? `is unloaded; load it with POST /v2/repository/models/${name}/load`
        : this.#state === 'loading'
          ? 'is still loading'
          : 'failed to load'
    const retryAfter = this.#state === 'loading' ? 1 : undefined
    return unavailable('model_not_ready', `Model '${name}' version ${version} ${why}.`, retryAfter)
  }

  #release(session: Session): Promise<void> {
    const released = this.#drain(session).finally(() => {
      this.#draining.delete(session)
      this.#pastExecutions += session.model.executions ?? 0
    })
    this.#draining.set(session, released)
    return released
  }

  async #drain(session: Session): Promise<void> {
    if (session.inFlight > 0) await new Promise<void>((done) => (session.drained = done))
    await session.model.dispose()
  }

  #armTimer(): void {
    const { keepAliveMs, clock } = this.#options
    if (keepAliveMs === undefined || this.#timer !== undefined || !this.#session) return
    const busy = this.#session.inFlight > 0
    const wait = busy ? keepAliveMs : Math.max(0, this.#lastUsed + keepAliveMs - clock.now())
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined
      const session = this.#session
      if (!session) return
      if (session.inFlight === 0 && clock.now() - this.#lastUsed >= keepAliveMs) {
        void this.unload(true, `released after ${keepAliveMs} ms idle; the next request loads it`)
      } else this.#armTimer()
    }, wait)
    // An idle timer must never keep a process alive on its own.
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return
    this.#options.clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
