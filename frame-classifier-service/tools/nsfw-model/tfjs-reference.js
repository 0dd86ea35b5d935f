// Reference scores for the classifier parity test, from the real TF.js (pure-JS CPU backend):
//   npm install @tensorflow/tfjs@4.22.0 --ignore-scripts   (in some scratch directory, NODE_PATH pointing at it)
//   node tfjs-reference.js MODEL_DIR [RGB24_FILE WIDTH HEIGHT]...
// Prints, per input, the five probabilities (Drawing, Hentai, Neutral, Porn, Sexy). Built-in inputs: the
// gradient pattern R=x%256, G=y%256, B=(x+y)%256 at 224×224, and all zeros. Raw RGB24 files are resized as
// nsfwjs does (resizeBilinear, alignCorners=true, when the size differs) and divided by 255.
'use strict';
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const path = require('path');

async function main() {
  const [dir, ...rest] = process.argv.slice(2);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  const weights = fs.readFileSync(path.join(dir, 'weights.bin'));
  const specs = json.weightsManifest.flatMap(g => g.weights);
  const model = await tf.loadLayersModel(tf.io.fromMemory(json.modelTopology, specs,
      weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length)));
  const inputs = [];
  const pattern = new Float32Array(224 * 224 * 3);
  for (let y = 0; y < 224; y++) for (let x = 0; x < 224; x++) {
    const i = (y * 224 + x) * 3;
    pattern[i] = (x % 256) / 255; pattern[i + 1] = (y % 256) / 255; pattern[i + 2] = ((x + y) % 256) / 255;
  }
  inputs.push(['pattern', tf.tensor4d(pattern, [1, 224, 224, 3])]);
  inputs.push(['zeros', tf.zeros([1, 224, 224, 3])]);
  for (let i = 0; i + 2 < rest.length; i += 3) {
    const [file, w, h] = [rest[i], +rest[i + 1], +rest[i + 2]];
    const img = tf.tensor3d(new Uint8Array(fs.readFileSync(file)), [h, w, 3], 'int32').toFloat();
    const sized = (w === 224 && h === 224) ? img : tf.image.resizeBilinear(img, [224, 224], true);
    inputs.push([path.basename(file), sized.div(255).expandDims(0)]);
  }
  for (const [name, x] of inputs) {
    const p = await model.predict(x).data();
    console.log(name + ',' + Array.from(p).map(v => v.toPrecision(8)).join(','));
  }
}
main().catch(e => { console.error(e); process.exit(1); });
