// Reads files with the C2PA reference implementation (npm @contentauth/c2pa-wasm, c2pa-rs compiled to WebAssembly)
// and prints one JSON line per file: validation state and status codes. Used by C2paValidationTest and
// `./safeframe c2pa verify`. The package is installed by tools/c2pa-check/install (npm registry) into NODE_PATH.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.C2PA_CHECK_MODULES || process.cwd(), 'x.js'));
const pkg = require.resolve('@contentauth/c2pa-wasm/package.json');
const dir = pkg.replace(/package\.json$/, 'pkg/');
const c2pa = await import(dir + 'c2pa.js');
c2pa.initSync({ module: readFileSync(dir + 'c2pa_bg.wasm') });
const typeOf = (f) => (f.endsWith('.png') ? 'image/png' : f.endsWith('.mp4') ? 'video/mp4' : 'image/jpeg');
for (const f of process.argv.slice(2)) {
  try {
    const reader = await c2pa.WasmReader.fromBytes(typeOf(f), new Uint8Array(readFileSync(f)));
    const store = JSON.parse(reader.json());
    const active = store.manifests?.[store.active_manifest];
    console.log(JSON.stringify({ file: f, state: store.validation_state,
      codes: (store.validation_status || []).map((s) => s.code),
      claimGenerator: active?.claim_generator_info?.[0]?.name ?? null,
      actions: active?.assertions?.find((a) => a.label.startsWith('c2pa.actions'))?.data?.actions?.map((a) => a.action) ?? [] }));
  } catch (e) {
    console.log(JSON.stringify({ file: f, state: 'Unreadable', error: String(e) }));
  }
}
