/**
 * Constrained decoding for structured output, in the generation worker: xgrammar (its WebAssembly
 * build) compiles a JSON schema against the model's vocabulary, and before each token is chosen the
 * logits of every token that cannot continue a valid document are set to -Infinity. The output then
 * always parses and matches the schema, unless `max_tokens` cuts it short.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import type { GrammarSpec, Vocabulary } from './generation-protocol.js'
import { Utf8Table } from './generation-utf8.js'

// The minimal surface of @mlc-ai/web-xgrammar used here (its own types are on classes we never construct).
interface Compiled {
  dispose(): void
}
interface Matcher {
  getNextTokenBitmask(): Promise<Int32Array>
  acceptToken(id: number): boolean
  isTerminated(): boolean
  dispose(): void
}
interface Xgrammar {
  TokenizerInfo: {
    createTokenizerInfo(
      vocab: string[],
      type: string,
      prependSpace: boolean,
      size: number,
      stopIds: number[],
    ): Promise<unknown>
  }
  GrammarCompiler: {
    createGrammarCompiler(info: unknown): Promise<{
      compileJSONSchema(
        schema: string,
        anyWhitespace: boolean,
        indent?: number,
        separators?: [string, string],
        strict?: boolean,
      ): Promise<Compiled>
    }>
  }
  GrammarMatcher: { createGrammarMatcher(compiled: Compiled, stopIds: number[]): Promise<Matcher> }
}

type Compiler = Awaited<ReturnType<Xgrammar['GrammarCompiler']['createGrammarCompiler']>>

let loading: Promise<Xgrammar> | undefined

/**
 * Its UMD bundle sits in a `"type": "module"` package, and imported as ESM under some loaders it
 * exports nothing: run its text as the CommonJS it is written for instead, with the `require` and
 * `__filename` its Emscripten part reads.
 */
function loadXgrammar(): Promise<Xgrammar> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url)
    const file = require.resolve('@mlc-ai/web-xgrammar')
    const source = await readFile(file, 'utf8')
    const module = { exports: {} as Record<string, unknown> }
    const run = new Function('exports', 'module', 'require', '__filename', '__dirname', source)
    run(module.exports, module, require, file, dirname(file))
    const loaded = module.exports as Partial<Xgrammar>
    if (typeof loaded.TokenizerInfo !== 'function') throw new Error('xgrammar did not load')
    return loaded as Xgrammar
  })()
  return loading
}

const MAX_COMPILED = 32

/** A JSON schema's text for a grammar spec: `json_object` is any object. */
function schemaOf(spec: GrammarSpec): string {
  return spec.kind === 'json_object' ? '{"type":"object"}' : spec.schema
}

export class GrammarEngine {
  readonly #compiler: Compiler
  readonly #xgrammar: Xgrammar
  readonly #stopIds: number[]
  readonly #compiled = new Map<string, Compiled>()
  readonly #utf8: Utf8Table

  private constructor(xgrammar: Xgrammar, compiler: Compiler, vocabulary: Vocabulary) {
    this.#xgrammar = xgrammar
    this.#compiler = compiler
    this.#stopIds = vocabulary.stopIds
    this.#utf8 = new Utf8Table(vocabulary)
  }

  static async create(vocabulary: Vocabulary): Promise<GrammarEngine> {
    const xgrammar = await loadXgrammar()
    const info = await xgrammar.TokenizerInfo.createTokenizerInfo(
      vocabulary.tokens,
      vocabulary.type,
      vocabulary.prependSpace,
      vocabulary.size,
      vocabulary.stopIds,
    )
    const compiler = await xgrammar.GrammarCompiler.createGrammarCompiler(info)
    return new GrammarEngine(xgrammar, compiler, vocabulary)
  }

  /** A mask for one sequence; throws (`InvalidGrammarError`) for a schema xgrammar cannot compile. */
  async mask(spec: GrammarSpec): Promise<TokenMask> {
    const schema = schemaOf(spec)
    const key = `${spec.kind === 'json_schema' && spec.strict ? 'strict' : 'loose'}:${schema}`
    let compiled = this.#compiled.get(key)
    if (!compiled) {
      try {
        // Compact JSON: no whitespace between tokens, so a model cannot spend its tokens on spaces.
        compiled = await this.#compiler.compileJSONSchema(
          schema,
          false,
          -1,
          [',', ':'],
          spec.kind === 'json_schema' && spec.strict,
        )
      } catch (error) {
        throw new InvalidGrammarError(error instanceof Error ? error.message : String(error))
      }
      if (this.#compiled.size >= MAX_COMPILED) {
        const [oldest, grammar] = this.#compiled.entries().next().value as [string, Compiled]
        this.#compiled.delete(oldest)
        grammar.dispose()
      }
      this.#compiled.set(key, compiled)
    }
    const matcher = await this.#xgrammar.GrammarMatcher.createGrammarMatcher(compiled, this.#stopIds)
    return new TokenMask(matcher, this.#utf8)
  }
}

export class InvalidGrammarError extends Error {
  override name = 'InvalidGrammarError'
}

export class TokenMask {
  readonly #matcher: Matcher
  readonly #utf8: Utf8Table
  /** UTF-8 continuation bytes the output still owes. */
  #owed = 0

  constructor(matcher: Matcher, utf8: Utf8Table) {
    this.#matcher = matcher
    this.#utf8 = utf8
  }

  /** Sets the logits of tokens the grammar (or UTF-8) does not allow next to -Infinity. */
  async apply(logits: Float32Array): Promise<void> {
    const bits = await this.#matcher.getNextTokenBitmask()
    const grammarOnly = Float32Array.from(logits)
    for (let id = 0; id < logits.length; id++) {
      if (((bits[id >> 5] as number) >>> (id & 31)) & 1) continue
      logits[id] = Number.NEGATIVE_INFINITY
      grammarOnly[id] = Number.NEGATIVE_INFINITY
    }
    // Should no token be left, the grammar's choice is still a valid document, if not valid text.
    if (this.#utf8.mask(logits, this.#owed) === 0) logits.set(grammarOnly)
  }

  accept(id: number): void {
    if (!this.#matcher.acceptToken(id)) throw new Error(`the grammar refused token ${id}`)
    this.#owed = this.#utf8.after(this.#owed, id)
  }

  get finished(): boolean {
    return this.#matcher.isTerminated()
  }

  dispose(): void {
    this.#matcher.dispose()
  }
}
