/** What the event loop's thread and a model's worker threads say to each other. */
import type { ErrorFields } from '../../core/errors.js'
import type { HostTensor, RunTimes, TensorMetadata } from '../types.js'
import type { OnnxOptions } from './inline-session.js'

/** Given to each worker thread when it starts: the session to load. */
export interface WorkerInit {
  file: string
  options: OnnxOptions
}

export type WorkerTask =
  | { kind: 'describe' }
  | { kind: 'run'; inputs: Record<string, HostTensor>; outputs: string[] }
  /** Ends the thread that takes it, as a crash would: for drills and tests of recovery. */
  | { kind: 'halt' }

export type WorkerReply =
  | { kind: 'described'; platform: string; inputs: TensorMetadata[]; outputs: TensorMetadata[] }
  | { kind: 'ran'; outputs: Record<string, HostTensor>; times: RunTimes }
  | { kind: 'failed'; error: ErrorFields }
