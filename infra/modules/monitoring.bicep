// Log Analytics workspace plus a workspace-based Application Insights component. Local auth is off on both, so
// telemetry is accepted only with an Entra ID token: the instrumentation key in the connection string alone cannot
// write anything, which is why the connection string may sit in plain app settings.
metadata name = 'Monitoring'
metadata description = 'Creates Log Analytics and Application Insights with Entra-only ingestion.'

@description('Required. Name of the Log Analytics workspace.')
@minLength(4)
@maxLength(63)
param logAnalyticsName string

@description('Required. Name of the Application Insights component.')
@minLength(1)
@maxLength(260)
param applicationInsightsName string

@description('Optional. Location for both resources.')
param location string = resourceGroup().location

@description('Optional. Tags for both resources.')
param tags object = {}

@description('Optional. Days logs are retained (30 days are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Optional. Daily ingestion cap in GB, to bound cost (-1 means no cap; data over the cap is dropped until the next day).')
@minValue(-1)
param dailyQuotaGb int = -1

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

@description('The name of the Application Insights component.')
output name string = applicationInsights.name

@description('The resource ID of the Application Insights component.')
output resourceId string = applicationInsights.id

@description('The name of the Log Analytics workspace.')
output logAnalyticsName string = workspace.name

@description('The resource ID of the Log Analytics workspace.')
output logAnalyticsResourceId string = workspace.id
