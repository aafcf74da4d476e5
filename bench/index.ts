/**
 * `pnpm bench`: the benchmark suite. Every scenario measures its variants side by side in one run,
 * alternating A B A B, with autocannon as the load generator in its own process; prints a table and
 * writes `results/<time>.json` and `results/latest.json`.
 *
 *   pnpm bench                       everything (about 8 minutes)
 *   pnpm bench --only a,b            some scenarios: a local inference, b batching, c gateway, d SDK,
 *                                    e mixed load (gateway latency while local models saturate; OCR images/s)
 *                                    f local generation, g gateway ablation (each feature's cost; streams)
 *   pnpm bench --seconds 2 --rounds 1  shorter runs
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { isolated, reexecIsolated } from './lib/isolate.ts'
import { pinning, priority, startChild } from './lib/processes.ts'
import type { Suite } from './lib/suite.ts'
import { report } from './report.ts'
import { gateway } from './scenarios/gateway.ts'
import { gatewayAblation } from './scenarios/gateway-ablation.ts'
import { generation, generationReport } from './scenarios/generation.ts'
import { localInference } from './scenarios/local-inference.ts'
import { mixedLoad } from './scenarios/mixed-load.ts'
import { sdkOverhead } from './scenarios/sdk.ts'

const status = reexecIsolated()
if (status !== undefined) process.exit(status)

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'a,b,c,d,e,f,g' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
  },
})
const only = new Set((values.only ?? '').split(','))
const load = startChild('lib/load-generator.ts', { role: 'load' })
await load.ready
const suite: Suite = {
  seconds: Number(values.seconds),
  warmupSeconds: 1,
  rounds: Number(values.rounds),
  load,
  log: (line) => console.error(line),
}

const started = new Date()
const environment = {
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  pinning: pinning ?? 'none',
  nice: priority,
  isolatedNetwork: isolated(),
  seconds: suite.seconds,
  rounds: suite.rounds,
  /** Other work on the machine skews every figure: the 1-minute load average when the suite started. */
  loadAverage: os.loadavg()[0],
}
try {
  const results = {
    started: started.toISOString(),
    environment,
    ...((only.has('a') || only.has('b')) && {
      local: await localInference(suite, { a: only.has('a'), b: only.has('b') }),
    }),
    ...(only.has('c') && { gateway: await gateway(suite) }),
    ...(only.has('g') && { ablation: await gatewayAblation(suite) }),
    ...(only.has('d') && { sdk: await sdkOverhead(suite) }),
    ...(only.has('e') && { mixed: await mixedLoad(suite) }),
    ...(only.has('f') && { generation: await generation({ log: suite.log }) }),
  }
  const text = [report(results), results.generation && generationReport(results.generation)]
    .filter(Boolean)
    .join('\n\n')
  console.log(text)
  const dir = new URL('./results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  const json = `${JSON.stringify({ ...results, report: text }, null, 2)}\n`
  await writeFile(new URL(`${started.toISOString().replaceAll(':', '-')}.json`, dir), json)
  await writeFile(new URL('latest.json', dir), json)
} finally {
  await load.stop()
}
