/**
 * The suite's printed report: one table per scenario, then each target of the issue with its measured
 * figure, met or missed. A missed target is shown as such, never left out.
 */

import type { Measured } from './lib/stats.ts'
import type { GatewayResults } from './scenarios/gateway.ts'
import type { AblationResults, AblationRow } from './scenarios/gateway-ablation.ts'
import type { LocalResults } from './scenarios/local-inference.ts'
import { type MixedResults, PLACEMENTS, type Placement } from './scenarios/mixed-load.ts'
import type { SdkResults } from './scenarios/sdk.ts'

export interface Results {
  environment: Record<string, unknown>
  local?: Partial<LocalResults>
  gateway?: GatewayResults
  ablation?: AblationResults
  sdk?: SdkResults
  mixed?: MixedResults
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-')
const rate = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-')
const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '-')

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n')
}

interface Target {
  name: string
  measured: string
  met: boolean
}

export function report(results: Results): string {
  const out: string[] = []
  const targets: Target[] = []
  const env = results.environment
  out.push(
    `modelport benchmark: Node ${env.node}, ${env.cpus} cores (${env.cpu}), pinning ${JSON.stringify(env.pinning)}, nice ${env.nice}, isolated network ${env.isolatedNetwork}, ${env.seconds} s per run, ${env.rounds} alternations, load average ${Number(env.loadAverage).toFixed(2)} at start`,
  )

  const inference = results.local?.inference
  if (inference) {
    out.push('\n(a) Local inference: POST /v2/models/{m}/infer against in-process session.run')
    const rows: string[][] = []
    for (const [model, r] of Object.entries(inference)) {
      for (const mode of ['inProcess', 'json', 'binary', 'inline', 'floor'] as const) {
        if (!r.c1[mode]) continue
        const inProcess = r.c1.inProcess.p50
        const added = mode === 'inProcess' ? Number.NaN : r.c1[mode].p50 - inProcess
        // What modelport adds beyond a bare HTTP hop with the same body and the model's own run.
        const beyondFloor =
          (mode === 'json' || mode === 'binary' || mode === 'inline') && r.c1.floor
            ? r.c1[mode].p50 - r.c1.floor.p50 - inProcess
            : Number.NaN
        rows.push([
          model,
          {
            inProcess: 'session.run',
            json: 'HTTP JSON',
            binary: 'HTTP binary',
            inline: 'HTTP JSON, model inline',
            floor: 'HTTP floor (Hono echo)',
          }[mode],
          ms(r.c1[mode].p50),
          ms(r.c1[mode].p99),
          mode === 'inProcess' ? '' : mode === 'floor' ? ms(r.c1.floor.p50) : ms(added),
          Number.isNaN(beyondFloor) ? '' : ms(beyondFloor),
          rate(r.c32[mode].rps),
        ])
        if (mode === 'json' || mode === 'binary') {
          targets.push({
            name: `(a) ${model} ${mode}: added p50 at c=1 <= 0.25 ms`,
            measured: `${ms(added)} ms`,
            met: added <= 0.25,
          })
        }
        if (mode === 'json' && r.c1.inline) {
          const inlineAdded = r.c1.inline.p50 - inProcess
          targets.push({
            name: `(a) ${model} json: added p50 at c=1 in its default placement <= inline (the placement before workers)`,
            measured: `${ms(added)} ms against ${ms(inlineAdded)} ms`,
            met: added <= inlineAdded,
          })
        }
      }
    }
    out.push(
      table(
        ['model', 'path', 'p50 c=1 ms', 'p99 c=1 ms', 'added p50 ms', 'beyond floor ms', 'req/s c=32'],
        rows,
      ),
    )
  }

  const batching = results.local?.batching
  if (batching) {
    out.push('\n(b) Dynamic batching on against off, concurrency 64')
    const rows: string[][] = []
    for (const [model, entry] of Object.entries(batching)) {
      for (const format of ['json', 'binary'] as const) {
        const r = entry[format]
        if (!r) continue
        const gain = r.on.rps / r.off.rps
        const queueP99 = r.on.extra?.queueP99 ?? Number.NaN
        const runP50 = r.on.extra?.runP50 ?? Number.NaN
        const runP99 = r.on.extra?.runP99 ?? Number.NaN
        rows.push([
          model,
          format,
          rate(r.off.rps),
          rate(r.on.rps),
          times(gain),
          (r.on.extra?.rowsPerRun ?? Number.NaN).toFixed(1),
          ms(r.on.p99),
          ms(queueP99),
          ms(runP50),
          ms(runP99),
          ms(entry.batchRunMs),
        ])
        // A request waits at most for the run in progress and then its own: a tail latency is bounded
        // by two tail runs, each as long as it was under this load (max queue delay is 0 by default).
        const bound = 2 * runP99
        if (model === 'mlp') {
          targets.push({
            name: `(b) mlp ${format}: batching >= 2.5x unbatched`,
            measured: times(gain),
            met: gain >= 2.5,
          })
          targets.push({
            name: `(b) mlp ${format}: p99 in the batcher (queue + run) <= 2 x (delay 0 + p99 run)`,
            measured: `${ms(queueP99)} ms against ${ms(bound)} ms`,
            met: queueP99 <= bound,
          })
          targets.push({
            name: `(b) mlp ${format}: HTTP p99 <= 2 x (delay 0 + p99 run)`,
            measured: `${ms(r.on.p99)} ms against ${ms(bound)} ms`,
            met: r.on.p99 <= bound,
          })
        } else {
          targets.push({
            name: `(b) ${model} ${format}: no loss with batching`,
            measured: times(gain),
            met: gain >= 0.95,
          })
        }
      }
    }
    out.push(
      table(
        [
          'model',
          'format',
          'off req/s',
          'on req/s',
          'gain',
          'rows/run',
          'HTTP p99 ms',
          'queue+run p99 ms',
          'run p50 ms',
          'run p99 ms',
          '64-row run ms (idle)',
        ],
        rows,
      ),
    )
  }

  const gateway = results.gateway
  if (gateway) {
    out.push(`\n(c) Gateway: non-stream chat (${gateway.requestBytes}-byte request) to a loopback upstream`)
    const paths = ['direct', 'modelport', 'bare', 'portkey'] as const
    const names = {
      direct: 'upstream direct',
      modelport: 'modelport (fallback route)',
      bare: 'bare Hono + undici',
      portkey: 'Portkey 1.15.2',
    }
    const rows = paths.map((p) => [
      names[p],
      ms(gateway.c1[p].p50),
      p === 'direct' ? '' : ms(gateway.c1[p].p50 - gateway.c1.direct.p50),
      rate(gateway.c32[p].rps),
      p === 'direct' ? '' : times(gateway.c32[p].rps / gateway.c32.bare.rps),
    ])
    out.push(table(['path', 'p50 c=1 ms', 'added p50 ms', 'req/s c=32', 'x bare proxy'], rows))
    const floor = gateway.c32.modelport.rps / gateway.c32.bare.rps
    const peer = gateway.c32.modelport.rps / gateway.c32.portkey.rps
    const added = gateway.c1.modelport.p50 - gateway.c1.direct.p50
    targets.push({
      name: '(c) modelport >= 0.7x the bare proxy at c=32',
      measured: times(floor),
      met: floor >= 0.7,
    })
    targets.push({ name: '(c) modelport >= 8x Portkey at c=32', measured: times(peer), met: peer >= 8 })
    targets.push({
      name: '(c) modelport added p50 at c=1 <= 0.25 ms',
      measured: `${ms(added)} ms`,
      met: added <= 0.25,
    })
    const bareAdded = gateway.c1.bare.p50 - gateway.c1.direct.p50
    targets.push({
      name: "(c) modelport added p50 at c=1 <= 1.3x the bare proxy's",
      measured: `${ms(added)} ms against ${ms(bareAdded)} ms (${times(added / bareAdded)})`,
      met: added <= 1.3 * bareAdded,
    })
  }

  const ablation = results.ablation
  if (ablation) out.push(ablationReport(ablation, targets))

  const mixed = results.mixed
  if (mixed) {
    out.push('\n(e) Mixed load: gateway chat and liveness while local models saturate (c=1 probes)')
    const label: Record<Placement, string> = {
      workers: 'worker threads',
      'workers at loop priority': 'worker threads, loop priority',
      inline: 'inline',
    }
    const rows: string[][] = []
    for (const placement of PLACEMENTS) {
      for (const load of ['idle', 'ocr', 'mlp'] as const) {
        const r = mixed.latency[placement]?.[load]
        if (!r) continue
        rows.push([
          label[placement],
          { idle: 'idle', ocr: 'OCR, 2 clients', mlp: 'MLP, 64 clients' }[load],
          ms(r.chat.p50),
          ms(r.chat.p99),
          ms(r.health.p99),
          ms(r.loopDelayP99),
        ])
      }
    }
    out.push(
      table(
        ['models', 'background', 'chat p50 ms', 'chat p99 ms', 'health p99 ms', 'loop delay p99 ms'],
        rows,
      ),
    )
    const ocrRows = PLACEMENTS.filter((placement) => mixed.ocr[placement]).map((placement) => {
      const o = mixed.ocr[placement]
      return [
        label[placement],
        ...(['c1', 'c2', 'c4'] as const).map((c) => o[c].rps.toFixed(2)),
        times(o.c2.rps / o.c1.rps),
        ms(o.c1.p50),
        o.c1.cores === undefined ? '' : `${o.c1.cores.toFixed(2)} / ${o.c2.cores.toFixed(2)}`,
      ]
    })
    out.push(
      table(
        ['models', 'OCR images/s c=1', 'c=2', 'c=4', 'c=2 / c=1', 'p50 c=1 ms', 'cores busy c=1 / c=2'],
        ocrRows,
      ),
    )
    if (mixed.ceiling?.one) {
      out.push(
        `The machine's ceiling: the recognizer's bare session.run in two threads at once gets ${times(mixed.ceiling.two / mixed.ceiling.one)} the runs of one thread (${mixed.ceiling.one.toFixed(1)} and ${mixed.ceiling.two.toFixed(1)} runs/s).`,
      )
    }
    const workers = mixed.latency.workers
    if (workers) {
      for (const load of ['ocr', 'mlp'] as const) {
        const r = workers[load]
        const bound = 2 * workers.idle.chat.p99 + 5
        targets.push({
          name: `(e) under ${load}: chat p99 <= 2 x idle p99 + 5 ms`,
          measured: `${ms(r.chat.p99)} ms against ${ms(bound)} ms`,
          met: r.chat.p99 <= bound,
        })
        targets.push({
          name: `(e) under ${load}: health p99 <= 10 ms`,
          measured: `${ms(r.health.p99)} ms`,
          met: r.health.p99 <= 10,
        })
        targets.push({
          name: `(e) under ${load}: event-loop delay p99 <= 5 ms`,
          measured: `${ms(r.loopDelayP99)} ms`,
          met: r.loopDelayP99 <= 5,
        })
      }
    }
    const ocr = mixed.ocr.workers
    if (ocr) {
      const scaling = ocr.c2.rps / ocr.c1.rps
      targets.push({
        name: '(e) OCR images/s at c=2 >= 1.6x c=1',
        measured: times(scaling),
        met: scaling >= 1.6,
      })
    }
  }

  const sdk = results.sdk
  if (sdk) {
    out.push('\n(d) SDK mp.infer() against a raw fetch (simplenet, same server)')
    const rows = (['fetch', 'sdk'] as const).map((c) => [
      c === 'sdk' ? 'SDK infer()' : 'raw fetch',
      ms(sdk.c1[c].p50),
      ms(sdk.c1[c].p99),
      rate(sdk.c32[c].rps),
    ])
    out.push(table(['client', 'p50 c=1 ms', 'p99 c=1 ms', 'req/s c=32'], rows))
    const latency = sdk.c1.sdk.p50 / sdk.c1.fetch.p50 - 1
    const throughput = 1 - sdk.c32.sdk.rps / sdk.c32.fetch.rps
    targets.push({
      name: '(d) SDK p50 overhead at c=1 <= 5%',
      measured: `${(latency * 100).toFixed(1)}%`,
      met: latency <= 0.05,
    })
    targets.push({
      name: '(d) SDK throughput loss at c=32 <= 5%',
      measured: `${(throughput * 100).toFixed(1)}%`,
      met: throughput <= 0.05,
    })
  }

  if (targets.length > 0) {
    out.push('\nTargets')
    out.push(
      table(
        ['target', 'measured', ''],
        targets.map((t) => [t.name, t.measured, t.met ? 'met' : 'MISSED']),
      ),
    )
  }
  return out.join('\n')
}

