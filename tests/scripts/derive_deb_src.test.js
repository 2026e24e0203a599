// scripts/derive-deb-src.sh: setup.sh's deb-src entry mirrors the machine's own Debian entries
// (mirrors, snapshot archives, keyrings), in both apt source formats, and never a third-party
// repository's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/derive-deb-src.sh');

function derive(files, codename = 'bookworm') {
  const dir = mkdtempSync(join(tmpdir(), 'websrt-apt-'));
  try {
    mkdirSync(join(dir, 'sources.list.d'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return execFileSync('bash', [script, dir, codename], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a deb822 mirror keeps its URIs, suites and keyring; nodesource is left out', () => {
  const out = derive({
    'sources.list.d/debian.sources': [
      'Types: deb',
      '# a snapshot of the archive',
      'URIs: http://mirror.example.org/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main contrib',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
      'Types: deb',
      'URIs: http://mirror.example.org/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
    ].join('\n'),
    'sources.list.d/nodesource.sources':
      'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\n',
  });
  assert.equal(out, [
    'Types: deb-src',
    'URIs: http://mirror.example.org/debian',
    'Suites: bookworm bookworm-updates',
    'Components: main contrib',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    '',
    'Types: deb-src',
    'URIs: http://mirror.example.org/debian-security',
    'Suites: bookworm-security',
    'Components: main',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    '',
  ].join('\n'));
});

test('one-line sources.list entries with options become one stanza per archive', () => {
  const out = derive({
    'sources.list': [
      '# comment',
      'deb [arch=amd64 signed-by=/etc/apt/keyrings/mirror.gpg] http://ftp.example.net/debian bookworm main',
      'deb [arch=amd64 signed-by=/etc/apt/keyrings/mirror.gpg] http://ftp.example.net/debian bookworm-updates main',
      'deb http://security.example.net/debian-security bookworm-security main # trailing',
      'deb-src http://ignored.example.net/debian bullseye main',
      '',
    ].join('\n'),
    'sources.list.d/cloud.list': 'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n',
  });
  assert.equal(out, [
    'Types: deb-src',
    'URIs: http://ftp.example.net/debian',
    'Suites: bookworm bookworm-updates',
    'Components: main',
    'Signed-By: /etc/apt/keyrings/mirror.gpg',
    '',
    'Types: deb-src',
    'URIs: http://security.example.net/debian-security',
    'Suites: bookworm-security',
    'Components: main',
    '',
  ].join('\n'));
});

test('a disabled stanza and another release are skipped; nothing qualifies, nothing printed', () => {
  const out = derive({
    'sources.list.d/debian.sources': [
      'Types: deb',
      'URIs: http://deb.debian.org/debian',
      'Suites: bookworm',
      'Components: main',
      'Enabled: no',
      '',
      'Types: deb',
      'URIs: http://deb.debian.org/debian',
      'Suites: trixie',
      'Components: main',
      '',
    ].join('\n'),
  });
  assert.equal(out, '');
});

test('an inline Signed-By key block is carried over line for line', () => {
  const key = [' -----BEGIN PGP PUBLIC KEY BLOCK-----', ' .', ' mQINBGPL0BUBEADmW5NdOOHwPIJl', ' -----END PGP PUBLIC KEY BLOCK-----'];
  const out = derive({
    'sources.list.d/debian.sources':
      ['Types: deb', 'URIs: http://deb.debian.org/debian', 'Suites: bookworm', 'Components: main',
        'Signed-By:', ...key, ''].join('\n'),
  });
  assert.equal(out, ['Types: deb-src', 'URIs: http://deb.debian.org/debian', 'Suites: bookworm',
    'Components: main', 'Signed-By:', ...key, ''].join('\n'));
});
