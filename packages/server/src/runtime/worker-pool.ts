/**
 * Worker thread pools, for work that must not run on the event loop (ONNX Runtime's synchronous runs,
 * image pre- and post-processing). piscina keeps the pool: it queues, moves buffers, and replaces a
 * thread that dies while the others go on.
 */
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { workerNice } from './thread-priority.js'
import type { HostTensor } from './types.js'

/** The module that loads a TypeScript entry through tsx, for threads started from the sources. */
const fromSourceEntry = fileURLToPath(new URL('./worker-from-source.mjs', import.meta.url))

export interface WorkerPoolOptions {
  /** Threads kept running (default 1). */
  threads?: number
  /** Data every thread reads as `workerData` when it starts. */
  data?: Record<string, unknown>
  /** Told of a thread that stopped with an error; a replacement is started. */
  onError?: (error: Error) => void
}

/**
 * A pool of threads running `entry`, a module whose default export handles one task at a time. Give
 * the entry as the caller sees it (`new URL('./x.js', import.meta.url)` in a build, `./x.ts` in the
 * sources): from the sources the thread loads it through tsx.
 */
export function workerPool<Task, Reply>(entry: URL, options: WorkerPoolOptions = {}): Piscina<Task, Reply> {
  const threads = options.threads ?? 1
  const start = threadStart(entry)
  const pool = new Piscina<Task, Reply>({
    filename: start.file,
    workerData: { ...options.data, ...start.data },
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    // Below the event loop's priority (see thread-priority.ts); each thread lowers itself before its
    // entry loads, so ONNX Runtime's threads started from it inherit the value.
    niceIncrement: workerNice(),
  })
  // A thread that dies is reported here as well as to the task it held (which fails); without a
  // listener, the pool's 'error' event would end the process.
  pool.on('error', (error: Error) => options.onError?.(error))
  return pool
}

/**
 * The file a thread starts from to run `entry`, and what its `workerData` needs for that: a build's
 * entry runs as it is; a TypeScript one through the loader above, which reads `entry` from the data.
 */
export function threadStart(entry: URL): { file: string; data: { entry?: string } } {
  return entry.pathname.endsWith('.ts')
    ? { file: fromSourceEntry, data: { entry: entry.href } }
    : { file: fileURLToPath(entry), data: {} }
}

/** Whether this module runs from the TypeScript sources (tests, the bench) rather than a build. */
export const runningFromSource = import.meta.url.endsWith('.ts')

/**
 * The buffers of these tensors that can move to another thread without a copy: those a typed array
 * spans whole. A view into a larger buffer (a slice of a request body, a window of an audio signal) is
 * copied instead, since moving it would empty the rest of that buffer for its owner.
 */
export function transferablesOf(tensors: Record<string, HostTensor>): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = []
  for (const name in tensors) {
    const data = (tensors[name] as HostTensor).data
    if (Array.isArray(data)) continue
    const buffer = data.buffer
    if (
      buffer instanceof ArrayBuffer &&
      data.byteOffset === 0 &&
      data.byteLength === buffer.byteLength &&
      buffer.byteLength > 0 &&
      !buffers.includes(buffer)
    ) {
      buffers.push(buffer)
    }
  }
  return buffers
}
