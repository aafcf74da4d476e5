/**
 * The PP-OCR pipeline over decoded pixels, step by step as PaddleOCR's reference `TextSystem`: DB
 * detection, a perspective crop per box (turned a quarter when it stands tall), the 0°/180° classifier,
 * CTC recognition, lines under the confidence floor dropped. Then reading order, computed with the page
 * turned the way most of its lines say is upright.
 */
import type { LoadedModel } from '../../runtime/types.js'
import { orient } from './classify.js'
import { cropQuad, rotateQuarterTurn } from './crop.js'
import { DB_DEFAULTS, type DbOptions, detectBoxes } from './db-postprocess.js'
import { orderCorners } from './geometry.js'
import { withMargin } from './line-margin.js'
import { float, runSingle } from './model-call.js'
import { detectionInput, detectionSize, type LimitType } from './preprocess.js'
import { inReadingOrder, type PageTurn, uprightPoint } from './reading-order.js'
import { readTextLines } from './recognize.js'
import type { OcrLine, Quad, RgbImage } from './types.js'

export interface OcrModels {
  detection: LoadedModel
  recognition: LoadedModel
  /** Optional: without it, lines are read as they stand. */
  classifier?: LoadedModel
}

export interface PipelineOptions {
  /** The recognizer's classes: blank, the dictionary, space (see `ctcClasses`). */
  classes: readonly string[]
  /** The detector's limit on the image's side (the reference's `det_limit_side_len`: 960). */
  detectionLimitSide: number
  /**
   * How that limit applies. The reference caps the long side ('max'); that shrinks a 2325 × 108 line to
   * 960 × 32 and its text below what DB finds (character error rate 73%), so the default caps the pixel
   * count at 960² instead ('area'), which keeps such lines whole (0%) and scales square pages alike.
   */
  detectionLimitType: LimitType
  db: DbOptions
  /** A line is turned over when the classifier says 180° with more probability than this (0.9). */
  flipThreshold: number
  /**
   * Lines per recognizer run (the reference's `rec_batch_num` is 6). On one CPU thread a line costs
   * more in a batch than alone (measured: 20 ms alone at 320 wide, 28 ms per line in a batch of 6), so
   * lines run one by one, concurrently, for the runtime to spread over its workers.
   */
  recognitionBatch: number
  /** Most columns (lines × width) per recognizer run. */
  recognitionColumns: number
  /**
   * The narrowest recognizer input. The reference pads every batch to at least its nominal 320; alone
   * in its run, a short line read the same without it (accuracy suite) at a third of the cost
   * (one run of 320 columns: 20 ms; of 110: 6 ms).
   */
  recognitionMinWidth: number
  /**
   * Background added around each line, as a fraction of its height. Not a reference step: DB's boxes are
   * tight, and PP-OCRv4 rec then drops the spaces between English words (accuracy suite: 10.4% overall
   * error without, 2.4% with 0.25; with bicubic line resizing 0.34% at 0.25, 0.29% at 0.15, 0.77% at
   * 0.4; with the crop box grown by 1.8 instead of 1.5, 0% at 0.1).
   */
  cropMargin: number
  /** Lines per classifier run (the reference's `cls_batch_num`: 6). */
  classifierBatch: number
  /** Lines classified per orientation group that votes (see `classifierSample`). */
  classifierSample: number
  /** The platform's line resampler (see `ImageDecoder.resizeLine`). */
  resizeLine?: (line: RgbImage, width: number, height: number) => Promise<RgbImage>
}

export const PIPELINE_DEFAULTS: Omit<PipelineOptions, 'classes'> = {
  detectionLimitSide: 960,
  detectionLimitType: 'area',
  db: DB_DEFAULTS,
  flipThreshold: 0.9,
  recognitionBatch: 1,
  recognitionColumns: 3200,
  recognitionMinWidth: 0,
  cropMargin: 0.1,
  classifierBatch: 6,
  classifierSample: 6,
}

/** Milliseconds per step of one image, summed over that step's runs. */
export type StageTimes = Record<string, number>

function stopwatch(times: StageTimes | undefined) {
  let last = performance.now()
  return {
    lap(stage: string) {
      const now = performance.now()
      if (times) times[stage] = (times[stage] ?? 0) + now - last
      last = now
    },
    add(stage: string, ms: number) {
      if (times) times[stage] = (times[stage] ?? 0) + ms
    },
    reset() {
      last = performance.now()
    },
  }
}

