export type { LocalChat, LocalChatState } from '../../core/local-chat.js'
export { type ChatModelSettings, isChatFolder, readChatFolder } from './chat-folder.js'
export { OnnxLocalChat, type OnnxLocalChatOptions } from './local-chat.js'
export { scanChatModels } from './scan.js'
