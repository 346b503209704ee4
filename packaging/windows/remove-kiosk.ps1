#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Undoes install-kiosk.ps1: clears the Shell Launcher configuration (Windows then removes the
    auto-sign-in account "Kiosk"), takes back the Ctrl+Alt+Del policies, and removes the program and
    this PC's configuration.

.DESCRIPTION
    The kiosk's journals (the students' answers, encrypted) stay in C:\ProgramData\BBZhM-CBT\kiosk-data
    unless -Purge is given: delete them only once the room's results have reached the centre. The Shell
    Launcher feature stays enabled (-DisableFeature turns it off; that needs a restart). Running it again
    succeeds and changes nothing. -WhatIf prints what would be done.

.EXAMPLE
    .\remove-kiosk.ps1
.EXAMPLE
    .\remove-kiosk.ps1 -Purge -DisableFeature
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $Prefix = (Join-Path $env:ProgramFiles 'BBZhM-CBT'),
    [string] $DataRoot = (Join-Path $env:ProgramData 'BBZhM-CBT'),
    [switch] $Purge,
    [switch] $DisableFeature
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
function Say([string] $Text) { Write-Host "remove-kiosk: $Text" }

if ($PSCmdlet.ShouldProcess('Shell Launcher', 'clear the configuration')) {
    & (Join-Path $Here 'apply-shell-launcher.ps1') -Clear -AsSystem
    Say 'Shell Launcher configuration cleared'
}

$policies = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
foreach ($name in 'DisableTaskMgr', 'DisableLockWorkstation', 'DisableChangePassword', 'HideFastUserSwitching') {
    if ((Get-ItemProperty -Path $policies -Name $name -ErrorAction SilentlyContinue) -and
        $PSCmdlet.ShouldProcess("$policies\$name", 'remove')) {
        Remove-ItemProperty -Path $policies -Name $name
        Say "removed policy $name"
    }
}

foreach ($path in (Join-Path $Prefix 'exam-client'), (Join-Path $DataRoot 'kiosk.json'),
                  (Join-Path $DataRoot 'ShellLauncher.xml'), (Join-Path $DataRoot 'apply-shell-launcher.log')) {
    if ((Test-Path -LiteralPath $path) -and $PSCmdlet.ShouldProcess($path, 'remove')) {
        Remove-Item -Recurse -Force -LiteralPath $path
        Say "removed $path"
    }
}
if ((Test-Path -LiteralPath $Prefix) -and -not (Get-ChildItem -LiteralPath $Prefix -Force) -and
    $PSCmdlet.ShouldProcess($Prefix, 'remove the empty folder')) {
    Remove-Item -Force -LiteralPath $Prefix
}

$data = Join-Path $DataRoot 'kiosk-data'
if ($Purge) {
    if ((Test-Path -LiteralPath $DataRoot) -and $PSCmdlet.ShouldProcess($DataRoot, 'delete, with the journals')) {
        Remove-Item -Recurse -Force -LiteralPath $DataRoot
        Say "removed $DataRoot and the journals"
    }
} elseif (Test-Path -LiteralPath $data) {
    Say "kept the journals in $data (remove with -Purge once the results are at the centre)"
}

if ($DisableFeature -and $PSCmdlet.ShouldProcess('Client-EmbeddedShellLauncher', 'disable the feature')) {
    Disable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -NoRestart | Out-Null
    Say 'disabled the Shell Launcher feature (restart to finish)'
}
Say 'done: restart the PC; it starts with the normal sign-in screen'
