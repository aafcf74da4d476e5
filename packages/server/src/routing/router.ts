/**
 * The router: resolves a model name to a route and serves chat, chat streams and embeddings through
 * its targets with fallback, retries, circuit breakers and one deadline per request.
 */

import type { RetryPolicy, RouteTask } from '../config/config-types.js'
import type { AbortSignalLike } from '../core/cancellation.js'
import { type Clock, systemClock } from '../core/clock.js'
import { badRequest, notFound } from '../core/errors.js'
import type { LocalChat } from '../core/local-chat.js'
import type { LocalEmbeddings } from '../core/local-embeddings.js'
import type { CircuitState, RoutingMetrics } from '../core/metrics.js'
import type {
  ChatCompletion,
  ChatRequest,
  ChatStream,
  EmbeddingsRequest,
  EmbeddingsResponse,
  ProviderV1,
} from '../core/provider.js'
import { createLocalProvider } from '../providers/local/index.js'
import { type Ablation, noAblation } from './ablation.js'
import { CircuitBreaker, CircuitBreakers, type CircuitSnapshot } from './circuit-breaker.js'
import { committedStream } from './committed-stream.js'
import { type Deadline, startDeadline } from './deadline.js'
import { callWithFallback, type RoutingLog } from './fallback.js'
import { weightedOrder } from './load-balance.js'
import type { Route, RouteTarget, RoutingTrace } from './route.js'
import { checkVectors, unsupported } from './target-checks.js'

export interface RouterOptions {
  routes: Route[]
  /** Serves every local embeddings model as an implicit one-target route of its own name. */
  localEmbeddings?: LocalEmbeddings
  /** Serves every local chat model as an implicit one-target route of its own name. */
  localChat?: LocalChat
  defaults: { deadlineMs: number; retry: RetryPolicy }
  circuitBreaker: { failureThreshold: number; cooldownMs: number }
  clock?: Clock
  random?: () => number
  log?: RoutingLog
  metrics?: RoutingMetrics
  onCircuitChange?(target: string, state: CircuitState): void
  /** Features the benchmark switches off (default none). */
  ablate?: Ablation
}

export interface CallContext {
  requestId: string
  /** The client's body as sent, for the benchmark's `reserialization` ablation only. */
  sentBody?: string
  /** Aborts when the client goes away; the upstream call is then cut. */
  signal: AbortSignalLike
  trace: RoutingTrace
}

export class Router {
  readonly #routes: Map<string, Route>
  readonly #implicit = new Map<string, Route>()
  readonly #options: RouterOptions
  readonly #clock: Clock
  readonly #random: () => number
  readonly #breakers: CircuitBreakers
  readonly #local: ProviderV1 | undefined
  readonly #ablate: Ablation

