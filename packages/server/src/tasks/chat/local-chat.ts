/**
 * `LocalChat` on ONNX Runtime: the repository's chat models, each with its own generation worker,
 * tokenizer and chat template, loaded at start-up.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { Tokenizer } from '@huggingface/tokenizers'
import { badRequest, notFound, unavailable } from '../../core/errors.js'
import type { LocalChat, LocalChatCall, LocalChatState } from '../../core/local-chat.js'
import type { ChatCompletion, ChatRequest, ChatStream } from '../../core/provider.js'
import type { GenerationSessionOptions } from '../../runtime/onnx/generation-session.js'
import { collectCompletion } from './chat-completion.js'
import type { ChatModelSettings } from './chat-folder.js'
import { type ChatParameters, chatParameters, completionBudget } from './chat-parameters.js'
import { chatChunks } from './chat-run.js'
import { ChatTemplate } from './chat-template.js'
import { GenerationPool } from './generation-pool.js'
import { TextDecoder } from './text-decoder.js'
import { TokenBytes } from './token-bytes.js'
import { readVocabulary } from './vocabulary.js'

interface Loaded {
  session: GenerationPool
  tokenizer: Tokenizer
  template: ChatTemplate
  bytes: TokenBytes
}

interface Model {
  name: string
  settings: ChatModelSettings
  state: LocalChatState
  loading: Promise<Loaded | undefined>
  loaded?: Loaded
}

export interface OnnxLocalChatOptions {
  models: Array<{ name: string; settings: ChatModelSettings }>
  log?: { warn(message: string, fields?: Record<string, unknown>): void }
  /** Worker settings every model gets (tests limit the worker's heap). */
  session?: Partial<GenerationSessionOptions>
}

export class OnnxLocalChat implements LocalChat {
  readonly #models = new Map<string, Model>()

  constructor(options: OnnxLocalChatOptions) {
    for (const { name, settings } of options.models) {
      const model: Model = { name, settings, state: 'loading', loading: Promise.resolve(undefined) }
      model.loading = load(settings, options.session).then(
        (loaded) => {
          model.loaded = loaded
          model.state = 'ready'
          return loaded
        },
        (error: Error) => {
          model.state = 'unavailable'
          options.log?.warn('chat model failed to load', { model: name, error: error.message })
          return undefined
        },
      )
      this.#models.set(name, model)
    }
  }

  /** Resolves when every model has loaded or failed to. */
  get loaded(): Promise<void> {
    return Promise.all([...this.#models.values()].map((m) => m.loading)).then(() => {})
  }

  has(model: string): boolean {
    return this.#models.has(model)
  }

  names(): string[] {
    return [...this.#models.keys()].sort()
  }

  state(model: string): LocalChatState {
    return this.#models.get(model)?.state ?? 'unavailable'
  }

  /** Generations of a model running in its worker and waiting for a place. */
  activity(model: string): { active: number; queued: number } {
    return this.#models.get(model)?.loaded?.session.load ?? { active: 0, queued: 0 }
  }

  /** The same, per worker. */
  workerActivity(model: string): Array<{ active: number; queued: number }> {
    return this.#models.get(model)?.loaded?.session.loads ?? []
  }

  async complete(model: string, request: ChatRequest, call: LocalChatCall): Promise<ChatCompletion> {
    const { chunks, promptTokens } = this.#start(model, request, call, true)
    return collectCompletion(chunks, promptTokens)
  }

  async stream(model: string, request: ChatRequest, call: LocalChatCall): Promise<ChatStream> {
    const { chunks } = this.#start(model, request, call, false)
    return {
      [Symbol.asyncIterator]: () => chunks,
      async cancel() {
        await chunks.return(undefined)
      },
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#models.values()].map(async (m) => (await m.loading)?.session.close()))
  }

  #start(name: string, request: ChatRequest, call: LocalChatCall, forJson: boolean) {
    const model = this.#models.get(name)
    if (!model) throw notFound('model_not_found', `Model '${name}' does not exist.`, 'model')
    const loaded = model.loaded
    if (!loaded) {
      throw model.state === 'loading'
        ? unavailable('model_loading', `Model '${name}' is still loading.`, 1)
        : unavailable('model_unavailable', `Model '${name}' failed to load; see the server log.`)
    }
    if (call.signal?.aborted) throw call.signal.reason
    const parameters: ChatParameters = {
      ...chatParameters(request, model.settings),
      ...(forJson && { includeUsage: true }),
    }
    const prompt = loaded.template.render(request.messages)
    const promptIds = loaded.tokenizer.encode(prompt, { add_special_tokens: false }).ids
    if (promptIds.length === 0)
      throw badRequest('empty_prompt', 'The messages render to an empty prompt.', 'messages')
    const maxTokens = completionBudget(promptIds.length, parameters.maxTokens, model.settings.contextLength)
    const generation = loaded.session.generate({
      promptIds,
      maxTokens,
      sampling: parameters.sampling,
      stopIds: model.settings.eosTokenIds,
      ...(parameters.topLogprobs !== undefined && { topLogprobs: parameters.topLogprobs }),
      ...(parameters.grammar && { grammar: parameters.grammar }),
    })
    const chunks = chatChunks({
      id: `chatcmpl-${randomUUID()}`,
      model: name,
      created: Math.floor(Date.now() / 1000),
      promptTokens: promptIds.length,
      generation,
      parameters,
      decoder: new TextDecoder(loaded.tokenizer),
      bytes: loaded.bytes,
      signal: call.signal,
    })
    return { chunks, promptTokens: promptIds.length }
  }
}

async function load(
  settings: ChatModelSettings,
  session: Partial<GenerationSessionOptions> = {},
): Promise<Loaded> {
  const json = JSON.parse(await readFile(settings.tokenizer, 'utf8')) as Record<string, unknown>
  const config = JSON.parse(await readFile(settings.tokenizerConfig, 'utf8')) as Record<string, unknown>
  const tokenizer = new Tokenizer(json, config)
  const template = new ChatTemplate(settings.chatTemplate, config)
  const started = await GenerationPool.start(
    {
      file: settings.file,
      intraOpThreads: settings.intraOpThreads,
      maxActive: settings.maxActive,
      maxQueue: settings.maxQueue,
      ...(settings.maxBatch !== undefined && { maxBatch: settings.maxBatch }),
      ...(settings.kvHeads !== undefined && { kvHeads: settings.kvHeads }),
      ...(settings.headDim !== undefined && { headDim: settings.headDim }),
      vocabulary: readVocabulary(json, settings.vocabSize, settings.eosTokenIds),
      ...session,
    },
    settings.workers,
  )
  return { session: started, tokenizer, template, bytes: new TokenBytes(tokenizer, json) }
}
