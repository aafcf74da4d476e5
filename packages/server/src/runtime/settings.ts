/**
 * Per-model runtime settings, read from `model.json`: dynamic batching and ONNX Runtime threading.
 * Runtime-agnostic: the ONNX loader and the batcher read the parsed form.
 */
import type { components } from '@modelport/sdk'

// Read from the contract here, not from `types.ts`, which imports these settings.
type TensorMetadata = components['schemas']['TensorMetadata']

/**
 * Where a model's runs execute: on the event loop's thread, in worker threads of their own, or
 * `auto`: in worker threads, except runs predicted to be shorter than a hop to a thread and back.
 */
export type Placement = 'inline' | 'worker' | 'auto'

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all'

export interface BatchingSettings {
  /** Most rows (first-dimension entries) one run takes. 1 turns batching off. */
  maxBatchSize: number
  /**
   * How long the first request of a batch may wait for more to join while the model is idle. 0 waits
   * only for requests already received; batches still form from those that arrive during a run.
   */
  maxQueueDelayMs: number
  /** Most requests waiting; one more is refused with 429 and `Retry-After`. */
  maxQueueSize: number
  /**
   * Inputs padded along dimension 1 to the longest in the batch, with these values (e.g. token ids and
   * attention masks); outputs padded alongside are cut back to each request's length.
   */
  pad: Record<string, number>
}

export interface RuntimeSettings {
  /** Unset: on for models whose inputs and outputs all have a dynamic first dimension. */
  batching?: Partial<BatchingSettings> | false
  intraOpThreads?: number
  interOpThreads?: number
  /** Whether idle ONNX Runtime threads spin; spinning starves other work on a machine with few cores. */
  spinning?: boolean
  optimization?: OptimizationLevel
  /** Unset: chosen from the model file's size (see `choosePlacement`). */
  placement?: Placement
  /** Worker threads, each with its own session, for `placement: 'worker'` (default 1). */
  workers?: number
}

/**
 * Defaults measured on a 2-core machine (see docs/performance.md): one intra-op thread
 * without spinning is the steadiest when HTTP handling shares the cores; natural batching (no added
 * delay) costs nothing at low load and stacks up to 64 rows under load.
 */
export const DEFAULT_BATCHING: BatchingSettings = {
  maxBatchSize: 64,
  maxQueueDelayMs: 0,
  maxQueueSize: 1024,
  pad: {},
}
export const UNBATCHED: BatchingSettings = { ...DEFAULT_BATCHING, maxBatchSize: 1 }

const levels: OptimizationLevel[] = ['disabled', 'basic', 'extended', 'all']

/** Whether stacking requests along the first dimension is safe to assume for this signature. */
export function isBatchable(inputs: TensorMetadata[], outputs: TensorMetadata[]): boolean {
  return [...inputs, ...outputs].every((t) => t.shape.length >= 1 && t.shape[0] === -1)
}

/** The batching a model gets: what `model.json` says, or the default for its signature. */
export function resolveBatching(
  settings: RuntimeSettings | undefined,
  inputs: TensorMetadata[],
  outputs: TensorMetadata[],
): BatchingSettings {
  const given = settings?.batching
  if (given === false) return { ...UNBATCHED, maxQueueSize: DEFAULT_BATCHING.maxQueueSize }
  if (given === undefined) return isBatchable(inputs, outputs) ? { ...DEFAULT_BATCHING } : { ...UNBATCHED }
  return { ...DEFAULT_BATCHING, ...given, pad: { ...given.pad } }
}

