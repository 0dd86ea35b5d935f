// Reference outputs for the face parity test, from face-api's own code on the real TF.js (pure-JS CPU backend):
//   npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 --ignore-scripts   (scratch dir, NODE_PATH)
//   node tfjs-reference.js MODEL_DIR FACE_API_PACKAGE_DIR [NAME RGB24_FILE WIDTH HEIGHT]...
// FACE_API_PACKAGE_DIR is the unpacked @vladmandic/face-api 1.7.15 tarball (its dist/face-api.node-wasm.js; the wasm
// backend is only required by that bundle, the CPU backend is selected). Prints one JSON object per line:
//  - {"raw":"detector-pattern", ...}: the detector's raw 13×13×25 output for the gradient pattern at 416, every 7th value;
//  - {"raw":"age-pattern", ...}: the age net's age and gender softmax for the gradient pattern at 112;
//  - {"raw":"descriptor-pattern", ...}: the face recognition net's 128-d descriptor for the gradient pattern at 150;
//  - {"raw":"landmark-pattern", ...}: the tiny 68-point landmark net's 136 outputs for the gradient pattern at 112;
//  - per image: the SHA-256 of its RGB24 bytes, detections at inputSize 416, scoreThreshold 0.5 (box in pixels, score)
//    with age, P(male), and face-api's descriptor pipeline with the tiny landmark net (withFaceLandmarks(true)
//    .withFaceDescriptors()): the eye and mouth centres, the aligned box (landmarks.align, dlib alignment) and the 128-d
//    descriptor (4 decimals keep the file small); first two built-in images without faces: flat grey 640×360 and a 3×2 gradient.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

function pattern(size) {
  const p = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const i = (y * size + x) * 3;
    p[i] = x % 256; p[i + 1] = y % 256; p[i + 2] = (x + y) % 256;
  }
  return tf.tensor3d(p, [size, size, 3], 'float32');
}

async function main() {
  const [modelDir, pkgDir, ...rest] = process.argv.slice(2);
  const faceapi = require(path.resolve(pkgDir, 'dist/face-api.node-wasm.js'));
  await tf.setBackend('cpu');
  await tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  await faceapi.nets.ageGenderNet.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(modelDir);

  const raw = await faceapi.nets.tinyFaceDetector.forward(pattern(416), 416);
  const values = Array.from(await raw.data());
  console.log(JSON.stringify({ raw: 'detector-pattern', shape: raw.shape, every: 7,
    values: values.filter((_, i) => i % 7 === 0).map(v => +v.toPrecision(7)) }));
  const ag = faceapi.nets.ageGenderNet.forwardInput(await faceapi.toNetInput(pattern(112)));
  console.log(JSON.stringify({ raw: 'age-pattern', age: +(await ag.age.data())[0].toPrecision(7),
    gender: Array.from(await ag.gender.data()).map(v => +v.toPrecision(7)) }));

  const desc = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(pattern(150));
  console.log(JSON.stringify({ raw: 'descriptor-pattern', descriptor: Array.from(desc).map(v => +v.toPrecision(7)) }));

  const lm = faceapi.nets.faceLandmark68TinyNet.runNet(await faceapi.toNetInput(pattern(112)));
  console.log(JSON.stringify({ raw: 'landmark-pattern', values: Array.from(await lm.data()).map(v => +v.toPrecision(7)) }));

  const images = [['flat-grey', new Uint8Array(640 * 360 * 3).fill(128), 640, 360],
    ['tiny', Uint8Array.from([0, 50, 100, 150, 200, 250, 10, 60, 110, 160, 210, 255, 20, 70, 120, 170, 220, 5]), 3, 2]];
  for (let i = 0; i + 3 < rest.length; i += 4) {
    images.push([rest[i], new Uint8Array(fs.readFileSync(rest[i + 1])), +rest[i + 2], +rest[i + 3]]);
  }
  for (const [name, bytes, w, h] of images) {
    const img = tf.tensor3d(bytes, [h, w, 3], 'int32');
    const found = await faceapi.detectAllFaces(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
      .withAgeAndGender();
    const described = await faceapi.detectAllFaces(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
      .withFaceLandmarks(true).withFaceDescriptors();
    const near = (f) => described.reduce((a, b) => (Math.abs(a.detection.box.x - f.detection.box.x) <= Math.abs(b.detection.box.x - f.detection.box.x) ? a : b));
    const point = (p) => [+p.x.toFixed(3), +p.y.toFixed(3)];
    const centre = (ps) => ({ x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length });
    const faces = found.map((f, i) => ({
      x: +f.detection.box.x.toFixed(3), y: +f.detection.box.y.toFixed(3),
      width: +f.detection.box.width.toFixed(3), height: +f.detection.box.height.toFixed(3),
      score: +f.detection.score.toPrecision(6), age: +f.age.toPrecision(6),
      male: +(f.gender === 'male' ? f.genderProbability : 1 - f.genderProbability).toPrecision(6),
      eyes_mouth: [near(f).landmarks.getLeftEye(), near(f).landmarks.getRightEye(), near(f).landmarks.getMouth()].map(centre).map(point),
      aligned: (({ x, y, width, height }) => [x, y, width, height])(near(f).landmarks.align(null, { useDlibAlignment: true })),
      descriptor: Array.from(near(f).descriptor).map(v => +v.toFixed(4)),
    }));
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    console.log(JSON.stringify({ image: name, width: w, height: h, sha256, faces }));
  }
}
main().catch(e => { console.error(e); process.exit(1); });
