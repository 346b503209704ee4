#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Turns a Windows lab PC into an exam kiosk with Shell Launcher v2.

.DESCRIPTION
    Run once per PC, from an administrator's PowerShell, with the frozen exam-client folder (built by
    `pyinstaller packaging/pyinstaller/cbt.spec -- --app exam-client` on Windows) and the room card:

      1. checks the build against its manifest (build-info.json, build-manifest.sha256);
      2. copies it to "$env:ProgramFiles\BBZhM-CBT\exam-client";
      3. writes this PC's configuration (C:\ProgramData\BBZhM-CBT\kiosk.json) from the room card with
         cbt-kiosk-setup.exe, and the journal folder C:\ProgramData\BBZhM-CBT\kiosk-data;
      4. enables the Shell Launcher feature and applies ShellLauncher.xml through the Assigned Access
         CSP (the MDM WMI bridge accepts it only from SYSTEM: a one-off scheduled task runs
         apply-shell-launcher.ps1 as SYSTEM);
      5. gives the kiosk account ("Kiosk", made by Windows for AutoLogonAccount) write access to the
         journal folder, and turns off the Ctrl+Alt+Del screen's extra buttons for it.

    Running it again converges on the same state. remove-kiosk.ps1 undoes it. -WhatIf prints what would
    be done and changes nothing.

    What it locks: the kiosk account signs in by itself and gets exam-client instead of Explorer (no
    taskbar, no Start menu, no desktop); every window is full screen; a crash restarts the kiosk. What
    it cannot lock: Ctrl+Alt+Del (Windows always shows its secure screen; this script hides Task
    Manager, lock, password change and fast user switching there for the kiosk account, but sign-out
    and the power button stay), the power button itself, and a PC booted from a USB stick (set a
    BIOS/UEFI password and boot order). See docs/deployment.md.

.EXAMPLE
    .\install-kiosk.ps1 -Bundle D:\exam-client -Card D:\room-kiosk.json -Workstation 05 -WorkstationKey KEY

.EXAMPLE
    .\install-kiosk.ps1 -Bundle D:\exam-client -Scan -Workstation 05 -WorkstationKey KEY -WhatIf
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)][string] $Bundle,
    [string] $Card,
    [switch] $Scan,
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')][string] $Workstation,
    # the credential `proctor-console enrol` printed once for this seat
    [Parameter(Mandatory = $true)][ValidateLength(20, 20)][string] $WorkstationKey,
    [string] $Prefix = (Join-Path $env:ProgramFiles 'BBZhM-CBT'),
    [string] $DataRoot = (Join-Path $env:ProgramData 'BBZhM-CBT'),
    [string] $KioskAccount = 'Kiosk'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path

function Say([string] $Text) { Write-Host "install-kiosk: $Text" }

if (-not $Card -and -not $Scan) { throw 'Give -Card FILE or -Scan (the room card).' }
$exe = Join-Path $Bundle 'exam-client.exe'
$setup = Join-Path $Bundle 'cbt-kiosk-setup.exe'
foreach ($path in $exe, $setup, (Join-Path $Bundle 'build-info.json'), (Join-Path $Bundle 'build-manifest.sha256')) {
    if (-not (Test-Path -LiteralPath $path)) { throw "$path is missing: is -Bundle the exam-client folder?" }
}

