/**
 * package.json against the code: every contributed command has a handler and
 * every handler is contributed; menus name existing commands and the tree's
 * contextValue vocabulary; every %key% has an English string; activation is lazy.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS, CONTEXT_KEYS, SYNC_SCM_ID, TRANSFERS_VIEW_ID, VIEW_ID } from '../../../src/extension/commands/commandIds';
import { COMMAND_HANDLERS, registerCommands } from '../../../src/extension/commands/registerCommands';
import { ErrorHandler } from '../../../src/extension/ui/errorHandler';
import { CONTEXT_VALUES } from '../../../src/extension/views/treePresentation';
import { FakeNotifier, MemoryLogger } from './fakes';
import type { Services } from '../../../src/extension/services';

const ROOT = path.resolve(__dirname, '../../../..');
interface Menu { command?: string; submenu?: string; when?: string; group?: string }
interface Manifest {
  activationEvents?: string[];
  main: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string; icon?: string }>;
    menus: Record<string, Menu[]>;
    submenus: Array<{ id: string; label: string }>;
    views: Record<string, Array<{ id: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    viewsWelcome: Array<{ view: string; contents: string; when: string }>;
    configuration: { properties: Record<string, { scope?: string; default?: unknown }> };
  };
}
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

describe('extension manifest (package.json)', () => {
  const contributed = pkg.contributes.commands.map((c) => c.command);

  it('contributes exactly the commands of the registration table', () => {
    assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
    assert.deepEqual(Object.keys(COMMAND_HANDLERS).sort(), [...COMMAND_IDS].sort());
    for (const id of COMMAND_IDS) assert.equal(typeof COMMAND_HANDLERS[id], 'function', id);
  });

  it('registers every command through the error wrapper', async () => {
    const registered: string[] = [];
    const errors = new ErrorHandler({ notifier: new FakeNotifier(), logger: new MemoryLogger(), signIn: async () => undefined, showLog: () => undefined });
    const disposables = registerCommands({} as Services, errors, (id) => {
      registered.push(id);
      return { dispose: () => undefined };
    });
    assert.deepEqual(registered, [...COMMAND_IDS]);
    assert.equal(disposables.length, COMMAND_IDS.length);
  });

  it('names commands koodrive.<verb><Object>, each in category KooDrive with a title', () => {
    for (const c of pkg.contributes.commands) {
      assert.match(c.command, /^koodrive\.[a-z]+[A-Z][A-Za-z]*$/, c.command);
      assert.equal(c.category, '%category%', c.command);
      assert.match(c.title, /^%command\.[A-Za-z]+%$/, c.command);
    }
    assert.equal(nls.category, 'KooDrive');
  });

  it('has an English string for every %key%', () => {
    const keys = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 30);
    const missing = keys.filter((k) => typeof nls[k] !== 'string' || nls[k].trim() === '');
    assert.deepEqual(missing, []);
  });

  it('menus name contributed commands, known submenus, and the tree contextValue vocabulary', () => {
    const submenus = new Set(pkg.contributes.submenus.map((s) => s.id));
    const values = new Set<string>(Object.values(CONTEXT_VALUES));
    for (const [where, entries] of Object.entries(pkg.contributes.menus)) {
      for (const m of entries) {
        if (m.command) assert.ok(contributed.includes(m.command), `${where}: ${m.command}`);
        if (m.submenu) assert.ok(submenus.has(m.submenu), `${where}: ${m.submenu}`);
        for (const v of (m.when ?? '').matchAll(/viewItem == ([\w:]+)/g)) assert.ok(values.has(v[1]), `${where}: ${v[1]}`);
        for (const v of (m.when ?? '').matchAll(/viewItem =~ \/\^koodrive:\(([^)]*)\)\$\//g)) {
          for (const kind of v[1].split('|')) assert.ok(values.has(`koodrive:${kind}`), `${where}: ${kind}`);
        }
        for (const k of (m.when ?? '').matchAll(/\bkoodrive\.(\w+)/g)) {
          if (k[0] === VIEW_ID || k[0] === TRANSFERS_VIEW_ID || k[0] === SYNC_SCM_ID) continue;
          assert.ok((Object.values(CONTEXT_KEYS) as string[]).includes(k[0]), `${where}: unknown context key ${k[0]}`);
        }
      }
    }
  });

  it('hides the commands that need a tree node from the palette', () => {
    const hidden = new Set(pkg.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));
    const treeOnly = new Set<string>();
    for (const m of pkg.contributes.menus['view/item/context']) if (m.command) treeOnly.add(m.command);
    for (const id of ['koodrive.uploadFiles', 'koodrive.loadMoreItems']) treeOnly.add(id);
    // Tree commands with a palette form: a quick pick ("Open Remote File…"), or the tree's selection (Move to… / Copy to…).
    const paletteForms: Record<string, string> = {
      'koodrive.openRemoteFile': CONTEXT_KEYS.signedIn,
      'koodrive.moveItems': `${CONTEXT_KEYS.signedIn} && ${CONTEXT_KEYS.itemSelected}`,
      'koodrive.copyItems': `${CONTEXT_KEYS.signedIn} && ${CONTEXT_KEYS.itemSelected}`,
    };
    for (const [id, when] of Object.entries(paletteForms)) {
      assert.equal(pkg.contributes.menus.commandPalette.find((m) => m.command === id)?.when, when, `${id} in the palette when ${when}`);
      treeOnly.delete(id);
    }
    for (const id of treeOnly) assert.ok(hidden.has(id), `${id} should be hidden from the palette`);
    for (const id of ['koodrive.signIn', 'koodrive.uploadActiveFile', 'koodrive.uploadWorkspaceFolder', 'koodrive.createRevision', 'koodrive.showRevisions']) {
      assert.ok(!hidden.has(id), `${id} should be in the palette`);
    }
  });

  it('offers Upload to KooDrive in the Explorer and the editor', () => {
    const has = (menu: string, id: string): boolean => (pkg.contributes.menus[menu] ?? []).some((m) => m.command === id);
    assert.ok(has('explorer/context', 'koodrive.uploadFiles'));
    assert.ok(has('editor/title', 'koodrive.uploadActiveFile'));
    assert.ok(has('editor/context', 'koodrive.uploadActiveFile'));
    assert.ok(has('view/item/context', 'koodrive.uploadToFolder'));
  });

  it('activates lazily and contributes the view, its container and the welcome content', () => {
    assert.ok(!(pkg.activationEvents ?? []).includes('*'));
    assert.equal(pkg.main, './dist/extension.js');
    const container = pkg.contributes.viewsContainers.activitybar.find((c) => c.id === 'koodrive');
    assert.ok(container);
    assert.ok(readFileSync(path.join(ROOT, container.icon), 'utf8').includes('<svg'));
    assert.deepEqual(pkg.contributes.views.koodrive.map((v) => v.id), [VIEW_ID, TRANSFERS_VIEW_ID]);
    const welcome = pkg.contributes.viewsWelcome.find((w) => w.view === VIEW_ID);
    assert.ok(welcome && welcome.when.includes(`!${CONTEXT_KEYS.signedIn}`));
    const text = nls[welcome.contents.slice(1, -1)];
    assert.match(text, /\(command:koodrive\.signIn\)/);
    assert.match(text, /\(command:koodrive\.startSandbox\)/);
  });

  it('contributes the Get Started walkthrough: each step with its picture in the .vsix, a button and a completion event', () => {
    interface Step { id: string; title: string; description: string; media: { svg?: string; image?: string; altText: string }; completionEvents: string[] }
    const walkthroughs = (pkg.contributes as unknown as { walkthroughs: Array<{ id: string; title: string; steps: Step[] }> }).walkthroughs;
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepEqual(steps.map((st) => st.id), ['signIn', 'browse', 'upload', 'openRemoteFile', 'syncFolder']);
    const allow = readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    assert.match(allow, /^!media\/\*\*$/m, '.vscodeignore lets media/ (the walkthrough pictures) into the .vsix');
    const known = (id: string): boolean => contributed.includes(id) || /^workbench\./.test(id);
    for (const st of steps) {
      const media = st.media.svg ?? st.media.image ?? '';
      assert.match(media, /^media\/walkthrough\/[\w-]+\.svg$/, st.id);
      const svg = readFileSync(path.join(ROOT, media), 'utf8');
      assert.ok(svg.includes('<svg'), `${st.id}: ${media}`);
      // The walkthrough's webview allows no inline <style>: colours are presentation attributes with theme variables.
      assert.doesNotMatch(svg, /<style|\bclass=/, `${st.id}: ${media} must not rely on a <style> element`);
      assert.match(svg, /var\(--vscode-[\w-]+, #[0-9a-f]{3,6}\)/i, `${st.id}: ${media} follows the theme`);
      for (const key of [st.title, st.description, st.media.altText]) assert.match(key, /^%walkthrough\.[\w.]+%$/, st.id);
      const buttons = [...nls[st.description.slice(1, -1)].matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(buttons.length > 0, `${st.id} has a button`);
      for (const b of buttons) assert.ok(known(b), `${st.id}: button runs ${b}, which nobody contributes`);
      assert.ok(st.completionEvents.length > 0, `${st.id} has a completion event`);
      for (const e of st.completionEvents) {
        const cmd = /^onCommand:(.+)$/.exec(e)?.[1];
        if (cmd) assert.ok(known(cmd), `${st.id}: ${e}`);
        else assert.match(e, /^(onContext:koodrive\.\w+|onView:koodrive\.\w+)$/, `${st.id}: ${e}`);
      }
    }
    assert.ok(steps.find((st) => st.id === 'syncFolder')?.completionEvents.includes('onCommand:koodrive.syncFolder'));
  });

  it('lets only user settings choose the endpoint', () => {
    const props = pkg.contributes.configuration.properties;
    assert.ok(['application', 'machine'].includes(props['koodrive.endpoint'].scope ?? ''), 'koodrive.endpoint must not be settable by a workspace');
    for (const key of ['upload.partSize', 'upload.concurrency', 'upload.conflictPolicy', 'upload.exclude', 'download.conflictPolicy']) {
      assert.ok(props[`koodrive.${key}`], key);
    }
    assert.equal(props['koodrive.download.conflictPolicy'].default, 'ask');
  });
});
