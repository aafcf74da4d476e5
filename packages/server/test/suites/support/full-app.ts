/**
 * The whole app in process, wired as the Node entry wires it, for `app.request()` at full speed: the
 * built-in models (simplenet, Silero VAD, PP-OCR), a repository with a raw model and a local embeddings
 * model, the OCR service, and routes to a working upstream and to a port that refuses.
 */
import { readFile } from 'node:fs/promises'
import { tinyBertModel, tinyBertTokenizer } from '../../../scripts/tiny-bert.js'
import { createApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config/load-config.js'
import { builtinModels } from '../../../src/models/builtin.js'
import { ModelRegistry } from '../../../src/models/registry.js'
import { repositoryReader, scanRepository } from '../../../src/models/repository.js'
import { createRouter } from '../../../src/routing/create-router.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { OnnxLocalEmbeddings } from '../../../src/tasks/embeddings/index.js'
import { createNodeOcrService } from '../../../src/tasks/ocr/node-service.js'
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js'
import { type Repository, scaleModel, tempRepository } from '../../support/models.js'
import { refusedUrl } from '../../support/unresponsive-listener.js'

export const BODY_LIMIT = 1024 * 1024

/** A model repository with `scale` (two versions) and the tiny BERT embeddings model `tiny`. */
export async function fullRepository(): Promise<Repository> {
  const repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  await repo.add('scale/2/model.onnx', scaleModel(2))
  await repo.add('tiny/model.onnx', tinyBertModel())
  await repo.add('tiny/tokenizer.json', JSON.stringify(tinyBertTokenizer()))
  await repo.add('tiny/model.json', JSON.stringify({ task: 'embeddings' }))
  return repo
}

/** Routes: `chat` answers through the fake upstream; `chat-down` has nothing behind it. */
export function fullConfig(upstream: string, refused: string) {
  return {
    providers: {
      up: { type: 'openai-compatible', baseUrl: upstream },
      down: { type: 'openai-compatible', baseUrl: `${refused}/v1` },
    },
    routing: {
      deadlineMs: 2000,
      retry: { attempts: 1 },
      circuitBreaker: { failureThreshold: 3, cooldownMs: 200 },
    },
    routes: {
      chat: { targets: [{ provider: 'up', model: 'gpt-fake' }] },
      'chat-down': { targets: [{ provider: 'down', model: 'gpt-gone' }] },
    },
  }
}

export interface FullApp {
  app: ReturnType<typeof createApp>
  registry: ModelRegistry
  repo: Repository
  upstream: FakeUpstream
  /** Errors the app logged as unexpected (each one a 500). */
  unexpected: unknown[]
  close(): Promise<void>
}

export async function fullApp(): Promise<FullApp> {
  const repo = await fullRepository()
  const upstream = await startFakeUpstream('openai')
  const registry = new ModelRegistry({
    loader: onnxLoader(),
    repository: repositoryReader(repo.dir),
    retireDelayMs: 50,
  })
  registry.add(builtinModels())
  registry.add((await scanRepository(repo.dir)).models)
  await registry.loadAll()
  const localEmbeddings = new OnnxLocalEmbeddings({ registry, readText: (file) => readFile(file, 'utf8') })
  const config = loadConfig(JSON.stringify(fullConfig(upstream.baseUrl, await refusedUrl())), {
    localEmbeddings,
  })
  const router = createRouter(config, { localEmbeddings })
  const unexpected: unknown[] = []
  const app = createApp({
    registry,
    router,
    localEmbeddings,
    maxBodyBytes: BODY_LIMIT,
    ocr: await createNodeOcrService(registry),
    docs: { script: async () => new TextEncoder().encode('/* reference script */') },
    log: { error: (message, fields) => unexpected.push({ message, ...fields }) },
  })
  return {
    app,
    registry,
    repo,
    upstream,
    unexpected,
    async close() {
      await registry.close()
      await upstream.close()
      await repo.remove()
    },
  }
}
