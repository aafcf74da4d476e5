/**
 * The worker thread's side of a worker-backed model: one ONNX Runtime session, loaded when the thread
 * starts (from `workerData`), running one task at a time. Results go back without a copy (their
 * buffers are transferred). Failures come back as values, not throws, so their status and code survive
 * the thread boundary (a thrown error keeps only its message there).
 */
import { workerData } from 'node:worker_threads'
import { move, transferableSymbol, valueSymbol } from 'piscina'
import { ModelportError } from '../../errors.js'
import type { HostTensor, RunTimes } from '../types.js'
import { loadOnnxModel } from './inline-session.js'
import { transferablesOf, type WorkerInit, type WorkerReply, type WorkerTask } from './worker-protocol.js'

const { file, options } = workerData as WorkerInit
const model = await loadOnnxModel(file, options)

function failure(error: unknown): WorkerReply {
  if (error instanceof ModelportError) {
    const { status, type, code, message, param } = error
    return { kind: 'failed', error: { status, type, code, message, param } }
  }
  return { kind: 'failed', error: { message: (error as Error)?.message ?? String(error) } }
}

/** A reply whose tensor buffers piscina transfers instead of cloning. */
function moved(reply: WorkerReply, tensors: Record<string, HostTensor>): object {
  return move({ [transferableSymbol]: transferablesOf(tensors), [valueSymbol]: reply })
}

export default async function handle(task: WorkerTask): Promise<WorkerReply | object> {
  if (task.kind === 'describe') {
    const reply: WorkerReply = {
      kind: 'described',
      platform: model.platform,
      inputs: model.inputs,
      outputs: model.outputs,
    }
    return reply
  }
  if (task.kind === 'halt') process.exit(70)
  const times: RunTimes = { inputMs: 0, inferMs: 0, outputMs: 0 }
  try {
    const outputs = await model.run(task.inputs, task.outputs, { times })
    return moved({ kind: 'ran', outputs, times }, outputs)
  } catch (error) {
    return failure(error)
  }
}
