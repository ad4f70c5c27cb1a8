// Compiles infra/main.bicep once and checks the ARM JSON for what the issue promises: secure defaults on every
// resource, roles only from an allowed set at the narrowest scope, no key or secret anywhere, and every app
// setting the code reads (functions/config/settings.ts) set in its identity-based form.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTHUB_CONNECTION, RESOURCES, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import {
  buildTemplate,
  declaredResources,
  ensureBicep,
  moduleDeployment,
  moduleParameter,
  repoRoot,
  resourcesOf,
  templateTree,
  type ArmResource,
  type ArmTemplate,
  type TemplateNode,
} from './bicepCli.ts';

// Restores the CLI on first use where dotnet is installed (once for all workers), else says why the tests skip.
const bicep = await ensureBicep();
if (bicep.missing) console.warn(`infra tests skipped: ${bicep.missing}`);

// Built-in role ids (the same in every tenant) and where each may be assigned.
const ACCOUNT = 'Microsoft.Storage/storageAccounts';
const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const QUEUE = 'Microsoft.Storage/storageAccounts/queueServices/queues';
// Blob roles only ever on containers: the account also holds the deployment package and the host's keys.
const ALLOWED_ROLES: Record<string, { id: string; scopes: string[] }> = {
  'Storage Blob Data Owner': { id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', scopes: [CONTAINER] },
  'Storage Blob Data Contributor': { id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', scopes: [CONTAINER] },
  'Storage Blob Data Reader': { id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', scopes: [CONTAINER] },
  'Storage Queue Data Contributor': { id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88', scopes: [QUEUE] },
  'Storage Queue Data Reader': { id: '19e7f393-937e-4f77-808e-94535e297925', scopes: [ACCOUNT] },
  'Storage Table Data Contributor': { id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', scopes: [ACCOUNT] },
  'Storage Table Data Reader': { id: '76199698-9eea-4c19-bc75-cec21354c6b6', scopes: [ACCOUNT] },
  'Storage Queue Data Message Sender': { id: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a', scopes: [QUEUE] },
  'Azure Event Hubs Data Sender': { id: '2b629674-e913-4c01-ae53-ef4638d8f975', scopes: ['Microsoft.EventHub/namespaces/eventhubs'] },
  'Azure Event Hubs Data Receiver': { id: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde', scopes: ['Microsoft.EventHub/namespaces/eventhubs'] },
  'Monitoring Metrics Publisher': { id: '3913510d-42f4-4e42-8a64-420c390055eb', scopes: ['Microsoft.Insights/components'] },
  'Key Vault Secrets User': { id: '4633458b-17de-408a-b874-0445c86b69e6', scopes: ['Microsoft.KeyVault/vaults/secrets'] },
};
const ROLE_BY_ID = new Map(Object.entries(ALLOWED_ROLES).map(([name, role]) => [role.id, name]));

function ofType(template: ArmTemplate, type: string): ArmResource[] {
  return declaredResources(template)
    .filter(({ resource }) => resource.type.toLowerCase() === type.toLowerCase())
    .map(({ resource }) => resource);
}

function single(template: ArmTemplate, type: string): ArmResource {
  const found = ofType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

/** Role definition ids a role assignment can take: a literal id, a variable, or `roleIds[param[copyIndex()]]`. */
function roleIdsOf(node: TemplateNode, assignment: ArmResource): string[] {
  const expression = String(assignment.properties?.roleDefinitionId);
  const literal = /'([0-9a-f]{8}-[0-9a-f-]{27})'\)\]$/.exec(expression);
  if (literal) return [literal[1]!];
  const variable = /variables\('(\w+)'\)\)\]$/.exec(expression);
  if (variable) return [String(node.template.variables?.[variable[1]!])];
  // `roleIds[roles[i]]`, or `roleIds[roles[i % length(roles)]]` in a (scope × role) loop.
  const looped = /variables\('(\w+)'\)\[parameters\('(\w+)'\)\[(?:copyIndex\(\)|mod\(.*copyIndex\(\).*\))\]\]\)\]$/.exec(expression);
  if (looped) {
    const map = node.template.variables?.[looped[1]!] as Record<string, string>;
    const allowed = node.template.parameters?.[looped[2]!]?.allowedValues;
    if (!allowed) throw new Error(`${node.path}: parameter ${looped[2]} feeds role assignments but has no @allowed list`);
    return allowed.map((name) => map[String(name)] ?? `unknown role name ${String(name)}`);
  }
  throw new Error(`${node.path}: cannot read the role of ${assignment.name}: ${expression}`);
}

/** Resource type of a role assignment's scope; undefined means the deployment's scope (the resource group). */
function scopeTypeOf(assignment: ArmResource): string | undefined {
  if (assignment.scope === undefined) return undefined;
  return /^\[(?:resourceId|extensionResourceId)\('([^']+)'/.exec(assignment.scope)?.[1] ?? `unparsed scope ${assignment.scope}`;
}

/** A module parameter as a plain value: `[variables('x')]` (whole or per item) replaced by the variable. */
function resolved(template: ArmTemplate, value: unknown): unknown {
  const variable = typeof value === 'string' ? /^\[variables\('(\w+)'\)\]$/.exec(value) : null;
  if (variable) return resolved(template, template.variables?.[variable[1]!]);
  return Array.isArray(value) ? value.map((item) => resolved(template, item)) : value;
}

/**
 * Every grant the main template's role modules make, as `who scope role`: who is `app` (the identity module's
 * principal) or `user` (the principalId parameter). A module grants each of its roles on each of its scopes.
 */
function grantsOf(template: ArmTemplate): { modules: string[]; grants: string[] } {
  const modules = resourcesOf(template).filter((r) => r.type === 'Microsoft.Resources/deployments' && r.properties?.template?.parameters?.containerRoles);
  const grants = modules.flatMap((module) => {
    const param = (name: string) => (resolved(template, moduleParameter(module, name)) ?? []) as string[];
    const principal = String(moduleParameter(module, 'principalId'));
    const who = /weather-identity.*principalId/.test(principal) ? 'app' : principal === "[parameters('principalId')]" ? 'user' : `unknown ${principal}`;
    return [
      ...param('storageAccountRoles').map((role) => `${who} account ${role}`),
      ...param('containerNames').flatMap((name) => param('containerRoles').map((role) => `${who} container:${name} ${role}`)),
      ...param('queueNames').flatMap((name) => param('queueRoles').map((role) => `${who} queue:${name} ${role}`)),
      ...param('eventHubRoles').map((role) => `${who} hub ${role}`),
      ...param('applicationInsightsRoles').map((role) => `${who} appInsights ${role}`),
    ];
  });
  return { modules: modules.map((m) => m.name).sort(), grants: grants.sort() };
}

function appSettingsOf(template: ArmTemplate): Map<string, unknown> {
  const site = single(template, 'Microsoft.Web/sites');
  const siteConfig = site.properties?.siteConfig as { appSettings: { name: string; value: unknown }[] };
  return new Map(siteConfig.appSettings.map((setting) => [setting.name, setting.value]));
}

describe.skipIf(bicep.missing !== undefined)('main.bicep', () => {
  let template: ArmTemplate;
  let json: string;

  beforeAll(async () => {
    template = await buildTemplate(bicep.path, 'infra/main.bicep');
    json = JSON.stringify(template);
  }, 120_000);

  it('composes one nested deployment per concern', () => {
    const modules = templateTree(template).map((node) => node.path);
    expect(modules).toEqual(
      expect.arrayContaining([
        'main/weather-identity',
        'main/weather-storage',
        'main/weather-event-hubs',
        'main/weather-monitoring',
        'main/weather-app-roles',
        'main/weather-app-writer-roles',
        'main/weather-app-reader-roles',
        'main/weather-user-roles',
        'main/weather-user-reader-roles',
        'main/weather-key-vault',
        'main/weather-event-grid',
        'main/weather-function-app',
      ]),
    );
  });

  it('turns shared keys, public blob access and plain HTTP off on the storage account', () => {
    const account = single(template, 'Microsoft.Storage/storageAccounts');
    expect(account.properties).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
      defaultToOAuthAuthentication: true,
    });
    for (const container of ofType(template, 'Microsoft.Storage/storageAccounts/blobServices/containers')) {
      expect(container.properties?.publicAccess).toBe('None');
    }
  });

  it('creates every container, queue and table the code binds to', () => {
    const variables = template.variables ?? {};
    expect(variables.containerNames).toEqual(
      expect.arrayContaining([RESOURCES.citiesContainer, RESOURCES.rawContainer, RESOURCES.rejectedContainer, RESOURCES.deadletterContainer]),
    );
    expect(variables.queueNames).toEqual(
      expect.arrayContaining([
        RESOURCES.cityFilesQueue,
        `${RESOURCES.cityFilesQueue}-poison`,
        RESOURCES.fetchJobsQueue,
        `${RESOURCES.fetchJobsQueue}-poison`,
      ]),
    );
    expect(variables.tableNames).toEqual(expect.arrayContaining([RESOURCES.aggregatesTable, RESOURCES.citiesTable, RESOURCES.runsTable]));
    const storage = moduleDeployment(template, 'weather-storage');
    expect(String(moduleParameter(storage, 'containerNames'))).toContain("variables('containerNames')");
    expect(String(moduleParameter(storage, 'containerNames'))).toContain("variables('deploymentContainerName')");
    expect(moduleParameter(storage, 'queueNames')).toBe("[variables('queueNames')]");
    expect(moduleParameter(storage, 'tableNames')).toBe("[variables('tableNames')]");
  });

  it('creates a Standard Event Hubs namespace with local auth off, the temperatures hub and the aggregator group', () => {
    const namespace = single(template, 'Microsoft.EventHub/namespaces');
    expect(namespace.sku).toMatchObject({ name: 'Standard', tier: 'Standard' });
    expect(namespace.properties).toMatchObject({ disableLocalAuth: true, minimumTlsVersion: '1.2' });
    expect(single(template, 'Microsoft.EventHub/namespaces/eventhubs').properties?.partitionCount).toBe("[parameters('partitionCount')]");
    single(template, 'Microsoft.EventHub/namespaces/eventhubs/consumergroups');
    expect(template.variables?.eventHubName).toBe('temperatures');
    expect(template.variables?.consumerGroupName).toBe('aggregator');
    const eventHubs = moduleDeployment(template, 'weather-event-hubs');
    expect(moduleParameter(eventHubs, 'partitionCount')).toBe("[parameters('eventHubPartitionCount')]");
  });

  it('accepts telemetry only with an Entra token on Application Insights and Log Analytics', () => {
    expect(single(template, 'Microsoft.Insights/components').properties).toMatchObject({ DisableLocalAuth: true });
    expect(single(template, 'Microsoft.OperationalInsights/workspaces').properties).toMatchObject({ features: { disableLocalAuth: true } });
  });

  it('runs the app on Flex Consumption, Node 22, HTTPS only, as the user-assigned identity', () => {
    expect(single(template, 'Microsoft.Web/serverfarms').sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    const site = single(template, 'Microsoft.Web/sites');
    expect(site.kind).toBe('functionapp,linux');
    expect(site.identity?.type).toBe('UserAssigned');
    expect(site.properties).toMatchObject({
      httpsOnly: true,
      keyVaultReferenceIdentity: "[parameters('identityResourceId')]",
      siteConfig: { minTlsVersion: '1.2', ftpsState: 'Disabled' },
      functionAppConfig: {
        runtime: { name: 'node', version: "[parameters('nodeVersion')]" },
        deployment: { storage: { type: 'blobContainer', authentication: { type: 'UserAssignedIdentity' } } },
      },
    });
    expect(moduleParameter(moduleDeployment(template, 'weather-function-app'), 'nodeVersion')).toBe('22');
  });

  it('disables FTP and SCM basic-auth publishing credentials', () => {
    const policies = ofType(template, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((policy) => policy.name.match(/'(ftp|scm)'/)?.[1]).sort()).toEqual(['ftp', 'scm']);
    for (const policy of policies) expect(policy.properties?.allow).toBe(false);
  });

  it('sets every setting the code reads, with identity-based connections', () => {
    const settings = appSettingsOf(template);
    for (const name of Object.values(SETTINGS)) expect(settings.has(name), name).toBe(true);
    for (const prefix of ['AzureWebJobsStorage', STORAGE_CONNECTION]) {
      for (const suffix of ['blobServiceUri', 'queueServiceUri', 'tableServiceUri', 'clientId']) {
        expect(settings.has(`${prefix}__${suffix}`), `${prefix}__${suffix}`).toBe(true);
      }
      expect(settings.get(`${prefix}__credential`)).toBe('managedidentity');
      expect(settings.has(prefix), `${prefix} must not hold a connection string`).toBe(false);
    }
    expect(settings.has(`${EVENTHUB_CONNECTION}__fullyQualifiedNamespace`)).toBe(true);
    expect(settings.has(`${EVENTHUB_CONNECTION}__clientId`)).toBe(true);
    expect(settings.get(`${EVENTHUB_CONNECTION}__credential`)).toBe('managedidentity');
    expect(settings.has(EVENTHUB_CONNECTION)).toBe(false);
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toMatch(/^\[format\('ClientId=\{0\};Authorization=AAD'/);
  });

  it('leaves out the settings Flex Consumption rejects', () => {
    const settings = appSettingsOf(template);
    for (const name of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION']) {
      expect(settings.has(name), name).toBe(false);
    }
  });

  it('makes WEATHER_API_KEY a Key Vault reference or empty, never the key', () => {
    const settings = appSettingsOf(template);
    expect(settings.get(SETTINGS.weatherApiKey)).toBe("[parameters('weatherApiKeyReference')]");
    // A conditional value compiles to an expression for the whole parameter entry, not only its value.
    const passed = JSON.stringify(moduleDeployment(template, 'weather-function-app').properties?.parameters?.weatherApiKeyReference);
    expect(passed).toContain("'weather-key-vault'");
    expect(passed).toContain('outputs.appSettingReference.value');
    expect(passed).toContain("createObject('value', '')");
    expect(passed).not.toContain("parameters('weatherApiKey')");
    expect(template.parameters?.weatherApiKey?.type).toBe('securestring');
    expect(template.parameters?.weatherApiKey?.defaultValue).toBe('');
    const vault = single(template, 'Microsoft.KeyVault/vaults');
    expect(vault.properties).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true });
    expect(moduleDeployment(template, 'weather-key-vault')).toHaveProperty('condition', "[variables('hasWeatherApiKey')]");
    const vaultRoles = ofType(moduleDeployment(template, 'weather-key-vault').properties!.template!, 'Microsoft.Authorization/roleAssignments');
    expect(vaultRoles).toHaveLength(1);
    expect(String(vaultRoles[0]!.properties?.roleDefinitionId)).toContain("variables('keyVaultSecretsUser')");
    expect(template.variables?.hasWeatherApiKey).toBe("[not(empty(parameters('weatherApiKey')))]");
  });

  it('routes BlobCreated events under cities/ to the city-files queue with the topic\'s own identity', () => {
    const eventGrid = moduleDeployment(template, 'weather-event-grid');
    expect(moduleParameter(eventGrid, 'subjectBeginsWith')).toBe(`/blobServices/default/containers/${RESOURCES.citiesContainer}/`);
    expect(moduleParameter(eventGrid, 'queueName')).toBe(RESOURCES.cityFilesQueue);
    expect(single(template, 'Microsoft.EventGrid/systemTopics').identity?.type).toBe('SystemAssigned');
    const subscription = single(template, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
    expect(subscription.properties).toMatchObject({
      filter: { includedEventTypes: ['Microsoft.Storage.BlobCreated'] },
      deliveryWithResourceIdentity: {
        identity: { type: 'SystemAssigned' },
        destination: { endpointType: 'StorageQueue', properties: { queueName: "[parameters('queueName')]" } },
      },
    });
    expect(subscription.properties).not.toHaveProperty('destination');
    // The topic's identity gets its queue role in a nested deployment the subscription waits for.
    const topicTemplate = eventGrid.properties!.template!;
    const sender = declaredResources(topicTemplate).find(({ resource }) => resource.type === 'Microsoft.Resources/deployments')!.resource;
    expect(moduleParameter(sender, 'queueRoles')).toEqual(['Storage Queue Data Message Sender']);
    expect(moduleParameter(sender, 'principalId')).toContain('identity.principalId');
    expect(subscription.dependsOn?.some((dependency) => dependency.includes('queue-sender'))).toBe(true);
  });

  it('assigns only allowed roles, each at its narrowest scope, named guid(scope, principal, role)', () => {
    const assignments = templateTree(template).flatMap((node) =>
      declaredResources(node.template)
        .filter(({ node: owner, resource }) => owner.template === node.template && resource.type === 'Microsoft.Authorization/roleAssignments')
        .map(({ resource }) => ({ node, resource })),
    );
    expect(assignments.length).toBeGreaterThanOrEqual(6);
    for (const { node, resource } of assignments) {
      const scopeType = scopeTypeOf(resource);
      for (const id of roleIdsOf(node, resource)) {
        const role = ROLE_BY_ID.get(id);
        expect(role, `${node.path}: role ${id} is not in the allowed set`).toBeDefined();
        expect(ALLOWED_ROLES[role!]!.scopes, `${node.path}: ${role} at ${scopeType ?? 'resource group'}`).toContain(scopeType);
      }
      const scope = resource.scope!.slice(1, -1);
      expect(resource.name.startsWith(`[guid(${scope}, parameters('`), `${node.path}: ${resource.name}`).toBe(true);
    }
  });

  it('maps every role name the modules accept to its built-in id', () => {
    const roleModule = templateTree(template).find((node) => node.path === 'main/weather-app-roles')!;
    const roleIds = roleModule.template.variables?.roleIds as Record<string, string>;
    for (const [name, id] of Object.entries(roleIds)) expect(ALLOWED_ROLES[name]?.id, name).toBe(id);
  });

  it('grants the app identity and the user exactly these roles, each on its scope', () => {
    const { modules, grants } = grantsOf(template);
    expect(modules).toEqual(['weather-app-reader-roles', 'weather-app-roles', 'weather-app-writer-roles', 'weather-user-reader-roles', 'weather-user-roles']);
    const queues = [RESOURCES.cityFilesQueue, `${RESOURCES.cityFilesQueue}-poison`, RESOURCES.fetchJobsQueue, `${RESOURCES.fetchJobsQueue}-poison`];
    expect(grants).toEqual([
      // The app: tables at account scope (side tables and the host's diagnostic tables are created at run time)…
      'app account Storage Table Data Contributor',
      // …the host's own containers with the role the Functions host documents for them…
      'app container:azure-webjobs-eventhub Storage Blob Data Owner',
      'app container:azure-webjobs-hosts Storage Blob Data Owner',
      'app container:azure-webjobs-secrets Storage Blob Data Owner',
      // …writes where functions write (and the package: Flex deployment uploads it with this identity), reads cities.
      'app container:app-package Storage Blob Data Contributor',
      `app container:${RESOURCES.citiesContainer} Storage Blob Data Reader`,
      `app container:${RESOURCES.deadletterContainer} Storage Blob Data Contributor`,
      `app container:${RESOURCES.rawContainer} Storage Blob Data Contributor`,
      `app container:${RESOURCES.rejectedContainer} Storage Blob Data Contributor`,
      'app appInsights Monitoring Metrics Publisher',
      'app hub Azure Event Hubs Data Receiver',
      'app hub Azure Event Hubs Data Sender',
      ...queues.map((queue) => `app queue:${queue} Storage Queue Data Contributor`),
      // The user: uploads city files, reads results; nothing on the package, the host's containers or keys.
      'user account Storage Queue Data Reader',
      'user account Storage Table Data Reader',
      `user container:${RESOURCES.citiesContainer} Storage Blob Data Contributor`,
      `user container:${RESOURCES.deadletterContainer} Storage Blob Data Reader`,
      `user container:${RESOURCES.rawContainer} Storage Blob Data Reader`,
      `user container:${RESOURCES.rejectedContainer} Storage Blob Data Reader`,
    ].sort());
    expect(template.variables?.deploymentContainerName).toBe('app-package');
    for (const name of ['weather-user-roles', 'weather-user-reader-roles']) {
      expect(moduleDeployment(template, name)).toHaveProperty('condition', "[not(empty(parameters('principalId')))]");
    }
    // The app's data roles are in place before the host starts.
    const dependsOn = moduleDeployment(template, 'weather-function-app').dependsOn ?? [];
    for (const name of ['weather-app-roles', 'weather-app-writer-roles', 'weather-app-reader-roles']) {
      expect(dependsOn.some((d) => d.includes(`'${name}'`)), name).toBe(true);
    }
  });

  it('creates the host containers the app identity\'s blob role is scoped to', () => {
    const hostContainers = template.variables?.hostContainerNames as string[];
    expect(hostContainers).toEqual(['azure-webjobs-hosts', 'azure-webjobs-secrets', 'azure-webjobs-eventhub']);
    expect(String(moduleParameter(moduleDeployment(template, 'weather-storage'), 'containerNames'))).toContain("variables('hostContainerNames')");
  });

  it('pairs each scope with each role in the role module\'s loops: scope i / roles, role i % roles', () => {
    const roleModule = templateTree(template).find((node) => node.path === 'main/weather-app-roles')!;
    for (const [scopes, roles] of [['containerNames', 'containerRoles'], ['queueNames', 'queueRoles']] as const) {
      const loop = resourcesOf(roleModule.template).find((r) => r.type === 'Microsoft.Authorization/roleAssignments' && r.scope?.includes(`parameters('${scopes}')`))!;
      const scopeIndex = `parameters('${scopes}')[div(range(0, variables('`;
      expect(loop.scope).toContain(scopeIndex);
      expect(loop.scope).toContain(`copyIndex()], length(parameters('${roles}')))]`);
      expect(loop.name).toContain(scopeIndex);
      expect(String(loop.properties?.roleDefinitionId)).toContain(`parameters('${roles}')[mod(range(0, variables('`);
      expect(String(loop.properties?.roleDefinitionId)).toContain(`copyIndex()], length(parameters('${roles}')))]`);
      expect(JSON.stringify((loop as { copy?: unknown }).copy)).toContain('GrantCount');
      expect(roleModule.template.variables?.[scopes === 'containerNames' ? 'containerGrantCount' : 'queueGrantCount'])
        .toBe(`[mul(length(parameters('${scopes}')), length(parameters('${roles}')))]`);
    }
  });

  it('moves raw responses to the cool tier after rawCoolAfterDays (default 30) with a lifecycle policy', () => {
    expect(template.parameters?.rawCoolAfterDays).toMatchObject({ type: 'int', defaultValue: 30 });
    const storage = moduleDeployment(template, 'weather-storage');
    expect(moduleParameter(storage, 'coolTierPrefixes')).toEqual([`${RESOURCES.rawContainer}/`]);
    expect(moduleParameter(storage, 'coolAfterDays')).toBe("[parameters('rawCoolAfterDays')]");
    const policy = single(template, 'Microsoft.Storage/storageAccounts/managementPolicies');
    expect(policy.name).toContain("'default'");
    const rules = (policy.properties as { policy: { rules: { enabled: boolean; type: string; definition: unknown }[] } }).policy.rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: "[parameters('coolTierPrefixes')]" },
        actions: { baseBlob: { tierToCool: { daysAfterModificationGreaterThan: "[parameters('coolAfterDays')]" } } },
      },
    });
  });

  it('never lists keys, connection strings or secrets', () => {
    for (const call of ['listKeys(', 'listConnectionStrings', 'listSecrets', 'listAccountSas', 'listServiceSas', 'listkeys(']) {
      expect(json, call).not.toContain(call);
    }
    expect(json).not.toMatch(/AccountKey=|SharedAccessKey|SharedAccessSignature/);
  });

  it('outputs no key, secret or connection string from any template', () => {
    const suspicious = /secret|password|connection_?string|sas|token|key(?!_?vault)/i;
    for (const node of templateTree(template)) {
      for (const [name, output] of Object.entries(node.template.outputs ?? {})) {
        expect(suspicious.test(name), `${node.path} output ${name}`).toBe(false);
        expect(output.type.toLowerCase(), `${node.path} output ${name}`).not.toMatch(/^secure/);
        expect(JSON.stringify(output.value)).not.toMatch(/list\w*\(|ConnectionString|InstrumentationKey/i);
      }
    }
  });
});

describe('local.settings.sample.json', () => {
  const sample = JSON.parse(readFileSync(join(repoRoot, 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };

  it('names every setting the code reads, in plain form', () => {
    for (const name of [...Object.values(SETTINGS), STORAGE_CONNECTION, EVENTHUB_CONNECTION, 'AzureWebJobsStorage']) {
      expect(Object.keys(sample.Values), name).toContain(name);
    }
  });
});
