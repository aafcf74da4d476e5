/**
 * CTC recognition of line crops (PP-OCRv4 rec, SVTR-LCNet): crops of similar width share a run, each
 * resized to 48 pixels high, then decoded greedily against the dictionary.
 */
import type { LoadedModel } from '../../runtime/types.js'
import { ctcGreedyDecode } from './ctc-decode.js'
import { float, runSingle } from './model-call.js'
import { LINE_HEIGHT, lineBatch, lineWidth } from './preprocess.js'
import type { RgbImage } from './types.js'

/** Wider lines are squeezed: the recognizer's cost grows with width, and so does its memory. */
const MAX_LINE_WIDTH = 3200
/** A batch takes lines up to this much wider than its narrowest, so padding stays small. */
const BATCH_WIDTH_SPREAD = 1.3

/**
 * Groups crop indices into batches of similar width, narrowest first, each at most `maxLines` lines and
 * `maxColumns` columns in all (lines × the batch's width).
 */
export function widthBatches(
  widths: readonly number[],
  maxLines: number,
  maxColumns: number,
  spread = BATCH_WIDTH_SPREAD,
): number[][] {
  const order = widths.map((_, i) => i).sort((a, b) => (widths[a] as number) - (widths[b] as number))
  const batches: number[][] = []
  let current: number[] = []
  for (const index of order) {
    const width = widths[index] as number
    const first = current[0]
    const full =
      current.length === maxLines ||
      (current.length + 1) * width > maxColumns ||
      (first !== undefined && width > (widths[first] as number) * spread)
    if (current.length > 0 && full) {
      batches.push(current)
      current = []
    }
    current.push(index)
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/** Text and confidence per crop, in crop order. */
export async function read(
  crops: RgbImage[],
  model: LoadedModel,
  options: { classes: readonly string[]; recognitionBatch: number; recognitionColumns: number },
) {
  const widths = crops.map((crop) => lineWidth(crop, LINE_HEIGHT, MAX_LINE_WIDTH))
  const texts: { text: string; confidence: number }[] = new Array(crops.length)
  for (const batch of widthBatches(widths, options.recognitionBatch, options.recognitionColumns)) {
    // The recognizer steps every 8 pixels: round up so the last characters get a step of their own.
    const width = Math.ceil(Math.max(...batch.map((i) => widths[i] as number)) / 8) * 8
    const input = lineBatch(
      batch.map((i) => crops[i] as RgbImage),
      LINE_HEIGHT,
      width,
    )
    const output = await runSingle(model, float([batch.length, 3, LINE_HEIGHT, width], input))
    const [, steps, classes] = output.shape as [number, number, number]
    if (classes !== options.classes.length) {
      throw new Error(
        `The recognizer has ${classes} classes but the dictionary gives ${options.classes.length}.`,
      )
    }
    batch.forEach((cropIndex, i) => {
      const decoded = ctcGreedyDecode(
        output.data as Float32Array,
        steps,
        options.classes,
        i * steps * classes,
      )
      texts[cropIndex] = { text: decoded.text.trim(), confidence: decoded.confidence }
    })
  }
  return texts
}
