/**
 * A model whose sessions run in worker threads, off the event loop: onnxruntime-node executes
 * `session.run` synchronously on the calling thread, so a run on the event loop stalls every other
 * request of the process. Each worker holds a session of its own and runs one task at a time; with N
 * workers, N runs execute at once. piscina keeps the pool: it queues, moves buffers, and replaces a
 * worker that dies (the replacement loads its session again) while the others go on serving.
 *
 * A worker cannot be stopped while ONNX Runtime executes in it: onnxruntime-node 1.30 aborts the whole
 * process when a thread is terminated mid-run or while it creates its session. So runs are never cut; a
 * model is disposed only once its runs have finished (the model's life cycle drains it first) and every
 * thread, a replacement too, has finished loading.
 */
import { errorFromFields, unavailable } from '../../core/errors.js'
import type { HostTensor, LoadedModel, RunOptions } from '../types.js'
import { runningFromSource, transferablesOf, workerPool } from '../worker-pool.js'
import type { OnnxOptions } from './inline-session.js'
import { LOADED_SLOTS, type WorkerInit, type WorkerReply, type WorkerTask } from './worker-protocol.js'

const entry = new URL(runningFromSource ? './session-worker.ts' : './session-worker.js', import.meta.url)

/** The longest a disposal waits for threads still loading their sessions. */
const SETTLE_MS = 120_000

export interface WorkerModelOptions extends OnnxOptions {
  /** Worker threads, each with a session (default 1). */
  workers?: number
  /** Told of a worker thread that stopped with an error; a replacement is started. */
  onWorkerError?: (error: Error) => void
}

export interface WorkerModel extends LoadedModel {
  haltOneWorker(): Promise<void>
  /** Worker threads alive now. */
  readonly threadCount: number
}

/** Loads an ONNX file into `workers` worker threads and serves it as one model. */
export async function loadWorkerModel(file: string, options: WorkerModelOptions = {}): Promise<WorkerModel> {
  const { workers = 1, onWorkerError, ...session } = options
  const loaded = new SharedArrayBuffer(LOADED_SLOTS * Int32Array.BYTES_PER_ELEMENT)
  const init: WorkerInit = { file, options: session, loaded }
  const slots = new Int32Array(loaded)
  /** Waits until no thread of the pool is still loading its session (at most `ms`). */
  const settled = async (ms: number) => {
    const until = performance.now() + ms
    while (pool.threads.some((t) => Atomics.load(slots, t.threadId % LOADED_SLOTS) === 0)) {
      if (performance.now() > until) return
      await new Promise((done) => setTimeout(done, 5))
    }
  }
  const pool = workerPool<WorkerTask, WorkerReply>(entry, {
    threads: workers,
    data: { ...init },
    ...(onWorkerError && { onError: onWorkerError }),
  })
  let described: WorkerReply
  try {
    // The first worker to load its session answers; the others load beside it.
    described = await pool.run({ kind: 'describe' })
  } catch (error) {
    await settled(SETTLE_MS)
    await pool.destroy()
    throw new Error((error as Error).message)
  }
  if (described.kind !== 'described') {
    await settled(SETTLE_MS)
    await pool.destroy()
    throw new Error('the model worker did not describe its session')
  }
  let closed = false
  return {
    platform: described.platform,
    placement: 'worker',
    parallelism: workers,
    inputs: described.inputs,
    outputs: described.outputs,
    async run(inputs: Record<string, HostTensor>, outputs: string[], runOptions?: RunOptions) {
      if (closed) throw unavailable('model_unloaded', 'The model is being unloaded.')
      let reply: WorkerReply
      try {
        const transferList = runOptions?.transfer ? transferablesOf(inputs) : undefined
        const outputLimit = runOptions?.outputLimit
        reply = await pool.run(
          { kind: 'run', inputs, outputs, ...(outputLimit && { outputLimit }) },
          { transferList },
        )
      } catch (error) {
        // The worker running this request stopped (it crashed or was terminated); piscina starts a
        // replacement, and requests on the other workers are not affected.
        throw unavailable(
          'model_worker_stopped',
          `The model's worker thread stopped while running this request (${(error as Error).message}); try again.`,
          1,
        )
      }
      if (reply.kind === 'failed') throw errorFromFields(reply.error)
      if (reply.kind !== 'ran') throw new Error('the model worker answered a run with no outputs')
      const times = runOptions?.times
      if (times) Object.assign(times, reply.times)
      return reply.outputs
    },
    /**
     * Ends one worker thread as a crash would, while it holds a task of its own; resolves once that
     * task has failed. A replacement starts and the other workers go on serving (drills and tests).
     */
    async haltOneWorker() {
      await pool.run({ kind: 'halt' }).catch(() => {})
    },
    get threadCount() {
      return pool.threads.length
    },
    async dispose() {
      closed = true
      await settled(SETTLE_MS)
      await pool.destroy()
    },
  } satisfies WorkerModel
}
