// Unwraps nsfwjs's browserify-wrapped TF.js model files: model.min.js evaluates to { modelTopology,
// weightsManifest }, each shard file to one base64 string. Writes model.json and weights.bin (shards in
// manifest order). Evaluated in an empty vm context: the files get nothing but module/exports.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const [dir, out] = process.argv.slice(2);

function load(file) {
  const sandbox = { module: { exports: {} } };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(fs.readFileSync(path.join(dir, file), 'utf8'), sandbox, { timeout: 10000 });
  const value = sandbox.module.exports;
  return value && value.default !== undefined ? value.default : value;
}

const model = load('model.min.js');
const shards = [];
for (const group of model.weightsManifest) {
  for (const p of group.paths) {
    const b64 = load(p + '.min.js');
    if (typeof b64 !== 'string') throw new Error(p + ' did not evaluate to a base64 string');
    shards.push(Buffer.from(b64, 'base64'));
  }
}
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify(model));
fs.writeFileSync(path.join(out, 'weights.bin'), Buffer.concat(shards));
console.log('convert: ' + model.weightsManifest.reduce((n, g) => n + g.weights.length, 0) + ' tensors, ' +
  shards.reduce((n, b) => n + b.length, 0) + ' bytes of weights');
