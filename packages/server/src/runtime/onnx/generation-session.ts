/**
 * The main thread's side of a generation worker: starts it, admits generations up to its limits
 * (running at once in the worker, then waiting in a queue, then refused with 429 and `Retry-After`),
 * streams each one's tokens, and cancels between steps. A worker that crashes fails only the
 * generations it held; the next generation starts a new one.
 *
 * Just over 300 lines: admission, streaming and cancellation share the worker's message protocol and
 * the per-generation state it updates.
 */
import { type ResourceLimits, Worker } from 'node:worker_threads'
import { badRequest, rateLimited, unavailable } from '../../core/errors.js'
import { workerNice } from '../thread-priority.js'
import { runningFromSource, threadStart } from '../worker-pool.js'
import type {
  FinishReason,
  GenerateRequest,
  SampledToken,
  Vocabulary,
  WorkerEvent,
  WorkerOptions,
  WorkerRequest,
} from './generation-protocol.js'

export type {
  FinishReason,
  GrammarSpec,
  SampledToken,
  SamplingParameters,
  Vocabulary,
} from './generation-protocol.js'

export interface GenerationSessionOptions {
  file: string
  intraOpThreads?: number
  /** Prompt tokens per prefill run (default 128; a remainder under a quarter of it goes with the last run). */
  prefillChunk?: number
  kvHeads?: number
  headDim?: number
  /** Generations the worker runs at once (default 4). */
  maxActive?: number
  /**
   * Decoding generations stepped together in one batched run; 1 turns batching off. Default:
   * `maxActive`, except for a file that quantizes activations per tensor, where rows would affect each
   * other's numbers: 1 there unless this is given.
   */
  maxBatch?: number
  /** Generations waiting for a place; one more is refused with 429 (default 16). */
  maxQueue?: number
  /** `Retry-After` seconds of a refusal (default 1). */
  retryAfterSeconds?: number
  /** The model's tokens, for constrained decoding (`response_format`). */
  vocabulary?: Vocabulary
  /** The worker's JavaScript heap limits (its KV caches are native memory, outside them). */
  resourceLimits?: ResourceLimits
}

export type GenerationInput = Omit<GenerateRequest, 'type' | 'id'>

export interface GenerationOutcome {
  reason: FinishReason
  promptTokens: number
  completionTokens: number
}

/** One generation's tokens as they come; ends when the worker finishes it. */
export interface GenerationStream extends AsyncIterable<SampledToken> {
  /** Settles when the generation ends (rejects if it failed). */
  readonly outcome: Promise<GenerationOutcome>
  /** Stops it after the run in progress; its outcome's reason is then `cancelled`. */
  cancel(): void
}

interface Pending {
  id: number
  input: GenerationInput
  push(token: SampledToken): void
  end(outcome: GenerationOutcome): void
  fail(error: Error): void
  cancelled: boolean
}

/** The worker beside this file: `generation-worker.js` in a build; from the sources, through tsx. */
function spawnWorker(workerData: WorkerOptions, resourceLimits?: ResourceLimits): Worker {
  const start = threadStart(
    new URL(runningFromSource ? './generation-worker.ts' : './generation-worker.js', import.meta.url),
  )
  // The thread lowers its own priority (see thread-priority.ts); the value is checked here.
  const data = { ...workerData, ...start.data, nice: workerNice() }
  return new Worker(start.file, { workerData: data, resourceLimits })
}

export class GenerationSession {
  readonly #options: GenerationSessionOptions
  readonly #active = new Map<number, Pending>()
  readonly #queue: Pending[] = []
  #worker: Promise<Worker> | undefined
  #nextId = 1
  #closed = false
  /** Workers started so far (a replaced one counts too). */
  starts = 0
  #maxBatch = 1

  private constructor(options: GenerationSessionOptions) {
    this.#options = options
  }

  /** Starts the worker and loads the model; rejects with the reason if it cannot be loaded. */
  static async start(options: GenerationSessionOptions): Promise<GenerationSession> {
    const session = new GenerationSession(options)
    await session.#ensureWorker()
    return session
  }

  /** Decoding generations the worker steps together in one run (1: each on its own). */
  get maxBatch(): number {
    return this.#maxBatch
  }

