/**
 * Users, their personal spaces, and the demo content. Content is
 * deterministic (same bytes, same sha256 on every fresh start) so docs and
 * tests can rely on it; ids are random.
 */
import { categoryFor, mimeFor } from './names';
import type { Service } from './service';
import type { ContainerRecord, NodeRecord, ShareRecord, TeamRecord } from './store';
import { newId, rootIdFor } from './store';

export interface SandboxUser {
  userId: string;
  /** Display name; defaults to the user id. */
  userName?: string;
  /** A fixed access token for this user (raw, without "Bearer"). */
  token?: string;
  /** The session id that goes with `token` (for POST /session/refresh); default `<userId>-session`. */
  sessionId?: string;
  /** Personal space capacity in bytes; default 1 TiB. */
  capacity?: number;
}

export const DEFAULT_USERS: SandboxUser[] = [
  { userId: 'sandbox-user', userName: 'Sandbox User', token: 'sandbox-token', sessionId: 'sandbox-session' },
];

const TiB = 1024 ** 4;
/** The owner of the seeded shared folder and the group; has no token. */
const ALICE = 'sandbox-alice';

/** Create the root folder node of a space. */
function addRoot(svc: Service, c: ContainerRecord): void {
  const root: NodeRecord = {
    id: c.rootId,
    containerId: c.id,
    parentId: null,
    name: '',
    kind: 'folder',
    fileType: '10',
    mimeType: 'application/vnd.huawei-apps.folder',
    createdAt: c.createdAt,
    editedAt: c.createdAt,
    ownerId: c.ownerId,
    lastEditorId: c.ownerId,
    recycled: false,
    revisions: [],
    nextVersion: 1,
  };
  svc.store.addNode(root);
}

function addContainer(svc: Service, type: 0 | 1 | 2, ownerId: string, capacity: number): ContainerRecord {
  const id = newId('IAAA', 40);
  const c: ContainerRecord = { id, type, ownerId, rootId: rootIdFor(id), capacity, createdAt: svc.now() };
  svc.store.state.containers[id] = c;
  addRoot(svc, c);
  return c;
}

/** Make sure every configured user (and their personal space) exists. Idempotent. */
export function ensureUsers(svc: Service, users: SandboxUser[]): void {
  const st = svc.store.state;
  for (const u of users) {
    if (!st.users[u.userId]) {
      st.users[u.userId] = {
        userId: u.userId,
        userName: u.userName ?? u.userId,
        role: '1',
        tenantId: 'sandbox-tenant',
        capacity: u.capacity ?? TiB,
      };
    }
    if (!Object.values(st.containers).some((c) => c.type === 1 && c.ownerId === u.userId)) {
      addContainer(svc, 1, u.userId, st.users[u.userId].capacity);
    }
  }
  svc.store.touch();
}

