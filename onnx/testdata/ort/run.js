// Runs an ONNX model with ONNX Runtime (onnxruntime-node) for the onnx package's tests.
// usage: node run.js MODEL OUTDIR NAME:TYPE:D1xD2x...:FILE ...
// Each input is raw little-endian data (TYPE float32, float64, int32 or int64); each
// output is written to OUTDIR/<index>.bin and described on stdout as one JSON line.
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

const arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array };

async function main() {
  const [model, outDir, ...specs] = process.argv.slice(2);
  const feeds = {};
  for (const s of specs) {
    const [name, type, dims, file] = s.split(':');
    const buf = fs.readFileSync(file);
    const A = arrays[type];
    const data = new A(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const shape = dims === '' ? [] : dims.split('x').map(Number);
    feeds[name] = new ort.Tensor(type, data, shape);
  }
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  const results = await session.run(feeds);
  const meta = [];
  session.outputNames.forEach((name, i) => {
    const t = results[name];
    const d = t.data;
    fs.writeFileSync(path.join(outDir, i + '.bin'), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    meta.push({ name, type: t.type, dims: t.dims });
  });
  console.log(JSON.stringify(meta));
}

main().catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });
