import * as assert from 'node:assert/strict';
import type { DriveItem, Space } from '../../../src/core/api/models';
import type { FileNode, FolderNode, LoadMoreNode, MessageNode, SpaceNode } from '../../../src/extension/views/treeNodes';
import { escapeMarkdown, iconForItem, presentNode } from '../../../src/extension/views/treePresentation';

const space: Space = { kind: 'personal', name: 'Personal space', containerId: 'C1', rootFolderId: 'root', usedBytes: 1024 * 1024, capacityBytes: 10 * 1024 * 1024 * 1024 };
const spaceNode: SpaceNode = { kind: 'space', key: 'space:C1', space };
const item = (over: Partial<DriveItem>): DriveItem => ({ id: 'F1', name: 'report.pdf', isFolder: false, fileType: '26', size: 1536, ...over });

describe('tree presentation', () => {
  it('a space: name, kind and usage, no file context', () => {
    const p = presentNode(spaceNode);
    assert.equal(p.label, 'Personal space');
    assert.equal(p.description, 'Personal · 1.0 MiB of 10 GiB used');
    assert.equal(p.contextValue, 'koodrive:space');
    assert.equal(p.icon, 'account');
    assert.ok(p.collapsible);
    assert.match(p.tooltip ?? '', /`C1`/);
  });

  it('a file: size and modified date, tooltip with size, modified, sha256 and id', () => {
    const node: FileNode = {
      kind: 'file', key: 'C1/F1', space, parent: spaceNode,
      item: item({ sha256: 'ab'.repeat(32), modifiedTime: '2024-05-01 10:22:00' }),
    };
    const p = presentNode(node);
    assert.equal(p.label, 'report.pdf');
    assert.match(p.description ?? '', /^1\.5 KiB · 2024-05-0[12] \d\d:\d\d$/);
    assert.equal(p.contextValue, 'koodrive:file');
    assert.equal(p.icon, 'file-pdf');
    assert.equal(p.collapsible, false);
    for (const part of ['report\\.pdf', '1536 bytes', 'Modified', `\`${'ab'.repeat(32)}\``, '`F1`']) assert.ok(p.tooltip?.includes(part), part);
  });

  it('a folder', () => {
    const node: FolderNode = { kind: 'folder', key: 'C1/D', space, parent: spaceNode, item: item({ id: 'D', name: 'Docs', isFolder: true, fileType: '10', size: 0 }) };
    const p = presentNode(node);
    assert.equal(p.contextValue, 'koodrive:folder');
    assert.equal(p.icon, 'folder');
    assert.ok(p.collapsible);
  });

  it('"Load more…" runs koodrive.loadMoreItems; an error message offers a refresh', () => {
    const more: LoadMoreNode = { kind: 'loadMore', key: 'space:C1#more', parent: spaceNode, loaded: 100 };
    const p = presentNode(more);
    assert.equal(p.label, 'Load more…');
    assert.equal(p.description, '100 shown');
    assert.equal(p.command?.id, 'koodrive.loadMoreItems');
    assert.equal(p.contextValue, 'koodrive:loadMore');
    const err: MessageNode = { kind: 'message', key: 'm', parent: spaceNode, text: 'Could not load: boom', isError: true };
    assert.equal(presentNode(err).command?.id, 'koodrive.refreshFolder');
    assert.equal(presentNode({ ...err, parent: undefined }).command?.id, 'koodrive.refreshTree');
    assert.equal(presentNode({ ...err, isError: false }).command, undefined);
  });

  it('icons by file type: extension first, then KooDrive category', () => {
    assert.equal(iconForItem(item({ name: 'a.ts' })), 'file-code');
    assert.equal(iconForItem(item({ name: 'photo.JPG', fileType: '15' })), 'file-media');
    assert.equal(iconForItem(item({ name: 'x.zip' })), 'file-zip');
    assert.equal(iconForItem(item({ name: 'sheet.xlsx' })), 'table');
    assert.equal(iconForItem(item({ name: 'noext', fileType: '20' })), 'device-camera-video');
    assert.equal(iconForItem(item({ name: 'noext', fileType: '45' })), 'file');
  });

  it('escapes markdown in names', () => {
    assert.equal(escapeMarkdown('a*b_[c](d)'), 'a\\*b\\_\\[c\\]\\(d\\)');
  });
});
