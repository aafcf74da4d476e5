/**
 * Every command of the README and the docs pages, run as written against a live server: each page
 * from the state a newcomer has after the two set-up commands (a clone with its packages installed,
 * `pnpm start` running, no `models/` folder yet), in a scratch copy of the repository, with the npm
 * registry pointed at a closed port so that a command needing it fails here, and the Hugging Face hub
 * replaced by one on loopback. The output a page shows under a command must be what the command
 * prints. The only commands not run here are the two set-up commands themselves (`.ci/run` and
 * `scripts/newcomer.sh` run those, from a fresh clone); the list below says so, and is checked
 * against the pages.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyBertModel, tinyBertTokenizer } from '../../scripts/tiny-bert.js'
import { type FakeHub, startFakeHub } from '../models/pull/fake-hub.js'
import { eventually } from '../support/fake-upstream.js'
import { docPages, outputDifferences, type ShellBlock, shellBlocks } from './shell-blocks.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))

/** Commands the pages show that this test does not run, and who does. */
const RUN_ELSEWHERE: Record<string, string> = {
  'npx -y pnpm@10 install && npx -y pnpm@10 start': 'scripts/newcomer.sh, from a fresh clone',
  'npx -y pnpm@10 install && npx -y pnpm@10 test': '.ci/run and scripts/newcomer.sh, from a fresh clone',
  // The lifecycle walkthrough trains with PyTorch, restarts the server on its own repository and writes
  // the example's committed typed functions: test/examples/pytorch.test.ts runs each step, in a
  // scratch folder of its own, and checks what the page says of it.
  '/usr/bin/python3 examples/pytorch/train.py --repository models --expected /tmp/mlp-v1.json':
    'test/examples/pytorch.test.ts',
  'MODELPORT_MODELS=models pnpm start': 'test/examples/pytorch.test.ts',
  'npx tsx --conditions=source packages/sdk/bin/modelport-gen-client.js \\\n  --url http://localhost:8080 --out examples/pytorch/generated/models.ts':
    'test/examples/pytorch.test.ts',
  'pnpm -F @modelport/examples run example pytorch /tmp/mlp-v1.json': 'test/examples/pytorch.test.ts',
  '/usr/bin/python3 examples/pytorch/retrain.py --repository models --expected /tmp/mlp-v2.json':
    'test/examples/pytorch.test.ts',
  '/usr/bin/python3 examples/pytorch/live_data.py --rows 400 --out /tmp/mlp-live.json':
    'test/examples/pytorch.test.ts',
  'npx tsx --conditions=source examples/pytorch/canary.ts /tmp/mlp-live.json':
    'test/examples/pytorch.test.ts',
  '/usr/bin/python3 examples/pytorch/quantize.py models/mlp/2/model.onnx models/mlp/3/model.onnx':
    'test/examples/quantize.test.ts',
}
/** Programs a page may use that a machine may lack; `.ci/run` installs them. Their blocks are skipped without. */
const OPTIONAL_PROGRAMS = ['espeak-ng']

const pages = docPages(root).map((file) => ({ file, blocks: shellBlocks(root, file) }))
const generatedModels = join(root, 'examples/typed-models/generated/models.ts')

let hub: FakeHub
let registry: string

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

beforeAll(async () => {
  // Builds when the build is missing or stale, as the first `pnpm start` does; once, before the rest.
  const built = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`)
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
  hub = await startFakeHub({
    repo: 'sentence-transformers/all-MiniLM-L6-v2',
    commit: 'c0ffee0000000000000000000000000000000002',
    revisions: { main: 'c0ffee0000000000000000000000000000000002' },
    files: [
      { path: 'onnx/model.onnx', bytes: new Uint8Array(tinyBertModel()), lfs: true },
      { path: 'tokenizer.json', bytes: text(tinyBertTokenizer()) },
      { path: 'tokenizer_config.json', bytes: text({ do_lower_case: true, model_max_length: 512 }) },
      { path: 'config.json', bytes: text({ model_type: 'bert', hidden_size: 16 }) },
    ],
  })
  registry = `http://127.0.0.1:${await closedPort()}/`
}, 240_000)
afterAll(async () => {
  await hub?.close()
})

/** A copy of the repository as a fresh clone has it after `pnpm install`: everything but `models/`. */
async function scratchClone(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-docs-'))
  for (const entry of await readdir(root)) {
    if (entry === 'models' || entry === '.git') continue
    await symlink(join(root, entry), join(dir, entry))
  }
  return dir
}

function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('MODELPORT_') && !/^npm_config_registry$/i.test(key)) env[key] = value
  return {
    ...env,
    // Any command that needs the npm registry fails: nothing here may reach it.
    npm_config_registry: registry,
    NPM_CONFIG_REGISTRY: registry,
    MODELPORT_HUB_URL: hub.url,
    PORT: '0',
    MODELPORT_LOG_LEVEL: 'info',
  }
}

