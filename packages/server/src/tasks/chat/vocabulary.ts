/**
 * The model's tokens by id from `tokenizer.json`, and how they encode bytes, for compiling
 * structured-output grammars against them.
 */
import type { Vocabulary } from '../../runtime/onnx/generation-protocol.js'

const has = (node: unknown, type: string): boolean => {
  if (typeof node !== 'object' || node === null) return false
  const { type: own, decoders, pretokenizers, normalizers } = node as Record<string, unknown>
  if (own === type) return true
  return [decoders, pretokenizers, normalizers].some(
    (list) => Array.isArray(list) && list.some((n) => has(n, type)),
  )
}

export function readVocabulary(
  json: Record<string, unknown>,
  logitsSize: number | undefined,
  stopIds: number[],
): Vocabulary {
  const model = (json.model ?? {}) as { vocab?: unknown; byte_fallback?: unknown }
  const tokens: string[] = []
  if (Array.isArray(model.vocab)) {
    // Unigram: [token, score] pairs in id order.
    for (const [index, entry] of (model.vocab as Array<[string, number]>).entries()) tokens[index] = entry[0]
  } else if (model.vocab && typeof model.vocab === 'object') {
    for (const [token, id] of Object.entries(model.vocab as Record<string, number>)) tokens[id] = token
  }
  for (const added of (json.added_tokens ?? []) as Array<{ id: number; content: string }>)
    tokens[added.id] = added.content
  for (let id = 0; id < tokens.length; id++) tokens[id] ??= ''
  const type = has(json.decoder, 'ByteLevel')
    ? 'byte_level'
    : model.byte_fallback === true
      ? 'byte_fallback'
      : 'raw'
  const prependSpace = has(json.pre_tokenizer, 'Metaspace') || has(json.normalizer, 'Prepend')
  return { tokens, type, prependSpace, size: Math.max(logitsSize ?? 0, tokens.length), stopIds }
}
