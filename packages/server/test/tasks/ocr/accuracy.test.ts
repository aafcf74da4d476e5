/**
 * The accuracy suite: every page of `accuracy-suite.ts` through `POST /v1/ocr` over the real PP-OCR
 * models; each page's character error rate (lines joined by newlines, so order counts) may not rise
 * above its pinned baseline, and the whole suite stays at most 1%. After a change that lowers a rate,
 * `OCR_WRITE_BASELINE=1` rewrites the baseline file with the new figures.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCURACY_SUITE } from './accuracy-suite.js'
import { type Page, renderPage } from './pages.js'
import { editDistance, hasChineseFont, type OcrBody, ocrApp, postOcr } from './support.js'

const BASELINE_FILE = new URL('./accuracy-baseline.json', import.meta.url)
const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Record<string, number>
const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const
const chinese = hasChineseFont()
const measured: Record<string, { edits: number; characters: number }> = {}

let ocr: Awaited<ReturnType<typeof ocrApp>>
beforeAll(async () => {
  ocr = await ocrApp()
})
afterAll(async () => {
  await ocr.close()
  if (process.env.OCR_WRITE_BASELINE && Object.keys(measured).length === ACCURACY_SUITE.length) {
    const rates = Object.fromEntries(
      Object.entries(measured).map(([name, m]) => [name, Math.round((m.edits / m.characters) * 1e4) / 1e4]),
    )
    writeFileSync(BASELINE_FILE, `${JSON.stringify(rates, null, 2)}\n`)
  }
})

async function read(page: Page): Promise<string> {
  const { status, body } = await postOcr(ocr.app, {
    body: page.file,
    headers: { 'content-type': MIME[page.format] },
  })
  expect(status, JSON.stringify(body)).toBe(200)
  return (body as OcrBody).lines.map((line) => line.text).join('\n')
}

describe('accuracy suite', () => {
  it.each(ACCURACY_SUITE.map((page) => [page.name, page] as const))(
    '%s: character error rate at most its baseline',
    async (name, suitePage) => {
      if (suitePage.chinese && !chinese) return
      const page = await renderPage(suitePage.options)
      const truth = page.truth.join('\n')
      const text = await read(page)
      const edits = editDistance(text, truth)
      const characters = [...truth].length
      measured[name] = { edits, characters }
      const pinned = baseline[name]
      expect(pinned, `no baseline for '${name}'`).toBeTypeOf('number')
      // Baselines are stored to four decimals: allow that rounding, nothing more.
      expect(edits / characters, `read ${JSON.stringify(text)}`).toBeLessThanOrEqual(
        (pinned as number) + 5e-5,
      )
    },
  )

  it('reads the whole suite with at most 1% character errors', () => {
    const pages = Object.values(measured)
    expect(pages.length).toBeGreaterThan(0)
    const edits = pages.reduce((sum, m) => sum + m.edits, 0)
    const characters = pages.reduce((sum, m) => sum + m.characters, 0)
    expect(edits / characters).toBeLessThanOrEqual(0.01)
  })
})
