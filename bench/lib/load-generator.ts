/**
 * The load generator, in its own process (pinned to its own core when `taskset` exists): runs
 * autocannon jobs sent over IPC and answers with per-response latencies, since autocannon's own
 * histogram has 1 ms resolution.
 */
import autocannon from 'autocannon'
import { answerJobs } from './child-jobs.ts'
import { type Measured, summarize } from './stats.ts'

export interface LoadJob {
  url: string
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  /** Base64, so binary bodies survive IPC. */
  body?: string
  connections: number
  seconds: number
  warmupSeconds: number
}

function run(job: LoadJob, seconds: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const times: number[] = []
    let errors = 0
    const started = performance.now()
    const instance = autocannon(
      {
        url: job.url,
        method: job.method,
        headers: job.headers ?? {},
        ...(job.body !== undefined && { body: Buffer.from(job.body, 'base64') }),
        connections: job.connections,
        pipelining: 1,
        duration: seconds,
      },
      (error) => {
        if (error) reject(error)
        else resolve(summarize(times, (performance.now() - started) / 1000, errors))
      },
    )
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) times.push(responseTime)
      else errors++
    })
    instance.on('reqError', () => {
      errors++
    })
  })
}

answerJobs(run)
