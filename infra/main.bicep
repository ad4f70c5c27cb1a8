// The whole weather pipeline in one resource-group deployment: storage (host + data), Event Hubs, Flex Consumption
// Function App, Application Insights, the Event Grid path from cities/ to the city-files queue, and the role
// assignments that let one user-assigned identity do its work with no key, connection string or secret.
// Deploy: docs/deploy.md. Names of settings and resources come from functions/config/settings.ts.
metadata name = 'Weather ETL on Azure Functions'
metadata description = 'Deploys the pipeline with managed identity everywhere and shared-key auth off.'

targetScope = 'resourceGroup'

@description('Required. Short environment name; with the subscription and resource group it seeds every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Optional. Location for every resource.')
param location string = resourceGroup().location

@description('Optional. Tags added to every resource.')
param tags object = {}

@description('Optional. Object ID of a user (or group, or CI principal) to grant data access for uploads and inspection; empty grants nothing.')
param principalId string = ''

@description('Optional. Type of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Optional. Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Optional. Days after which a raw API response moves to the cool tier. Responses are written once and never rewritten; replay still reads them, at cool-tier read prices.')
@minValue(1)
@maxValue(3650)
param rawCoolAfterDays int = 30

@description('Optional. Partitions of the temperatures hub: the ceiling on the aggregator\'s parallelism (fixed after creation).')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Optional. Event Hubs throughput units (the namespace\'s hourly price scales with this).')
@minValue(1)
@maxValue(40)
param eventHubCapacity int = 1

@description('Optional. Most instances the Function App scales out to (Flex Consumption accepts 40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Memory per Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Optional. Daily Log Analytics ingestion cap in GB (-1: none).')
@minValue(-1)
param logDailyQuotaGb int = -1

@description('Optional. WEATHER_API_URL: Open-Meteo archive endpoint, or the commercial host.')
@minLength(8)
param weatherApiUrl string = 'https://archive-api.open-meteo.com/v1/archive'

@description('Optional. Open-Meteo API key (commercial plans). Stored in Key Vault; the app setting is a Key Vault reference. Empty: no vault, empty setting.')
@secure()
param weatherApiKey string = ''

@description('Optional. Key Vault purge protection (only used when weatherApiKey is set).')
param keyVaultPurgeProtection bool = true

@description('Optional. Days a deleted vault can be recovered (only used when weatherApiKey is set).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Optional. WEATHER_API_CALLS_PER_MINUTE (Open-Meteo free tier: 600).')
@minValue(1)
@maxValue(1000000)
param weatherApiCallsPerMinute int = 600

@description('Optional. WEATHER_API_CALLS_PER_HOUR (free tier: 5,000).')
@minValue(1)
@maxValue(10000000)
param weatherApiCallsPerHour int = 5000

@description('Optional. WEATHER_API_CALLS_PER_DAY (free tier: 10,000).')
@minValue(1)
@maxValue(100000000)
param weatherApiCallsPerDay int = 10000

@description('Optional. WEATHER_API_TIMEOUT_MS: timeout of one API request.')
@minValue(100)
@maxValue(600000)
param weatherApiTimeoutMs int = 30000

@description('Optional. FETCH_WINDOW_DAYS: longest date range one fetch job requests.')
@minValue(1)
@maxValue(3660)
param fetchWindowDays int = 366

@description('Optional. DEFAULT_START_DATE (YYYY-MM-DD) for cities that name no range; set with defaultEndDate or leave both empty.')
@maxLength(10)
param defaultStartDate string = ''

@description('Optional. DEFAULT_END_DATE (YYYY-MM-DD), inclusive.')
@maxLength(10)
param defaultEndDate string = ''

@description('Optional. REFRESH_SCHEDULE: NCRONTAB with seconds, UTC.')
@minLength(11)
param refreshSchedule string = '0 30 2 * * *'

@description('Optional. REFRESH_DAYS: trailing days the daily refresh re-fetches.')
@minValue(1)
@maxValue(92)
param refreshDays int = 10

