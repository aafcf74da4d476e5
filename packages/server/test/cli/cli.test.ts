/** The `modelport` and `modelport-gen-client` commands as a person first meets them: help, and start-up failures that say what to do. */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { eventually } from '../support/fake-upstream.js'

const run = promisify(execFile)
const serverDir = fileURLToPath(new URL('../..', import.meta.url))
const genClient = fileURLToPath(new URL('../../../sdk/bin/modelport-gen-client.js', import.meta.url))
const tsx = ['--conditions=source', '--import', 'tsx']

async function cli(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [...tsx, 'src/cli.ts', ...args], {
    cwd: serverDir,
    env: { ...process.env, MODELPORT_LOG_LEVEL: 'info', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )
}

describe('--help', () => {
  it.each([
    [['--help'], /^Usage: modelport serve/],
    [['serve', '--help'], /^Usage: modelport serve\n\nServes the built-in models[\s\S]*PORT/],
    [['pull', '--help'], /^Usage: modelport pull <owner\/name>[\s\S]*MODELPORT_HUB_URL/],
    [['hash-key', '--help'], /^Usage: modelport hash-key/],
    [['pull', '-h'], /^Usage: modelport pull/],
  ])('modelport %j prints its usage and exits 0', async (args, usage) => {
    const { code, stdout } = await cli(args)
    expect(code).toBe(0)
    expect(stdout).toMatch(usage)
  })

  it('modelport-gen-client --help prints its usage and exits 0', async () => {
    const result = await run(process.execPath, [...tsx, genClient, '--help'], { cwd: serverDir })
    expect(result.stderr).toMatch(/^Usage: modelport-gen-client --url <server> --out <file.ts>/)
  })

  it('an unknown command names itself and exits 2', async () => {
    const { code, stderr } = await cli(['srve'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/^Unknown command 'srve'\.\n\nUsage: modelport serve/)
  })
})

describe('serve, when it cannot start', () => {
  it('names PORT when the port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done))
    const { port } = taken.address() as { port: number }
    try {
      const { code, stderr } = await cli(['serve'], { PORT: String(port), HOST: '127.0.0.1' })
      expect(code).toBe(1)
      expect(stderr).toContain(
        `Port ${port} is already in use on 127.0.0.1 (is another modelport running?). Stop that process, or pick another port: PORT=${port + 1} (or PORT=0 for any free one).`,
      )
    } finally {
      await new Promise((done) => taken.close(done))
    }
  })

  it('says it stopped when interrupted while starting', async () => {
    const child = spawn(process.execPath, [...tsx, 'src/cli.ts', 'serve'], {
      cwd: serverDir,
      env: { ...process.env, PORT: '0', MODELPORT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const messages: string[] = []
    createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
      messages.push((JSON.parse(line) as { msg: string }).msg)
      // Interrupted at once: loading the server and its models takes far longer than this takes.
      if (messages.at(-1) === 'starting') child.kill('SIGINT')
    })
    const exit = await new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })))
    expect(exit).toEqual({ code: 0, signal: null })
    expect(await eventually(() => messages.includes('stopped during start-up'), 2000)).toBe(true)
    expect(messages).not.toContain('listening')
  })
})

describe('the commands packages install', () => {
  it('point at files in the repository, so installing links them before any build', async () => {
    for (const pkg of ['packages/server', 'packages/sdk']) {
      const dir = fileURLToPath(new URL(`../../../../${pkg}/`, import.meta.url))
      const { bin } = JSON.parse(await readFile(`${dir}package.json`, 'utf8')) as {
        bin: Record<string, string>
      }
      for (const [name, file] of Object.entries(bin)) {
        expect(file, `${pkg} ${name}`).not.toMatch(/dist\//)
        expect(existsSync(`${dir}${file}`), `${pkg} ${name} → ${file}`).toBe(true)
      }
    }
  })

  it('modelport says to build when the build is missing, instead of failing to find a file', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'modelport-bin-'))
    try {
      await cp(join(serverDir, 'bin'), join(scratch, 'bin'), { recursive: true })
      const failure = await run(process.execPath, [join(scratch, 'bin/modelport.js'), '--help']).catch(
        (error: { code: number; stderr: string }) => error,
      )
      expect(failure).toMatchObject({ code: 1 })
      expect((failure as { stderr: string }).stderr).toMatch(
        /^modelport is not built yet\. In the repository: pnpm build/,
      )
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  })
})
