/**
 * `pnpm -F @modelport/bench bench:start`: how long creating a session takes for the built-in PP-OCRv4
 * models, from the model file (optimized at level `all` on every start) against from the saved
 * optimized graph (`createOptimizedSession` with the cache warm), and the first start that saves it.
 * Each model is warmed once, then the two ways alternate for `--rounds` rounds (A B, then B A), so
 * the page cache and the machine's load fall on both alike; medians and their ratio.
 *
 *   pnpm -F @modelport/bench bench:start [--rounds 15]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import { builtinModels } from '../packages/server/src/models/builtin.ts'
import { createOptimizedSession } from '../packages/server/src/runtime/onnx/optimized-model-cache.ts'
import { median } from './lib/stats.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } })
const rounds = Number(values.rounds)
// The options modelport creates sessions with by default (see inline-session.ts).
const options: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  logSeverityLevel: 3,
}

async function timed(create: () => Promise<ort.InferenceSession>): Promise<number> {
  const started = performance.now()
  const session = await create()
  const ms = performance.now() - started
  await session.release()
  return ms
}

const cache = await mkdtemp(join(tmpdir(), 'modelport-bench-start-'))
console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
try {
  for (const name of ['ppocr-v4-det', 'ppocr-v4-rec']) {
    const file = builtinModels()
      .find((model) => model.name === name)
      ?.versions.get('1') as string
    const fromFile = () => ort.InferenceSession.create(file, options)
    const fromCache = async () => {
      const { session, outcome } = await createOptimizedSession(file, options, { optimizedModelCache: cache })
      if (outcome !== 'reused') throw new Error(`expected a reused graph, got ${outcome}`)
      return session
    }
    await timed(fromFile)
    const firstStart = await timed(
      async () => (await createOptimizedSession(file, options, { optimizedModelCache: cache })).session,
    )
    const plain: number[] = []
    const saved: number[] = []
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        plain.push(await timed(fromFile))
        saved.push(await timed(fromCache))
      } else {
        saved.push(await timed(fromCache))
        plain.push(await timed(fromFile))
      }
    }
    const [a, b] = [median(plain), median(saved)]
    console.log(
      `${name}: from the file ${a.toFixed(1)} ms, from the saved graph ${b.toFixed(1)} ms (ratio ${(b / a).toFixed(2)}), first start that saves ${firstStart.toFixed(1)} ms; medians of ${rounds}`,
    )
  }
} finally {
  await rm(cache, { recursive: true, force: true })
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
