// An OAuth 2.0 / OpenID Connect server for Refetch's sign-in tests: oidc-provider (pinned in package-lock.json) as
// the authorization server, and beside it a small REST API (the resource server) whose every request must carry one
// of its access tokens.
//
//   node server.js [--access-ttl SECONDS]
//
// It prints "Issuer http://127.0.0.1:P" and then "Listening on http://127.0.0.1:R" (the API), then
// "REQUEST <METHOD> <path-with-query> <ok|401>" for every request to the API, "TOKEN <grant>" for every token
// the authorization server hands out, and "REVOCATION <status>" for every request to its revocation endpoint
// (RFC 7009: revoking a token ends its grant's tokens).
//
// Clients:
//   refetch          a native app (RFC 8252): authorization code with PKCE (S256, required), no secret, any
//                    loopback port under http://127.0.0.1/, refresh tokens (offline_access is not needed).
//   refetch-service  client credentials, secret "service-secret" (client_secret_basic or _post).
// Signing in: the authorization endpoint's interaction signs in "ada" (name "Ada Lovelace") and grants what was asked
// at once, so that a test's "browser" only follows redirects (a person would see oidc-provider's pages otherwise).
//
// The API: /posts (json-server 0.17's dialect: _page, _limit, X-Total-Count), /posts/:id with GET, PATCH, PUT,
// DELETE, and POST /posts. A missing, unknown or expired token is a 401 with WWW-Authenticate: Bearer. For tests,
// without a token:
//   POST /__test/expire                 every access token issued so far stops working (as if it expired)
//   POST /__test/expire-after?n=K       ... after K more requests the API answers
//   POST /__test/revoke-refresh-tokens  every refresh token issued so far is revoked
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values } = parseArgs({ options: { 'access-ttl': { type: 'string' } } });
const accessTtl = Number(values['access-ttl'] ?? 3600);

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

// The authorization server's port first: its issuer names it.
const oidcHttp = http.createServer();
const oidcPort = await listen(oidcHttp);
const issuer = `http://127.0.0.1:${oidcPort}`;

const accounts = { ada: { sub: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' } };
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'refetch',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    {
      client_id: 'refetch-service',
      client_secret: 'service-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
  ],
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api'],
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    devInteractions: { enabled: false },
  },
  ttl: {
    AccessToken: accessTtl,
    ClientCredentials: accessTtl,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 24 * 3600,
    Grant: 24 * 3600,
    Interaction: 600,
    Session: 24 * 3600,
  },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  findAccount: async (ctx, id) => accounts[id] && { accountId: id, claims: async () => accounts[id] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['refetch-test-cookie-key'] },
});

const issued = { access: [], refresh: [] };
provider.on('access_token.saved', (token) => { issued.access.push(token); console.log('TOKEN authorization_code'); });
provider.on('client_credentials.saved', (token) => { issued.access.push(token); console.log('TOKEN client_credentials'); });
provider.on('refresh_token.saved', (token) => issued.refresh.push(token));
provider.on('grant.success', (ctx) => console.log(`GRANT ${ctx.oidc.params.grant_type ?? ''}`));

const callback = provider.callback();
oidcHttp.on('request', async (req, res) => {
  if (req.url.startsWith('/token/revocation'))
    res.on('finish', () => console.log(`REVOCATION ${res.statusCode}`));
  const match = /^\/interaction\/([^/?]+)/.exec(req.url);
  if (!match) {
    callback(req, res);
    return;
  }
  // The interaction: "ada" signs in and grants what the client asked for.
  try {
    const details = await provider.interactionDetails(req, res);
    let result;
    if (details.prompt.name === 'login') {
      result = { login: { accountId: 'ada' } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.prompt.details.missingResourceScopes ?? {}))
        grant.addResourceScope(indicator, scopes.join(' '));
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

// ------------------------------------------------------------------------------------------------ the resource server

const posts = [];
for (let id = 1; id <= 45; ++id) posts.push({ id, title: `Post ${id}`, views: id * 10 });
let nextId = 46;
let expireAfter = -1;

function expireAccessTokens() {
  for (const token of issued.access.splice(0)) token.destroy().catch(() => {});
}

async function tokenValid(header) {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const token = (await provider.AccessToken.find(m[1])) ?? (await provider.ClientCredentials.find(m[1]));
  return Boolean(token && !token.isExpired);
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => {
      try { resolve(data ? JSON.parse(data) : {}); } catch { resolve(undefined); }
    });
  });
}

const api = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/__test/expire') {
    expireAccessTokens();
    send(res, 200, { expired: true });
    return;
  }
  if (url.pathname === '/__test/expire-after') {
    expireAfter = Number(url.searchParams.get('n') ?? 0);
    send(res, 200, { expireAfter });
    return;
  }
  if (url.pathname === '/__test/revoke-refresh-tokens') {
    for (const token of issued.refresh.splice(0)) await token.destroy();
    send(res, 200, { revoked: true });
    return;
  }
  if (expireAfter === 0) {
    expireAfter = -1;
    expireAccessTokens();
  }
  const ok = await tokenValid(req.headers.authorization);
  console.log(`REQUEST ${req.method} ${req.url} ${ok ? 'ok' : '401'}`);
  if (!ok) {
    send(res, 401, { error: 'invalid_token', error_description: 'a valid access token is required' },
      { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    return;
  }
  if (expireAfter > 0) --expireAfter;
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'posts' || parts.length > 2) {
    send(res, 404, {});
    return;
  }
  if (parts.length === 1) {
    if (req.method === 'GET') {
      const page = Number(url.searchParams.get('_page') ?? 0);
      const limit = Number(url.searchParams.get('_limit') ?? (page ? 10 : posts.length));
      const rows = page ? posts.slice((page - 1) * limit, page * limit) : posts.slice(0, limit);
      send(res, 200, rows, { 'X-Total-Count': String(posts.length), 'Access-Control-Expose-Headers': 'X-Total-Count' });
      return;
    }
    if (req.method === 'POST') {
      const body = await readBody(req);
      if (!body || typeof body !== 'object') { send(res, 400, { error: 'not JSON' }); return; }
      const record = { ...body, id: nextId++ };
      posts.push(record);
      send(res, 201, record);
      return;
    }
    send(res, 405, {});
    return;
  }
  const index = posts.findIndex((p) => String(p.id) === parts[1]);
  if (index < 0) { send(res, 404, {}); return; }
  if (req.method === 'GET') { send(res, 200, posts[index]); return; }
  if (req.method === 'DELETE') { posts.splice(index, 1); send(res, 200, {}); return; }
  if (req.method === 'PATCH' || req.method === 'PUT') {
    const body = await readBody(req);
    if (!body || typeof body !== 'object') { send(res, 400, { error: 'not JSON' }); return; }
    posts[index] = req.method === 'PUT' ? { ...body, id: posts[index].id } : { ...posts[index], ...body, id: posts[index].id };
    send(res, 200, posts[index]);
    return;
  }
  send(res, 405, {});
});

const apiPort = await listen(api);
console.log(`Issuer ${issuer}`);
console.log(`Listening on http://127.0.0.1:${apiPort}`);
