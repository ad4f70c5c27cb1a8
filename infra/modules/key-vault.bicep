// Optional: holds the weather API key so the app setting is a Key Vault reference, never the key itself. RBAC mode
// only; the app's identity may read this one secret and nothing else.
metadata name = 'Key Vault for the weather API key'
metadata description = 'Creates an RBAC-mode vault with one secret and grants the app identity Key Vault Secrets User on it.'

@description('Required. Name of the vault (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location for the vault.')
param location string = resourceGroup().location

@description('Optional. Tags for the vault.')
param tags object = {}

@description('Required. The secret to store.')
@secure()
param secretValue string

@description('Optional. Name of the secret.')
@minLength(1)
@maxLength(127)
param secretName string = 'weather-api-key'

@description('Required. Principal ID of the identity that resolves the Key Vault reference.')
param readerPrincipalId string

@description('Optional. Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Optional. Purge protection: a deleted vault cannot be purged before the retention ends. Cannot be turned off once on.')
param enablePurgeProtection bool = true

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The API rejects an explicit false; leaving it out is how "off" is expressed.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'text/plain'
  }
}

resource secretReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(secret.id, readerPrincipalId, keyVaultSecretsUser)
  scope: secret
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    description: 'Key Vault Secrets User on ${secretName} only'
  }
}

@description('The name of the vault.')
output name string = vault.name

@description('The resource ID of the vault.')
output resourceId string = vault.id

@description('The vault URI.')
output vaultUri string = vault.properties.vaultUri

@description('The app setting value that makes App Service resolve the secret (latest version) with keyVaultReferenceIdentity.')
output appSettingReference string = '@Microsoft.KeyVault(SecretUri=${secret.properties.secretUri})'
