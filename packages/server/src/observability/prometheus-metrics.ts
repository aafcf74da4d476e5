/**
 * `Metrics` with prom-client, in a registry of its own (not prom-client's global one), so two servers
 * in one process, as in tests, keep separate counts. Label children are cached, so a request costs a
 * map lookup and two updates. Gauges that describe state (circuits, queues) are read when scraped.
 * Node only: the Node entry wires it.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { AttemptOutcome, CircuitState, Metrics } from '../core/metrics.js'

export interface MetricSources {
  /** Every target's circuit that has one. */
  circuits?(): Array<{ target: string; state: CircuitState }>
  /** Every configured target, so a circuit shows (closed) before its first call. */
  targets?(): string[]
  /** Requests waiting in each local model's batcher. */
  queues?(): Array<{ model: string; depth: number }>
  /** HTTP requests being answered now, streams included (the scrape that reads it counts too). */
  inFlight?(): number
}

export interface PrometheusOptions {
  sources?: MetricSources
  /** Process and Node.js metrics (CPU, memory, event loop lag, GC; default true). */
  processMetrics?: boolean
}

export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry
  render(): Promise<{ contentType: string; body: string }>
}

const circuitValue: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 }
// Down to a millisecond for fast local inference, up to two minutes for slow upstream chats.
const requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
const runBuckets = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]
const batchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256]
/** Beyond this many label sets the children are still counted, just not cached. */
const MAX_CACHED = 10_000

function cached<T>(cache: Map<string, T>, key: string, create: () => T): T {
  let value = cache.get(key)
  if (value === undefined) {
    value = create()
    if (cache.size < MAX_CACHED) cache.set(key, value)
  }
  return value
}

export function createPrometheusMetrics(options: PrometheusOptions = {}): PrometheusMetrics {
  const registry = new Registry()
  const registers = [registry]
  const { sources = {} } = options
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry })

  const requests = new Counter({
    name: 'modelport_requests_total',
    help: 'HTTP requests answered, by route pattern, model, target and status.',
    labelNames: ['route', 'model', 'target', 'status'] as const,
    registers,
  })
  const requestDuration = new Histogram({
    name: 'modelport_request_duration_seconds',
    help: 'Time from a request to the end of its answer (of its stream, when streamed).',
    labelNames: ['route', 'model', 'target', 'status'] as const,
    buckets: requestBuckets,
    registers,
  })
  const attempts = new Counter({
    name: 'modelport_upstream_attempts_total',
    help: 'Upstream attempts by target and outcome (success, failure, client_error, circuit_open).',
    labelNames: ['target', 'outcome'] as const,
    registers,
  })
  const fallbacks = new Counter({
    name: 'modelport_fallbacks_total',
    help: 'Times a route moved on from a target to the next one.',
    labelNames: ['route'] as const,
    registers,
  })
  const retries = new Counter({
    name: 'modelport_retries_total',
    help: 'Retries of a target after a retryable failure.',
    labelNames: ['target'] as const,
    registers,
  })
  const rateLimited = new Counter({
    name: 'modelport_rate_limited_total',
    help: "Requests refused by a key's rate limit, by key name and limit (requests or tokens).",
    labelNames: ['key', 'limit'] as const,
    registers,
  })
  new Gauge({
    name: 'modelport_circuit_state',
    help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
    labelNames: ['target'] as const,
    registers,
    collect() {
      this.reset()
      for (const target of sources.targets?.() ?? []) this.set({ target }, 0)
      for (const { target, state } of sources.circuits?.() ?? []) this.set({ target }, circuitValue[state])
    },
  })
  new Gauge({
    name: 'modelport_batch_queue_depth',
    help: "Requests waiting in a local model's batcher.",
    labelNames: ['model'] as const,
    registers,
    collect() {
      this.reset()
      for (const { model, depth } of sources.queues?.() ?? []) this.inc({ model }, depth)
    },
  })
  if (sources.inFlight) {
    const inFlight = sources.inFlight
    // What an autoscaler reads per replica: it covers routed and local requests alike.
    new Gauge({
      name: 'modelport_requests_in_flight',
      help: 'HTTP requests being answered now, streams included (this scrape counts as one).',
      registers,
      collect() {
        this.set(inFlight())
      },
    })
  }
  const batchSize = new Histogram({
    name: 'modelport_batch_size',
    help: 'Rows per run of a local model (requests batched together).',
    labelNames: ['model'] as const,
    buckets: batchBuckets,
    registers,
  })
  const runDuration = new Histogram({
    name: 'modelport_inference_duration_seconds',
    help: 'ONNX Runtime compute time per run of a local model (a batch counts once).',
    labelNames: ['model', 'version'] as const,
    buckets: runBuckets,
    registers,
  })

  type RequestChildren = { count: Counter.Internal; duration: Histogram.Internal<string> }
  const requestChildren = new Map<string, RequestChildren>()
  const attemptChildren = new Map<string, Counter.Internal>()
  const runChildren = new Map<
    string,
    { size: Histogram.Internal<string>; duration: Histogram.Internal<string> }
  >()

  return {
    registry,
    request(route, model, target, status, seconds) {
      const key = `${route}\u0000${model}\u0000${target}\u0000${status}`
      const children = cached(requestChildren, key, () => {
        const labels = { route, model, target, status: String(status) }
        return { count: requests.labels(labels), duration: requestDuration.labels(labels) }
      })
      children.count.inc()
      children.duration.observe(seconds)
    },
    attempt(target: string, outcome: AttemptOutcome) {
      cached(attemptChildren, `${target}\u0000${outcome}`, () => attempts.labels({ target, outcome })).inc()
    },
    fallback(route) {
      fallbacks.inc({ route })
    },
    retry(target) {
      retries.inc({ target })
    },
    rateLimited(key, limit) {
      rateLimited.inc({ key, limit })
    },
    modelRun(model, version, rows, seconds) {
      const children = cached(runChildren, `${model}\u0000${version}`, () => ({
        size: batchSize.labels({ model }),
        duration: runDuration.labels({ model, version }),
      }))
      children.size.observe(rows)
      children.duration.observe(seconds)
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}