async function detectAt(
  image: RgbImage,
  size: { width: number; height: number },
  model: LoadedModel,
  options: PipelineOptions,
  watch: ReturnType<typeof stopwatch>,
) {
  const input = detectionInput(image, size)
  watch.lap('detPrepare')
  const output = await runSingle(model, float([1, 3, size.height, size.width], input))
  watch.lap('detRun')
  const map = { width: size.width, height: size.height, data: output.data as Float32Array }
  const boxes = detectBoxes(map, image.width, image.height, options.db)
  watch.lap('detPost')
  return boxes
}

/**
 * Detection within the pixel budget. A first pass at the reference's size (long side 960), repeated at
 * full size only when its text came out small, was tried: on the large page it lost the full stops at
 * line ends (1.0% character errors where full size reads it all), so every image takes one pass.
 */
async function detect(
  image: RgbImage,
  model: LoadedModel,
  options: PipelineOptions,
  watch: ReturnType<typeof stopwatch>,
) {
  const size = detectionSize(
    image.width,
    image.height,
    options.detectionLimitSide,
    options.detectionLimitType,
  )
  return detectAt(image, size, model, options, watch)
}

/** The turn most lines agree on; ties go to the smaller turn. */
function pageTurn(turns: PageTurn[]): PageTurn {
  const counts = [0, 0, 0, 0]
  for (const turn of turns) counts[turn] = (counts[turn] as number) + 1
  return counts.indexOf(Math.max(...counts)) as PageTurn
}

/** Text lines in reading order, each at least `minConfidence` sure. */
export async function recognizeLines(
  image: RgbImage,
  models: OcrModels,
  options: PipelineOptions,
  minConfidence: number,
  times?: StageTimes,
): Promise<OcrLine[]> {
  const watch = stopwatch(times)
  const boxes = await detect(image, models.detection, options, watch)
  if (boxes.length === 0) return []
  const tall = boxes.map(() => false)
  let crops = boxes.map(({ cropBox }, i) => {
    const crop = cropQuad(image, cropBox)
    // Much taller than wide: a line written top to bottom, or a turned page; the recognizer reads across.
    if (crop.height / crop.width < 1.5) return crop
    tall[i] = true
    return rotateQuarterTurn(crop)
  })
  watch.lap('crop')
  let turned = boxes.map(() => false)
  if (models.classifier) {
    const groups = tall.map((standing) => (standing ? 1 : 0))
    const oriented = await orient(crops, groups, models.classifier, {
      batchSize: options.classifierBatch,
      flipThreshold: options.flipThreshold,
      sample: options.classifierSample,
    })
    crops = oriented.crops
    turned = oriented.turned
    watch.lap('cls')
  }
  // The margin helps the recognizer, not the classifier (which reads the bare line best).
  crops = crops.map((crop) => withMargin(crop, options.cropMargin))
  watch.lap('crop')
  const texts = await readTextLines(crops, models.recognition, {
    classes: options.classes,
    recognitionBatch: options.recognitionBatch,
    recognitionColumns: options.recognitionColumns,
    minWidth: options.recognitionMinWidth,
    timed: (stage, ms) => watch.add(stage, ms),
    resizeLine: options.resizeLine,
  })
  watch.lap('rec')
  // A tall crop was turned a quarter counter-clockwise: its page stands turned a quarter clockwise.
  const turns = boxes.map((_, i): PageTurn => ((tall[i] ? 1 : 0) + (turned[i] ? 2 : 0)) as PageTurn)
  const lines = boxes
    .map(({ box }, i) => {
      const { text, confidence } = texts[i] as { text: string; confidence: number }
      // Four decimals say all a mean of probabilities can; the floor applies to what the client sees.
      return { text, confidence: Math.round(confidence * 1e4) / 1e4, box, turn: turns[i] as PageTurn }
    })
    .filter((line) => line.text !== '' && line.confidence >= minConfidence)
  const turn = pageTurn(lines.map((line) => line.turn))
  const ordered = inReadingOrder(
    lines.map((line) => ({ line, box: orderCorners(line.box.map((p) => uprightPoint(p, turn))) as Quad })),
  )
  watch.lap('order')
  return ordered.map(({ line }) => ({ text: line.text, confidence: line.confidence, box: line.box }))
}
