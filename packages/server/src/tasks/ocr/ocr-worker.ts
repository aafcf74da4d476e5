/**
 * An OCR worker thread: the whole pipeline for one image at a time, off the event loop. Its JavaScript
 * steps (DB post-processing, crops, CTC decoding) took tens of milliseconds per image there, which
 * every other request waited for. Model calls go back to the event loop's thread, which runs them on
 * the registry's models (in their own worker threads).
 */
import { type MessagePort, workerData } from 'node:worker_threads'
import { errorFields, errorFromFields } from '../../core/errors.js'
import type { HostTensor, LoadedModel, TensorMetadata } from '../../runtime/types.js'
import { transferablesOf } from '../../runtime/worker-pool.js'
import { type OcrModels, recognizeLines } from './pipeline.js'
import { ocrPipeline } from './service.js'
import { sharpDecoder } from './sharp-decoder.js'
import type { ModelAnswer, ModelCall, OcrReply, OcrRole, OcrTask, OcrWorkerInit } from './worker-protocol.js'

const init = workerData as OcrWorkerInit
const decoder = sharpDecoder({ maxPixels: init.maxPixels })
const pipeline = ocrPipeline(init.dictionary, init.pipeline, decoder)

/** Models that answer over `port`: each call is a message, each result a message back. */
function remoteModels(port: MessagePort, signatures: OcrTask['models']): OcrModels {
  const pending = new Map<
    number,
    { resolve(outputs: Record<string, HostTensor>): void; reject(e: Error): void }
  >()
  let next = 0
  port.on('message', (answer: ModelAnswer) => {
    const waiter = pending.get(answer.id)
    pending.delete(answer.id)
    if ('error' in answer) waiter?.reject(errorFromFields(answer.error))
    else waiter?.resolve(answer.outputs)
  })
  const remote = (role: OcrRole, signature: { inputs: TensorMetadata[]; outputs: TensorMetadata[] }) =>
    ({
      platform: 'remote',
      inputs: signature.inputs,
      outputs: signature.outputs,
      run(inputs, outputs, options) {
        const id = next++
        const call: ModelCall = { id, role, inputs, outputs }
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject })
          port.postMessage(call, options?.transfer ? transferablesOf(inputs) : [])
        })
      },
      dispose: async () => {},
    }) satisfies LoadedModel
  const { detection, recognition, classifier } = signatures
  if (!detection || !recognition) throw new Error('OCR needs a detection and a recognition model')
  return {
    detection: remote('detection', detection),
    recognition: remote('recognition', recognition),
    ...(classifier && { classifier: remote('classifier', classifier) }),
  }
}

export default async function read(task: OcrTask): Promise<OcrReply> {
  try {
    const models = remoteModels(task.port, task.models)
    const image = await decoder.decode(task.file)
    const lines = await recognizeLines(image, models, pipeline, task.minConfidence)
    return { kind: 'read', width: image.width, height: image.height, lines }
  } catch (error) {
    return { kind: 'failed', error: errorFields(error) }
  } finally {
    task.port.close()
  }
}
