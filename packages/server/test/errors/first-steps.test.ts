/**
 * Errors a newcomer meets in the first minutes, each saying how to fix it: a model folder added while the
 * server runs, chat with no config, a misspelt `model.json` key, `/docs/` with a trailing slash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import type { ConfigError } from '../../src/config/config-error.js'
import { loadConfig } from '../../src/config/load-config.js'
import { ModelRegistry } from '../../src/models/registry.js'
import { repositoryReader, scanRepository } from '../../src/models/repository.js'
import { createRouter } from '../../src/routing/create-router.js'
import { onnxLoader } from '../../src/runtime/onnx/session.js'
import { send } from '../support/app.js'
import { assertMatchesContract } from '../support/contract.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

let repo: Repository
let registry: ModelRegistry
const warnings: Record<string, unknown>[] = []

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  await repo.add('typo/model.onnx', scaleModel(1))
  await repo.add('typo/model.json', JSON.stringify({ task: 'raw', treads: 2, keep_alive: 100 }))
  await repo.add('tuned/model.onnx', scaleModel(1))
  await repo.add('tuned/model.json', JSON.stringify({ threads: 1, runtime: {}, keep_alive_ms: 1000 }))
  registry = new ModelRegistry({
    loader: onnxLoader(),
    repository: repositoryReader(repo.dir),
    log: { info() {}, warn() {} },
  })
  const scan = await scanRepository(repo.dir)
  warnings.push(...scan.skipped)
  registry.add(scan.models)
  await registry.loadAll()
})
afterAll(async () => {
  await registry.close()
  await repo.remove()
})

const infer = (app: ReturnType<typeof createApp>, model: string) =>
  send(app, 'POST', `/v2/models/${model}/infer`, {
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }],
  })

describe('model.json', () => {
  it('refuses unknown top-level keys, naming them, the likely intended one, and the known ones', () => {
    const typo = warnings.find((w) => String(w.path).includes('typo'))
    expect(typo?.reason).toMatch(
      /^unknown keys 'treads' \(did you mean 'threads'\?\), 'keep_alive'; model\.json knows batching, dimensions, feedback, file, keep_alive_ms, max_length, max_tokens, normalize, num_ctx, optimization, pooling, queue, rollout, runtime, sampling, source, spinning, task, threads, tokenizer$/,
    )
    expect(registry.list().map((m) => m.name)).toEqual(['scale', 'tuned'])
  })
})

describe('a model folder added while the server runs', () => {
  it('is named in the 404 with how to load it, and loads that way', async () => {
    const app = createApp({ registry, log: { error() {} } })
    await repo.add('late/1/model.onnx', scaleModel(2))
    const missing = await infer(app, 'late')
    expect(missing.status).toBe(404)
    assertMatchesContract('POST', '/v2/models/{model}/infer', 404, missing.body)
    expect((missing.body as { error: string }).error).toBe(
      "Model 'late' is in the model repository but not loaded: added after start-up, or skipped then (the log says why). Load it with POST /v2/repository/models/late/load, or restart the server; with MODELPORT_WATCH=1 new folders load by themselves.",
    )
    expect((await send(app, 'POST', '/v2/repository/models/late/load')).status).toBe(200)
    expect((await infer(app, 'late')).status).toBe(200)
    // A name with no folder keeps the plain answer.
    expect((await infer(app, 'nowhere')).body).toEqual({ error: "Model 'nowhere' does not exist." })
  })
})

describe('chat with an unknown model', () => {
  const chat = (app: ReturnType<typeof createApp>) =>
    send(app, 'POST', '/v1/chat/completions', {
      model: 'chat-default',
      messages: [{ role: 'user', content: 'hi' }],
    })

  it('with no config: says chat goes through routes and names MODELPORT_CONFIG', async () => {
    const app = createApp({ registry, log: { error() {} } })
    const res = await chat(app)
    expect(res.status).toBe(404)
    assertMatchesContract('POST', '/v1/chat/completions', 404, res.body)
    expect(res.body).toMatchObject({
      error: {
        code: 'model_not_found',
        param: 'model',
        message:
          "Model 'chat-default' does not exist: chat requests go to providers through routes, and no config file names any (start the server with MODELPORT_CONFIG=<file.yaml>); see docs/routing.md.",
      },
    })
  })

  it('with routes: lists the chat routes there are', async () => {
    const config = loadConfig(
      JSON.stringify({
        providers: { up: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } },
        routes: { fast: { targets: [{ provider: 'up', model: 'm' }] } },
      }),
      { source: 'test.json', env: {} },
    )
    const app = createApp({ registry, router: createRouter(config, {}), log: { error() {} } })
    const res = await chat(app)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({
      error: { message: "Model 'chat-default' does not exist; the chat routes are fast." },
    })
  })
})

describe('/docs', () => {
  it('with a trailing slash, sends the browser to the reference', async () => {
    const app = createApp({ registry, docs: { script: async () => new Uint8Array() }, log: { error() {} } })
    const res = await app.request('http://localhost/docs/')
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('../docs')
    expect((await app.request('http://localhost/docs')).status).toBe(200)
  })
})

describe('the config file', () => {
  it('reports a variable that is not set once, not again as an empty field', () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: the config's own ${NAME} syntax
    const text = [
      'providers:',
      '  openai: { type: openai-compatible, baseUrl: https://api.openai.com/v1, apiKey: ${OPENAI_API_KEY} }',
      '  claude: { type: anthropic, apiKey: ${ANTHROPIC_API_KEY} }',
      'routes:',
      '  chat-default: { targets: [{ provider: openai, model: gpt-4o-mini }, { provider: claud, model: x }] }',
    ].join('\n')
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: the config's own ${NAME} syntax
    const error = (() => {
      try {
        loadConfig(text, { source: 'modelport.yaml', env: {} })
      } catch (caught) {
        return caught as ConfigError
      }
    })()
    expect(error?.issues).toEqual([
      'providers.openai.apiKey: environment variable OPENAI_API_KEY is not set',
      'providers.claude.apiKey: environment variable ANTHROPIC_API_KEY is not set',
      "routes.chat-default.targets[1].provider: unknown provider 'claud' (known: local, openai, claude)",
    ])
  })
})
