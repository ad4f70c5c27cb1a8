// Grants one principal data-plane roles, each at the narrowest scope it applies to: blob containers, queues, one event
// hub (never the namespace), the Application Insights component, and the storage account only for what has no
// narrower scope (tables created at run time). Blob roles are never granted on the account: it also holds the Flex
// Consumption deployment package and the host's keys. Roles are named, never free-form ids.
metadata name = 'Role assignments'
metadata description = 'Assigns built-in data-plane roles to one principal at container, queue, account, hub and component scope.'

@description('Required. Object ID of the principal that receives the roles.')
param principalId string

@description('Optional. Type of the principal (ServicePrincipal for managed identities).')
@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string = 'ServicePrincipal'

@description('Optional. Storage account the storage roles apply to.')
param storageAccountName string = ''

@description('Optional. Roles on the whole storage account (no blob role: those go on containers).')
@allowed([
  'Storage Queue Data Reader'
  'Storage Table Data Contributor'
  'Storage Table Data Reader'
])
param storageAccountRoles array = []

@description('Optional. Blob containers of storageAccountName that containerRoles apply to (each gets every role).')
param containerNames array = []

@description('Optional. Roles on each of those containers.')
@allowed([
  'Storage Blob Data Owner'
  'Storage Blob Data Contributor'
  'Storage Blob Data Reader'
])
param containerRoles array = []

@description('Optional. Queues of storageAccountName that queueRoles apply to (each gets every role).')
param queueNames array = []

@description('Optional. Roles on each of those queues.')
@allowed([
  'Storage Queue Data Contributor'
  'Storage Queue Data Message Sender'
])
param queueRoles array = []

@description('Optional. Event Hubs namespace of eventHubName.')
param eventHubNamespaceName string = ''

@description('Optional. The hub the Event Hubs roles apply to.')
param eventHubName string = ''

@description('Optional. Roles on that single hub.')
@allowed([
  'Azure Event Hubs Data Sender'
  'Azure Event Hubs Data Receiver'
])
param eventHubRoles array = []

@description('Optional. Application Insights component the monitoring roles apply to.')
param applicationInsightsName string = ''

@description('Optional. Roles on that component.')
@allowed([
  'Monitoring Metrics Publisher'
])
param applicationInsightsRoles array = []

// Built-in role definition ids (the same in every tenant).
var roleIds = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  'Storage Queue Data Reader': '19e7f393-937e-4f77-808e-94535e297925'
  'Storage Queue Data Message Sender': 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  'Storage Table Data Reader': '76199698-9eea-4c19-bc75-cec21354c6b6'
  'Azure Event Hubs Data Sender': '2b629674-e913-4c01-ae53-ef4638d8f975'
  'Azure Event Hubs Data Receiver': 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Every (scope, role) pair, scope-major: pair i is scope i / roles, role i % roles.
var containerGrantCount = length(containerNames) * length(containerRoles)
var queueGrantCount = length(queueNames) * length(queueRoles)

var scopeCheck = (!empty(storageAccountRoles) && empty(storageAccountName))
  ? fail('storageAccountRoles need storageAccountName.')
  : (empty(containerRoles) != empty(containerNames) || (!empty(containerRoles) && empty(storageAccountName)))
      ? fail('containerRoles and containerNames go together, with storageAccountName.')
  : (empty(queueRoles) != empty(queueNames) || (!empty(queueRoles) && empty(storageAccountName)))
      ? fail('queueRoles and queueNames go together, with storageAccountName.')
      : (!empty(eventHubRoles) && (empty(eventHubNamespaceName) || empty(eventHubName)))
          ? fail('eventHubRoles need eventHubNamespaceName and eventHubName.')
          : (!empty(applicationInsightsRoles) && empty(applicationInsightsName))
              ? fail('applicationInsightsRoles need applicationInsightsName.')
              : principalId

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' existing = [
  for containerName in containerNames: {
    parent: storageAccount::blobService
    name: containerName
  }
]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' existing = [
  for queueName in queueNames: {
    parent: storageAccount::queueService
    name: queueName
  }
]

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName

  resource eventHub 'eventhubs' existing = {
    name: eventHubName
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageAccountAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageAccountRoles: {
    name: guid(storageAccount.id, principalId, roleIds[role])
    scope: storageAccount
    properties: {
      principalId: scopeCheck
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      description: '${role} for ${principalType} ${principalId}'
    }
  }
]

resource containerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, containerGrantCount): {
    name: guid(containers[i / length(containerRoles)].id, principalId, roleIds[containerRoles[i % length(containerRoles)]])
    scope: containers[i / length(containerRoles)]
    properties: {
      principalId: scopeCheck
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[containerRoles[i % length(containerRoles)]])
      description: '${containerRoles[i % length(containerRoles)]} on container ${containerNames[i / length(containerRoles)]}'
    }
  }
]

resource queueAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, queueGrantCount): {
    name: guid(queues[i / length(queueRoles)].id, principalId, roleIds[queueRoles[i % length(queueRoles)]])
    scope: queues[i / length(queueRoles)]
    properties: {
      principalId: scopeCheck
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[queueRoles[i % length(queueRoles)]])
      description: '${queueRoles[i % length(queueRoles)]} on queue ${queueNames[i / length(queueRoles)]}'
    }
  }
]

resource eventHubAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in eventHubRoles: {
    name: guid(namespace::eventHub.id, principalId, roleIds[role])
    scope: namespace::eventHub
    properties: {
      principalId: scopeCheck
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      description: '${role} on hub ${eventHubName}'
    }
  }
]

resource applicationInsightsAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in applicationInsightsRoles: {
    name: guid(applicationInsights.id, principalId, roleIds[role])
    scope: applicationInsights
    properties: {
      principalId: scopeCheck
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      description: '${role} on ${applicationInsightsName}'
    }
  }
]

@description('The names (GUIDs) of every role assignment made.')
output names array = concat(
  map(storageAccountRoles, role => guid(storageAccount.id, principalId, roleIds[role])),
  map(range(0, containerGrantCount), i => guid(
    resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', storageAccountName, 'default', containerNames[i / length(containerRoles)]),
    principalId,
    roleIds[containerRoles[i % length(containerRoles)]]
  )),
  map(range(0, queueGrantCount), i => guid(
    resourceId('Microsoft.Storage/storageAccounts/queueServices/queues', storageAccountName, 'default', queueNames[i / length(queueRoles)]),
    principalId,
    roleIds[queueRoles[i % length(queueRoles)]]
  )),
  map(eventHubRoles, role => guid(namespace::eventHub.id, principalId, roleIds[role])),
  map(applicationInsightsRoles, role => guid(applicationInsights.id, principalId, roleIds[role]))
)
