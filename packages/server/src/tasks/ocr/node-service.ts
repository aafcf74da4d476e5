/**
 * The OCR service as the Node entry builds it: sharp decodes, the built-in dictionary is read from disk.
 */
import { readFile } from 'node:fs/promises'
import { builtinOcrDictionary } from '../../models/builtin.js'
import type { ModelRegistry } from '../../models/registry.js'
import { createOcrService, type OcrServiceOptions } from './service.js'
import { sharpDecoder } from './sharp-decoder.js'
import type { OcrService } from './types.js'

export interface NodeOcrOptions {
  /** Largest image file, in bytes (default 20 MiB). */
  maxImageBytes?: number
  /** Most pixels an image may declare (default 40 million). */
  maxPixels?: number
  /** Default for requests that do not say (default 0.5). */
  minConfidence?: number
  /** Pipeline settings other than the defaults (the reference's). */
  pipeline?: OcrServiceOptions['pipeline']
}

export async function createNodeOcrService(
  registry: ModelRegistry,
  options: NodeOcrOptions = {},
): Promise<OcrService> {
  return createOcrService({
    registry,
    decoder: sharpDecoder({ maxPixels: options.maxPixels }),
    dictionary: await readFile(builtinOcrDictionary(), 'utf8'),
    maxImageBytes: options.maxImageBytes,
    minConfidence: options.minConfidence,
    pipeline: options.pipeline,
  })
}
