// An OAuthClientProvider for the MCP TypeScript SDK whose "browser" is fetch: it logs in to the
// sandbox's Spring authorization server as the demo user and hands the code back to the SDK.
// Everything else (discovery from the 401, dynamic registration, PKCE, `resource`) is the SDK's own.

const REDIRECT_URI = 'http://127.0.0.1:6274/oauth/callback'; // loopback IP: any port is accepted; nothing listens

export class HeadlessLoginProvider {
  constructor({ user = 'demo', password = 'demo', log = console.log } = {}) {
    this.user = user;
    this.password = password;
    this.log = log;
    this.authorizations = [];
  }

  get redirectUrl() { return REDIRECT_URI; }

  get clientMetadata() {
    return {
      client_name: 'gatehouse-e2e',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() { return crypto.randomUUID(); }
  clientInformation() { return this.client; }
  saveClientInformation(information) { this.client = information; }
  tokens() { return this.savedTokens; }
  saveTokens(tokens) { this.savedTokens = tokens; }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.savedTokens = undefined;
  }

  async redirectToAuthorization(url) {
    const request = { scope: url.searchParams.get('scope'), resource: url.searchParams.get('resource') };
    this.authorizations.push(request);
    this.log(`authorize: scope="${request.scope}" resource=${request.resource}`);
    this.pendingCode = await this.login(url); // the SDK then throws UnauthorizedError; the caller finishes
  }

  takeCode() {
    const code = this.pendingCode;
    this.pendingCode = undefined;
    if (!code) throw new Error('no authorization code');
    return code;
  }

  async login(authorizationUrl) {
    const jar = new Map();
    const request = async (url, init = {}) => {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(';');
        const i = pair.indexOf('=');
        jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
      }
      return response;
    };
    let current = new URL(authorizationUrl);
    let response = await request(current);
    let loggedIn = false;
    for (let hop = 0; hop < 15; hop++) {
      if (response.status >= 300 && response.status < 400) {
        const next = new URL(response.headers.get('location'), current);
        if (next.href.startsWith(REDIRECT_URI)) {
          const error = next.searchParams.get('error');
          if (error) throw new Error(`authorization refused: ${error} ${next.searchParams.get('error_description') ?? ''}`);
          return next.searchParams.get('code');
        }
        await response.body?.cancel();
        current = next;
        response = await request(next);
        continue;
      }
      const html = await response.text();
      if (response.status !== 200) throw new Error(`HTTP ${response.status} at ${current}`);
      if (!/name="password"/.test(html)) throw new Error(`unexpected page at ${current}`);
      if (loggedIn) throw new Error('login refused');
      const csrf = html.match(/name="_csrf"[^>]*value="([^"]*)"/)?.[1];
      current = new URL('/login', current);
      response = await request(current, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: this.user, password: this.password, ...(csrf ? { _csrf: csrf } : {}) }),
      });
      loggedIn = true;
    }
    throw new Error('too many redirects');
  }
}

/** fetch that records every response status and WWW-Authenticate header, to assert what the gateway said. */
export function recordingFetch(log) {
  const seen = [];
  const wrapped = async (url, init) => {
    const response = await fetch(url, init);
    const challenge = response.headers.get('www-authenticate');
    seen.push({ method: init?.method ?? 'GET', url: String(url), status: response.status, challenge });
    if (challenge) log(`${init?.method ?? 'GET'} ${url} -> ${response.status} ${challenge}`);
    return response;
  };
  wrapped.seen = seen;
  return wrapped;
}
