/**
 * Steady load for fleet tests: a few workers, each sending one request at a time with a short pause,
 * rotating between inference (POST, safe to replay), a model list (GET) and a chat completion (POST,
 * not safe to replay). Every outcome is kept with the phase of the test it started in.
 */

export type RequestKind = 'infer' | 'list' | 'chat'

export interface Outcome {
  kind: RequestKind
  phase: string
  /** 0 when no HTTP answer came (connection error, timeout). */
  status: number
  error?: string
  /** The replica HAProxy sent it to, from its response header. */
  replica?: string
  /** For inference: the model version that answered. */
  version?: string
  /** `performance.now()` when it was sent. */
  startedAt: number
  ms: number
}

export interface LoadOptions {
  url: string
  apiKey: string
  model: string
  workers?: number
  pauseMs?: number
  /** The phase a request starting now belongs to. */
  phase(): string
}

export interface Load {
  outcomes: Outcome[]
  /** Requests sent and not yet answered, by kind. */
  outstanding(kind: RequestKind): number
  stop(): Promise<Outcome[]>
}

const ROTATION: RequestKind[] = ['infer', 'list', 'infer', 'chat']

function requestOf(kind: RequestKind, model: string): { path: string; init: RequestInit } {
  if (kind === 'list') return { path: '/v1/models', init: { method: 'GET' } }
  const body =
    kind === 'infer'
      ? {
          inputs: [
            {
              name: 'x',
              shape: [1, 10],
              datatype: 'FP32',
              data: Array.from({ length: 10 }, (_, i) => i / 10),
            },
          ],
        }
      : { model: 'chat-default', messages: [{ role: 'user', content: 'Hi' }] }
  const path = kind === 'infer' ? `/v2/models/${model}/infer` : '/v1/chat/completions'
  return {
    path,
    init: { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  }
}

export function startLoad(options: LoadOptions): Load {
  const outcomes: Outcome[] = []
  const inFlight: Record<RequestKind, number> = { infer: 0, list: 0, chat: 0 }
  let running = true
  const one = async (kind: RequestKind) => {
    const { path, init } = requestOf(kind, options.model)
    const phase = options.phase()
    const started = performance.now()
    inFlight[kind]++
    try {
      const response = await fetch(`${options.url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${options.apiKey}` },
        signal: AbortSignal.timeout(15_000),
      })
      const text = await response.text()
      const version =
        kind === 'infer' && response.ok
          ? (JSON.parse(text) as { model_version?: string }).model_version
          : undefined
      outcomes.push({
        kind,
        phase,
        status: response.status,
        ...(!response.ok && { error: text.slice(0, 200) }),
        replica: response.headers.get('x-fleet-replica') ?? undefined,
        ...(version !== undefined && { version }),
        startedAt: started,
        ms: performance.now() - started,
      })
    } catch (error) {
      outcomes.push({
        kind,
        phase,
        status: 0,
        error: (error as Error).message,
        startedAt: started,
        ms: performance.now() - started,
      })
    } finally {
      inFlight[kind]--
    }
  }
  const worker = async (offset: number) => {
    for (let i = offset; running; i++) {
      await one(ROTATION[i % ROTATION.length] as RequestKind)
      await new Promise((done) => setTimeout(done, options.pauseMs ?? 5))
    }
  }
  const workers = Array.from({ length: options.workers ?? 4 }, (_, index) => worker(index))
  return {
    outcomes,
    outstanding: (kind) => inFlight[kind],
    async stop() {
      running = false
      await Promise.all(workers)
      return outcomes
    },
  }
}

export const failed = (outcome: Outcome) => outcome.status !== 200

/** Count, failures, and latency percentiles of some outcomes. */
export function summary(outcomes: Outcome[]): { requests: number; failed: number; p50: number; p99: number } {
  const times = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b)
  const at = (q: number) =>
    Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 10) / 10
  return { requests: outcomes.length, failed: outcomes.filter(failed).length, p50: at(0.5), p99: at(0.99) }
}
