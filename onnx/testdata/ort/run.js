// Runs an ONNX model with ONNX Runtime (onnxruntime-node) for the onnx package's tests.
// usage: node run.js [-batch B] MODEL OUTDIR NAME:TYPE:D1xD2x...:FILE ...
// Each input is raw little-endian data (TYPE float32, float64, int32 or int64); each
// output is written to OUTDIR/<index>.bin and described on stdout as one JSON line.
// With -batch B, the inputs are cut along their first axis into batches of B (the last may
// be smaller), run one after the other through one session, and each output is the
// batches' outputs joined along its first axis.
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

const arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array };

async function main() {
  let args = process.argv.slice(2);
  let batch = 0;
  if (args[0] === '-batch') {
    batch = Number(args[1]);
    args = args.slice(2);
  }
  const [model, outDir, ...specs] = args;
  const inputs = specs.map((s) => {
    const [name, type, dims, file] = s.split(':');
    const buf = fs.readFileSync(file);
    const A = arrays[type];
    const data = new A(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const shape = dims === '' ? [] : dims.split('x').map(Number);
    return { name, type, data, shape };
  });
  const n = inputs.length > 0 && inputs[0].shape.length > 0 ? inputs[0].shape[0] : 1;
  if (!(batch > 0) || batch >= n) batch = n;
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  const parts = session.outputNames.map(() => []);
  for (let lo = 0; lo < n; lo += batch) {
    const hi = Math.min(n, lo + batch);
    const feeds = {};
    for (const x of inputs) {
      if (batch === n) {
        feeds[x.name] = new ort.Tensor(x.type, x.data, x.shape);
        continue;
      }
      const row = x.shape.slice(1).reduce((a, b) => a * b, 1);
      feeds[x.name] = new ort.Tensor(x.type, x.data.subarray(lo * row, hi * row), [hi - lo, ...x.shape.slice(1)]);
    }
    const results = await session.run(feeds);
    session.outputNames.forEach((name, i) => parts[i].push(results[name]));
  }
  const meta = [];
  session.outputNames.forEach((name, i) => {
    const ts = parts[i];
    const dims = ts[0].dims.slice();
    if (ts.length > 1) dims[0] = ts.reduce((a, t) => a + t.dims[0], 0);
    const bufs = ts.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    fs.writeFileSync(path.join(outDir, i + '.bin'), Buffer.concat(bufs));
    meta.push({ name, type: ts[0].type, dims });
  });
  console.log(JSON.stringify(meta));
}

main().catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });
