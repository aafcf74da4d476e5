/**
 * `OcrService` with its pipeline in worker threads (see `ocr-worker.ts`); the models stay the registry's.
 * Each request gets a port of its own for its model calls, so a request's calls can never answer another's.
 */
import { availableParallelism } from 'node:os'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { errorFields, errorFromFields } from '../../core/errors.js'
import type { ModelRegistry } from '../../models/registry.js'
import type { HostTensor, LoadedModel } from '../../runtime/types.js'
import { runningFromSource, transferablesOf, workerPool } from '../../runtime/worker-pool.js'
import type { OcrModels } from './pipeline.js'
import { type OcrServiceOptions, registryOcrModels } from './service.js'
import type { OcrService } from './types.js'
import type { ModelAnswer, ModelCall, OcrReply, OcrRole, OcrTask, OcrWorkerInit } from './worker-protocol.js'

const entry = new URL(runningFromSource ? './ocr-worker.ts' : './ocr-worker.js', import.meta.url)

export interface WorkerOcrServiceOptions extends Omit<OcrServiceOptions, 'decoder'> {
  registry: ModelRegistry
  /** Most pixels an image may declare (default 40 million). */
  maxPixels?: number
  /** Threads running the pipeline (default: one per core). */
  threads?: number
  onWorkerError?: (error: Error) => void
}

const signature = (model: LoadedModel | undefined) =>
  model && { inputs: model.inputs, outputs: model.outputs }

/** Answers one request's model calls, on the models it was handed when it started. */
function serveCalls(port: MessagePort, models: OcrModels): void {
  port.on('message', (call: ModelCall) => {
    const model = models[call.role as OcrRole]
    const answer = (message: ModelAnswer, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)
    if (!model) return answer({ id: call.id, error: { message: `no ${call.role} model` } })
    model.run(call.inputs, call.outputs, { transfer: true }).then(
      (outputs: Record<string, HostTensor>) => answer({ id: call.id, outputs }, transferablesOf(outputs)),
      (error: unknown) => answer({ id: call.id, error: errorFields(error) }),
    )
  })
}

export function createWorkerOcrService(
  options: WorkerOcrServiceOptions,
): OcrService & { close(): Promise<void> } {
  const models = registryOcrModels(options.registry, options.models)
  const init: OcrWorkerInit = {
    dictionary: options.dictionary,
    maxPixels: options.maxPixels,
    pipeline: { ...options.pipeline },
  }
  const pool = workerPool<OcrTask, OcrReply>(entry, {
    threads: options.threads ?? availableParallelism(),
    data: { ...init },
    ...(options.onWorkerError && { onError: options.onWorkerError }),
  })
  const defaultConfidence = options.minConfidence ?? 0.5
  return {
    model: 'ppocr-v4',
    maxImageBytes: options.maxImageBytes ?? 20 * 1024 * 1024,
    assertReady: () => void models(),
    async recognize(file, { minConfidence = defaultConfidence } = {}) {
      const loaded = models()
      const { port1, port2 } = new MessageChannel()
      serveCalls(port1, loaded)
      const task: OcrTask = {
        file,
        minConfidence,
        port: port2,
        models: {
          detection: signature(loaded.detection),
          recognition: signature(loaded.recognition),
          ...(loaded.classifier && { classifier: signature(loaded.classifier) }),
        },
      }
      let reply: OcrReply
      try {
        reply = await pool.run(task, { transferList: [port2] })
      } finally {
        port1.close()
      }
      if (reply.kind === 'failed') throw errorFromFields(reply.error)
      return { model: 'ppocr-v4', width: reply.width, height: reply.height, lines: reply.lines }
    },
    close: () => pool.destroy(),
  }
}
