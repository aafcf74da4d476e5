/** `modelport pull --dtype` of a chat model from a fake hub on loopback, and the chat model it makes. */
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pullCommand, pullModel } from '../../src/models/pull/index.js'
import { OnnxLocalChat, scanChatModels } from '../../src/tasks/chat/index.js'
import { type FakeFile, type FakeHub, startFakeHub } from '../models/pull/fake-hub.js'
import { type ChatRepository, chatRepository } from './support.js'

const REPO = 'acme/tiny-chat'
const COMMIT = 'c0ffee0000000000000000000000000000000002'
let source: ChatRepository
let hub: FakeHub
let models: string

beforeAll(async () => {
  source = chatRepository()
  const fp32 = source.add('fp32')
  const q8 = source.add('q8', { dtype: 'q8' })
  const file = (path: string, from = fp32) => ({
    path,
    bytes: new Uint8Array(readFileSync(join(from, path))),
  })
  const files: FakeFile[] = [
    { ...file('onnx/model.onnx'), lfs: true },
    { ...file('onnx/model_quantized.onnx', q8), lfs: true },
    file('tokenizer.json'),
    file('tokenizer_config.json'),
    file('config.json'),
    file('generation_config.json'),
  ]
  hub = await startFakeHub({ repo: REPO, commit: COMMIT, revisions: { main: COMMIT }, files })
  models = await mkdtemp(join(tmpdir(), 'modelport-pull-chat-'))
}, 60_000)

afterAll(async () => {
  await hub?.close()
  source?.remove()
  await rm(models, { recursive: true, force: true })
})

describe('pulling a chat model', () => {
  it('takes the variant --dtype names and writes a folder served as a chat model', async () => {
    const result = await pullModel({
      spec: REPO,
      modelsDir: models,
      hubUrl: hub.url,
      dtype: 'q8',
      retries: 0,
    })
    expect(result.modelJson).toMatchObject({ task: 'chat', source: { file: 'onnx/model_quantized.onnx' } })
    const pulled = await readFile(join(result.dir, 'model.onnx'))
    expect(pulled.equals(readFileSync(join(source.dir, 'q8', 'onnx', 'model_quantized.onnx')))).toBe(true)
    expect(result.files.map((f) => f.name).sort()).toEqual(
      [
        'config.json',
        'generation_config.json',
        'model.onnx',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    )

    const scan = await scanChatModels(models)
    expect(scan.models.map((m) => m.name)).toEqual(['tiny-chat'])
    const chat = new OnnxLocalChat({ models: scan.models })
    try {
      await chat.loaded
      const answer = await chat.complete(
        'tiny-chat',
        { model: 'tiny-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, temperature: 0 },
        {},
      )
      expect(answer.usage?.completion_tokens).toBe(5)
    } finally {
      await chat.close()
    }
  }, 60_000)

  it('says which files there are when the variant is missing', async () => {
    await expect(
      pullModel({ spec: REPO, modelsDir: models, hubUrl: hub.url, dtype: 'q4', name: 'other', retries: 0 }),
    ).rejects.toThrow(
      /has no onnx\/model_q4\.onnx or .*it has onnx\/model\.onnx, onnx\/model_quantized\.onnx; choose one with --file or another --dtype/,
    )
  })

  it('refuses an unknown --dtype, and --dtype with --file, before downloading', async () => {
    const stderr: string[] = []
    const streams = {
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write: (chunk, _e, done) => {
          stderr.push(String(chunk))
          done()
        },
      }),
    }
    const env = { MODELPORT_MODELS: models, MODELPORT_HUB_URL: hub.url }
    expect(await pullCommand([REPO, '--dtype', 'int3'], env, streams)).toBe(2)
    expect(stderr.join('')).toMatch(/--dtype takes fp32, fp16, q8, q4, not 'int3'/)
    expect(await pullCommand([REPO, '--dtype', 'q8', '--file', 'onnx/model.onnx'], env, streams)).toBe(1)
    expect(stderr.join('')).toMatch(/Give --file or --dtype, not both/)
  })
})
