/**
 * The top-level keys `model.json` may hold. A misspelt key would otherwise be ignored without a word,
 * and the model served with defaults its author did not choose; nested objects already refuse theirs.
 * A feature that reads a new key adds it here.
 */
export const MODEL_JSON_KEYS = [
  // What the model is and where it came from (`source` is written by `modelport pull`).
  'task',
  'source',
  // Embeddings: tokenizer and pooling.
  'tokenizer',
  'pooling',
  'normalize',
  'max_length',
  'dimensions',
  // How it runs: batching, ONNX Runtime settings, placement, memory.
  'batching',
  'threads',
  'spinning',
  'optimization',
  'runtime',
  'keep_alive_ms',
  // Versions: a canary or shadow rollout between them, and feedback on their answers.
  'rollout',
  'feedback',
  // Chat models: the weights file, context length, default sampling and length, queue limits.
  'file',
  'num_ctx',
  'sampling',
  'max_tokens',
  'queue',
] as const

/** Edit distance, to suggest the key a misspelt one was meant to be. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    previous = current
  }
  return previous[b.length] ?? 0
}

/** Throws, naming every unknown key (with the likely intended one) and the known ones. */
export function checkModelJsonKeys(config: Record<string, unknown>): void {
  const known: readonly string[] = MODEL_JSON_KEYS
  const unknown = Object.keys(config).filter((key) => !known.includes(key))
  if (unknown.length === 0) return
  const described = unknown.map((key) => {
    const close = known.find((candidate) => distance(key, candidate) <= 2)
    return close ? `'${key}' (did you mean '${close}'?)` : `'${key}'`
  })
  throw new Error(
    `unknown key${unknown.length > 1 ? 's' : ''} ${described.join(', ')}; model.json knows ${[...known].sort().join(', ')}`,
  )
}
