/**
 * Local embeddings over a tiny BERT-shaped ONNX model and its WordPiece tokenizer, checked against a
 * reference computed in plain loops (test/tasks/embeddings/reference.ts).
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyBertModel, tinyBertTokenizer } from '../../../scripts/tiny-bert.js'
import { ModelportError } from '../../../src/core/errors.js'
import { ModelRegistry } from '../../../src/models/registry.js'
import { type ScanResult, scanRepository } from '../../../src/models/repository.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { OnnxLocalEmbeddings } from '../../../src/tasks/embeddings/index.js'
import { type Repository, scaleModel, tempRepository } from '../../support/models.js'
import { referenceEmbedding, referenceIds } from './reference.js'

const TEXTS = [
  'The quick brown fox jumps over the lazy dog.',
  'Hello, world!',
  'Cats sat on the mat',
  'A very big red car on a slow road; an unknownword too.',
  'HÉLLO   Wörld',
  '',
]

let repository: Repository
let registry: ModelRegistry
let scan: ScanResult
let embeddings: OnnxLocalEmbeddings

async function addTinyBert(name: string, config: Record<string, unknown>, tokenizer = true) {
  await repository.add(`${name}/model.onnx`, tinyBertModel())
  if (tokenizer) await repository.add(`${name}/tokenizer.json`, JSON.stringify(tinyBertTokenizer()))
  await repository.add(`${name}/model.json`, JSON.stringify(config))
}

beforeAll(async () => {
  repository = await tempRepository()
  await addTinyBert('tiny', { task: 'embeddings' })
  await addTinyBert('tiny-cls', { task: 'embeddings', pooling: 'cls' })
  await addTinyBert('tiny-short', { task: 'embeddings', max_length: 8 })
  await addTinyBert('tiny-raw', { task: 'embeddings', normalize: false })
  await addTinyBert('no-tokenizer', { task: 'embeddings' }, false)
  await addTinyBert('bad-pooling', { task: 'embeddings', pooling: 'max' })
  await repository.add('scale/model.onnx', scaleModel(2))
  scan = await scanRepository(repository.dir)
  registry = new ModelRegistry({ loader: onnxLoader() })
  registry.add(scan.models)
  await registry.loadAll()
  embeddings = new OnnxLocalEmbeddings({ registry, readText: (file) => readFile(file, 'utf8'), batchSize: 4 })
})
afterAll(async () => {
  await registry.close()
  await repository.remove()
})

function expectClose(actual: Float32Array | undefined, expected: number[], tolerance = 1e-5) {
  expect(actual).toBeDefined()
  expect(actual).toHaveLength(expected.length)
  const worst = Math.max(...expected.map((v, i) => Math.abs(v - (actual?.[i] ?? Number.NaN))))
  expect(worst).toBeLessThanOrEqual(tolerance)
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0))

async function rejection(promise: Promise<unknown>): Promise<ModelportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ModelportError)
  return error as ModelportError
}

describe('local embeddings against the reference', () => {
  it.each([
    ['mean pooling', 'tiny', {}],
    ['CLS pooling', 'tiny-cls', { pooling: 'cls' as const }],
    ['no normalization', 'tiny-raw', { normalize: false }],
  ])('%s matches within 1e-5', async (_name, model, options) => {
    const { vectors } = await embeddings.embed(model, TEXTS)
    for (const [index, text] of TEXTS.entries())
      expectClose(vectors[index], referenceEmbedding(text, options))
  })

  it('gives unit vectors unless normalize is false, and CLS differs from mean', async () => {
    const [mean] = (await embeddings.embed('tiny', [TEXTS[0] as string])).vectors
    const [cls] = (await embeddings.embed('tiny-cls', [TEXTS[0] as string])).vectors
    const [raw] = (await embeddings.embed('tiny-raw', [TEXTS[0] as string])).vectors
    expect(norm(mean as Float32Array)).toBeCloseTo(1, 6)
    expect(norm(cls as Float32Array)).toBeCloseTo(1, 6)
    expect(Math.abs(norm(raw as Float32Array) - 1)).toBeGreaterThan(0.01)
    expect(Math.max(...(mean as Float32Array).map((v, i) => Math.abs(v - (cls?.[i] ?? 0))))).toBeGreaterThan(
      0.01,
    )
  })

  it('truncates to max_length, keeping [CLS] and [SEP]', async () => {
    const long = 'the cat sat on the mat and the dog ran in the park'
    expect(referenceIds(long).length).toBeGreaterThan(8)
    const { vectors, promptTokens } = await embeddings.embed('tiny-short', [long, 'hello world'])
    expectClose(vectors[0], referenceEmbedding(long, { maxLength: 8 }))
    expectClose(vectors[1], referenceEmbedding('hello world', { maxLength: 8 }))
    expect(promptTokens).toBe(8 + 4)
    // Cut at 8 tokens, the long text is the same as its first six words.
    const [cut] = (await embeddings.embed('tiny', ['the cat sat on the mat'])).vectors
    expectClose(vectors[0], Array.from(cut as Float32Array), 1e-6)
  })

  it('pads a batch without changing any vector: many inputs at once equal one at a time', async () => {
    const words = 'the quick brown fox jumps over the lazy dog and the cat sat on a mat'.split(' ')
    const inputs = Array.from({ length: 41 }, (_, i) =>
      words.slice(i % 7, (i % 7) + 1 + ((i * 5) % 12)).join(' '),
    )
    const together = await embeddings.embed('tiny', inputs)
    expect(together.vectors).toHaveLength(inputs.length)
    let tokens = 0
    for (const [index, text] of inputs.entries()) {
      const alone = await embeddings.embed('tiny', [text])
      expectClose(together.vectors[index], Array.from(alone.vectors[0] as Float32Array), 1e-6)
      tokens += alone.promptTokens
    }
    expect(together.promptTokens).toBe(tokens)
  })

  it('gives concurrent requests their own vectors', async () => {
    const inputs = ['hello world', 'the cat sat', 'a dog ran in the park', 'hello world', 'red car', 'sun']
    const together = await Promise.all(inputs.map((text) => embeddings.embed('tiny', [text])))
    for (const [index, text] of inputs.entries())
      expectClose(together[index]?.vectors[0], referenceEmbedding(text))
  })

  it('counts prompt tokens after truncation, special tokens included', async () => {
    const { promptTokens } = await embeddings.embed('tiny', TEXTS)
    expect(promptTokens).toBe(TEXTS.reduce((sum, text) => sum + referenceIds(text).length, 0))
  })

  it.each([1, 5, 8, 16])('shortens to %i dimensions, renormalized', async (dimensions) => {
    const { vectors } = await embeddings.embed('tiny', TEXTS, { dimensions })
    for (const [index, text] of TEXTS.entries()) {
      expect(vectors[index]).toHaveLength(dimensions)
      expect(norm(vectors[index] as Float32Array)).toBeCloseTo(1, 6)
      expectClose(vectors[index], referenceEmbedding(text, { dimensions }))
    }
  })

  it('shortens without renormalizing when normalize is false', async () => {
    const { vectors } = await embeddings.embed('tiny-raw', [TEXTS[1] as string], { dimensions: 4 })
    expectClose(vectors[0], referenceEmbedding(TEXTS[1] as string, { normalize: false }).slice(0, 4))
  })
})

describe('what the router asks of local embeddings', () => {
  it('knows its embeddings models and their size', () => {
    expect(embeddings.has('tiny')).toBe(true)
    expect(embeddings.has('scale')).toBe(false)
    expect(embeddings.has('missing')).toBe(false)
    expect(embeddings.has('../etc')).toBe(false)
    expect(embeddings.dimensions('tiny')).toBe(16)
    expect(embeddings.dimensions('scale')).toBeUndefined()
  })

  it.each([
    [
      'more dimensions than the model has',
      'tiny',
      { dimensions: 17 },
      400,
      'invalid_dimensions',
      /makes vectors of 16/,
    ],
    ['zero dimensions', 'tiny', { dimensions: 0 }, 400, 'invalid_dimensions', /at least 1/],
    ['an unknown model', 'missing', {}, 404, 'model_not_found', /does not exist/],
    [
      'a model of another task',
      'scale',
      {},
      400,
      'model_not_embeddings',
      /raw model, not an embeddings model/,
    ],
  ])('refuses %s', async (_name, model, options, status, code, message) => {
    const error = await rejection(embeddings.embed(model, ['hello'], options))
    expect(error.status).toBe(status)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
  })

  it('stops between batches when the request is aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(embeddings.embed('tiny', ['hello'], { signal: controller.signal })).rejects.toThrow()
  })

  it('answers 503 while the model loads', async () => {
    const loading = new ModelRegistry({ loader: () => new Promise(() => {}) })
    loading.add(scan.models.filter((m) => m.name === 'tiny'))
    void loading.loadAll()
    const local = new OnnxLocalEmbeddings({ registry: loading, readText: (file) => readFile(file, 'utf8') })
    expect(local.has('tiny')).toBe(true)
    const error = await rejection(local.embed('tiny', ['hello']))
    expect(error.status).toBe(503)
  })

  it('answers 503 without details when the tokenizer cannot be read, and logs why', async () => {
    const warnings: unknown[] = []
    const local = new OnnxLocalEmbeddings({
      registry,
      readText: async () => '{ not json',
      log: { warn: (_message, fields) => warnings.push(fields) },
    })
    const error = await rejection(local.embed('tiny', ['hello']))
    expect(error.status).toBe(503)
    expect(error.message).toBe("The tokenizer of model 'tiny' could not be loaded.")
    expect(warnings).toHaveLength(1)
  })
})

describe('model.json for embeddings', () => {
  it.each([
    ['no-tokenizer', /needs tokenizer.json beside model.json/],
    ['bad-pooling', /pooling must be mean or cls/],
  ])('skips %s at scan time, saying why', (name, reason) => {
    expect(scan.models.map((m) => m.name)).not.toContain(name)
    const skipped = scan.skipped.find((s) => s.path.includes(`${name}/`))
    expect(skipped?.reason).toMatch(reason)
  })

  it('carries the settings into the model source', () => {
    const short = scan.models.find((m) => m.name === 'tiny-short')
    expect(short?.task).toBe('embeddings')
    expect(short?.embeddings).toMatchObject({ pooling: 'mean', normalize: true, maxLength: 8 })
    expect(short?.embeddings?.tokenizer).toMatch(/tiny-short\/tokenizer\.json$/)
  })
})
