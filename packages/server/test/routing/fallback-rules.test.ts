/**
 * Rule 1 (fall back only on retryable failures) and what the client gets when routing fails, over
 * scripted providers: which targets were tried, how often, and the one error returned.
 */
import { describe, expect, it } from 'vitest'
import { ModelportError } from '../../src/core/errors.js'
import type { ChatCompletion, ProviderV1 } from '../../src/core/provider.js'
import { ProviderError, type ProviderErrorCode } from '../../src/providers/provider-error.js'
import type { RouteTarget, RoutingTrace } from '../../src/routing/route.js'
import { Router } from '../../src/routing/router.js'

type Outcome = 'ok' | ProviderError

function scripted(id: string, outcomes: Outcome[]) {
  const calls: string[] = []
  const provider: ProviderV1 = {
    specificationVersion: 'v1',
    id,
    type: 'openai-compatible',
    async chat(_request, options) {
      calls.push(options.model)
      const outcome = outcomes.shift() ?? 'ok'
      if (outcome !== 'ok') throw outcome
      return {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: options.model,
        choices: [],
      } as ChatCompletion
    },
  }
  return { provider, calls }
}

const status = (target: string, code: number, retryAfterMs?: number) =>
  new ProviderError('upstream_status', target, `${target} answered ${code}: nope`, {
    status: code,
    retryAfterMs,
    upstreamCode: 'fake_code',
  })
const failure = (target: string, code: ProviderErrorCode) =>
  new ProviderError(code, target, `${target}: ${code}.`)
/** What the local provider throws for a model that is not in memory (unloaded, loading, failed). */
const localRefusal = (target: string, why: string, retryAfterMs?: number) =>
  new ProviderError('local_error', target, `${target}: Model '${target.split('/')[1]}' ${why}.`, {
    status: 503,
    retryAfterMs,
    upstreamCode: 'model_not_ready',
  })

function routerFor(
  first: Outcome[],
  second: Outcome[],
  options: { threshold?: number; deadlineMs?: number } = {},
) {
  const a = scripted('a', first)
  const b = scripted('b', second)
  const target = (provider: ProviderV1, model: string): RouteTarget => ({
    provider,
    model,
    key: `${provider.id}/${model}`,
    weight: 1,
  })
  const router = new Router({
    routes: [
      {
        name: 'chat-default',
        task: 'chat',
        strategy: 'fallback',
        targets: [target(a.provider, 'm1'), target(b.provider, 'm2')],
        deadlineMs: options.deadlineMs ?? 5000,
        retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 50 },
      },
    ],
    defaults: {
      deadlineMs: 5000,
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    },
    circuitBreaker: { failureThreshold: options.threshold ?? 100, cooldownMs: 60_000 },
  })
  const send = async () => {
    const trace: RoutingTrace = { attempts: 0 }
    const route = router.resolve('chat-default', 'chat')
    try {
      const value = await router.chat(
        route,
        { model: 'chat-default', messages: [{ role: 'user', content: 'hi' }] },
        { requestId: 'r', signal: new AbortController().signal, trace },
      )
      return { value, trace }
    } catch (error) {
      return { error: error as ModelportError, trace }
    }
  }
  return { router, send, a, b }
}

describe('rule 1: fall back only on retryable failures', () => {
  it.each([408, 429, 500, 502, 503, 504, 529])(
    'falls back on %i (after retrying that target)',
    async (code) => {
      const { send, a, b } = routerFor([status('a/m1', code), status('a/m1', code)], ['ok'])
      const { value, trace } = await send()
      expect(value?.model).toBe('m2')
      expect(trace).toEqual({ attempts: 3, target: 'b/m2' })
      expect([a.calls.length, b.calls.length]).toEqual([2, 1])
    },
  )

  it.each([
    'connection_failed',
    'connect_timeout',
    'headers_timeout',
    'body_timeout',
    'invalid_response',
  ] as const)('falls back on %s', async (code) => {
    const { send, b } = routerFor([failure('a/m1', code), failure('a/m1', code)], ['ok'])
    const { value, trace } = await send()
    expect(value?.model).toBe('m2')
    expect(trace.attempts).toBe(3)
    expect(b.calls).toEqual(['m2'])
  })

  it.each([
    [400, 400, 'invalid_request_error'],
    [401, 401, 'authentication_error'],
    [403, 403, 'permission_error'],
    [404, 404, 'not_found_error'],
    [422, 422, 'invalid_request_error'],
    [409, 400, 'invalid_request_error'],
  ])('never falls back on %i: returns it attributed, as %i', async (code, want, type) => {
    const { send, a, b } = routerFor([status('a/m1', code)], ['ok'])
    const { error, trace } = await send()
    expect(error).toBeInstanceOf(ModelportError)
    expect(error).toMatchObject({ status: want, type, code: 'fake_code' })
    expect(error?.message).toBe(`a/m1 answered ${code}: nope`)
    expect(trace).toEqual({ attempts: 1, target: 'a/m1' })
    expect([a.calls.length, b.calls.length]).toEqual([1, 0])
  })
})

