/**
 * Loading ONNX files for the registry: each model is placed inline or in worker threads, then put
 * behind a dynamic batcher. This folder is the only importer of onnxruntime-node.
 */
import { stat } from 'node:fs/promises'
import { withBatching } from '../batcher.js'
import type { Placement } from '../settings.js'
import { type RuntimeSettings, resolveBatching } from '../settings.js'
import { withShortRunsInline } from '../short-runs-inline.js'
import type { LoadedModel, ModelLoader } from '../types.js'
import { loadOnnxModel, type OnnxOptions } from './inline-session.js'
import { loadWorkerModel } from './worker-session.js'

export { loadOnnxModel, type OnnxOptions } from './inline-session.js'
export { loadWorkerModel } from './worker-session.js'

/**
 * Model files below this size run inline by default. Their runs take microseconds (simplenet, 2 KB:
 * ~10 µs), less than a hop to a worker thread and back, and they cannot stall the event loop for long.
 * Anything larger (Silero VAD at 2 MB, the MLPs, embeddings) is placed `auto`: worker threads, with
 * the runs measured to be shorter than the hop run inline. See the performance docs for the figures.
 */
export const INLINE_MAX_BYTES = 256 * 1024

/** Where a model runs: what its settings say, else inline for tiny files and `auto` otherwise. */
export async function choosePlacement(file: string, settings: RuntimeSettings): Promise<Placement> {
  if (settings.placement) return settings.placement
  const { size } = await stat(file)
  return size < INLINE_MAX_BYTES && settings.workers === undefined ? 'inline' : 'auto'
}

/** Loads one ONNX file where its settings (or its size) place it. */
export async function loadPlacedModel(
  file: string,
  settings: RuntimeSettings = {},
  onWorkerError?: (error: Error) => void,
): Promise<LoadedModel> {
  const { batching: _batching, placement: _placement, workers, ...session } = settings
  const options: OnnxOptions = session
  const placement = await choosePlacement(file, settings)
  if (placement === 'inline') return loadOnnxModel(file, options)
  const threads = await loadWorkerModel(file, {
    ...options,
    workers: workers ?? 1,
    ...(onWorkerError && { onWorkerError }),
  })
  if (placement === 'worker') return threads
  return withShortRunsInline(threads, () => loadOnnxModel(file, options), {
    ...(onWorkerError && { onInlineError: onWorkerError }),
  })
}

export interface OnnxLoaderOptions {
  /** Told of every run (rows batched, compute time), for metrics. */
  onRun?: (model: { name: string; version: string }, run: { rows: number; ms: number }) => void
  /** Told of a model's worker thread that stopped with an error (it is replaced). */
  onWorkerError?: (model: { name: string; version: string }, error: Error) => void
}

/**
 * A `ModelLoader` for ONNX files: `defaults` overridden by each model's settings, and a dynamic batcher
 * in front (a queue of one request at a time per worker for models that do not batch).
 */
export function onnxLoader(
  defaults: RuntimeSettings = {},
  /** Told of every run (rows batched, compute time), for metrics; or the loader's options. */
  hooks?: OnnxLoaderOptions['onRun'] | OnnxLoaderOptions,
): ModelLoader {
  const { onRun, onWorkerError } =
    typeof hooks === 'function' ? { onRun: hooks, onWorkerError: undefined } : (hooks ?? {})
  return async (file, { name, version, settings }) => {
    const merged = { ...defaults, ...settings }
    const model = await loadPlacedModel(
      file,
      merged,
      onWorkerError && ((error) => onWorkerError({ name, version }, error)),
    )
    const observe = onRun && { onRun: (run: { rows: number; ms: number }) => onRun({ name, version }, run) }
    return withBatching(model, resolveBatching(merged, model.inputs, model.outputs), observe)
  }
}
