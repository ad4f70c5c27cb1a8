// Parameters for `az deployment group create -f infra/main.bicep -p infra/main.bicepparam` and for `azd up`
// (azd sets AZURE_ENV_NAME and AZURE_PRINCIPAL_ID). Every other parameter keeps main.bicep's default.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'weather')

// Who may upload city files and read results; empty grants nothing.
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')

// Only for Open-Meteo's commercial hosts; read from the environment so it never lands in a file.
param weatherApiKey = readEnvironmentVariable('WEATHER_API_KEY', '')

param eventHubPartitionCount = 4

// Raw API responses move to the cool tier after this many days (each day's refresh adds one small blob per city).
param rawCoolAfterDays = 30

// The demo's range: 242 days (2023-01-01 to 2023-08-30) for cities that name none.
param defaultStartDate = '2023-01-01'
param defaultEndDate = '2023-08-30'
