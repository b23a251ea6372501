/**
 * §7: files/create wants a `fileType` category. The docs call the value
 * "business-defined" but list these categories and an extension table
 * (png/jpg → 15, mp4/mkv → 20, txt/doc/docx → 26, xls/xlsx/csv → 27, ppt/pptx → 28).
 */
const BY_EXTENSION: Record<string, string> = {};
const add = (category: string, exts: string): void => {
  for (const e of exts.split(' ')) BY_EXTENSION[e] = category;
};
add('15', 'png jpg jpeg gif bmp webp tif tiff heic svg ico');
add('20', 'mp4 mkv mov avi wmv flv webm m4v mpg mpeg');
add('26', 'txt doc docx rtf odt md pdf wps');
add('27', 'xls xlsx csv ods et');
add('28', 'ppt pptx odp dps key');
add('30', 'mp3 wav flac aac ogg m4a wma');
add('35', 'zip rar 7z tar gz tgz bz2 xz zst');
add('40', 'exe msi apk dmg deb rpm app jar');

const MIME: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', json: 'application/json', pdf: 'application/pdf', csv: 'text/csv',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml',
  mp4: 'video/mp4', zip: 'application/zip', html: 'text/html', js: 'text/javascript', ts: 'text/plain',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The §7 category; "45" (other) when unknown. */
export function fileCategory(fileName: string): string {
  return BY_EXTENSION[extensionOf(fileName)] ?? '45';
}

export function mimeTypeOf(fileName: string): string {
  return MIME[extensionOf(fileName)] ?? 'application/octet-stream';
}
