// Finds and runs the Bicep CLI for the infra tests: BICEP_PATH, then tools/bicep/bicep, then `bicep` on PATH. Where
// none exists and dotnet does, ensureBicep restores it into tools/bicep first (once, see restoreBicep.ts); where
// neither exists, the tests skip with a message.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BICEP_VERSION, restoreBicepOnce } from './restoreBicep.ts';

const run = promisify(execFile);

export const repoRoot = resolve(import.meta.dirname, '../..');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export interface BicepLocation {
  /** The CLI to run, or undefined when there is none. */
  path: string | undefined;
  /** Why the infra tests cannot run; undefined when they can. */
  missing: string | undefined;
}

export const BICEP_TARGET = join(repoRoot, 'tools/bicep/bicep');

/** locateBicep, after restoring the CLI with dotnet when it is missing and dotnet is there. */
export async function ensureBicep(): Promise<BicepLocation> {
  const found = locateBicep();
  if (found.path || found.missing) return found;
  try {
    await restoreBicepOnce({ target: BICEP_TARGET });
  } catch (error) {
    return { path: undefined, missing: `dotnet is installed but restoring the Bicep CLI ${BICEP_VERSION} from NuGet failed: ${(error as Error).message}` };
  }
  return locateBicep();
}

export function locateBicep(): BicepLocation {
  const candidates = [process.env.BICEP_PATH, BICEP_TARGET, onPath('bicep')];
  const path = candidates.find((candidate): candidate is string => candidate !== undefined && candidate !== '' && executable(candidate));
  if (path) return { path, missing: undefined };
  if (onPath('dotnet')) {
    // dotnet can restore the CLI: ensureBicep does (path and missing both undefined means "restore it").
    return { path: undefined, missing: undefined };
  }
  return {
    path: undefined,
    missing: 'neither the Bicep CLI (BICEP_PATH, tools/bicep/bicep, bicep on PATH) nor dotnet (to restore it) was found',
  };
}

export interface BicepRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runBicep(bicep: string | undefined, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<BicepRun> {
  if (!bicep) throw new Error('Bicep CLI not found: call ensureBicep() first (it restores tools/bicep/bicep with dotnet)');
  try {
    const { stdout, stderr } = await run(bicep, args, { cwd: repoRoot, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message };
  }
}

/** Compiles a .bicep file to its ARM JSON template. */
export async function buildTemplate(bicep: string | undefined, file: string): Promise<ArmTemplate> {
  const result = await runBicep(bicep, ['build', file, '--stdout']);
  if (result.exitCode !== 0) throw new Error(`bicep build ${file} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as ArmTemplate;
}

/** Diagnostics lines (`path(line,col) : Warning rule: message`) of any level. */
export function diagnostics(output: string): string[] {
  return output.split(/\r?\n/).filter((line) => /\) : (Error|Warning|Info) /.test(line));
}

export interface ArmResource {
  type: string;
  name: string;
  apiVersion?: string;
  scope?: string;
  existing?: boolean;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> };
  dependsOn?: string[];
  properties?: Record<string, unknown> & {
    template?: ArmTemplate;
    parameters?: Record<string, { value?: unknown }>;
  };
}

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
}

export interface ArmTemplate {
  languageVersion?: string;
  parameters?: Record<string, ArmParameter>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: unknown }>;
}

/** One template in the tree of nested deployments, with the module path that leads to it. */
export interface TemplateNode {
  path: string;
  template: ArmTemplate;
}

export function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

/** The root template and every nested deployment's template, depth first. */
export function templateTree(template: ArmTemplate, path = 'main'): TemplateNode[] {
  const nodes: TemplateNode[] = [{ path, template }];
  for (const resource of resourcesOf(template)) {
    const nested = resource.properties?.template;
    if (resource.type === 'Microsoft.Resources/deployments' && nested) nodes.push(...templateTree(nested, `${path}/${resource.name}`));
  }
  return nodes;
}

/** Every resource declared anywhere in the tree (not `existing` references), with the template that declares it. */
export function declaredResources(template: ArmTemplate): { node: TemplateNode; resource: ArmResource }[] {
  return templateTree(template).flatMap((node) =>
    resourcesOf(node.template)
      .filter((resource) => resource.existing !== true)
      .map((resource) => ({ node, resource })),
  );
}

export function moduleDeployment(template: ArmTemplate, name: string): ArmResource {
  const found = resourcesOf(template).find((resource) => resource.type === 'Microsoft.Resources/deployments' && resource.name === name);
  if (!found) throw new Error(`no module deployment named ${name}`);
  return found;
}

/** A module's parameter value as passed by its parent (a literal, or an ARM expression string). */
export function moduleParameter(deployment: ArmResource, name: string): unknown {
  return deployment.properties?.parameters?.[name]?.value;
}
