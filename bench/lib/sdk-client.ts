/**
 * The client side of (d), in its own process: closed loops of `mp.infer()` from the SDK or of a raw
 * `fetch` with the same JSON, timing each call.
 */
import { createModelport } from '@modelport/sdk'
import { answerJobs } from './child-jobs.ts'
import { type Measured, summarize } from './stats.ts'

export interface ClientJob {
  baseUrl: string
  client: 'sdk' | 'fetch'
  connections: number
  seconds: number
  warmupSeconds: number
}

const x = Float32Array.from([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4])

function caller(job: ClientJob): () => Promise<unknown> {
  if (job.client === 'sdk') {
    const mp = createModelport({ baseUrl: job.baseUrl })
    return () => mp.infer('simplenet', { inputs: { x: { data: x, shape: [1, 10], datatype: 'FP32' } } })
  }
  const url = `${job.baseUrl}/v2/models/simplenet/infer`
  return async () => {
    const body = JSON.stringify({
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 10], data: Array.from(x) }],
    })
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    if (!response.ok) throw new Error(`status ${response.status}`)
    const result = (await response.json()) as { outputs: { data: number[] }[] }
    return Float32Array.from(result.outputs[0]?.data ?? [])
  }
}

async function run(job: ClientJob, seconds: number): Promise<Measured> {
  const call = caller(job)
  const times: number[] = []
  let errors = 0
  const started = performance.now()
  const until = started + seconds * 1000
  const loop = async () => {
    while (performance.now() < until) {
      const t = performance.now()
      try {
        await call()
        times.push(performance.now() - t)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: job.connections }, loop))
  return summarize(times, (performance.now() - started) / 1000, errors)
}

answerJobs(run)
