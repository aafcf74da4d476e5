/**
 * One version's life with plain-code sessions and a hand-driven clock: idle release and transparent
 * reload, drains that wait for requests in flight, reloads that swap sessions without a failed run,
 * explicit unloads, and the statistics kept across all of it.
 */
import { describe, expect, it } from 'vitest'
import { ModelportError } from '../../src/core/errors.js'
import { ManagedModel } from '../../src/lifecycle/managed-model.js'
import { fakeLoader, gate, manualClock, quiet, rows, settle } from './support.js'

function managed(options: { keepAliveMs?: number; factorOf?: (n: number) => number } = {}) {
  const time = manualClock()
  const loader = fakeLoader(options.factorOf)
  const model = new ManagedModel({
    name: 'm',
    version: '1',
    load: loader.load,
    clock: time.clock,
    log: quiet,
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  })
  return { model, loader, time }
}

const y = async (promise: Promise<Record<string, { data: unknown }>>) =>
  Array.from((await promise).y?.data as Float32Array)

describe('idle keep-alive', () => {
  it('releases the session after the keep-alive, and the next request loads it again and waits for it', async () => {
    const { model, loader, time } = managed({ keepAliveMs: 200 })
    await model.load()
    expect(await y(model.run(rows(1, 2), ['y']))).toEqual([1, 2])
    await time.advance(199)
    expect([model.state, loader.state.sessions[0]?.disposed]).toEqual(['ready', false])
    await time.advance(1)
    expect([model.state, loader.state.sessions[0]?.disposed]).toEqual(['unloaded', true])
    expect(model.reason).toMatch(/released after 200 ms idle/)
    // Still takes requests: the next one loads a fresh session first.
    expect(model.accepting).toBe(true)
    const opened = gate()
    loader.state.loadGate = opened.promise
    const answer = model.run(rows(3), ['y'])
    await settle()
    expect(model.state).toBe('loading')
    opened.open()
    expect(await y(answer)).toEqual([3])
    expect([model.state, loader.state.loads]).toEqual(['ready', 2])
    expect(model.statistics.queue.count).toBe(2)
    expect(model.statistics.queue.ns).toBeGreaterThan(0)
  })

  it('counts the keep-alive from the end of the last request, and never releases one in flight', async () => {
    const { model, loader, time } = managed({ keepAliveMs: 200 })
    await model.load()
    const held = gate()
    loader.state.gate = held.promise
    const running = model.run(rows(1), ['y'])
    await time.advance(1000)
    expect(model.state).toBe('ready')
    held.open()
    await running
    await time.advance(150)
    expect(model.state).toBe('ready')
    await time.advance(50)
    expect(model.state).toBe('unloaded')
  })

  it('keeps a model without a keep-alive loaded, with no timer', async () => {
    const { model, time } = managed()
    await model.load()
    await model.run(rows(1), ['y'])
    expect(time.pendingTimers()).toBe(0)
    await time.advance(10_000_000)
    expect(model.state).toBe('ready')
  })
})

