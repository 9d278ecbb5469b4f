'use strict'
// A JSON:API server for Refetch's tests: Fortune.js (memory adapter) behind fortune-http with the fortune-json-api
// serializer, seeded from a json-server db.json.
//
//   node server.js --seed /tmp/x/db.json
//
// It listens on 127.0.0.1 on a port the OS picks, prints "Listening on http://127.0.0.1:PORT", then
// "REQUEST <METHOD> <target>" for every request before Fortune sees it. Nothing is written to disk.
//
// Record types user, post and comment (URLs /users, /posts, /comments) with the seed's fields as attributes under
// their own names (inflectKeys off): userId and postId are plain Number attributes, not relationships; a comment
// also has "post", a to-one relationship to the same post as its postId. Ids are the
// seed's integers (JSON:API shows them as strings, "7"); a created record gets the next integer, given by an input
// hook, where Fortune would make up a random 15-character string. Fortune checks the types (a string for views is
// its own 400); the same input hooks check what types cannot (title and name 1..200 characters, views an integer
// >= 0, body not empty) and throw Fortune's BadRequestError, which the serializer answers as a JSON:API error
// document like any other. A field a create leaves out is null, as Fortune does.
const { readFileSync } = require('node:fs')
const http = require('node:http')
const { parseArgs } = require('node:util')
const fortune = require('fortune')
const fortuneHTTP = require('fortune-http')
const jsonApiSerializer = require('fortune-json-api')

const { values } = parseArgs({ options: { seed: { type: 'string' } } })
if (!values.seed) {
  console.error('usage: node server.js --seed <db.json>')
  process.exit(2)
}
const seed = JSON.parse(readFileSync(values.seed, 'utf-8'))

const { BadRequestError } = fortune.errors

const recordTypes = {
  user: { name: String, active: Boolean },
  post: {
    userId: Number,
    title: String,
    views: Number,
    published: Boolean,
    rating: Number,
    publishedAt: Date,
    meta: Object
  },
  // post: a to-one relationship to the comment's post (one-way; Fortune keeps the inverse hidden), the same post
  // as postId: so that a client finds references in JSON:API's own terms, and writes them as relationships.
  comment: { postId: Number, body: String, post: { link: 'post' } }
}

// What a record must hold, checked on create (the whole record) and on update (the replaced fields).
const checks = {
  user: {
    name: v => typeof v === 'string' && v.length >= 1 && v.length <= 200 ||
      'name must be 1 to 200 characters'
  },
  post: {
    title: v => typeof v === 'string' && v.length >= 1 && v.length <= 200 ||
      'title must be 1 to 200 characters',
    views: v => typeof v !== 'number' || Number.isInteger(v) && v >= 0 || 'views must be an integer >= 0'
  },
  comment: {
    body: v => typeof v === 'string' && v.length >= 1 || 'body must not be empty'
  }
}

const nextId = {}
for (const [type, key] of [['user', 'users'], ['post', 'posts'], ['comment', 'comments']])
  nextId[type] = Math.max(0, ...(seed[key] || []).map(r => r.id)) + 1

function check (type, values, whole) {
  for (const [field, test] of Object.entries(checks[type])) {
    if (!whole && !(field in values)) continue
    const verdict = test(values[field])
    if (verdict !== true) throw new BadRequestError(verdict)
  }
}

function inputHook (type) {
  return (context, record, update) => {
    switch (context.request.method) {
      case 'create':
        check(type, record, true)
        if (record.id === undefined || record.id === null) record.id = nextId[type]++
        else nextId[type] = Math.max(nextId[type], Number(record.id) + 1 || 0)
        return record
      case 'update':
        check(type, update.replace || {}, false)
        return update
      default:
        return null
    }
  }
}

const store = fortune(recordTypes, {
  // The memory adapter forgets the oldest records past recordsPerType (1000 by default).
  adapter: [fortune.adapters.memory, { recordsPerType: 1000000 }],
  hooks: { user: [inputHook('user')], post: [inputHook('post')], comment: [inputHook('comment')] }
})

const listener = fortuneHTTP(store, {
  serializers: [[jsonApiSerializer, { inflectKeys: false, jsonSpaces: 0 }]]
})

function seedRecords () {
  const users = (seed.users || []).map(u => ({ id: u.id, name: u.name, active: u.active }))
  const posts = (seed.posts || []).map(p => ({
    id: p.id,
    userId: p.userId,
    title: p.title,
    views: p.views,
    published: p.published,
    rating: p.rating,
    publishedAt: p.publishedAt ? new Date(p.publishedAt) : null,
    meta: p.meta || {}
  }))
  const comments = (seed.comments || []).map(c => ({ id: c.id, postId: c.postId, body: c.body, post: c.postId }))
  return store.connect()
    .then(() => users.length && store.create('user', users))
    .then(() => posts.length && store.create('post', posts))
    .then(() => comments.length && store.create('comment', comments))
}

const server = http.createServer((request, response) => {
  process.stdout.write(`REQUEST ${request.method} ${request.url}\n`)
  listener(request, response).catch(error => {
    // fortune-http has answered already; this is for the log.
    if (!(error instanceof fortune.errors.BadRequestError) && !(error instanceof fortune.errors.NotFoundError))
      console.error(error && error.stack || error)
  })
})

seedRecords().then(() => {
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`Listening on http://127.0.0.1:${server.address().port}\n`)
  })
}).catch(error => {
  console.error(`cannot seed: ${error && error.stack || error}`)
  process.exit(1)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close()
    server.closeAllConnections()
    process.exit(0)
  })
}
