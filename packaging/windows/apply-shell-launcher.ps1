#Requires -Version 5.1
<#
.SYNOPSIS
    Applies (-Xml FILE) or clears (-Clear) the Shell Launcher configuration through the Assigned
    Access CSP's WMI bridge (root\cimv2\mdm\dmmap, MDM_AssignedAccess.ShellLauncher).

.DESCRIPTION
    The MDM WMI bridge accepts this only from the SYSTEM account. With -AsSystem, an administrator's
    session registers a one-off scheduled task that runs this same script as SYSTEM, waits for it, shows
    its log and deletes the task; no extra tool (PsExec) is needed.
#>
[CmdletBinding()]
param(
    [string] $Xml,
    [switch] $Clear,
    [switch] $AsSystem
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not $Xml -and -not $Clear) { throw 'Give -Xml FILE or -Clear.' }

if ($AsSystem) {
    $log = Join-Path $env:ProgramData 'BBZhM-CBT\apply-shell-launcher.log'
    New-Item -ItemType Directory -Force -Path (Split-Path $log) | Out-Null
    Remove-Item -Force -ErrorAction SilentlyContinue $log
    $what = if ($Clear) { '-Clear' } else { "-Xml '$Xml'" }
    # One command line for SYSTEM: run this script, keep everything it prints, pass its exit code on.
    $command = "& '$($MyInvocation.MyCommand.Path)' $what *> '$log'; exit `$LASTEXITCODE"
    $name = 'BBZhM-CBT apply Shell Launcher'
    $action = New-ScheduledTaskAction -Execute 'powershell.exe' `
        -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command `"$command`""
    $principal = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    Register-ScheduledTask -TaskName $name -Action $action -Principal $principal -Force | Out-Null
    try {
        Start-ScheduledTask -TaskName $name
        $deadline = (Get-Date).AddMinutes(3)
        do {
            Start-Sleep -Seconds 1
            $task = Get-ScheduledTask -TaskName $name
        } while ($task.State -eq 'Running' -and (Get-Date) -lt $deadline)
        $result = (Get-ScheduledTaskInfo -TaskName $name).LastTaskResult
    } finally {
        Unregister-ScheduledTask -TaskName $name -Confirm:$false
    }
    if (Test-Path $log) { Get-Content $log | ForEach-Object { Write-Host "  (SYSTEM) $_" } }
    if ($result -ne 0) { throw "applying the Shell Launcher configuration as SYSTEM failed (result $result)" }
    return
}

$obj = Get-CimInstance -Namespace 'root\cimv2\mdm\dmmap' -ClassName 'MDM_AssignedAccess'
if ($Clear) {
    $obj.ShellLauncher = $null
} else {
    $obj.ShellLauncher = [System.Net.WebUtility]::HtmlEncode((Get-Content -Raw -LiteralPath $Xml))
}
Set-CimInstance -CimInstance $obj | Out-Null
Write-Output ($(if ($Clear) { 'Shell Launcher configuration cleared' } else { "Shell Launcher configuration applied from $Xml" }))
exit 0
