/**
 * A worker thread that owns one decoder session and the KV caches of the sequences it generates.
 * ONNX Runtime for Node runs `session.run` on the calling thread, so decoding here keeps the main
 * thread's event loop free. Each turn runs one prompt chunk of a sequence still being prefilled, then
 * one decode step for the sequences that are decoding, batched into one run (up to `maxBatch` rows per
 * run); so a long prompt never holds back the tokens of the others, a sequence joins the batch at a
 * step boundary once its prompt has run, and a cancel message is read between any two runs.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { lowerThisThread } from '../thread-priority.js'
import { DecoderBatch, quantizesActivationsPerTensor } from './generation-batch.js'
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
  /** Runs the prompt; its cache then moves into a batch. */
  sequence: DecoderSequence
  /** The batch it decodes in, once its prompt has run. */
  batch?: DecoderBatch
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

  const batches: DecoderBatch[] = []
  let maxBatch = 1
  try {
    // Rows of one batch must line up their positions; without `position_ids` the model derives them
    // from the cache length, which padding would shift, so such a model decodes one sequence per run.
    if (
      signature.positionIds &&
      (options.batchAnyFile || !(await quantizesActivationsPerTensor(options.file)))
    )
      maxBatch = Math.max(1, options.maxBatch)
  } catch (error) {
    send({ type: 'load-failed', message: (error as Error).message })
    return
  }

  const release = (entry: Active) => {
    active.delete(entry.request.id)
    entry.sequence.dispose()
    entry.mask?.dispose()
    const batch = entry.batch
    if (!batch) return
    batch.leave(entry.request.id)
    if (batch.size === 0) {
      batch.dispose()
      batches.splice(batches.indexOf(batch), 1)
    }
  }

  const finish = (entry: Active, reason: FinishReason) => {
    release(entry)
    send({
      type: 'done',
      id: entry.request.id,
      reason,
      promptTokens: entry.request.promptIds.length,
      completionTokens: entry.generated,
    })
  }

  const fail = (entry: Active, error: unknown) => {
    release(entry)
    send({ type: 'failed', id: entry.request.id, message: (error as Error).message })
  }

  /** Picks the next token from `logits`; true while the sequence goes on. */
  const choose = async (entry: Active, logits: Float32Array): Promise<boolean> => {
    if (entry.cancelled) {
      finish(entry, 'cancelled')
      return false
    }
    const { request } = entry
    await entry.mask?.apply(logits)
    const token = entry.sampler.next(logits)
    entry.mask?.accept(token.id)
    if (request.stopIds.includes(token.id)) {
      finish(entry, 'stop')
      return false
    }
    entry.generated++
    entry.last = token.id
    send({ type: 'token', id: request.id, token })
    if (entry.generated >= request.maxTokens) {
      finish(entry, 'length')
      return false
    }
    return true
  }

  // A run costs at least what a decode step does (the weights are read once per run), so a remainder
  // under a quarter of a chunk goes with the chunk before it: a 134-token prompt is one run, not 128 + 6.
  const prefillRun = (left: number) =>
    left <= Math.floor(options.prefillChunk * 1.25) ? left : options.prefillChunk

  /** The next prompt chunk of the sequence that waited longest; its first token once the prompt has run. */
  const prefill = async (entry: Active) => {
    const logits = await entry.sequence.forward(entry.pending.splice(0, prefillRun(entry.pending.length)))
    // Prompts take turns chunk by chunk, so a long one never holds back a short one.
    active.delete(entry.request.id)
    active.set(entry.request.id, entry)
    if (entry.pending.length > 0 || !(await choose(entry, logits))) return
    let batch = batches.find((b) => b.size < maxBatch)
    if (!batch) {
      batch = new DecoderBatch(session, signature)
      batches.push(batch)
    }
    batch.join(entry.request.id, entry.sequence.takeCache())
    entry.batch = batch
  }

  /** One decode step for every row of `batch`, each row's token chosen with its own settings. */
  const decode = async (batch: DecoderBatch) => {
    const rows = [...active.values()].filter((entry) => entry.batch === batch)
    let results: Array<{ key: number; logits: Float32Array }>
    try {
      results = await batch.step((key) => active.get(key)?.last as number)
    } catch (error) {
      for (const entry of rows) fail(entry, error)
      return
    }
    for (const { key, logits } of results) {
      const entry = active.get(key)
      if (!entry) continue
      try {
        await choose(entry, logits)
      } catch (error) {
        fail(entry, error)
      }
    }
  }

  // Let cancel and new generate messages in between runs.
  const yieldToMessages = () => new Promise((resolve) => setImmediate(resolve))

  const run = async () => {
    while (active.size > 0) {
      for (const entry of [...active.values()]) if (entry.cancelled) finish(entry, 'cancelled')
      const filling = [...active.values()].find((entry) => entry.pending.length > 0)
      if (filling) {
        try {
          await prefill(filling)
        } catch (error) {
          fail(filling, error)
        }
        await yieldToMessages()
      }
      for (const batch of [...batches]) {
        // Cancelled rows leave before the step rather than after it.
        for (const entry of active.values())
          if (entry.batch === batch && entry.cancelled) finish(entry, 'cancelled')
        if (batch.size === 0 || !batches.includes(batch)) continue
        await decode(batch)
        await yieldToMessages()
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
    maxBatch,
  })
}

void main()
