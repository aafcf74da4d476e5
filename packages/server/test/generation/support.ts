/** A chat model folder written from code for the generation tests, in a temporary model repository. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ChatFolderOptions, writeChatModelFolder } from '../../scripts/chat-model-folder.js'

export interface ChatRepository {
  /** The repository folder. */
  dir: string
  /** Writes a chat model folder `name` into it; returns the folder. */
  add(name: string, options?: ChatFolderOptions): string
  remove(): void
}

export function chatRepository(): ChatRepository {
  const dir = mkdtempSync(join(tmpdir(), 'modelport-chat-'))
  return {
    dir,
    add(name, options) {
      const folder = join(dir, name)
      writeChatModelFolder(folder, options)
      return folder
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
