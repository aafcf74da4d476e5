/**
 * `pnpm -F @modelport/bench profile:ocr`: where each page of the accuracy suite spends its time inside
 * modelport's OCR pipeline (decode, detection pre-process, detection run, post-process, crops, classifier,
 * recognizer runs, decoding), in-process, with each page's character error rate.
 *
 *   pnpm -F @modelport/bench profile:ocr [--rounds 5] [--pipeline '{"cropMargin":0.25}']
 */
import { parseArgs } from 'node:util'
import { ACCURACY_SUITE } from '../packages/server/test/tasks/ocr/accuracy-suite.ts'
import { renderPage } from '../packages/server/test/tasks/ocr/pages.ts'
import { characterErrorRate, hasChineseFont, ocrApp } from '../packages/server/test/tasks/ocr/support.ts'
import { median } from './lib/stats.ts'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, pipeline: { type: 'string', default: '{}' } },
})
const rounds = Number(values.rounds)
const chinese = hasChineseFont()
const pages = await Promise.all(
  ACCURACY_SUITE.filter((page) => chinese || !page.chinese).map(async (page) => ({
    name: page.name,
    ...(await renderPage(page.options)),
  })),
)
// On the event loop (no pipeline threads), so each step's time can be read back.
const ocr = await ocrApp({ threads: 0, pipeline: JSON.parse(values.pipeline) })
const total = { edits: 0, characters: 0 }
try {
  for (const page of pages) {
    const stages: Record<string, number[]> = {}
    let text = ''
    for (let round = 0; round < rounds + 1; round++) {
      const timings: Record<string, number> = {}
      const result = await ocr.ocr.recognize(page.file, { timings })
      text = result.lines.map((line) => line.text).join('\n')
      if (round === 0) continue
      for (const [stage, ms] of Object.entries(timings)) {
        stages[stage] = [...(stages[stage] ?? []), ms]
      }
    }
    const cer = characterErrorRate(text, page.truth.join('\n'))
    const cells = Object.entries(stages).map(([stage, ms]) => `${stage} ${median(ms).toFixed(1)}`)
    console.log(
      `${page.name.padEnd(36)} ${`${page.width}x${page.height}`.padEnd(10)} CER ${(100 * cer).toFixed(1).padStart(5)}%  ${cells.join('  ')}`,
    )
    total.edits += cer * [...page.truth.join('\n')].length
    total.characters += [...page.truth.join('\n')].length
    if (cer > 0) console.log(`    got: ${JSON.stringify(text)}`)
  }
  console.log(`overall CER ${((100 * total.edits) / total.characters).toFixed(2)}%`)
} finally {
  await ocr.close()
}