const ablationNames: Record<AblationRow, string> = {
  auth: 'API key check',
  'rate-limits': 'rate limits (rpm per key, in memory; added)',
  metrics: 'Prometheus metrics',
  'access-log': 'access log line',
  'request-id': 'request id',
  'routing-headers': 'routing headers',
  deadline: 'deadline',
  'circuit-breaker': 'circuit breaker',
  fallback: 'fallback and retry wrapper',
  validation: 'request schema validation',
  reserialization: 'body re-serialization (both ways)',
  middleware: 'Hono middleware chain (all app.use)',
  everything: 'any of the above',
}

/** (g): µs per request each feature costs, from throughput at c=32; then streams against the bare proxy. */
function ablationReport(a: AblationResults, targets: Target[]): string {
  const cpu = (m: Measured) => m.extra?.cpuUs ?? Number.NaN
  const allOn = cpu(a.allOn)
  const rows = [
    ['all on (as in (c))', rate(a.allOn.rps), times(a.allOn.rps / a.bare.rps), allOn.toFixed(1), ''],
    ...(Object.keys(ablationNames) as AblationRow[])
      .filter((row) => a.rows[row])
      .map((row) => {
        const m = a.rows[row]
        // Rate limits are off in (c): their row is the cost of adding them.
        const cost = row === 'rate-limits' ? cpu(m) - allOn : allOn - cpu(m)
        return [
          row === 'rate-limits' ? ablationNames[row] : `without ${ablationNames[row]}`,
          rate(m.rps),
          times(m.rps / a.bare.rps),
          cpu(m).toFixed(1),
          cost.toFixed(1),
        ]
      }),
    ['bare Hono + undici', rate(a.bare.rps), '1.00x', cpu(a.bare).toFixed(1), ''],
  ]
  const out = [
    '\n(g) Gateway ablation: non-stream chat at c=32, each feature off in turn (server CPU µs per request)',
    table(['variant', 'req/s c=32', 'x bare proxy', 'CPU µs/request', 'feature costs µs'], rows),
    `\n(g) Streamed chat at c=1: first body byte (median, ${a.chunks}-chunk answers); proxy CPU per chunk (10 against 100 chunks)`,
    table(
      ['path', 'first byte ms', 'added ms', 'CPU µs per chunk'],
      (['direct', 'bare', 'modelport'] as const).map((p) => [
        { direct: 'upstream direct', bare: 'bare Hono + undici', modelport: 'modelport (fallback route)' }[p],
        ms(a.stream[p].ttfb),
        p === 'direct' ? '' : ms(a.stream[p].ttfb - a.stream.direct.ttfb),
        p === 'direct' ? '' : a.stream[p].perChunk.toFixed(1),
      ]),
    ),
  ]
  const ttfbOver = a.stream.modelport.ttfb - a.stream.bare.ttfb
  targets.push({
    name: "(g) streamed first byte <= the bare proxy's + 0.1 ms",
    measured: `${ms(a.stream.modelport.ttfb)} ms against ${ms(a.stream.bare.ttfb)} ms`,
    met: ttfbOver <= 0.1,
  })
  return out.join('\n')
}
