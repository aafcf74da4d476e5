/**
 * `pnpm -F @modelport/bench bench:ocr`: the same images through modelport's `POST /v1/ocr` (server round
 * trip included) and through `@gutenye/ocr-node` in-process, alternating A B / B A per image and round.
 * Both run on the server core (core 0 when `taskset` exists), each with one ONNX Runtime thread; the
 * HTTP client runs in this process. Prints per-image latency (median, p90), the ratio and each one's
 * character error rate, and writes `results/ocr.json`.
 *
 *   pnpm -F @modelport/bench bench:ocr [--rounds 15] [--warmup 2]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { editDistance, type RenderOptions, renderLines } from '../packages/server/test/ocr/support.ts'
import { pinning, startChild } from './lib/processes.ts'
import { median, percentile } from './lib/stats.ts'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '15' }, warmup: { type: 'string', default: '2' } },
})
const rounds = Number(values.rounds)
const warmup = Number(values.warmup)

const RECEIPT = [
  'Corner Bakery & Cafe',
  '12 Market Street, Springfield',
  'Sourdough loaf 4.50',
  'Cinnamon roll x2 7.00',
  'Flat white 3.80',
  'Total $15.30',
  'Thank you, come again!',
]
const PARAGRAPH = [
  'Optical character recognition turns pictures of text',
  'into text that programs can search, index and edit.',
  'A detector first finds where each line of text is;',
  'a recognizer then reads each line it was given, and a',
  'small classifier turns lines that are upside down.',
  'Every step runs on the CPU in a few hundred milliseconds.',
  'The models come from PaddleOCR and run on ONNX Runtime.',
  'Nothing is downloaded at run time: they ship with npm.',
]
const IMAGES: { name: string; lines: string[]; options: RenderOptions }[] = [
  { name: 'short line', lines: ['Invoice 2024-0117'], options: {} },
  {
    name: 'long line',
    lines: ['Meeting moved to Thursday at 10:30 in room B-12, bring the slides'],
    options: {},
  },
  {
    name: 'receipt (7 lines, JPEG)',
    lines: RECEIPT,
    options: { fontSize: 22, lineHeight: 1.5, format: 'jpeg' },
  },
  { name: 'paragraph (8 lines, 18 px)', lines: PARAGRAPH, options: { fontSize: 18, lineHeight: 1.4 } },
  {
    name: 'large page (WebP, 1600 px)',
    lines: PARAGRAPH.slice(0, 5),
    options: { fontSize: 48, lineHeight: 2, format: 'webp' },
  },
  {
    name: 'serif (Liberation Serif)',
    lines: RECEIPT.slice(2, 6),
    options: { fontFamily: 'Liberation Serif', fontSize: 26 },
  },
]
const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const

interface Side {
  times: number[]
  texts: string[]
}

const rendered = await Promise.all(
  IMAGES.map(async (image) => ({ ...image, ...(await renderLines(image.lines, image.options)) })),
)

const empty = await mkdtemp(join(tmpdir(), 'modelport-bench-ocr-'))
const server = startChild('servers/modelport.ts', { role: 'server', args: ['--models', empty] })
const peer = startChild('servers/ocr-gutenye.ts', { role: 'server' })
try {
  const url = `http://127.0.0.1:${(await server.ready).ready}/v1/ocr`
  await peer.ready

  const modelport = async (image: (typeof rendered)[number]): Promise<{ ms: number; texts: string[] }> => {
    const started = performance.now()
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': MIME[image.options.format ?? 'png'] },
      body: image.file,
    })
    const body = (await response.json()) as { lines: { text: string }[] }
    const ms = performance.now() - started
    if (!response.ok) throw new Error(`modelport answered ${response.status}: ${JSON.stringify(body)}`)
    return { ms, texts: body.lines.map((line) => line.text) }
  }
  const gutenye = (image: (typeof rendered)[number]) =>
    peer.request<{ ms: number; texts: string[] }>({ image: Buffer.from(image.file).toString('base64') })

  const sides = rendered.map(() => ({
    modelport: { times: [], texts: [] } as Side,
    gutenye: { times: [], texts: [] } as Side,
  }))
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [index, image] of rendered.entries()) {
      const order =
        (round + index) % 2 === 0 ? (['modelport', 'gutenye'] as const) : (['gutenye', 'modelport'] as const)
      for (const name of order) {
        const result = await (name === 'modelport' ? modelport(image) : gutenye(image))
        const side = sides[index]?.[name] as Side
        if (round >= warmup) side.times.push(result.ms)
        side.texts = result.texts
      }
    }
    console.error(`round ${round + 1}/${warmup + rounds}${round < warmup ? ' (warm-up)' : ''}`)
  }

  const summary = (side: Side, truth: string[]) => {
    const sorted = Float64Array.from(side.times).sort()
    const text = side.texts.join('\n')
    const want = truth.join('\n')
    return {
      medianMs: median(side.times),
      p90Ms: percentile(sorted, 90),
      edits: editDistance(text, want),
      characters: [...want].length,
      cer: editDistance(text, want) / [...want].length,
      text,
    }
  }
  const images = rendered.map((image, index) => {
    const pair = sides[index] as { modelport: Side; gutenye: Side }
    const a = summary(pair.modelport, image.lines)
    const b = summary(pair.gutenye, image.lines)
    return {
      name: image.name,
      width: image.width,
      height: image.height,
      modelport: a,
      gutenye: b,
      ratio: b.medianMs / a.medianMs,
    }
  })
  const total = (key: 'modelport' | 'gutenye') =>
    images.reduce((sum, i) => sum + i[key].edits, 0) / images.reduce((sum, i) => sum + i[key].characters, 0)
  const geometricMeanRatio = Math.exp(images.reduce((sum, i) => sum + Math.log(i.ratio), 0) / images.length)

  const cell = (value: string, width: number) => value.padStart(width)
  const lines = [
    `OCR: modelport POST /v1/ocr (HTTP round trip) vs @gutenye/ocr-node in-process; ${rounds} rounds, A B / B A`,
    `${'image'.padEnd(28)}${cell('size', 11)}${cell('mp p50', 9)}${cell('p90', 8)}${cell('gy p50', 9)}${cell('p90', 8)}${cell('ratio', 8)}${cell('mp CER', 9)}${cell('gy CER', 9)}`,
    ...images.map(
      (i) =>
        `${i.name.padEnd(28)}${cell(`${i.width}x${i.height}`, 11)}${cell(i.modelport.medianMs.toFixed(0), 9)}${cell(i.modelport.p90Ms.toFixed(0), 8)}${cell(i.gutenye.medianMs.toFixed(0), 9)}${cell(i.gutenye.p90Ms.toFixed(0), 8)}${cell(`${i.ratio.toFixed(2)}x`, 8)}${cell(`${(100 * i.modelport.cer).toFixed(1)}%`, 9)}${cell(`${(100 * i.gutenye.cer).toFixed(1)}%`, 9)}`,
    ),
    `per-image speed-up (geometric mean): ${geometricMeanRatio.toFixed(2)}x; CER overall: modelport ${(100 * total('modelport')).toFixed(2)}%, gutenye ${(100 * total('gutenye')).toFixed(2)}%`,
    'Latencies in ms; ratio = gutenye median / modelport median (above 1: modelport is faster).',
  ]
  console.log(lines.join('\n'))
  const results = {
    started: new Date().toISOString(),
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      pinning: pinning ?? 'none',
      rounds,
      warmup,
    },
    images,
    geometricMeanRatio,
    cer: { modelport: total('modelport'), gutenye: total('gutenye') },
    report: lines.join('\n'),
  }
  const dir = new URL('./results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  await writeFile(new URL('ocr.json', dir), `${JSON.stringify(results, null, 2)}\n`)
} finally {
  await Promise.all([server.stop(), peer.stop()])
  await rm(empty, { recursive: true, force: true })
}
