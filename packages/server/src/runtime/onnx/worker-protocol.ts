/** What the event loop's thread and a model's worker threads say to each other. */
import type { ErrorFields } from '../../core/errors.js'
import type { HostTensor, OutputLimit, RunTimes, TensorMetadata } from '../types.js'
import type { OnnxOptions } from './inline-session.js'

/** Slots of `WorkerInit.loaded`: a thread marks slot `threadId % LOADED_SLOTS`. */
export const LOADED_SLOTS = 1024

/** Given to each worker thread when it starts: the session to load. */
export interface WorkerInit {
  file: string
  options: OnnxOptions
  /**
   * Shared by the pool's threads (`LOADED_SLOTS` int32s): each sets its slot once its session has
   * loaded or failed to, so the pool is never torn down while a thread is still inside ONNX Runtime.
   */
  loaded: SharedArrayBuffer
}

export type WorkerTask =
  | { kind: 'describe' }
  | { kind: 'run'; inputs: Record<string, HostTensor>; outputs: string[]; outputLimit?: OutputLimit }
  /** Ends the thread that takes it, as a crash would: for drills and tests of recovery. */
  | { kind: 'halt' }

export type WorkerReply =
  | { kind: 'described'; platform: string; inputs: TensorMetadata[]; outputs: TensorMetadata[] }
  | { kind: 'ran'; outputs: Record<string, HostTensor>; times: RunTimes }
  | { kind: 'failed'; error: ErrorFields }
