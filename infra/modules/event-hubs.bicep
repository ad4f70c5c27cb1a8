// Event Hubs namespace with the one hub the pipeline streams city-days through. Local (SAS) auth is off: senders and
// the trigger authenticate with Entra ID, so there is no connection string to copy.
metadata name = 'Event Hubs namespace'
metadata description = 'Creates a Standard namespace, the hub and the aggregator consumer group.'

@description('Required. Name of the Event Hubs namespace (6-50 characters).')
@minLength(6)
@maxLength(50)
param name string

@description('Optional. Location for the namespace.')
param location string = resourceGroup().location

@description('Optional. Tags for the namespace.')
param tags object = {}

@description('Optional. Throughput units (1 TU = 1 MB/s or 1,000 events/s in, 2 MB/s out). The demo needs 1.')
@minValue(1)
@maxValue(40)
param capacity int = 1

@description('Optional. Let Event Hubs add throughput units under load, up to maximumThroughputUnits.')
param autoInflate bool = false

@description('Optional. Upper bound for auto-inflate (ignored unless autoInflate is true).')
@minValue(1)
@maxValue(40)
param maximumThroughputUnits int = 4

@description('Required. Name of the hub.')
@minLength(1)
@maxLength(256)
param eventHubName string

@description('Optional. Partitions of the hub: the ceiling on the aggregator\'s parallelism. Fixed after creation on Standard.')
@minValue(1)
@maxValue(32)
param partitionCount int = 4

@description('Optional. Days events are retained (Standard allows 1-7).')
@minValue(1)
@maxValue(7)
param messageRetentionInDays int = 1

@description('Required. Consumer group the aggregator reads with.')
@minLength(1)
@maxLength(50)
param consumerGroupName string

var autoInflateCheck = autoInflate && maximumThroughputUnits < capacity
  ? fail('maximumThroughputUnits (${maximumThroughputUnits}) must be at least capacity (${capacity}) when autoInflate is on.')
  : autoInflate

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: autoInflateCheck
    maximumThroughputUnits: autoInflate ? maximumThroughputUnits : 0
  }
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: messageRetentionInDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: eventHub
  name: consumerGroupName
}

@description('The name of the namespace.')
output name string = namespace.name

@description('The resource ID of the namespace.')
output resourceId string = namespace.id

@description('The host name clients connect to (<name>.servicebus.windows.net in the public cloud).')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]

@description('The name of the hub.')
output eventHubName string = eventHub.name

@description('The resource ID of the hub (the scope of the app\'s Event Hubs roles).')
output eventHubResourceId string = eventHub.id

@description('The name of the consumer group.')
output consumerGroupName string = consumerGroup.name
