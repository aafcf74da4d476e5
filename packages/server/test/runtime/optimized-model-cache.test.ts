/**
 * Saved optimized graphs: saved once, reused on the next start with the same outputs as the original,
 * keyed on the model file, the session options and the CPU, and never a reason for a load to fail.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mulberry32, SIMPLENET_MODEL_PATH } from '../../scripts/simplenet.js'
import { builtinModels } from '../../src/models/builtin.js'
import {
  createOptimizedSession,
  defaultCacheDirectory,
} from '../../src/runtime/onnx/optimized-model-cache.js'
import { loadOnnxModel, loadWorkerModel } from '../../src/runtime/onnx/session.js'

const OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' } } },
}

let scratch: string
let simplenet: string
const builtin = (name: string) => {
  const file = builtinModels()
    .find((model) => model.name === name)
    ?.versions.get('1')
  if (!file) throw new Error(`no built-in ${name}`)
  return file
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'modelport-optimized-'))
  // A copy, so that touching it leaves the built-in model alone.
  simplenet = join(scratch, 'simplenet.onnx')
  await copyFile(SIMPLENET_MODEL_PATH, simplenet)
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

let caches = 0
const newCache = () => mkdtemp(join(scratch, `cache-${caches++}-`))
const entries = async (directory: string) =>
  (await readdir(directory)).filter((name) => name.endsWith('.onnx'))

function randomInput(shape: number[], seed: number): ort.Tensor {
  const next = mulberry32(seed)
  const size = shape.reduce((a, b) => a * b, 1)
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: size }, () => next() * 2 - 1),
    shape,
  )
}

async function outputsOf(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>) {
  const results = await session.run(feeds)
  return Object.fromEntries(
    Object.entries(results).map(([name, tensor]) => [name, tensor.data as Float32Array]),
  )
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)))
  return max
}

describe('saved optimized graphs', () => {
  it.each([
    ['ppocr-v4-det', 'x', [1, 3, 96, 128]],
    ['ppocr-v4-rec', 'x', [2, 3, 48, 160]],
  ])(
    '%s: saved on the first start, reused on the second, with the original outputs',
    async (name, input, shape) => {
      const file = builtin(name)
      const directory = await newCache()
      const first = await createOptimizedSession(file, OPTIONS, { optimizedModelCache: directory })
      expect(first.outcome).toBe('saved')
      expect(await entries(directory)).toHaveLength(1)
      const second = await createOptimizedSession(file, OPTIONS, { optimizedModelCache: directory })
      expect(second.outcome).toBe('reused')
      const original = await ort.InferenceSession.create(file, OPTIONS)
      const feeds = { [input]: randomInput(shape, 11) }
      const want = await outputsOf(original, feeds)
      const got = await outputsOf(second.session, feeds)
      expect(Object.keys(got)).toEqual(Object.keys(want))
      for (const output of Object.keys(want)) {
        expect(maxAbsDiff(got[output] as Float32Array, want[output] as Float32Array)).toBeLessThanOrEqual(
          1e-6,
        )
      }
      expect(second.session.inputNames).toEqual(original.inputNames)
      await Promise.all([first.session.release(), second.session.release(), original.release()])
    },
  )

  it('other session options, another CPU or a changed model file get a new entry, which replaces the old', async () => {
    const directory = await newCache()
    const load = async (options = OPTIONS, cpu?: string) => {
      const { session, outcome } = await createOptimizedSession(
        simplenet,
        options,
        { optimizedModelCache: directory },
        cpu ? { cpu } : {},
      )
      await session.release()
      return outcome
    }
    expect(await load()).toBe('saved')
    expect(await load()).toBe('reused')
    expect(await load({ ...OPTIONS, intraOpNumThreads: 2 })).toBe('saved')
    expect(await load(OPTIONS, 'aarch64|another CPU|')).toBe('saved')
    const later = new Date(Date.now() + 5_000)
    await utimes(simplenet, later, later)
    expect(await load()).toBe('saved')
    expect(await load()).toBe('reused')
    // One entry per model file: each save removed that file's previous entry.
    expect(await entries(directory)).toHaveLength(1)
  })

  it.each([
    ['garbage', (_bytes: Buffer) => Buffer.from('not an ONNX model')],
    ['a truncated file', (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2))],
  ])(
    'a saved graph that is %s is deleted and the original loaded, then saved again',
    async (_name, spoil) => {
      const file = builtin('ppocr-mobile-cls')
      const directory = await newCache()
      ;(await createOptimizedSession(file, OPTIONS, { optimizedModelCache: directory })).session.release()
      const [entry] = await entries(directory)
      const path = join(directory, entry as string)
      await writeFile(path, spoil(await readFile(path)))
      const replaced = await createOptimizedSession(file, OPTIONS, { optimizedModelCache: directory })
      expect(replaced.outcome).toBe('replaced')
      expect(await entries(directory)).toHaveLength(0)
      const feeds = { x: randomInput([1, 3, 48, 192], 5) }
      const original = await ort.InferenceSession.create(file, OPTIONS)
      const want = await outputsOf(original, feeds)
      const got = await outputsOf(replaced.session, feeds)
      for (const output of Object.keys(want)) {
        expect(maxAbsDiff(got[output] as Float32Array, want[output] as Float32Array)).toBeLessThanOrEqual(
          1e-6,
        )
      }
      const again = await createOptimizedSession(file, OPTIONS, { optimizedModelCache: directory })
      expect(again.outcome).toBe('saved')
      await Promise.all([replaced.session.release(), again.session.release(), original.release()])
    },
  )

  it('a directory that cannot be written: models load without the cache, and it is said once', async () => {
    const blocker = join(scratch, 'a-file')
    await writeFile(blocker, '')
    const warnings: string[] = []
    const warn = (message: string) => warnings.push(message)
    for (let i = 0; i < 2; i++) {
      const { session, outcome } = await createOptimizedSession(
        simplenet,
        OPTIONS,
        { optimizedModelCache: join(blocker, 'cache') },
        { warn },
      )
      expect(outcome).toBe('off')
      expect(session.inputNames).toEqual(['x'])
      await session.release()
    }
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/cannot be written \(ENOTDIR\)/)
  })

  it('a graph that cannot be saved: the original is loaded, and saving is not tried again on the next start', async () => {
    const directory = await newCache()
    const saves: string[] = []
    const create = (path: string, options: ort.InferenceSession.SessionOptions) => {
      if (options.optimizedModelFilePath) {
        saves.push(path)
        return Promise.reject(new Error('No space left on device'))
      }
      return ort.InferenceSession.create(path, options)
    }
    for (let i = 0; i < 2; i++) {
      const { session, outcome } = await createOptimizedSession(
        simplenet,
        OPTIONS,
        { optimizedModelCache: directory },
        { create },
      )
      expect(outcome).toBe('off')
      expect(session.outputNames).toEqual(['y'])
      await session.release()
    }
    expect(saves).toEqual([simplenet])
    expect(await entries(directory)).toHaveLength(0)
  })

  it('turned off, or with optimization disabled, nothing is saved', async () => {
    const directory = await newCache()
    const off = await createOptimizedSession(simplenet, OPTIONS, { optimizedModelCache: false })
    const disabled = await createOptimizedSession(
      simplenet,
      { ...OPTIONS, graphOptimizationLevel: 'disabled' },
      { optimizedModelCache: directory },
    )
    expect([off.outcome, disabled.outcome]).toEqual(['off', 'off'])
    expect(await entries(directory)).toHaveLength(0)
    await Promise.all([off.session.release(), disabled.session.release()])
  })

  it.each([
    [{ MODELPORT_CACHE_DIR: '/var/cache/mp' }, '/var/cache/mp/optimized-models'],
    [{ MODELPORT_CACHE_DIR: 'off' }, false],
    [{ XDG_CACHE_HOME: '/x' }, '/x/modelport/optimized-models'],
  ])('the directory from the environment %j is %s', (env, want) => {
    expect(defaultCacheDirectory(env)).toBe(want)
  })

  it('inline and worker-thread models both save and reuse, and answer as before', async () => {
    const directory = await newCache()
    const file = builtin('ppocr-mobile-cls')
    const input = {
      datatype: 'FP32' as const,
      shape: [1, 3, 48, 192],
      data: randomInput([1, 3, 48, 192], 9).data as Float32Array,
    }
    const answer = async (model: Awaited<ReturnType<typeof loadOnnxModel>>) => {
      const out = await model.run({ x: input }, [model.outputs[0]?.name as string])
      await model.dispose()
      return Object.values(out)[0]?.data as Float32Array
    }
    const want = await answer(await loadOnnxModel(file, { optimizedModelCache: false }))
    const saved = await answer(await loadWorkerModel(file, { optimizedModelCache: directory }))
    const [entry] = await entries(directory)
    const path = join(directory, entry as string)
    // Reuse refreshes the entry's time: set it back, and see which loads read it.
    const past = new Date(Date.now() - 3_600_000)
    const used = async () => (await stat(path)).mtimeMs > past.getTime() + 1_000
    await utimes(path, past, past)
    const fromWorker = await answer(await loadWorkerModel(file, { optimizedModelCache: directory }))
    expect(await used()).toBe(true)
    await utimes(path, past, past)
    const inline = await answer(await loadOnnxModel(file, { optimizedModelCache: directory }))
    expect(await used()).toBe(true)
    expect(await entries(directory)).toEqual([entry])
    for (const got of [saved, fromWorker, inline]) expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-6)
    // Four sessions and two worker threads: slow when the machine is busy.
  }, 60_000)
})
