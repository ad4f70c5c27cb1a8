// The Functions host lets app settings override host.json: `AzureFunctionsJobHost__extensions__queues__batchSize`
// = "4" replaces `extensions.queues.batchSize` for that app alone. The local host honours the same settings, so
// one process can run with other numbers than the file without editing it (tests, a one-role `--functions` host).
const PREFIX = 'azurefunctionsjobhost__';

type Json = Record<string, unknown>;

/** Setting values are strings; host.json wants numbers and booleans where they look like them. */
function typed(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `hostJson` with every `AzureFunctionsJobHost__a__b` setting applied; keys match case-insensitively. */
export function applyHostJsonOverrides(hostJson: unknown, settings: Readonly<Record<string, string | undefined>>): unknown {
  const root: Json = structuredClone(isObject(hostJson) ? hostJson : {});
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined || !name.toLowerCase().startsWith(PREFIX)) continue;
    const path = name.slice(PREFIX.length).split('__').filter(Boolean);
    if (path.length === 0 || path.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype')) continue;
    let node = root;
    path.forEach((segment, i) => {
      const key = Object.keys(node).find((k) => k.toLowerCase() === segment.toLowerCase()) ?? segment;
      if (i === path.length - 1) {
        node[key] = typed(value);
        return;
      }
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as Json;
    });
  }
  return root;
}
