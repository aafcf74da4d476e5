/**
 * `pnpm -F @modelport/bench bench:ocr`: the accuracy suite's pages (English, Chinese, mixed, columns,
 * turned pages, small print, a noisy JPEG receipt, very wide and tall images) through modelport's
 * `POST /v1/ocr` (server round trip included) and through `@gutenye/ocr-node` in-process (its
 * `detect()` alone timed), the same PP-OCRv4 models, each with one ONNX Runtime thread.
 *
 * 1. Latency: alternating A B / B A per page and round, one request at a time; per page the median and
 *    p90, the ratio, and each one's character error rate. Both servers may use every core (modelport
 *    spreads one image's model runs over its workers; the peer runs them one after another), or with
 *    `--pin` both stay on the server core (core 0 when `taskset` exists).
 * 2. Throughput: both servers on every core, each in turn kept busy by 1, 2 and 4 clients cycling
 *    through the pages for a fixed time; images per second.
 *
 * Writes `results/ocr.json`.
 *
 *   pnpm -F @modelport/bench bench:ocr [--rounds 5] [--warmup 1] [--seconds 8] [--pin]
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ACCURACY_SUITE } from '../packages/server/test/tasks/ocr/accuracy-suite.ts'
import { type Page, renderPage } from '../packages/server/test/tasks/ocr/pages.ts'
import { editDistance, hasChineseFont } from '../packages/server/test/tasks/ocr/support.ts'
import { type Child, pinning, startChild } from './lib/processes.ts'
import { median, percentile } from './lib/stats.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '8' },
    pin: { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
const warmup = Number(values.warmup)
const seconds = Number(values.seconds)
const pinLatency = values.pin
const CONCURRENCY = [1, 2, 4]
const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const

type SideName = 'modelport' | 'gutenye'
interface Side {
  times: number[]
  texts: string[]
}

const chinese = hasChineseFont()
const pages: (Page & { name: string })[] = await Promise.all(
  ACCURACY_SUITE.filter((page) => chinese || !page.chinese).map(async (page) => ({
    name: page.name,
    ...(await renderPage(page.options)),
  })),
)

/** Lets a running child (and threads it starts later) use every core again. */
function unpin(child: Child) {
  if (pinning && child.process.pid)
    spawnSync('taskset', ['-a', '-p', '-c', `0-${cpus().length - 1}`, String(child.process.pid)])
}

