// Route templates as the Functions host reads them: literal segments (case-insensitive), `{name}`,
// `{name?}` (optional, last segments only), `{name:constraint}` (int, alpha, bool, guid checked) and `{*rest}`.
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  alpha: /^[A-Za-z]+$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; constraint: RegExp | undefined }
  | { kind: 'catchAll'; name: string };

function parseSegment(segment: string, template: string): Segment {
  const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?(\?)?\}$/.exec(segment);
  if (!param) {
    if (/[{}]/.test(segment)) throw new Error(`Route "${template}" has a malformed segment "${segment}"`);
    return { kind: 'literal', text: segment.toLowerCase() };
  }
  const [, star, name = '', constraint, optional] = param;
  if (star) return { kind: 'catchAll', name };
  if (constraint !== undefined && !CONSTRAINTS[constraint]) throw new Error(`Route "${template}" uses an unknown constraint "${constraint}"`);
  return { kind: 'param', name, optional: optional === '?', constraint: constraint ? CONSTRAINTS[constraint] : undefined };
}

export function compileRoute(template: string): CompiledRoute {
  const segments = template.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean).map((s) => parseSegment(s, template));
  return {
    template,
    match(path) {
      try {
        return matchSegments(path);
      } catch {
        return undefined; // a malformed %-escape matches no route
      }
    },
  };

  function matchSegments(path: string): Record<string, string> | undefined {
    const parts = path.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean);
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const part = parts[i];
      if (segment.kind === 'catchAll') {
        params[segment.name] = parts.slice(i).map(decodeURIComponent).join('/');
        return params;
      }
      if (part === undefined) {
        if (segment.kind === 'param' && segment.optional) continue;
        return undefined;
      }
      const decoded = decodeURIComponent(part);
      if (segment.kind === 'literal') {
        if (decoded.toLowerCase() !== segment.text) return undefined;
      } else {
        if (segment.constraint && !segment.constraint.test(decoded)) return undefined;
        params[segment.name] = decoded;
      }
    }
    return parts.length <= segments.length ? params : undefined;
  }
}
