import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { KooDriveError } from '../../../src/core/errors';
import {
  alternateName, isInside, isPartialName, isSafeLocalName, localPathKey, MAX_NAME_BYTES, partialName, resolveInside, toLocalName, truncateUtf8, utf8Length,
} from '../../../src/core/bytes/localNames';

function rejects(name: string): void {
  assert.throws(() => toLocalName(name), (e: unknown) => KooDriveError.is(e, 'InvalidInput') && e.message.includes('Unsafe name'), `expected ${JSON.stringify(name)} to be rejected`);
}

describe('localNames', () => {
  describe('toLocalName', () => {
    it('keeps ordinary names, dotfiles and Unicode', () => {
      for (const n of ['report.pdf', '.bashrc', 'a b c.txt', 'Ünïcødé 日本語.md', 'x', '..hidden', 'v1.2.3', 'émoji 😀.png']) {
        assert.equal(toLocalName(n), n.normalize('NFC'));
        assert.ok(isSafeLocalName(n.normalize('NFC')));
      }
    });

    it('rejects "", ".", ".." and names of only dots or spaces', () => {
      for (const n of ['', '.', '..', '...', ' ', '  . ', '. .']) rejects(n);
    });

    it('never lets a path separator through ("/" and "\\")', () => {
      assert.equal(toLocalName('a/b'), 'a_b');
      assert.equal(toLocalName('a\\b'), 'a_b');
      assert.equal(toLocalName('../../etc/passwd'), '.._.._etc_passwd');
      assert.equal(toLocalName('..\\..\\windows\\win.ini'), '.._.._windows_win.ini');
      assert.equal(toLocalName('../'), '.._');
      assert.equal(toLocalName('/..'), '_');
    });

    it('turns absolute paths into plain names', () => {
      assert.equal(toLocalName('/etc/passwd'), '_etc_passwd');
      assert.equal(toLocalName('C:\\Windows\\x.dll'), 'C__Windows_x.dll');
      assert.equal(toLocalName('\\\\server\\share'), '__server_share');
      assert.equal(toLocalName('C:'), 'C_');
    });

    it('replaces NUL and other control characters', () => {
      assert.equal(toLocalName('a\u0000b'), 'a_b');
      assert.equal(toLocalName('line\nbreak\r\t.txt'), 'line_break__.txt');
      assert.equal(toLocalName('del\u007f'), 'del_');
      assert.equal(toLocalName('c1\u0085'), 'c1_');
    });

    it('replaces the other characters Windows forbids', () => {
      assert.equal(toLocalName('a<b>c:d"e|f?g*h.txt'), 'a_b_c_d_e_f_g_h.txt');
    });

    it('suffixes names reserved on Windows, with or without extension, in any case', () => {
      const cases: Array<[string, string]> = [
        ['CON', 'CON_'], ['con', 'con_'], ['PRN.txt', 'PRN_.txt'], ['aux.tar.gz', 'aux_.tar.gz'], ['NUL', 'NUL_'],
        ['nul.txt', 'nul_.txt'], ['COM1', 'COM1_'], ['com9.log', 'com9_.log'], ['LPT1', 'LPT1_'], ['lpt9.x', 'lpt9_.x'],
        ['COM0', 'COM0_'], ['Con .txt', 'Con_.txt'], ['CONIN$', 'CONIN$_'], ['COM¹', 'COM¹_'],
      ];
      for (const [input, want] of cases) assert.equal(toLocalName(input), want, input);
      for (const fine of ['CONSOLE', 'console.log', 'COM10', 'LPT', 'auxiliary.txt', 'nul_', 'xCON']) assert.equal(toLocalName(fine), fine);
    });

    it('drops trailing dots and spaces (Windows would)', () => {
      assert.equal(toLocalName('name.'), 'name');
      assert.equal(toLocalName('name. . '), 'name');
      assert.equal(toLocalName('name.txt  '), 'name.txt');
      assert.equal(toLocalName('CON.'), 'CON_');
      assert.equal(toLocalName('  leading kept'), '  leading kept');
    });

    it('shortens names over 255 bytes of UTF-8, keeping the extension and telling long names apart', () => {
      const long = `${'a'.repeat(300)}.txt`;
      const out = toLocalName(long);
      assert.ok(utf8Length(out) <= MAX_NAME_BYTES, `${utf8Length(out)} bytes`);
      assert.ok(out.endsWith('.txt'));
      assert.match(out, /^a+~[0-9a-f]{8}\.txt$/);
      const other = toLocalName(`${'a'.repeat(300)}b.txt`);
      assert.notEqual(out, other);
      assert.equal(toLocalName(long), out, 'deterministic');

      const cjk = '日'.repeat(100); // 300 bytes
      const c = toLocalName(cjk);
      assert.ok(utf8Length(c) <= MAX_NAME_BYTES);
      assert.ok(!c.includes('\ufffd'));
      assert.ok([...c].every((ch) => ch === '日' || /[~0-9a-f]/.test(ch)));

      const exactly = 'b'.repeat(255);
      assert.equal(toLocalName(exactly), exactly);
      const emoji = '😀'.repeat(70); // 280 bytes, surrogate pairs
      const e = toLocalName(emoji);
      assert.ok(utf8Length(e) <= MAX_NAME_BYTES);
      assert.ok(Buffer.from(e, 'utf8').toString('utf8') === e, 'no split code point');
    });

    it('result never contains a separator, control character, or is "." / ".."', () => {
      const nasty = ['..', '.', '/', '\\', '\u0000', 'a/../b', '....//', 'x\u0001/y', 'CON/..', ' .. '];
      for (const n of nasty) {
        let out: string;
        try {
          out = toLocalName(n);
        } catch {
          continue;
        }
        assert.ok(!/[/\\\u0000-\u001f]/.test(out), out);
        assert.ok(out !== '.' && out !== '..', out);
        assert.equal(path.basename(out), out);
      }
    });
  });

  describe('alternateName', () => {
    it('inserts " (n)" before the extension', () => {
      assert.equal(alternateName('report.pdf', 1), 'report (1).pdf');
      assert.equal(alternateName('archive.tar.gz', 2), 'archive.tar (2).gz');
      assert.equal(alternateName('README', 3), 'README (3)');
      assert.equal(alternateName('.bashrc', 1), '.bashrc (1)');
    });
    it('stays within 255 bytes', () => {
      const n = alternateName(`${'x'.repeat(251)}.txt`, 12);
      assert.ok(utf8Length(n) <= MAX_NAME_BYTES);
      assert.ok(n.endsWith(' (12).txt'));
    });
  });

  describe('partialName', () => {
    it('is hidden, deterministic, and names the file id', () => {
      assert.equal(partialName('a.txt', 'F123'), '.a.txt.F123.koodrive-partial');
      assert.equal(partialName('a.txt', 'F123'), partialName('a.txt', 'F123'));
      assert.ok(isPartialName(partialName('a.txt', 'F123')));
      assert.ok(!isPartialName('a.txt'));
    });
    it('sanitizes the id and stays within 255 bytes', () => {
      assert.equal(partialName('a', '../x/y'), '.a.___x_y.koodrive-partial');
      const p = partialName('z'.repeat(255), 'F'.repeat(64));
      assert.ok(utf8Length(p) <= MAX_NAME_BYTES, String(utf8Length(p)));
      assert.notEqual(partialName('z'.repeat(255), 'id'), partialName(`${'z'.repeat(254)}y`, 'id'));
    });
  });

  describe('resolveInside / isInside', () => {
    const root = path.resolve('/tmp/target');
    it('joins sanitized segments below the root', () => {
      assert.equal(resolveInside(root, ['a', 'b.txt']), path.join(root, 'a', 'b.txt'));
      assert.equal(resolveInside(root, []), root);
      assert.equal(resolveInside(root, ['..hidden']), path.join(root, '..hidden'));
    });
    it('refuses anything that leaves the root', () => {
      for (const segs of [['..'], ['a', '..', '..'], ['/etc/passwd'], ['..', 'target2']]) {
        assert.throws(() => resolveInside(root, segs), (e: unknown) => KooDriveError.is(e, 'InvalidInput'), segs.join('/'));
      }
    });
    it('isInside treats sibling prefixes as outside', () => {
      assert.ok(isInside(root, root));
      assert.ok(isInside(root, path.join(root, 'x')));
      assert.ok(!isInside(root, `${root}2`));
      assert.ok(!isInside(root, path.dirname(root)));
    });
  });

  it('localPathKey folds case on case-insensitive platforms only', () => {
    assert.equal(localPathKey('/A/b.TXT', 'darwin'), '/a/b.txt');
    assert.equal(localPathKey('C:\\A', 'win32'), 'c:\\a');
    assert.equal(localPathKey('/A/b.TXT', 'linux'), '/A/b.TXT');
  });

  it('truncateUtf8 never splits a character', () => {
    assert.equal(truncateUtf8('aé', 2), 'a');
    assert.equal(truncateUtf8('😀x', 3), '');
    assert.equal(truncateUtf8('abc', 0), '');
  });
});
