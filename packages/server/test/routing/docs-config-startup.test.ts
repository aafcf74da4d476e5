/**
 * The main config example of docs/routing.md, saved as a file as the page says, starts a server as
 * written once the keys it names are set and its local model has been pulled (here from a loopback
 * hub): its routes are listed, and the embeddings route answers from the local model first.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { tinyBertModel, tinyBertTokenizer } from '../../scripts/tiny-bert.js'
import { pullModel } from '../../src/models/pull/index.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { type FakeHub, startFakeHub } from '../models/pull/fake-hub.js'
import { type Repository, tempRepository } from '../support/models.js'

const page = fileURLToPath(new URL('../../../../docs/routing.md', import.meta.url))
let hub: FakeHub
let repo: Repository
let server: RunningServer
let configDir: string

beforeAll(async () => {
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
  hub = await startFakeHub({
    repo: 'sentence-transformers/all-MiniLM-L6-v2',
    commit: 'c0ffee0000000000000000000000000000000003',
    revisions: { main: 'c0ffee0000000000000000000000000000000003' },
    files: [
      { path: 'onnx/model.onnx', bytes: new Uint8Array(tinyBertModel()), lfs: true },
      { path: 'tokenizer.json', bytes: text(tinyBertTokenizer()) },
      { path: 'config.json', bytes: text({ model_type: 'bert', hidden_size: 16 }) },
    ],
  })
  repo = await tempRepository()
  // The page's pull command: `modelport pull sentence-transformers/all-MiniLM-L6-v2 --name all-minilm-l6-v2`.
  await pullModel({
    spec: 'sentence-transformers/all-MiniLM-L6-v2',
    name: 'all-minilm-l6-v2',
    modelsDir: repo.dir,
    hubUrl: hub.url,
  })
  const markdown = await readFile(page, 'utf8')
  const yaml = /```yaml\n([\s\S]*?)```/.exec(markdown)?.[1] ?? ''
  configDir = await mkdtemp(join(tmpdir(), 'modelport-docs-config-'))
  await writeFile(join(configDir, 'modelport.yaml'), yaml)
  server = await startServer({
    port: 0,
    modelsDir: repo.dir,
    configPath: join(configDir, 'modelport.yaml'),
    env: {
      OPENAI_API_KEY: 'sk-test',
      GROQ_API_KEY: 'gsk-test',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      HF_TOKEN: 'hf_test',
    },
    log: { info() {}, warn() {}, error() {} },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await hub?.close()
  await repo?.remove()
  if (configDir) await rm(configDir, { recursive: true, force: true })
})

it('starts, lists its routes, and serves the embeddings route from the pulled local model', async () => {
  const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] }
  expect(models.data.map((m) => m.id)).toEqual(
    expect.arrayContaining(['chat-default', 'chat-fast', 'minilm']),
  )
  const response = await fetch(`${server.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'minilm', input: ['The cat sat.'] }),
  })
  expect(response.status).toBe(200)
  expect(response.headers.get('x-modelport-target')).toBe('local/all-minilm-l6-v2')
  const body = (await response.json()) as { data: { embedding: number[] }[] }
  expect(body.data[0]?.embedding).toHaveLength(16)
})
