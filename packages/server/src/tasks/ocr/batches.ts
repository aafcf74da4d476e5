/**
 * Line batches as the reference makes them: lines sorted by aspect ratio (width / height), then cut into
 * runs, so lines of similar width share a run and padding stays small.
 */
import type { RgbImage } from './types.js'

export const aspect = (crop: RgbImage) => crop.width / crop.height

/**
 * Crop indices in batches of at most `size`, narrowest aspect first; with `columns`, a batch also ends
 * before its lines × its width (`widthOf` its members) would pass that many columns.
 */
export function aspectBatches(
  crops: readonly RgbImage[],
  size: number,
  columns = Number.POSITIVE_INFINITY,
  widthOf: (members: RgbImage[]) => number = () => 0,
): number[][] {
  const order = crops
    .map((_, i) => i)
    .sort((a, b) => aspect(crops[a] as RgbImage) - aspect(crops[b] as RgbImage))
  const batches: number[][] = []
  let current: number[] = []
  for (const index of order) {
    const next = [...current, index]
    const full = next.length > size || next.length * widthOf(next.map((i) => crops[i] as RgbImage)) > columns
    if (current.length > 0 && full) {
      batches.push(current)
      current = [index]
    } else current = next
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/**
 * Runs of one image in flight at once: enough to keep two model workers busy with one queued behind
 * each, few enough that a page of a thousand lines never holds a thousand inputs and outputs (a line's
 * recognizer output alone is steps × 6625 floats, 1–10 MB).
 */
export const IN_FLIGHT = 4

/** Runs `task` on every item, at most `limit` at once, starting them in order. */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0
  const runner = async () => {
    while (next < items.length) await task(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, runner))
}