function positiveInteger(value: unknown, field: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${field} must be an integer of at least ${min}`)
  }
  return value
}

function parseBatching(value: unknown): Partial<BatchingSettings> | false {
  if (value === false) return false
  if (value === true) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('batching must be false, true or an object')
  }
  const raw = value as Record<string, unknown>
  const known = ['max_batch_size', 'max_queue_delay_ms', 'max_queue_size', 'pad']
  const unknown = Object.keys(raw).filter((k) => !known.includes(k))
  if (unknown.length > 0)
    throw new Error(`batching has unknown fields ${unknown.join(', ')} (known: ${known})`)
  const out: Partial<BatchingSettings> = {}
  if (raw.max_batch_size !== undefined)
    out.maxBatchSize = positiveInteger(raw.max_batch_size, 'batching.max_batch_size')
  if (raw.max_queue_size !== undefined)
    out.maxQueueSize = positiveInteger(raw.max_queue_size, 'batching.max_queue_size')
  if (raw.max_queue_delay_ms !== undefined) {
    const delay = raw.max_queue_delay_ms
    if (typeof delay !== 'number' || !(delay >= 0 && delay <= 10_000)) {
      throw new Error('batching.max_queue_delay_ms must be a number from 0 to 10000')
    }
    out.maxQueueDelayMs = delay
  }
  if (raw.pad !== undefined) {
    const pad = raw.pad as Record<string, unknown>
    if (typeof pad !== 'object' || pad === null || Array.isArray(pad)) {
      throw new Error('batching.pad must map input names to pad values')
    }
    for (const [name, v] of Object.entries(pad)) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Error(`batching.pad.${name} must be a number`)
    }
    out.pad = pad as Record<string, number>
  }
  return out
}

/** Most worker threads one model may ask for: each holds a session (its weights) of its own. */
export const MAX_WORKERS = 64

function parsePlacement(value: unknown, settings: RuntimeSettings): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('runtime must be an object such as { "placement": "worker", "workers": 2 }')
  }
  const raw = value as Record<string, unknown>
  const known = ['placement', 'workers']
  const unknown = Object.keys(raw).filter((k) => !known.includes(k))
  if (unknown.length > 0)
    throw new Error(`runtime has unknown fields ${unknown.join(', ')} (known: ${known})`)
  if (raw.placement !== undefined) {
    if (raw.placement !== 'worker' && raw.placement !== 'inline' && raw.placement !== 'auto')
      throw new Error('runtime.placement must be "auto", "worker" or "inline"')
    settings.placement = raw.placement
  }
  if (raw.workers !== undefined) {
    const workers = positiveInteger(raw.workers, 'runtime.workers')
    if (workers > MAX_WORKERS) throw new Error(`runtime.workers must be at most ${MAX_WORKERS}`)
    if (settings.placement === 'inline')
      throw new Error('runtime.workers needs runtime.placement "auto" or "worker"')
    settings.workers = workers
  }
}

/**
 * Reads the runtime fields of a `model.json` object (`batching`, `threads`, `spinning`, `optimization`,
 * `runtime`); other fields are left to their readers. Throws with a message that says what to fix.
 */
export function parseRuntimeSettings(config: Record<string, unknown>): RuntimeSettings {
  const settings: RuntimeSettings = {}
  if (config.runtime !== undefined) parsePlacement(config.runtime, settings)
  if (config.batching !== undefined) settings.batching = parseBatching(config.batching)
  const threads = config.threads
  if (typeof threads === 'number') settings.intraOpThreads = positiveInteger(threads, 'threads')
  else if (typeof threads === 'object' && threads !== null && !Array.isArray(threads)) {
    const { intra_op, inter_op } = threads as Record<string, unknown>
    if (intra_op !== undefined) settings.intraOpThreads = positiveInteger(intra_op, 'threads.intra_op')
    if (inter_op !== undefined) settings.interOpThreads = positiveInteger(inter_op, 'threads.inter_op')
  } else if (threads !== undefined) {
    throw new Error('threads must be a number or { intra_op, inter_op }')
  }
  if (config.spinning !== undefined) {
    if (typeof config.spinning !== 'boolean') throw new Error('spinning must be true or false')
    settings.spinning = config.spinning
  }
  if (config.optimization !== undefined) {
    if (!levels.includes(config.optimization as OptimizationLevel)) {
      throw new Error(`optimization must be one of ${levels.join(', ')}`)
    }
    settings.optimization = config.optimization as OptimizationLevel
  }
  return settings
}
