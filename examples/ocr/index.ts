/**
 * Text in an image, with the built-in PP-OCR models. With `pnpm start` running, from the repository root:
 * `pnpm -F @modelport/examples run example ocr [image.png]`.
 */
import { readFile } from 'node:fs/promises'
import { createModelport } from '@modelport/sdk'

const mp = createModelport({ baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080' })

// PNG, JPEG or WebP bytes; the SDK sends them as they are and tells the type from the first byte.
const image = new Uint8Array(await readFile(process.argv[2] ?? new URL('receipt.png', import.meta.url)))
const { model, width, height, lines } = await mp.ocr.recognize({ image, min_confidence: 0.5 })

console.log(`${model}: ${lines.length} lines in ${width}×${height}`)
// In reading order; `box` holds the four corners in pixels, clockwise from the top left.
for (const { text, confidence, box } of lines)
  console.log(`${confidence.toFixed(2)} ${JSON.stringify(box)} ${text}`)
