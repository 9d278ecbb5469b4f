#!/usr/bin/env node
// Writes the built-in sample API's seed data to resources/sample/ (users.json, posts.json, comments.json).
// Deterministic: the same script gives the same bytes, so the output is committed and diffs stay readable.
// Usage: node scripts/gen-sample-data.mjs [output-dir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'sample');
const USERS = 50;
const POSTS = 500;
const COMMENTS = 1500;

// mulberry32: a tiny seeded PRNG, so the data does not depend on Math.random.
let state = 0x5eed1234;
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;
const capitalise = (s) => s[0].toUpperCase() + s.slice(1);

const firstNames = ['Ada', 'Alan', 'Barbara', 'Brian', 'Carla', 'Dennis', 'Edsger', 'Frances', 'Grace', 'Guido',
  'Hedy', 'Ivan', 'Joan', 'Ken', 'Linus', 'Margaret', 'Niklaus', 'Olga', 'Radia', 'Tim'];
const lastNames = ['Lovelace', 'Turing', 'Liskov', 'Kernighan', 'Ritchie', 'Dijkstra', 'Allen', 'Hopper', 'Rossum',
  'Lamarr', 'Sutherland', 'Clarke', 'Thompson', 'Torvalds', 'Hamilton', 'Wirth', 'Perlman', 'Berners-Lee'];
const cities = ['Oslo', 'Berlin', 'Lyon', 'Porto', 'Gdansk', 'Tampere', 'Turin', 'Leeds', 'Ghent', 'Brno'];
const streets = ['Main Street', 'Harbour Road', 'Mill Lane', 'Station Square', 'Park Avenue', 'Church Walk'];
const roles = ['admin', 'editor', 'editor', 'viewer', 'viewer', 'viewer'];
const topics = ['Qt', 'REST', 'caching', 'SQLite', 'testing', 'C++20', 'JSON', 'HTTP', 'models', 'widgets'];
const verbs = ['Understanding', 'Debugging', 'Scaling', 'Testing', 'Designing', 'Profiling', 'Refactoring'];
const words = ['signal', 'slot', 'query', 'cache', 'stale', 'fresh', 'request', 'reply', 'server', 'client',
  'table', 'model', 'view', 'index', 'row', 'column', 'header', 'body', 'retry', 'timeout', 'socket', 'thread',
  'event', 'loop', 'timer', 'widget', 'layout', 'record', 'field', 'value', 'schema', 'paging', 'filter', 'sort'];
const tagPool = ['howto', 'news', 'deep-dive', 'beginner', 'performance', 'release', 'opinion', 'tooling'];

const sentence = (min, max) => {
  const n = int(min, max);
  const list = Array.from({ length: n }, () => pick(words));
  return capitalise(list.join(' ')) + '.';
};
const base = Date.UTC(2023, 0, 1);
const isoAt = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const dateBetween = (fromMs, days) => fromMs + int(0, days * 86400) * 1000;

const users = [];
for (let id = 1; id <= USERS; ++id) {
  const first = pick(firstNames);
  const last = pick(lastNames);
  const username = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + id;
  const createdAt = dateBetween(base, 365);
  users.push({
    id,
    name: `${first} ${last}`,
    username,
    email: `${username}@example.com`,
    role: pick(roles),
    active: chance(0.8),
    age: chance(0.9) ? int(19, 71) : null,
    birthday: chance(0.7) ? isoAt(Date.UTC(int(1955, 2004), int(0, 11), int(1, 28))).slice(0, 10) : null,
    address: {
      street: `${int(1, 120)} ${pick(streets)}`,
      city: pick(cities),
      zip: String(int(10000, 99999)),
      geo: { lat: Math.round((40 + random() * 25) * 1e4) / 1e4, lng: Math.round((-5 + random() * 30) * 1e4) / 1e4 },
    },
    website: chance(0.4) ? `https://${username.replace('.', '-')}.example.org` : null,
    createdAt: isoAt(createdAt),
    lastLoginAt: chance(0.85) ? isoAt(dateBetween(createdAt, 400)) : null,
  });
}

const posts = [];
for (let id = 1; id <= POSTS; ++id) {
  const status = pick(['published', 'published', 'published', 'draft', 'archived']);
  const createdAt = dateBetween(base, 700);
  const body = sentence(5, 12);
  const wordCount = body.split(' ').length;
  posts.push({
    id,
    userId: int(1, USERS),
    title: `${pick(verbs)} ${pick(topics)}: ${pick(words)} and ${pick(words)}`,
    body,
    status,
    published: status === 'published',
    views: status === 'draft' ? 0 : int(0, 25000),
    rating: chance(0.75) ? Math.round((1 + random() * 4) * 10) / 10 : null,
    tags: Array.from(new Set(Array.from({ length: int(0, 3) }, () => pick(tagPool)))),
    createdAt: isoAt(createdAt),
    publishedAt: status === 'draft' ? null : isoAt(dateBetween(createdAt, 30)),
    meta: { wordCount, readingMinutes: Math.max(1, Math.round(wordCount / 200)), featured: chance(0.1) },
  });
}

const comments = [];
for (let id = 1; id <= COMMENTS; ++id) {
  const postId = int(1, POSTS);
  const createdAt = Date.parse(posts[postId - 1].createdAt) + int(0, 90 * 86400) * 1000;
  comments.push({
    id,
    postId,
    userId: int(1, USERS),
    body: sentence(2, 6),
    likes: chance(0.6) ? int(0, 40) : 0,
    approved: chance(0.85),
    createdAt: isoAt(createdAt),
    editedAt: chance(0.15) ? isoAt(createdAt + int(60, 86400) * 1000) : null,
  });
}

// One record per line: small files, and a changed record shows as one changed line.
function write(name, records) {
  const text = '[\n' + records.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n';
  writeFileSync(join(outDir, `${name}.json`), text);
  console.log(`${name}.json: ${records.length} records, ${(text.length / 1024).toFixed(0)} KB`);
}
mkdirSync(outDir, { recursive: true });
write('users', users);
write('posts', posts);
write('comments', comments);
