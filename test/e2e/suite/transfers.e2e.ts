/**
 * End-to-end: the Transfers view during a folder upload, in a real VS Code
 * (code-server) driven through Chromium, against a sandbox whose part uploads
 * are slowed down. The screenshot is the README's picture of the view
 * (staged as transfers.png for `npm run screenshots`).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Harness, signInThroughWelcomeView, startHarness } from '../harness';
import { Workbench } from '../workbench';

const FOLDER = 'photos';
const FILES = 60;

describe('Transfers view (e2e)', function () {
  let h: Harness;
  let wb: Workbench;

  before(async function () {
    this.timeout(180_000);
    h = await startHarness({
      name: 'e2e-transfers',
      populateWorkspace: (ws) => {
        for (let i = 0; i < FILES; i++) {
          const dir = path.join(ws, FOLDER, `day-${String(Math.floor(i / 20) + 1).padStart(2, '0')}`);
          fs.mkdirSync(dir, { recursive: true });
          // A few larger files, so a row shows bytes moving; the rest small.
          const size = i % 20 === 0 ? 6 * 1024 * 1024 + i : 40_000 + i * 17;
          fs.writeFileSync(path.join(dir, `IMG_${String(1000 + i)}.jpg`), Buffer.alloc(size, i & 0xff));
        }
      },
    });
    wb = new Workbench(h.page!);
  });

  after(async function () {
    this.timeout(60_000);
    await h?.dispose();
  });

  it('shows a folder upload as one row with its files in flight, then done', async function () {
    this.timeout(300_000);
    const personal = await signInThroughWelcomeView(wb, h.sandbox.url);

    const admin = h.sandbox.admin;
    await admin.addFaults({ match: { target: 'part' }, action: { kind: 'delay', ms: 700 }, times: 10_000 });
    await wb.openViewContainer('Explorer');
    await wb.contextMenu(wb.explorerRow(FOLDER), 'Upload to KooDrive');
    await wb.pick(personal, { title: 'Upload to KooDrive' });
    await wb.pick('Upload Here');
    await admin.waitFor('parts arriving', async () => (await admin.requests({ path: '' })).filter((r) => r.target === 'part' && r.status === 200).length >= 6, 120_000);

    await wb.openViewContainer('KooDrive');
    const transfers = wb.viewPane('Transfers');
    const header = transfers.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const run = wb.treeRow(transfers, `↑ ${FOLDER}`);
    await run.waitFor({ timeout: 30_000 });
    const description = (await run.locator('.label-description').textContent()) ?? '';
    assert.match(description, /^Running · \d+ of 60 files/);
    await wb.treeRow(transfers, /^IMG_\d+\.jpg$/).first().waitFor({ timeout: 30_000 });
    const shot = await h.screenshot('transfers-view-folder-upload');
    h.keepForDocs(shot, 'transfers.png');

    await admin.clearFaults();
    await wb.notification(new RegExp(`^Uploaded ${FILES} files to`)).waitFor({ timeout: 240_000 });
    await run.locator('.label-description', { hasText: /^Done/ }).waitFor({ timeout: 30_000 });
    const remote = await admin.getPath(`${FOLDER}/day-03/IMG_1059.jpg`);
    assert.equal(remote.size, 40_000 + 59 * 17);
  });
});