# 1. The build, checked against its own manifest (the same check as `sha256sum --check`).
$info = Get-Content -Raw -LiteralPath (Join-Path $Bundle 'build-info.json') | ConvertFrom-Json
$manifestPath = Join-Path $Bundle 'build-manifest.sha256'
$manifestHash = (Get-FileHash -Algorithm SHA256 -LiteralPath $manifestPath).Hash.ToLowerInvariant()
if ($manifestHash -ne $info.build_hash) { throw "build-manifest.sha256 does not match build-info.json" }
foreach ($line in Get-Content -LiteralPath $manifestPath -Encoding UTF8) {
    $digest, $rel = $line -split '  ', 2
    if ($digest.StartsWith('link:')) { continue }
    $file = Join-Path $Bundle ($rel -replace '/', '\')
    if (-not (Test-Path -LiteralPath $file) -or
        (Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash.ToLowerInvariant() -ne $digest) {
        throw "$rel differs from the build's manifest (a damaged copy?)"
    }
}
Say "build $($info.build_hash) checked"

# 2. The program, under Program Files (only administrators may change it).
$target = Join-Path $Prefix 'exam-client'
$installedInfo = Join-Path $target 'build-info.json'
$installed = if (Test-Path -LiteralPath $installedInfo) { (Get-Content -Raw $installedInfo | ConvertFrom-Json).build_hash }
if ($installed -eq $info.build_hash) {
    Say "unchanged $target"
} elseif ($PSCmdlet.ShouldProcess($target, "copy build $($info.build_hash)")) {
    New-Item -ItemType Directory -Force -Path $Prefix | Out-Null
    if (Test-Path -LiteralPath $target) { Remove-Item -Recurse -Force -LiteralPath $target }
    Copy-Item -Recurse -LiteralPath $Bundle -Destination $target
    Say "copied to $target"
}

# 3. This PC's configuration and its journal folder.
$config = Join-Path $DataRoot 'kiosk.json'
$data = Join-Path $DataRoot 'kiosk-data'
$cardFile = $Card
if ($Scan) {
    $line = Read-Host 'Scan the room QR code now (the scanner types it and presses Enter)'
    $cardFile = Join-Path $env:TEMP 'cbt-room-card.txt'
    [System.IO.File]::WriteAllText($cardFile, $line + "`n", [System.Text.UTF8Encoding]::new($false))
}
if ($PSCmdlet.ShouldProcess($config, "write this PC's configuration (seat $Workstation)")) {
    New-Item -ItemType Directory -Force -Path $DataRoot, $data | Out-Null
    & $setup install --from $cardFile --workstation $Workstation "--workstation-key=$WorkstationKey" --data-dir $data --out $config
    if ($LASTEXITCODE -ne 0) { throw "the room card was refused (see the message above)" }
}

# 4. Shell Launcher v2: the feature, then the configuration, applied as SYSTEM.
$xml = (Get-Content -Raw -LiteralPath (Join-Path $Here 'ShellLauncher.xml')).
    Replace('@EXAM_CLIENT@', (Join-Path $target 'exam-client.exe')).
    Replace('@CONFIG@', $config)
$xmlPath = Join-Path $DataRoot 'ShellLauncher.xml'
if ($PSCmdlet.ShouldProcess('Shell Launcher', 'enable the feature and apply ShellLauncher.xml')) {
    $feature = Get-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -ErrorAction SilentlyContinue
    if ($null -eq $feature) { throw 'This Windows has no Shell Launcher (it needs Enterprise, Education or IoT Enterprise).' }
    if ($feature.State -ne 'Enabled') {
        Enable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -All -NoRestart | Out-Null
        Say 'enabled the Shell Launcher feature'
    }
    [System.IO.File]::WriteAllText($xmlPath, $xml, [System.Text.UTF8Encoding]::new($false))
    & (Join-Path $Here 'apply-shell-launcher.ps1') -Xml $xmlPath -AsSystem
    Say 'Shell Launcher configured'
}

# 5. The kiosk account: its journal folder, and a Ctrl+Alt+Del screen without extras.
if ($PSCmdlet.ShouldProcess($data, "grant $KioskAccount modify rights")) {
    $who = if (Get-LocalUser -Name $KioskAccount -ErrorAction SilentlyContinue) { $KioskAccount } else {
        Write-Warning "no local account '$KioskAccount' yet (Windows makes it at the next sign-in): the journal folder is given to Users"
        '*S-1-5-32-545'  # BUILTIN\Users
    }
    & icacls.exe $data /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" "$($who):(OI)(CI)M" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls failed on $data" }
}
$policies = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
if ($PSCmdlet.ShouldProcess($policies, 'hide Task Manager, lock, password change and user switching on the Ctrl+Alt+Del screen')) {
    # Machine-wide: a lab PC kept as a kiosk has no other users during the test; remove-kiosk.ps1
    # takes these back out.
    foreach ($name in 'DisableTaskMgr', 'DisableLockWorkstation', 'DisableChangePassword') {
        New-ItemProperty -Path $policies -Name $name -Value 1 -PropertyType DWord -Force | Out-Null
    }
    New-ItemProperty -Path $policies -Name 'HideFastUserSwitching' -Value 1 -PropertyType DWord -Force | Out-Null
}
Say "done: restart the PC; it signs in as $KioskAccount and opens the kiosk (seat $Workstation)"
