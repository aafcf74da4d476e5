/** Model threads run below the event loop's priority, so the loop is scheduled first when cores are busy. */
import { readdirSync, readFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { SIMPLENET_MODEL_PATH } from '../../scripts/simplenet.js'
import { loadWorkerModel } from '../../src/runtime/onnx/session.js'
import { workerNice } from '../../src/runtime/thread-priority.js'
import { threadStart } from '../../src/runtime/worker-pool.js'

/** The nice value of every thread of this process, by thread id. */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      // Fields after the command name (which is in parentheses and may hold spaces); nice is field 19.
      const fields = (readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
      nices.set(Number(tid), Number(fields[16]))
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return nices
}

const niceThreads = (nice: number) => [...threadNices().values()].filter((n) => n === nice).length

describe.runIf(process.platform === 'linux')('model thread priority', () => {
  afterEach(() => {
    delete process.env.MODELPORT_WORKER_NICE
  })

  it('runs a worker model at nice 10 and leaves the event loop at 0', async () => {
    const before = niceThreads(10)
    const model = await loadWorkerModel(SIMPLENET_MODEL_PATH, { workers: 2 })
    // Each worker, and any thread ONNX Runtime starts for the whole process from one of them.
    const loaded = niceThreads(10)
    try {
      expect(loaded).toBeGreaterThanOrEqual(before + 2)
      expect(threadNices().get(process.pid)).toBe(0)
      // The lowered threads still answer.
      const out = await model.run(
        { x: { datatype: 'FP32', shape: [1, 10], data: new Float32Array(10).fill(0.5) } },
        ['y'],
      )
      expect(out.y?.shape).toEqual([1, 10])
    } finally {
      await model.dispose()
    }
    // The workers are gone (a thread ONNX Runtime keeps for the process may stay).
    expect(niceThreads(10)).toBeLessThanOrEqual(loaded - 2)
  })

  it('takes the value from MODELPORT_WORKER_NICE, and 0 keeps the threads at the loop priority', async () => {
    process.env.MODELPORT_WORKER_NICE = '15'
    const model = await loadWorkerModel(SIMPLENET_MODEL_PATH)
    expect(niceThreads(15)).toBeGreaterThanOrEqual(1)
    await model.dispose()
    process.env.MODELPORT_WORKER_NICE = '0'
    const before = [...threadNices().values()].filter((n) => n !== 0).length
    const same = await loadWorkerModel(SIMPLENET_MODEL_PATH)
    expect([...threadNices().values()].filter((n) => n !== 0).length).toBe(before)
    await same.dispose()
  })

  it('lowers a thread started by hand (the generation worker) with lowerThisThread', async () => {
    const start = threadStart(new URL('./support/lower-self.ts', import.meta.url))
    const worker = new Worker(start.file, { workerData: { ...start.data, nice: 7 } })
    try {
      const nice = await new Promise((done, fail) => worker.once('message', done).once('error', fail))
      expect(nice).toBe(7)
      expect(threadNices().get(process.pid)).toBe(0)
    } finally {
      await worker.terminate()
    }
  })

  it('refuses a value outside 0-19 before any thread starts', async () => {
    expect(workerNice({})).toBe(10)
    for (const bad of ['20', '-1', 'low', '2.5']) {
      expect(() => workerNice({ MODELPORT_WORKER_NICE: bad })).toThrow(
        `MODELPORT_WORKER_NICE must be an integer from 0 to 19, not '${bad}'.`,
      )
    }
    process.env.MODELPORT_WORKER_NICE = '99'
    await expect(loadWorkerModel(SIMPLENET_MODEL_PATH)).rejects.toThrow(/MODELPORT_WORKER_NICE/)
  })
})
