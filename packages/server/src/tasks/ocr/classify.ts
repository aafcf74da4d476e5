/**
 * The 0°/180° orientation classifier (PaddleOCR's mobile cls). The reference's `TextClassifier` resizes
 * each line to 48 high and squeezes it into 192 wide; squeezed, long lines are guessed (an upright line
 * of 34 characters read 100% upside down with a margin, 46% without; three upside-down lines 67%, 81%,
 * 100%). So the classifier reads windows of its own 4:1 aspect (left, middle, right) and each line takes
 * their mean: on the accuracy suite every upright line then scored ≤ 0.07 and every turned one ≥ 0.99.
 * Label 1 means upside down; the flip threshold is the reference's.
 */
import type { LoadedModel } from '../../runtime/types.js'
import { aspectBatches, eachLimited, IN_FLIGHT } from './batches.js'
import { columns, rotateHalfTurn } from './crop.js'
import { float, runSingle } from './model-call.js'
import { CLASSIFIER_WIDTH, LINE_HEIGHT, lineBatch } from './preprocess.js'
import type { RgbImage } from './types.js'

/** Up to three windows of the classifier's 4:1 aspect (left, middle, right) from a line. */
export function classifierWindows(crop: RgbImage): RgbImage[] {
  const width = Math.round((crop.height * CLASSIFIER_WIDTH) / LINE_HEIGHT)
  if (width >= crop.width) return [crop]
  const count = Math.min(3, Math.ceil(crop.width / width))
  return Array.from({ length: count }, (_, k) =>
    columns(crop, Math.round(((crop.width - width) * k) / (count - 1)), width),
  )
}

/** Each crop's probability of being upside down: the mean over its windows. */
export async function upsideDownProbabilities(
  crops: readonly RgbImage[],
  model: LoadedModel,
  batchSize: number,
): Promise<Float32Array> {
  const owners: number[] = []
  const windows = crops.flatMap((crop, index) =>
    classifierWindows(crop).map((window) => {
      owners.push(index)
      return window
    }),
  )
  const sums = new Float32Array(crops.length)
  const counts = new Uint8Array(crops.length)
  await eachLimited(aspectBatches(windows, batchSize), IN_FLIGHT, async (batch) => {
    const input = lineBatch(
      batch.map((i) => windows[i] as RgbImage),
      LINE_HEIGHT,
      CLASSIFIER_WIDTH,
    )
    const output = await runSingle(model, float([batch.length, 3, LINE_HEIGHT, CLASSIFIER_WIDTH], input))
    const scores = output.data as Float32Array
    batch.forEach((windowIndex, i) => {
      const owner = owners[windowIndex] as number
      sums[owner] = (sums[owner] as number) + (scores[i * 2 + 1] as number)
      counts[owner] = (counts[owner] as number) + 1
    })
  })
  return sums.map((sum, i) => sum / (counts[i] as number))
}

/**
 * Which crops to turn over. A line alone follows the reference: turned when "180°" wins with more than
 * `flipThreshold`. Lines of one page usually share its orientation, so where a group (the lines cut
 * the same way: lying or standing) has at least `vote` lines, the group turns together when the
 * width-weighted mean says upside down; one hard line of a turned page no longer stays upside down.
 */
export function flips(
  crops: readonly RgbImage[],
  probabilities: Float32Array,
  groups: readonly number[],
  flipThreshold: number,
  vote = VOTE,
): boolean[] {
  const decision = new Map<number, boolean>()
  for (const group of new Set(groups)) {
    const members = crops.map((_, i) => i).filter((i) => groups[i] === group)
    if (members.length < vote) continue
    // Lines left out of the sample (NaN) take the group's decision without weighing in.
    const voters = members.filter((i) => !Number.isNaN(probabilities[i]))
    const weight = voters.reduce((sum, i) => sum + (crops[i] as RgbImage).width, 0)
    const mean = voters.reduce(
      (sum, i) => sum + (probabilities[i] as number) * (crops[i] as RgbImage).width,
      0,
    )
    decision.set(group, mean / weight > 0.5)
  }
  return crops.map(
    (_, i) => decision.get(groups[i] as number) ?? (probabilities[i] as number) > flipThreshold,
  )
}

/** Lines a group needs for a vote. */
const VOTE = 3

/**
 * The lines worth classifying: all of a small group, the `sample` widest of a group that votes (more
 * lines would not change a vote the widest already carry, and each costs up to three runs).
 */
export function classifierSample(
  crops: readonly RgbImage[],
  groups: readonly number[],
  sample: number,
): Set<number> {
  const chosen = new Set<number>()
  for (const group of new Set(groups)) {
    const members = crops.map((_, i) => i).filter((i) => groups[i] === group)
    const widest = members.sort((a, b) => (crops[b] as RgbImage).width - (crops[a] as RgbImage).width)
    for (const i of members.length < VOTE ? members : widest.slice(0, sample)) chosen.add(i)
  }
  return chosen
}

/** Turns over the crops the classifier reads as upside down (see `flips`); says which it turned. */
export async function orient(
  crops: RgbImage[],
  groups: readonly number[],
  model: LoadedModel,
  options: { batchSize: number; flipThreshold: number; sample: number },
): Promise<{ crops: RgbImage[]; turned: boolean[] }> {
  const sample = [...classifierSample(crops, groups, options.sample)]
  const sampled = await upsideDownProbabilities(
    sample.map((i) => crops[i] as RgbImage),
    model,
    options.batchSize,
  )
  const probabilities = new Float32Array(crops.length).fill(Number.NaN)
  sample.forEach((cropIndex, k) => {
    probabilities[cropIndex] = sampled[k] as number
  })
  const turned = flips(crops, probabilities, groups, options.flipThreshold)
  return { crops: crops.map((crop, i) => (turned[i] ? rotateHalfTurn(crop) : crop)), turned }
}