  /** Generations running and waiting. */
  get load(): { active: number; queued: number } {
    return { active: this.#active.size, queued: this.#queue.length }
  }

  generate(input: GenerationInput): GenerationStream {
    if (this.#closed) throw unavailable('model_closing', 'The model is shutting down.')
    const maxActive = this.#options.maxActive ?? 4
    const maxQueue = this.#options.maxQueue ?? 16
    if (this.#active.size >= maxActive && this.#queue.length >= maxQueue) {
      const retryAfter = this.#options.retryAfterSeconds ?? 1
      throw rateLimited(
        'queue_full',
        `The model is busy: ${this.#active.size} generations running and ${this.#queue.length} waiting (the limits). Retry after ${retryAfter} s.`,
        retryAfter,
      )
    }
    const tokens: SampledToken[] = []
    let wake: (() => void) | undefined
    let finished = false
    let settle!: { resolve: (o: GenerationOutcome) => void; reject: (e: Error) => void }
    const outcome = new Promise<GenerationOutcome>((resolve, reject) => {
      settle = { resolve, reject }
    })
    // Read through `for await`; the promise is also handed out, so its rejection must not go unhandled.
    outcome.catch(() => {})
    const pending: Pending = {
      id: this.#nextId++,
      input,
      cancelled: false,
      push(token) {
        tokens.push(token)
        wake?.()
      },
      end(result) {
        finished = true
        settle.resolve(result)
        wake?.()
      },
      fail(error) {
        finished = true
        settle.reject(error)
        wake?.()
      },
    }
    if (this.#active.size < maxActive) void this.#begin(pending)
    else this.#queue.push(pending)
    const cancel = () => this.#cancel(pending)
    return {
      outcome,
      cancel,
      async *[Symbol.asyncIterator]() {
        try {
          while (true) {
            const token = tokens.shift()
            if (token) {
              yield token
              continue
            }
            if (finished) {
              await outcome
              return
            }
            await new Promise<void>((resolve) => {
              wake = resolve
            })
            wake = undefined
          }
        } finally {
          if (!finished) cancel()
        }
      },
    }
  }

  /** Ends the worker; generations in progress fail. */
  async close(): Promise<void> {
    this.#closed = true
    const worker = this.#worker
    this.#worker = undefined
    this.#failAll(unavailable('model_closing', 'The model was unloaded.'))
    const running = await worker?.catch(() => undefined)
    if (!running) return
    // The worker ends itself between two runs; terminating it inside one would abort the process.
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.postMessage({ type: 'close' } satisfies WorkerRequest)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise((resolve) => {
      timer = setTimeout(resolve, 30_000)
    })
    if ((await Promise.race([exited.then(() => 'exited'), late])) !== 'exited') await running.terminate()
    clearTimeout(timer)
  }

  async #begin(pending: Pending): Promise<void> {
    this.#active.set(pending.id, pending)
    let worker: Worker
    try {
      worker = await this.#ensureWorker()
    } catch (error) {
      this.#active.delete(pending.id)
      pending.fail(error as Error)
      this.#admit()
      return
    }
    if (pending.cancelled) {
      this.#active.delete(pending.id)
      pending.end({ reason: 'cancelled', promptTokens: pending.input.promptIds.length, completionTokens: 0 })
      this.#admit()
      return
    }
    const message: WorkerRequest = { type: 'generate', id: pending.id, ...pending.input }
    worker.postMessage(message)
  }

  #cancel(pending: Pending): void {
    if (pending.cancelled) return
    pending.cancelled = true
    const queued = this.#queue.indexOf(pending)
    if (queued >= 0) {
      this.#queue.splice(queued, 1)
      pending.end({ reason: 'cancelled', promptTokens: pending.input.promptIds.length, completionTokens: 0 })
      return
    }
    void this.#worker?.then((worker) => worker.postMessage({ type: 'cancel', id: pending.id }))
  }

  #admit(): void {
    const maxActive = this.#options.maxActive ?? 4
    while (this.#active.size < maxActive && this.#queue.length > 0)
      void this.#begin(this.#queue.shift() as Pending)
  }

  #ensureWorker(): Promise<Worker> {
    if (this.#worker) return this.#worker
    const options: WorkerOptions = {
      file: this.#options.file,
      intraOpThreads: this.#options.intraOpThreads ?? 1,
      prefillChunk: this.#options.prefillChunk ?? 128,
      maxBatch: this.#options.maxBatch ?? this.#options.maxActive ?? 4,
      batchAnyFile: this.#options.maxBatch !== undefined,
      ...(this.#options.kvHeads !== undefined && { kvHeads: this.#options.kvHeads }),
      ...(this.#options.headDim !== undefined && { headDim: this.#options.headDim }),
      ...(this.#options.vocabulary && { vocabulary: this.#options.vocabulary }),
    }
    this.starts++
    const worker = spawnWorker(options, this.#options.resourceLimits)
    // Until it is ready, nothing holds the process open on its account but the load itself.
    const starting = new Promise<Worker>((resolve, reject) => {
      const onEvent = (event: WorkerEvent) => {
        if (event.type === 'ready') {
          this.#maxBatch = event.maxBatch
          resolve(worker)
        } else if (event.type === 'load-failed') {
          reject(unavailable('model_load_failed', `The model could not be loaded: ${event.message}`))
          void worker.terminate()
        } else this.#onEvent(event)
      }
      worker.on('message', onEvent)
      worker.once('error', (error) => {
        reject(error)
        this.#crashed(worker, error)
      })
      worker.once('exit', (code) => {
        const error = new Error(`the generation worker exited with code ${code}`)
        reject(error)
        this.#crashed(worker, error)
      })
    })
    this.#worker = starting
    starting.catch(() => {
      if (this.#worker === starting) this.#worker = undefined
    })
    return starting
  }

  #crashed(worker: Worker, error: Error): void {
    void this.#worker?.then(
      (current) => {
        if (current === worker) this.#worker = undefined
      },
      () => {},
    )
    if (this.#closed) return
    this.#failAll(unavailable('generation_failed', `The model's worker stopped (${error.message}).`))
  }

  #failAll(error: Error): void {
    for (const pending of this.#active.values()) pending.fail(error)
    this.#active.clear()
    for (const pending of this.#queue.splice(0)) pending.fail(error)
  }

  #onEvent(event: WorkerEvent): void {
    if (event.type === 'started' || event.type === 'ready' || event.type === 'load-failed') return
    const pending = this.#active.get(event.id)
    if (!pending) return
    if (event.type === 'token') {
      pending.push(event.token)
      return
    }
    this.#active.delete(event.id)
    if (event.type === 'done') {
      const { reason, promptTokens, completionTokens } = event
      pending.end({ reason, promptTokens, completionTokens })
    } else if (event.code === 'invalid_grammar') {
      const message = `The response_format schema cannot be used: ${event.message}`
      pending.fail(badRequest('invalid_response_format', message, 'response_format'))
    } else pending.fail(unavailable('generation_failed', `Generation failed: ${event.message}`))
    this.#admit()
  }
}
