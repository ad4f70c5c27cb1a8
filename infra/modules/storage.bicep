// One StorageV2 account for the Functions host (AzureWebJobsStorage), the Flex Consumption deployment package and
// the app's data. Entra ID only: shared keys are off, so no connection string for this account exists anywhere.
metadata name = 'Storage account'
metadata description = 'Creates the storage account with the containers, queues and tables the pipeline uses, and its lifecycle policy.'

@description('Required. Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location for the storage account.')
param location string = resourceGroup().location

@description('Optional. Tags for the storage account.')
param tags object = {}

@description('Optional. Replication. LRS is enough for a demo; ZRS survives a zone outage.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_LRS'

@description('Optional. Public network access. Enabled is required unless the Function App is VNet-integrated with private endpoints; every request still needs an Entra ID token.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Required. Blob containers to create.')
@minLength(1)
param containerNames array

@description('Required. Queues to create.')
@minLength(1)
param queueNames array

@description('Required. Tables to create.')
@minLength(1)
param tableNames array

@description('Optional. Blob name prefixes (`<container>/<prefix>`) whose blobs move to the cool tier coolAfterDays after their last write; empty: no lifecycle policy.')
param coolTierPrefixes array = []

@description('Optional. Days after the last write at which blobs under coolTierPrefixes move to the cool tier.')
@minValue(1)
@maxValue(3650)
param coolAfterDays int = 30

@description('Optional. Keep deleted or overwritten blobs and deleted containers for deleteRetentionDays.')
param softDelete bool = true

@description('Optional. Days soft-deleted blobs and containers are kept.')
@minValue(1)
@maxValue(365)
param deleteRetentionDays int = 7

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    allowedCopyScope: 'AAD'
    defaultToOAuthAuthentication: true
    isLocalUserEnabled: false
    isSftpEnabled: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: softDelete
      days: softDelete ? deleteRetentionDays : null
    }
    containerDeleteRetentionPolicy: {
      enabled: softDelete
      days: softDelete ? deleteRetentionDays : null
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Blobs written once and read rarely (raw API responses) need not pay hot-tier storage.
resource lifecyclePolicy 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = if (!empty(coolTierPrefixes)) {
  parent: storageAccount
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'coolAfter${coolAfterDays}Days' // rule names are alphanumeric
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: coolTierPrefixes
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: coolAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storageAccount
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: storageAccount
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

@description('The name of the storage account.')
output name string = storageAccount.name

@description('The resource ID of the storage account.')
output resourceId string = storageAccount.id

@description('The blob service endpoint (https://<name>.blob.<suffix>/).')
output blobEndpoint string = storageAccount.properties.primaryEndpoints.blob

@description('The queue service endpoint.')
output queueEndpoint string = storageAccount.properties.primaryEndpoints.queue

@description('The table service endpoint.')
output tableEndpoint string = storageAccount.properties.primaryEndpoints.table
