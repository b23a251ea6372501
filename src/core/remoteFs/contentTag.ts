/**
 * What identifies a file's content for the save-conflict check: its SHA-256
 * when KooDrive lists one, otherwise its size, edit time and revision number
 * together. Never empty: a file KooDrive lists without a SHA-256 must not
 * get a tag that every state of it matches.
 */
import type { DriveItem } from '../api/models';

/** `sha256:<hex>`, or `meta:<size>:<edit time>:<revision>` when KooDrive gave no SHA-256. */
export type ContentTag = string;

export function sha256Tag(hex: string): ContentTag {
  return `sha256:${hex.toLowerCase()}`;
}

export function contentTagOf(item: Pick<DriveItem, 'sha256' | 'size' | 'modifiedTime' | 'version'>): ContentTag {
  if (item.sha256) return sha256Tag(item.sha256);
  return `meta:${item.size}:${item.modifiedTime ?? ''}:${item.version ?? ''}`;
}