export function personalContainer(svc: Service, userId: string): ContainerRecord {
  const c = Object.values(svc.store.state.containers).find((x) => x.type === 1 && x.ownerId === userId);
  if (!c) throw new Error(`no personal space for ${userId}`);
  return c;
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function demoBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

class Seeder {
  private minute = 0;
  constructor(
    private readonly svc: Service,
    private readonly owner: string,
  ) {}

  /** Spread timestamps so sorting by time is meaningful. */
  private stamp(n: NodeRecord): NodeRecord {
    const t = this.svc.now() - 30 * 24 * 3600 * 1000 + this.minute++ * 60 * 1000;
    n.createdAt = t;
    n.editedAt = t;
    for (const r of n.revisions) r.createdAt = t;
    return n;
  }

  folder(containerId: string, parentId: string, name: string): NodeRecord {
    return this.stamp(this.svc.createFolderNode(containerId, parentId, name, this.owner));
  }

  file(containerId: string, parentId: string, name: string, content: string | Buffer, versions: (string | Buffer)[] = []): NodeRecord {
    const store = this.svc.store;
    const first = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const n = this.svc.createFileNode({
      containerId,
      parentId,
      name,
      fileType: categoryFor(name),
      mimeType: mimeFor(name),
      userId: this.owner,
      revision: this.svc.newRevision(store.putBlob(first), first.length, this.owner, 1, 1),
    });
    this.stamp(n);
    for (const v of versions) {
      const data = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      const rev = this.svc.newRevision(store.putBlob(data), data.length, this.owner, n.nextVersion, 1);
      rev.createdAt = n.createdAt + (this.minute++ + 1) * 60 * 1000;
      store.addRevision(n, rev);
      n.nextVersion = rev.version + 1;
      n.editedAt = rev.createdAt;
    }
    return n;
  }
}

const WELCOME = `# Welcome to the KooDrive sandbox

This is a local stand-in for the KooDrive service. Everything here is stored
on your machine. Try uploading, downloading, renaming and versioning files.

- Documents/ holds a few text files and a nested folder.
- "Many files/" holds 150 small files, more than one page of a listing.
- notes.txt has two versions.
`;

/** Seed the demo content for `demoUser` (and make every configured user a member of the teams and the share). */
export function seedDemo(svc: Service, demoUser: string, members: string[]): void {
  const st = svc.store.state;
  const personal = personalContainer(svc, demoUser);
  const me = new Seeder(svc, demoUser);
  const root = personal.rootId;
  const pc = personal.id;

  me.file(pc, root, 'Welcome.md', WELCOME);
  me.file(pc, root, 'notes.txt', 'Shopping list\n- milk\n', ['Shopping list\n- milk\n- bread\n- coffee\n']);
  const docs = me.folder(pc, root, 'Documents');
  me.file(pc, docs.id, 'report.txt', 'Quarterly report\n\nRevenue grew in every region.\n'.repeat(20));
  me.file(pc, docs.id, 'meeting-notes.md', '# Meeting notes\n\n- Agree on the upload API\n- Ship the sandbox\n');
  me.file(pc, docs.id, 'budget.csv', 'item,amount\nservers,1200\nlicenses,300\ncoffee,45\n');
  const archive = me.folder(pc, docs.id, 'Archive');
  me.file(pc, archive.id, '2023-report.txt', 'Last year in review.\n'.repeat(50));
  const projects = me.folder(pc, root, 'Projects');
  const demo = me.folder(pc, projects.id, 'koodrive-demo');
  me.file(pc, demo.id, 'README.md', '# koodrive-demo\n\nA sample project folder.\n');
  me.file(pc, projects.id, 'sample-data.bin', demoBytes(256 * 1024));
  const many = me.folder(pc, root, 'Many files');
  for (let i = 1; i <= 150; i++) {
    const name = `file-${String(i).padStart(3, '0')}.txt`;
    me.file(pc, many.id, name, `This is ${name}.\n`);
  }

  // Another user who owns the group and the shared folder.
  ensureUsers(svc, [{ userId: ALICE, userName: 'Alice Example' }]);
  const others = members.filter((m) => m !== ALICE);

  const now = svc.now();
  const eng = addContainer(svc, 0, 'dept-engineering', TiB);
  const engTeam: TeamRecord = {
    id: newId('D', 16),
    name: 'Engineering',
    kind: 0,
    containerId: eng.id,
    ownerId: demoUser,
    members: [...others, ALICE],
    createdAt: now,
  };
  st.teams[engTeam.id] = engTeam;
  eng.ownerId = engTeam.id;
  const e = new Seeder(svc, demoUser);
  e.file(eng.id, eng.rootId, 'Architecture.md', '# Architecture\n\nClient -> API -> OBS.\n');
  e.file(eng.id, eng.rootId, 'Roadmap.txt', 'Q1: uploads\nQ2: downloads\nQ3: revisions\n');
  const specs = e.folder(eng.id, eng.rootId, 'Specs');
  e.file(eng.id, specs.id, 'api-overview.md', '# API overview\n\nAll calls are POST.\n');

  const design = addContainer(svc, 2, ALICE, TiB);
  const designTeam: TeamRecord = {
    id: newId('G', 16),
    name: 'Design Team',
    kind: 2,
    containerId: design.id,
    ownerId: ALICE,
    members: [ALICE, ...others],
    createdAt: now + 1,
  };
  st.teams[designTeam.id] = designTeam;
  design.ownerId = designTeam.id;
  const d = new Seeder(svc, ALICE);
  d.file(design.id, design.rootId, 'brand-guide.txt', 'Use the blue logo on light backgrounds.\n');
  d.file(design.id, design.rootId, 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="blue"/></svg>\n');
  d.folder(design.id, design.rootId, 'Mockups');

  const alice = personalContainer(svc, ALICE);
  const a = new Seeder(svc, ALICE);
  const sharedFolder = a.folder(alice.id, alice.rootId, 'Shared with me');
  a.file(alice.id, sharedFolder.id, 'Shared notes.txt', 'Notes Alice shares with the team.\n');
  a.file(alice.id, sharedFolder.id, 'budget-2024.csv', 'month,spend\njan,10\nfeb,12\n');
  a.file(alice.id, alice.rootId, 'private.txt', 'Not shared.\n');
  const share: ShareRecord = {
    id: newId('SF', 24),
    name: 'Shared with me',
    containerId: alice.id,
    folderId: sharedFolder.id,
    ownerId: ALICE,
    groupId: newId('UG', 16),
    members: others,
    createdAt: now,
  };
  st.shares[share.id] = share;
  svc.store.touch();
}
