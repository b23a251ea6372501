/**
 * End-to-end: the packaged extension (.vsix) in a real VS Code (code-server),
 * driven through Chromium as a person would, against the local sandbox.
 * Each step checks what the UI shows AND what the sandbox holds, and saves a
 * screenshot under test/e2e/artifacts/e2e/.
 *
 * The steps share one session and run in order (sign-in first).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Harness, startHarness } from '../harness';
import { Workbench } from '../workbench';

describe('KooDrive in VS Code (e2e)', function () {
  let h: Harness;
  let wb: Workbench;

  before(async function () {
    this.timeout(180_000);
    h = await startHarness({ name: 'e2e', populateWorkspace });
    wb = new Workbench(h.page!);
  });

  after(async function () {
    this.timeout(60_000);
    await h?.dispose();
  });

  afterEach(async function () {
    // A screenshot of every failing step, next to the step's own ones.
    if (this.currentTest?.state === 'failed' && h?.page) {
      await h.screenshot(`FAILED-${slug(this.currentTest.title)}`).catch(() => undefined);
    }
  });

  it('0. the workbench opens with the extension installed', async () => {
    await wb.openViewContainer('Extensions');
    await wb.page.locator('.extensions-viewlet .suggest-input-container').click();
    await wb.page.keyboard.type('@installed KooDrive');
    const row = wb.page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'KooDrive' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await h.screenshot('installed');
    assert.match((await row.textContent()) ?? '', /KooDrive/);
    const state = await h.sandbox.admin.state();
    assert.ok(state.personalContainerId, 'the sandbox answers');
    await wb.openViewContainer('Explorer');
  });
});

/** The workspace a person would have open: a few files and a nested folder. */
function populateWorkspace(ws: string): void {
  const write = (rel: string, data: string | Buffer): void => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), data);
  };
  write('notes.md', '# Notes\n\nUploaded from VS Code by the e2e suite.\n');
  write('data/report.csv', 'quarter,revenue\nQ1,100\nQ2,120\nQ3,90\nQ4,150\n');
  write('project/src/main.ts', 'export const answer = 42;\n');
  write('project/src/util/strings.ts', 'export const hello = (n: string) => `hello ${n}`;\n');
  write('project/docs/guide.md', '# Guide\n');
  write('project/assets/logo.bin', Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff)));
}

function slug(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 60);
}
