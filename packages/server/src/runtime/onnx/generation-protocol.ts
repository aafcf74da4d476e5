/**
 * Messages between the main thread and a generation worker. The worker owns the decoder session and
 * every sequence's KV cache; the main thread sends prompts as token ids and receives tokens as they
 * are sampled. Plain data only: everything here crosses `postMessage`.
 */

export interface SamplingParameters {
  /** 0 picks the most likely token (greedy). */
  temperature: number
  topP: number
  /** 0 keeps every token. */
  topK: number
  /** Drawn from a seeded generator: the same seed and settings give the same tokens. */
  seed: number
  frequencyPenalty: number
  presencePenalty: number
}

/** Output constrained to JSON: any object, or a document that matches a JSON schema. */
export type GrammarSpec = { kind: 'json_object' } | { kind: 'json_schema'; schema: string; strict: boolean }

/** The model's tokens by id, for compiling grammars against them. */
export interface Vocabulary {
  tokens: string[]
  /** How token strings encode bytes (`byte_level` for GPT-2-style BPE). */
  type: 'byte_level' | 'byte_fallback' | 'raw'
  prependSpace: boolean
  /** The logits' size, which may be larger than the token list. */
  size: number
  stopIds: number[]
}

export interface GenerateRequest {
  type: 'generate'
  id: number
  promptIds: number[]
  maxTokens: number
  sampling: SamplingParameters
  /** Tokens that end the sequence (the model's end-of-sequence ids); not sent back as output. */
  stopIds: number[]
  /** Report each chosen token's log probability and this many alternatives (undefined: none). */
  topLogprobs?: number
  grammar?: GrammarSpec
}

export interface CancelRequest {
  type: 'cancel'
  id: number
}

/** Cancels everything, waits for the run in progress, releases the session and ends the worker. */
export interface CloseRequest {
  type: 'close'
}

export type WorkerRequest = GenerateRequest | CancelRequest | CloseRequest

export interface WorkerOptions {
  file: string
  intraOpThreads: number
  /** Prompt tokens per prefill run; a longer prompt runs in several (a last remainder under a quarter of this goes with the run before it). */
  prefillChunk: number
  /** Decoding sequences stepped together in one run; 1 steps each on its own. */
  maxBatch: number
  /** Batch even a file that quantizes activations per tensor (whose rows then affect each other). */
  batchAnyFile: boolean
  /** KV heads and head size when the model's metadata leaves them symbolic (from `config.json`). */
  kvHeads?: number
  headDim?: number
  /** Needed for constrained decoding only. */
  vocabulary?: Vocabulary
}

export interface TokenLogprob {
  id: number
  logprob: number
}

export interface SampledToken extends TokenLogprob {
  top?: TokenLogprob[]
}

export type FinishReason = 'stop' | 'length' | 'cancelled'

export type WorkerEvent =
  | { type: 'ready'; inputs: string[]; outputs: string[]; maxBatch: number }
  | { type: 'load-failed'; message: string }
  | { type: 'started'; id: number }
  | { type: 'token'; id: number; token: SampledToken }
  | { type: 'done'; id: number; reason: FinishReason; promptTokens: number; completionTokens: number }
  | { type: 'failed'; id: number; message: string; code?: 'invalid_grammar' }
