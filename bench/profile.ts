/**
 * `pnpm -F @modelport/bench profile`: where a modelport server spends its CPU per request. Starts the
 * server of a scenario under V8's sampling profiler, puts load on it from the load generator, and
 * prints the functions with the most self time in microseconds per answered request; the
 * `.cpuprofile` is kept for Chrome DevTools or speedscope.
 *
 *   pnpm -F @modelport/bench profile gateway                  chat through a fallback route, c=32
 *   pnpm -F @modelport/bench profile silero-vad binary -c 1   local inference (simplenet, silero-vad, mlp)
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchRepositories } from './lib/models.ts'
import { type Child, startChild } from './lib/processes.ts'
import { type BenchRequest, requests } from './lib/requests.ts'
import type { Measured } from './lib/stats.ts'
import { loadJob, type Suite } from './lib/suite.ts'
import { chatRequest, gatewayConfig } from './scenarios/gateway.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', short: 'c' },
    seconds: { type: 'string', default: '5' },
    top: { type: 'string', default: '30' },
  },
})
const [scenario = 'gateway', format = 'json'] = positionals
const sampleMicroseconds = 100

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time per function, in microseconds per request, from V8's samples. */
function selfTimes(profile: Profile, requests: number): [string, number][] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame
    if (!frame) return
    const where = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/packages\//, 'packages/')
    const name = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0))
  })
  return [...totals].map(([name, micros]) => [name, micros / requests] as [string, number])
}

const load = startChild('lib/load-generator.ts', { role: 'load' })
const suite: Suite = { seconds: Number(values.seconds), warmupSeconds: 1, rounds: 1, load, log: () => {} }
const work = await mkdtemp(join(tmpdir(), 'modelport-profile-'))
const profiles = join(work, 'profiles')
const node = ['--cpu-prof', `--cpu-prof-interval=${sampleMicroseconds}`, `--cpu-prof-dir=${profiles}`]
const children: Child[] = [load]
let cleanup = async () => {}
try {
  let measured: Measured
  let server: Child
  if (scenario === 'gateway') {
    const upstream = startChild('servers/upstream.ts', { role: 'server' })
    children.push(upstream)
    const upstreamUrl = `http://127.0.0.1:${(await upstream.ready).ready}`
    const config = join(work, 'modelport.json')
    await writeFile(config, JSON.stringify(gatewayConfig(upstreamUrl)))
    server = startChild('servers/modelport.ts', {
      role: 'server',
      node,
      args: ['--models', join(work, 'no-models'), '--config', config, '--api-keys', 'bench-client-key'],
    })
    const port = (await server.ready).ready
    measured = await loadJob(suite, {
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-client-key' },
      body: Buffer.from(chatRequest).toString('base64'),
      connections: Number(values.connections ?? 32),
    })
  } else {
    const request = requests[scenario] as BenchRequest | undefined
    if (!request)
      throw new Error(`Unknown scenario '${scenario}': gateway, ${Object.keys(requests).join(', ')}`)
    const serverDir = dirname(createRequire(import.meta.url).resolve('@modelport/server/package.json'))
    const repos = await benchRepositories(join(serverDir, 'models', 'simplenet', '1', 'model.onnx'))
    cleanup = repos.remove
    server = startChild('servers/modelport.ts', { role: 'server', node, args: ['--models', repos.on] })
    const port = (await server.ready).ready
    const binary = format === 'binary'
    measured = await loadJob(suite, {
      url: `http://127.0.0.1:${port}/v2/models/${scenario}/infer`,
      method: 'POST',
      headers: binary
        ? {
            'content-type': 'application/octet-stream',
            'inference-header-content-length': String(request.binary.headerLength),
          }
        : { 'content-type': 'application/json' },
      body: (binary ? request.binary.body : Buffer.from(request.json)).toString('base64'),
      connections: Number(values.connections ?? 1),
    })
  }
  // The profile is written when the server exits; warm-up requests count too.
  await server.stop()
  const answered = measured.requests * ((suite.seconds + suite.warmupSeconds) / suite.seconds)
  const [file] = (await readdir(profiles)).filter((name) => name.endsWith('.cpuprofile')).sort()
  if (!file) throw new Error('The server wrote no profile.')
  const profile = JSON.parse(await readFile(join(profiles, file), 'utf8')) as Profile
  const kept = join(tmpdir(), `modelport-${scenario}-${format}.cpuprofile`)
  await writeFile(kept, JSON.stringify(profile))
  console.log(
    `${scenario}${scenario === 'gateway' ? '' : ` ${format}`}: ${measured.rps.toFixed(0)} req/s under the profiler, p50 ${measured.p50.toFixed(3)} ms; profile in ${kept}`,
  )
  console.log('µs/request  function (self time; start-up included)')
  const top = selfTimes(profile, answered)
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))
  for (const [name, micros] of top) console.log(`${micros.toFixed(1).padStart(10)}  ${name}`)
} finally {
  await Promise.all(children.map((child) => child.stop()))
  await cleanup()
  await rm(work, { recursive: true, force: true })
}
