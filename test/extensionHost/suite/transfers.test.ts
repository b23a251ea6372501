import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { sandbox, scratchDir } from '../env';
import { children, eventually, personalSpaceLabel, row, rowAt } from '../helpers';
import { TestUserInput } from '../testUserInput';

/** Runs `command` with a scripted UI; the script is built by `script`. */
async function withUi(script: (ui: TestUserInput) => void, command: string, ...args: unknown[]): Promise<TestUserInput> {
  const ui = new TestUserInput();
  try {
    script(ui);
    await ui.run(command, ...args);
    return ui;
  } finally {
    ui.dispose();
  }
}

function write(file: string, data: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

describe('transfers', () => {
  let local: string;
  let personal: string;

  before(async () => {
    local = scratchDir('transfers');
    personal = await personalSpaceLabel();
  });

  it('uploads a file into a folder chosen in the quick pick', async () => {
    const sb = sandbox();
    const file = write(path.join(local, 'upload', 'plan.md'), '# Plan\n\n1. Upload\n2. Download\n');
    const uri = vscode.Uri.file(file);
    const ui = await withUi(
      (u) => u.pick(personal).pick('Documents').pick(/^Upload Here/).answer(/^Uploaded plan\.md/, undefined),
      'koodrive.uploadFiles',
      uri,
      [uri],
    );
    await ui.waitForMessage(/^Uploaded plan\.md/);
    const remote = await sb.admin.getPath('Documents/plan.md');
    assert.ok((await sb.admin.content(remote.id)).equals(fs.readFileSync(file)), 'identical bytes in the sandbox');
    await eventually('the tree shows plan.md', async () => (await children(await rowAt(personal, 'Documents'))).some((r) => r.label === 'plan.md'));
  });

  it('uploads a folder with nested folders', async () => {
    const sb = sandbox();
    const root = path.join(local, 'site');
    write(path.join(root, 'index.html'), '<h1>Hi</h1>\n');
    write(path.join(root, 'css', 'main.css'), 'body { margin: 0 }\n');
    write(path.join(root, 'js', 'lib', 'util.js'), 'export const x = 1;\n');
    const uri = vscode.Uri.file(root);
    await withUi(
      (u) => u.pick(/Documents$/).answer(/^Uploaded 3 files/, undefined),
      'koodrive.uploadFiles',
      uri,
      [uri],
    );
    for (const rel of ['index.html', 'css/main.css', 'js/lib/util.js']) {
      const remote = await sb.admin.getPath(`Documents/site/${rel}`);
      assert.ok((await sb.admin.content(remote.id)).equals(fs.readFileSync(path.join(root, rel))), `${rel} has the same bytes`);
    }
  });

  it('downloads a file, and asks what to do when it is downloaded again', async () => {
    const sb = sandbox();
    const target = scratchDir('downloads');
    const report = row(await children(await rowAt(personal, 'Documents')), 'report.txt');
    await withUi((u) => u.pick(/Choose a Folder/).open(target).answer(/report\.txt/, undefined), 'koodrive.downloadItems', report.node, [report.node]);
    const remote = await sb.admin.getPath('Documents/report.txt');
    const file = path.join(target, 'report.txt');
    assert.ok(fs.readFileSync(file).equals(await sb.admin.content(remote.id)), 'the downloaded bytes match');

    // Again, into the same (now remembered) folder: the conflict question, "Keep Both".
    const ui = await withUi(
      (u) => u.pick(/./).pick('Keep Both', /already exists/).answer(/report/, undefined),
      'koodrive.downloadItems',
      report.node,
      [report.node],
    );
    const conflict = ui.prompts.find((p) => /already exists/.test(p.text));
    assert.ok(conflict, `the conflict question was asked (prompts: ${JSON.stringify(ui.prompts)})`);
    const names = fs.readdirSync(target).filter((n) => n.startsWith('report'));
    assert.strictEqual(names.length, 2, `both copies kept: ${names}`);
  });

  it('saves a local edit as a new version, shows the versions and restores the old one', async () => {
    const sb = sandbox();
    const target = scratchDir('revisions');
    const notes = row(await children(await rowAt(personal, 'Documents')), 'meeting-notes.md');
    await withUi((u) => u.pick(/Choose a Folder/).open(target).answer(/meeting-notes/, undefined), 'koodrive.downloadItems', notes.node, [notes.node]);
    const file = path.join(target, 'meeting-notes.md');
    const original = fs.readFileSync(file);
    const remote = await sb.admin.getPath('Documents/meeting-notes.md');
    const before = (await sb.admin.file(remote.id)).revisions.length;

    fs.appendFileSync(file, '- Edited in VS Code\n');
    const uri = vscode.Uri.file(file);
    await withUi((u) => u.answer(/^Saved meeting-notes\.md as/, undefined), 'koodrive.createRevision', uri);
    const afterSave = await sb.admin.file(remote.id);
    assert.strictEqual(afterSave.revisions.length, before + 1, 'one more version');
    assert.ok((await sb.admin.content(remote.id)).equals(fs.readFileSync(file)), 'the latest version is the edit');

    const previous = afterSave.revisions.filter((r) => !r.latest).sort((a, b) => b.version - a.version)[0];
    await withUi(
      (u) => u.pick(`Version ${previous.version}`, /Versions of meeting-notes\.md/).pick('Restore This Version').answer(/^Restored version/, undefined),
      'koodrive.showRevisions',
      uri,
    );
    assert.ok((await sb.admin.content(remote.id)).equals(original), 'the restored content is the original');
  });
});