describe('when every target fails', () => {
  it('answers 502 naming what each target did', async () => {
    const { send } = routerFor(
      [status('a/m1', 503), status('a/m1', 503)],
      [failure('b/m2', 'connection_failed'), failure('b/m2', 'connect_timeout')],
    )
    const { error, trace } = await send()
    expect(error).toMatchObject({ status: 502, code: 'upstream_failed' })
    expect(error?.message).toBe(
      "Every target of 'chat-default' failed: a/m1: 503 (×2); b/m2: connect timeout (×2).",
    )
    expect(trace.attempts).toBe(4)
  })

  it('answers 503, not 502, when no local model can serve now: no retry there, no circuit opened', async () => {
    const { send, a, b } = routerFor(
      [localRefusal('a/m1', 'is unloaded'), localRefusal('a/m1', 'is unloaded')],
      [localRefusal('b/m2', 'is still loading', 1000), localRefusal('b/m2', 'is still loading', 1000)],
      { threshold: 1 },
    )
    for (const _ of [1, 2]) {
      const { error, trace } = await send()
      expect(error).toMatchObject({ status: 503, type: 'server_error', code: 'no_target_available' })
      expect(error?.retryAfter).toBe(1)
      expect(error?.message).toBe(
        "No target of 'chat-default' can serve now (a/m1: Model 'm1' is unloaded; b/m2: Model 'm2' is still loading).",
      )
      expect(trace.attempts).toBe(2)
    }
    expect([a.calls.length, b.calls.length]).toEqual([2, 2])
  })

  it('answers 502 when a remote target failed too, saying why the local one could not serve', async () => {
    const { send } = routerFor(
      [localRefusal('a/m1', 'failed to load')],
      [status('b/m2', 500), status('b/m2', 500)],
    )
    const { error } = await send()
    expect(error).toMatchObject({ status: 502, code: 'upstream_failed' })
    expect(error?.message).toBe(
      "Every target of 'chat-default' failed: a/m1: Model 'm1' failed to load; b/m2: 500 (×2).",
    )
  })

  it('answers 429 with the shortest Retry-After when every target is rate limited', async () => {
    const { send } = routerFor(
      [status('a/m1', 429, 30_000)],
      [status('b/m2', 429, 2_500), status('b/m2', 429, 2_500)],
    )
    const { error, trace } = await send()
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 3 })
    // 30 s is over the 50 ms cap: a/m1 was not retried; b/m2's 2.5 s was not either.
    expect(trace.attempts).toBe(2)
  })

  it('answers 503 with Retry-After when every circuit is open, trying nothing', async () => {
    const { send, a, b } = routerFor(
      [status('a/m1', 503), status('a/m1', 503)],
      [status('b/m2', 503), status('b/m2', 503)],
      { threshold: 2 },
    )
    await send()
    const { error, trace } = await send()
    expect(error).toMatchObject({ status: 503, code: 'no_target_available', retryAfter: 60 })
    expect(trace.attempts).toBe(0)
    expect([a.calls.length, b.calls.length]).toEqual([2, 2])
  })

  it('answers 504 when the deadline passes, whatever was left to try', async () => {
    const slow: ProviderV1 = {
      specificationVersion: 'v1',
      id: 'slow',
      type: 'openai-compatible',
      chat: (_request, options) =>
        new Promise((_done, fail) =>
          options.signal.addEventListener('abort', () => fail(options.signal.reason)),
        ),
    }
    const router = new Router({
      routes: [
        {
          name: 'r',
          task: 'chat',
          strategy: 'fallback',
          targets: [{ provider: slow, model: 'x', key: 'slow/x', weight: 1 }],
          deadlineMs: 40,
          retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
        },
      ],
      defaults: {
        deadlineMs: 40,
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      },
      circuitBreaker: { failureThreshold: 5, cooldownMs: 1000 },
    })
    const trace: RoutingTrace = { attempts: 0 }
    const started = Date.now()
    const error = await router
      .chat(
        router.resolve('r', 'chat'),
        { model: 'r', messages: [{ role: 'user', content: 'x' }] },
        {
          requestId: 'r',
          signal: new AbortController().signal,
          trace,
        },
      )
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 504, code: 'deadline_exceeded' })
    expect(Date.now() - started).toBeLessThan(500)
    expect(trace).toEqual({ attempts: 1, target: 'slow/x' })
  })
})

describe('resolving a model', () => {
  it.each([
    ['nope', 'chat', 404, 'model_not_found'],
    ['chat-default', 'embeddings', 400, 'wrong_task'],
  ] as const)('%s for %s → %i %s', (name, task, want, code) => {
    const { router } = routerFor([], [])
    expect(() => router.resolve(name, task)).toThrow(expect.objectContaining({ status: want, code }))
  })
})
