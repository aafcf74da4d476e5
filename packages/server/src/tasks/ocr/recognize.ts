/**
 * CTC recognition of line crops (PP-OCRv4 rec, SVTR-LCNet) as the reference's `TextRecognizer` runs it:
 * lines sorted by aspect and batched; each batch as wide as its widest line at 48 pixels high (never
 * narrower than the model's nominal 320), every line resized to 48 high keeping its aspect and padded
 * on the right with zeros; then decoded greedily against the dictionary.
 */
import type { LoadedModel } from '../../runtime/types.js'
import { aspect, aspectBatches, eachLimited, IN_FLIGHT } from './batches.js'
import { ctcGreedyDecode } from './ctc-decode.js'
import { float, runSingle } from './model-call.js'
import { LINE_HEIGHT, lineBatch, lineWidth, RECOGNIZER_WIDTH } from './preprocess.js'
import type { RgbImage } from './types.js'

/**
 * Wider lines are squeezed to this: the recognizer's cost and memory grow with width (the reference
 * has no bound; PaddleX uses the same 3200).
 */
export const MAX_LINE_WIDTH = 3200

/** The input width of a batch: 48 × its widest aspect, at least the nominal width, at most the bound. */
export function batchWidth(crops: readonly RgbImage[], minWidth = RECOGNIZER_WIDTH): number {
  const widest = Math.max(minWidth / LINE_HEIGHT, ...crops.map(aspect))
  // The reference truncates; a line's own width is rounded up, so it never loses its last column.
  return Math.min(
    MAX_LINE_WIDTH,
    Math.max(
      Math.trunc(LINE_HEIGHT * widest),
      ...crops.map((c) => lineWidth(c, LINE_HEIGHT, MAX_LINE_WIDTH)),
    ),
  )
}

export interface RecognizeOptions {
  /** Most recognizer runs of one image in flight at once (default `IN_FLIGHT`). */
  inFlight?: number
  /** Resizes a line to the recognizer's height (see `ImageDecoder.resizeLine`); bilinear without it. */
  resizeLine?: (line: RgbImage, width: number, height: number) => Promise<RgbImage>
  classes: readonly string[]
  recognitionBatch: number
  /** Most columns (lines × width) per run. */
  recognitionColumns: number
  /** The narrowest batch (the reference: its nominal 320). */
  minWidth: number
  /** Called with each batch's time spent preparing input and decoding (the rest of the step is runs). */
  timed?: (stage: 'recResize' | 'recPrepare' | 'ctc', ms: number) => void
}

/** Text and confidence per crop, in crop order; up to `inFlight` runs at once (the runtime may overlap them). */
export async function readTextLines(lines: RgbImage[], model: LoadedModel, options: RecognizeOptions) {
  const resize = options.resizeLine
  const texts: { text: string; confidence: number }[] = new Array(lines.length)
  const batches = aspectBatches(lines, options.recognitionBatch, options.recognitionColumns, (members) =>
    batchWidth(members, options.minWidth),
  )
  // A few runs in flight keep every model worker busy; only their inputs and outputs are held at once.
  await eachLimited(batches, options.inFlight ?? IN_FLIGHT, async (batch) => {
    const started = performance.now()
    const members = resize
      ? await Promise.all(
          batch.map((i) => {
            const line = lines[i] as RgbImage
            return resize(line, lineWidth(line, LINE_HEIGHT, MAX_LINE_WIDTH), LINE_HEIGHT)
          }),
        )
      : batch.map((i) => lines[i] as RgbImage)
    const resized = performance.now()
    options.timed?.('recResize', resized - started)
    const width = batchWidth(members, options.minWidth)
    const input = lineBatch(members, LINE_HEIGHT, width)
    options.timed?.('recPrepare', performance.now() - resized)
    const output = await runSingle(model, float([batch.length, 3, LINE_HEIGHT, width], input))
    const ran = performance.now()
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
    options.timed?.('ctc', performance.now() - ran)
  })
  return texts
}