/** A `pnpm start` (with whatever the command adds) in its own process group, until it has loaded its models. */
async function startServing(command: string, cwd: string) {
  const child = spawn('sh', ['-c', command], {
    cwd,
    detached: true,
    env: environment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: { msg?: string; url?: string }[] = []
  let output = ''
  createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
    output += `${line}\n`
    try {
      lines.push(JSON.parse(line))
    } catch {
      // pnpm's own lines.
    }
  })
  child.stderr?.on('data', (data) => (output += data))
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const loaded = await eventually(
    () => lines.some((l) => l.msg === 'models loaded') || child.exitCode !== null,
    60_000,
  )
  const url = lines.find((l) => l.msg === 'listening')?.url
  if (!loaded || !url || child.exitCode !== null) {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL')
    throw new Error(`'${command}' did not start:\n${output}`)
  }
  return {
    url,
    output: () => output,
    /** Ctrl-C, as a terminal sends it to the whole group: the server drains, says so, and is gone. */
    async stop() {
      process.kill(-(child.pid as number), 'SIGINT')
      await exited
      const group = () => {
        try {
          process.kill(-(child.pid as number), 0)
          return true
        } catch {
          return false
        }
      }
      const gone = await eventually(() => !group(), 20_000)
      if (!gone || !lines.some((l) => l.msg === 'stopped'))
        throw new Error(`'${command}' did not stop cleanly on Ctrl-C:\n${output}`)
    },
  }
}

function run(command: string, cwd: string, url: string) {
  const local = command.replaceAll('localhost:8080', url.replace(/^http:\/\//, ''))
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'sh',
      ['-c', local],
      { cwd, env: { ...environment(), MODELPORT_URL: url }, timeout: 120_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

const programOf = (command: string) =>
  command
    .trim()
    .split(/\s+/)
    .find((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word)) ?? ''
const hasProgram = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0
const withoutComment = (command: string) => command.replace(/\s+#.*$/, '').trim()

describe('the pages and the list of commands run elsewhere', () => {
  it('agree: every listed command is on a page, every other command is run here', () => {
    const commands = pages.flatMap((page) =>
      page.blocks.flatMap((block) => block.steps.map((s) => s.command)),
    )
    for (const listed of Object.keys(RUN_ELSEWHERE)) expect(commands).toContain(listed)
    expect(commands.length).toBeGreaterThan(Object.keys(RUN_ELSEWHERE).length + 10)
    // .ci/run runs the README's test command, as written.
    const ci = readFileSync(join(root, '.ci/run'))
    expect(ci).toContain('npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 test')
  })
})

function readFileSync(path: string): string {
  return spawnSync('cat', [path], { encoding: 'utf8' }).stdout
}

describe.each(
  pages.filter((page) => page.blocks.some((b) => b.steps.some((s) => !RUN_ELSEWHERE[s.command]))),
)('$file', ({ file, blocks }) => {
  it('runs every command as written and prints what the page shows', async () => {
    const cwd = await scratchClone()
    const before = existsSync(generatedModels) ? await readFile(generatedModels, 'utf8') : undefined
    const server = await startServing('pnpm start', cwd)
    const skipped: string[] = []
    try {
      for (const block of blocks as ShellBlock[]) {
        const missing = block.steps
          .map((s) => programOf(s.command))
          .find((p) => OPTIONAL_PROGRAMS.includes(p) && !hasProgram(p))
        if (missing) {
          skipped.push(`${file}:${block.line} (no ${missing} here)`)
          continue
        }
        for (const step of block.steps) {
          if (RUN_ELSEWHERE[step.command]) continue
          const where = `${file}:${block.line}: ${step.command}`
          if (/(^|\s)pnpm start$/.test(withoutComment(step.command))) {
            const other = await startServing(withoutComment(step.command), cwd)
            expect((await fetch(`${other.url}/v2/health/ready`)).status, where).toBe(200)
            await other.stop()
            continue
          }
          const result = await run(step.command, cwd, server.url)
          expect(result.code, `${where}\n${result.stderr}`).toBe(0)
          if (step.shown !== undefined)
            expect(outputDifferences(step.shown, `${result.stdout}${result.stderr}`.trim()), where).toEqual(
              [],
            )
        }
      }
    } finally {
      // The typed-models command writes the committed file; put it back first, whatever failed.
      const after = before === undefined ? undefined : await readFile(generatedModels, 'utf8')
      if (before !== undefined) await writeFile(generatedModels, before)
      await rm(cwd, { recursive: true, force: true })
      await server.stop()
      // Only the server's address, in the header line, may differ from the committed file.
      const body = (text: string | undefined) => text?.slice(text.indexOf('\n'))
      expect(body(after), 'the generated models file is not what the committed one says').toBe(body(before))
    }
    if (skipped.length > 0) console.warn(`skipped: ${skipped.join('; ')}`)
  }, 300_000)
})
