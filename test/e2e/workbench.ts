/**
 * Driving the VS Code web workbench the way a person does: the command
 * palette, quick picks, input boxes, views, tree rows, context menus and
 * notifications. Selectors are VS Code's own DOM classes (stable across
 * releases for years); labels come from the extension's package.json.
 */
import * as fs from 'fs';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { chromiumPath } from './paths';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true });
}

/** Opens the workbench and waits for the Explorer; page console messages go to `consoleLog`. */
export async function openWorkbench(browser: Browser, url: string, consoleLog: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (msg) => fs.appendFileSync(consoleLog, `[${msg.type()}] ${msg.text()}\n`));
  page.on('pageerror', (err) => fs.appendFileSync(consoleLog, `[pageerror] ${err.stack ?? err.message}\n`));
  await page.goto(url);
  await page.locator('.explorer-folders-view').waitFor({ timeout: 90_000 });
  return page;
}

/** Drags the side bar's edge so tree rows show their descriptions (nicer screenshots). */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  const bar = await page.locator('.part.sidebar').boundingBox();
  if (!bar || bar.width >= width) return;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(bar.x + bar.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(bar.x + width, y, { steps: 5 });
  await page.mouse.up();
}

const QUICK_INPUT = '.quick-input-widget';

/** Escapes a string for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
  constructor(readonly page: Page) {}

  // ---- command palette and quick input ------------------------------------

  /** Runs a command by its palette title, e.g. 'KooDrive: Sign In'. */
  async runCommand(title: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInputBox();
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.quickPickRow(new RegExp(`^${literal(title)}`));
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
    await row.first().click();
  }

  quickInput(): Locator {
    return this.page.locator(QUICK_INPUT);
  }

  quickInputBox(): Locator {
    return this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
  }

  /** Rows of the open quick pick whose label matches (a string: the whole label, codicons aside). */
  quickPickRow(label: string | RegExp): Locator {
    // A `$(codicon)` renders as an empty span, which leaves a leading space in the text.
    const re = typeof label === 'string' ? new RegExp(`^\\s*${literal(label)}\\s*$`) : label;
    return this.page.locator(`${QUICK_INPUT} .monaco-list-row`).filter({ has: this.page.locator('.label-name', { hasText: re }) });
  }

  /** Waits for a quick pick (optionally with this title/placeholder text) and picks the row. */
  async pick(label: string | RegExp, expect?: { title?: string | RegExp }): Promise<void> {
    await this.quickInput().waitFor({ state: 'visible' });
    if (expect?.title) await this.page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: expect.title }).waitFor();
    const row = this.quickPickRow(label).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** Types into the open input box (replacing its value) and accepts. */
  async type(value: string, expect?: { prompt?: string | RegExp }): Promise<void> {
    await this.quickInput().waitFor({ state: 'visible' });
    if (expect?.prompt) {
      await this.quickInput().filter({ hasText: expect.prompt }).waitFor();
    }
    const box = this.quickInputBox();
    await box.fill(value);
    await box.press('Enter');
  }

  /** The title / placeholder / prompt text of the open quick input. */
  async quickInputText(): Promise<string> {
    await this.quickInput().waitFor({ state: 'visible' });
    const title = (await this.page.locator(`${QUICK_INPUT} .quick-input-title`).textContent()) ?? '';
    const placeholder = (await this.quickInputBox().getAttribute('placeholder')) ?? '';
    const message = (await this.page.locator(`${QUICK_INPUT} .quick-input-message`).textContent().catch(() => '')) ?? '';
    return [title, placeholder, message].join(' | ');
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput().waitFor({ state: 'hidden' });
    }
  }

  // ---- views --------------------------------------------------------------

  /** Clicks an activity-bar entry (a view container) by its title, unless it is already showing. */
  async openViewContainer(title: string): Promise<void> {
    const item = this.activityBarItem(title);
    await item.waitFor({ state: 'visible' });
    if (!/\bchecked\b/.test((await item.getAttribute('class')) ?? '')) await item.click();
  }

  activityBarItem(title: string): Locator {
    return this.page.locator('.activitybar .action-item').filter({ has: this.page.locator(`[aria-label^="${title}"]`) }).first();
  }

  /** A view pane (in the side bar) by its title. */
  viewPane(title: string | RegExp): Locator {
    const re = typeof title === 'string' ? new RegExp(`^${literal(title)}$`, 'i') : title;
    return this.page.locator('.pane').filter({ has: this.page.locator('.pane-header h3.title', { hasText: re }) });
  }

  /** Tree rows of a view whose label text matches. */
  treeRow(view: Locator, label: string | RegExp): Locator {
    const re = typeof label === 'string' ? new RegExp(`^${literal(label)}$`) : label;
    return view.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: re }) });
  }

  /** The labels of the visible rows of a tree view, top to bottom. */
  async treeLabels(view: Locator): Promise<string[]> {
    const rows = view.locator('.monaco-list-row');
    const out: { top: number; label: string }[] = [];
    for (const r of await rows.all()) {
      const label = ((await r.locator('.label-name').first().textContent()) ?? '').trim();
      const top = Number(((await r.getAttribute('style')) ?? '').match(/top:\s*(-?\d+)/)?.[1] ?? 0);
      out.push({ top, label });
    }
    return out.sort((a, b) => a.top - b.top).map((x) => x.label);
  }

  /** Expands a collapsed tree row (no-op when expanded). */
  async expand(row: Locator): Promise<void> {
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
    await this.page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: 10_000 });
  }

  /** Collapses an expanded tree row (no-op when collapsed). */
  async collapse(row: Locator): Promise<void> {
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
  }

  /** Scrolls a (virtualised) tree until a row with this label is rendered. */
  async scrollTreeTo(view: Locator, label: string | RegExp, maxSteps = 200): Promise<Locator> {
    const row = this.treeRow(view, label);
    const list = view.locator('.monaco-list').first();
    for (let i = 0; i < maxSteps && (await row.count()) === 0; i++) {
      await list.hover();
      await this.page.mouse.wheel(0, 300);
      await this.page.waitForTimeout(50);
    }
    await row.first().waitFor({ state: 'visible' });
    return row.first();
  }

  /** Clicks an action in a view's title bar (e.g. Refresh) by its tooltip. */
  async clickViewAction(view: Locator, title: string): Promise<void> {
    const header = view.locator('.pane-header');
    if (await header.isVisible()) {
      await header.hover();
      await view.locator(`.pane-header .actions .action-label[aria-label^="${title}"]`).first().click();
      return;
    }
    // The only view of its container: its actions sit in the side bar's title.
    await this.page.locator('.part.sidebar > .composite.title').hover();
    await this.page.locator(`.part.sidebar > .composite.title .title-actions .action-label[aria-label^="${title}"]`).first().click();
  }

  // ---- Explorer -----------------------------------------------------------

  explorerRow(name: string | RegExp): Locator {
    const re = typeof name === 'string' ? new RegExp(`^${literal(name)}$`) : name;
    return this.page.locator('.explorer-folders-view .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: re }) });
  }

  // ---- menus --------------------------------------------------------------

  /** Right-clicks `target` and chooses a context-menu entry by its label. */
  async contextMenu(target: Locator, entry: string | RegExp): Promise<void> {
    await target.click({ button: 'right' });
    const re = typeof entry === 'string' ? new RegExp(`^${literal(entry)}$`) : entry;
    const item = this.page.locator('.context-view .monaco-menu .action-item').filter({ has: this.page.locator('.action-label', { hasText: re }) });
    await item.first().waitFor({ state: 'visible', timeout: 10_000 });
    // Hover focuses the entry; Enter runs it (a click can land while the menu still ignores the mouse).
    await item.first().hover();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5000 });
  }

  /** Labels of the context menu that `target` opens (the menu is closed again). */
  async contextMenuLabels(target: Locator): Promise<string[]> {
    await target.click({ button: 'right' });
    const labels = this.page.locator('.context-view .monaco-menu .action-item .action-label');
    await labels.first().waitFor({ state: 'visible', timeout: 10_000 });
    const out = (await labels.allTextContents()).map((s) => s.trim()).filter(Boolean);
    await this.page.keyboard.press('Escape');
    return out;
  }

  // ---- notifications ------------------------------------------------------

  /** A notification toast whose message matches. */
  notification(message: string | RegExp): Locator {
    return this.page.locator('.notification-toast').filter({ has: this.page.locator('.notification-list-item-message', { hasText: message }) });
  }

  /** Texts of the notification toasts on screen. */
  async notificationMessages(): Promise<string[]> {
    return (await this.page.locator('.notification-toast .notification-list-item-message').allTextContents()).map((s) => s.trim());
  }

  async clickNotificationButton(message: string | RegExp, button: string | RegExp): Promise<void> {
    const toast = this.notification(message).first();
    await toast.waitFor({ state: 'visible' });
    const re = typeof button === 'string' ? new RegExp(`^${literal(button)}$`) : button;
    await toast.locator('.monaco-button', { hasText: re }).first().click();
  }

  /** Dismisses every toast (the bell's "Clear All Notifications"). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** A modal dialog (`{modal: true}` messages). */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  async clickDialogButton(label: string | RegExp): Promise<void> {
    const re = typeof label === 'string' ? new RegExp(`^${literal(label)}$`) : label;
    await this.dialog().locator('.monaco-button', { hasText: re }).first().click();
  }
}
