#!/usr/bin/env bash
# Restores the real Bicep compiler from NuGet (Azure.Bicep.CommandLine.linux-x64) into tools/bicep/bicep.
# Uses a throwaway project with a PackageDownload, so nothing but the package itself is fetched.
set -euo pipefail
version="${BICEP_VERSION:-0.49.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/tools/bicep"
if [ -x "$dest/bicep" ] && "$dest/bicep" --version 2>/dev/null | grep -q "$version"; then
  echo "bicep $version already in tools/bicep"; exit 0
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet not found: Bicep CLI not restored (infra tests will be skipped)"; exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/restore.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$version]" /></ItemGroup>
</Project>
XML
dotnet restore "$work/restore.csproj" --packages "$work/packages" >/dev/null
mkdir -p "$dest"
cp "$work/packages/azure.bicep.commandline.linux-x64/$version/tools/bicep" "$dest/bicep" 2>/dev/null \
  || cp -r "$work/packages/azure.bicep.commandline.linux-x64/$version/tools/." "$dest/"
chmod +x "$dest/bicep"
"$dest/bicep" --version
