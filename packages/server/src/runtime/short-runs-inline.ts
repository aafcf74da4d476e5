/**
 * The `auto` placement: a model served by worker threads whose short runs execute on the event loop.
 *
 * A hop to a worker thread and back costs about 0.1-0.3 ms here (two thread wake-ups, and the run
 * itself is slower on a thread that just woke), which is more than a small model's whole run (Silero
 * VAD on one 32 ms frame: ~0.2 ms). Holding the loop that long harms no one; holding it for a batch of
 * 64 rows of a weights-bound MLP, or two minutes of audio, does. So each run's cost is predicted from
 * the model's own recent runs (milliseconds per input element, a moving average) and a run goes inline
 * only when it is predicted to take under `maxInlineMs` and no other run of the model is in flight
 * (a burst is spread over the workers instead). Until the model has been measured, every run goes to
 * a worker; the inline session is loaded only once a short run has been predicted.
 */
import type { LoadedModel, RunOptions, RunTimes } from './types.js'

/** Runs predicted shorter than this run on the event loop by default. */
export const DEFAULT_MAX_INLINE_MS = 1

/** How much each new run moves the per-element estimate. */
const SMOOTHING = 0.2

export interface ShortRunsInlineOptions {
  /** Predicted run time below which a run executes on the event loop (ms). */
  maxInlineMs?: number
  /** Told when the inline session could not be loaded; every run then stays in the workers. */
  onInlineError?: (error: Error) => void
}

/** Where the runs of an `auto` model went, for tests and statistics. */
export interface PlacedRuns {
  inline: number
  worker: number
}

export interface AutoPlacedModel extends LoadedModel {
  readonly placedRuns: Readonly<PlacedRuns>
}

function elementsOf(inputs: Parameters<LoadedModel['run']>[0]): number {
  let elements = 0
  for (const name in inputs) {
    const shape = (inputs[name] as { shape: number[] }).shape
    let n = 1
    for (const d of shape) n *= d
    elements += n
  }
  return Math.max(elements, 1)
}

/** `workers` serves the model; `loadInline` loads the same model on this thread when first needed. */
export function withShortRunsInline(
  workers: LoadedModel,
  loadInline: () => Promise<LoadedModel>,
  options: ShortRunsInlineOptions = {},
): AutoPlacedModel {
  const maxInlineMs = options.maxInlineMs ?? DEFAULT_MAX_INLINE_MS
  /** Milliseconds per input element of the model's recent runs; undefined until one has run. */
  let msPerElement: number | undefined
  let inFlight = 0
  let inline: LoadedModel | undefined
  let loading: Promise<void> | undefined
  let disposed = false
  const placedRuns: PlacedRuns = { inline: 0, worker: 0 }

  const learn = (times: RunTimes, elements: number) => {
    // The time the run held its thread: what it would hold the loop for if it ran here.
    const ms = times.inputMs + times.inferMs + times.outputMs
    if (!(ms >= 0)) return
    const sample = ms / elements
    msPerElement = msPerElement === undefined ? sample : msPerElement + SMOOTHING * (sample - msPerElement)
  }

  const startLoading = () => {
    loading = loadInline().then(
      (model) => {
        if (disposed) return model.dispose()
        inline = model
      },
      (error: Error) => options.onInlineError?.(error),
    )
  }

  return {
    platform: workers.platform,
    placement: 'auto',
    inputs: workers.inputs,
    outputs: workers.outputs,
    parallelism: workers.parallelism ?? 1,
    placedRuns,
    async run(inputs, outputs, runOptions?: RunOptions) {
      const elements = elementsOf(inputs)
      const short = msPerElement !== undefined && msPerElement * elements < maxInlineMs
      if (short && loading === undefined) startLoading()
      const here = short && inline !== undefined && inFlight === 0
      const times: RunTimes = runOptions?.times ?? { inputMs: 0, inferMs: 0, outputMs: 0 }
      const model = here ? (inline as LoadedModel) : workers
      inFlight++
      try {
        const result = await model.run(inputs, outputs, { ...runOptions, times })
        if (here) placedRuns.inline++
        else placedRuns.worker++
        learn(times, elements)
        return result
      } finally {
        inFlight--
      }
    },
    async dispose() {
      disposed = true
      await Promise.all([workers.dispose(), loading?.then(() => inline?.dispose())])
    },
  }
}
