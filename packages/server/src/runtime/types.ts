/**
 * What the HTTP layer needs from a runtime. Local ONNX implements it; nothing here imports a runtime,
 * so the app stays free of Node-only code.
 */
import type { components } from '@modelport/sdk'
import type { AbortSignalLike } from '../core/cancellation.js'
import type { Placement, RuntimeSettings } from './settings.js'

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

/** Per-call options of `LoadedModel.run`. */
export interface RunOptions {
  /**
   * Filled with how this run's time divided, by runtimes that measure it (left as given otherwise).
   * The caller owns the object, so runs that execute at once never share one.
   */
  times?: RunTimes
  /**
   * The caller gives up its input tensors: a runtime in another thread may move their buffers there
   * instead of copying them, which leaves them empty here. Only for inputs the caller never reads again.
   */
  transfer?: boolean
  /**
   * The request's own cancellation: once it aborts, a request still waiting for a run is dropped and
   * rejected with the signal's reason. A run in progress finishes (it cannot be stopped safely).
   */
  signal?: AbortSignalLike
  /**
   * The response budget of the request: a runtime in another thread refuses outputs over it there, so
   * an answer too large to send never crosses to the event loop's thread.
   */
  outputLimit?: OutputLimit
}

/** The most bytes a response may carry, and which of the outputs it carries as binary data (else JSON). */
export interface OutputLimit {
  maxBytes: number
  binary: string[]
}

/**
 * A model loaded into a runtime, ready to run. The optional fields are capabilities that some
 * implementations have (the batcher queues and counts executions; worker-backed models run several
 * at once); readers check for `undefined`, never cast.
 */
export interface LoadedModel {
  /** Protocol platform name, e.g. `onnx_onnxv1`. */
  readonly platform: string
  readonly inputs: TensorMetadata[]
  readonly outputs: TensorMetadata[]
  /** Runs the model; returns the named outputs. */
  run(
    inputs: Record<string, HostTensor>,
    outputs: string[],
    options?: RunOptions,
  ): Promise<Record<string, HostTensor>>
  dispose(): Promise<void>
  /** Runs that can execute at the same time (one per worker thread; 1 when missing). */
  readonly parallelism?: number
  readonly placement?: Placement
  /** Requests waiting in the runtime's own queue (the dynamic batcher's). */
  readonly queued?: number
  /** Successful executions of the model (one may serve several requests), for runtimes that batch. */
  readonly executions?: number
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
