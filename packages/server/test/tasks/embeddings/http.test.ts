/** `POST /v1/embeddings` answered by a local embeddings model, in-process through the app. */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyBertModel, tinyBertTokenizer } from '../../../scripts/tiny-bert.js'
import { createApp } from '../../../src/app.js'
import { ModelRegistry } from '../../../src/models/registry.js'
import { scanRepository } from '../../../src/models/repository.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { OnnxLocalEmbeddings } from '../../../src/tasks/embeddings/index.js'
import { send } from '../../support/app.js'
import { assertMatchesContract } from '../../support/contract.js'
import { type Repository, tempRepository } from '../../support/models.js'
import { referenceEmbedding, referenceIds } from './reference.js'

interface Answer {
  data: { index: number; embedding: number[] | string }[]
  usage: { prompt_tokens: number; total_tokens: number }
  error?: { code: string; param: string | null }
}

let repository: Repository
let registry: ModelRegistry
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  repository = await tempRepository()
  await repository.add('tiny/model.onnx', tinyBertModel())
  await repository.add('tiny/tokenizer.json', JSON.stringify(tinyBertTokenizer()))
  await repository.add('tiny/model.json', JSON.stringify({ task: 'embeddings' }))
  registry = new ModelRegistry({ loader: onnxLoader() })
  registry.add((await scanRepository(repository.dir)).models)
  await registry.loadAll()
  const localEmbeddings = new OnnxLocalEmbeddings({ registry, readText: (file) => readFile(file, 'utf8') })
  app = createApp({ registry, localEmbeddings, log: { error() {} } })
})
afterAll(async () => {
  await registry.close()
  await repository.remove()
})

async function embed(body: unknown) {
  const res = await send(app, 'POST', '/v1/embeddings', body)
  assertMatchesContract('POST', '/v1/embeddings', res.status, res.body)
  return { status: res.status, body: res.body as Answer }
}

describe('POST /v1/embeddings on a local model', () => {
  it('answers the reference vectors in input order, with usage', async () => {
    const input = ['The cat sat on the mat.', 'hello world', 'a quick brown fox']
    const res = await embed({ model: 'tiny', input })
    expect(res.status).toBe(200)
    expect(res.body.data.map((d) => d.index)).toEqual([0, 1, 2])
    for (const [index, text] of input.entries()) {
      const want = referenceEmbedding(text)
      const got = res.body.data[index]?.embedding as number[]
      expect(Math.max(...want.map((v, i) => Math.abs(v - (got[i] ?? Number.NaN))))).toBeLessThan(1e-5)
    }
    const tokens = input.reduce((sum, text) => sum + referenceIds(text).length, 0)
    expect(res.body.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens })
  })

  it('shortens to dimensions, and encodes base64 float32 when asked', async () => {
    const res = await embed({ model: 'tiny', input: 'hello world', dimensions: 4, encoding_format: 'base64' })
    expect(res.status).toBe(200)
    const bytes = Buffer.from(res.body.data[0]?.embedding as string, 'base64')
    const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    const want = referenceEmbedding('hello world', { dimensions: 4 })
    expect(got).toHaveLength(4)
    expect(Math.max(...want.map((v, i) => Math.abs(v - (got[i] ?? Number.NaN))))).toBeLessThan(1e-5)
  })

  it('answers 400 to more dimensions than the model has', async () => {
    const res = await embed({ model: 'tiny', input: 'hello', dimensions: 17 })
    expect(res.status).toBe(400)
    expect(res.body.error?.param).toBe('dimensions')
  })
})
