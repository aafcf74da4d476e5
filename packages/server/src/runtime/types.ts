/**
 * What the HTTP layer needs from a runtime. Local ONNX implements it; nothing here imports a runtime,
 * so the app stays free of Node-only code.
 */
import type { components } from '@modelport/sdk'
import type { RuntimeSettings } from './settings.js'

export type Datatype = components['schemas']['Datatype']
export type TensorMetadata = components['schemas']['TensorMetadata']

/**
 * A tensor in host memory. BOOL is a `Uint8Array` of 0/1, FP16 a `Uint16Array` of half bit patterns,
 * BYTES a `string[]`, INT64/UINT64 `BigInt64Array`/`BigUint64Array`.
 */
export interface HostTensor {
  datatype: Datatype
  shape: number[]
  data:
    | Float32Array
    | Float64Array
    | Int8Array
    | Int16Array
    | Int32Array
    | BigInt64Array
    | Uint8Array
    | Uint16Array
    | Uint32Array
    | BigUint64Array
    | string[]
}

/** Milliseconds one run spent preparing the runtime's inputs, executing, and extracting its outputs. */
export interface RunTimes {
  inputMs: number
  inferMs: number
  outputMs: number
}

/** One successful execution of a model, possibly serving a dynamic batch of requests. */
export interface Execution extends RunTimes {
  /** Rows run together: the batch size. */
  rows: number
  /** Requests the rows came from. */
  requests: number
  /** Those requests' waits in the runtime's queue, summed. */
  queueMs: number
}

/** Told of each execution; the object passed is reused by the next one, so read it at once. */
export interface ExecutionObserver {
  executed(execution: Readonly<Execution>): void
}

/** A model loaded into a runtime, ready to run. */
export interface LoadedModel {
  /** Protocol platform name, e.g. `onnx_onnxv1`. */
  readonly platform: string
  readonly inputs: TensorMetadata[]
  readonly outputs: TensorMetadata[]
  /** Runs the model; returns the named outputs. */
  run(inputs: Record<string, HostTensor>, outputs: string[]): Promise<Record<string, HostTensor>>
  dispose(): Promise<void>
  /**
   * How the last run's time divides, for runtimes that measure it; overwritten by every run, so it is
   * read right after one run finished and before the next starts (the batcher runs one at a time).
   */
  readonly lastRun?: Readonly<RunTimes>
  /**
   * Reports each execution to `observer` from now on (runtimes that batch do; where this is missing,
   * the owner counts a request's whole time in `run()` as executing).
   */
  observe?(observer: ExecutionObserver): void
}

/** Loads the model file of one version, with its `model.json` runtime settings. */
export type ModelLoader = (
  file: string,
  options: { name: string; version: string; settings?: RuntimeSettings },
) => Promise<LoadedModel>
