/** The docs' OCR example (docs/tasks.md), run as written (curl) against a live server on a rendered receipt. */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../../src/node.js'
import { assertMatchesContract } from '../../support/contract.js'
import { type OcrBody, renderLines } from './support.js'

const run = promisify(execFile)
const readme = fileURLToPath(new URL('../../../../../docs/tasks.md', import.meta.url))
const RECEIPT = ['Corner Bakery & Cafe', 'Sourdough loaf 4.50', 'Total $15.30']

/** The shell block under `### OCR`: its commands, and the output its comment shows. */
async function readmeExample() {
  const text = await readFile(readme, 'utf8')
  const section = text.slice(text.indexOf('## OCR'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const lines = block.split('\n').filter((line) => line.trim())
  return {
    commands: lines.filter((line) => !line.startsWith('#')),
    shown: JSON.parse(
      lines
        .filter((line) => line.startsWith('#'))
        .map((line) => line.slice(1).trim())
        .join(''),
    ) as OcrBody,
  }
}

describe('docs: OCR', () => {
  let server: RunningServer
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelport-readme-ocr-'))
    // The image the docs name (shipped in examples/), rendered again here: the docs' output is for it.
    await mkdir(join(dir, 'examples/ocr'), { recursive: true })
    const rendered = (await renderLines(RECEIPT, { fontSize: 24 })).file
    await writeFile(join(dir, 'examples/ocr/bakery-receipt.png'), rendered)
    server = await startServer({ port: 0, modelsDir: dir, log: { info() {}, warn() {}, error() {} } })
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the receipt with curl over a real socket, as the docs show', async () => {
    const { commands, shown } = await readmeExample()
    expect(commands.map((c) => c.split(' ')[0])).toEqual(['curl', 'curl'])
    const bodies: OcrBody[] = []
    for (const command of commands) {
      const local = command.replace('localhost:8080', `127.0.0.1:${server.port}`)
      const body = JSON.parse((await run('sh', ['-c', local], { cwd: dir })).stdout) as OcrBody
      assertMatchesContract('POST', '/v1/ocr', 200, body)
      expect(body.lines.map((l) => l.text)).toEqual(RECEIPT)
      bodies.push(body)
    }
    // The docs show the first answer; confidences may differ in the last digits on another CPU.
    const withoutConfidence = (body: OcrBody | undefined) =>
      body && { ...body, lines: body.lines.map(({ confidence: _, ...line }) => line) }
    expect(withoutConfidence(bodies[0])).toEqual(withoutConfidence(shown))
    bodies[0]?.lines.forEach((line, i) => {
      expect(line.confidence).toBeCloseTo(shown.lines[i]?.confidence ?? 0, 2)
    })
    expect(bodies[1]?.lines.every((l) => l.confidence >= 0.9)).toBe(true)
  })
})
