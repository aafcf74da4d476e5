/**
 * The 0°/180° orientation classifier (PaddleOCR's mobile cls): lines it reads as upside down are turned.
 */
import type { LoadedModel } from '../../runtime/types.js'
import { columns, rotateHalfTurn } from './crop.js'
import { float, runSingle } from './model-call.js'
import { CLASSIFIER_WIDTH, LINE_HEIGHT, lineBatch } from './preprocess.js'
import type { RgbImage } from './types.js'

/**
 * Up to three windows of the classifier's own aspect (left, middle, right) from a line. Squeezing a long
 * line into the classifier's 192 × 48 input makes it guess; windows at the natural aspect it reads well.
 */
export function classifierWindows(crop: RgbImage): RgbImage[] {
  const width = Math.round((crop.height * CLASSIFIER_WIDTH) / LINE_HEIGHT)
  if (width >= crop.width) return [crop]
  const count = Math.min(3, Math.ceil(crop.width / width))
  return Array.from({ length: count }, (_, k) =>
    columns(crop, Math.round(((crop.width - width) * k) / (count - 1)), width),
  )
}

/** Turns over the crops that the classifier reads as upside down (mean over their windows). */
export async function orient(
  crops: RgbImage[],
  model: LoadedModel,
  batchSize: number,
  flipThreshold: number,
): Promise<RgbImage[]> {
  const windows = crops.flatMap((crop, index) => classifierWindows(crop).map((window) => ({ index, window })))
  const flipped = new Float64Array(crops.length)
  const counts = new Uint8Array(crops.length)
  for (let start = 0; start < windows.length; start += batchSize) {
    const batch = windows.slice(start, start + batchSize)
    const input = lineBatch(
      batch.map((w) => w.window),
      LINE_HEIGHT,
      CLASSIFIER_WIDTH,
    )
    const output = await runSingle(model, float([batch.length, 3, LINE_HEIGHT, CLASSIFIER_WIDTH], input))
    const probabilities = output.data as Float32Array
    batch.forEach(({ index }, i) => {
      flipped[index] = (flipped[index] as number) + (probabilities[i * 2 + 1] as number)
      counts[index] = (counts[index] as number) + 1
    })
  }
  return crops.map((crop, i) =>
    (flipped[i] as number) / (counts[i] as number) > flipThreshold ? rotateHalfTurn(crop) : crop,
  )
}
