/**
 * The PP-OCR pipeline over decoded pixels: DB detection, a perspective crop per box, the 0°/180°
 * orientation classifier, and CTC recognition.
 */
import type { LoadedModel } from '../../runtime/types.js'
import { orient } from './classify.js'
import { cropLine, rotateQuarterTurn } from './crop.js'
import { DB_DEFAULTS, type DbOptions, detectBoxes } from './db-postprocess.js'
import { float, runSingle } from './model-call.js'
import { detectionInput, detectionSize } from './preprocess.js'
import { inReadingOrder } from './reading-order.js'
import { read } from './recognize.js'
import type { OcrLine, RgbImage } from './types.js'

export interface OcrModels {
  detection: LoadedModel
  recognition: LoadedModel
  /** Optional: without it, lines are read as they stand. */
  classifier?: LoadedModel
}

export interface PipelineOptions {
  /** The recognizer's classes: blank, the dictionary, space (see `ctcClasses`). */
  classes: readonly string[]
  /** The detector sees the image with its long side at most this (PaddleOCR: 960). */
  detectionLimitSide: number
  db: DbOptions
  /** Background added around each line for the classifier and recognizer, as a fraction of its height. */
  cropMargin: number
  /** A line is turned over when the classifier says 180° with more probability than this. */
  flipThreshold: number
  /** Most lines per recognizer run; lines of similar width share a run. */
  recognitionBatch: number
  /**
   * Most columns (lines × width) per recognizer run. Its cost per line grows with the batch on one
   * thread (cache misses), so only narrow lines are worth batching.
   */
  recognitionColumns: number
  classifierBatch: number
}

export const PIPELINE_DEFAULTS: Omit<PipelineOptions, 'classes'> = {
  detectionLimitSide: 960,
  db: DB_DEFAULTS,
  cropMargin: 0.25,
  flipThreshold: 0.9,
  recognitionBatch: 8,
  recognitionColumns: 1024,
  classifierBatch: 16,
}

async function detect(image: RgbImage, model: LoadedModel, options: PipelineOptions) {
  const size = detectionSize(image.width, image.height, options.detectionLimitSide)
  const output = await runSingle(model, float([1, 3, size.height, size.width], detectionInput(image, size)))
  const map = { width: size.width, height: size.height, data: output.data as Float32Array }
  return detectBoxes(map, image.width, image.height, options.db)
}

/** Text lines in reading order, each at least `minConfidence` sure. */
export async function recognizeLines(
  image: RgbImage,
  models: OcrModels,
  options: PipelineOptions,
  minConfidence: number,
): Promise<OcrLine[]> {
  const boxes = await detect(image, models.detection, options)
  if (boxes.length === 0) return []
  let crops = boxes.map(({ box }) => {
    const crop = cropLine(image, box, options.cropMargin)
    // Much taller than wide: a line written top to bottom; the recognizer reads left to right.
    return crop.height >= crop.width * 1.5 ? rotateQuarterTurn(crop) : crop
  })
  if (models.classifier)
    crops = await orient(crops, models.classifier, options.classifierBatch, options.flipThreshold)
  const texts = await read(crops, models.recognition, options)
  const lines = boxes
    .map(({ box }, i): OcrLine => ({ ...(texts[i] as { text: string; confidence: number }), box }))
    .filter((line) => line.text !== '' && line.confidence >= minConfidence)
    // Four decimals say all a mean of probabilities can; more is noise in every response.
    .map((line) => ({ ...line, confidence: Math.round(line.confidence * 1e4) / 1e4 }))
  return inReadingOrder(lines)
}
