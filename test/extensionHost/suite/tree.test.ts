import * as assert from 'assert';
import { sandbox } from '../env';
import { children, click, personalSpaceLabel, row, rowAt } from '../helpers';

describe('tree', () => {
  it('lists the personal space and the team spaces', async () => {
    const state = await sandbox().admin.state();
    const labels = (await children()).map((r) => r.label);
    for (const team of state.teams) assert.ok(labels.includes(team.name), `team space ${team.name} in ${JSON.stringify(labels)}`);
    assert.ok(labels.includes('Engineering') && labels.includes('Design Team'));
  });

  it('lists a folder as the sandbox holds it', async () => {
    const sb = sandbox();
    const personal = await personalSpaceLabel();
    const docs = await rowAt(personal, 'Documents');
    const remote = await sb.admin.children((await sb.admin.state()).personalContainerId, (await sb.admin.getPath('Documents')).id);
    const shown = (await children(docs)).map((r) => r.label).sort();
    assert.deepStrictEqual(shown, remote.map((f) => f.name).sort());
    assert.strictEqual(row(await children(docs), 'Archive').item.contextValue, 'koodrive:folder');
    assert.strictEqual(row(await children(docs), 'report.txt').item.contextValue, 'koodrive:file');
  });

  it('pages a folder of more than 100 entries with "Load more…"', async () => {
    const sb = sandbox();
    const many = await rowAt(await personalSpaceLabel(), 'Many files');
    const remote = await sb.admin.children((await sb.admin.state()).personalContainerId, (await sb.admin.getPath('Many files')).id);
    assert.ok(remote.length > 100, `the sandbox seeds more than 100 files (${remote.length})`);

    const first = await children(many);
    const more = first.filter((r) => r.item.contextValue === 'koodrive:loadMore');
    assert.strictEqual(more.length, 1, 'one "Load more…" row');
    assert.strictEqual(more[0].label, 'Load more…');
    assert.strictEqual(first.length - 1, 100, 'the first page has 100 entries');

    await click(more[0]);
    const all = await children(many);
    assert.strictEqual(all.filter((r) => r.item.contextValue === 'koodrive:loadMore').length, 0, 'no more pages');
    assert.deepStrictEqual(all.map((r) => r.label).sort(), remote.map((f) => f.name).sort());
  });
});
