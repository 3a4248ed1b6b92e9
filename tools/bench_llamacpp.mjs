// tools/bench_llamacpp.mjs — times llama.cpp prefill (ppN) and decode (tgN) on a GGUF through the
// node-llama-cpp package (its prebuilt CPU llama.cpp), the way `ropescope bench model` times them.
// Usage: node tools/bench_llamacpp.mjs MODEL.gguf THREADS PP TG REPS   (run by tools/bench_llamacpp.sh)
// Prints one line: "llamacpp pp=<tok/s> tg=<tok/s> cpu=<ggml system info>" (medians of REPS runs).
// The package is found in $NODE_LLAMA_CPP_DIR (the folder `npm install node-llama-cpp@3.22` ran in).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.NODE_LLAMA_CPP_DIR ?? "/work/npm-llama";
const { getLlama, LlamaLogLevel } =
    await import(pathToFileURL(resolve(dir, "node_modules/node-llama-cpp/dist/index.js")).href);

const [modelPath, threadsArg, ppArg, tgArg, repsArg] = process.argv.slice(2);
if (!modelPath) {
    console.error("usage: node bench_llamacpp.mjs MODEL.gguf THREADS PP TG REPS");
    process.exit(2);
}
const threads = Number(threadsArg ?? 1), pp = Number(ppArg ?? 512), tg = Number(tgArg ?? 128);
const reps = Number(repsArg ?? 3);
const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]); };

const llama = await getLlama({ gpu: false, build: "never", maxThreads: threads,
                                logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const n = Math.max(pp, tg);
// one batch holds the whole prompt, like `bench model` (n_batch = pp)
const context = await model.createContext({ contextSize: n + 16, batchSize: pp, sequences: 1,
                                            threads: { ideal: threads, min: threads } });
const seq = context.getSequence();
// the same token stream `bench model` uses: (i * 7919 + 13) mod 256, byte vocabulary
const tokens = Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256);

const ppRate = [], tgRate = [];
for (let r = -1; r < reps; r++) {          // one warm-up round, as in bench model
    await seq.clearHistory();
    let t0 = process.hrtime.bigint();
    await seq.evaluateWithoutGeneratingNewTokens(tokens.slice(0, pp));
    let t1 = process.hrtime.bigint();
    await seq.clearHistory();
    // decode: one token per llama_decode call, each its own batch
    for (let i = 0; i < tg; i++) await seq.evaluateWithoutGeneratingNewTokens([tokens[i]]);
    let t2 = process.hrtime.bigint();
    if (r >= 0) {
        ppRate.push(pp / (Number(t1 - t0) * 1e-9));
        tgRate.push(tg / (Number(t2 - t1) * 1e-9));
    }
}
const info = (llama.systemInfo ?? "").replace(/\s+/g, " ").trim();
console.log(`llamacpp pp=${median(ppRate).toFixed(0)} tg=${median(tgRate).toFixed(0)} cpu=${info}`);
await context.dispose();
await model.dispose();
await llama.dispose();