// Fixed names the code binds to (functions/config/settings.ts RESOURCES); a test keeps them in step.
var containerNames = [
  'cities'
  'raw'
  'rejected'
  'deadletter'
]
var deploymentContainerName = 'app-package'
// The Functions host's own containers in AzureWebJobsStorage (locks and timers, keys, Event Hubs checkpoints), created
// here so that its blob role can be scoped to them instead of the account.
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
  'azure-webjobs-eventhub'
]
var queueNames = [
  'city-files'
  'city-files-poison'
  'fetch-jobs'
  'fetch-jobs-poison'
]
var tableNames = [
  'aggregates'
  'cities'
  'runs'
  'quota'
]
var eventHubName = 'temperatures'
var consumerGroupName = 'aggregator'

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var allTags = union(tags, { 'azd-env-name': environmentName })
var hasWeatherApiKey = !empty(weatherApiKey)

// Broken configurations stop here, before anything is created, with the reason.
var defaultRange = empty(defaultStartDate) != empty(defaultEndDate)
  ? fail('defaultStartDate and defaultEndDate must be set together (or both left empty).')
  : !empty(defaultStartDate) && (length(defaultStartDate) != 10 || length(defaultEndDate) != 10)
      ? fail('defaultStartDate and defaultEndDate must be dates YYYY-MM-DD.')
      : !empty(defaultStartDate) && dateTimeToEpoch('${defaultStartDate}T00:00:00Z') > dateTimeToEpoch('${defaultEndDate}T00:00:00Z')
          ? fail('defaultStartDate (${defaultStartDate}) is after defaultEndDate (${defaultEndDate}).')
          : { start: defaultStartDate, end: defaultEndDate }
var checkedWeatherApiUrl = !startsWith(weatherApiUrl, 'https://') && !startsWith(weatherApiUrl, 'http://')
  ? fail('weatherApiUrl must be an absolute http(s) URL.')
  : hasWeatherApiKey && !startsWith(weatherApiUrl, 'https://')
      ? fail('weatherApiUrl must be https when weatherApiKey is set: the key travels in the query string.')
      : weatherApiUrl
var checkedCallLimits = weatherApiCallsPerMinute > weatherApiCallsPerHour || weatherApiCallsPerHour > weatherApiCallsPerDay
  ? fail('API call limits must satisfy per minute <= per hour <= per day.')
  : { perMinute: weatherApiCallsPerMinute, perHour: weatherApiCallsPerHour, perDay: weatherApiCallsPerDay }

module identity 'modules/identity.bicep' = {
  name: 'weather-identity'
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'weather-storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: allTags
    skuName: storageSkuName
    containerNames: concat(containerNames, [deploymentContainerName], hostContainerNames)
    queueNames: queueNames
    tableNames: tableNames
    coolTierPrefixes: [
      'raw/'
    ]
    coolAfterDays: rawCoolAfterDays
  }
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'weather-event-hubs'
  params: {
    name: 'evhns-${resourceToken}'
    location: location
    tags: allTags
    capacity: eventHubCapacity
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    consumerGroupName: consumerGroupName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'weather-monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
  }
}

// The host and the app share one account, which also holds the deployment package and the host's keys, so no blob
// role is granted on the account: each container gets what its users need. Tables stay at account scope (replay
// creates side tables and the host its monthly diagnostic-event tables at run time); queue roles sit on the queues,
// Event Hubs roles on the one hub. The app identity writes the package container because Flex Consumption's
// deployment (azd deploy, func publish) uploads the package with it.
module appRoles 'modules/role-assignments.bicep' = {
  name: 'weather-app-roles'
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    storageAccountRoles: [
      'Storage Table Data Contributor'
    ]
    containerNames: hostContainerNames
    containerRoles: [
      'Storage Blob Data Owner'
    ]
    queueNames: queueNames
    queueRoles: [
      'Storage Queue Data Contributor'
    ]
    eventHubNamespaceName: eventHubs.outputs.name
    eventHubName: eventHubs.outputs.eventHubName
    eventHubRoles: [
      'Azure Event Hubs Data Sender'
      'Azure Event Hubs Data Receiver'
    ]
    applicationInsightsName: monitoring.outputs.name
    applicationInsightsRoles: [
      'Monitoring Metrics Publisher'
    ]
  }
}

