import { ownEntry } from '../shared/own-entry.js';

/**
 * Gemini takes a file by URI as `fileData`, whose `mimeType` Vertex requires (the Gemini API infers it when
 * absent). A client gives an image or a document by URL without its type, so the type is read from the
 * URL's file extension; a document URL with none is taken as a PDF (Anthropic's URL documents are PDFs, and
 * so are most Responses `file_url`s). An image URL with no known extension has no type: the builder sends it
 * without one to the Gemini API and refuses it for Vertex (UpstreamBuildOptions.fileUrisNeedMediaType).
 */

const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

function extensionOf(uri: string): string | undefined {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    path = uri.split(/[?#]/, 1)[0] ?? '';
  }
  return /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
}

export function mediaTypeOfUri(uri: string, kind: 'image' | 'document'): string | undefined {
  const extension = extensionOf(uri);
  const known = extension === undefined ? undefined : ownEntry(BY_EXTENSION, extension);
  return known ?? (kind === 'document' ? 'application/pdf' : undefined);
}
