/** `POST /v1/ocr` end to end over the real PP-OCR models: text rendered from known strings comes back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertMatchesContract } from '../../support/contract.js'
import {
  characterErrorRate,
  editDistance,
  hasChineseFont,
  type ImageFormat,
  type OcrBody,
  ocrApp,
  postOcr,
  type Rendered,
  renderLines,
} from './support.js'

const ENGLISH = [
  'The quick brown fox jumps over the lazy dog.',
  'Invoice 2024-0117: total $1,284.50',
  'Pay within 30 days to account 55-203.',
  'Meeting moved to Thursday at 10:30 in room B-12',
  'Call us at (555) 012-3456 or write to help@example.com',
  'Fresh bread, milk and eggs every morning',
]

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' }

let ocr: Awaited<ReturnType<typeof ocrApp>>
beforeAll(async () => {
  ocr = await ocrApp()
})
afterAll(() => ocr.close())

async function recognize(rendered: Rendered, format: ImageFormat = 'png', query = ''): Promise<OcrBody> {
  const { status, body } = await postOcr(
    ocr.app,
    { body: rendered.file, headers: { 'content-type': MIME[format] } },
    query,
  )
  expect(status, JSON.stringify(body)).toBe(200)
  assertMatchesContract('POST', '/v1/ocr', 200, body)
  return body as OcrBody
}

/** Edits and truth characters summed over lines, so the rate weighs every character once. */
function totals(pairs: [string, string][]) {
  const edits = pairs.reduce((sum, [got, want]) => sum + editDistance(got, want), 0)
  const characters = pairs.reduce((sum, [, want]) => sum + [...want].length, 0)
  return edits / characters
}

/** Whether the quad's bounds hold the ink (within 2 px) without being far taller than it. */
function boxHoldsInk(box: [number, number][], ink: Rendered['ink'][number]) {
  const xs = box.map((p) => p[0])
  const ys = box.map((p) => p[1])
  const slack = 2
  return (
    Math.min(...xs) <= ink.left + slack &&
    Math.max(...xs) >= ink.right - slack &&
    Math.min(...ys) <= ink.top + slack &&
    Math.max(...ys) >= ink.bottom - slack &&
    Math.max(...ys) - Math.min(...ys) <= 2 * (ink.bottom - ink.top + 1)
  )
}

describe('clean English lines', () => {
  it('reads each line, one per image, with a character error rate of at most 2%', async () => {
    const pairs: [string, string][] = []
    for (const line of ENGLISH) {
      const body = await recognize(await renderLines([line]))
      expect(body.lines).toHaveLength(1)
      pairs.push([body.lines[0]?.text ?? '', line])
    }
    for (const [got, want] of pairs)
      expect(characterErrorRate(got, want), `${got} ≠ ${want}`).toBeLessThanOrEqual(0.05)
    expect(totals(pairs)).toBeLessThanOrEqual(0.02)
  })

  it.each(['png', 'jpeg', 'webp'] as const)(
    'reads a multi-line %s in reading order, boxes around the ink',
    async (format) => {
      const rendered = await renderLines(ENGLISH.slice(0, 4), { format, fontSize: 24 })
      const body = await recognize(rendered, format)
      expect(body.width).toBe(rendered.width)
      expect(body.height).toBe(rendered.height)
      expect(body.model).toBe('ppocr-v4')
      expect(body.lines.map((l) => l.text)).toHaveLength(4)
      expect(totals(body.lines.map((l, i) => [l.text, ENGLISH[i] as string]))).toBeLessThanOrEqual(0.02)
      body.lines.forEach((line, i) => {
        expect(
          boxHoldsInk(line.box, rendered.ink[i] as Rendered['ink'][number]),
          JSON.stringify([line.box, rendered.ink[i]]),
        ).toBe(true)
        expect(line.confidence).toBeGreaterThan(0.8)
      })
    },
  )

  it('reads a dense paragraph without mixing neighbouring lines', async () => {
    const rendered = await renderLines(ENGLISH, { fontSize: 16, lineHeight: 1.2 })
    const body = await recognize(rendered)
    expect(body.lines).toHaveLength(ENGLISH.length)
    expect(totals(body.lines.map((l, i) => [l.text, ENGLISH[i] as string]))).toBeLessThanOrEqual(0.02)
  })

  it('turns an upside-down page over and reads it in its own order (the orientation classifier)', async () => {
    const lines = ENGLISH.slice(1, 4)
    const rendered = await renderLines(lines, { upsideDown: true })
    const body = await recognize(rendered)
    expect(body.lines).toHaveLength(3)
    expect(totals(body.lines.map((l, i) => [l.text, lines[i] as string]))).toBeLessThanOrEqual(0.02)
    // The page's first line is now at the bottom of the image (`ink` lists image rows top to bottom).
    body.lines.forEach((line, i) => {
      expect(boxHoldsInk(line.box, rendered.ink[lines.length - 1 - i] as Rendered['ink'][number])).toBe(true)
    })
  })

  it('leaves an upright page upright (the classifier reads windows, not squeezed lines)', async () => {
    const lines = ENGLISH.slice(1, 4)
    const body = await recognize(await renderLines(lines))
    expect(totals(body.lines.map((l, i) => [l.text, lines[i] as string]))).toBeLessThanOrEqual(0.02)
  })

  it('finds nothing on a blank image', async () => {
    const rendered = await renderLines([''], { width: 200 })
    expect((await recognize(rendered)).lines).toEqual([])
  })

  it('drops lines under min_confidence', async () => {
    const rendered = await renderLines(ENGLISH.slice(0, 3))
    const all = await recognize(rendered)
    const least = Math.min(...all.lines.map((l) => l.confidence))
    expect(least).toBeLessThan(1)
    const stricter = await recognize(rendered, 'png', `?min_confidence=${(least + 1e-9).toFixed(12)}`)
    expect(stricter.lines).toHaveLength(all.lines.length - 1)
    expect(stricter.lines.every((l) => l.confidence > least)).toBe(true)
  })
})

describe.skipIf(!hasChineseFont())('Chinese lines', () => {
  it('reads Chinese and mixed lines', async () => {
    const lines = ['你好，世界', '光学字符识别', '今天天气很好', '价格：128元']
    const rendered = await renderLines(lines, { fontFamily: 'WenQuanYi Micro Hei', fontSize: 32 })
    const body = await recognize(rendered)
    expect(body.lines).toHaveLength(lines.length)
    expect(totals(body.lines.map((l, i) => [l.text, lines[i] as string]))).toBeLessThanOrEqual(0.05)
  })
})
