// Event Grid system topic on the storage account: every blob created under cities/ becomes a message on the
// city-files queue. The topic delivers with its own identity (Queue Data Message Sender on that one queue), so no
// webhook key or shared key is involved, and the queue gives retries and a poison queue.
metadata name = 'Event Grid: BlobCreated to storage queue'
metadata description = 'Creates the storage system topic, its queue role and the BlobCreated subscription.'

@description('Required. Name of the system topic.')
@minLength(3)
@maxLength(128)
param name string

@description('Optional. Location (must be the storage account\'s).')
param location string = resourceGroup().location

@description('Optional. Tags for the system topic.')
param tags object = {}

@description('Required. Storage account whose blob events are published; also hosts the destination queue.')
param storageAccountName string

@description('Required. Queue the events are delivered to.')
@minLength(3)
@maxLength(63)
param queueName string

@description('Required. Only blobs whose subject starts with this are delivered, e.g. /blobServices/default/containers/cities/.')
param subjectBeginsWith string

@description('Optional. Name of the event subscription.')
@minLength(3)
@maxLength(64)
param subscriptionName string = 'city-files-to-queue'

@description('Optional. Delivery attempts before Event Grid drops an event.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

var subjectCheck = startsWith(subjectBeginsWith, '/blobServices/default/containers/')
  ? subjectBeginsWith
  : fail('subjectBeginsWith must start with /blobServices/default/containers/, got "${subjectBeginsWith}".')

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

module queueSender 'role-assignments.bicep' = {
  name: take('${name}-queue-sender', 64)
  params: {
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storageAccountName
    queueNames: [
      queueName
    ]
    queueRoles: [
      'Storage Queue Data Message Sender'
    ]
  }
}

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: subscriptionName
  // Event Grid checks the identity can send when the subscription is created.
  dependsOn: [
    queueSender
  ]
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: subjectCheck
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storageAccount.id
          queueName: queueName
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: 1440
    }
  }
}

@description('The name of the system topic.')
output name string = systemTopic.name

@description('The resource ID of the system topic.')
output resourceId string = systemTopic.id

@description('The name of the event subscription.')
output subscriptionName string = blobCreated.name