  constructor(options: RouterOptions) {
    this.#options = options
    this.#ablate = options.ablate ?? noAblation
    this.#routes = new Map(options.routes.map((route) => [route.name, route]))
    this.#clock = options.clock ?? systemClock
    this.#random = options.random ?? Math.random
    this.#breakers = new (this.#ablate.has('circuit-breaker') ? AlwaysClosed : CircuitBreakers)({
      ...options.circuitBreaker,
      clock: this.#clock,
      onStateChange: options.onCircuitChange,
    })
    this.#local =
      options.localEmbeddings || options.localChat
        ? createLocalProvider({ embeddings: options.localEmbeddings, chat: options.localChat })
        : undefined
  }

  /** The configured routes, in config order. */
  list(): Route[] {
    return [...this.#routes.values()]
  }

  /** Local chat models that no configured route of the same name hides, as their own routes. */
  localChatRoutes(): Route[] {
    const names = this.#options.localChat?.names() ?? []
    return names.filter((name) => !this.#routes.has(name)).map((name) => this.find(name) as Route)
  }

  /** A local chat model's load state, for `/v1/models`. */
  localChatState(name: string): 'loading' | 'ready' | 'unavailable' | undefined {
    return this.#options.localChat?.has(name) ? this.#options.localChat.state(name) : undefined
  }

  /** The route for a model name, or undefined; local embeddings and chat models answer as their own route. */
  find(name: string): Route | undefined {
    const route = this.#routes.get(name)
    if (route) return route
    const task: RouteTask | undefined = this.#options.localEmbeddings?.has(name)
      ? 'embeddings'
      : this.#options.localChat?.has(name)
        ? 'chat'
        : undefined
    if (!this.#local || !task) return undefined
    let implicit = this.#implicit.get(name)
    if (!implicit) {
      const target: RouteTarget = { provider: this.#local, model: name, key: `local/${name}`, weight: 1 }
      implicit = {
        name,
        task,
        strategy: 'fallback',
        targets: [target],
        ...this.#options.defaults,
        retry: { ...this.#options.defaults.retry, attempts: 1 },
      }
      this.#implicit.set(name, implicit)
    }
    return implicit
  }

  /** The route for a request's `model`: 404 if unknown, 400 if it serves another task. */
  resolve(name: string, task: RouteTask): Route {
    const route = this.find(name)
    if (!route) throw notFound('model_not_found', this.#unknown(name, task), 'model')
    if (route.task !== task) {
      throw badRequest('wrong_task', `Model '${name}' serves ${route.task}, not ${task}.`, 'model')
    }
    return route
  }

  /** An unknown model, said with what would have been found: the routes of its task, or how to add some. */
  #unknown(name: string, task: RouteTask): string {
    const known = [...this.#routes.values()].filter((route) => route.task === task).map((route) => route.name)
    if (known.length > 0) return `Model '${name}' does not exist; the ${task} routes are ${known.join(', ')}.`
    const where =
      this.#routes.size === 0
        ? 'no config file names any (start the server with MODELPORT_CONFIG=<file.yaml>)'
        : 'the config file (MODELPORT_CONFIG) names none'
    const local =
      task === 'embeddings' ? ' (or put a model with task embeddings in the model repository)' : ''
    return `Model '${name}' does not exist: ${task} requests go to providers through routes, and ${where}${local}; see docs/routing.md.`
  }

  /** Every target's circuit, for metrics and `/v1/models`. */
  circuits(): Array<CircuitSnapshot & { target: string }> {
    return this.#breakers.snapshot()
  }

  /** Whether every target of the route has an open circuit. */
  unavailable(route: Route): boolean {
    return route.targets.every((target) => this.#breakers.get(target.key).state === 'open')
  }

  async chat(route: Route, request: ChatRequest, context: CallContext): Promise<ChatCompletion> {
    return this.#withDeadline(route, context, async (deadline) => {
      const { value } = await this.#fallback(route, context, deadline, (target, signal) => {
        if (!target.provider.chat) throw unsupported(target, 'chat')
        const { requestId, sentBody } = context
        return target.provider.chat(request, { model: target.model, signal, requestId, sentBody })
      })
      return value
    })
  }

  /**
   * Opens a stream and reads its first chunk before committing: until then a failure may still fall
   * back. The deadline keeps running until the stream ends or is cancelled.
   */
  async chatStream(route: Route, request: ChatRequest, context: CallContext): Promise<ChatStream> {
    const deadline = startDeadline(route.deadlineMs, { parent: context.signal, clock: this.#clock })
    try {
      const { value, target } = await this.#fallback(route, context, deadline, async (target, signal) => {
        if (!target.provider.chatStream) throw unsupported(target, 'chat')
        const options = { model: target.model, signal, requestId: context.requestId }
        const stream = await target.provider.chatStream(request, options)
        const iterator = stream[Symbol.asyncIterator]()
        try {
          return { stream, iterator, first: await iterator.next() }
        } catch (error) {
          await stream.cancel()
          throw error
        }
      })
      return committedStream(value, this.#breakers.get(target.key), deadline)
    } catch (error) {
      deadline.dispose()
      throw error
    }
  }

  async embeddings(
    route: Route,
    request: EmbeddingsRequest,
    context: CallContext,
  ): Promise<EmbeddingsResponse> {
    const count =
      typeof request.input === 'string' || typeof request.input[0] === 'number' ? 1 : request.input.length
    const dimensions = request.dimensions ?? route.dimensions
    return this.#withDeadline(route, context, async (deadline) => {
      const { value } = await this.#fallback(route, context, deadline, async (target, signal) => {
        if (!target.provider.embeddings) throw unsupported(target, 'embeddings')
        const answer = await target.provider.embeddings(request, {
          model: target.model,
          signal,
          requestId: context.requestId,
        })
        checkVectors(answer, target, count, dimensions)
        return answer
      })
      return value
    })
  }

  async #withDeadline<T>(
    route: Route,
    context: CallContext,
    run: (deadline: Deadline) => Promise<T>,
  ): Promise<T> {
    if (this.#ablate.has('deadline')) return run(noDeadline(route.deadlineMs, context.signal))
    const deadline = startDeadline(route.deadlineMs, { parent: context.signal, clock: this.#clock })
    try {
      return await run(deadline)
    } finally {
      deadline.dispose()
    }
  }

  #fallback<T>(
    route: Route,
    context: CallContext,
    deadline: Deadline,
    call: (target: RouteTarget, signal: AbortSignalLike) => Promise<T>,
  ) {
    const targets =
      route.strategy === 'loadbalance' ? weightedOrder(route.targets, this.#random) : route.targets
    if (this.#ablate.has('fallback')) return callFirst(targets, call, context, deadline)
    return callWithFallback(targets, call, {
      route: route.name,
      requestId: context.requestId,
      deadline,
      retry: route.retry,
      breakers: this.#breakers,
      trace: context.trace,
      clock: this.#clock,
      random: this.#random,
      log: this.#options.log,
      metrics: this.#options.metrics,
    })
  }
}

/** The `deadline` ablation: no timer, only the client's signal. */
function noDeadline(timeoutMs: number, signal: AbortSignalLike): Deadline {
  return {
    signal: signal as Deadline['signal'],
    timeoutMs,
    remainingMs: () => timeoutMs,
    expired: () => false,
    dispose() {},
  }
}

/** The `fallback` ablation: the first target, once, with no retry, breaker or metrics around it. */
async function callFirst<T>(
  targets: readonly RouteTarget[],
  call: (target: RouteTarget, signal: AbortSignalLike) => Promise<T>,
  context: CallContext,
  deadline: Deadline,
): Promise<{ value: T; target: RouteTarget }> {
  const target = targets[0] as RouteTarget
  context.trace.attempts++
  context.trace.target = target.key
  return { value: await call(target, deadline.signal), target }
}

/** The `circuit-breaker` ablation: one breaker that never opens and keeps no state, for every target. */
class NoBreaker extends CircuitBreaker {
  override get state(): CircuitState {
    return 'closed'
  }
  override tryAcquire(): boolean {
    return true
  }
  override recordSuccess(): void {}
  override recordFailure(): void {}
  override release(): void {}
}

class AlwaysClosed extends CircuitBreakers {
  readonly #breaker = new NoBreaker({ failureThreshold: 1, cooldownMs: 0 })
  override get(): CircuitBreaker {
    return this.#breaker
  }
}
