/**
 * Gemini refuses a function-calling turn whose thought signature was dropped, and Gemini function calls have
 * no id the clients could carry. So the gateway makes the id carry the signature: every client dialect sends
 * tool call ids back unchanged (in the assistant turn and in the tool result), whatever else it drops. The
 * id stays within [A-Za-z0-9_-], which every dialect and provider accepts, by writing the signature in
 * base64url (of its UTF-8 text, so any signature comes back byte for byte) after a marker that the id's own part never contains.
 */

const MARKER = '__s_';

export function geminiToolCallId(base: string, signature: string | undefined): string {
  if (!signature) return base;
  return `${base}${MARKER}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

/** The thought signature carried in a tool call id, exactly as Gemini wrote it. */
export function signatureOfToolCallId(id: string): string | undefined {
  const at = id.indexOf(MARKER);
  if (at === -1) return undefined;
  return Buffer.from(id.slice(at + MARKER.length), 'base64url').toString('utf8');
}

/** A base for ids of one answer's calls: the response id's letters and digits, and the call's position. */
export function toolCallBase(responseId: string | undefined, index: number): string {
  const stem = (responseId ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 24) || 'gemini';
  return `call_${stem}_${index}`;
}
