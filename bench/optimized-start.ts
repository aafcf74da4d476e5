/**
 * `pnpm -F @modelport/bench bench:start`: how long creating a session takes for the built-in PP-OCRv4
 * models, from the model file (optimized at level `all` on every start) against from the saved
 * optimized graph (`createOptimizedSession` with the cache warm), and the first start that saves it.
 * Each model is warmed once, then the two ways alternate for `--rounds` rounds (A B, then B A), so
 * the page cache and the machine's load fall on both alike; medians and their ratio. With `--server`,
 * also the whole server with its built-in models (each OCR model in two worker threads), each start a
 * new process, from `startServer` until `/v2/health/ready` answers 200, with the cache off against warm,
 * alternating for `--server-rounds`.
 *
 *   pnpm -F @modelport/bench bench:start [--rounds 15] [--server [--server-rounds 4]]
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import { builtinModels } from '../packages/server/src/models/builtin.ts'
import { startServer } from '../packages/server/src/node.ts'
import { createOptimizedSession } from '../packages/server/src/runtime/onnx/optimized-model-cache.ts'
import { median } from './lib/stats.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    'server-rounds': { type: 'string', default: '4' },
    server: { type: 'boolean', default: false },
    'ready-child': { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
const serverRounds = Number(values['server-rounds'])
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

const cache = values['ready-child'] ? '' : await mkdtemp(join(tmpdir(), 'modelport-bench-start-'))
if (values['ready-child']) {
  await readyChild()
  process.exit(0)
}
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
  if (values.server) await serverReady()
} finally {
  await rm(cache, { recursive: true, force: true })
}

/**
 * Milliseconds from `startServer` to a 200 from `/v2/health/ready` in a new process (a real restart:
 * nothing loaded, and in-process restarts of a server with worker threads are not what is measured).
 */
function timeToReady(cacheDir: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--ready-child'],
    {
      env: {
        ...process.env,
        MODELPORT_CACHE_DIR: cacheDir,
        MODELPORT_BENCH_MODELS: join(cache, 'no-models'),
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  )
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  return new Promise((done, fail) =>
    child.on('exit', (code) => {
      const ms = Number(/^ready (\S+)$/m.exec(out)?.[1])
      if (code === 0 && Number.isFinite(ms)) done(ms)
      else fail(new Error(`the server process ended with ${code}: ${out}`))
    }),
  )
}

async function readyChild() {
  const started = performance.now()
  const quiet = { debug() {}, info() {}, warn() {}, error() {} }
  const modelsDir = process.env.MODELPORT_BENCH_MODELS as string
  const server = await startServer({ port: 0, host: '127.0.0.1', modelsDir, log: quiet })
  for (;;) {
    const response = await fetch(`${server.url}/v2/health/ready`)
    await response.body?.cancel()
    if (response.status === 200) break
    await new Promise((done) => setTimeout(done, 5))
  }
  console.log(`ready ${performance.now() - started}`)
  // The process ends here (`process.exit` in the caller): what is measured is the start.
}

async function serverReady() {
  const warm = join(cache, 'server')
  await timeToReady(warm)
  const off: number[] = []
  const cached: number[] = []
  for (let round = 0; round < serverRounds; round++) {
    const order = round % 2 === 0 ? (['off', warm] as const) : ([warm, 'off'] as const)
    for (const dir of order) (dir === 'off' ? off : cached).push(await timeToReady(dir))
  }
  const [a, b] = [median(off), median(cached)]
  console.log(
    `server with the built-in models ready: cache off ${a.toFixed(0)} ms, warm ${b.toFixed(0)} ms (ratio ${(b / a).toFixed(2)}); medians of ${serverRounds}`,
  )
}