// What the functions write: raw responses, rejection reports, dead letters; and the deployment package.
module appWriterRoles 'modules/role-assignments.bicep' = {
  name: 'weather-app-writer-roles'
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    containerNames: [
      'raw'
      'rejected'
      'deadletter'
      deploymentContainerName
    ]
    containerRoles: [
      'Storage Blob Data Contributor'
    ]
  }
}

// What the functions only read: the uploaded city files.
module appReaderRoles 'modules/role-assignments.bicep' = {
  name: 'weather-app-reader-roles'
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    containerNames: [
      'cities'
    ]
    containerRoles: [
      'Storage Blob Data Reader'
    ]
  }
}

// Lets the deploying user upload city files (write on `cities` only) and read results with `az storage --auth-mode
// login`: never the package, the host's keys or anything it could run as the app.
module userRoles 'modules/role-assignments.bicep' = if (!empty(principalId)) {
  name: 'weather-user-roles'
  params: {
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    storageAccountRoles: [
      'Storage Queue Data Reader'
      'Storage Table Data Reader'
    ]
    containerNames: [
      'cities'
    ]
    containerRoles: [
      'Storage Blob Data Contributor'
    ]
  }
}

module userReaderRoles 'modules/role-assignments.bicep' = if (!empty(principalId)) {
  name: 'weather-user-reader-roles'
  params: {
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    containerNames: [
      'raw'
      'rejected'
      'deadletter'
    ]
    containerRoles: [
      'Storage Blob Data Reader'
    ]
  }
}

module keyVault 'modules/key-vault.bicep' = if (hasWeatherApiKey) {
  name: 'weather-key-vault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: allTags
    secretValue: weatherApiKey
    readerPrincipalId: identity.outputs.principalId
    enablePurgeProtection: keyVaultPurgeProtection
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
  }
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'weather-event-grid'
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: allTags
    storageAccountName: storage.outputs.name
    queueName: 'city-files'
    subjectBeginsWith: '/blobServices/default/containers/cities/'
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'weather-function-app'
  // The host starts as soon as the site exists; its identity should already hold its roles by then.
  dependsOn: [
    appRoles
    appWriterRoles
    appReaderRoles
  ]
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: union(allTags, { 'azd-service-name': 'api' })
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    eventHubsFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    applicationInsightsName: monitoring.outputs.name
    nodeVersion: '22'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    eventHubName: eventHubs.outputs.eventHubName
    eventHubConsumerGroup: eventHubs.outputs.consumerGroupName
    weatherApiUrl: checkedWeatherApiUrl
    weatherApiKeyReference: hasWeatherApiKey ? keyVault!.outputs.appSettingReference : ''
    weatherApiCallsPerMinute: checkedCallLimits.perMinute
    weatherApiCallsPerHour: checkedCallLimits.perHour
    weatherApiCallsPerDay: checkedCallLimits.perDay
    weatherApiTimeoutMs: weatherApiTimeoutMs
    fetchWindowDays: fetchWindowDays
    defaultStartDate: defaultRange.start
    defaultEndDate: defaultRange.end
    refreshSchedule: refreshSchedule
    refreshDays: refreshDays
  }
}

@description('Region of the deployment (azd reads it).')
output AZURE_LOCATION string = location

@description('Tenant of the deployment (azd reads it).')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group holding everything; delete it to tear down.')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('Function App name: `func azure functionapp publish <name>`.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the HTTP API.')
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'

@description('Storage account name: upload city files to its cities container.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Event Hubs namespace name.')
output AZURE_EVENTHUBS_NAMESPACE_NAME string = eventHubs.outputs.name

@description('Event hub name.')
output AZURE_EVENTHUB_NAME string = eventHubs.outputs.eventHubName

@description('Application Insights component name.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.name

@description('Key Vault name, or empty when no weather API key was given.')
output AZURE_KEY_VAULT_NAME string = hasWeatherApiKey ? keyVault!.outputs.name : ''
