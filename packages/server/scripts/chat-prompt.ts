/** The token ids of a chat prompt with the test tokenizer and ChatML template (for benchmarks). */
import { Template } from '@huggingface/jinja'
import { Tokenizer } from '@huggingface/tokenizers'
import { byteBpeTokenizer, CHATML_TEMPLATE } from './byte-bpe'

export function chatPromptIds(): (content: string) => number[] {
  const tokenizer = new Tokenizer(byteBpeTokenizer().tokenizer, {})
  const template = new Template(CHATML_TEMPLATE)
  return (content) =>
    tokenizer.encode(
      template.render({ messages: [{ role: 'user', content }], add_generation_prompt: true }),
      {
        add_special_tokens: false,
      },
    ).ids
}
