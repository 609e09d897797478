/** A base64 `data:` URL split into its media type and payload. */
export interface Base64DataUrl {
  mediaType: string;
  data: string;
}

const BASE64_DATA_URL = /^data:([^;,]+)((?:;[^;,=]+=[^;,]*)*);base64,(.*)$/s;

/** Reads `data:<media type>[;param=value]*;base64,<data>`; anything else (including non-base64 data URLs) is undefined. */
export function parseBase64DataUrl(url: string): Base64DataUrl | undefined {
  const match = BASE64_DATA_URL.exec(url);
  if (!match) return undefined;
  const [, mediaType = '', , data = ''] = match;
  return { mediaType: mediaType.toLowerCase(), data };
}
