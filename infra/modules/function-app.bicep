// The Function App on the Flex Consumption plan (FC1), Node 22, running as the user-assigned identity. Every
// connection is identity-based (<CONNECTION>__serviceUri + __credential + __clientId): the app holds no key,
// no connection string and no secret. Setting names match functions/config/settings.ts; a test keeps them in step.
metadata name = 'Function App on Flex Consumption'
metadata description = 'Creates the FC1 plan and the Function App with identity-based connections and locked-down publishing.'

@description('Required. Name of the Function App (globally unique host name).')
@minLength(2)
@maxLength(60)
param name string

@description('Required. Name of the Flex Consumption plan.')
@minLength(1)
@maxLength(60)
param planName string

@description('Optional. Location for the plan and the app.')
param location string = resourceGroup().location

@description('Optional. Tags for the plan and the app (azd finds the app by its azd-service-name tag).')
param tags object = {}

@description('Required. Resource ID of the user-assigned identity the app runs as.')
param identityResourceId string

@description('Required. Client ID of that identity (the __clientId of every connection).')
param identityClientId string

@description('Required. Storage account for the host, the deployment package and the app\'s data.')
param storageAccountName string

@description('Required. Blob container holding the deployment package.')
@minLength(3)
@maxLength(63)
param deploymentContainerName string

@description('Required. Event Hubs host name, e.g. <namespace>.servicebus.windows.net.')
param eventHubsFullyQualifiedNamespace string

@description('Required. Application Insights component the app reports to.')
param applicationInsightsName string

@description('Optional. Node.js major version.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@description('Optional. Upper bound on instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Memory per instance in MB (billing is per GB-second of this size).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Required. EVENTHUB_NAME: the hub city-day events are sent to and read from.')
param eventHubName string

@description('Required. EVENTHUB_CONSUMER_GROUP: the aggregator\'s consumer group.')
param eventHubConsumerGroup string

@description('Required. WEATHER_API_URL: Open-Meteo archive endpoint (or the commercial host).')
param weatherApiUrl string

@description('Optional. WEATHER_API_KEY: a Key Vault reference to the key, or empty for the free tier.')
param weatherApiKeyReference string = ''

@description('Required. WEATHER_API_CALLS_PER_MINUTE: client-side rate limit.')
@minValue(1)
param weatherApiCallsPerMinute int

@description('Required. WEATHER_API_CALLS_PER_HOUR: client-side rate limit.')
@minValue(1)
param weatherApiCallsPerHour int

@description('Required. WEATHER_API_CALLS_PER_DAY: client-side rate limit.')
@minValue(1)
param weatherApiCallsPerDay int

@description('Required. WEATHER_API_TIMEOUT_MS: per-request timeout.')
@minValue(100)
param weatherApiTimeoutMs int

@description('Required. FETCH_WINDOW_DAYS: longest date range one fetch job asks for.')
@minValue(1)
param fetchWindowDays int

@description('Optional. DEFAULT_START_DATE (YYYY-MM-DD) for city lines and files that name none; empty means such lines are rejected.')
param defaultStartDate string = ''

@description('Optional. DEFAULT_END_DATE (YYYY-MM-DD), set together with defaultStartDate.')
param defaultEndDate string = ''

@description('Required. REFRESH_SCHEDULE: NCRONTAB (six fields, UTC) of the daily refresh.')
param refreshSchedule string

@description('Required. REFRESH_DAYS: trailing days the refresh re-fetches.')
@minValue(1)
param refreshDays int

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        // Host storage: the host's locks, timers, Event Hubs checkpoints and diagnostics.
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storageAccount.properties.primaryEndpoints.blob }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storageAccount.properties.primaryEndpoints.queue }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: storageAccount.properties.primaryEndpoints.table }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // STORAGE: the app's containers, queues (triggers and senders) and tables.
        { name: 'STORAGE__blobServiceUri', value: storageAccount.properties.primaryEndpoints.blob }
        { name: 'STORAGE__queueServiceUri', value: storageAccount.properties.primaryEndpoints.queue }
        { name: 'STORAGE__tableServiceUri', value: storageAccount.properties.primaryEndpoints.table }
        { name: 'STORAGE__credential', value: 'managedidentity' }
        { name: 'STORAGE__clientId', value: identityClientId }
        // EVENTHUB: the producer client and the Event Hubs trigger.
        { name: 'EVENTHUB__fullyQualifiedNamespace', value: eventHubsFullyQualifiedNamespace }
        { name: 'EVENTHUB__credential', value: 'managedidentity' }
        { name: 'EVENTHUB__clientId', value: identityClientId }
        // Not a secret: the component has local auth off, so ingestion also needs an Entra token for this identity.
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'EVENTHUB_NAME', value: eventHubName }
        { name: 'EVENTHUB_CONSUMER_GROUP', value: eventHubConsumerGroup }
        { name: 'WEATHER_API_URL', value: weatherApiUrl }
        { name: 'WEATHER_API_KEY', value: weatherApiKeyReference }
        { name: 'WEATHER_API_CALLS_PER_MINUTE', value: string(weatherApiCallsPerMinute) }
        { name: 'WEATHER_API_CALLS_PER_HOUR', value: string(weatherApiCallsPerHour) }
        { name: 'WEATHER_API_CALLS_PER_DAY', value: string(weatherApiCallsPerDay) }
        { name: 'WEATHER_API_TIMEOUT_MS', value: string(weatherApiTimeoutMs) }
        // One quota for every instance (Table `quota`); cut off from it, each instance spends 1/maximumInstanceCount.
        { name: 'WEATHER_API_QUOTA', value: 'shared' }
        { name: 'WEATHER_API_QUOTA_INSTANCES', value: string(maximumInstanceCount) }
        { name: 'FETCH_WINDOW_DAYS', value: string(fetchWindowDays) }
        { name: 'DEFAULT_START_DATE', value: defaultStartDate }
        { name: 'DEFAULT_END_DATE', value: defaultEndDate }
        { name: 'REFRESH_SCHEDULE', value: refreshSchedule }
        { name: 'REFRESH_DAYS', value: string(refreshDays) }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Publishing goes through Entra ID (az/func/azd use a token); user-scope and site-scope basic credentials are off.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The name of the Function App.')
output name string = site.name

@description('The resource ID of the Function App.')
output resourceId string = site.id

@description('The default host name (https://<host>/api/...).')
output defaultHostName string = site.properties.defaultHostName

@description('The name of the Flex Consumption plan.')
output planName string = plan.name

@description('The resource ID of the Flex Consumption plan.')
output planResourceId string = plan.id