const empty = await mkdtemp(join(tmpdir(), 'modelport-bench-ocr-'))
const server = startChild('servers/modelport.ts', { role: 'server', args: ['--models', empty] })
const peer = startChild('servers/ocr-gutenye.ts', { role: 'server' })
try {
  const url = `http://127.0.0.1:${(await server.ready).ready}/v1/ocr`
  await peer.ready
  if (!pinLatency) {
    unpin(server)
    unpin(peer)
  }

  const modelport = async (page: Page): Promise<{ ms: number; texts: string[] }> => {
    const started = performance.now()
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': MIME[page.format] },
      body: page.file,
    })
    const body = (await response.json()) as { lines: { text: string }[] }
    const ms = performance.now() - started
    if (!response.ok) throw new Error(`modelport answered ${response.status}: ${JSON.stringify(body)}`)
    return { ms, texts: body.lines.map((line) => line.text) }
  }
  const gutenye = (page: Page) =>
    peer.request<{ ms: number; texts: string[] }>({ image: Buffer.from(page.file).toString('base64') })
  const call = (name: SideName, page: Page) => (name === 'modelport' ? modelport(page) : gutenye(page))

  const sides = pages.map(() => ({
    modelport: { times: [], texts: [] } as Side,
    gutenye: { times: [], texts: [] } as Side,
  }))
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [index, page] of pages.entries()) {
      const order: SideName[] =
        (round + index) % 2 === 0 ? ['modelport', 'gutenye'] : ['gutenye', 'modelport']
      for (const name of order) {
        const result = await call(name, page)
        const side = sides[index]?.[name] as Side
        if (round >= warmup) side.times.push(result.ms)
        side.texts = result.texts
      }
    }
    console.error(`latency round ${round + 1}/${warmup + rounds}${round < warmup ? ' (warm-up)' : ''}`)
  }

  // Throughput: every core available to both, one side at a time.
  unpin(server)
  unpin(peer)
  const throughput: Record<SideName, Record<number, number>> = { modelport: {}, gutenye: {} }
  for (const concurrency of CONCURRENCY) {
    for (const name of ['modelport', 'gutenye'] as const) {
      let done = 0
      let next = 0
      const until = performance.now() + seconds * 1000
      const started = performance.now()
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < until) {
            await call(name, pages[next++ % pages.length] as Page)
            done++
          }
        }),
      )
      throughput[name][concurrency] = done / ((performance.now() - started) / 1000)
      console.error(
        `throughput ${name} c=${concurrency}: ${throughput[name][concurrency]?.toFixed(2)} images/s`,
      )
    }
  }

  const summary = (side: Side, truth: string[]) => {
    const sorted = Float64Array.from(side.times).sort()
    const text = side.texts.join('\n')
    const want = truth.join('\n')
    const edits = editDistance(text, want)
    return {
      medianMs: median(side.times),
      p90Ms: percentile(sorted, 90),
      edits,
      characters: [...want].length,
      cer: edits / [...want].length,
      text,
    }
  }
  const images = pages.map((page, index) => {
    const pair = sides[index] as { modelport: Side; gutenye: Side }
    const a = summary(pair.modelport, page.truth)
    const b = summary(pair.gutenye, page.truth)
    return {
      name: page.name,
      width: page.width,
      height: page.height,
      modelport: a,
      gutenye: b,
      ratio: b.medianMs / a.medianMs,
    }
  })
  const total = (key: SideName) =>
    images.reduce((sum, i) => sum + i[key].edits, 0) / images.reduce((sum, i) => sum + i[key].characters, 0)
  const geometricMeanRatio = Math.exp(images.reduce((sum, i) => sum + Math.log(i.ratio), 0) / images.length)
  const scaling = (key: SideName) => (throughput[key][2] as number) / (throughput[key][1] as number)

  const cell = (value: string, width: number) => value.padStart(width)
  const lines = [
    `OCR: modelport POST /v1/ocr (HTTP round trip) vs @gutenye/ocr-node in-process; ${rounds} rounds, A B / B A, ${pinLatency ? 'both on one core' : 'every core'}`,
    `${'image'.padEnd(36)}${cell('size', 11)}${cell('mp p50', 9)}${cell('p90', 8)}${cell('gy p50', 9)}${cell('p90', 8)}${cell('ratio', 8)}${cell('mp CER', 9)}${cell('gy CER', 9)}`,
    ...images.map(
      (i) =>
        `${i.name.padEnd(36)}${cell(`${i.width}x${i.height}`, 11)}${cell(i.modelport.medianMs.toFixed(0), 9)}${cell(i.modelport.p90Ms.toFixed(0), 8)}${cell(i.gutenye.medianMs.toFixed(0), 9)}${cell(i.gutenye.p90Ms.toFixed(0), 8)}${cell(`${i.ratio.toFixed(2)}x`, 8)}${cell(`${(100 * i.modelport.cer).toFixed(1)}%`, 9)}${cell(`${(100 * i.gutenye.cer).toFixed(1)}%`, 9)}`,
    ),
    `per-image speed-up (geometric mean): ${geometricMeanRatio.toFixed(2)}x, slowest page ${Math.min(...images.map((i) => i.ratio)).toFixed(2)}x; CER overall: modelport ${(100 * total('modelport')).toFixed(2)}%, gutenye ${(100 * total('gutenye')).toFixed(2)}%`,
    `images/s at concurrency ${CONCURRENCY.join(' / ')}: modelport ${CONCURRENCY.map((c) => throughput.modelport[c]?.toFixed(2)).join(' / ')} (c2/c1 ${scaling('modelport').toFixed(2)}x), gutenye ${CONCURRENCY.map((c) => throughput.gutenye[c]?.toFixed(2)).join(' / ')} (c2/c1 ${scaling('gutenye').toFixed(2)}x)`,
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
      seconds,
      latencyCores: pinLatency ? 'server core' : 'all',
    },
    images,
    geometricMeanRatio,
    cer: { modelport: total('modelport'), gutenye: total('gutenye') },
    throughput,
    report: lines.join('\n'),
  }
  const dir = new URL('./results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  await writeFile(new URL('ocr.json', dir), `${JSON.stringify(results, null, 2)}\n`)
} finally {
  await Promise.all([server.stop(), peer.stop()])
  await rm(empty, { recursive: true, force: true })
}
