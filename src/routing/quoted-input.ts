/**
 * An upstream's error message is its words about a request, and records, attempts and breaker reasons keep it;
 * but some quote a value of the request whole, which may be the prompt: AWS's validation errors say "Value
 * '<the value>' at 'messages.1.member.content' failed to satisfy constraint", and a message may quote text in
 * double quotes. A quote longer than a name or a parameter path is taken for such content and replaced by its
 * length (docs/security.md, "Upstream text in records and logs").
 */
const MAX_QUOTE = 64;
const DOUBLE_QUOTED = /"((?:[^"\\]|\\.){65,})"/g;
const AWS_VALUE = /Value '([\s\S]{65,}?)' at '/g;

/** The message with each quote longer than MAX_QUOTE characters replaced by its length. */
export function withoutQuotedInput(message: string): string {
  if (message.length <= MAX_QUOTE + 2) return message;
  return message
    .replace(DOUBLE_QUOTED, (_, quoted: string) => `"<${quoted.length} characters>"`)
    .replace(AWS_VALUE, (_, quoted: string) => `Value '<${quoted.length} characters>' at '`);
}
