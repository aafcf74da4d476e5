/**
 * `OcrService` over the model registry: the PP-OCR models by name (so a repository model of the same name
 * replaces a built-in), an injected image decoder, and the recognizer's dictionary.
 */
import { ModelportError, unavailable } from '../../core/errors.js'
import type { ModelRegistry } from '../../models/registry.js'
import { ctcClasses } from './ctc-decode.js'
import { type OcrModels, PIPELINE_DEFAULTS, type PipelineOptions, recognizeLines } from './pipeline.js'
import type { ImageDecoder, OcrService } from './types.js'

export interface OcrServiceOptions {
  registry: ModelRegistry
  decoder: ImageDecoder
  /** The recognizer's dictionary file: one character per line. */
  dictionary: string
  /** Registry names of the models (defaults: the built-in PP-OCRv4 ones). */
  models?: { detection?: string; recognition?: string; classifier?: string }
  /** Largest image file, in bytes (default 20 MiB). */
  maxImageBytes?: number
  /** Lines less sure than this are dropped unless a request says otherwise (default 0.5). */
  minConfidence?: number
  pipeline?: Partial<Omit<PipelineOptions, 'classes' | 'resizeLine'>>
}

export const OCR_MODELS = {
  detection: 'ppocr-v4-det',
  recognition: 'ppocr-v4-rec',
  classifier: 'ppocr-mobile-cls',
} as const

/** The OCR models from the registry by name, as they are now; 503 when one is not served or not ready. */
export function registryOcrModels(
  registry: ModelRegistry,
  given: OcrServiceOptions['models'] = {},
): () => OcrModels {
  const names = { ...OCR_MODELS, ...given }
  const ready = (name: string) => {
    try {
      return registry.ready(name).model
    } catch (error) {
      // A model this server does not serve at all is the server's gap, not the client's mistake.
      if (error instanceof ModelportError && error.status === 404)
        throw unavailable(
          'ocr_unavailable',
          `OCR needs the model '${name}', which this server does not serve.`,
        )
      throw error
    }
  }
  return () => ({
    detection: ready(names.detection),
    recognition: ready(names.recognition),
    classifier: ready(names.classifier),
  })
}

/**
 * The pipeline's settings: its defaults, what the options change, the dictionary's classes, and the
 * decoder's line resampler when it has one.
 */
export function ocrPipeline(
  dictionary: string,
  overrides: OcrServiceOptions['pipeline'] = {},
  decoder?: ImageDecoder,
): PipelineOptions {
  return {
    ...PIPELINE_DEFAULTS,
    ...overrides,
    classes: ctcClasses(dictionary),
    resizeLine: decoder?.resizeLine?.bind(decoder),
  }
}

export function createOcrService(options: OcrServiceOptions): OcrService {
  const pipeline = ocrPipeline(options.dictionary, options.pipeline, options.decoder)
  const defaultConfidence = options.minConfidence ?? 0.5
  const models = registryOcrModels(options.registry, options.models)
  return {
    model: 'ppocr-v4',
    maxImageBytes: options.maxImageBytes ?? 20 * 1024 * 1024,
    assertReady: () => void models(),
    async recognize(file, { minConfidence = defaultConfidence, timings } = {}) {
      const loaded = models()
      const started = performance.now()
      const image = await options.decoder.decode(file)
      if (timings) timings.decode = performance.now() - started
      const lines = await recognizeLines(image, loaded, pipeline, minConfidence, timings)
      return { model: 'ppocr-v4', width: image.width, height: image.height, lines }
    },
  }
}
