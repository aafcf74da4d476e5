/**
 * The worker thread's side of a worker-backed model: one ONNX Runtime session, loaded when the thread
 * starts (from `workerData`), running one task at a time. Results go back without a copy (their
 * buffers are transferred). Failures come back as values, not throws, so their status and code survive
 * the thread boundary.
 */
import { threadId, workerData } from 'node:worker_threads'
import { move, transferableSymbol, valueSymbol } from 'piscina'
import { errorFields } from '../../core/errors.js'
import { checkOutputLimit } from '../output-limit.js'
import type { RunTimes } from '../types.js'
import { transferablesOf } from '../worker-pool.js'
import { loadOnnxModel } from './inline-session.js'
import { LOADED_SLOTS, type WorkerInit, type WorkerReply, type WorkerTask } from './worker-protocol.js'

const { file, options, loaded } = workerData as WorkerInit
let model: Awaited<ReturnType<typeof loadOnnxModel>>
try {
  model = await loadOnnxModel(file, options)
} finally {
  Atomics.store(new Int32Array(loaded), threadId % LOADED_SLOTS, 1)
}

export default async function handle(task: WorkerTask): Promise<WorkerReply | object> {
  if (task.kind === 'describe') {
    return { kind: 'described', platform: model.platform, inputs: model.inputs, outputs: model.outputs }
  }
  if (task.kind === 'halt') process.exit(70)
  const times: RunTimes = { inputMs: 0, inferMs: 0, outputMs: 0 }
  try {
    const outputs = await model.run(task.inputs, task.outputs, { times })
    // Refused here, so an answer over the response budget never crosses to the event loop's thread.
    if (task.outputLimit) checkOutputLimit(task.outputs, outputs, task.outputLimit)
    const reply: WorkerReply = { kind: 'ran', outputs, times }
    return move({ [transferableSymbol]: transferablesOf(outputs), [valueSymbol]: reply })
  } catch (error) {
    return { kind: 'failed', error: errorFields(error) } satisfies WorkerReply
  }
}
