// The app's user-assigned identity: one principal for every data-plane call (host storage, app data, Event Hubs,
// App Insights ingestion, Key Vault references), so role assignments exist before the app does.
metadata name = 'User-assigned managed identity'
metadata description = 'Creates the identity the Function App runs as.'

@description('Required. Name of the user-assigned managed identity.')
@minLength(3)
@maxLength(128)
param name string

@description('Optional. Location for the identity.')
param location string = resourceGroup().location

@description('Optional. Tags for the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the identity.')
output name string = identity.name

@description('The resource ID of the identity.')
output resourceId string = identity.id

@description('The client (application) ID, used by the app to pick this identity.')
output clientId string = identity.properties.clientId

@description('The principal (object) ID, used in role assignments.')
output principalId string = identity.properties.principalId
