import { describe, expect, it } from 'vitest'
import { Cancellation } from '../../src/core/cancellation.js'
import { ModelportError } from '../../src/core/errors.js'
import { Admission } from '../../src/limits/admission.js'

const settle = () => new Promise((done) => setImmediate(done))

describe('Admission', () => {
  it('runs `concurrency` at once, queues `queue` in arrival order, refuses the rest with a 429', async () => {
    const gate = new Admission('OCR', 'ocrConcurrency, ocrQueue', { concurrency: 2, queue: 2 })
    const order: number[] = []
    const first = await gate.enter()
    const second = await gate.enter()
    const admitted = (n: number) => (release: () => void) => {
      order.push(n)
      return release
    }
    const third = gate.enter().then(admitted(3))
    const fourth = gate.enter().then(admitted(4))
    const refused = await gate.enter().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ModelportError)
    expect(refused).toMatchObject({ status: 429, code: 'overloaded' })
    expect((refused as ModelportError).retryAfter).toBeGreaterThanOrEqual(1)
    expect(gate.stats).toMatchObject({ running: 2, waiting: 2, refused: 1 })
    first()
    await settle()
    expect(order).toEqual([3])
    // A newcomer does not pass the one still waiting.
    expect(gate.tryEnter()).toBeUndefined()
    second()
    ;(await third)()
    ;(await fourth)()
    expect(order).toEqual([3, 4])
    expect(gate.stats).toMatchObject({ running: 0, waiting: 0 })
  })

  it('gives up the place of a waiting request whose client leaves', async () => {
    const gate = new Admission('VAD', 'vadConcurrency, vadQueue', { concurrency: 1, queue: 1 })
    const running = await gate.enter()
    const client = new Cancellation()
    const waiting = gate.enter(client).catch((error: unknown) => error)
    client.abort(new Error('gone'))
    expect(await waiting).toEqual(new Error('gone'))
    expect(gate.stats).toMatchObject({ waiting: 0, abandoned: 1 })
    running()
    expect(gate.tryEnter()).toBeDefined()
  })

  it('a release called twice frees one place', async () => {
    const gate = new Admission('x', 'x', { concurrency: 1, queue: 0 })
    const release = await gate.enter()
    release()
    release()
    const again = await gate.enter()
    expect(gate.tryEnter()).toBeUndefined()
    again()
  })
})
