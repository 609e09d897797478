import { setFlagsFromString } from 'node:v8';

/**
 * V8 grows the young generation while modules load, since most of what loading allocates survives, up to
 * 16 MB per semi-space, and does not give it back at idle: ~15 MB of RSS an idle gateway does not use. This
 * module is imported first, so growth is held off while the program loads and starts; once the gateway serves,
 * growth is allowed again and the young generation grows with the load, as with V8's defaults.
 * (`--max-semi-space-size` would cap it under load too, which costs CPU in more frequent scavenges.)
 */
setFlagsFromString('--semi-space-growth-factor=1');

/** Restores V8's default growth factor (2 in the V8 of Node 20, 22 and 24). */
export function allowYoungGenerationGrowth(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
}
