// The package as a user gets it: `npm pack`, install the tarball into a fresh project, then import it by
// name in Node and compile against its types by name. Catches a wrong `exports`/`types`/`files` entry,
// which the tests that import ../src directly cannot see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** runs a command, returns its stdout; on failure the error carries the command's stderr */
function run(command, args, cwd) {
  try {
    return execFileSync(command, args, {
      cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32',
    });
  } catch (e) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

const writeJson = (file, value) => writeFileSync(file, JSON.stringify(value, null, 2));

test('the packed tarball installs, imports by name and carries its types', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'switchboard-client-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));

  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], root));
  assert.deepEqual(packed.files.map((f) => f.path).sort(),
    ['README.md', 'package.json', 'src/switchboard.d.ts', 'src/switchboard.js']);

  const app = join(tmp, 'app');
  mkdirSync(app);
  writeJson(join(app, 'package.json'), { name: 'app', version: '1.0.0', private: true, type: 'module' });
  // no runtime dependencies, so this needs no registry
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(tmp, packed.filename)], app);

  const installed = join(app, 'node_modules', pkg.name);
  const installedPkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.deepEqual(installedPkg.dependencies ?? {}, {}, 'no runtime dependencies');
  for (const target of [installedPkg.types, ...Object.values(installedPkg.exports['.'])]) {
    assert.ok(existsSync(join(installed, target)), `${target} is in the package`);
  }

  await t.test('imports by name in Node', () => {
    const probe = `
      import * as m from '${pkg.name}';
      console.log(JSON.stringify({
        resolved: import.meta.resolve('${pkg.name}'),
        exports: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v])),
        errorIsError: m.SwitchboardError.prototype instanceof Error,
      }));`;
    const got = JSON.parse(run(process.execPath, ['--input-type=module', '-e', probe], app));
    assert.ok(got.resolved.endsWith(`/node_modules/${pkg.name}/src/switchboard.js`), got.resolved);
    for (const name of ['Switchboard', 'Subscription', 'SwitchboardError']) {
      assert.equal(got.exports[name], 'function', `exports ${name}`);
    }
    assert.ok(got.errorIsError, 'SwitchboardError extends Error');
  });

  await t.test('types resolve by name (NodeNext and Bundler resolution)', () => {
    writeFileSync(join(app, 'index.ts'), `
      import { Switchboard, SwitchboardError, type Welcome } from '${pkg.name}';
      const hub: Switchboard = new Switchboard({ url: 'ws://127.0.0.1/switchboard/ws' });
      const welcome: Welcome | null = hub.welcome;
      const isError: boolean = new SwitchboardError('x') instanceof Error;
      // @ts-expect-error proves the declarations were found (an untyped module would accept this)
      hub.nosuchmethod();
      export { welcome, isError };
    `);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // skipLibCheck: the declarations themselves are compiled by `npm run check`; here only their resolution counts
    const common = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true };
    for (const [name, resolution] of [
      ['tsconfig.nodenext.json', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
      ['tsconfig.bundler.json', { module: 'ESNext', moduleResolution: 'Bundler' }],
    ]) {
      writeJson(join(app, name), { compilerOptions: { ...common, ...resolution }, files: ['index.ts'] });
      run(process.execPath, [tsc, '-p', name], app);
    }
  });
});

test('the package version is the Maven project version without -SNAPSHOT', (t) => {
  const pom = join(root, '..', 'pom.xml');
  if (!existsSync(pom)) return t.skip('no ../pom.xml');
  const version = /<artifactId>switchboard<\/artifactId>\s*<version>([^<]+)<\/version>/
    .exec(readFileSync(pom, 'utf8'))?.[1];
  assert.ok(version, 'project version found in pom.xml');
  assert.equal(pkg.version, version.replace(/-SNAPSHOT$/, ''));
});