describe('reloading and unloading', () => {
  it('swaps in a fresh session while a request runs on the old one, and disposes the old one after it', async () => {
    const { model, loader } = managed({ factorOf: (n) => n })
    await model.load()
    const held = gate()
    loader.state.gate = held.promise
    const onOld = model.run(rows(5), ['y'])
    await settle()
    loader.state.gate = undefined
    await model.load()
    expect(await y(model.run(rows(5), ['y']))).toEqual([10])
    expect(loader.state.sessions[0]?.disposed).toBe(false)
    held.open()
    expect(await y(onOld)).toEqual([5])
    await settle()
    expect(loader.state.sessions.map((s) => s.disposed)).toEqual([true, false])
  })

  it('goes on serving the old session when a reload fails', async () => {
    const { model, loader } = managed()
    await model.load()
    loader.state.fail = true
    expect(await model.load()).toBe(false)
    expect(model.error).toMatch(/cannot load session 2/)
    expect([model.state, model.accepting]).toEqual(['ready', true])
    expect(await y(model.run(rows(4), ['y']))).toEqual([4])
  })

  it('unloads once the requests in flight are done, then refuses with a 503 that says how to load it', async () => {
    const { model, loader } = managed()
    await model.load()
    const held = gate()
    loader.state.gate = held.promise
    const running = model.run(rows(7), ['y'])
    await settle()
    let unloaded = false
    const unloading = model.unload(false, 'unloaded on request').then(() => (unloaded = true))
    await settle()
    expect([unloaded, loader.state.sessions[0]?.disposed]).toEqual([false, false])
    held.open()
    expect(await y(running)).toEqual([7])
    await unloading
    expect(loader.state.sessions[0]?.disposed).toBe(true)
    const refused = await model.run(rows(1), ['y']).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ModelportError)
    expect((refused as ModelportError).status).toBe(503)
    expect((refused as ModelportError).message).toBe(
      "Model 'm' version 1 is unloaded; load it with POST /v2/repository/models/m/load.",
    )
    expect(await model.load()).toBe(true)
    expect(await y(model.run(rows(2), ['y']))).toEqual([2])
  })

  it('drops a load that an unload overtook, disposing what it loaded', async () => {
    const { model, loader } = managed()
    const opened = gate()
    loader.state.loadGate = opened.promise
    const loading = model.load()
    await model.unload(false, 'unloaded on request')
    opened.open()
    expect(await loading).toBe(false)
    expect(model.state).toBe('unloaded')
    expect(loader.state.sessions[0]?.disposed).toBe(true)
  })

  it('retires after a delay, and a cancelled retirement keeps it loaded', async () => {
    const { model, time } = managed()
    await model.load()
    let retired = false
    void model.retire(1000, true, 'replaced').then(() => (retired = true))
    await time.advance(999)
    expect(model.state).toBe('ready')
    model.cancelRetirement()
    await time.advance(10)
    expect([model.state, retired]).toEqual(['ready', true])
    void model.retire(1000, true, 'replaced')
    await time.advance(1000)
    expect([model.state, model.accepting]).toEqual(['unloaded', true])
  })

  it('refuses for good once disposed, and answers 503 while the first load runs', async () => {
    const { model, loader } = managed()
    const opened = gate()
    loader.state.loadGate = opened.promise
    const loading = model.load()
    const early = await model.run(rows(1), ['y']).catch((error: ModelportError) => error)
    expect([early.status, early.message]).toEqual([503, "Model 'm' version 1 is still loading."])
    opened.open()
    await loading
    await model.dispose()
    expect(model.accepting).toBe(false)
    expect(await model.load()).toBe(false)
  })
})

describe('statistics', () => {
  it('counts rows, requests, failures and executions', async () => {
    const { model, loader } = managed()
    await model.load()
    await model.run(rows(1, 2, 3), ['y'])
    await model.run(rows(4), ['y'])
    const session = loader.state.sessions[0]
    if (!session) throw new Error('no session')
    session.run = async () => {
      throw new Error('broken')
    }
    await expect(model.run(rows(1), ['y'])).rejects.toThrow('broken')
    expect(model.statistics.inferenceCount).toBe(4)
    expect(model.statistics.success.count).toBe(2)
    expect(model.statistics.fail.count).toBe(1)
    expect(model.statistics.computeInfer.count).toBe(2)
    expect(model.executionCount).toBe(2)
    expect(model.statistics.lastInference).toBe(1_000_000)
  })

  it('takes executions from a runtime that counts its own (a batcher), across reloads', async () => {
    const { model, loader } = managed()
    await model.load()
    Object.assign(loader.state.sessions[0] as object, { executions: 3 })
    await model.load()
    Object.assign(loader.state.sessions[1] as object, { executions: 2 })
    await settle()
    expect(model.executionCount).toBe(5)
  })
})
