/**
 * The shapes the OCR task passes between its steps, and what the HTTP layer needs from it. Nothing here
 * decodes images or runs models: the Node entry injects an `ImageDecoder`, the registry the models.
 */

/** A point in image pixels, `[x, y]`. */
export type Point = [number, number]

/** Four corners: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point]

/** Decoded pixels, 3 bytes per pixel (R, G, B), row after row. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

/** Turns an image file (PNG, JPEG, WebP) into pixels; throws `ModelportError` 400/413/415 for bad files. */
export interface ImageDecoder {
  decode(file: Uint8Array): Promise<RgbImage>
  /**
   * Resizes a cut-out line for the recognizer, where the platform has a native resampler (sharp's
   * bicubic on Node, off the event loop). Without it, lines are resized bilinearly in JavaScript.
   */
  resizeLine?(line: RgbImage, width: number, height: number): Promise<RgbImage>
}

export interface OcrLine {
  text: string
  /** Mean probability of the recognized characters, 0–1. */
  confidence: number
  box: Quad
}

export interface OcrResult {
  model: string
  width: number
  height: number
  /** In reading order: top to bottom, left to right within a row. */
  lines: OcrLine[]
}

export interface RecognizeOptions {
  /** Lines less sure than this are dropped. */
  minConfidence?: number
  /** Filled with the milliseconds each step took (decode, detection, crops, classifier, recognizer). */
  timings?: Record<string, number>
}

/** Text recognition as the `/v1/ocr` route uses it. */
export interface OcrService {
  /** The name reported in responses. */
  readonly model: string
  /** Largest image file accepted, in bytes. */
  readonly maxImageBytes: number
  /** Throws `ModelportError` 503 unless every model it needs is loaded. */
  assertReady(): void
  recognize(file: Uint8Array, options?: RecognizeOptions): Promise<OcrResult>
  /** Stops what the service started (its worker threads), once no request is in flight. */
  close?(): Promise<void>
}
