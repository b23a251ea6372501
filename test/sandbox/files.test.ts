import * as assert from 'node:assert/strict';
import type { Sandbox, SandboxTeam } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { TestClient } from './testing/client';

const BAD_NAMES = ['', '   ', '.', '..', 'a<b', 'a>b', 'a|b', 'a:b', 'a"b', 'a*b', 'a?b', 'a/b', 'a\\b', 'tab\there', 'x'.repeat(251)];

describe('sandbox spaces and listings', () => {
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  let eng: SandboxTeam;
  let design: SandboxTeam;
  before(async () => {
    sb = await startSandbox();
    c = new TestClient(sb);
    pc = sb.personalContainerId;
    eng = sb.teams.find((t) => t.name === 'Engineering') as SandboxTeam;
    design = sb.teams.find((t) => t.name === 'Design Team') as SandboxTeam;
  });
  after(() => sb.close());

  const list = (body: Record<string, unknown>, type = 0) => c.post(`/files/${type}`, { containerId: pc, parentFileId: 'root', ...body });
  const childId = async (parent: string, name: string): Promise<string> => {
    const f = sb.store.findByName(pc, parent, name);
    assert.ok(f, name);
    return f.id;
  };

  it('describes the personal space', async () => {
    const r = await c.get(`/space/${sb.userId}?type=1`);
    assert.equal(r.body.data.containerId, pc);
    assert.equal(r.body.data.type, 1);
    assert.ok(r.body.data.capacity > r.body.data.spaceUsed);
    assert.ok(r.body.data.spaceUsed > 0);
    assert.equal((await c.get(`/space/someone-else?type=1`)).body.code, 13000410);
  });

  it('lists teams by type with validated offset/limit', async () => {
    const all = await c.get('/space/teamList?offset=0&limit=10');
    assert.equal(all.body.total, 2);
    const dept = await c.get('/space/teamList?offset=0&limit=10&teamType=0');
    assert.deepEqual(dept.body.teams.map((t: { name: string }) => t.name), ['Engineering']);
    assert.equal(dept.body.teams[0].containerId, eng.containerId);
    assert.equal(dept.body.teams[0].bizRootFileId, eng.rootId);
    const joined = await c.get('/space/teamList?offset=0&limit=10&teamType=2');
    assert.deepEqual(joined.body.teams.map((t: { id: string }) => t.id), [design.id]);
    assert.equal((await c.get('/space/teamList?offset=0&limit=10&teamType=1')).body.total, 0);
    for (const q of ['offset=0&limit=0', 'offset=0&limit=101', 'limit=10', 'offset=0', 'offset=-1&limit=5', 'offset=0&limit=x']) {
      const r = await c.get(`/space/teamList?${q}`);
      assert.equal(r.body.code, 13000102, q);
    }
    const one = await c.get('/space/teamList?offset=1&limit=1');
    assert.equal(one.body.teams.length, 1);
  });

  it('pages a 150-file folder: pageSize [1,100], nextCursor absent on the last page', async () => {
    const many = await childId('root', 'Many files');
    const p1 = await c.ok('/files/0', { containerId: pc, parentFileId: many });
    assert.equal(p1.category, 'drive#fileList');
    assert.equal(p1.files.length, 100);
    assert.ok(p1.nextCursor);
    const p2 = await c.ok('/files/0', { containerId: pc, parentFileId: many, pageInfo: { pageCursor: p1.nextCursor } });
    assert.equal(p2.files.length, 50);
    assert.equal(p2.nextCursor, undefined);
    const names = [...p1.files, ...p2.files].map((f: { fileName: string }) => f.fileName);
    assert.equal(new Set(names).size, 150);
    assert.equal(names[0], 'file-001.txt');
    for (const pageSize of [0, 101, -1, 1.5, '10']) {
      await c.fails('/files/0', { containerId: pc, parentFileId: many, pageInfo: { pageSize } }, 13000102);
    }
    const small = await c.ok('/files/0', { containerId: pc, parentFileId: many, pageInfo: { pageSize: 1 } });
    assert.equal(small.files.length, 1);
    // A cursor belongs to its listing.
    await c.fails('/files/0', { containerId: pc, parentFileId: 'root', pageInfo: { pageCursor: p1.nextCursor } }, 13000102);
    await c.fails('/files/0', { containerId: pc, parentFileId: many, pageInfo: { pageCursor: 'garbage' } }, 13000102);
  });

  it('returns complete file objects, folders first, sortable', async () => {
    const r = await list({});
    const files = r.body.files as Record<string, unknown>[];
    const kinds = files.map((f) => f.fileType === '10');
    assert.deepEqual(kinds, [...kinds].sort((a, b) => Number(b) - Number(a)));
    const notes = files.find((f) => f.fileName === 'notes.txt') as Record<string, unknown>;
    assert.equal(notes.fileType, '26');
    assert.equal(typeof notes.size, 'number');
    assert.match(String(notes.sha256), /^[0-9a-f]{64}$/);
    assert.deepEqual(notes.parentFolder, [sb.personalRootId]);
    assert.deepEqual(notes.containers, [pc]);
    assert.equal(notes.fileSuffix, 'txt');
    assert.equal(notes.recycled, false);
    assert.match(String(notes.createdTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(notes.owners, [{ userId: sb.userId, displayName: 'Sandbox User' }]);
    const folder = files.find((f) => f.fileName === 'Documents') as Record<string, unknown>;
    assert.equal(folder.sha256, undefined);
    // Real content with a correct sha256.
    const content = sb.store.readContent(String(notes.id));
    const { createHash } = await import('node:crypto');
    assert.equal(createHash('sha256').update(content).digest('hex'), notes.sha256);

    const desc = await list({ sortInfo: { sortType: 1, sortDirection: 2 } });
    const descFiles = (desc.body.files as { fileName: string; fileType: string }[]).filter((f) => f.fileType !== '10').map((f) => f.fileName);
    assert.deepEqual(descFiles, [...descFiles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).reverse()); // case-insensitive
    const bySize = await list({ sortInfo: { sortType: 2, sortDirection: 1 } });
    const sizes = (bySize.body.files as { size: number; fileType: string }[]).filter((f) => f.fileType !== '10').map((f) => f.size);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b));
    for (const sortInfo of [{ sortType: 0 }, { sortType: 7 }, { sortType: 5 }, { sortDirection: 3 }]) {
      assert.equal((await list({ sortInfo })).body.code, 13000102, JSON.stringify(sortInfo));
    }
  });

  it('validates listing parameters and access', async () => {
    assert.equal((await c.post('/files/0', { parentFileId: 'root' })).body.code, 13000102);
    assert.equal((await c.post('/files/0', { containerId: pc })).body.code, 13000102);
    assert.equal((await c.post('/files/0', { containerId: 'nope', parentFileId: 'root' })).body.code, 13000301);
    assert.equal((await c.post('/files/2', { containerId: pc, parentFileId: 'root' })).body.code, 13000102);
    assert.equal((await list({ parentFileId: 'Fnope' })).body.code, 13000309);
    assert.equal((await list({ parentFileId: sb.personalRootId })).body.code, 0);
    const file = await childId('root', 'notes.txt');
    assert.equal((await list({ parentFileId: file })).body.code, 13000304);
    // A file of another space.
    const teamFile = sb.store.findByName(eng.containerId, 'root', 'Roadmap.txt');
    assert.equal((await list({ parentFileId: teamFile?.id })).body.code, 13000302);
    // Team spaces go through /files/{groupId}/{type}.
    assert.equal((await c.post('/files/0', { containerId: eng.containerId, parentFileId: 'root' })).body.code, 13000301);
  });

  it('lists team spaces with groupId and team_type', async () => {
    const e = await c.ok(`/files/${eng.id}/0?team_type=0`, { containerId: eng.containerId, parentFileId: 'root' });
    assert.deepEqual(
      e.files.map((f: { fileName: string }) => f.fileName),
      ['Specs', 'Architecture.md', 'Roadmap.txt'],
    );
    const d = await c.ok(`/files/${design.id}/0?team_type=2`, { containerId: design.containerId, parentFileId: 'root' });
    assert.ok(d.files.length >= 2);
    assert.equal((await c.post(`/files/${design.id}/0`, { containerId: design.containerId, parentFileId: 'root' })).body.code, 13000301);
    assert.equal((await c.post(`/files/${eng.id}/0?team_type=0`, { containerId: pc, parentFileId: 'root' })).body.code, 13000301);
    assert.equal((await c.post(`/files/${eng.id}/0?team_type=1`, { containerId: eng.containerId, parentFileId: 'root' })).body.code, 13000102);
  });

  it('scopes a shared folder with x-hw-share-folder-id', async () => {
    const shares = await c.get('/sharefolder/list?offset=0&limit=10&queryType=0');
    assert.equal(shares.body.folders.length, 1);
    const s = shares.body.folders[0];
    assert.equal(s.name, 'Shared with me');
    assert.equal((await c.get('/sharefolder/list?offset=0&limit=1001')).body.code, 13000102);
    const meta = await c.get(`/sharefolder/metadata/${s.id}`);
    assert.equal(meta.body.sharefolder.shareFolderFileId, s.shareFolderFileId);
    const body = { containerId: s.containerId, parentFileId: s.shareFolderFileId };
    assert.equal((await c.post('/files/0', body)).body.code, 13000410);
    const inside = await c.ok('/files/0', body, { 'x-hw-share-folder-id': s.id });
    assert.deepEqual(inside.files.map((f: { fileName: string }) => f.fileName).sort(), ['Shared notes.txt', 'budget-2024.csv']);
    // Outside the shared subtree: refused.
    assert.equal((await c.post('/files/0', { ...body, parentFileId: 'root' }, { 'x-hw-share-folder-id': s.id })).body.code, 13000410);
    assert.equal((await c.post('/files/0', body, { 'x-hw-share-folder-id': 'SFnope' })).body.code, 13000309);
    // Upload inside it.
    const up = await c.upload({ containerId: s.containerId, parent: s.shareFolderFileId, name: 'from-me.txt', data: Buffer.from('hi'), extra: { 'x-hw-share-folder-id': s.id } });
    assert.equal(sb.store.getFile(up.fileId)?.parentId, s.shareFolderFileId);
  });

  it('shows details and refuses unknown ids', async () => {
    const id = await childId('root', 'Welcome.md');
    const d = await c.ok(`/files/${id}/detail`, { containerId: pc });
    assert.equal(d.id, id);
    assert.equal(d.fileName, 'Welcome.md');
    assert.deepEqual(d.properties, {});
    await c.fails('/files/Fnope/detail', { containerId: pc }, 13000309);
    await c.fails(`/files/${id}/detail`, {}, 13000102);
    await c.fails(`/files/${id}/detail`, { containerId: eng.containerId }, 13000302);
  });

  it('creates folders under the name rules, renameMode 2 and 3', async () => {
    const mk = (fileName: unknown, extra: Record<string, unknown> = {}) =>
      c.post('/directory', { fileName, fileType: '10', containerId: pc, parentFolder: ['root'], ...extra });
    for (const name of BAD_NAMES) assert.equal((await mk(name)).body.code, 13000102, JSON.stringify(name));
    assert.equal((await mk('x'.repeat(250))).body.code, 0);
    assert.equal((await mk('ok', { fileType: '26' })).body.code, 13000102);
    const a = await mk('New folder');
    assert.equal(a.body.code, 0);
    assert.equal(a.body.fileType, '10');
    const dup = await mk('New folder');
    assert.equal(dup.body.code, 13000405);
    assert.equal(dup.body.existFileId, a.body.id);
    const renamed = await mk('New folder', { renameMode: 2 });
    assert.match(renamed.body.fileName, /^New folder_\d{8}_\d{6}$/);
    const renamed2 = await mk('New folder', { renameMode: 2 });
    assert.match(renamed2.body.fileName, /^New folder_\d{8}_\d{6}(_1)?$/);
    assert.notEqual(renamed2.body.fileName, renamed.body.fileName);
    assert.equal((await mk('y', { renameMode: 4 })).body.code, 13000102);
    assert.equal((await mk('z', { fileType: 10 })).body.code, 0); // number accepted where docs conflict
    const nested = await mk('inner', { parentFolder: [a.body.id] });
    assert.deepEqual(nested.body.parentFolder, [a.body.id]);
  });

  it('renames with the same rules', async () => {
    const docs = await childId('root', 'Documents');
    const id = await childId(docs, 'report.txt');
    for (const name of BAD_NAMES) {
      assert.equal((await c.post(`/files/rename/${id}`, { containerId: pc, name })).body.code, 13000102, JSON.stringify(name));
    }
    await c.fails(`/files/rename/${id}`, { containerId: pc, name: 'budget.csv' }, 13000405);
    const r = await c.ok(`/files/rename/${id}`, { containerId: pc, name: 'budget.csv', renameMode: 2 });
    assert.match(r.fileName, /^budget_\d{8}_\d{6}\.csv$/);
    await c.ok(`/files/rename/${id}`, { containerId: pc, name: 'report.txt' });
    assert.equal(sb.store.findByName(pc, docs, 'report.txt')?.id, id);
    await c.fails('/files/rename/Fnope', { containerId: pc, name: 'x' }, 13000309);
  });

  it('reports id and name paths, and folder stats', async () => {
    const docs = await childId('root', 'Documents');
    const archive = await childId(docs, 'Archive');
    const file = await childId(archive, '2023-report.txt');
    const p = await c.get(`/files/path?fileId=${file}&containerId=${pc}`);
    assert.equal(p.body.fileIdPath, `/${sb.personalRootId}/${docs}/${archive}/${file}`);
    assert.equal(p.body.namePath, `/root${pc}/Documents/Archive/2023-report.txt`);
    const flat = await c.get(`/files/statsDir?fileId=${docs}&containerId=${pc}`);
    assert.equal(flat.body.fileCount, 3);
    assert.equal(flat.body.folderCount, 1);
    const deep = await c.get(`/files/statsDir?fileId=${docs}&containerId=${pc}&recursive=true`);
    assert.equal(deep.body.fileCount, 4);
    assert.ok(deep.body.totalSize > flat.body.totalSize);
    assert.equal((await c.get(`/files/path?fileId=${file}`)).body.code, 13000102);
  });

  it('searches by keyword, personal or team, paged', async () => {
    const s = await c.ok('/files/search', { searchType: 'personal', filter: { keyWord: 'FILE-1' }, pageInfo: { pageSize: 20 } });
    assert.equal(s.total, 51); // file-100..file-150 and file-1xx are 51 names containing "file-1"
    assert.equal(s.files.length, 20);
    assert.ok(s.nextPageCursor);
    const s2 = await c.ok('/files/search', { searchType: 'personal', filter: { keyWord: 'FILE-1' }, pageInfo: { pageSize: 100, pageCursor: s.nextPageCursor } });
    assert.equal(s2.nextPageCursor, '');
    assert.equal(s.files[0].containerType, '1');
    assert.match(s.files[0].namePath, /^\/root[^/]+\/Many files\/file-1/);
    const t = await c.ok('/files/search', { searchType: 'team', filter: { keyWord: 'road' } });
    assert.deepEqual(t.files.map((f: { fileName: string }) => f.fileName), ['Roadmap.txt']);
    assert.equal(t.files[0].teamName, 'Engineering');
    await c.fails('/files/search', { filter: { keyWord: 'x' } }, 13000414);
    await c.fails('/files/search', { searchType: 'all', filter: { keyWord: 'x' } }, 13000413);
    await c.fails('/files/search', { searchType: 'personal', filter: { keyWord: 'a b' } }, 13000102);
    await c.fails('/files/search', { searchType: 'personal', filter: { keyWord: 'x'.repeat(81) } }, 13000102);
    await c.fails('/files/search', { searchType: 'personal', pageInfo: { pageSize: 101 } }, 13000102);
    await c.fails('/files/search', { searchType: 'personal', filter: { parentFolder: ['x'] } }, 13000102);
  });
});
