/**
 * A worker thread that owns one decoder session and the KV caches of the sequences it generates.
 * ONNX Runtime for Node runs `session.run` on the calling thread, so decoding here keeps the main
 * thread's event loop free. Sequences take turns one run at a time (a prefill chunk or a decode step),
 * so a long prompt never holds back the tokens of the others, and a cancel message is read between
 * any two runs.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { lowerThisThread } from '../thread-priority.js'
import { DecoderSequence, type DecoderSignature, decoderSignature } from './generation-decoder.js'
import { GrammarEngine, InvalidGrammarError, type TokenMask } from './generation-grammar.js'
import type {
  FinishReason,
  GenerateRequest,
  WorkerEvent,
  WorkerOptions,
  WorkerRequest,
} from './generation-protocol.js'
import { Sampler } from './generation-sampling.js'

interface Active {
  request: GenerateRequest
  sequence: DecoderSequence
  sampler: Sampler
  /** Prompt tokens not run yet. */
  pending: number[]
  /** The last sampled token, to feed next. */
  last?: number
  generated: number
  cancelled: boolean
  mask?: TokenMask
}

if (!parentPort) throw new Error('generation-worker runs as a worker thread')
const port: MessagePort = parentPort
const options = workerData as WorkerOptions & { nice: number }
lowerThisThread(options.nice)
const send = (event: WorkerEvent) => port.postMessage(event)

async function main(): Promise<void> {
  let session: ort.InferenceSession
  let signature: DecoderSignature
  try {
    session = await ort.InferenceSession.create(options.file, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    })
    signature = decoderSignature(session, options)
  } catch (error) {
    send({ type: 'load-failed', message: (error as Error).message })
    return
  }
  const active = new Map<number, Active>()
  let running: Promise<void> | undefined

  let grammars: Promise<GrammarEngine> | undefined
  /** Cancels that arrived while their generation was still being set up. */
  const early = new Set<number>()

  const finish = (entry: Active, reason: FinishReason) => {
    active.delete(entry.request.id)
    entry.sequence.dispose()
    entry.mask?.dispose()
    send({
      type: 'done',
      id: entry.request.id,
      reason,
      promptTokens: entry.request.promptIds.length,
      completionTokens: entry.generated,
    })
  }

  /** One run for one sequence: the next prefill chunk, or one decode step. */
  const step = async (entry: Active) => {
    if (entry.cancelled) return finish(entry, 'cancelled')
    const { request } = entry
    const feed =
      entry.pending.length > 0 ? entry.pending.splice(0, options.prefillChunk) : [entry.last as number]
    const logits = await entry.sequence.forward(feed)
    if (entry.pending.length > 0) return
    if (entry.cancelled) return finish(entry, 'cancelled')
    await entry.mask?.apply(logits)
    const token = entry.sampler.next(logits)
    entry.mask?.accept(token.id)
    if (request.stopIds.includes(token.id)) return finish(entry, 'stop')
    entry.generated++
    entry.last = token.id
    send({ type: 'token', id: request.id, token })
    if (entry.generated >= request.maxTokens) finish(entry, 'length')
  }

  const run = async () => {
    while (active.size > 0) {
      for (const entry of [...active.values()]) {
        try {
          await step(entry)
        } catch (error) {
          active.delete(entry.request.id)
          entry.sequence.dispose()
          entry.mask?.dispose()
          send({ type: 'failed', id: entry.request.id, message: (error as Error).message })
        }
        // Let cancel and new generate messages in between runs.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
  }
  const start = () => {
    running ??= run().finally(() => {
      running = undefined
    })
  }

  port.on('message', (message: WorkerRequest) => {
    if (message.type === 'close') {
      // Terminating a thread inside session.run aborts the whole process: end between runs instead.
      for (const entry of active.values()) entry.cancelled = true
      void (running ?? Promise.resolve()).then(async () => {
        await session.release()
        port.close()
      })
      return
    }
    if (message.type === 'cancel') {
      const entry = active.get(message.id)
      if (entry) entry.cancelled = true
      else early.add(message.id)
      return
    }
    void admit(message)
  })

  const admit = async (request: GenerateRequest) => {
    let mask: TokenMask | undefined
    try {
      if (request.grammar) {
        const vocabulary = options.vocabulary
        if (!vocabulary) throw new Error('this model was started without its vocabulary')
        grammars ??= GrammarEngine.create(vocabulary)
        mask = await (await grammars).mask(request.grammar)
      }
    } catch (error) {
      const code = error instanceof InvalidGrammarError ? 'invalid_grammar' : undefined
      send({ type: 'failed', id: request.id, message: (error as Error).message, ...(code && { code }) })
      return
    }
    active.set(request.id, {
      request,
      sequence: new DecoderSequence(session, signature),
      sampler: new Sampler(request.sampling, request.topLogprobs),
      pending: [...request.promptIds],
      generated: 0,
      cancelled: early.delete(request.id),
      ...(mask && { mask }),
    })
    send({ type: 'started', id: request.id })
    start()
  }
  send({
    type: 'ready',
    inputs: session.inputNames as string[],
    outputs: session.outputNames as string[],
  })
}

void main()
