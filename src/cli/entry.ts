#!/usr/bin/env node
// The amg program's entry, bundled into dist/cli/main.js (scripts/bundle.mjs): it sets what V8 holds off while
// the program starts (./start-footprint.ts) before V8 parses the program, which comes as a separate chunk.
// Imported statically, the program's ~0.8 MB of code was parsed and linked before any of it ran, and the young
// generation had already grown once by the time the program's first statement set the growth factor (issue 14).
import './start-footprint.js';

await import('./program.js');
