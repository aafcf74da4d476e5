/**
 * The OCR service as the Node entry builds it: its pipeline in worker threads (sharp decodes there), the
 * built-in dictionary read from disk.
 */
import { readFile } from 'node:fs/promises'
import { builtinOcrDictionary } from '../../models/builtin.js'
import type { ModelRegistry } from '../../models/registry.js'
import { createOcrService, type OcrServiceOptions } from './service.js'
import { sharpDecoder } from './sharp-decoder.js'
import type { OcrService } from './types.js'
import { createWorkerOcrService } from './worker-service.js'

export interface NodeOcrOptions {
  /** Largest image file, in bytes (default 20 MiB). */
  maxImageBytes?: number
  /** Most pixels an image may declare (default 40 million). */
  maxPixels?: number
  /** Default for requests that do not say (default 0.5). */
  minConfidence?: number
  /** Pipeline settings other than the defaults (the reference's). */
  pipeline?: OcrServiceOptions['pipeline']
  /**
   * Threads that run the pipeline around the models (decoding, pre- and post-processing), one image
   * each at a time (default: one per core); 0 runs it on the event loop.
   */
  threads?: number
  onWorkerError?: (error: Error) => void
}

export async function createNodeOcrService(
  registry: ModelRegistry,
  options: NodeOcrOptions = {},
): Promise<OcrService> {
  const dictionary = await readFile(builtinOcrDictionary(), 'utf8')
  const common = {
    registry,
    dictionary,
    maxImageBytes: options.maxImageBytes,
    minConfidence: options.minConfidence,
    pipeline: options.pipeline,
  }
  if (options.threads === 0)
    return createOcrService({ ...common, decoder: sharpDecoder({ maxPixels: options.maxPixels }) })
  return createWorkerOcrService({
    ...common,
    maxPixels: options.maxPixels,
    ...(options.threads !== undefined && { threads: options.threads }),
    ...(options.onWorkerError && { onWorkerError: options.onWorkerError }),
  })
}
