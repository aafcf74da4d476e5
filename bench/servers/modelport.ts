/** A modelport server for the suite: `--models DIR`, optional `--config FILE`, on 127.0.0.1. */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { startServer } from '@modelport/server'
import type { ManagedModel } from '../../packages/server/src/lifecycle/managed-model.ts'
import type { Batcher } from '../../packages/server/src/runtime/batcher.ts'
import { percentile } from '../lib/stats.ts'

const { values } = parseArgs({
  options: { models: { type: 'string' }, config: { type: 'string' }, 'api-keys': { type: 'string' } },
})
const silent = { info() {}, warn() {}, error() {} }
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  modelsDir: values.models ?? 'models',
  log: silent,
  ...(values.config && { configPath: values.config }),
  ...(values['api-keys'] && { apiKeys: values['api-keys'].split(',') }),
})
// The event loop's delay, for the mixed-load scenario: reset, then read its p99 in milliseconds.
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
process.on('message', (message: { id: number; eventLoop?: 'reset' | 'read' }) => {
  if (message.eventLoop === 'reset') loopDelay.reset()
  if (message.eventLoop)
    process.send?.({
      id: message.id,
      result: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    })
})
// The CPU time the process used (every thread), for the mixed-load scenario: cores busy = its growth / wall time.
process.on('message', (message: { id: number; cpu?: 'read' }) => {
  if (message.cpu !== 'read') return
  const { user, system } = process.cpuUsage()
  process.send?.({ id: message.id, result: { ms: (user + system) / 1000, at: performance.now() } })
})
// The batcher's own view, for the batching scenario: time from joining the queue to the result.
process.on('message', (message: { id: number; batcher?: string; reset?: boolean }) => {
  if (message.batcher === undefined) return
  const managed = server.registry.ready(message.batcher).model as ManagedModel
  const model = managed.loaded as Batcher
  const times = Float64Array.from(model.recentLatencies()).sort()
  const runs = model.recentRuns()
  const runTimes = Float64Array.from(runs, (run) => run.ms).sort()
  const result = {
    runP50: percentile(runTimes, 50),
    runP99: percentile(runTimes, 99),
    maxRows: Math.max(...runs.map((run) => run.rows)),
    queueP50: percentile(times, 50),
    queueP99: percentile(times, 99),
    rowsPerRun: model.stats.runs ? model.stats.requests / model.stats.runs : Number.NaN,
    runMs: model.averageRunMs,
  }
  if (message.reset) model.resetStats()
  process.send?.({ id: message.id, result })
})
process.send?.({ ready: server.port })
process.on('SIGTERM', () => server.close().then(() => process.exit(0)))
// The runner is gone (it was stopped or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0))
