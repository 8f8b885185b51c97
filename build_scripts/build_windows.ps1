<#
.SYNOPSIS
  Build Nebula Desktop for Windows: the PyInstaller bundle, a portable .zip and an Inno Setup
  installer (per-user, no admin rights).

.DESCRIPTION
  Run from anywhere, in PowerShell 5.1 or 7:

      powershell -ExecutionPolicy Bypass -File build_scripts\build_windows.ps1

  Produces, in dist\:
      NebulaDesktop\                                 the bundle (NebulaDesktop.exe + _internal)
      NebulaDesktop-<version>-windows-x64.zip        portable: unzip, run NebulaDesktop.exe
      NebulaDesktop-<version>-windows-x64-setup.exe  the installer
  The version comes from pyproject.toml. Python 3.11+ must be on PATH (or pass -Python).
  Inno Setup 6 is found on PATH, in its default folders, or installed with winget/choco.
  Optional signing: set WINDOWS_SIGN_PFX (path to a .pfx) and WINDOWS_SIGN_PASSWORD; signtool
  from the Windows SDK then signs NebulaDesktop.exe and the installer (timestamped).
#>
[CmdletBinding()]
param(
    [string]$Python = "python",
    [switch]$SkipInstaller
)
Set-StrictMode -Version Latest
$ErrorActionPreference = "Stop"
$ProgressPreference = "SilentlyContinue"

function Log([string]$Message) { Write-Host "[build_windows] $Message" -ForegroundColor Cyan }
function Die([string]$Message) { Write-Host "[build_windows] $Message" -ForegroundColor Red; exit 1 }
function Run([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Die "failed ($LASTEXITCODE): $Exe $($Arguments -join ' ')" }
}

$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Dist = Join-Path $Root "dist"
$Bundle = Join-Path $Dist "NebulaDesktop"

# --- Python with the app and PyInstaller -----------------------------------------------------------
$Venv = Join-Path $Root "build\venv-windows"
$Py = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Py)) {
    Log "creating $Venv"
    Run $Python @("-m", "venv", $Venv)
    Run $Py @("-m", "pip", "install", "-q", "--upgrade", "pip")
}
Log "installing the app and PyInstaller"
Run $Py @("-m", "pip", "install", "-q", "-e", $Root, "pyinstaller>=6.10,<7")
$Version = (& $Py build_scripts\version.py).Trim()
if (-not $Version) { Die "no version in pyproject.toml" }
# Windows version resources take digits only: 1.2.3rc1 -> 1.2.3
$NumericVersion = ($Version -replace '^(\d+(\.\d+){0,3}).*$', '$1')
Log "Nebula Desktop $Version"

# --- icons and the bundle --------------------------------------------------------------------------
$env:QT_QPA_PLATFORM = "offscreen"
Run $Py @("build_scripts\make_icons.py", "--out", "build\icons")
Remove-Item Env:QT_QPA_PLATFORM
Run $Py @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
          "--distpath", $Dist, "--workpath", "build\pyinstaller", "build_scripts\nebula_desktop.spec")
$Exe = Join-Path $Bundle "NebulaDesktop.exe"
if (-not (Test-Path $Exe)) { Die "no $Exe" }
$SizeMB = [math]::Round(((Get-ChildItem $Bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB), 1)
Log "bundle: $SizeMB MB"

# The frozen app must start and load (offscreen, throw-away folders). A windowed exe has no
# console, so its exit code is the verdict; its log lands in the temp data folder.
$Tmp = Join-Path ([IO.Path]::GetTempPath()) ("nebula-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory -Force -Path $Tmp | Out-Null
$env:QT_QPA_PLATFORM = "offscreen"
$Smoke = Start-Process -FilePath $Exe -Wait -PassThru -ArgumentList @(
    "--smoke-test", "--data-dir", "`"$Tmp\data`"", "--config-dir", "`"$Tmp\config`"")
Remove-Item Env:QT_QPA_PLATFORM
if ($Smoke.ExitCode -ne 0) {
    Get-ChildItem "$Tmp\data\logs" -ErrorAction SilentlyContinue | Get-Content | Select-Object -Last 40
    Die "the bundle's --smoke-test failed (exit $($Smoke.ExitCode))"
}
Remove-Item -Recurse -Force $Tmp
Log "smoke test passed"

function Sign([string]$File) {
    if (-not $env:WINDOWS_SIGN_PFX) { return }
    $SignTool = $null
    $cmd = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($cmd) { $SignTool = $cmd.Source }
    if (-not $SignTool) {
        $found = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" `
            -ErrorAction SilentlyContinue | Sort-Object FullName -Descending | Select-Object -First 1
        if ($found) { $SignTool = $found.FullName }
    }
    if (-not $SignTool) { Die "WINDOWS_SIGN_PFX is set but signtool.exe was not found" }
    Run $SignTool @("sign", "/f", $env:WINDOWS_SIGN_PFX, "/p", $env:WINDOWS_SIGN_PASSWORD,
                      "/fd", "SHA256", "/tr", "http://timestamp.digicert.com", "/td", "SHA256", $File)
}
Sign $Exe

# --- portable zip ----------------------------------------------------------------------------------
$Zip = Join-Path $Dist "NebulaDesktop-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Compress-Archive -Path $Bundle -DestinationPath $Zip
Log "wrote $Zip"
if ($SkipInstaller) { exit 0 }

# --- installer -------------------------------------------------------------------------------------
function Find-Iscc {
    $cmd = Get-Command iscc.exe -ErrorAction SilentlyContinue
    if ($cmd) { return $cmd.Source }
    foreach ($dir in @("${env:ProgramFiles(x86)}\Inno Setup 6", "$env:ProgramFiles\Inno Setup 6",
                       "$env:LOCALAPPDATA\Programs\Inno Setup 6")) {
        if (Test-Path "$dir\ISCC.exe") { return "$dir\ISCC.exe" }
    }
    return $null
}
$Iscc = Find-Iscc
if (-not $Iscc) {
    Log "Inno Setup not found; installing it"
    if (Get-Command winget.exe -ErrorAction SilentlyContinue) {
        & winget install --id JRSoftware.InnoSetup -e --silent --accept-package-agreements --accept-source-agreements
    } elseif (Get-Command choco.exe -ErrorAction SilentlyContinue) {
        & choco install innosetup -y --no-progress
    }
    $Iscc = Find-Iscc
    if (-not $Iscc) { Die "Inno Setup 6 is needed: https://jrsoftware.org/isdl.php (or winget install JRSoftware.InnoSetup)" }
}
Run $Iscc @("/Q", "/DAppVersion=$Version", "/DNumericVersion=$NumericVersion",
            "/DSourceDir=$Bundle", "/DOutputDir=$Dist",
            "/DIconFile=$(Join-Path $Root 'build\icons\nebula-desktop.ico')",
            "build_scripts\nebula-desktop.iss")
$Setup = Join-Path $Dist "NebulaDesktop-$Version-windows-x64-setup.exe"
if (-not (Test-Path $Setup)) { Die "Inno Setup wrote no $Setup" }
Sign $Setup
Log "wrote $Setup"
