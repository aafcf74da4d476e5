/**
 * The in-process baseline: ONNX Runtime's `session.run` called directly in this process, with the
 * session settings modelport uses by default, at a given concurrency.
 */
import * as ort from 'onnxruntime-node'
import { answerJobs } from '../lib/child-jobs.ts'
import type { BenchTensor } from '../lib/requests.ts'
import { requests } from '../lib/requests.ts'
import { type Measured, summarize } from '../lib/stats.ts'

export interface InProcessJob {
  model: string
  file: string
  connections: number
  seconds: number
  warmupSeconds: number
  /** Rows stacked along the first dimension (default 1): to time one batch's run. */
  rows?: number
}

const sessions = new Map<string, Promise<ort.InferenceSession>>()

function session(file: string) {
  let found = sessions.get(file)
  if (!found) {
    found = ort.InferenceSession.create(file, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    })
    sessions.set(file, found)
  }
  return found
}

const ortType = { FP32: 'float32', INT64: 'int64' } as const

function feeds(tensors: BenchTensor[], rows: number): Record<string, ort.Tensor> {
  return Object.fromEntries(
    tensors.map((t) => {
      if (rows === 1) return [t.name, new ort.Tensor(ortType[t.datatype], t.data, t.shape)]
      const data = new Float32Array(t.data.length * rows)
      for (let r = 0; r < rows; r++) data.set(t.data as Float32Array, r * t.data.length)
      return [t.name, new ort.Tensor('float32', data, [rows, ...t.shape.slice(1)])]
    }),
  )
}

async function run(job: InProcessJob, seconds: number): Promise<Measured> {
  const s = await session(job.file)
  const tensors = requests[job.model]?.tensors ?? []
  const times: number[] = []
  const until = performance.now() + seconds * 1000
  const started = performance.now()
  const loop = async () => {
    while (performance.now() < until) {
      const t = performance.now()
      await s.run(feeds(tensors, job.rows ?? 1))
      times.push(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: job.connections }, loop))
  return summarize(times, (performance.now() - started) / 1000, 0)
}

answerJobs(run)
