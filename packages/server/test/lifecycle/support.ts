/** Plain-code models and a clock driven by hand, for lifecycle tests without ONNX or real waiting. */
import type { Clock } from '../../src/core/clock.js'
import type { HostTensor, LoadedModel } from '../../src/runtime/types.js'

/** Time that moves only when told; timers fire as it passes them. */
export function manualClock(start = 1_000_000) {
  let now = start
  let nextId = 1
  const timers = new Map<number, { at: number; callback: () => void }>()
  const clock: Clock = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++
      timers.set(id, { at: now + ms, callback })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
  }
  return {
    clock,
    /** Moves time on by `ms`, firing each timer due on the way, in order. */
    async advance(ms: number) {
      const until = now + ms
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].callback()
        await settle()
      }
      now = until
      await settle()
    },
    pendingTimers: () => timers.size,
  }
}

/** Lets promise chains and immediates run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((done) => setImmediate(done))
}

export interface FakeSession extends LoadedModel {
  readonly factor: number
  disposed: boolean
  runs: number
}

/** Loads sessions that answer y = factor · x; `gate` holds runs (and `loadGate` loads) until opened. */
export function fakeLoader(factorOf: (loadNumber: number) => number = () => 1) {
  const state = {
    loads: 0,
    sessions: [] as FakeSession[],
    fail: false,
    gate: undefined as Promise<void> | undefined,
    loadGate: undefined as Promise<void> | undefined,
  }
  const load = async (): Promise<LoadedModel> => {
    const number = ++state.loads
    await state.loadGate
    if (state.fail) throw new Error(`cannot load session ${number}`)
    const factor = factorOf(number)
    const session: FakeSession = {
      platform: 'fake',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
      factor,
      disposed: false,
      runs: 0,
      async run(inputs) {
        if (session.disposed) throw new Error('run on a disposed session')
        session.runs++
        await state.gate
        const x = inputs.x as HostTensor
        return { y: { ...x, data: (x.data as Float32Array).map((v) => v * factor) } }
      },
      async dispose() {
        session.disposed = true
      },
    }
    state.sessions.push(session)
    return session
  }
  return { state, load }
}

/** A gate: a promise and the function that opens it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {}
  const promise = new Promise<void>((done) => {
    open = done
  })
  return { promise, open }
}

export const rows = (...values: number[]): Record<string, HostTensor> => ({
  x: { datatype: 'FP32', shape: [values.length, 1], data: Float32Array.from(values) },
})

export const quiet = { info() {}, warn() {} }
