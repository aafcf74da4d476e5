/** What the event loop's thread and a model's worker threads say to each other. */
import type { ErrorStatus, ErrorType } from '../../errors.js'
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

/** A failure's fields; `status` is set for errors with an HTTP meaning (bad inputs). */
export interface WorkerFailure {
  message: string
  status?: ErrorStatus
  type?: ErrorType
  code?: string
  param?: string | null
}

export type WorkerReply =
  | { kind: 'described'; platform: string; inputs: TensorMetadata[]; outputs: TensorMetadata[] }
  | { kind: 'ran'; outputs: Record<string, HostTensor>; times: RunTimes }
  | { kind: 'failed'; error: WorkerFailure }

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
