// Log lines must never carry a key, a token or a connection string. Two layers: every line the local host writes
// passes through a redactor that knows the secrets of this process (its function and master keys, the weather API
// key) and the shapes secrets take (`code=`, `sig=`, `AccountKey=`, …); and a URL is logged only through
// `redactUrl`, which keeps the path and the parameter names and drops the values of sensitive parameters.

const SENSITIVE_PARAM = /^(code|key|apikey|api[_-]key|sig|signature|se|token|access[_-]?token|sas|password|secret|client[_-]?secret)$/i;
const REDACTED = '<redacted>';
// `name=value` in a query string or a connection string, for names that carry secrets.
const INLINE = /\b(code|apikey|api[_-]key|sig|signature|access[_-]?token|password|client[_-]?secret|AccountKey|SharedAccessKey|SharedAccessSignature)=([^&;\s"'<>]+)/gi;
const HEADER = /\b(x-functions-key|authorization)("?\s*[:=]\s*)("?)([^",;\n]+)/gi;

/** The URL's path and query as received, with the values of sensitive parameters replaced. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const at = url.indexOf('?');
  if (at < 0) return redactText(url);
  const pairs = url.slice(at + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // a malformed escape: judge the name as written
    }
    return SENSITIVE_PARAM.test(name.trim()) ? `${rawName}=${REDACTED}` : pair;
  });
  return redactText(`${url.slice(0, at)}?${pairs.join('&')}`);
}

/** Replaces secret-shaped substrings. */
export function redactText(text: string): string {
  return text.replace(INLINE, (_m, name: string) => `${name}=${REDACTED}`).replace(HEADER, (_m, name: string, sep: string, quote: string) => `${name}${sep}${quote}${REDACTED}`);
}

/** A redactor for this process's own secrets (any length ≥ 8, so a real key is never a common word), plus the shapes. */
export function createRedactor(secrets: readonly (string | undefined)[]): (line: string) => string {
  const known = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.trim().length >= 8).map((s) => s.trim()))]
    .sort((a, b) => b.length - a.length);
  const variants = known.flatMap((s) => [s, encodeURIComponent(s)]);
  return (line) => {
    let out = line;
    for (const secret of variants) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return redactText(out);
  };
}
