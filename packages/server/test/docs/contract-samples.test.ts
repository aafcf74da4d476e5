/**
 * The reference shows, for every operation, request and response examples and two code samples: the
 * SDK call (or `fetch` where the SDK has no method) and curl. These tests keep new operations from
 * skipping them, and keep the TypeScript samples compiling against the SDK as it changes.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { type Body, operations, resolve } from './operations.js'

const hasExample = (body: Body) =>
  Object.values(resolve(body).content ?? {}).some(
    (media) => media.example !== undefined || Object.keys(media.examples ?? {}).length > 0,
  )

const table = operations.map((entry) => [`${entry.method.toUpperCase()} ${entry.path}`, entry] as const)

describe.each(table)('%s', (_, { path, method, operation }) => {
  const samples = operation['x-codeSamples'] ?? []

  it('has a summary, the heading the reference shows', () => {
    expect(operation.summary?.trim()).toBeTruthy()
  })

  it('has a TypeScript sample (the SDK, or fetch where the SDK has no method) and a curl sample', () => {
    expect(samples.map((sample) => `${sample.lang}/${sample.label}`).sort()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Shell\/curl$/),
        expect.stringMatching(/^TypeScript\/(SDK|fetch)$/),
      ]),
    )
  })

  it('has a curl sample that calls this operation', () => {
    const curl = samples.find((sample) => sample.label === 'curl')?.source ?? ''
    const url = new RegExp(`^curl http://localhost:8080${path.replace(/\{[^}]+\}/g, '[^/\\s?]+')}(\\s|$|\\?)`)
    expect(curl.trim()).toMatch(url)
    if (method === 'post') expect(curl).toMatch(/ (-d|--data-binary|-F) /)
    else if (method !== 'get') expect(curl).toContain(`-X ${method.toUpperCase()}`)
  })

  it('has a request example when it takes a body, and a response example', () => {
    if (operation.requestBody) expect(hasExample(operation.requestBody), 'request example').toBe(true)
    const success = Object.entries(operation.responses)
      .filter(([status]) => /^2\d\d$/.test(status))
      .map(([, response]) => response)
    expect(success.length, 'a 2xx response').toBeGreaterThan(0)
    for (const response of success) {
      if (resolve(response).content) expect(hasExample(response), 'response example').toBe(true)
    }
  })
})

describe('TypeScript code samples', () => {
  it('type-check against the SDK (so a renamed method or changed type fails here, not in a reader’s editor)', () => {
    const here = dirname(fileURLToPath(import.meta.url))
    const sdkEntry = fileURLToPath(new URL('../../../sdk/src/index.ts', import.meta.url))
    const sources = new Map(
      operations.flatMap(({ operation }) =>
        (operation['x-codeSamples'] ?? [])
          .filter((sample) => sample.lang === 'TypeScript')
          // Each sample is its own module, so top-level await and its names stay its own.
          .map((sample) => [
            join(here, `sample-${operation.operationId}.ts`),
            `${sample.source}\nexport {}\n`,
          ]),
      ),
    )
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['source'],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      paths: { '@modelport/sdk': [sdkEntry] },
    }
    const host = ts.createCompilerHost(options)
    const { getSourceFile, fileExists, readFile } = host
    host.fileExists = (name) => sources.has(name) || fileExists(name)
    host.readFile = (name) => sources.get(name) ?? readFile(name)
    host.getSourceFile = (name, language, ...rest) => {
      const text = sources.get(name)
      return text === undefined
        ? getSourceFile(name, language, ...rest)
        : ts.createSourceFile(name, text, language, true)
    }
    const program = ts.createProgram([...sources.keys()], options, host)
    const problems = [...sources.keys()].flatMap((name) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((diagnostic) => {
        const { line } = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? { line: 0 }
        const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')
        return `${diagnostic.file?.fileName.slice(here.length + 1) ?? 'global'}:${line + 1}: ${text}`
      }),
    )
    expect(sources.size).toBe(operations.length)
    expect(problems).toEqual([])
  })
})
