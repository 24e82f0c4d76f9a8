import { setSourceMapsSupport } from 'node:module';

// Imported first by every service's main.ts, before anything else is loaded: stack traces point
// into our TypeScript sources, but not into node_modules. `--enable-source-maps` also reads and
// keeps the maps of every library that ships one (pdfkit, fontkit, OpenTelemetry, …): 8–16 MB of
// each idle service (bench/idle-rss.mts, issue 13), for frames we read in the libraries' own
// JavaScript anyway. Modules loaded before this call (main.js itself) keep no map.
setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
