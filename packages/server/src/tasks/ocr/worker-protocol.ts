/**
 * What the event loop's thread and an OCR worker thread say to each other. The worker runs the whole
 * pipeline (decoding, pre- and post-processing, crops, CTC decoding), and asks the event loop's thread
 * to run each model call on the registry's models over the task's own port, so models keep their
 * batching, statistics and rollouts.
 */
import type { MessagePort } from 'node:worker_threads'
import type { ErrorFields } from '../../core/errors.js'
import type { HostTensor, TensorMetadata } from '../../runtime/types.js'
import type { OcrLine } from './types.js'

export type OcrRole = 'detection' | 'recognition' | 'classifier'

/** Given to each OCR thread when it starts. */
export interface OcrWorkerInit {
  dictionary: string
  maxPixels: number | undefined
  pipeline: Record<string, unknown>
}

export interface OcrTask {
  file: Uint8Array
  minConfidence: number
  /** The models' signatures (a missing classifier is skipped). */
  models: Partial<Record<OcrRole, { inputs: TensorMetadata[]; outputs: TensorMetadata[] }>>
  /** Model calls go out and their results come back here. */
  port: MessagePort
}

export type OcrReply =
  | { kind: 'read'; width: number; height: number; lines: OcrLine[] }
  | { kind: 'failed'; error: ErrorFields }

export interface ModelCall {
  id: number
  role: OcrRole
  inputs: Record<string, HostTensor>
  outputs: string[]
}

export type ModelAnswer =
  | { id: number; outputs: Record<string, HostTensor> }
  | { id: number; error: ErrorFields }
