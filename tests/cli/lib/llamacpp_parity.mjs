// tests/cli/lib/llamacpp_parity.mjs — llama.cpp's side of tests/cli/llamacpp_parity.sh: loads a GGUF
// through node-llama-cpp (its prebuilt CPU llama.cpp), feeds the bytes of a prompt file as token ids
// (the byte vocabulary: id = byte) with an F32 KV cache like ropescope's, and prints one JSON object:
// "logprob" (log p of each next byte of the prompt, from the raw logits) and "greedy" (N argmax tokens
// after the prompt, each fed back), and "tokens": llama.cpp's tokenization of a few texts.
// Usage: node llamacpp_parity.mjs MODEL.gguf PROMPT.txt N      package dir: $NODE_LLAMA_CPP_DIR
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.NODE_LLAMA_CPP_DIR ?? "/work/npm-llama";
const { getLlama, LlamaLogLevel } =
    await import(pathToFileURL(resolve(dir, "node_modules/node-llama-cpp/dist/index.js")).href);
const [modelPath, promptPath, nArg] = process.argv.slice(2);
const prompt = [...readFileSync(promptPath)];
const nGen = Number(nArg ?? 32);

const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const context = await model.createContext({ contextSize: prompt.length + nGen + 8, batchSize: prompt.length + 8,
                                            experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32",
                                            sequences: 1, threads: { ideal: 1, min: 1 } });
const seq = context.getSequence();

// log-softmax of the full logit vector at `token`
const logprobOf = (logits, token) => {
    let max = -Infinity;
    for (const v of logits.values()) max = Math.max(max, v);
    let sum = 0;
    for (const v of logits.values()) sum += Math.exp(v - max);
    return logits.get(token) - max - Math.log(sum);
};
const argmax = (logits) => {
    let best = -1, bv = -Infinity;
    for (const [t, v] of logits) if (v > bv || (v === bv && t < best)) { bv = v; best = t; }
    return best;
};

const out = await seq.controlledEvaluate(prompt.map((t) => [t, { generateNext: { logits: true } }]));
const logprob = [];
for (let i = 0; i + 1 < prompt.length; i++) logprob.push(logprobOf(out[i].next.logits, prompt[i + 1]));
const greedy = [];
let next = argmax(out[prompt.length - 1].next.logits);
for (let k = 0; k < nGen; k++) {
    greedy.push(next);
    if (k + 1 === nGen) break;
    const r = await seq.controlledEvaluate([[next, { generateNext: { logits: true } }]]);
    next = argmax(r[0].next.logits);
}
// llama.cpp's own tokenizer on texts where a byte reading and llama.cpp's could part (test_model checks
// ropescope's model_tokenize against the same ids)
const texts = ["Hi there, \u00e9\u20ac!", "a\u2581b", "two  spaces\tand\na tab"];
const tokens = texts.map((t) => Array.from(model.tokenize(t, false)));
console.log(JSON.stringify({ logprob, greedy, texts, tokens }));
await context.dispose();
await model.dispose();
await llama.dispose();
