// `make install` (issue #17 item 6): into a staging DESTDIR with PREFIX=/usr, the release binary,
// the example configuration and the systemd unit land where they belong with their modes; the
// unit runs the installed binary and systemd-analyze accepts it; the installed binary runs and
// starts from the installed example configuration. The install target builds nothing: it copies
// the release build that REKEY_RELEASE_BIN names (make test builds it first).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRekey, RELEASE_BIN } from './support/rekey.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PREFIX = '/usr';
const EXEC_START = `${PREFIX}/bin/rekey serve --config /etc/rekey/rekey.toml --data-dir /var/lib/rekey`;

// The build directory of the release binary: REKEY_RELEASE_BIN is <build dir>/src/app/rekey.
function buildDirOf(bin) {
  const resolved = path.resolve(bin);
  const suffix = path.join('src', 'app', 'rekey');
  assert.ok(resolved.endsWith(path.sep + suffix), `REKEY_RELEASE_BIN must end in ${suffix}: ${resolved}`);
  return resolved.slice(0, -(suffix.length + 1));
}

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('make install', () => {
  let dest;
  let files;
  before(() => {
    dest = mkdtempSync(path.join(tmpdir(), 'rekey-install-'));
    // Not the MAKEFLAGS of a `make test` that runs this: its command-line variables would reach
    // the inner make too.
    const { MAKEFLAGS, MFLAGS, MAKELEVEL, ...env } = process.env;
    execFileSync('make', ['-C', repo, '--no-print-directory', 'install', `DESTDIR=${dest}`, `PREFIX=${PREFIX}`,
      `BUILD_DIR=${buildDirOf(RELEASE_BIN)}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    files = {
      bin: path.join(dest, PREFIX, 'bin/rekey'),
      example: path.join(dest, PREFIX, 'share/doc/rekey/rekey.toml.example'),
      unit: path.join(dest, PREFIX, 'lib/systemd/system/rekey.service'),
    };
  });
  after(() => rmSync(dest, { recursive: true, force: true }));

  const mode = (file) => statSync(file).mode & 0o7777;

  it('installs the binary, the example configuration and the unit with their modes', () => {
    assert.equal(mode(files.bin), 0o755);
    assert.equal(mode(files.example), 0o644);
    assert.equal(mode(files.unit), 0o644);
    assert.ok(readFileSync(files.bin).equals(readFileSync(RELEASE_BIN)), 'the installed binary is the release build');
    assert.equal(readFileSync(files.example, 'utf8'), readFileSync(path.join(repo, 'contrib/rekey.toml.example'), 'utf8'));
  });

  it('writes a unit that runs the installed binary and names no other prefix', () => {
    const unit = readFileSync(files.unit, 'utf8');
    const execStart = unit.split('\n').filter((line) => line.startsWith('ExecStart='));
    assert.deepEqual(execStart, [`ExecStart=${EXEC_START}`]);
    assert.doesNotMatch(unit, /\/usr\/local\//);
  });

  // Verified as installed, except that its binary's path points into the staging directory:
  // systemd-analyze checks that the command exists and is executable.
  it('writes a unit that systemd-analyze verify accepts, with an exposure of at most 2.0', (t) => {
    if (!hasSystemdAnalyze) {
      t.skip('systemd-analyze is not installed (Debian package systemd): the unit was not verified');
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-unit-'));
    try {
      const copy = path.join(dir, 'rekey.service');
      writeFileSync(copy, readFileSync(files.unit, 'utf8').replaceAll(`${PREFIX}/bin/rekey `, `${files.bin} `));
      const verify = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr, '');
      // --threshold is the overall exposure × 10: fails above 2.0 ("OK" in systemd's words).
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', copy],
        { encoding: 'utf8' });
      assert.equal(security.status, 0, security.stdout.split('\n').slice(-2).join('\n') + security.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('installs a binary that answers --version', () => {
    const r = spawnSync(files.bin, ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}${r.stdout}`);
    assert.match(r.stdout, /^rekey \d+\.\d+\.\d+\n$/);
  });

  it('starts the installed binary from the installed example configuration', async () => {
    const rekey = await startRekey({ bin: files.bin, args: ['--config', files.example] });
    try {
      assert.equal((await fetch(rekey.url + '/health')).status, 200);
    } finally {
      const { code } = await rekey.stop();
      assert.equal(code, 0);
    }
  });
});
