/** Reading commands and their shown output out of a page, and comparing output with what a page shows. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { outputDifferences, shellBlocks } from './shell-blocks.js'

it('splits a block into commands with the output shown under each', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-blocks-'))
  try {
    const page = [
      'Text.',
      '```sh',
      "curl -s localhost:8080/x -d '{",
      '  "a": 1',
      "}'",
      '# {"ok":',
      '#  true}',
      'echo one \\',
      "  two   # a comment that isn't closed",
      'echo three',
      '```',
      '```ts',
      'not a command',
      '```',
    ].join('\n')
    await writeFile(join(dir, 'page.md'), page)
    expect(shellBlocks(dir, 'page.md')).toEqual([
      {
        file: 'page.md',
        line: 2,
        steps: [
          { command: 'curl -s localhost:8080/x -d \'{\n  "a": 1\n}\'', shown: '{"ok":\n true}' },
          { command: "echo one \\\n  two   # a comment that isn't closed" },
          { command: 'echo three' },
        ],
      },
    ])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

it.each([
  ['equal JSON', '{"a":[1,"x"]}', '{"a":[1,"x"]}', 0],
  ['a number within 1%', '{"confidence":0.9766}', '{"confidence":0.9771}', 0],
  ['a number off by more', '{"duration":3.411}', '{"duration":3.9}', 1],
  ['a missing key', '{"a":1,"b":2}', '{"a":1}', 1],
  ['an ellipsis in a JSON string', '{"commit":"c0…"}', '{"commit":"c0ffee"}', 0],
  ['text lines in order, with an ellipsis', 'wrote /…/models.ts', '> banner\nwrote /tmp/x/models.ts', 0],
  ['a text line that is not there', 'FP32 [ 1, 10 ] 2.4725', 'FP32 [ 1, 10 ] 2.4800', 1],
  ['output that is not JSON where JSON is shown', '{"a":1}', 'Not Found', 1],
])('%s', (_, shown, output, problems) => {
  expect(outputDifferences(shown, output)).toHaveLength(problems)
})
